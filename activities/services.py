"""Writes of meetings and their attendance, QR sign-in and notifications.

A meeting's counts (应到, 实到, 请假) and whether it counts as held (`is_quorate`) are kept from
its attendance by `meeting_save`; an imported one (台账导入) keeps the ledger's counts. A meeting
without its quorum is recorded as not held, and no decision may be recorded on it (002, 004).
Every write checks the actor's scope through the meeting's organization.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from kit.services import model_save
from members.models import Member
from organizations.rules import COMMUNITY_KINDS, OrganizationKind
from organizations.scope import require_editable

from .models import (
    Attendance,
    AttendanceStatus,
    Meeting,
    MeetingAttachment,
    MeetingSource,
    Notification,
)
from .rules import (
    AGED_EXCUSED_KINDS,
    FOR_BRANCHES_KINDS,
    MAJORITY,
    VOTING_KINDS,
    Counts,
    MeetingKind,
    attendance_counts,
    counts_error,
    holder_error,
    is_quorate,
    match_names,
    quorum_message,
    quorum_of,
    voters_message,
)
from .selectors.meetings import (
    JOINT_COMMITTEE_KIND,
    attendee_list,
    conference_of,
    has_general_meeting_consent,
    is_aged_or_ill,
    is_outflowing_on,
    joint_committee_of,
    regional_branch_of,
)

# The meeting's free-text fields, capped on input (settings.ACTIVITIES_TEXT_MAX_CHARS).
TEXT_LABELS = {"agenda": "议程", "minutes": "会议记录", "decisions": "决议"}

COUNT_FIELDS = ["expected_count", "present_count", "leave_count", "is_quorate"]


class QuorumError(ValidationError):
    """A decision was recorded on a meeting that did not reach its quorum."""


class SignInError(ValidationError):
    """A QR sign-in outside the meeting's window or by someone who may not sign in."""


class AttendanceMarkError(ValidationError):
    """The attendance given with a new meeting names someone not on its list, twice, or marks a
    row in a way its rules refuse (a leave without its reason)."""


@dataclass(frozen=True)
class Mark:
    """How one row of a new meeting's attendance list is marked (its status, a leave's reason)."""

    status: str
    reason: str = ""


# --- checks shared by the services and the admin's forms ---------------------------------------
def meeting_errors(meeting: Meeting) -> dict[str, str]:
    """What is wrong with `meeting` beyond the model's own checks (kind, holder, committee)."""
    if errors := text_errors(meeting):
        return errors
    if not (meeting.kind and meeting.organization_id):
        return {}
    if error := holder_error(meeting.kind, meeting.organization.kind):
        return {"organization": error}
    if meeting.kind in JOINT_COMMITTEE_KIND and joint_committee_of(meeting) is None:
        label = JOINT_COMMITTEE_KIND[MeetingKind(meeting.kind)].label
        return {"kind": f"{meeting.organization}尚未组建{label}，请先在“联席会/大党委”中登记。"}
    if error := congress_error(meeting):
        return {"kind": error}
    if meeting.source == MeetingSource.IMPORTED:
        error = counts_error(
            expected=meeting.expected_count,
            present=meeting.present_count,
            on_leave=meeting.leave_count,
        )
        return {"present_count": error} if error else {}
    return {}


def congress_error(meeting: Meeting) -> str | None:
    """A session of the 党员代表会议 needs the community's conference in its term that day; a
    meeting of the 区域化党总支 needs the 区域化党总支 in its term (两会一化, members)."""
    day = f"{meeting.held_on:%Y-%m-%d}" if meeting.held_on else ""
    if meeting.kind == MeetingKind.CONGRESS_SESSION and conference_of(meeting) is None:
        return f"{meeting.organization}在{day}没有任期内的党员代表会议，请先在“两会一化”中登记。"
    if meeting.kind == MeetingKind.REGIONAL_BRANCH_MEETING and regional_branch_of(meeting) is None:
        return f"{meeting.organization}在{day}没有任期内的区域化党总支，请先在“两会一化”中登记。"
    return None


