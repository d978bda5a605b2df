"""三会一课 and community activities: meetings, their attendance and attachments, reminders."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from members.models import Member
from organizations.models import CommitteeMember, JointCommittee, Organization
from organizations.scope import ANY, NONE, Scope, ScopedQuerySet

from ..rules import AttendanceStatus, MeetingKind, MeetingSource


class MeetingQuerySet(ScopedQuerySet["Meeting"]):
    scope_lookups = ("organization_id",)

    def held(self, as_of: dt.date | None = None) -> MeetingQuerySet:
        """Meetings that count: held with their quorum (by `as_of`, by default today)."""
        return self.filter(is_quorate=True, held_on__lte=as_of or timezone.localdate())

    def not_quorate(self) -> MeetingQuerySet:
        """Meetings held without their quorum: kept, but they do not count."""
        return self.filter(is_quorate=False, held_on__lte=timezone.localdate())

    def planned(self) -> MeetingQuerySet:
        """Meetings entered ahead of their day."""
        return self.filter(held_on__gt=timezone.localdate())

    def of_year(self, year: int) -> MeetingQuerySet:
        return self.filter(held_on__year=year)


def _new_token() -> str:
    return secrets.token_urlsafe(16)


class Meeting(models.Model):
    """A meeting of an organization: 三会一课, 主题党日, 组织生活会, 联席会, 大党委会议, a volunteer
    service or a screening. Its counts are kept from its attendance (or, imported, from the
    ledger), and `is_quorate` says whether it counts as held."""

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="meetings", verbose_name="党组织"
    )
    kind = models.CharField("会议类型", max_length=32, choices=MeetingKind.choices)
    joint_committee = models.ForeignKey(
        JointCommittee,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meetings",
        verbose_name="联席会/大党委",
        editable=False,
    )
    held_for: models.ManyToManyField[Organization, Any] = models.ManyToManyField(
        Organization,
        blank=True,
        related_name="meetings_held_for",
        verbose_name="为哪些党支部召开",
        help_text="社区党委/党总支为所属党支部召开的党课、主题党日等：计入所选党支部的已召开次数；"
        "不选则为下属全部党支部。",
    )
    held_on = models.DateField("召开日期")
    starts_at = models.TimeField("开始时间", null=True, blank=True)
    ends_at = models.TimeField("结束时间", null=True, blank=True)
    place = models.CharField("地点", max_length=200, blank=True)
    host = models.CharField("主持人", max_length=50, blank=True)
    recorder = models.CharField("记录人", max_length=50, blank=True)
    topic = models.CharField("主题", max_length=200)
    agenda = models.TextField("议程", blank=True)
    minutes = models.TextField("会议记录", blank=True)
    decisions = models.TextField("决议", blank=True, help_text="未达到法定人数的会议不能形成决议。")
    # 电化教育's 三簿一册 (002 党员电教播放员职责 六: 播放收看登记簿、讨论登记簿、信息反馈登记簿、
    # 党员点名册): what was shown and for how long, the discussion after it, the feedback
    # gathered; the roll is the attendance.
    film_title = models.CharField("片名", max_length=200, blank=True, help_text="电化教育填写。")
    duration_minutes = models.PositiveIntegerField("放映时长（分钟）", null=True, blank=True)
    discussion = models.TextField("讨论情况", blank=True, help_text="电化教育：播后讨论的记录。")
    feedback = models.TextField(
        "信息反馈", blank=True, help_text="电化教育：党员对电教片和播放工作的意见、建议。"
    )
    expected_count = models.PositiveIntegerField("应到人数", default=0)
    present_count = models.PositiveIntegerField("实到人数", default=0)
    leave_count = models.PositiveIntegerField("请假人数", default=0)
    is_quorate = models.BooleanField(
        "达到法定人数", default=False, editable=False, help_text="未达到的会议不计入已召开。"
    )
    source = models.CharField(
        "来源", max_length=16, choices=MeetingSource.choices, default=MeetingSource.RECORDED
    )
    sign_in_token = models.CharField(max_length=32, default=_new_token, editable=False, unique=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    history = HistoricalRecords()

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = "会议活动"
        verbose_name_plural = "会议活动"
        ordering = ["-held_on", "organization__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "kind", "held_on", "topic"],
                name="meeting_unique_per_day_topic",
                violation_error_message="该党组织当天已登记了同类型、同主题的会议。",
            ),
            models.CheckConstraint(
                condition=Q(is_quorate=True) | Q(decisions=""),
                name="meeting_without_quorum_has_no_decisions",
                violation_error_message="未达到法定人数的会议不能形成决议。",
            ),
        ]
        indexes = [
            models.Index(fields=["held_on", "kind"]),
            # The admin list, newest first (-held_on, -pk), read backwards: no sort of the rows.
            models.Index(fields=["held_on", "id"], name="meeting_newest_first"),
        ]

    def __str__(self) -> str:
        return f"{self.held_on:%Y-%m-%d} {self.organization} {self.get_kind_display()}"

    @property
    def is_planned(self) -> bool:
        return self.held_on > timezone.localdate()

    def sign_in_window(self) -> tuple[dt.datetime, dt.datetime]:
        """From shortly before its start to its end (or a default length), local time."""
        tz = timezone.get_current_timezone()
        start = dt.datetime.combine(self.held_on, self.starts_at or dt.time(0, 0), tzinfo=tz)
        if self.ends_at:
            end = dt.datetime.combine(self.held_on, self.ends_at, tzinfo=tz)
        elif self.starts_at:
            end = start + dt.timedelta(hours=settings.ACTIVITIES_SIGN_IN_DEFAULT_HOURS)
        else:
            end = dt.datetime.combine(self.held_on, dt.time(23, 59, 59), tzinfo=tz)
        return start - dt.timedelta(minutes=settings.ACTIVITIES_SIGN_IN_EARLY_MINUTES), end

    def clean(self) -> None:
        errors = {}
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = "结束时间应晚于开始时间。"
        if self.kind == MeetingKind.SCREENING and not self.film_title.strip():
            errors["film_title"] = "电化教育须填写播放的片名（放映记录簿）。"
        if errors:
            raise ValidationError(errors)


class AttendanceQuerySet(ScopedQuerySet["Attendance"]):
    scope_lookups = ("meeting__organization_id",)

    def present(self) -> AttendanceQuerySet:
        return self.filter(status=AttendanceStatus.PRESENT)


class Attendance(models.Model):
    """One person's attendance of one meeting. A member of the organization (or of its committee,
    or of the joint committee) is expected; a guest (a floating member placed here, a member of
    another branch) attends without being expected and has no vote (002)."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="attendances", verbose_name="会议"
    )
    member = models.ForeignKey(
        Member,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="attendances",
        verbose_name="党员",
    )
    committee_member = models.ForeignKey(
        CommitteeMember,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="attendances",
        verbose_name="联席会/大党委委员",
    )
    name = models.CharField("姓名", max_length=50)
    status = models.CharField(
        "出席情况", max_length=16, choices=AttendanceStatus.choices, default=AttendanceStatus.ABSENT
    )
    reason = models.CharField("请假/免于参加事由", max_length=200, blank=True)
    is_guest = models.BooleanField(
        "列席/外来", default=False, help_text="流入党员或其他组织的党员：不计应到，无表决权。"
    )
    has_vote = models.BooleanField("有表决权", default=True)
    under_discipline = models.BooleanField(
        "留党察看期间", default=False, help_text="留党察看期间的党员参加会议，没有表决权。"
    )
    material_sent = models.BooleanField(
        "会后送学上门",
        default=False,
        help_text="不能到会的年老病重党员会后送学上门：另行记录，不改变应到、实到人数。",
    )
    signed_in_at = models.DateTimeField("扫码签到时间", null=True, blank=True, editable=False)
    history = HistoricalRecords()

    objects = AttendanceQuerySet.as_manager()

    class Meta:
        verbose_name = "出席记录"
        verbose_name_plural = "出席记录"
        ordering = ["meeting", "is_guest", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "member"],
                condition=Q(member__isnull=False),
                name="attendance_one_per_member",
                violation_error_message="该党员已在本次会议的出席名单中。",
            ),
            models.UniqueConstraint(
                fields=["meeting", "committee_member"],
                condition=Q(committee_member__isnull=False),
                name="attendance_one_per_committee_member",
                violation_error_message="该委员已在本次会议的出席名单中。",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.get_status_display()}"

    def clean(self) -> None:
        if self.status == AttendanceStatus.LEAVE and not self.reason.strip():
            raise ValidationError({"reason": "请假须填写事由。"})
        if self.is_guest and self.status == AttendanceStatus.EXCUSED:
            raise ValidationError({"status": "列席人员不需要登记免于参加。"})
        if self.material_sent and self.status == AttendanceStatus.PRESENT:
            raise ValidationError({"material_sent": "已到会的党员不需要会后送学上门。"})

    @property
    def is_expected(self) -> bool:
        return not self.is_guest and self.status != AttendanceStatus.EXCUSED

    @property
    def list_key(self) -> str:
        """The row's key in a meeting's attendance list before it is saved (the add page's
        marks): the member, the committee member, or the name of a committee position."""
        if self.member_id:
            return f"m{self.member_id}"
        if self.committee_member_id:
            return f"c{self.committee_member_id}"
        return f"n{self.name}"


