"""The pages outside the admin (public site, portal, QR sign-in) write no form field by hand:
django-crispy-forms renders every field from its Django form, so a label, a Chinese error under
the field and the field's validation cannot be forgotten on one page (issue 21, item 7). Their
styles are static files: no <style> block or style attribute under the strict CSP."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
OUTSIDE_ADMIN = sorted(
    path
    for folder in ("public", "portal", "activities")
    for path in (TEMPLATES / folder).glob("*.html")
)
FIELD = re.compile(r"<(input|select|textarea)\b[^>]*>", re.IGNORECASE)


def test_the_pages_outside_the_admin_are_found() -> None:
    names = {path.relative_to(TEMPLATES).as_posix() for path in OUTSIDE_ADMIN}
    assert {"public/notice.html", "portal/login.html", "activities/sign_in.html"} <= names


@pytest.mark.parametrize("path", OUTSIDE_ADMIN, ids=lambda p: p.relative_to(TEMPLATES).as_posix())
def test_no_field_is_written_by_hand(path: Path) -> None:
    """Hidden values that change per visitor (a captcha's token, `next`) are the exception."""
    for match in FIELD.finditer(path.read_text()):
        tag = match.group(0)
        assert tag.lower().startswith("<input"), tag
        assert 'type="hidden"' in tag, tag


@pytest.mark.parametrize("path", OUTSIDE_ADMIN, ids=lambda p: p.relative_to(TEMPLATES).as_posix())
def test_no_inline_style(path: Path) -> None:
    text = path.read_text()
    assert "<style" not in text
    assert "style=" not in text


def test_every_page_with_a_form_renders_it_with_crispy() -> None:
    for path in OUTSIDE_ADMIN:
        text = path.read_text()
        fields = text.count("|crispy") + text.count("{% crispy ")
        posts_a_field = "<form" in text and "logout" not in text
        assert fields or not posts_a_field, path
