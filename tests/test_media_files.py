"""Stored files served through a view that checks the user; uploads checked by content and size
(issue "Trust, round 3", item 7).

Under `make run` (DEBUG on) `/media/` was a folder served to anyone: meeting attachments of any
type (an HTML or SVG upload ran script on the admin's origin) and generated PDFs at guessable
names. Now every mode serves a file only to a user who may see the row holding it, as a download.
"""

from __future__ import annotations

import importlib
import io
import zipfile
from typing import Any

import pytest
from django.contrib.admin.sites import site
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.urls import resolve

from activities.admin.meetings import AttachmentInline
from activities.models import Meeting, MeetingAttachment
from members.models import Member
from tests.activities.factories import MeetingFactory
from tests.members.factories import MemberFactory, RegistrationFactory

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
HTML = b"<html><script>fetch('/admin/')</script></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


def _docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@pytest.fixture
def attachment(tree: Any) -> MeetingAttachment:
    meeting = MeetingFactory(organization=tree.branch_a)
    row = MeetingAttachment(meeting=meeting, caption="签到表")
    row.file.save("签到表.pdf", io.BytesIO(PDF), save=False)
    row.save()
    return row


def _url(name: str) -> str:
    return f"/media/{name}"


# --- serving -------------------------------------------------------------------------------------
def test_media_is_never_a_static_folder_even_in_debug(settings: Any) -> None:
    import config.urls

    settings.DEBUG = True
    try:
        urls = importlib.reload(config.urls)
        match = resolve("/media/activities/meetings/1/x.html", urlconf=urls)
        assert match.func.__module__ == "kit.files"
    finally:
        settings.DEBUG = False
        importlib.reload(config.urls)


def test_attachment_is_a_download_for_a_user_who_sees_the_meeting(
    client: Any, attachment: MeetingAttachment, secretary_a: Any
) -> None:
    client.force_login(secretary_a)
    response = client.get(_url(attachment.file.name))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_attachment_is_hidden_from_other_scopes_and_from_anonymous(
    client: Any, attachment: MeetingAttachment, secretary_b: Any
) -> None:
    assert client.get(_url(attachment.file.name)).status_code == 404
    client.force_login(secretary_b)
    assert client.get(_url(attachment.file.name)).status_code == 404
    assert client.get(_url("../" + attachment.file.name)).status_code == 404


def test_a_stored_page_is_never_served_as_a_page(client: Any, tree: Any, secretary_a: Any) -> None:
    """An HTML file stored before uploads were checked: a download of unknown type, inert."""
    meeting = MeetingFactory(organization=tree.branch_a)
    row = MeetingAttachment(meeting=meeting)
    row.file.save("材料.html", io.BytesIO(HTML), save=False)
    row.save()
    client.force_login(secretary_a)
    response = client.get(_url(row.file.name))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "sandbox" in response["Content-Security-Policy"]


def test_board_photo_is_public_only_for_a_member_on_a_board(client: Any, tree: Any) -> None:
    shown = MemberFactory(categories=["in_service"], branch=tree.unit_b.party_organization)
    RegistrationFactory(member=shown, community=tree.community_a, unit=tree.unit_b)
    hidden = MemberFactory(branch=tree.branch_a)
    for member in (shown, hidden):
        member.photo.save("照片.png", io.BytesIO(PNG), save=False)
        Member.objects.filter(pk=member.pk).update(photo=member.photo.name)
    assert client.get(_url(shown.photo.name)).status_code == 200
    assert client.get(_url(hidden.photo.name)).status_code == 404


# --- uploads -------------------------------------------------------------------------------------
def _attachment_field(user: Any) -> Any:
    request = RequestFactory().get("/")
    request.user = user
    inline = AttachmentInline(Meeting, site)
    return inline.formfield_for_dbfield(MeetingAttachment._meta.get_field("file"), request)


@pytest.mark.parametrize(
    ("name", "content"),
    [("签到表.pdf", PDF), ("照片.png", PNG), ("会议记录.docx", _docx())],
)
def test_listed_types_are_accepted(secretary_a: Any, name: str, content: bytes) -> None:
    field = _attachment_field(secretary_a)
    assert field.clean(SimpleUploadedFile(name, content))


@pytest.mark.parametrize(
    ("name", "content"),
    [("签到表.pdf", HTML), ("签到表.html", HTML), ("图.svg", SVG), ("伪装.pdf", SVG),
     ("假文档.docx", b"PK\x03\x04" + b"\x00" * 40), ("照片.pdf", PNG)],
)  # fmt: skip
def test_other_types_are_refused_by_content_in_chinese(
    secretary_a: Any, name: str, content: bytes
) -> None:
    field = _attachment_field(secretary_a)
    with pytest.raises(ValidationError) as refused:
        field.clean(SimpleUploadedFile(name, content))
    message = " ".join(refused.value.messages)
    assert "不支持该文件类型" in message or "与内容" in message


def test_an_upload_over_the_limit_is_refused(secretary_a: Any, settings: Any) -> None:
    settings.UPLOAD_MAX_BYTES = 1000
    field = _attachment_field(secretary_a)
    with pytest.raises(ValidationError) as refused:
        field.clean(SimpleUploadedFile("大.pdf", PDF + b"0" * 1000))
    assert "文件过大" in " ".join(refused.value.messages)
