"""Background documents: a PDF a worker renders for an organization and keeps for download.

Which documents exist is not known here: each app declares its printables on its AppConfig
(common/printables.py), so this lower package never imports a higher app.
"""

from __future__ import annotations

import secrets
import uuid
from typing import Any, Self

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q

from organizations.models import Organization
from organizations.scope import ANY, NONE, Scope, ScopedQuerySet, any_of, scope_of, within


class DocumentStatus(models.TextChoices):
    PENDING = "pending", "排队中"
    RUNNING = "running", "生成中"
    DONE = "done", "已完成"
    FAILED = "failed", "失败"


class DocumentQuerySet(ScopedQuerySet["Document"]):
    """A document is about the people of its organization (or, for a kind that prints no one,
    about the organization): it reaches the people scope, or the organizations the user sees.
    A user sees their own requests, and the others' of the kinds whose permission they hold."""

    scope_lookups = ("organization_id",)

    @classmethod
    def visible_condition(cls, scope: Scope) -> Q:
        from .printables import printable_list

        people = [kind.name for kind in printable_list() if kind.prints_people]
        others = [kind.name for kind in printable_list() if not kind.prints_people]
        return any_of(
            within("organization_id", scope.people) & Q(kind__in=people),
            within("organization_id", scope.visible) & Q(kind__in=others),
        )

    @classmethod
    def editable_condition(cls, scope: Scope) -> Q:
        """Nobody changes a document once it is requested (documents.document_request checks a
        request against the kind's permission and scope): only a superuser or the command line
        may write one."""
        return ANY if scope.people is None else NONE

    def visible_to(self, user: Any) -> Self:
        from .printables import printable_permitted_list

        if user is not None and user.is_superuser and user.is_active:
            return self
        permitted = [kind.name for kind in printable_permitted_list(user)] if user else []
        condition = self.visible_condition(scope_of(user)) & Q(kind__in=permitted)
        if user is not None and user.pk is not None:
            condition |= Q(requested_by_id=user.pk)
        return self.filter(condition)


def document_path(document: Document, filename: str) -> str:
    """A random name: the file's address says nothing about whom it is about and cannot be
    guessed; the Chinese name is given only when the view serves it."""
    extension = filename.rsplit(".", 1)[-1] if "." in filename else "pdf"
    return f"documents/{secrets.token_hex(16)}.{extension}"


class Document(models.Model):
    """A printable (PDF or spreadsheet) produced in the background by a Celery worker, kept for download."""

    token = models.UUIDField("下载标识", default=uuid.uuid4, unique=True, editable=False)
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
    file = models.FileField("文件", upload_to=document_path, blank=True)
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
        from .printables import printable_get

        found = printable_get(self.kind)
        return found.label if found else self.kind
