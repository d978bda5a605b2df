"""The meeting admin as an officer uses it: record, mark attendance, the quorum said at once,
printables, the compliance page, QR sign-in, notifications and the workbench panel."""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any
from urllib.parse import quote

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from activities.models import AttendanceStatus as S
from activities.models import Meeting
from activities.rules import MeetingKind as K
from activities.selectors.compliance import COMPLIANCE_KINDS
from common.printables import print_url
from members.models import Member
from organizations.models import Organization
from organizations.rules import OrganizationKind
from tests.activities.factories import MeetingFactory, NotificationFactory
from tests.members.factories import MemberFactory
from tests.organizations.factories import OrganizationFactory, PositionFactory, UserFactory

pytestmark = pytest.mark.django_db
ADD = "admin:activities_meeting_add"


def _value(form: Any, name: str) -> Any:
    value = form[name].value()
    if value is None:
        return ""
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return value


def form_data(response: Any) -> dict[str, Any]:
    """The change form's data as the browser would post it back unchanged."""
    form = response.context["adminform"].form
    data = {name: _value(form, name) for name in form.fields}
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for name in formset.management_form.fields:
            data[f"{formset.prefix}-{name}"] = formset.management_form[name].value()
        for sub in formset.forms:
            for name in sub.fields:
                value = _value(sub, name)
                if isinstance(value, bool):
                    if value:
                        data[sub.add_prefix(name)] = "on"
                    continue
                data[sub.add_prefix(name)] = value
    return {k: v for k, v in data.items() if v is not None}


def _committee_meeting(tree, branch_officer_a):
    for i, title in enumerate(
        ["secretary", "deputy_secretary", "organization_member", "publicity_member"]
    ):
        PositionFactory(organization=tree.branch_a, title=title, holder_name=f"委员{i}")
    from activities import services

    meeting = Meeting(
        organization=tree.branch_a,
        kind=K.COMMITTEE_MEETING,
        held_on=dt.date(2026, 3, 5),
        topic="3月支委会",
    )
    return services.meeting_save(meeting=meeting, actor=branch_officer_a)


def _mark(data: dict[str, Any], present: int) -> dict[str, Any]:
    rows = sorted(
        {int(m.group(1)) for k in data if (m := re.match(r"attendances-(\d+)-status", k))}
    )
    for index in rows:
        data[f"attendances-{index}-status"] = S.PRESENT if index < present else S.ABSENT
    return data


def test_an_officer_records_a_meeting_and_gets_the_attendance_prefilled(
    client, tree, branch_officer_a
) -> None:
    MemberFactory(branch=tree.branch_a, name="张三")
    MemberFactory(branch=tree.branch_a, name="李四")
    client.force_login(branch_officer_a)
    page = client.get(reverse(ADD))
    assert page.status_code == 200
    data = {"organization": tree.branch_a.pk, "kind": K.GENERAL_MEETING, "held_on": "2026-03-18",
            "topic": "第一季度党员大会", "place": "会议室"}  # fmt: skip
    response = client.post(reverse(ADD), data, follow=True)
    meeting = Meeting.objects.get()
    assert "已登记2人的出席情况：应到2人、实到0人、请假0人。" in response.content.decode()
    change = client.get(reverse("admin:activities_meeting_change", args=[meeting.pk]))
    text = change.content.decode()
    assert "张三" in text
    assert "李四" in text
    assert "扫码签到（可选）" in text


def test_a_committee_meeting_with_too_few_present_says_so_at_once(
    client, tree, branch_officer_a
) -> None:
    meeting = _committee_meeting(tree, branch_officer_a)
    url = reverse("admin:activities_meeting_change", args=[meeting.pk])
    client.force_login(branch_officer_a)
    data = _mark(form_data(client.get(url)), present=2)
    data["decisions"] = "同意发展对象"

    refused = client.post(url, data)
    assert refused.status_code == 200
    assert "支部委员会应到4人、实到2人，未达到法定人数" in refused.content.decode()
    assert Meeting.objects.get(pk=meeting.pk).decisions == ""

    data["decisions"] = ""
    saved = client.post(url, data, follow=True)
    assert "未达到法定人数（须超过应到人数的半数），会议记为未召开" in saved.content.decode()
    meeting.refresh_from_db()
    assert (meeting.present_count, meeting.is_quorate) == (2, False)

    data = _mark(form_data(client.get(url)), present=3)
    data["decisions"] = "同意发展对象"
    client.post(url, data, follow=True)
    meeting.refresh_from_db()
    assert (meeting.present_count, meeting.is_quorate, meeting.decisions) == (
        3,
        True,
        "同意发展对象",
    )


