"""The printables' own rules (kit/printables.py, common/printables.py): the parameters, the
formats, the Excel writer, the registry and the one admin action."""

from __future__ import annotations

import datetime as dt
import io
from types import SimpleNamespace
from typing import Any

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from common.models import Document, DocumentStatus
from common.printables import print_url, printable_get, printable_list
from kit.printables import Job, PrintError, XlsxRenderer


def test_a_period_gives_its_year_and_a_month_must_be_a_month() -> None:
    today = dt.date(2026, 7, 1)
    assert Job({"period": "2025H2"}, today=today).year() == 2025
    assert Job({"period": "2026-11"}, today=today).month() == dt.date(2026, 11, 1)
    assert Job({}, today=today).year() == 2026
    for bad in ("", "2026", "2026-13", "11/2026"):
        with pytest.raises(PrintError, match="请填写月份"):
            Job({"period": bad}, today=today).month()


def test_the_sheet_keeps_formulas_and_leading_zeros_as_text() -> None:
    data = XlsxRenderer().render(
        {
            "title": "名单",
            "headers": ["姓名", "电话"],
            "rows": [["=HYPERLINK(1)", "0571"], ["李", None]],
        }
    )
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert sheet.title == "名单"
    assert (sheet["A2"].value, sheet["A2"].data_type) == ("=HYPERLINK(1)", "s")
    assert sheet["B2"].value == "0571"
    assert sheet["B3"].value is None
    assert sheet.max_row == 3


def test_a_format_a_printable_lacks_is_refused_in_chinese(db: None) -> None:
    with pytest.raises(PrintError, match="没有xlsx格式"):
        printable_get("organization_tree").make(Job({}, format="xlsx"))  # type: ignore[union-attr]


def test_every_printable_has_a_chinese_label_a_permission_and_a_renderer() -> None:
    for printable in printable_list():
        assert not printable.label.isascii(), printable.name
        assert printable.permission, printable.name
        assert printable.formats, printable.name
        assert printable.params, printable.name
        assert printable.param("object") is None or printable.organization_of, printable.name


def test_a_printable_not_permitted_is_a_404_and_an_unknown_one_too(
    tree: SimpleNamespace, reviewer_b: Any
) -> None:
    client = Client()
    client.force_login(reviewer_b)  # a unit's reviewer keeps no dues
    url = print_url("dues_ledger", organization=tree.unit_b.party_organization.pk, period="2026-03")
    assert client.get(url).status_code == 404
    assert client.get(reverse("admin:common_document_print", args=["nothing"])).status_code == 404
    assert not Document.objects.exists()


def test_the_action_queues_one_document_for_each_selected_organization(
    tree: SimpleNamespace,
    secretary_a: Any,
    django_capture_on_commit_callbacks: Any,
    monkeypatch: Any,
) -> None:
    monkeypatch.setattr("kit.pdf.html_to_pdf", lambda html: b"%PDF-1.7 stub")
    client = Client()
    client.force_login(secretary_a)
    chosen = [tree.community_a.pk, tree.branch_a.pk]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:organizations_organization_changelist"),
            {"action": "print_organization_tree", "_selected_action": chosen},
            follow=True,
        )
    assert "已提交2份“组织架构及班子成员”" in response.content.decode()
    documents = Document.objects.order_by("organization__code")
    assert [d.organization_id for d in documents] == [tree.community_a.pk, tree.branch_a.pk]
    assert all(d.status == DocumentStatus.DONE for d in documents)
