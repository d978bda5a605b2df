"""A generated district-scale sub-district for the benchmarks (`manage.py generate_district`).

Each app that has data to generate declares a step on its AppConfig (`district_steps`, kit/apps.py),
a function `generate(district)`; the steps run in order (the tree, then members, then what hangs on members).
A step writes in bulk (bulk_create in batches; COPY-like speed on PostgreSQL without its syntax) and
is idempotent: it first asks whether its rows for this district exist and does nothing if so, so
running the command again with the same seed changes nothing. The rows are all under one
sub-district whose code is `GD<seed>`, so a generated district never mixes with real data.
"""

from __future__ import annotations

import random
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

BATCH = 2000


@dataclass
class District:
    """The sizes of the district to generate and what the steps share."""

    seed: int = 2026
    members: int = 100_000
    communities: int = 60
    branches: int = 2_000  # community branches in all (each with GROUPS_PER_BRANCH groups)
    units: int = 2_000  # workplace units, each with its own party organization
    in_service_share: float = 0.2  # members held by unit orgs, registered where they live
    years: int = 5
    out: Any = sys.stderr  # a text stream (a command's OutputWrapper)
    shared: dict[str, Any] = field(default_factory=dict)  # what a step leaves for the next ones

    @property
    def code(self) -> str:
        return f"GD{self.seed}"

    def rng(self, step: str) -> random.Random:
        """A random generator of its own for each step, so a step's data never depends on
        whether an earlier step ran in this process."""
        return random.Random(f"{self.seed}-{step}")  # noqa: S311 - generated test data

    def say(self, text: str) -> None:
        self.out.write(text + "\n")
        self.out.flush()


def batches(rows: Iterable[Any], size: int = BATCH) -> Iterator[list[Any]]:
    iterator = iter(rows)
    while chunk := list(islice(iterator, size)):
        yield chunk


def bulk_insert(district: District, label: str, model: Any, rows: Iterable[Any], total: int) -> int:
    """bulk_create in batches, with a progress bar on the district's output."""
    done = 0
    for chunk in batches(rows):
        model.objects.bulk_create(chunk, batch_size=BATCH)
        done += len(chunk)
        progress(district, label, done, total)
    if total:
        district.out.write("\n")
    return done


def progress(district: District, label: str, done: int, total: int) -> None:
    width = 30
    filled = int(width * done / total) if total else width
    bar = "█" * filled + "·" * (width - filled)
    district.out.write(f"\r{label:<12} {bar} {done:>7}/{total}")
    district.out.flush()


Step = Callable[[District], None]