def test_decisions_on_a_new_meeting_are_checked_against_its_attendance_as_marked(
    client, tree, branch_officer_a
) -> None:
    zhang = MemberFactory(branch=tree.branch_a, name="张三")
    MemberFactory(branch=tree.branch_a, name="李四")
    client.force_login(branch_officer_a)
    data = {"organization": tree.branch_a.pk, "kind": K.GENERAL_MEETING, "held_on": "2026-03-18",
            "topic": "大会", "decisions": "通过", "attendance-key": [f"m{zhang.pk}"],
            f"attendance-m{zhang.pk}-status": S.PRESENT}  # fmt: skip
    response = client.post(reverse(ADD), data)
    assert "支部党员大会应到2人、实到1人，未达到法定人数" in response.content.decode()
    assert not Meeting.objects.exists()

    data["present_names"] = "张三、李四"
    client.post(reverse(ADD), data)
    meeting = Meeting.objects.get()
    assert (meeting.present_count, meeting.is_quorate, meeting.decisions) == (2, True, "通过")


def test_another_communitys_officer_cannot_open_the_meeting(client, tree, secretary_b) -> None:
    meeting = MeetingFactory(organization=tree.branch_a)
    client.force_login(secretary_b)
    assert (
        client.get(reverse("admin:activities_meeting_change", args=[meeting.pk])).status_code == 404
    )
    assert client.get(print_url("meeting_record", meeting=meeting.pk)).status_code == 404


def test_printables_are_pdfs(client, tree, secretary_a) -> None:
    MemberFactory(branch=tree.branch_a, name="张三", categories=["aged_or_ill"])
    from activities import services

    meeting = services.meeting_save(
        meeting=Meeting(
            organization=tree.branch_a, kind=K.LECTURE, held_on=dt.date(2026, 3, 5), topic="党课"
        ),
        actor=secretary_a,
    )
    client.force_login(secretary_a)
    for name in ("meeting_sign_in_sheet", "meeting_record"):
        response = client.get(print_url(name, meeting=meeting.pk))
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")
    ledger = client.get(print_url("meeting_ledger", organization=tree.branch_a.pk, period=2026))
    assert ledger.content.startswith(b"%PDF")


def test_the_ledger_is_a_background_document(
    tree, secretary_a, django_capture_on_commit_callbacks
) -> None:
    from common.documents import document_request
    from common.models import Document, DocumentStatus

    MeetingFactory(organization=tree.branch_a, held_on=dt.date(2026, 3, 5))
    with django_capture_on_commit_callbacks(execute=True):
        document = document_request(
            organization=tree.branch_a,
            kind="meeting_ledger",
            actor=secretary_a,
            params={"period": "2026"},
        )
    document = Document.objects.get(pk=document.pk)
    assert document.status == DocumentStatus.DONE
    assert document.file.name.endswith(".pdf")