def text_errors(meeting: Meeting) -> dict[str, str]:
    """议程, 会议记录 and 决议 each at most ACTIVITIES_TEXT_MAX_CHARS characters: a record is
    printed as it is kept, and a pasted document belongs in the attachments."""
    limit = settings.ACTIVITIES_TEXT_MAX_CHARS
    errors = {}
    for name in TEXT_LABELS:
        length = len(getattr(meeting, name) or "")
        if length > limit:
            label = TEXT_LABELS[name]
            errors[name] = (
                f"{label}共{length}字，超过了{limit}字的上限：请精简，"
                "或将全文作为附件上传（照片和附件）。"
            )
    return errors


def votes(meeting: Meeting) -> bool:
    """A recorded meeting that votes or records 决议: its quorum is of those with a vote."""
    is_recorded = meeting.source == MeetingSource.RECORDED
    return is_recorded and (meeting.kind in VOTING_KINDS or bool(meeting.decisions.strip()))


def quorum_error(meeting: Meeting, counts: Counts) -> str | None:
    """The message when `counts` leave `meeting` without its quorum (None when it has it): more
    than half of those with a vote for a meeting that votes or decides, else the kind's quorum
    of those expected."""
    quorum = quorum_of(meeting.kind, settings.ACTIVITIES_QUORUMS)
    if votes(meeting):
        quorum = quorum or MAJORITY
        if is_quorate(quorum, expected=counts.voters, present=counts.voters_present):
            return None
        if (counts.voters, counts.voters_present) == (counts.expected, counts.present):
            return quorum_message(
                meeting.kind, quorum, expected=counts.expected, present=counts.present
            )
        return voters_message(
            meeting.kind, quorum, voters=counts.voters, present=counts.voters_present
        )
    if is_quorate(quorum, expected=counts.expected, present=counts.present):
        return None
    if quorum is None:
        return f"{meeting.get_kind_display()}无人出席，记为未开展。"
    return quorum_message(meeting.kind, quorum, expected=counts.expected, present=counts.present)


def decisions_error(meeting: Meeting, counts: Counts) -> str | None:
    """A decision may be recorded only on a meeting that reached its quorum."""
    if not meeting.decisions.strip():
        return None
    return quorum_error(meeting, counts)


def _apply_counts(meeting: Meeting, counts: Counts) -> None:
    meeting.expected_count = counts.expected
    meeting.present_count = counts.present
    meeting.leave_count = counts.on_leave
    meeting.is_quorate = quorum_error(meeting, counts) is None


def _stored_counts(meeting: Meeting) -> Counts:
    if meeting.source == MeetingSource.IMPORTED:
        return Counts(meeting.expected_count, meeting.present_count, meeting.leave_count)
    rows = meeting.attendances.values_list("status", "is_guest", "has_vote")
    return attendance_counts(rows)


# --- meetings ------------------------------------------------------------------------------------
@transaction.atomic
def meeting_save(
    *,
    meeting: Meeting,
    actor: Any,
    update_fields: list[str] | None = None,
    mark: Callable[[list[Attendance]], None] | None = None,
    marks: dict[str, Mark] | None = None,
    present_names: Sequence[str] = (),
) -> Meeting:
    """Record a meeting with its attendance in one go: who should attend (应到), marked as given
    (`marks` by row key, `present_names` marked present, or `mark` for a record entered after
    the fact), everyone else as pre-filled (缺席, or 免于参加 where the rules excuse them); or save
    a change to one and recount it from its attendance as stored. A mark that cannot be applied
    (an unknown or ambiguous name, a leave without its reason) refuses the whole meeting."""
    is_new = meeting.pk is None
    if meeting.organization_id is None:
        meeting.full_clean()
    require_editable(actor, meeting, "登记或修改该党组织的会议")
    if not is_new:
        _lock(meeting)  # its counts are recounted from the attendance as stored
    if errors := meeting_errors(meeting):
        raise ValidationError(errors)
    meeting.joint_committee = joint_committee_of(meeting)
    prefill: list[Attendance] = []
    if is_new and meeting.source == MeetingSource.RECORDED:
        prefill, problems = attendance_prefill(meeting, marks, present_names)
        if problems:
            raise AttendanceMarkError(problems)
    if prefill and mark is not None:
        mark(prefill)
    if is_new and meeting.source == MeetingSource.RECORDED:
        counts = attendance_counts((a.status, a.is_guest, a.has_vote) for a in prefill)
    else:
        counts = _stored_counts(meeting)
    if error := decisions_error(meeting, counts):
        raise QuorumError({"decisions": error})
    _apply_counts(meeting, counts)
    fields = None if update_fields is None else [*update_fields, "joint_committee", *COUNT_FIELDS]
    model_save(meeting, actor=actor, update_fields=fields)
    if prefill:
        bulk_create_with_history(prefill, Attendance, default_user=_user(actor))
    if is_new:
        meeting_held_for_default(meeting)
    return meeting


