"""Background documents: a PDF a worker renders for an organization and keeps for download.

Which documents exist is not known here: each app registers its kinds (common/documents.py) in
its AppConfig.ready(), so this lower package never imports a higher app.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q

from organizations.models import Organization
from organizations.scope import Scope, ScopedQuerySet


class DocumentStatus(models.TextChoices):
    PENDING = "pending", "排队中"
    RUNNING = "running", "生成中"
    DONE = "done", "已完成"
    FAILED = "failed", "失败"


class DocumentQuerySet(ScopedQuerySet["Document"]):
    scope_lookups = ("organization_id",)

    @classmethod
    def editable_condition(cls, scope: Scope) -> Q:
        """Whoever sees an organization may request (write) its ledgers."""
        return cls.visible_condition(scope)


class Document(models.Model):
    """A PDF ledger produced in the background by a Celery worker, kept for download."""

    kind = models.CharField("台账", max_length=48)
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="documents", verbose_name="党组织"
    )
    params = models.JSONField("参数", default=dict, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="申请人",
    )
    status = models.CharField(
        "状态", max_length=16, choices=DocumentStatus.choices, default=DocumentStatus.PENDING
    )
    progress = models.PositiveSmallIntegerField(
        "进度（%）", default=0, validators=[MaxValueValidator(100)]
    )
    file = models.FileField("文件", upload_to="documents/%Y/%m/", blank=True)
    error = models.TextField("错误信息", blank=True)
    created_at = models.DateTimeField("申请时间", auto_now_add=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        verbose_name = "PDF台账"
        verbose_name_plural = "PDF台账"
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="document_progress_le_100")
        ]

    def __str__(self) -> str:
        return f"{self.organization} {self.kind_label}"

    @property
    def kind_label(self) -> str:
        from .documents import kind_get

        found = kind_get(self.kind)
        return found.label if found else self.kind
