"""The organization tree ledger as a printed PDF."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io

import pytest
from pypdf import PdfReader

from common.documents import document_render, document_request
from common.models import Document, DocumentStatus
from organizations.printables import ORGANIZATION_TREE
from organizations.services import ScopeError
from tests.organizations.factories import OrganizationFactory, PositionFactory
from tests.printing import make


def organization_tree_pdf(organization, *, reader, on=None) -> bytes:
    return make(ORGANIZATION_TREE, reader=reader, today=on, organization=organization)


def pdf_text(data: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(data))
    return len(reader.pages), "\n".join(page.extract_text() for page in reader.pages)


def test_tree_pdf_prints_chinese_names_positions_and_page_numbers(tree) -> None:
    PositionFactory(
        organization=tree.community_a, holder_name="王建华", start_date=dt.date(2021, 3, 1)
    )
    PositionFactory(organization=tree.branch_a, holder_name="李秀英", title="organization_member")
    pages, text = pdf_text(
        organization_tree_pdf(tree.community_a, reader=None, on=dt.date(2026, 6, 30))
    )
    assert pages == 1
    for expected in (
        "组织架构及班子成员",
        "甲社区党委",
        "甲社区第一党支部",
        "甲社区第一党小组",
        "书记：王建华",
        "组织委员：李秀英",
        "截至2026年06月30日",
        "第 1 页 / 共 1 页",
    ):
        assert expected in text, expected
    assert "乙社区" not in text


def test_tree_pdf_leaves_out_former_positions(tree) -> None:
    PositionFactory(
        organization=tree.branch_a,
        holder_name="前任书记",
        start_date=dt.date(2015, 1, 1),
        end_date=dt.date(2020, 12, 31),
    )
    _, text = pdf_text(
        organization_tree_pdf(tree.community_a, reader=None, on=dt.date(2026, 6, 30))
    )
    assert "前任书记" not in text
    assert "未配备" in text


def test_long_tree_runs_over_pages_with_numbers(tree) -> None:
    for i in range(60):
        OrganizationFactory(
            name=f"甲社区第{i + 2}党支部", code=f"SD-A-{i + 2}", parent=tree.community_a
        )
    pages, text = pdf_text(organization_tree_pdf(tree.community_a, reader=None))
    assert pages >= 2
    assert f"第 2 页 / 共 {pages} 页" in text
    assert "甲社区第61党支部" in text


def test_queued_report_is_rendered_and_stored(
    tree, secretary_a, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        report = document_request(
            organization=tree.community_a, kind=ORGANIZATION_TREE, actor=secretary_a
        )
    report.refresh_from_db()
    assert report.status == DocumentStatus.DONE
    assert report.progress == 100
    assert report.file.name.endswith(".pdf")
    assert "组织架构" not in report.file.name  # stored under a random name
    assert report.file.name.startswith("documents/")
    assert report.finished_at is not None
    _, text = pdf_text(report.file.read())
    assert "甲社区党委" in text


def test_rendering_a_finished_report_again_changes_nothing(
    tree, secretary_a, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        report = document_request(
            organization=tree.community_a, kind=ORGANIZATION_TREE, actor=secretary_a
        )
    report.refresh_from_db()
    name = report.file.name
    document_render(document_id=report.pk, user_id=secretary_a.pk)
    assert Document.objects.get(pk=report.pk).file.name == name


def test_report_for_invisible_organization_is_refused(tree, secretary_a) -> None:
    with pytest.raises(ScopeError):
        document_request(organization=tree.community_b, kind=ORGANIZATION_TREE, actor=secretary_a)
    assert not Document.objects.exists()


def test_download_of_other_communitys_report_is_404(
    client, tree, secretary_a, secretary_b, django_capture_on_commit_callbacks
) -> None:
    from django.urls import reverse

    with django_capture_on_commit_callbacks(execute=True):
        report = document_request(
            organization=tree.community_b, kind=ORGANIZATION_TREE, actor=secretary_b
        )
    url = reverse("admin:common_document_download", args=[report.token])
    client.force_login(secretary_a)
    assert client.get(url).status_code == 404
    client.force_login(secretary_b)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_unknown_kind_is_refused_in_chinese(tree, secretary_a) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="没有这种台账"):
        document_request(organization=tree.community_a, kind="nothing", actor=secretary_a)


def test_a_failed_render_keeps_its_reason_and_no_file(
    tree, secretary_a, monkeypatch, django_capture_on_commit_callbacks
) -> None:
    from common import printables

    kind = printables.printable_get(ORGANIZATION_TREE)

    def broken(job):
        job.progress(40)
        raise RuntimeError("字体缺失")

    monkeypatch.setitem(printables._registry(), ORGANIZATION_TREE, dataclasses.replace(
        kind, select=broken
    ))  # fmt: skip
    with pytest.raises(RuntimeError), django_capture_on_commit_callbacks(execute=True):
        document_request(organization=tree.community_a, kind=ORGANIZATION_TREE, actor=secretary_a)
    document = Document.objects.get()
    assert document.status == DocumentStatus.FAILED
    assert "字体缺失" in document.error
    assert document.progress == 40
    assert not document.file