def attendance_prefill(
    meeting: Meeting, marks: dict[str, Mark] | None = None, present_names: Sequence[str] = ()
) -> tuple[list[Attendance], list[str]]:
    """The attendance list a new meeting starts with (unsaved): who should attend, marked by
    `marks` ({row key: Mark}) and with `present_names` present; and what could not be marked,
    in Chinese (nothing is marked then)."""
    prefill = attendee_list(meeting)
    rows = {attendance.list_key: attendance for attendance in prefill}
    problems = [] if set(marks or {}) <= set(rows) else [LIST_CHANGED]
    wanted = {key: mark for key, mark in (marks or {}).items() if key in rows}
    named = match_names(present_names, ((key, a.name) for key, a in rows.items()))
    if named.error:
        problems.append(named.error)
    for key in named.keys:
        if wanted.get(key, Mark(AttendanceStatus.PRESENT)).status == AttendanceStatus.LEAVE:
            problems.append(f"{rows[key].name}已标记为请假，又在粘贴的出席名单中，请核对。")
        wanted[key] = Mark(AttendanceStatus.PRESENT)
    for key, mark in wanted.items():
        if error := _mark_error(rows[key], mark):
            problems.append(error)
    if problems:
        return prefill, problems
    for key, mark in wanted.items():
        row = rows[key]
        kept = row.reason if mark.status == row.status else ""  # 年老病重's excuse stays
        row.status, row.reason = mark.status, mark.reason.strip() or kept
    return prefill, []


LIST_CHANGED = "应到名单已有变化（有人转入、转出或换届），请重新选择召开日期，核对名单后再保存。"


def _mark_error(attendance: Attendance, mark: Mark) -> str | None:
    """Why `attendance` may not be marked `mark` (its name leads the message)."""
    name = attendance.name
    if mark.status not in AttendanceStatus.values:
        return f"{name}的出席情况无法识别，请选择出席、请假或缺席。"
    if mark.status == AttendanceStatus.LEAVE and not mark.reason.strip():
        return f"{name}请假，请填写请假事由。"
    meeting = attendance.meeting
    if mark.status == AttendanceStatus.PRESENT and meeting.held_on > timezone.localdate():
        return (
            f"会议定于{meeting.held_on:%Y-%m-%d}召开，尚不能登记{name}出席："
            "请会后登记（请假可以提前登记）。"
        )
    if mark.status == AttendanceStatus.EXCUSED and attendance.status != AttendanceStatus.EXCUSED:
        if attendance.is_guest:
            return f"{name}是列席人员，不需要登记免于参加。"
        return excused_error(attendance)
    return None


def branches_below(meeting: Meeting) -> Any:
    """The branches a community's meeting may be held for: those below it."""
    from organizations.models import Organization

    below = Organization.objects.descendant_ids([meeting.organization_id])
    return Organization.objects.filter(pk__in=below, kind=OrganizationKind.BRANCH, is_active=True)


def is_for_branches(meeting: Meeting) -> bool:
    """A community's meeting of a kind its branches also owe (a joint 党课 or 主题党日)."""
    kind = meeting.organization.kind
    return kind in COMMUNITY_KINDS and meeting.kind in FOR_BRANCHES_KINDS


def meeting_held_for_default(meeting: Meeting) -> None:
    """A community's joint meeting that names no branch is held for all below it."""
    if is_for_branches(meeting) and not meeting.held_for.exists():
        meeting.held_for.set(branches_below(meeting))


def held_for_error(meeting: Meeting, organizations: Any) -> str | None:
    """The branches named must be below the community holding the meeting."""
    if not organizations:
        return None
    if not is_for_branches(meeting):
        return "只有社区党委、党总支为所属党支部召开的党课、主题党日等需要选择党支部，请清空。"
    allowed = set(branches_below(meeting).values_list("pk", flat=True))
    outside = [str(o) for o in organizations if o.pk not in allowed]
    if outside:
        return f"{'、'.join(outside)}不是{meeting.organization}下属的党支部。"
    return None


