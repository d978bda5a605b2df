"""The publicity admin as an officer uses it: a case shows its stage, next step and due date; a
step that breaks a limit is refused in the form; the record book and the PDFs; the 工作台 panel."""

from __future__ import annotations

import datetime as dt
import io
from types import SimpleNamespace
from typing import Any

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from common.printables import print_url
from members.rules import months_after
from publicity.models import BranchVote, DevelopmentStep, Notice, Opinion
from publicity.resources import DEVELOPMENT_HEADERS
from tests.publicity.factories import (
    DevelopmentCaseFactory,
    OpinionFactory,
    publish_notice,
    record_steps,
    step_date,
    voters,
)


@pytest.fixture
def case(tree: SimpleNamespace) -> Any:
    return DevelopmentCaseFactory(
        name="林晓雨", branch=tree.branch_a, residence_community=tree.community_a
    )


def _inline(case: Any, number: int, day: dt.date, **extra: str) -> dict[str, str]:
    """The case's change form with one new step in the inline."""
    data = {
        "name": case.name, "gender": case.gender, "ethnicity": case.ethnicity,
        "birth_date": f"{case.birth_date:%Y-%m-%d}", "citizen_id": case.citizen_id,
        "education": case.education, "position": case.position, "phone": case.phone,
        "address": case.address, "work_unit": case.work_unit,
        "residence_community": str(case.residence_community_id), "branch": str(case.branch_id),
        "assessment": case.assessment,
        "steps-TOTAL_FORMS": "1", "steps-INITIAL_FORMS": "0",
        "steps-MIN_NUM_FORMS": "0", "steps-MAX_NUM_FORMS": "1000",
        "steps-0-number": str(number), "steps-0-date": f"{day:%Y-%m-%d}",
        "steps-0-people": "", "steps-0-training_days": "0", "steps-0-training_hours": "0",
        "steps-0-note": "",
    }  # fmt: skip
    for prefix in ("observers", "reports", "assessments"):  # the registers' inlines, left empty
        data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0",
                 f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000"}  # fmt: skip
    data.update(extra)
    return data


def test_the_list_shows_stage_next_step_and_due_date(
    client: Client, case: Any, branch_officer_a: Any
) -> None:
    record_steps(case, 1, start=timezone.localdate() - dt.timedelta(days=3))
    client.force_login(branch_officer_a)
    text = client.get(reverse("admin:publicity_developmentcase_changelist")).content.decode()
    due = months_after(timezone.localdate() - dt.timedelta(days=3), 1)
    assert "林晓雨" in text
    assert "入党申请人" in text
    assert "第2步“党组织派人谈话”" in text
    assert f"{due:%Y-%m-%d}前" in text


def test_an_officer_records_a_step_through_the_case_page(
    client: Client, case: Any, branch_officer_a: Any
) -> None:
    client.force_login(branch_officer_a)
    url = reverse("admin:publicity_developmentcase_change", args=[case.pk])
    response = client.post(url, _inline(case, 1, dt.date(2024, 3, 1)))
    assert response.status_code == 302, _errors(response)
    case.refresh_from_db()
    assert case.last_step == 1
    assert case.due_on == dt.date(2024, 4, 1)


def test_a_step_breaking_a_limit_is_refused_in_the_form(
    client: Client, case: Any, branch_officer_a: Any
) -> None:
    DevelopmentStep.objects.create(case=case, number=1, date=dt.date(2024, 3, 1))
    case.last_step = 1
    case.save()
    client.force_login(branch_officer_a)
    url = reverse("admin:publicity_developmentcase_change", args=[case.pk])
    response = client.post(url, _inline(case, 2, dt.date(2024, 4, 2)))
    assert response.status_code == 200
    assert "1个月内派人谈话" in response.content.decode()
    assert case.steps.count() == 1


def test_the_record_book_lists_opinions_on_the_notice_page(
    client: Client, case: Any, secretary_a: Any
) -> None:
    record_steps(case, 15)
    notice = publish_notice(case, timezone.localdate())
    OpinionFactory(notice=notice, text="反映该同志乱停车", source=Opinion.Source.WEB)
    client.force_login(secretary_a)
    page = client.get(reverse("admin:publicity_notice_change", args=[notice.pk]))
    assert "反映该同志乱停车" in page.content.decode()
    listing = client.get(reverse("admin:publicity_notice_changelist")).content.decode()
    assert "1条" in listing  # 未办结意见


def test_another_community_cannot_open_the_case(
    client: Client, case: Any, secretary_b: Any
) -> None:
    client.force_login(secretary_b)
    url = reverse("admin:publicity_developmentcase_change", args=[case.pk])
    assert client.get(url).status_code == 404


