"""The portal: the unit party organization sees and acknowledges only its own members' delivered
cards and prints them in one PDF; the sub-district sees the cadres' cards; a member sees their own
records only."""

from __future__ import annotations

import io
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from activities.feedback import services
from activities.models import FeedbackCard, FeedbackStatus
from common.models import Document, DocumentStatus
from organizations.roles import Role
from tests.activities.test_feedback import H1, rate, registered
from tests.members.factories import ActivityRecordFactory


def pdf_text(data: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(data))
    return len(reader.pages), "\n".join(page.extract_text() for page in reader.pages)


@pytest.fixture
def cards(tree: SimpleNamespace, secretary_a: Any) -> SimpleNamespace:
    """Unit B: 张卫国 (cadre) and 李娜, sent; 王芳 still a draft. Unit C: 赵强, sent."""
    zhang = registered(tree, "张卫国", is_section_level_cadre=True)
    registered(tree, "李娜")
    registered(tree, "王芳")
    registered(tree, "赵强", unit=tree.unit_c)
    services.feedback_cards_generate(period=H1)
    found = {card.member.name: card for card in FeedbackCard.objects.select_related("member")}
    for name in ("张卫国", "李娜", "赵强"):
        rate(found[name], secretary_a)
        services.feedback_card_send(card=found[name], actor=secretary_a)
    return SimpleNamespace(zhang=zhang, **{k: found[v] for k, v in _NAMES.items()})


_NAMES = {"zhang_card": "张卫国", "li": "李娜", "wang": "王芳", "zhao": "赵强"}


def logged_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_portal_asks_for_a_login_of_its_own(db: None) -> None:
    response = Client().get(reverse("portal:unit"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("portal:login"))


def test_a_member_who_is_not_staff_logs_in_to_the_portal(make_user: Any, tree: Any) -> None:
    user = make_user(Role.MEMBER, tree.branch_a, "member_a")
    user.set_password("dangjian2026")
    user.save()
    client = Client()
    response = client.post(
        reverse("portal:login"), {"username": "member_a", "password": "dangjian2026"}
    )
    assert response.status_code == 302
    assert client.get(reverse("portal:home")).status_code == 200


def test_the_unit_sees_its_delivered_cards_grouped_by_community_and_period(
    cards: SimpleNamespace, reviewer_b: Any, django_assert_max_num_queries: Any
) -> None:
    client = logged_in(reviewer_b)
    with django_assert_max_num_queries(25):
        page = client.get(reverse("portal:unit"))
    text = page.content.decode()
    assert page.status_code == 200
    assert "2026年上半年 · 甲社区党委" in text
    assert "张卫国" in text
    assert "李娜" in text
    assert "王芳" not in text  # a draft is not delivered
    assert "赵强" not in text  # another unit's member
    assert "待签收2张" in text


def test_the_unit_list_runs_the_same_queries_for_many_cards(
    cards: SimpleNamespace,
    tree: SimpleNamespace,
    reviewer_b: Any,
    secretary_a: Any,
    django_assert_max_num_queries: Any,
) -> None:
    client = logged_in(reviewer_b)
    client.get(reverse("portal:unit"))
    with django_assert_max_num_queries(60) as few:
        client.get(reverse("portal:unit"))
    count = len(few.captured_queries)  # now: the next request clears Django's query log
    for i in range(20):
        registered(tree, f"新党员{i}")
    services.feedback_cards_generate(period=H1)
    for card in FeedbackCard.objects.filter(status=FeedbackStatus.DRAFT):
        rate(card, secretary_a)
        services.feedback_card_send(card=card, actor=secretary_a)
    with django_assert_max_num_queries(count):
        assert "新党员19" in client.get(reverse("portal:unit")).content.decode()


def test_another_units_card_and_a_draft_are_404(cards: SimpleNamespace, reviewer_b: Any) -> None:
    client = logged_in(reviewer_b)
    for card in (cards.zhao, cards.wang):
        assert client.get(reverse("portal:unit_card", args=[card.pk])).status_code == 404
        response = client.post(
            reverse("portal:unit_card", args=[card.pk]), {"unit_comment": "越权"}
        )
        assert response.status_code == 404
    assert FeedbackCard.objects.get(pk=cards.zhao.pk).status == FeedbackStatus.SENT


def test_a_secretary_has_no_unit_page(cards: SimpleNamespace, secretary_a: Any) -> None:
    client = logged_in(secretary_a)
    assert client.get(reverse("portal:unit")).status_code == 403
    assert client.get(reverse("portal:unit_card", args=[cards.li.pk])).status_code == 404


def test_the_unit_acknowledges_with_its_comment_and_the_community_sees_it(
    cards: SimpleNamespace, reviewer_b: Any, secretary_a: Any
) -> None:
    client = logged_in(reviewer_b)
    url = reverse("portal:unit_card", args=[cards.li.pk])
    assert "签收" in client.get(url).content.decode()
    response = client.post(url, {"unit_comment": "该同志在单位工作认真负责。"}, follow=True)
    assert "已签收李娜的反馈卡" in response.content.decode()
    card = FeedbackCard.objects.get(pk=cards.li.pk)
    assert card.status == FeedbackStatus.ACKNOWLEDGED
    assert card.acknowledged_by == reviewer_b
    admin_page = logged_in(secretary_a).get(
        reverse("admin:activities_feedbackcard_changelist") + "?status=acknowledged"
    )
    text = admin_page.content.decode()
    assert "李娜" in text
    assert "该同志在单位工作认真负责。" in text
    again = client.post(url, {"unit_comment": "再签一次"}, follow=True)
    assert "再签一次" not in FeedbackCard.objects.get(pk=cards.li.pk).unit_comment
    assert again.status_code == 200


def test_the_unit_prints_all_its_cards_of_a_period_in_one_pdf(
    cards: SimpleNamespace,
    reviewer_b: Any,
    tree: SimpleNamespace,
    django_capture_on_commit_callbacks: Any,
) -> None:
    client = logged_in(reviewer_b)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("portal:unit_pdf"), {"period": "2026H1"})
    document = Document.objects.get()
    assert response["Location"] == reverse("portal:document", args=[document.token])
    assert document.status == DocumentStatus.DONE
    assert document.organization == tree.unit_b.party_organization
    page = client.get(reverse("portal:document", args=[document.token])).content.decode()
    assert "下载PDF" in page
    download = client.get(reverse("portal:document_download", args=[document.token]))
    pages, text = pdf_text(b"".join(download.streaming_content))
    assert pages == 2  # one card a page: 张卫国 and 李娜, not the draft, not unit C's
    assert "张卫国" in text
    assert "李娜" in text
    assert "王芳" not in text
    assert "赵强" not in text
    assert "乙医院党委" in text
    assert "甲社区党委" in text
    assert "2026年上半年" in text
    assert "参与活动" in text
    assert "积极参加社区活动。" in text


