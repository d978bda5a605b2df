"""The one place where HTML becomes PDF (WeasyPrint).

Reports render a template that extends templates/reports/base.html: A4, the organization and the
period in the header, page numbers in the footer. Chinese text uses Debian's Noto Sans CJK when
it is installed; otherwise the Noto Sans SC font shipped by the pylopdf-fonts-zh-cn package on PyPI,
declared through @font-face, so any machine prints Chinese.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import pylopdf_fonts_zh_cn
from django.conf import settings
from django.template.loader import render_to_string

FALLBACK_FONT_FAMILY = "Party Fallback Sans SC"


@lru_cache(maxsize=1)
def fallback_font_url() -> str:
    return pylopdf_fonts_zh_cn.sans_path().as_uri()


def html_to_pdf(html: str) -> bytes:
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    document = HTML(string=html, base_url=str(settings.BASE_DIR))
    return document.write_pdf(font_config=FontConfiguration())


def render_pdf(template_name: str, context: dict[str, Any]) -> bytes:
    """Render `template_name` with `context` and return the PDF's bytes."""
    context = {
        **context,
        "fallback_font_url": fallback_font_url(),
        "fallback_font_family": FALLBACK_FONT_FAMILY,
    }
    return html_to_pdf(render_to_string(template_name, context))
