"""PDF cards of the members app: 报到登记卡 (two parts) and 参与社区活动记录卡."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils import timezone

from kit.masking import mask_address, mask_birth_date, mask_phone
from kit.pdf import render_pdf
from organizations.models import Organization

from .models import Registration
from .selectors.dual import ActivityCard


@dataclass
class RegistrationCard:
    """What one card prints; phone and address are masked unless the reader may see personal
    data."""

    registration: Registration
    phone: str
    residence: str
    birth: str  # 1990年1月1日, or the age (36岁) for a reader who may not see the birth date


def _single_community(communities: Sequence[Organization]) -> Organization:
    """The header names one community: a document never mixes two."""
    if len({community.pk for community in communities}) != 1:
        raise ValueError("一次只能打印同一社区的卡片，请按社区分别打印。")
    return communities[0]


def registration_cards_pdf(
    registrations: Sequence[Registration], *, full_phone: bool = False
) -> bytes:
    """报到登记卡, one A4 page each: 主卡 for the community, then 回执 below the cut line."""
    community = _single_community([r.community for r in registrations])
    cards = [
        RegistrationCard(r, r.member.phone, r.residence, f"{r.member.birth_date:%Y年%-m月%-d日}")
        if full_phone
        else RegistrationCard(
            r,
            mask_phone(r.member.phone),
            mask_address(r.residence),
            mask_birth_date(r.member.birth_date),
        )
        for r in registrations
    ]
    years = sorted({r.registered_on.year for r in registrations})
    period = f"{years[0]}年" if len(years) == 1 else f"{years[0]}—{years[-1]}年"
    return render_pdf(
        "reports/members/registration_card.html",
        {
            "title": "在职党员到社区报到登记卡",
            "organization": community,
            "period": period,
            "cards": cards,
        },
    )


def activity_cards_pdf(cards: Sequence[ActivityCard], *, on: dt.date | None = None) -> bytes:
    """参与社区活动记录卡: each member's records of the year with total hours, a page each."""
    community = _single_community([card.community for card in cards])
    years = sorted({card.year for card in cards})
    period = f"{years[0]}年度" if len(years) == 1 else f"{years[0]}—{years[-1]}年度"
    return render_pdf(
        "reports/members/activity_card.html",
        {
            "title": "在职党员参与社区活动记录卡",
            "organization": community,
            "period": period,
            "cards": cards,
            "printed_on": on or timezone.localdate(),
        },
    )
