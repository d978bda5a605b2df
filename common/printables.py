"""Everything printable, served one way (the types: kit/printables.py).

The registry reads each app's `printables` attribute on its AppConfig (a dotted path to a list
of `Printable`). A printable is made:
- in the request, by the one admin view `/admin/common/document/print/<name>/?organization=..`
  (`&period=..`, or
  with its object's id, or `?<rows>=1,2,3`) when it is small (`runs_in_request`);
- by a Celery worker otherwise (common/documents.py: a Document the user downloads later);
- from the report center (common/reportcenter.py) when its form gives all it needs;
- for the selected rows of a change list by one admin action, `print_action(name)`.
Each way checks the permission, resolves the organization within the user's scope (the people
scope for a printable that prints people) and reads objects and rows through `visible_to`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cache
from typing import Any
from urllib.parse import quote

from django.apps import apps
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.module_loading import import_string

from kit.printables import (
    OBJECT_KIND,
    ORGANIZATION_KIND,
    ROWS_KIND,
    Job,
    Output,
    Param,
    Printable,
    PrintError,
    readable,
)
from organizations.models import Organization
from organizations.scope import ScopeError, scope_of


class PrintNotFound(PrintError):
    """An organization, object or row the reader does not see (answered with a 404)."""


@cache
def _registry() -> dict[str, Printable]:
    found: dict[str, Printable] = {}
    for config in apps.get_app_configs():
        dotted = getattr(config, "printables", None)
        for printable in import_string(dotted) if dotted else ():
            if printable.name in found:
                raise ValueError(f"两个可打印项同名：{printable.name}")
            found[printable.name] = printable
    return found


def printable_get(name: str) -> Printable | None:
    return _registry().get(name)


def printable_list() -> list[Printable]:
    return list(_registry().values())


def printable_permitted_list(user: Any) -> list[Printable]:
    """The printables the user holds the permission of, whatever the organization."""
    return [printable for printable in printable_list() if printable.is_permitted(user)]


def scope_errors(*, printable: Printable, organization: Any, actor: Any) -> str:
    """Why the actor may not have this printable made for this organization ("" if they may)."""
    if actor is None:
        return ""
    if not printable.is_permitted(actor):
        return f"您无权生成“{printable.label}”。"
    scope = scope_of(actor)
    ids = scope.people if printable.prints_people else scope.visible
    if ids is None or organization.pk in ids:
        return ""
    reason = "该党组织党员的信息" if printable.prints_people else "该党组织"
    return (
        f"您无权生成{organization.name}的“{printable.label}”："
        f"{reason}不在您的查看范围内，请选择您管理的党组织。"
    )


def _pk(value: Any) -> int:
    text = str(value if value is not None else "").strip()
    if not text.isdigit():
        raise PrintNotFound("没有找到要打印的记录，或您无权查看。")
    return int(text)


def _ids(value: Any) -> list[int]:
    items = value if isinstance(value, list | tuple) else str(value or "").split(",")
    return [_pk(item) for item in items if str(item).strip()]


def _resolve(param: Param, value: Any, reader: Any) -> Any:
    if param.kind == ORGANIZATION_KIND:
        if not param.required and not str(value or "").strip():
            return None  # everything the reader sees
        found = Organization.objects.filter(pk=_pk(value)).first()
        if found is None:
            raise PrintNotFound("请选择党组织。")
        return found
    if param.kind not in (OBJECT_KIND, ROWS_KIND):
        return str(value or "").strip()
    queryset = readable(apps.get_model(param.model)._default_manager.all(), reader)
    if param.kind == OBJECT_KIND:
        found = queryset.filter(pk=_pk(value)).first()
        if found is None:
            raise PrintNotFound("没有找到要打印的记录，或您无权查看。")
        return found
    rows = queryset.filter(pk__in=_ids(value))
    if not rows.exists():
        raise PrintNotFound("请选择要打印的记录。")
    return rows  # a QuerySet: the selector adds what it prints (select_related, order)


def printable_values(printable: Printable, raw: Mapping[str, Any], reader: Any) -> dict[str, Any]:
    """The parameters as the selector reads them: an Organization, the period's text, the
    object or the rows, each looked up within what `reader` sees (objects and rows)."""
    return {param.name: _resolve(param, raw.get(param.name), reader) for param in printable.params}


def printable_organization(printable: Printable, values: Mapping[str, Any]) -> Any:
    """The organization a making is about: the chosen one, or the object's or rows' own."""
    if printable.param(ORGANIZATION_KIND) is not None:
        return values["organization"]
    if printable.organization_of is None:
        return None
    param = printable.params[0]
    first = values[param.name]
    return printable.organization_of(first.first() if param.kind == ROWS_KIND else first)


def printable_make(
    printable: Printable, *, raw: Mapping[str, Any], reader: Any, format: str = ""
) -> Output:
    """Make it now, through the reader's permission and scope."""
    if not printable.is_permitted(reader):
        raise PermissionDenied(f"您无权生成“{printable.label}”。")
    values = printable_values(printable, raw, reader)
    organization = printable_organization(printable, values)
    if printable.param(ORGANIZATION_KIND) is not None and organization is not None:
        refusal = scope_errors(printable=printable, organization=organization, actor=reader)
        if refusal:
            raise ScopeError(refusal)
    return printable.make(Job(values, reader, format or printable.formats[0]))