def test_compliance_page_shows_each_organizations_status_and_exports(
    client, tree, secretary_a
) -> None:
    MemberFactory(branch=tree.branch_a, group=tree.group_a)
    MemberFactory(branch=tree.branch_b, group=tree.group_b)
    MeetingFactory(organization=tree.branch_a, kind=K.THEME_DAY, held_on=dt.date(2026, 1, 3))
    client.force_login(secretary_a)
    url = reverse("admin:activities_meeting_compliance")
    page = client.get(url, {"year": 2026, "as_of": "2026-02-15"})
    text = page.content.decode()
    assert "甲社区第一党支部" in text
    assert "乙社区" not in text  # another community's branches are not shown
    assert "逾期" in text
    assert "1月" in text  # the trend chart
    only_overdue = client.get(url, {"year": 2026, "as_of": "2026-02-15", "status": "overdue"})
    assert "2026-01" in only_overdue.content.decode()  # the group's January meeting is overdue
    export = client.get(page.context["export_url"])
    assert export["Content-Disposition"].startswith("attachment;")
    sheet = openpyxl.load_workbook(io.BytesIO(export.content)).active
    assert sheet.title == "会议落实情况2026"
    names = {row[1] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert "甲社区第一党支部" in names
    assert not any(str(name).startswith("乙社区") for name in names), names


def test_compliance_page_lists_a_page_of_organizations_and_counts_them_all(
    client, tree, sub_district_officer
) -> None:
    from activities.admin.meetings import COMPLIANCE_PER_PAGE

    for i in range(COMPLIANCE_PER_PAGE + 5):
        OrganizationFactory(
            kind=OrganizationKind.BRANCH, parent=tree.community_a, code=f"SD-A-P{i:03d}"
        )
    client.force_login(sub_district_officer)
    url = reverse("admin:activities_meeting_compliance")
    first = client.get(url, {"year": 2026, "as_of": "2026-02-15"}).content.decode()
    total = Organization.objects.filter(kind__in=COMPLIANCE_KINDS).count()
    assert first.count('class="compliance-organization"') == COMPLIANCE_PER_PAGE
    assert f"共{total}个党组织" in first
    assert "下一页" in first
    second = client.get(url, {"year": 2026, "as_of": "2026-02-15", "page": 2}).content.decode()
    assert second.count('class="compliance-organization"') == total - COMPLIANCE_PER_PAGE
    assert 'data-code="SD-A-P054"' in first + second


def test_compliance_counts_follow_a_saved_meeting(
    client, tree, secretary_a, django_capture_on_commit_callbacks
) -> None:
    """The counts are kept in the cache until the data changes: a meeting saved is counted
    on the next visit, not after the cache expires."""
    MemberFactory(branch=tree.branch_a, group=tree.group_a)
    client.force_login(secretary_a)
    url = reverse("admin:activities_meeting_compliance")
    query = {"year": 2026, "as_of": "2026-02-15", "status": "overdue"}
    before = client.get(url, query).context["cl"].result_count
    assert before > 0
    with django_capture_on_commit_callbacks(execute=True):  # committed, as a request would
        MeetingFactory(
            organization=tree.group_a, kind=K.GROUP_MEETING, held_on=dt.date(2026, 1, 20)
        )
    after = client.get(url, query).context["cl"].result_count
    assert after == before - 1


def test_compliance_page_queries_do_not_grow_with_branches(
    client,
    tree,
    sub_district_officer,
    django_assert_max_num_queries,
    django_capture_on_commit_callbacks,
) -> None:
    url = reverse("admin:activities_meeting_compliance")
    client.force_login(sub_district_officer)

    def grow(n):
        with django_capture_on_commit_callbacks(execute=True):  # committed: counted afresh
            for _ in range(n):
                branch = OrganizationFactory(kind=OrganizationKind.BRANCH, parent=tree.community_a)
                MeetingFactory(organization=branch, kind=K.THEME_DAY, held_on=dt.date(2026, 1, 3))

    grow(2)
    # The counts of every organization (then kept in the cache), then the page's in detail
    # (each reading the 党小组 below the communities once: issue 24).
    with django_assert_max_num_queries(52) as few:
        client.get(url, {"year": 2026})
    grow(20)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url, {"year": 2026}).status_code == 200


def test_the_qr_code_signs_a_member_in(client, tree, secretary_a) -> None:
    user = UserFactory(username="member1")
    MemberFactory(branch=tree.branch_a, user=user, name="扫码人")
    from activities import services

    now = timezone.localtime()
    meeting = services.meeting_save(
        meeting=Meeting(
            organization=tree.branch_a, kind=K.THEME_DAY, held_on=now.date(), topic="主题党日",
        ),
        actor=secretary_a,
    )  # fmt: skip
    client.force_login(secretary_a)
    svg = client.get(reverse("admin:activities_meeting_qr", args=[meeting.pk]))
    assert svg["Content-Type"] == "image/svg+xml"
    url = reverse("admin:activities_meeting_sign_in", args=[meeting.sign_in_token])
    client.force_login(user)  # a member, not staff
    assert "确认本人出席" in client.get(url).content.decode()
    assert "您已签到" in client.post(url).content.decode()
    assert meeting.attendances.get(member__user=user).status == S.PRESENT

    # The secretary's page of the meeting shows the row marked present, with the scan's time.
    client.force_login(secretary_a)
    page = client.get(reverse("admin:activities_meeting_change", args=[meeting.pk]))
    assert "实到1人" in page.content.decode()
    rows = page.context["inline_admin_formsets"][0].formset.forms
    scanned = next(form for form in rows if form.instance.name == "扫码人")
    assert scanned["status"].value() == S.PRESENT
    assert scanned.instance.signed_in_at is not None