def _errors(response: Any) -> Any:
    context = response.context
    return [
        context["adminform"].form.errors,
        [f.errors for f in context["inline_admin_formsets"][0].formset.forms],
    ]


def _pdf_text(response: Any) -> str:
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(
        io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content)
    )
    return "".join(page.extract_text() for page in reader.pages)


def test_the_poster_prints_the_public_fields_and_a_qr_code(
    client: Client, case: Any, secretary_a: Any
) -> None:
    record_steps(case, 15)
    notice = publish_notice(case, timezone.localdate())
    client.force_login(secretary_a)
    response = client.get(print_url("notice_poster", notice=notice.pk))
    text = _pdf_text(response)
    assert "林晓雨" in text
    assert "公示" in text
    assert case.citizen_id not in text
    assert case.phone not in text
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 1
    assert reader.pages[0].mediabox.width == pytest.approx(595, abs=2)  # A4


def test_the_record_book_prints_every_opinion_and_its_finding(
    client: Client, case: Any, secretary_a: Any
) -> None:
    from publicity import services

    record_steps(case, 15)
    notice = publish_notice(case, timezone.localdate())
    notice.unit_place, notice.unit_starts_on = "甲小学教师公告栏", notice.starts_on
    notice.unit_ends_on = notice.ends_on
    services.notice_save(
        notice=notice, actor=None, update_fields=["unit_place", "unit_starts_on", "unit_ends_on"]
    )
    opinion = OpinionFactory(notice=notice, text="反映乱停车")
    services.opinion_close(
        opinion=opinion, proven=False, finding="经核实不属实", checker="王书记", actor=None
    )
    client.force_login(secretary_a)
    text = _pdf_text(client.get(print_url("notice_record_book", notice=notice.pk)))
    assert "反映乱停车" in text
    assert "甲小学教师公告栏" in text  # the posting at the work unit, kept in the book
    assert "经核实不属实" in text
    assert "王书记" in text


def test_an_unpublished_notice_is_not_printed(client: Client, case: Any, secretary_a: Any) -> None:
    record_steps(case, 15)
    notice = publish_notice(case, timezone.localdate())
    type(notice).objects.filter(pk=notice.pk).update(published_at=None)
    client.force_login(secretary_a)
    response = client.get(print_url("notice_poster", notice=notice.pk), follow=True)
    assert "公示尚未发布，不能打印。" in response.content.decode()
    assert response["Content-Type"].startswith("text/html")


def test_another_communitys_notice_is_not_printed(
    client: Client, case: Any, secretary_b: Any
) -> None:
    record_steps(case, 15)
    notice = publish_notice(case, timezone.localdate())
    client.force_login(secretary_b)
    for name in ("notice_poster", "notice_record_book"):
        assert client.get(print_url(name, notice=notice.pk)).status_code == 404


def test_the_qr_code_opens_the_notice_on_the_public_site(case: Any, settings: Any) -> None:
    from publicity.printables import public_notice_url, qr_svg_data_uri

    record_steps(case, 15)
    notice = publish_notice(case, timezone.localdate())
    settings.PUBLICITY_PUBLIC_BASE_URL = "https://dangjian.example.cn/"
    assert public_notice_url(notice) == f"https://dangjian.example.cn/n/{notice.pk}/"
    assert qr_svg_data_uri(public_notice_url(notice)).startswith("data:image/svg+xml")


def test_the_workbench_panel_counts_what_is_due(
    client: Client, case: Any, secretary_a: Any
) -> None:
    from django.test import RequestFactory

    from publicity.dashboard import publicity_panel

    record_steps(case, 16)
    notice = publish_notice(case, timezone.localdate() - dt.timedelta(days=5))
    OpinionFactory(notice=notice)
    request = RequestFactory().get("/admin/")
    request.user = secretary_a
    panel = publicity_panel(request)
    todos = {todo.label: todo for todo in panel.todos}
    assert todos["公示意见待核实办结"].count == 1
    assert todos["2天内结束的公示"].count == 1
    assert client.get(todos["公示意见待核实办结"].url).status_code in (200, 302)
    client.force_login(secretary_a)
    listing = client.get(todos["公示意见待核实办结"].url)
    assert listing.status_code == 200
    assert listing.context["cl"].result_count == 1


