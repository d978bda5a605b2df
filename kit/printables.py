"""What a printable is, without knowing any domain: one registration per PDF or spreadsheet the
project makes.

An app lists its printables in `<app>/printables.py` as `PRINTABLES` and names that list on its
AppConfig (`printables = "<app>.printables.PRINTABLES"`); common/printables.py reads them all,
checks the permission and the scope, and serves them through one admin view, the report center
and one admin action. A printable is:

- a selector `select(job) -> dict`: the context (or the rows, under "rows"/"headers") read
  through `job.reader`'s scope (None: the command line, no limit);
- renderers by format: `PdfRenderer(template)`, `XlsxRenderer()`, `HtmlRenderer(template)`;
- parameters: the organization, the period, an object (a plan, a meeting) or selected rows;
- `runs_in_request`: small enough to be made while the user waits, or left to the worker.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

# Parameter kinds: the report center's form gives an organization and a period; an object is
# chosen on its own page; rows are the selection of a change list.
# An option is a text the selector reads with its own default (a 统计日): the form may leave it out.
ORGANIZATION_KIND, PERIOD_KIND, OBJECT_KIND, ROWS_KIND = "organization", "period", "object", "rows"
OPTION_KIND = "option"
FORM_KINDS = frozenset({ORGANIZATION_KIND, PERIOD_KIND, OPTION_KIND})


class PrintError(ValueError):
    """The printable cannot be made from these parameters; the message says why, in Chinese."""


@dataclass(frozen=True)
class Param:
    name: str
    label: str
    kind: str
    model: str = ""  # "app_label.Model" of an object or of the rows
    # An organization that may be left out: then everything the reader sees.
    required: bool = True

    @property
    def is_form_param(self) -> bool:
        return self.kind in FORM_KINDS


ORGANIZATION = Param("organization", "党组织", ORGANIZATION_KIND)
PERIOD = Param("period", "年度（如2026）", PERIOD_KIND)
YEAR = PERIOD  # a yearly printable's period: read it with Job.given_year()
MONTH = Param("period", "月份（如2026-11）", PERIOD_KIND)
HALF_YEAR = Param("period", "半年（如2026H2）", PERIOD_KIND)
ANY_ORGANIZATION = Param("organization", "党组织", ORGANIZATION_KIND, required=False)


def object_param(name: str, label: str, model: str) -> Param:
    return Param(name, label, OBJECT_KIND, model)


def rows_param(name: str, label: str, model: str) -> Param:
    return Param(name, label, ROWS_KIND, model)


def option_param(name: str, label: str) -> Param:
    return Param(name, label, OPTION_KIND)


def readable(queryset: Any, reader: Any) -> Any:
    """The rows of `queryset` that the reader may see (a reader of None is the command line)."""
    return queryset if reader is None else queryset.visible_to(reader)


@dataclass
class Job:
    """One making of a printable: the resolved parameters (an organization, the period's text,
    objects, lists of rows), who reads, the format asked, and where to report progress."""

    values: Mapping[str, Any]
    reader: Any = None
    format: str = "pdf"
    progress: Callable[[int], None] = lambda percent: None
    today: dt.date = field(default_factory=timezone.localdate)

    def __getitem__(self, name: str) -> Any:
        return self.values[name]

    @property
    def period(self) -> str:
        return str(self.values.get("period") or "").strip()

    def year(self) -> int:
        """The period's year (2026, 2026-11 and 2026H2 all give 2026); this year without one."""
        return int(self.period[:4]) if self.period[:4].isdigit() else self.today.year

    def given_year(self) -> int:
        """The period as a year (YYYY, as YEAR asks); refused in Chinese otherwise."""
        if len(self.period) != 4 or not self.period.isdigit() or self.period < "1900":
            raise PrintError("请填写年度（如2026）。")
        return int(self.period)

    def month(self) -> dt.date:
        """The period as a month (YYYY-MM); refused in Chinese otherwise."""
        try:
            return dt.datetime.strptime(self.period, "%Y-%m").date()  # noqa: DTZ007 (a month)
        except ValueError:
            raise PrintError("请填写月份（如2026-11）。") from None


@dataclass(frozen=True)
class Output:
    data: bytes
    filename: str
    content_type: str


class PdfRenderer:
    extension, content_type = "pdf", "application/pdf"

    def __init__(self, template: str) -> None:
        self.template = template

    def render(self, context: dict[str, Any]) -> bytes:
        from .pdf import render_pdf

        return render_pdf(self.template, context)


class XlsxRenderer:
    """The context's `headers` and `rows` (lists of cells) as one sheet titled `sheet_title`
    (or `title`); text cells never run as formulas (kit/spreadsheets.py)."""

    extension = "xlsx"
    content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

    def render(self, context: dict[str, Any]) -> bytes:
        from .spreadsheets import xlsx_bytes

        title = str(context.get("sheet_title") or context.get("title") or "Sheet1")
        return xlsx_bytes(list(context["headers"]), list(context["rows"]), title)


class HtmlRenderer:
    extension, content_type = "html", "text/html; charset=utf-8"

    def __init__(self, template: str) -> None:
        self.template = template

    def render(self, context: dict[str, Any]) -> bytes:
        return render_to_string(self.template, context).encode()


Renderer = PdfRenderer | XlsxRenderer | HtmlRenderer


@dataclass(frozen=True)
class Printable:
    """One printable: see the module's docstring. `filename(job)` is the Chinese name without
    its extension; `permitted(user)` replaces the permission check where a role without the
    model permission may print (a unit's reviewer prints its feedback cards)."""

    name: str
    label: str
    permission: str
    prints_people: bool
    params: tuple[Param, ...]
    select: Callable[[Job], dict[str, Any]]
    renderers: Mapping[str, Renderer]
    filename: Callable[[Job], str]
    runs_in_request: bool = True
    permitted: Callable[[Any], bool] | None = None
    # The admin action's label ("" for none): offered on the change list of the model of its
    # first parameter (the organizations', the object's or the rows').
    action: str = ""
    # The organization an object or the first row is about (the Document's, when queued).
    organization_of: Callable[[Any], Any] | None = None

    @property
    def formats(self) -> tuple[str, ...]:
        return tuple(self.renderers)

    @property
    def is_form_made(self) -> bool:
        """Everything it needs is an organization and a period (the report center's form)."""
        return all(param.is_form_param for param in self.params)

    @property
    def period_label(self) -> str:
        """What the period field must hold for it ("" when it needs none)."""
        found = self.param(PERIOD_KIND)
        return found.label if found else ""

    def param(self, kind: str) -> Param | None:
        return next((param for param in self.params if param.kind == kind), None)

    def is_permitted(self, user: Any) -> bool:
        """The user holds the printable's permission (a superuser holds every one)."""
        if user is None:
            return True
        if not user.is_active:
            return False
        if self.permitted is not None:
            return self.permitted(user)
        return bool(self.permission) and user.has_perm(self.permission)

    def renderer(self, format: str) -> Renderer:
        found = self.renderers.get(format)
        if found is None:
            raise PrintError(f"“{self.label}”没有{format}格式。")
        return found

    def make_filename(self, job: Job) -> str:
        return f"{self.filename(job)}.{self.renderer(job.format).extension}"

    def make(self, job: Job) -> Output:
        """Select through the reader's scope, then render in the job's format."""
        renderer = self.renderer(job.format)
        data = renderer.render(self.select(job))
        return Output(data, self.make_filename(job), renderer.content_type)
