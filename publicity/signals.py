"""The public site's cache version: any change to what it shows starts a new one (views.py)."""

from __future__ import annotations

import uuid
from typing import Any

from django.apps import apps
from django.core.cache import cache
from django.db import transaction
from django.db.models import Model
from django.db.models.signals import post_delete, post_save

PUBLIC_VERSION_KEY = "publicity:public:version"
PUBLIC_MODELS_ELSEWHERE = ("finance.DuesPublication", "finance.DuesPublicationLine")


def public_version() -> str:
    version = cache.get(PUBLIC_VERSION_KEY)
    if version is None:
        version = uuid.uuid4().hex
        cache.set(PUBLIC_VERSION_KEY, version, None)
    return str(version)


def public_changed(**kwargs: Any) -> None:
    """A new version once the change is committed: moved before, a visitor between the save and
    the commit would keep the old page (a withdrawn notice) under the new version."""
    transaction.on_commit(_new_version)


def _new_version() -> None:
    cache.set(PUBLIC_VERSION_KEY, uuid.uuid4().hex, None)


def connect() -> None:
    from members.models import Member, PostClaim, Registration
    from organizations.models import Organization

    from .models import BoardItem, Notice

    # Other apps' rows shown on the public boards (the 党费收缴公示 of finance), by label: the
    # publicity app does not import them.
    shown_elsewhere = [
        apps.get_model(label)
        for label in PUBLIC_MODELS_ELSEWHERE
        if apps.is_installed(label.split(".")[0])
    ]
    shown: list[type[Model]] = [Notice, BoardItem, Registration, PostClaim, Member, Organization]
    for model in (*shown, *shown_elsewhere):
        uid = f"publicity-public-{model._meta.label_lower}"
        post_save.connect(public_changed, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(public_changed, sender=model, dispatch_uid=f"{uid}-delete")