def _with_recorded(case: Any, **changes: str) -> dict[str, str]:
    """The case's change form with its recorded steps as they are (changed by `changes`) and
    an empty new row."""
    steps = list(case.steps.order_by("number"))
    data = _inline(case, 0, dt.date(2024, 1, 1))
    data.update({"steps-TOTAL_FORMS": str(len(steps) + 1), "steps-INITIAL_FORMS": str(len(steps))})
    for i, step in enumerate(steps):
        data.update({
            f"steps-{i}-id": str(step.pk), f"steps-{i}-case": str(case.pk),
            f"steps-{i}-number": str(step.number), f"steps-{i}-date": f"{step.date:%Y-%m-%d}",
            f"steps-{i}-people": step.people, f"steps-{i}-training_days": str(step.training_days),
            f"steps-{i}-training_hours": str(step.training_hours), f"steps-{i}-note": step.note,
        })  # fmt: skip
    last = len(steps)
    data.update(
        {
            f"steps-{last}-number": str(last + 1),
            f"steps-{last}-date": "",
            f"steps-{last}-people": "",
            f"steps-{last}-training_days": "0",
            f"steps-{last}-training_hours": "0",
            f"steps-{last}-note": "",
        }
    )  # fmt: skip  (the empty row as the page shows it: left unchanged, it records nothing)
    data.update(changes)
    return data


def test_a_recorded_steps_date_cannot_be_changed(
    client: Client, case: Any, branch_officer_a: Any
) -> None:
    record_steps(case, 2)
    client.force_login(branch_officer_a)
    url = reverse("admin:publicity_developmentcase_change", args=[case.pk])
    response = client.post(url, _with_recorded(case, **{"steps-0-date": "2020-01-01"}))
    assert response.status_code == 200
    assert "已记录步骤的步骤和日期不能修改" in response.content.decode()


def test_only_the_last_step_may_be_deleted_from_the_case_page(
    client: Client, case: Any, branch_officer_a: Any
) -> None:
    record_steps(case, 2)
    client.force_login(branch_officer_a)
    url = reverse("admin:publicity_developmentcase_change", args=[case.pk])
    response = client.post(url, _with_recorded(case, **{"steps-0-DELETE": "on"}))
    assert response.status_code == 200
    assert "只能删除最后记录的一步" in response.content.decode(), _errors(response)
    assert case.steps.count() == 2
    response = client.post(url, _with_recorded(case, **{"steps-1-DELETE": "on"}))
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.last_step == 1


def test_the_development_ledger_lists_every_case_of_the_community(
    case: Any, tree: SimpleNamespace, django_assert_max_num_queries: Any
) -> None:
    from tests.printing import make

    record_steps(case, 3)
    DevelopmentCaseFactory(name="乙社区的人", branch=tree.branch_b)
    with django_assert_max_num_queries(4):
        pdf = make("development_ledger", organization=tree.community_a)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "林晓雨" in text
    assert "乙社区的人" not in text


def test_the_import_template_and_import_page_of_cases_open(client: Any, secretary_a: Any) -> None:
    client.force_login(secretary_a)
    template = client.get(reverse("admin:publicity_developmentcase_import_template"))
    assert template.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(template.content)).active
    assert [c.value for c in sheet[1]] == list(DEVELOPMENT_HEADERS)
    assert client.get(reverse("admin:publicity_developmentcase_import")).status_code == 200


def test_the_branch_officer_cannot_record_the_committees_approval_in_the_form(
    client: Any, case: Any, branch_officer_a: Any
) -> None:
    start = months_after(timezone.localdate(), -36)
    record_steps(case, 12, start)
    client.force_login(branch_officer_a)
    url = reverse("admin:publicity_developmentcase_change", args=[case.pk])
    response = client.post(url, _inline(case, 13, step_date(start, 13)))
    assert response.status_code == 200
    assert "应由审批的上级党委（甲社区党委）的工作人员记录" in response.content.decode()
    assert not case.steps.filter(number=13).exists()


def _voters(people: list[Any], present: list[Any], left_out: dict[Any, str]) -> dict[str, Any]:
    """The vote form's list as the browser posts it: every row's key, 到会 ticked, a reason."""
    data: dict[str, Any] = {"voters-key": [str(m.pk) for m in people]}
    for member in present:
        data[f"voters-{member.pk}-present"] = "on"
    for member, reason in left_out.items():
        data[f"voters-{member.pk}-reason"] = reason
    return data


