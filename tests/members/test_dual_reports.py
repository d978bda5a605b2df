"""The printed 报到登记卡 (主卡 and 回执) and 参与社区活动记录卡."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from pypdf import PdfReader

from common.printables import print_url
from members.models import ActivityRecord, PersonalDataAccess
from members.selectors.dual import activity_card_list
from tests.members.factories import ActivityRecordFactory, MemberFactory, RegistrationFactory
from tests.members.factories_work import MemberDeedFactory
from tests.printing import make


def pdf_text(data: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(data))
    return len(reader.pages), "\n".join(page.extract_text() for page in reader.pages)


@pytest.fixture
def zhang(tree):
    return MemberFactory(
        name="张卫国",
        categories=["in_service"],
        branch=tree.unit_b.party_organization,
        residence_community=tree.community_a,
        work_unit="乙医院",
        phone="13912345678",
    )


@pytest.fixture
def registration(tree, zhang):
    return RegistrationFactory(
        member=zhang,
        community=tree.community_a,
        unit=tree.unit_b,
        residence="甲小区3栋2单元501",
        speciality="心内科医生",
        service_offer="每月一次义诊",
        registered_on=dt.date(2026, 3, 8),
    )


def cards_pdf(registrations, reader=None) -> bytes:
    return make("registration_cards", reader=reader, registrations=registrations)


def test_registration_card_has_both_parts_on_one_page(tree, registration, reviewer_b):
    cards = type(registration).objects.filter(pk=registration.pk)
    pages, text = pdf_text(cards_pdf(cards, reviewer_b))  # without the personal-data permission
    assert pages == 1
    for expected in (
        "主卡",
        "回执",
        "沿此线剪开",
        "张卫国",
        "乙医院",
        "乙医院党委",
        "甲小区****",
        "心内科医生",
        "每月一次义诊",
        "已于2026年3月8日到本社区报到",
        "甲社区党委",
        "盖章",
        registration.card_number,
        registration.member.masked_citizen_id,
        "139****5678",
        "第 1 页 / 共 1 页",
    ):
        assert expected in text, expected
    assert registration.member.citizen_id not in text
    assert "13912345678" not in text
    assert "甲小区3栋2单元501" not in text


def test_full_phone_only_when_allowed(tree, registration, secretary_a):
    cards = type(registration).objects.filter(pk=registration.pk)
    _, text = pdf_text(cards_pdf(cards, secretary_a))
    assert "13912345678" in text
    assert "甲小区3栋2单元501" in text


def test_several_cards_print_one_page_each(tree, registration, reviewer_b):
    for i in range(2):
        member = MemberFactory(
            name=f"李{i}号",
            categories=["in_service"],
            branch=tree.unit_b.party_organization,
            residence_community=tree.community_a,
        )
        RegistrationFactory(member=member, community=tree.community_a, unit=tree.unit_b)
    pages, text = pdf_text(cards_pdf(type(registration).objects.all(), reviewer_b))
    assert pages == 3
    assert "第 3 页 / 共 3 页" in text
    assert text.count("主卡") == 3


def test_cards_of_two_communities_are_not_mixed(tree, registration):
    other = RegistrationFactory(community=tree.community_b, unit=tree.unit_c)
    cards = type(registration).objects.filter(pk__in=[registration.pk, other.pk])
    with pytest.raises(ValueError, match="一次只能打印同一社区的卡片"):
        cards_pdf(cards)


def add_records(tree, member) -> None:
    for day, title, hours, kind in (
        (dt.date(2026, 1, 10), "到社区报到", "0.5", "report"),
        (dt.date(2026, 3, 5), "学雷锋志愿服务", "3", "activity"),
        (dt.date(2026, 6, 1), "义诊", "2.5", "activity"),
        (dt.date(2025, 12, 20), "去年的活动", "4", "activity"),
    ):
        ActivityRecordFactory(
            member=member,
            community=tree.community_a,
            date=day,
            title=title,
            hours=Decimal(hours),
            kind=kind,
        )


def test_activity_card_lists_the_years_records_with_total_hours(tree, zhang):
    add_records(tree, zhang)
    # The year's 实事 are recorded once, as deeds, and the card lists them under their own head.
    MemberDeedFactory(member=zhang, community=tree.community_a, done_on=dt.date(2026, 4, 2),
                      title="修缮楼道灯", beneficiaries="3号楼居民")  # fmt: skip
    MemberDeedFactory(member=zhang, community=tree.community_a, done_on=dt.date(2025, 4, 2),
                      title="去年的实事")  # fmt: skip
    cards = activity_card_list(
        queryset=ActivityRecord.objects.all(), keys=[(zhang.pk, tree.community_a.pk, 2026)]
    )
    assert cards[0].total_hours == Decimal("6.0")
    records = ActivityRecord.objects.filter(date__year=2026)
    pages, text = pdf_text(make("activity_cards", today=dt.date(2026, 7, 1), records=records))
    assert pages == 1
    for expected in (
        "参与社区活动记录卡",
        "张卫国",
        "乙医院",
        "甲社区党委",
        "2026年度",
        "学雷锋志愿服务",
        "义诊",
        "为社区办实事",
        "2026-04-02 修缮楼道灯（受益对象：3号楼居民）",
        "到社区报到",
        "6.0小时",
        "共3次",
        "第 1 页 / 共 1 页",
    ):
        assert expected in text, expected
    assert "去年的活动" not in text
    assert "去年的实事" not in text


def test_registration_card_from_admin_is_scoped_and_logged(
    client, tree, registration, secretary_a, secretary_b
):
    url = print_url("registration_cards", registrations=registration.pk)
    client.force_login(secretary_b)
    assert client.get(url).status_code == 404
    client.force_login(secretary_a)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    _, text = pdf_text(response.content)
    assert "主卡" in text
    assert "13912345678" in text  # a community secretary may see personal data
    access = PersonalDataAccess.objects.get()
    assert (access.user, access.member, access.action) == (
        secretary_a,
        registration.member,
        "print",
    )


def test_unit_reviewer_prints_own_members_card_with_masked_phone(
    client, tree, registration, reviewer_b
):
    client.force_login(reviewer_b)
    response = client.get(print_url("registration_cards", registrations=registration.pk))
    assert response.status_code == 200
    _, text = pdf_text(response.content)
    assert "139****5678" in text


def test_registration_card_action_prints_selected(client, tree, registration, secretary_a):
    client.force_login(secretary_a)
    response = client.post(
        reverse("admin:members_registration_changelist"),
        {"action": "print_registration_cards", "_selected_action": [registration.pk]},
    )
    assert response["Content-Type"] == "application/pdf"
    assert "回执" in pdf_text(response.content)[1]


def test_activity_card_from_admin_link_and_action(client, tree, zhang, secretary_a, secretary_b):
    add_records(tree, zhang)
    record = ActivityRecord.objects.get(title="义诊")
    url = print_url("activity_cards", records=record.pk)
    client.force_login(secretary_b)
    assert client.get(url).status_code == 404
    client.force_login(secretary_a)
    _, text = pdf_text(client.get(url).content)
    assert "6.0小时" in text
    response = client.post(
        reverse("admin:members_activityrecord_changelist"),
        {
            "action": "print_activity_cards",
            "_selected_action": [r.pk for r in ActivityRecord.objects.all()],
        },
    )
    pages, text = pdf_text(response.content)
    assert pages == 2  # one card for 2025, one for 2026
    assert "2025—2026年度" in text
    assert "4.0小时" in text


def test_mixed_communities_in_action_are_refused_with_a_message(client, tree, superuser, zhang):
    add_records(tree, zhang)
    ActivityRecordFactory(member=zhang, community=tree.community_b, date=dt.date(2026, 2, 1))
    client.force_login(superuser)
    response = client.post(
        reverse("admin:members_activityrecord_changelist"),
        {
            "action": "print_activity_cards",
            "_selected_action": [r.pk for r in ActivityRecord.objects.all()],
        },
        follow=True,
    )
    assert "一次只能打印同一社区的卡片" in response.content.decode()
