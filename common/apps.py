from __future__ import annotations

from kit.apps import PartyAppConfig, WorkGroup, WorkPage


class CommonConfig(PartyAppConfig):
    """What belongs to no single app: the background documents (PDF台账), the report center, the
    工作台's registry, and the system's own lists (users, login security, periodic tasks)."""

    name = "common"
    verbose_name = "台账与记录"
    work_groups = (
        WorkGroup("台账与记录", {"document": "picture_as_pdf"}, icon="folder_open", order=70),
        WorkGroup(
            "系统管理",
            {
                "auth.user": "manage_accounts",
                "auth.group": "groups",
                "axes.accessattempt": "lock_person",
                "otp_totp.totpdevice": "phonelink_lock",  # superusers only (common/twofactor.py)
                "django_celery_beat.periodictask": "schedule",
                "django_celery_beat.crontabschedule": "calendar_month",
                "django_celery_beat.intervalschedule": "timer",
                "django_celery_beat.solarschedule": "wb_sunny",
                "django_celery_beat.clockedschedule": "alarm",
            },
            icon="settings",
            order=80,
        ),
    )
    work_pages = (
        WorkPage("工作台", "dashboard", "admin:index", order=0),
        WorkPage("报表中心", "print", "report_center", "common.view_document", order=30),
    )

    def ready(self) -> None:
        from django.apps import apps
        from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save

        from kit.schedule import setup_periodic_tasks

        from . import checks  # noqa: F401  (registers the rule settings' checks)
        from .dashboard import data_changed
        from .printables import printable_actions_attach

        for signal in (post_save, post_delete, m2m_changed):
            signal.connect(data_changed, dispatch_uid=f"common.dashboard.{signal!r}")
        # Once per migrate (for the beat app's tables): every app's declared periodic tasks.
        post_migrate.connect(
            setup_periodic_tasks,
            sender=apps.get_app_config("django_celery_beat"),
            dispatch_uid="kit.schedule.setup_periodic_tasks",
        )
        printable_actions_attach()  # the admins are registered: config's admin app comes first
