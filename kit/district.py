"""A generated district-scale sub-district, or a city of them, for the benchmarks
(`manage.py generate_district`).

Each app that has data to generate declares a step on its AppConfig (`district_steps`, kit/apps.py),
a function `generate(district)`; the steps run in order (the tree, then members, then what hangs on
members), once for each sub-district. A step writes in bulk (`bulk_insert` of model instances, or
`copy_insert` of plain tuples for the largest tables: PostgreSQL's COPY there, bulk_create in batches
elsewhere) and is idempotent: it first asks whether its rows for this sub-district exist and does
nothing if so, so running the command again with the same seed changes nothing, and a run that was
interrupted (each step of each sub-district commits on its own) finishes where it stopped. The rows
of a sub-district are all under the sub-district whose code is `District.code` (`GD<seed>` alone,
`GD<seed>S01`… in a city), so a generated district never mixes with real data.
"""

from __future__ import annotations

import datetime as dt
import enum
import io
import random
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import islice
from operator import attrgetter
from typing import Any

from django.db import connection
from django.utils import timezone

BATCH = 2000  # rows per bulk_create
COPY_BATCH = 20_000  # rows per COPY (and per step of the progress bar)
CITY_SERIALS = 1_000_000  # a city's members are numbered from here (the lone sub-district from 0)
MAX_SERIALS = 7_500_000  # the citizen IDs members/district.py can make without repeating one
CASE_SERIALS = 10_000  # development cases numbered per sub-district (publicity/district.py)


@dataclass
class District:
    """The sizes of one sub-district to generate and what the steps share.

    A city is `count` of them, numbered `index` 1..count; the lone sub-district of a district run
    is index 0 (code GD<seed>, the data of the runs before cities existed)."""

    seed: int = 2026
    members: int = 100_000  # in this sub-district
    communities: int = 60
    branches: int = 2_000  # community branches in all (each with GROUPS_PER_BRANCH groups)
    units: int = 2_000  # workplace units, each with its own party organization
    in_service_share: float = 0.2  # members held by unit orgs, registered where they live
    years: int = 5
    out: Any = sys.stderr  # a text stream (a command's OutputWrapper)
    shared: dict[str, Any] = field(default_factory=dict)  # what a step leaves for the next ones
    index: int = 0  # 0: the lone sub-district; 1..count: a sub-district of the city
    count: int = 1  # sub-districts in the city
    parent: Any = None  # the organization above the sub-district (the city's root), if any

    @property
    def code(self) -> str:
        return f"GD{self.seed}" if self.index == 0 else f"GD{self.seed}S{self.index:02d}"

    @property
    def first_serial(self) -> int:
        """The number of this sub-district's first member (citizen IDs, phones are made from
        it): the city's sub-districts follow one another, after the lone sub-district's."""
        return 0 if self.index == 0 else CITY_SERIALS + (self.index - 1) * self.members

    @property
    def first_case(self) -> int:
        """The number of this sub-district's first development case (their IDs come from it)."""
        return self.index * CASE_SERIALS

    def rng(self, step: str) -> random.Random:
        """A random generator of its own for each step, so a step's data never depends on
        whether an earlier step ran in this process."""
        key = f"{self.seed}-{step}" if self.index == 0 else f"{self.seed}-{self.index}-{step}"
        return random.Random(key)  # noqa: S311 - generated test data

    def say(self, text: str) -> None:
        self.out.write(text + "\n")
        self.out.flush()


def batches(rows: Iterable[Any], size: int = BATCH) -> Iterator[list[Any]]:
    iterator = iter(rows)
    while chunk := list(islice(iterator, size)):
        yield chunk


def copies() -> bool:
    """Whether the bulk paths write with COPY (PostgreSQL) rather than bulk_create."""
    return connection.vendor == "postgresql"


def bulk_insert(district: District, label: str, model: Any, rows: Iterable[Any], total: int) -> int:
    """Model instances written in batches, with a progress bar on the district's output. On
    PostgreSQL by COPY, each instance given its primary key from the table's sequence as
    bulk_create would (auto_now_add fields set to now); elsewhere by bulk_create."""
    bar = Progress(district, label, total)
    if not copies() or not _copyable(model):
        for chunk in batches(rows):
            model.objects.bulk_create(chunk, batch_size=BATCH)
            bar.advance(len(chunk))
        return bar.finish()
    fields = model._meta.concrete_fields
    pk = model._meta.pk
    names = [f.attname for f in fields]
    values = attrgetter(*names) if len(names) > 1 else (lambda obj: (getattr(obj, names[0]),))
    stamped = [i for i, f in enumerate(fields) if getattr(f, "auto_now", False)
               or getattr(f, "auto_now_add", False)]  # fmt: skip
    sql = _copy_sql(model, [f.column for f in fields])
    for chunk in batches(rows, COPY_BATCH):
        missing = [obj for obj in chunk if obj.pk is None]
        if missing:
            for obj, new in zip(missing, _next_ids(model, len(missing)), strict=True):
                setattr(obj, pk.attname, new)
        now = timezone.now()
        for obj in chunk:
            for i in stamped:
                setattr(obj, fields[i].attname, now)
            obj._state.adding = False
            obj._state.db = connection.alias
        _copy(sql, (values(obj) for obj in chunk))
        bar.advance(len(chunk))
    return bar.finish()


