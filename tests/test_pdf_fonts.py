"""Chinese prints even on a machine without Debian's CJK fonts (the PyPI fallback font)."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from pypdf import PdfReader

from kit.pdf import FALLBACK_FONT_FAMILY

# The real report base template, rendered in a process whose fontconfig may see no fonts at all.
RENDER = """
import django, sys
django.setup()
from kit.pdf import render_pdf
context = {"title": "组织架构", "organization": {"name": "春晖社区党委"}, "period": "2026年"}
sys.stdout.buffer.write(render_pdf("reports/base.html", context))
"""
FALLBACK = FALLBACK_FONT_FAMILY.replace(" ", "-")


def fonts_and_text(pdf: bytes) -> tuple[set[str], str]:
    reader = PdfReader(io.BytesIO(pdf))
    names: set[str] = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            names.add(str(font.get_object()["/BaseFont"]))
    return names, "".join(page.extract_text() for page in reader.pages)


def render(tmp_path: Path, *, system_fonts: bool) -> bytes:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"}
    if not system_fonts:
        config = tmp_path / "fonts.conf"
        config.write_text(
            f'<?xml version="1.0"?><fontconfig><cachedir>{tmp_path}</cachedir></fontconfig>'
        )
        env["FONTCONFIG_FILE"] = str(config)
    result = subprocess.run(
        [sys.executable, "-c", RENDER],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        check=True,
    )
    return result.stdout


def test_without_system_fonts_the_fallback_font_prints_chinese(tmp_path: Path) -> None:
    names, text = fonts_and_text(render(tmp_path, system_fonts=False))
    assert "春晖社区党委" in text
    assert names
    assert all(FALLBACK in name for name in names), names


def test_with_system_fonts_debians_noto_cjk_is_used(tmp_path: Path) -> None:
    names, text = fonts_and_text(render(tmp_path, system_fonts=True))
    assert "春晖社区党委" in text
    assert any("Noto-Sans-CJK" in name or "NotoSansCJK" in name for name in names), names
    assert not any(FALLBACK in name for name in names), names