def _lock(meeting: Meeting) -> None:
    """Lock the meeting's row until the transaction ends: its attendance is changed and it is
    recounted by one writer at a time."""
    Meeting.objects.select_for_update().filter(pk=meeting.pk).values_list("pk").first()


def meeting_recount(*, meeting: Meeting, actor: Any) -> Meeting:
    """Keep the counts and `is_quorate` after the attendance changed."""
    return meeting_save(meeting=meeting, actor=actor, update_fields=[])


@transaction.atomic
def meeting_delete(*, meeting: Meeting, actor: Any) -> None:
    require_editable(actor, meeting, "删除该党组织的会议")
    meeting.delete()


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


# --- attendance --------------------------------------------------------------------------------
def attendance_errors(attendance: Attendance) -> dict[str, str]:
    """What is wrong with one attendance row; keeps its vote (a guest, a member under 留党察看
    or a 预备党员 on the meeting's date has none)."""
    listed = attendance.member_id or attendance.committee_member_id or attendance.pk
    if not listed and not attendance.is_guest:
        return {"is_guest": "名单以外的人员请勾选“列席/外来”：不计应到人数，无表决权。"}
    excused = attendance.status == AttendanceStatus.EXCUSED and not attendance.is_guest
    if excused and (error := excused_error(attendance)):
        return {"status": error}
    attendance.has_vote = _has_vote(attendance)
    return {}


def _has_vote(attendance: Attendance) -> bool:
    if attendance.is_guest or attendance.under_discipline:
        return False  # 002: a guest has no vote here; nor a member under 留党察看
    if attendance.has_vote or attendance.member_id is None:
        return True
    day = attendance.meeting.held_on
    return Member.objects.full_on(day).filter(pk=attendance.member_id).exists()


def excused_error(attendance: Attendance) -> str | None:
    """Who may be left out of 应到 (DOMAIN.md "Who is expected"): a 年老病重 member at a 主题党日;
    an outflowing member absent, with the general meeting's recorded consent. Nobody else."""
    meeting, member = attendance.meeting, attendance.member
    label = MeetingKind(meeting.kind).label
    if member is None:
        return f"{label}应到名单中的人员不能免于参加，请登记出席、请假或缺席。"
    aged = is_aged_or_ill(member.pk)
    if aged and meeting.kind in AGED_EXCUSED_KINDS:
        return None
    if is_outflowing_on(member.pk, meeting.held_on):
        if has_general_meeting_consent(member, meeting.held_on):
            return None
        return (
            f"流出党员{member.name}未到会，只有经支部党员大会同意（决议中写明其姓名）才能不计"
            "应到；请先在支部党员大会的决议中记录，或登记为请假、缺席。"
        )
    if aged:
        return (
            f"年老病重党员只免于参加主题党日；{label}原则上必须参加、计入应到。"
            "不能到会的请登记请假，并勾选“会后送学上门”。"
        )
    return (
        f"{member.name}应参加{label}：只有年老病重党员（主题党日）和经支部党员大会同意的"
        "流出党员可以不计应到，请登记出席、请假或缺席。"
    )


@transaction.atomic
def attendance_save(
    *, attendance: Attendance, actor: Any, update_fields: list[str] | None = None
) -> Attendance:
    """Mark one person present, on leave (with the reason) or absent; the caller recounts."""
    require_editable(actor, attendance, "登记该会议的出席情况")
    if attendance.member is not None and not attendance.name:
        attendance.name = attendance.member.name
    if errors := attendance_errors(attendance):
        raise ValidationError(errors)
    fields = None if update_fields is None else sorted({*update_fields, "has_vote"})
    return model_save(attendance, actor=actor, update_fields=fields)


@transaction.atomic
def attendance_delete(*, attendance: Attendance, actor: Any) -> None:
    require_editable(actor, attendance, "修改该会议的出席名单")
    attendance.delete()


@transaction.atomic
def attendance_mark(
    *, meeting: Meeting, statuses: dict[int, str], actor: Any, reasons: dict[int, str] | None = None
) -> Meeting:
    """Mark many at once ({attendance id: status}) and recount the meeting."""
    reasons = reasons or {}
    _lock(meeting)
    for attendance in meeting.attendances.filter(pk__in=list(statuses)):
        attendance.status = statuses[attendance.pk]
        attendance.reason = reasons.get(attendance.pk, attendance.reason)
        attendance_save(attendance=attendance, actor=actor, update_fields=["status", "reason"])
    return meeting_recount(meeting=meeting, actor=actor)


