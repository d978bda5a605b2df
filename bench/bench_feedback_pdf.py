"""Benchmark: the PDF of 100 在职党员社区表现反馈卡 as the project prints it, against WeasyPrint's
own render of the same HTML (issue 14).

    python manage.py generate_district --members 100000      # once, on DATABASE_URL
    python bench/bench_feedback_pdf.py [--cards 100] [--repeat 5] [--period 2026H1]

The cards are those of the generated district's first community (GD<seed>-C00) for the period,
made first if the period has none (the generation service, idempotent). The project's figure is
the printable feedback_cards of activities/printables.py (the template, then kit/pdf.py through the
shared WeasyPrint helper); the reference is `weasyprint.HTML(string=html).write_pdf()` of the HTML
that render produced, with the same fonts (the system's Noto Sans CJK; the @font-face fallback is
in the HTML either way). Needs fonts-noto-cjk and libharfbuzz-subset0 (without the latter WeasyPrint
is some 70 times slower). Goal: at most 1.2x the reference.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from typing import Any

from harness import setup, table

GOAL = 1.2


def cards_get(seed: int, code: str, count: int) -> tuple[Any, list[Any]]:
    from activities.feedback import selectors, services
    from organizations.models import Organization

    community = Organization.objects.get(code=f"GD{seed}-C00")
    period = services.period_get(code)
    cards = selectors.document_card_list(community, period.code)
    if len(cards) < count:
        services.feedback_cards_generate(period=period, community_ids=[community.pk])
        cards = selectors.document_card_list(community, period.code)
    if len(cards) < count:
        raise SystemExit(f"{community} has only {len(cards)} cards for {code}")
    return community, cards[:count]


def interleaved(repeat: int, actions: list[Callable[[], bytes]]) -> list[tuple[float, int]]:
    """Median seconds of each action and the size of its PDF: each run once to warm (fonts,
    templates), then in turn, so that a busy moment of the machine falls on all of them."""
    sizes = [len(action()) for action in actions]
    times: list[list[float]] = [[] for _ in actions]
    for _ in range(repeat):
        for action, found in zip(actions, times, strict=True):
            start = time.perf_counter()
            action()
            found.append(time.perf_counter() - start)
    return [(statistics.median(t), size) for t, size in zip(times, sizes, strict=True)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cards", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--period", default="2026H1")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    setup()
    import weasyprint
    from django.template.loader import render_to_string
    from django.utils import timezone

    from activities.feedback.reports import TITLE
    from activities.feedback.services import period_get
    from kit.pdf import FALLBACK_FONT_FAMILY, fallback_font_url
    from kit.printables import PdfRenderer

    community, cards = cards_get(args.seed, args.period, args.cards)
    label = period_get(args.period).label
    html = render_to_string(  # what render_pdf() hands to WeasyPrint
        "reports/feedback_cards.html",
        {
            "title": TITLE,
            "organization": community,
            "period": label,
            "cards": cards,
            "printed_on": timezone.localdate(),
            "fallback_font_url": fallback_font_url(),
            "fallback_font_family": FALLBACK_FONT_FAMILY,
        },
    )
    (project, size), (reference, raw_size) = interleaved(
        args.repeat,
        [
            lambda: PdfRenderer("reports/feedback_cards.html").render(
                {
                    "title": TITLE,
                    "organization": community,
                    "period": label,
                    "cards": cards,
                    "printed_on": timezone.localdate(),
                }  # fmt: skip
            ),
            lambda: weasyprint.HTML(string=html).write_pdf(),
        ],
    )
    ratio = project / reference
    table(
        "Feedback cards PDF (bench/bench_feedback_pdf.py)",
        [
            (
                f"{len(cards)} 张反馈卡的 PDF（{community.name}，{label}）",
                f"{project * 1000:.0f} ms（{size // 1024} KiB）",
                f"{reference * 1000:.0f} ms（{raw_size // 1024} KiB，WeasyPrint {weasyprint.__version__}）",
                f"{ratio:.2f}×",
                f"≤ {GOAL}×",
                ratio <= GOAL,
            )
        ],
    )


if __name__ == "__main__":
    main()
