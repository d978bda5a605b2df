"""The admin's words: the header's trail names a list's group as the sidebar does, and periods
read as 2026年下半年 (`{{ code|period_text }}`).

unfold's own trail (`{% header_title %}`) names a list's app by its `verbose_name`; a model
that an app puts in another app's work group (a feedback card among 在职党员双联双管) would then
be named differently in the sidebar and in the trail. `{% work_header_title %}` names the group
(templates/unfold/helpers/welcomemsg.html).
"""

from __future__ import annotations

from functools import cache
from typing import Any

from django import template
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse

from kit.apps import menu_groups
from kit.forms import theme_fields
from kit.periods import period_text as _period_text

register = template.Library()


@cache
def _group_titles() -> dict[str, str]:
    return {label: group.title for group in menu_groups() for label, _ in group.models}


def group_title(opts: Any) -> str:
    """The sidebar group's title of a model (its app's name when no group holds it)."""
    return _group_titles().get(opts.label_lower, str(opts.app_config.verbose_name))


def _url(name: str, *args: Any) -> str | None:
    try:
        return reverse(f"admin:{name}", args=args)
    except NoReverseMatch:
        return None


def _group_part(opts: Any) -> dict[str, Any]:
    title = group_title(opts)
    # The app's own page lists the app's models: a link only where it is the same group.
    same = title == str(opts.app_config.verbose_name)
    return {"title": title, "link": _url("app_list", opts.app_label) if same else None}


def _object_parts(obj: Any) -> list[dict[str, Any]]:
    meta = obj._meta
    prefix = f"{meta.app_label}_{meta.model_name}"
    return [
        {"title": meta.verbose_name_plural, "link": _url(f"{prefix}_changelist")},
        {"title": obj, "link": _url(f"{prefix}_change", obj.pk)},
    ]


def header_parts(context: Any) -> list[dict[str, Any]]:
    opts = context.get("opts")
    model_admin = context.get("model_admin")
    if opts is None and model_admin is not None and hasattr(model_admin, "model"):
        opts = model_admin.model._meta
    if opts is None:
        title = context.get("content_title") or context.get("title")
        return [{"title": title, "link": None}] if title else []
    parts = [_group_part(opts)]
    original = context.get("original") or context.get("object")
    if original is not None and not isinstance(original, str) and hasattr(original, "_meta"):
        return parts + _object_parts(original)
    cl = context.get("cl")
    is_page = not hasattr(cl, "model_admin") and context.get("add") is None
    if is_page and context.get("title"):  # a page of its own (compliance, 办理, 自行脱党提示)
        return [*parts, {"title": context["title"], "link": None}]
    changelist = _url(f"{opts.app_label}_{opts.model_name}_changelist")
    return [*parts, {"title": opts.verbose_name_plural, "link": changelist}]


@register.simple_tag(takes_context=True)
def work_header_title(context: Any) -> str:
    parts = header_parts(context)
    if not parts:
        user = context.request.user
        parts = [{"title": f"欢迎 {user.get_short_name() or user.get_username()}", "link": None}]
    return render_to_string(
        "unfold/helpers/header_title.html", {"parts": parts}, request=context.request
    )


@register.simple_tag
def themed_form(form: Any) -> str:
    """A form a view built from Django's widgets, drawn as kit.forms.ThemedForm draws its own."""
    theme_fields(form)
    return render_to_string("admin/includes/themed_form.html", {"form": form})


@register.filter
def period_text(code: Any) -> str:
    return _period_text(code)