def print_url(name: str, **params: Any) -> str:
    """The generic view's address for a printable and its parameters."""
    query = urlencode({key: value for key, value in params.items() if value not in ("", None)})
    url = reverse("admin:common_document_print", args=[name])
    return f"{url}?{query}" if query else url


def output_response(output: Output) -> HttpResponse:
    """A PDF opens in the browser; any other format is downloaded. The name may be Chinese."""
    response = HttpResponse(output.data, content_type=output.content_type)
    disposition = "inline" if output.content_type == "application/pdf" else "attachment"
    response["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{quote(output.filename)}"
    return response


def _back(request: HttpRequest) -> HttpResponse:
    from django.utils.http import url_has_allowed_host_and_scheme

    referer = request.headers.get("referer", "")
    if referer and url_has_allowed_host_and_scheme(referer, {request.get_host()}):
        return redirect(referer)
    return redirect("admin:index")


def _queue(request: HttpRequest, printable: Printable, raw: dict[str, Any]) -> None:
    from .documents import document_request

    values = printable_values(printable, raw, request.user)
    organization = printable_organization(printable, values)
    if organization is None:
        raise PrintError(f"“{printable.label}”需要选择党组织。")
    document_request(organization=organization, kind=printable.name, actor=request.user,
                     params={k: v for k, v in raw.items() if k != "organization"})  # fmt: skip


def print_view(request: HttpRequest, name: str) -> HttpResponse:
    """GET /admin/print/<name>/?<params>[&format=xlsx]: made now when small, else queued."""
    printable = printable_get(name)
    if printable is None or not printable.is_permitted(request.user):
        raise Http404("没有找到该页面，或您无权查看。")
    raw: dict[str, Any] = {
        param.name: request.GET.get(param.name, "") for param in printable.params
    }
    format = request.GET.get("format", "")
    try:
        if printable.runs_in_request:
            return output_response(printable_make(printable, raw=raw, reader=request.user,
                                                  format=format))  # fmt: skip
        _queue(request, printable, {**raw, "format": format} if format else raw)
    except (PrintNotFound, ScopeError) as error:
        raise Http404(str(error)) from error
    except PrintError as error:
        messages.error(request, str(error))
        return _back(request)
    messages.success(request, f"已开始生成“{printable.label}”，完成后在“PDF台账”中下载。")
    return redirect("admin:common_document_changelist")


def print_link(name: str, label: str, **params: Any) -> str:
    return format_html('<a href="{}">{}</a>', print_url(name, **params), label)


def _action_raw(printable: Printable, rows: list[Any]) -> list[dict[str, Any]]:
    """The makings a selection asks for: one for all rows, or one for each row."""
    param = next(p for p in printable.params if not p.is_form_param or p.kind == ORGANIZATION_KIND)
    if param.kind == ROWS_KIND:
        return [{param.name: [row.pk for row in rows]}]
    return [{param.name: row.pk} for row in rows]


def print_action(name: str, description: str) -> Callable[..., Any]:
    """The admin action "make this for the selected rows": the printable's rows parameter gets
    the selection, made now (one file) when small; an object or organization parameter makes
    one document for each row, queued for the worker (several files)."""

    def action(model_admin: Any, request: HttpRequest, queryset: QuerySet[Any]) -> Any:
        printable = _registry()[name]
        makings = _action_raw(printable, list(queryset))
        try:
            if printable.runs_in_request and printable.params[0].kind == ROWS_KIND:
                return output_response(
                    printable_make(printable, raw=makings[0], reader=request.user)
                )
            for raw in makings:
                _queue(request, printable, raw)
        except (PrintError, PermissionDenied) as error:
            model_admin.message_user(request, _message(error), messages.ERROR)
            return None
        url = reverse("admin:common_document_changelist")
        model_admin.message_user(request, format_html(
            '已提交{}份“{}”，生成后在<a href="{}">PDF台账</a>中下载。', len(makings),
            printable.label, url))  # fmt: skip
        return None

    action.__name__ = f"print_{name}"
    return admin.action(description=description, permissions=["view"])(action)


def _message(error: Exception) -> str:
    return "；".join(getattr(error, "messages", None) or [str(error)])


def printable_actions_attach(site: Any = None) -> None:
    """Give each printable with an action label its action on the change list of the model
    its first parameter names (run once the admins are registered: CommonConfig.ready)."""
    site = site or admin.site
    for printable in printable_list():
        if not printable.action:
            continue
        param = printable.params[0]
        model = Organization if param.kind == ORGANIZATION_KIND else apps.get_model(param.model)
        model_admin = site._registry.get(model)
        if model_admin is None:
            continue
        action = print_action(printable.name, printable.action)
        names = [getattr(a, "__name__", a) for a in model_admin.actions or ()]
        if action.__name__ not in names:
            model_admin.actions = [*(model_admin.actions or ()), action]