# --- QR sign-in (optional, never required) -------------------------------------------------------
def sign_in_open(meeting: Meeting, at: dt.datetime) -> bool:
    start, end = meeting.sign_in_window()
    return start <= at <= end


@transaction.atomic
def attendance_sign_in(*, meeting: Meeting, user: Any, at: dt.datetime | None = None) -> Attendance:
    """A member scans the meeting's QR code and marks themself present during its window. A
    member not on the list (from another organization) signs in as a guest, without vote."""
    at = at or timezone.now()
    if not sign_in_open(meeting, at):
        start, end = meeting.sign_in_window()
        raise SignInError(
            f"扫码签到时间为{timezone.localtime(start):%Y-%m-%d %H:%M}至"
            f"{timezone.localtime(end):%H:%M}，现在不能签到。也可以在纸质签到表上签到。"
        )
    member = Member.objects.filter(user_id=user.pk).first() if user.pk else None
    if member is None:
        raise SignInError("您的账号没有关联党员档案，请在纸质签到表上签到。")
    _lock(meeting)  # two members signing in at once: each recount sees the other's row
    attendance = meeting.attendances.filter(member=member).first()
    if attendance is None:
        attendance = Attendance(
            meeting=meeting, member=member, name=member.name, is_guest=True, has_vote=False
        )
    if attendance.status != AttendanceStatus.PRESENT:
        attendance.status = AttendanceStatus.PRESENT
        attendance.signed_in_at = at
        attendance._history_user = user  # type: ignore[attr-defined]
        attendance.full_clean()
        attendance.save()
        _apply_counts(meeting, _stored_counts(meeting))
        meeting.save(update_fields=COUNT_FIELDS)
    return attendance


# --- attachments ---------------------------------------------------------------------------------
@transaction.atomic
def meeting_attachment_save(
    *, attachment: MeetingAttachment, actor: Any, update_fields: list[str] | None = None
) -> MeetingAttachment:
    require_editable(actor, attachment, "为该会议上传附件")
    attachment.full_clean()
    if update_fields is None or attachment.pk is None:
        attachment.save()
    elif update_fields:
        attachment.save(update_fields=update_fields)
    return attachment


@transaction.atomic
def meeting_attachment_delete(*, attachment: MeetingAttachment, actor: Any) -> None:
    require_editable(actor, attachment, "删除该会议的附件")
    attachment.delete()


# --- imported ledgers ----------------------------------------------------------------------------
def meeting_import_prepare(meeting: Meeting) -> None:
    """An imported ledger row: its counts as given, held only with its quorum (DOMAIN.md)."""
    meeting.source = MeetingSource.IMPORTED
    counts = Counts(meeting.expected_count, meeting.present_count, meeting.leave_count)
    meeting.is_quorate = quorum_error(meeting, counts) is None


# --- notifications -------------------------------------------------------------------------------
def notifications_read(*, notifications: Any, actor: Any) -> int:
    """Mark the actor's own notifications read; returns how many were unread."""
    own = notifications.filter(recipient_id=getattr(actor, "pk", None), read_at__isnull=True)
    return int(own.update(read_at=timezone.now()))


# --- reminders -----------------------------------------------------------------------------------
@dataclass
class ReminderResult:
    created: int = 0
    existing: int = 0
    emailed: int = 0


def _officers(organization_ids: set[int]) -> dict[int, list[Any]]:
    """The users who manage each organization directly (its officers), one query."""
    from organizations.models import OrganizationAccess
    from organizations.roles import MANAGING_ROLES, Role

    roles = MANAGING_ROLES - {Role.SUB_DISTRICT_OFFICER}
    found: dict[int, list[Any]] = {}
    accesses = OrganizationAccess.objects.filter(
        organization_id__in=organization_ids, role__in=roles, user__is_active=True
    ).select_related("user")
    for access in accesses:
        found.setdefault(access.organization_id, []).append(access.user)
    return found