def test_a_vote_is_recorded_in_the_admin_with_its_exclusions_and_advances_the_case(
    client: Any, case: Any, secretary_a: Any
) -> None:
    start = months_after(timezone.localdate(), -36)
    record_steps(case, 14, start)
    people = voters(case.branch, 5)
    client.force_login(secretary_a)
    data = {
        "case": str(case.pk), "step": "15", "held_on": f"{step_date(start, 15):%Y-%m-%d}",
        "written_count": "0", "written_opinions": "", "yes": "3", "no": "0", "abstain": "0",
        **_voters(people, present=people[:3], left_out={people[4]: "illness"}),
    }  # fmt: skip
    response = client.post(reverse("admin:publicity_branchvote_add"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    vote = BranchVote.objects.get()
    assert (vote.entitled_count, vote.attended_count, vote.passed) == (4, 3, True)
    case.refresh_from_db()
    assert case.last_step == 15


def test_a_failing_head_count_is_shown_in_the_vote_form(
    client: Any, case: Any, secretary_a: Any
) -> None:
    start = months_after(timezone.localdate(), -36)
    record_steps(case, 14, start)
    people = voters(case.branch, 5)
    client.force_login(secretary_a)
    data = {
        "case": str(case.pk), "step": "15", "held_on": f"{step_date(start, 15):%Y-%m-%d}",
        "written_count": "0", "written_opinions": "", "yes": "3", "no": "0", "abstain": "0",
        **_voters(people, present=people[:3], left_out={people[0]: "abroad"}),
    }  # fmt: skip
    response = client.post(reverse("admin:publicity_branchvote_add"), data)
    assert response.status_code == 200
    assert "预备党员和已排除的党员不计" in response.content.decode()
    assert not BranchVote.objects.exists()


def test_a_notice_is_withdrawn_in_the_admin_with_a_reason(
    client: Any, case: Any, secretary_a: Any
) -> None:
    record_steps(case, 15)
    notice = publish_notice(case, timezone.localdate())
    client.force_login(secretary_a)
    url = reverse("admin:publicity_notice_change", args=[notice.pk])
    data = {
        "case": str(case.pk), "community": str(notice.community_id),
        "starts_on": f"{notice.starts_on:%Y-%m-%d}", "contact": "", "unit_place": "甲小学公告栏",
        "unit_starts_on": "", "unit_ends_on": "", "withdraw_reason": "发展对象工作调动，择期重新公示",
        "opinions-TOTAL_FORMS": "0", "opinions-INITIAL_FORMS": "0",
        "opinions-MIN_NUM_FORMS": "0", "opinions-MAX_NUM_FORMS": "1000",
    }  # fmt: skip
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    notice.refresh_from_db()
    assert notice.is_withdrawn
    assert notice.withdrawn_reason == "发展对象工作调动，择期重新公示"
    assert not Notice.objects.running_on(timezone.localdate()).exists()


def test_the_vote_form_starts_from_the_branchs_full_members_not_a_picker_of_the_community(
    client: Any, case: Any, secretary_a: Any, tree: SimpleNamespace
) -> None:
    from members.rules import MemberStatus
    from tests.members.factories import MemberFactory
    from tests.organizations.factories import OrganizationFactory

    start = months_after(timezone.localdate(), -36)
    record_steps(case, 14, start)
    people = voters(case.branch, 3)
    MemberFactory(branch=case.branch, name="预备党员甲", status=MemberStatus.PROBATIONARY,
                  joined_on=timezone.localdate() - dt.timedelta(days=30))  # fmt: skip
    # Another branch of the same community: the old picker listed the whole community.
    neighbour = OrganizationFactory(kind="branch", parent=tree.community_a, code="SD-A-2")
    MemberFactory(branch=neighbour, name="别的支部的人")
    client.force_login(secretary_a)
    day = f"{step_date(start, 15):%Y-%m-%d}"
    page = client.get(reverse("admin:publicity_branchvote_add"), {"case": case.pk, "held_on": day})
    text = page.content.decode()
    for member in people:
        assert f"{member.name}</td>" in text
    assert "预备党员甲" not in text
    assert "别的支部的人" not in text
    assert "selector-available" not in text  # no two-list picker of all members
    assert "受留党察看处分" in text  # the fixed list of reasons, on every row
    listed = client.get(reverse("admin:publicity_branchvote_voters"), {"case": case.pk,
                                                                        "held_on": day})  # fmt: skip
    assert f"{people[0].name}</td>" in listed.content.decode()


def test_the_vote_form_takes_who_was_present_from_the_recorded_general_meeting(
    client: Any, case: Any, secretary_a: Any
) -> None:
    from activities import services as meeting_services
    from activities.models import AttendanceStatus, Meeting
    from activities.rules import MeetingKind

    start = months_after(timezone.localdate(), -36)
    record_steps(case, 14, start)
    people = voters(case.branch, 3)
    day = step_date(start, 15)

    def two_present(rows: list[Any]) -> None:
        for row in rows:
            if row.member_id in {people[0].pk, people[1].pk}:
                row.status = AttendanceStatus.PRESENT

    meeting = Meeting(organization=case.branch, kind=MeetingKind.GENERAL_MEETING, held_on=day,
                      topic="讨论接收预备党员")  # fmt: skip
    meeting_services.meeting_save(meeting=meeting, actor=None, mark=two_present)
    client.force_login(secretary_a)
    page = client.get(reverse("admin:publicity_branchvote_add"), {"case": case.pk,
                                                                 "held_on": f"{day:%Y-%m-%d}"})  # fmt: skip
    text = page.content.decode()
    assert "到会情况取自当天支部党员大会" in text
    assert text.count('-present" checked disabled') == 2