def attachment_path(instance: MeetingAttachment, filename: str) -> str:
    return f"activities/meetings/{instance.meeting_id}/{filename}"


attachment_path.prefix = "activities/meetings/"  # type: ignore[attr-defined]  # kit/files.py


class MeetingAttachmentQuerySet(ScopedQuerySet["MeetingAttachment"]):
    scope_lookups = ("meeting__organization_id",)


class MeetingAttachment(models.Model):
    """A photo or a document of a meeting (签到表扫描件, 会议材料)."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="attachments", verbose_name="会议"
    )
    file = models.FileField("文件", upload_to=attachment_path)
    caption = models.CharField("说明", max_length=200, blank=True)
    is_photo = models.BooleanField("照片", default=False)
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    objects = MeetingAttachmentQuerySet.as_manager()

    class Meta:
        verbose_name = "会议附件"
        verbose_name_plural = "会议附件"
        ordering = ["meeting", "id"]

    def __str__(self) -> str:
        return self.caption or self.file.name


class NotificationQuerySet(ScopedQuerySet["Notification"]):
    """A notification is its recipient's alone (a superuser sees all)."""

    scope_lookups = ("organization_id",)

    def visible_to(self, user: object) -> NotificationQuerySet:
        if getattr(user, "is_superuser", False):
            return self.all()
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(recipient_id=getattr(user, "pk", None))

    @classmethod
    def editable_condition(cls, scope: Scope) -> Q:
        return ANY if scope.editable is None else NONE

    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """An in-app notification for one user (the reminders of what falls due or is overdue)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name="接收人",
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="党组织",
    )
    key = models.CharField("提醒键", max_length=100, editable=False)
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容", blank=True)
    url = models.CharField("链接", max_length=300, blank=True)
    created_at = models.DateTimeField("提醒时间", auto_now_add=True)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)
    emailed = models.BooleanField("已发邮件", default=False)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = "提醒通知"
        verbose_name_plural = "提醒通知"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "key"], name="notification_once_per_recipient_key"
            )
        ]

    def __str__(self) -> str:
        return self.title