def copy_insert(
    district: District,
    label: str,
    model: Any,
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    total: int,
) -> int:
    """Plain tuples of the model's `columns` (attnames: `member_id`, not `member`) written
    without making model instances: by COPY on PostgreSQL, as instances by bulk_create elsewhere.
    The rows get their primary keys from the database (none is returned): read them back by
    query. The columns left out take the model's defaults, as an instance would."""
    bar = Progress(district, label, total)
    if not copies():
        for chunk in batches(rows):
            model.objects.bulk_create([model(**dict(zip(columns, row, strict=True)))
                                       for row in chunk], batch_size=BATCH)  # fmt: skip
            bar.advance(len(chunk))
        return bar.finish()
    fields = model._meta.concrete_fields
    by_name = {f.attname: f for f in fields}
    # The columns not given, as a model instance would have them: its defaults (a callable one
    # called for each row), auto_now_add fields set to now, and the primary key left out.
    rest = [f for f in fields if f.attname not in columns and not f.primary_key]
    stamped = [
        f for f in rest if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]
    called = [f for f in rest if f not in stamped and f.has_default() and callable(f.default)]
    fixed = [f for f in rest if f not in stamped and f not in called]
    order = [by_name[name].column for name in columns]
    order += [f.column for f in (*stamped, *fixed, *called)]
    sql = _copy_sql(model, order)
    constants = tuple(f.get_default() for f in fixed)
    for chunk in batches(rows, COPY_BATCH):
        now = (timezone.now(),) * len(stamped)
        if called:
            chunk = [(*row, *now, *constants, *(f.get_default() for f in called)) for row in chunk]
        elif stamped or fixed:
            tail = (*now, *constants)
            chunk = [(*row, *tail) for row in chunk]
        _copy(sql, chunk)
        bar.advance(len(chunk))
    return bar.finish()


# The field types whose Python values COPY's text format takes as they are (below); a model with
# any other concrete field (JSON, arrays…) is written by bulk_create, which knows how.
COPYABLE = frozenset({
    "AutoField", "BigAutoField", "SmallAutoField", "IntegerField", "BigIntegerField",
    "SmallIntegerField", "PositiveIntegerField", "PositiveBigIntegerField",
    "PositiveSmallIntegerField", "CharField", "TextField", "SlugField", "EmailField", "URLField",
    "DateField", "DateTimeField", "DecimalField", "BooleanField", "ForeignKey", "OneToOneField",
    "FileField", "ImageField", "GenericIPAddressField", "FloatField",
})  # fmt: skip
ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copyable(model: Any) -> bool:
    return all(f.get_internal_type() in COPYABLE for f in model._meta.concrete_fields)


def _copy_sql(model: Any, columns: Sequence[str]) -> str:
    quote = connection.ops.quote_name
    names = ", ".join(quote(c) for c in columns)
    return f"COPY {quote(model._meta.db_table)} ({names}) FROM STDIN"


def _text(value: Any) -> str:
    """A value in COPY's text format (the slow path, for a type not seen before)."""
    if isinstance(value, enum.Enum):
        value = value.value
    if isinstance(value, str):
        return value.translate(ESCAPES)
    if isinstance(value, (dt.date, dt.time)):  # datetimes too (aware: with their offset)
        return value.isoformat()
    if isinstance(value, (int, Decimal, float)):
        return str(value)
    return str(value).translate(ESCAPES)  # a FieldFile's name


class Formats(dict[type, Callable[[Any], str]]):
    """The COPY text of a value, by the value's type (the type of each column's values is the
    same row after row: one dict lookup a value)."""

    def __missing__(self, kind: type) -> Callable[[Any], str]:
        self[kind] = _text
        return _text


FORMATS = Formats({
    type(None): lambda _: "\\N",
    bool: lambda v: "t" if v else "f",
    int: int.__repr__,
    str: lambda v: v.translate(ESCAPES),
    dt.date: dt.date.isoformat,
    dt.datetime: dt.datetime.isoformat,
    Decimal: Decimal.__str__,
})  # fmt: skip


def _line(row: Sequence[Any], formats: Formats = FORMATS) -> str:
    return "\t".join([formats[type(v)](v) for v in row])


def _copy(sql: str, rows: Iterable[Sequence[Any]]) -> None:
    text = "\n".join(map(_line, rows))
    if not text:
        return
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(sql, io.StringIO(text + "\n"))


def _next_ids(model: Any, count: int) -> list[int]:
    table, column = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [connection.ops.quote_name(table), column, count],
        )
        return [row[0] for row in cursor.fetchall()]


class Progress:
    """A progress bar for one table of one sub-district: `[3/10] 党费交纳 ████····  120000/400000`,
    with the rows per second. A city's sub-district says which of them it is."""

    def __init__(self, district: District, label: str, total: int) -> None:
        self.district, self.label, self.total, self.done = district, label, total, 0
        self.started = time.perf_counter()
        self.where = f"[{district.index}/{district.count}] " if district.index else ""

    def advance(self, rows: int) -> None:
        self.done += rows
        progress(self.district, f"{self.where}{self.label}", self.done, max(self.total, self.done))

    def finish(self) -> int:
        if self.done < self.total:  # the total was the most there could be
            progress(self.district, f"{self.where}{self.label}", self.done, self.done)
        if self.total or self.done:
            seconds = time.perf_counter() - self.started
            rate = f" {self.done / seconds:,.0f}行/秒" if seconds > 0.5 else ""
            self.district.out.write(rate + "\n")
            self.district.out.flush()
        return self.done


def progress(district: District, label: str, done: int, total: int) -> None:
    width = 30
    filled = int(width * done / total) if total else width
    bar = "█" * filled + "·" * (width - filled)
    district.out.write(f"\r{label:<12} {bar} {done:>7}/{total}")
    district.out.flush()


Step = Callable[[District], None]