def _reminder(row: Any, overdue: bool, url: str) -> tuple[str, str, str, str]:
    state = "overdue" if overdue else "due"
    key = f"meeting:{row.code}:{row.kind}:{row.period.label}:{state}"
    if overdue:
        title = f"{row.name}{row.period.label}{row.kind.label}已逾期"
        body = f"要求{row.required}次，有效{row.held}次，期间已于{row.period.end:%Y-%m-%d}结束。"
    else:
        title = f"{row.name}{row.period.label}{row.kind.label}将于{row.period.end:%m月%d日}到期"
        body = f"要求{row.required}次，目前有效{row.held}次，请在{row.period.end:%Y-%m-%d}前召开。"
    return key, title, body, url


@transaction.atomic
def meeting_reminders_send(*, today: dt.date | None = None) -> ReminderResult:
    """Notify the responsible officers (the organization's own, else its parent's) of what falls
    due within ACTIVITIES_REMINDER_DAYS and what is overdue; each once (by its key). E-mail
    when ACTIVITIES_REMINDER_EMAIL is on and the officer has an address."""
    from organizations.models import Organization

    from .selectors.compliance import compliance_list, due_rows

    today = today or timezone.localdate()
    entries = compliance_list(Organization.objects.all(), today.year, today)
    due, overdue = due_rows(entries, today, settings.ACTIVITIES_REMINDER_DAYS)
    if today.month == 1:
        overdue += year_end_overdue(today)
    parents = dict(Organization.objects.values_list("pk", "parent_id"))
    officers = _officers(set(parents))
    wanted = []
    for is_overdue, rows in ((False, due), (True, overdue)):
        for row in rows:
            url = _compliance_link(is_overdue)
            reminder = _reminder(row, is_overdue, url)
            users = _responsible(row.organization_id, parents, officers)
            wanted += [(user, row.organization_id, *reminder) for user in users]
    return _notify(wanted)


def year_end_overdue(today: dt.date) -> list[Any]:
    """In January, the shortfalls of the year just ended whose period ended on 31 December
    (December, the fourth quarter, the year): their reminders are due now."""
    from organizations.models import Organization

    from .selectors.compliance import compliance_list, due_rows

    last_day = dt.date(today.year - 1, 12, 31)
    entries = compliance_list(Organization.objects.all(), today.year - 1, today)
    _, overdue = due_rows(entries, today, settings.ACTIVITIES_REMINDER_DAYS)
    return [row for row in overdue if row.period.end == last_day]


def _responsible(
    organization_id: int, parents: dict[int, int | None], officers: dict[int, list[Any]]
) -> list[Any]:
    """The organization's own officers, else the nearest parent's (a group's branch, a branch's
    community)."""
    current: int | None = organization_id
    while current is not None:
        if found := officers.get(current):
            return found
        current = parents.get(current)
    return []


def _compliance_link(overdue: bool) -> str:
    from django.urls import reverse

    status = "overdue" if overdue else "due"
    return f"{reverse('admin:activities_meeting_compliance')}?status={status}"


def _notify(wanted: list[tuple[Any, ...]]) -> ReminderResult:
    result = ReminderResult()
    existing = set(
        Notification.objects.filter(key__in={w[2] for w in wanted}).values_list(
            "recipient_id", "key"
        )
    )
    new = []
    for user, organization_id, key, title, body, url in wanted:
        if (user.pk, key) in existing:
            result.existing += 1
            continue
        existing.add((user.pk, key))
        new.append(
            Notification(
                recipient=user,
                organization_id=organization_id,
                key=key,
                title=title,
                body=body,
                url=url,
            )  # fmt: skip
        )
    Notification.objects.bulk_create(new)
    result.created = len(new)
    if settings.ACTIVITIES_REMINDER_EMAIL:
        result.emailed = _email(new)
    return result


def _email(notifications: list[Notification]) -> int:
    from django.core.mail import send_mail

    by_user: dict[Any, list[Notification]] = {}
    for notification in notifications:
        if notification.recipient.email:
            by_user.setdefault(notification.recipient, []).append(notification)
    for user, items in by_user.items():
        lines = [f"{n.title}：{n.body}" for n in items]
        send_mail(f"三会一课提醒（{len(items)}项）", "\n".join(lines), None, [user.email])
        Notification.objects.filter(pk__in=[n.pk for n in items]).update(emailed=True)
    return len(by_user)