def test_notifications_are_their_recipients_own(client, tree, secretary_a, secretary_b) -> None:
    NotificationFactory(recipient=secretary_a, title="甲的提醒")
    NotificationFactory(recipient=secretary_b, title="乙的提醒")
    client.force_login(secretary_a)
    text = client.get(reverse("admin:activities_notification_changelist")).content.decode()
    assert "甲的提醒" in text
    assert "乙的提醒" not in text


def test_the_workbench_shows_overdue_meetings_and_the_trend(client, tree, secretary_a) -> None:
    client.force_login(secretary_a)
    text = client.get(reverse("admin:index")).content.decode()
    assert "项应开会议已逾期" in text
    assert reverse("admin:activities_meeting_compliance") + "?status=overdue" in text
    assert "每月有效会议" in text


def test_the_meeting_page_queries_do_not_grow_with_its_attendance(
    client, tree, secretary_a, django_assert_max_num_queries
) -> None:
    from activities import services

    def meeting_of(n, topic):
        branch = OrganizationFactory(kind=OrganizationKind.BRANCH, parent=tree.community_a)
        for _ in range(n):
            MemberFactory(branch=branch)
        meeting = Meeting(
            organization=branch, kind=K.LECTURE, held_on=dt.date(2026, 3, 5), topic=topic
        )
        return services.meeting_save(meeting=meeting, actor=secretary_a)

    small, large = meeting_of(2, "小"), meeting_of(30, "大")
    client.force_login(secretary_a)
    with django_assert_max_num_queries(60) as few:
        client.get(reverse("admin:activities_meeting_change", args=[small.pk]))
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(reverse("admin:activities_meeting_change", args=[large.pk]))
    assert page.content.decode().count('name="attendances-') >= 30


def test_a_member_with_the_printed_password_sets_their_own_before_the_qr_sign_in(
    client, tree, secretary_a
) -> None:
    """Issue 22: the slip's initial password does not sign anyone in. The QR page first asks
    for the member's own password, then comes back to the meeting; nothing is marked before."""
    user = UserFactory(username="member2")
    user.set_password("Slip-1234")
    user.save()
    member = MemberFactory(branch=tree.branch_a, user=user, name="新登录人")
    Member.objects.filter(pk=member.pk).update(must_change_password=True)
    from activities import services

    meeting = services.meeting_save(
        meeting=Meeting(
            organization=tree.branch_a, kind=K.THEME_DAY, held_on=timezone.localdate(),
            topic="主题党日",
        ),
        actor=secretary_a,
    )  # fmt: skip
    url = reverse("admin:activities_meeting_sign_in", args=[meeting.sign_in_token])
    client.force_login(user)
    for answer in (client.get(url), client.post(url)):
        assert answer.status_code == 302
        assert answer["Location"] == f"{reverse('portal:password')}?next={quote(url, safe='')}"
    assert not meeting.attendances.filter(member=member, status=S.PRESENT).exists()

    page = client.get(answer["Location"])
    assert f'name="next" value="{url}"' in page.content.decode()
    new = {
        "old_password": "Slip-1234",
        "new_password1": "Qz7!mark-river",
        "new_password2": "Qz7!mark-river",
    }
    done = client.post(reverse("portal:password"), {**new, "next": url})
    assert done["Location"] == url
    assert "确认本人出席" in client.get(url).content.decode()
    assert "您已签到" in client.post(url).content.decode()


def test_the_password_page_never_sends_a_member_to_another_site(client, tree) -> None:
    user = UserFactory(username="member3")
    user.set_password("Slip-1234")
    user.save()
    MemberFactory(branch=tree.branch_a, user=user, name="外链人")
    client.force_login(user)
    new = {
        "old_password": "Slip-1234",
        "new_password1": "Qz7!mark-river",
        "new_password2": "Qz7!mark-river",
    }
    done = client.post(reverse("portal:password"), {**new, "next": "https://evil.example/"})
    assert done["Location"] == reverse("portal:home")
