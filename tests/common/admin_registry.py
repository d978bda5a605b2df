"""The rows of common's admins in the registry-driven admin tests (tests/registries.py): the
background documents, and the system's lists common puts in its 系统管理 group (users, groups,
login lockouts, periodic tasks; common/apps.py). The two-factor devices' are in tests/websec."""

from __future__ import annotations

import datetime as dt
from typing import Any

from axes.models import AccessAttempt
from django.contrib.auth.models import Group
from django.utils import timezone
from django_celery_beat import models as beat

from common.models import Document
from organizations.models import Organization
from tests.organizations import factories as of
from tests.registries import LOGIN, NO, OK

ACCESS: dict[str, tuple[str, ...]] = {
    #                                    superuser sub_district secretary branch  unit  member  district
    "auth.group":                         ("vacd", "",    "",    "",    "",   "", ""),
    "common.document":                    ("vd",   "v",   "v",   "v",   "",   "", "v"),
    "auth.user":                          ("vacd", "",    "",    "",    "",   "", ""),
    "axes.accessattempt":                 ("vd",   "vd",  "",    "",    "",   "", "v"),
    "django_celery_beat.clockedschedule": ("vacd", "",    "",    "",    "",   "", ""),
    "django_celery_beat.crontabschedule": ("vacd", "",    "",    "",    "",   "", ""),
    "django_celery_beat.intervalschedule": ("vacd", "",   "",    "",    "",   "", ""),
    "django_celery_beat.periodictask":    ("vacd", "",    "",    "",    "",   "", ""),
    "django_celery_beat.solarschedule":   ("vacd", "",    "",    "",    "",   "", ""),
}  # fmt: skip


def _attempt(username: str) -> AccessAttempt:
    return AccessAttempt.objects.create(
        username=username, ip_address="10.0.0.1", failures_since_start=5,
        user_agent="", http_accept="", path_info="/admin/login/", get_data="", post_data="",
    )  # fmt: skip


def _periodic_task(name: str) -> beat.PeriodicTask:
    interval, _ = beat.IntervalSchedule.objects.get_or_create(every=1, period="days")
    return beat.PeriodicTask.objects.create(
        name=name, task="celery.backend_cleanup", interval=interval
    )


MAKERS: dict[str, Any] = {
    "auth.group": lambda t, i: Group.objects.create(name=f"组{i}"),
    "auth.user": lambda t, i: of.UserFactory(),
    "axes.accessattempt": lambda t, i: _attempt(f"guess{i}"),
    "common.document": lambda t, i: Document.objects.create(
        kind="organization_tree", organization=t.community_a
    ),
    "django_celery_beat.clockedschedule": lambda t, i: beat.ClockedSchedule.objects.create(
        clocked_time=timezone.now() + dt.timedelta(days=i)
    ),
    "django_celery_beat.crontabschedule": lambda t, i: beat.CrontabSchedule.objects.create(
        minute=str(i % 60), hour=str(i % 24), day_of_month=str(1 + i % 28)
    ),
    "django_celery_beat.intervalschedule": lambda t, i: beat.IntervalSchedule.objects.create(
        every=i + 1, period="days"
    ),
    "django_celery_beat.periodictask": lambda t, i: _periodic_task(f"任务{i}"),
    "django_celery_beat.solarschedule": lambda t, i: beat.SolarSchedule.objects.create(
        event="sunrise", latitude=30 + i / 100, longitude=120
    ),
}


def objects_the_demo_lacks() -> None:
    """One row of each list the demo does not fill: a lockout, a group, each kind of schedule, a
    task, and documents of 40 organizations."""
    _attempt("chunhui")
    Group.objects.create(name="测试组")
    beat.CrontabSchedule.objects.create(minute="0", hour="1")
    beat.SolarSchedule.objects.create(event="sunrise", latitude=30, longitude=120)
    beat.ClockedSchedule.objects.create(clocked_time=timezone.now())
    _periodic_task("测试任务")
    for organization in Organization.objects.order_by("pk")[:40]:
        Document.objects.create(kind="organization_tree", organization=organization)


def scope_rows(tree: Any, people: Any, users: Any) -> None:
    """tests/test_scope_consistency.py's hook: documents of branches A and B and unit A's
    organization."""
    for organization in (tree.branch_a, tree.branch_b, tree.unit_a.party_organization):
        of.DocumentFactory(organization=organization)


# tests/test_view_and_document_access.py: this app's custom admin URLs, printables (through
# the one print view) and documents (queued for the worker), role by role.
CUSTOM_URLS: dict[str, tuple[str, ...]] = {
    #                                          superuser sub_district secretary branch unit member  district
    "auth_user_password_change":              (OK, NO, NO, NO, NO, LOGIN, NO),
    # A document each role requested itself (the table below decides the others').
    "common_document_download":               (OK, OK, OK, OK, OK, LOGIN, OK),
    # The one view of every printable: walked printable by printable (PRINTABLES below).
    "common_document_print":                  (OK, OK, OK, OK, OK, LOGIN, OK),
}  # fmt: skip
