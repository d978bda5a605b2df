"""Checks on a publicity row alone live in its model's `clean`: every write (service, admin form,
import) sees them."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from publicity.models import Opinion, OpinionStatus
from publicity.services import opinion_close
from tests.publicity.factories import DevelopmentCaseFactory, NoticeFactory, OpinionFactory


@pytest.fixture
def opinion(tree: SimpleNamespace) -> Opinion:
    case = DevelopmentCaseFactory(branch=tree.branch_a, residence_community=tree.community_a)
    return OpinionFactory(notice=NoticeFactory(case=case))


@pytest.mark.parametrize(("finding", "checker"), [("", "王核实"), ("情况不属实", " "), ("", "")])
def test_a_closed_opinion_without_its_checker_or_finding_is_refused(
    opinion: Opinion, finding: str, checker: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        opinion_close(opinion=opinion, proven=False, finding=finding, checker=checker, actor=None)
    assert refused.value.message_dict == {"finding": ["办结意见须填写核实人和核实结果"]}
    assert Opinion.objects.get(pk=opinion.pk).status == OpinionStatus.OPEN


def test_an_opinion_closed_with_checker_and_finding_is_dated(opinion: Opinion) -> None:
    opinion_close(opinion=opinion, proven=False, finding="不属实", checker="王核实", actor=None)
    opinion.refresh_from_db()
    assert (opinion.status, opinion.closed_on) == (OpinionStatus.UNFOUNDED, timezone.localdate())


def test_the_admin_form_shows_the_rule_on_the_finding(
    client: Client, opinion: Opinion, secretary_a: Any
) -> None:
    client.force_login(secretary_a)
    url = reverse("admin:publicity_opinion_change", args=[opinion.pk])
    data = {
        "notice": opinion.notice_id, "source": opinion.source, "text": opinion.text,
        "sender_name": "", "sender_phone": "", "status": OpinionStatus.UNFOUNDED,
        "received_at_0": f"{opinion.received_at:%Y-%m-%d}", "received_at_1": "10:00:00",
        "checker": "王核实", "finding": "", "closed_on": "",
    }  # fmt: skip
    response = client.post(url, data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["finding"] == [
        "办结意见须填写核实人和核实结果"
    ]
    assert Opinion.objects.get(pk=opinion.pk).status == OpinionStatus.OPEN


def test_a_notice_posted_at_the_workplace_ends_after_it_starts(tree: SimpleNamespace) -> None:
    case = DevelopmentCaseFactory(branch=tree.branch_a, residence_community=tree.community_a)
    notice = NoticeFactory.build(
        case=case, unit_starts_on=dt.date(2026, 3, 2), unit_ends_on=dt.date(2026, 3, 1)
    )
    with pytest.raises(ValidationError) as refused:
        notice.full_clean()
    assert refused.value.message_dict["unit_ends_on"] == ["工作单位张贴结束日期不能早于开始日期"]
    notice.unit_ends_on = notice.unit_starts_on
    notice.full_clean()