def test_another_unit_cannot_open_the_document(
    cards: SimpleNamespace,
    reviewer_b: Any,
    make_user: Any,
    tree: SimpleNamespace,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        logged_in(reviewer_b).post(reverse("portal:unit_pdf"), {"period": "2026H1"})
    document = Document.objects.get()
    other = logged_in(make_user(Role.UNIT_REVIEWER, tree.unit_c.party_organization, "rc"))
    for name in ("portal:document", "portal:document_status", "portal:document_download"):
        assert other.get(reverse(name, args=[document.token])).status_code == 404


def test_a_period_without_cards_is_refused(cards: SimpleNamespace, reviewer_b: Any) -> None:
    response = logged_in(reviewer_b).post(reverse("portal:unit_pdf"), {"period": "2025H2"})
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:unit")
    assert not Document.objects.exists()


def test_the_progress_is_readable_while_rendering(
    cards: SimpleNamespace, reviewer_b: Any, tree: SimpleNamespace
) -> None:
    client = logged_in(reviewer_b)
    client.post(reverse("portal:unit_pdf"), {"period": "2026H1"})  # not committed: still queued
    document = Document.objects.get()
    status = client.get(reverse("portal:document_status", args=[document.token])).json()
    assert status == {"status": "pending", "label": "排队中", "progress": 0}
    page = client.get(reverse("portal:document", args=[document.token])).content.decode()
    assert 'http-equiv="refresh"' in page
    assert "正在后台生成" in page


# --- The sub-district's organization office -----------------------------------------------------
def test_the_sub_district_sees_the_cadres_cards_only(
    cards: SimpleNamespace, sub_district_officer: Any, secretary_a: Any
) -> None:
    client = logged_in(sub_district_officer)
    text = client.get(reverse("portal:cadres")).content.decode()
    assert "张卫国" in text
    assert "李娜" not in text
    assert client.get(reverse("portal:cadre_card", args=[cards.zhang_card.pk])).status_code == 200
    assert client.get(reverse("portal:cadre_card", args=[cards.li.pk])).status_code == 404
    assert logged_in(secretary_a).get(reverse("portal:cadres")).status_code == 403


def test_the_district_officer_sees_the_cadres_cards_of_its_sub_districts(
    cards: SimpleNamespace, district_officer: Any
) -> None:
    """001: a 副科级 cadre's card goes to the county organization department too."""
    client = logged_in(district_officer)
    assert client.get(reverse("portal:home")).url == reverse("portal:cadres")
    text = client.get(reverse("portal:cadres")).content.decode()
    assert "张卫国" in text
    assert "李娜" not in text
    assert client.get(reverse("portal:cadre_card", args=[cards.zhang_card.pk])).status_code == 200
    assert client.get(reverse("portal:cadre_card", args=[cards.li.pk])).status_code == 404


# --- The member ---------------------------------------------------------------------------------
def test_the_member_sees_their_own_records_and_delivered_cards(
    cards: SimpleNamespace, make_user: Any, tree: SimpleNamespace, reviewer_b: Any
) -> None:
    services.feedback_card_acknowledge(
        card=cards.zhang_card, unit_comment="表现突出。", actor=reviewer_b
    )
    user = make_user(Role.MEMBER, tree.unit_b.party_organization, "zhang")
    member = cards.zhang.member
    member.user = user
    member.save(update_fields=["user"])
    ActivityRecordFactory(member=member, community=tree.community_a, title="楼院环境整治")
    client = logged_in(user)
    response = client.get(reverse("portal:home"), follow=True)
    text = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("portal:me")
    assert "甲社区党委（乙医院）" in text
    assert "楼院环境整治" in text
    assert "2026年上半年 · 甲社区党委" in text
    assert "表现突出。" in text
    assert "李娜" not in text
    assert "王芳" not in text
    assert 'name="viewport"' in text


def test_a_login_without_a_member_record_has_no_member_page(
    make_user: Any, tree: SimpleNamespace
) -> None:
    user = make_user(Role.MEMBER, tree.branch_a, "nobody")
    assert logged_in(user).get(reverse("portal:me")).status_code == 404
