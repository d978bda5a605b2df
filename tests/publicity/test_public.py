"""The public site (no login): only what is published and running, only the public fields,
cacheable, a constant number of queries; the opinion form with its captcha and rate limit."""

from __future__ import annotations

import datetime as dt
import re
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from publicity import services
from publicity.forms import challenge_new
from publicity.models import Notice, Opinion
from tests.conftest import cache_clear_own
from tests.members.factories import MemberFactory, PostClaimFactory, RegistrationFactory
from tests.publicity.factories import (
    BoardItemFactory,
    DevelopmentCaseFactory,
    publish_notice,
    record_steps,
)


@pytest.fixture(autouse=True)
def _fresh_cache(db: None) -> Any:
    """Each test starts without kept pages: the shared cache's, and this process's own copies
    and trusted version (publicity/views.py), which a test's rows, never committed, do not reset."""
    from publicity import views
    from publicity.signals import public_version

    for clear in (cache_clear_own, views._version.clear, views._SERVED.clear, views._FORMS.clear):
        clear()
    public_version()  # a running site has one
    yield
    for clear in (cache_clear_own, views._version.clear, views._SERVED.clear, views._FORMS.clear):
        clear()


@pytest.fixture
def running(tree: SimpleNamespace) -> Notice:
    case = DevelopmentCaseFactory(
        name="林晓雨", branch=tree.branch_a, residence_community=tree.community_a,
        phone="13900001111", address="幸福小区8幢302室", position="网格员",
    )  # fmt: skip
    record_steps(case, 15)
    return publish_notice(case, timezone.localdate() - dt.timedelta(days=2))


def board_url(tree: SimpleNamespace) -> str:
    return reverse("public:board", args=[tree.community_a.code])


def test_the_root_lists_the_communities_without_login(
    client: Client, tree: SimpleNamespace, running: Notice
) -> None:
    page = client.get("/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "甲社区党委" in text
    assert "乙社区党总支" in text
    assert "公示中 1" in text


def test_the_board_shows_a_running_notice_with_its_countdown(
    client: Client, tree: SimpleNamespace, running: Notice
) -> None:
    text = client.get(board_url(tree)).content.decode()
    assert "林晓雨同志拟发展为预备党员的公示" in text
    assert "公示还剩 <strong>5</strong> 天" in text


def test_the_notice_shows_the_public_fields_and_never_the_personal_ones(
    client: Client, running: Notice
) -> None:
    case = running.case
    text = client.get(reverse("public:notice", args=[running.pk])).content.decode()
    for shown in (
        case.name,
        "女",
        f"{running.age}岁",
        "汉族",
        "大学本科",
        "网格员",
        case.assessment,
    ):
        assert shown in text
    assert f"{running.activist_on:%Y年%-m月%-d日}" in text
    for hidden in (
        case.citizen_id,
        case.phone,
        case.address,
        f"{case.birth_date:%Y-%m-%d}",
        f"{case.birth_date:%Y年%-m月%-d日}",
        case.citizen_id[6:14],
    ):
        assert hidden not in text, hidden


def test_the_board_never_shows_personal_fields(
    client: Client, tree: SimpleNamespace, running: Notice
) -> None:
    case = running.case
    text = client.get(board_url(tree)).content.decode()
    for hidden in (case.citizen_id, case.phone, case.address, case.citizen_id[6:14]):
        assert hidden not in text


def test_an_unpublished_notice_is_not_reachable(client: Client, tree: SimpleNamespace) -> None:
    case = DevelopmentCaseFactory(
        name="未发布", branch=tree.branch_a, residence_community=tree.community_a
    )
    draft = Notice.objects.create(
        case=case, community=tree.community_a, starts_on=timezone.localdate()
    )
    assert client.get(reverse("public:notice", args=[draft.pk])).status_code == 404
    assert "未发布" not in client.get(board_url(tree)).content.decode()


def test_an_ended_notice_comes_down_by_itself(
    client: Client, tree: SimpleNamespace, running: Notice
) -> None:
    Notice.objects.filter(pk=running.pk).update(ends_on=timezone.localdate() - dt.timedelta(days=1))
    cache_clear_own()
    page = client.get(reverse("public:notice", args=[running.pk]))
    assert page.status_code == 410
    assert "林晓雨" not in page.content.decode()
    assert "林晓雨" not in client.get(board_url(tree)).content.decode()


def _period(notice: Notice) -> str:
    return f"公示期：{notice.starts_on:%Y年%-m月%-d日} 至 {notice.ends_on:%Y年%-m月%-d日}"


def test_a_resident_scanning_an_ended_notice_learns_it_has_ended_and_its_period(
    client: Client, tree: SimpleNamespace, running: Notice
) -> None:
    """Issue 22, point 3: the poster's code still works after the end (410 Gone, not 404):
    the page says it has ended and its period, and shows no one's details any more."""
    Notice.objects.filter(pk=running.pk).update(ends_on=timezone.localdate() - dt.timedelta(days=1))
    running.refresh_from_db()
    page = client.get(reverse("public:notice", args=[running.pk]))
    text = page.content.decode()
    assert page.status_code == 410
    assert "该公示已结束" in text
    assert _period(running) in text
    assert "甲社区党委" in text
    assert "public/public.css" in text  # the public site's layout
    for hidden in (running.name, running.assessment, running.case.citizen_id, "提交意见"):
        assert hidden not in text, hidden
    assert client.get(reverse("public:notice", args=[running.pk])).status_code == 410  # kept


def test_a_notice_withdrawn_after_its_end_still_reads_as_ended(
    client: Client, tree: SimpleNamespace, running: Notice
) -> None:
    """A deferral withdraws the case's past notices too; the resident saw the whole period."""
    Notice.objects.filter(pk=running.pk).update(
        ends_on=timezone.localdate() - dt.timedelta(days=1), withdrawn_at=timezone.now()
    )
    text = client.get(reverse("public:notice", args=[running.pk])).content.decode()
    assert "该公示已结束" in text
    assert "该公示已撤回" not in text


def test_a_notice_not_yet_begun_is_not_shown(
    client: Client, tree: SimpleNamespace, running: Notice
) -> None:
    Notice.objects.filter(pk=running.pk).update(
        starts_on=timezone.localdate() + dt.timedelta(days=1)
    )
    assert client.get(reverse("public:notice", args=[running.pk])).status_code == 404


def test_board_items_show_between_their_dates_and_only_when_published(
    client: Client, tree: SimpleNamespace
) -> None:
    today = timezone.localdate()
    BoardItemFactory(community=tree.community_a, title="正在公开")
    BoardItemFactory(community=tree.community_a, title="已过期", end_on=today - dt.timedelta(days=1),
                     publish_on=today - dt.timedelta(days=9))  # fmt: skip
    BoardItemFactory(
        community=tree.community_a, title="还没到", publish_on=today + dt.timedelta(days=1)
    )
    BoardItemFactory(community=tree.community_a, title="草稿", published=False)
    BoardItemFactory(community=tree.community_b, title="别的社区")
    text = client.get(board_url(tree)).content.decode()
    assert "正在公开" in text
    for hidden in ("已过期", "还没到", "草稿", "别的社区"):
        assert hidden not in text


def test_the_supervision_board_shows_registered_in_service_members(
    client: Client, tree: SimpleNamespace
) -> None:
    member = MemberFactory(name="在职甲", branch=tree.unit_a.party_organization, categories=["in_service"],
                           phone="13711112222", address="秘密地址1号")  # fmt: skip
    RegistrationFactory(member=member, community=tree.community_a, unit=tree.unit_a)
    PostClaimFactory(member=member, community=tree.community_a, commitment="每月参加一次楼院清扫",
                     status="approved")  # fmt: skip
    text = client.get(board_url(tree)).content.decode()
    assert "在职甲" in text
    assert "甲小学" in text
    assert "每月参加一次楼院清扫" in text
    for hidden in (member.citizen_id, member.phone, member.address):
        assert hidden not in text


def test_a_change_to_a_notice_shows_at_once(
    client: Client, tree: SimpleNamespace, running: Notice, django_capture_on_commit_callbacks: Any
) -> None:
    assert "林晓雨" in client.get(board_url(tree)).content.decode()
    running.name = "林晓雨改"
    with django_capture_on_commit_callbacks(execute=True):  # shown once it is committed
        running.save(update_fields=["name"])
    assert "林晓雨改" in client.get(board_url(tree)).content.decode()


def test_a_deferred_cases_notice_leaves_the_board_at_once(
    client: Client, tree: SimpleNamespace, running: Notice, django_capture_on_commit_callbacks: Any
) -> None:
    notice_url = reverse("public:notice", args=[running.pk])
    board = client.get(board_url(tree))
    assert "林晓雨" in board.content.decode()
    assert client.get(notice_url).status_code == 200  # both pages now kept
    assert "no-cache" in board["Cache-Control"]  # browsers and proxies ask again each time
    with django_capture_on_commit_callbacks(execute=True):
        services.development_case_defer(
            case=running.case, reason="经核实存在问题", on=timezone.localdate(), actor=None
        )
    again = client.get(board_url(tree), HTTP_IF_NONE_MATCH=board["ETag"])
    assert again.status_code == 200
    assert "林晓雨" not in again.content.decode()
    page = client.get(notice_url)
    assert page.status_code == 410
    assert "该公示已撤回" in page.content.decode()
    assert "经核实存在问题" not in page.content.decode()  # the reason stays in the record book


def test_a_withdrawn_notice_leaves_the_board_at_once(
    client: Client, tree: SimpleNamespace, running: Notice, django_capture_on_commit_callbacks: Any
) -> None:
    assert "林晓雨" in client.get(board_url(tree)).content.decode()
    assert "公示中 1" in client.get("/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        services.notice_withdraw(notice=running, reason="材料有误，更正后重新公示", actor=None)
    assert "林晓雨" not in client.get(board_url(tree)).content.decode()
    assert "公示中 1" not in client.get("/").content.decode()
    page = client.get(reverse("public:notice", args=[running.pk]))
    text = page.content.decode()
    assert page.status_code == 410
    assert f"本公示已于{timezone.localdate():%Y年%-m月%-d日}由党组织撤回" in text
    assert _period(running) in text
    assert "材料有误" not in text  # the reason is internal: the record book keeps it
    assert "林晓雨" not in text


def test_the_board_answers_a_conditional_request_with_304(
    client: Client, tree: SimpleNamespace, running: Notice
) -> None:
    first = client.get(board_url(tree))
    assert first["ETag"]
    again = client.get(board_url(tree), HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304


def test_an_unknown_community_is_404(client: Client, tree: SimpleNamespace) -> None:
    assert client.get(reverse("public:board", args=["NOPE"])).status_code == 404
    assert client.get(reverse("public:board", args=[tree.branch_a.code])).status_code == 404


@pytest.mark.parametrize("rows", [10, 500])
def test_the_board_runs_a_constant_number_of_queries(
    client: Client, tree: SimpleNamespace, rows: int, django_assert_max_num_queries: Any
) -> None:
    case = DevelopmentCaseFactory(branch=tree.branch_a, residence_community=tree.community_a)
    today = timezone.localdate()
    Notice.objects.bulk_create(
        Notice(case=case, community=tree.community_a, starts_on=today, ends_on=today,
               published_at=timezone.now(), name=f"候选{i}")
        for i in range(rows)
    )  # fmt: skip
    BoardItemFactory.create_batch(rows // 10, community=tree.community_a)
    with django_assert_max_num_queries(12):
        page = client.get(board_url(tree))
    assert page.status_code == 200
    assert f"候选{rows - 1}同志" in page.content.decode()


@pytest.mark.parametrize("rows", [10, 500])
def test_the_home_runs_a_constant_number_of_queries(
    client: Client, tree: SimpleNamespace, rows: int, django_assert_max_num_queries: Any
) -> None:
    from tests.organizations.factories import OrganizationFactory

    for i in range(rows // 10):
        OrganizationFactory(kind="community_committee", parent=tree.sub_district, code=f"SD-X{i}")
    with django_assert_max_num_queries(10):
        assert client.get("/").status_code == 200


# --- the opinion form -------------------------------------------------------------------------
def _form(client: Client, notice: Notice) -> tuple[str, str]:
    """This visitor's captcha, from the form the shared page fetches (static/public/opinion.js)."""
    text = client.get(reverse("public:notice_form", args=[notice.pk])).content.decode()
    a, b = map(int, re.search(r"验证题：(\d) 加 (\d) 等于几", text).groups())
    token = re.search(r'name="captcha_token" value="([^"]+)"', text).group(1)
    return token, str(a + b)


def _send(client: Client, notice: Notice, token: str, answer: str, **extra: str) -> Any:
    data = {"text": "该同志在小区里乱停车，请核实。", "captcha_token": token, "captcha_answer": answer,
            "sender_name": "张大爷", "sender_phone": "13800001234", "website": "", **extra}  # fmt: skip
    return client.post(reverse("public:notice", args=[notice.pk]), data)


def test_a_resident_sends_an_opinion_into_the_record_book(client: Client, running: Notice) -> None:
    token, answer = _form(client, running)
    response = _send(client, running, token, answer)
    assert response.status_code == 302
    opinion = Opinion.objects.get(notice=running)
    assert opinion.source == Opinion.Source.WEB
    assert opinion.sender_name == "张大爷"
    assert opinion.status == "open"
    assert "您的意见已收到" in client.get(response["Location"]).content.decode()


def test_the_notice_page_is_the_same_for_every_visitor_and_holds_none_of_theirs(
    running: Notice,
) -> None:
    """The page is kept and shared (a proxy may keep it too): no CSRF token, no captcha, no
    cookie, nothing that varies by the visitor."""
    url = reverse("public:notice", args=[running.pk])
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    page = first.get(url)
    again = first.get(url)
    other = second.get(url, HTTP_COOKIE="csrftoken=abcdefghijklmnopqrstuvwxyz123456")
    assert page.content == again.content == other.content
    text = page.content.decode()
    for per_visitor in ("csrfmiddlewaretoken", "captcha_token", "验证题", "<form"):
        assert per_visitor not in text, per_visitor
    for response in (page, other):
        assert "Set-Cookie" not in response, response.cookies
        assert "Cookie" not in response.get("Vary", "")
        assert response["Cache-Control"] == "public, no-cache"
    assert 'data-opinion-form="' + reverse("public:notice_form", args=[running.pk]) in text
    assert 'src="/static/public/opinion.js"' in text


def test_the_notice_page_answers_a_conditional_request_with_304(running: Notice) -> None:
    url = reverse("public:notice", args=[running.pk])
    first = Client().get(url)
    assert first["ETag"]
    assert Client().get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304


def test_each_visitor_fetches_a_fresh_captcha_and_a_working_csrf_token(running: Notice) -> None:
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    form_url = reverse("public:notice_form", args=[running.pk])
    response = first.get(form_url)
    assert response["Cache-Control"] == "no-store"  # never kept: it is this visitor's
    assert "csrftoken" in response.cookies
    text = response.content.decode()
    assert "zqslot" not in text  # the kept form is filled in for this visitor
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', text).group(1)  # type: ignore[union-attr]
    assert csrf != re.search(
        r'name="csrfmiddlewaretoken" value="([^"]+)"', second.get(form_url).content.decode()
    ).group(1)  # type: ignore[union-attr]
    token, answer = _form(first, running)
    other_token, _ = _form(second, running)
    assert len({token, other_token}) == 2  # a fresh question for each fetch
    assert _send(first, running, token, answer, csrfmiddlewaretoken=csrf).status_code == 302
    assert _send(second, running, other_token, "0").status_code == 403  # no token: refused
    assert Opinion.objects.count() == 1


def test_without_script_the_link_opens_the_page_with_the_form(
    client: Client, running: Notice
) -> None:
    page = client.get(reverse("public:notice", args=[running.pk]))
    link = re.search(r'<a class="button" href="([^"]+)" data-opinion-form', page.content.decode())
    assert link
    response = client.get(link.group(1).split("#")[0])
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    text = response.content.decode()
    assert "林晓雨同志拟发展为预备党员的公示" in text
    token = re.search(r'name="captcha_token" value="([^"]+)"', text).group(1)  # type: ignore[union-attr]
    a, b = map(int, re.search(r"验证题：(\d) 加 (\d)", text).groups())  # type: ignore[union-attr]
    assert _send(client, running, token, str(a + b)).status_code == 302


def test_the_form_of_a_withdrawn_notice_is_gone_at_once(
    client: Client, running: Notice, django_capture_on_commit_callbacks: Any
) -> None:
    """The form asks the kept page whether the notice runs: a withdrawal moves the version, so
    neither the page nor its form is served from what was kept."""
    url = reverse("public:notice", args=[running.pk])
    form_url = reverse("public:notice_form", args=[running.pk])
    kept = client.get(url)
    assert client.get(form_url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        services.notice_withdraw(notice=running, reason="材料有误", actor=None)
    assert client.get(url, HTTP_IF_NONE_MATCH=kept["ETag"]).status_code == 410
    gone = client.get(form_url)
    assert gone.status_code == 410
    assert "captcha_token" not in gone.content.decode()
    assert client.get(reverse("public:notice_form", args=[999999])).status_code == 404


def test_a_kept_notice_page_and_its_form_run_no_query(
    client: Client, running: Notice, django_assert_max_num_queries: Any
) -> None:
    url = reverse("public:notice", args=[running.pk])
    client.get(url)
    with django_assert_max_num_queries(0):
        assert client.get(url).status_code == 200
        assert client.get(reverse("public:notice_form", args=[running.pk])).status_code == 200


def test_a_wrong_captcha_answer_is_refused(client: Client, running: Notice) -> None:
    token, answer = _form(client, running)
    response = _send(client, running, token, str(int(answer) + 1))
    assert response.status_code == 400
    assert "验证题答案不对" in response.content.decode()
    assert not Opinion.objects.exists()


def test_a_captcha_is_accepted_once(client: Client, running: Notice) -> None:
    token, answer = _form(client, running)
    assert _send(client, running, token, answer).status_code == 302
    again = _send(client, running, token, answer)
    assert "已经使用过" in again.content.decode()
    assert Opinion.objects.count() == 1


def test_a_forged_captcha_is_refused(client: Client, running: Notice) -> None:
    assert "验证题无效" in _send(client, running, "forged", "3").content.decode()


def test_a_robot_filling_the_hidden_field_is_refused(client: Client, running: Notice) -> None:
    token, answer = _form(client, running)
    assert _send(client, running, token, answer, website="http://spam").status_code == 400
    assert not Opinion.objects.exists()


def test_the_rate_limit_stops_a_flood(client: Client, running: Notice, settings: Any) -> None:
    settings.PUBLICITY_OPINION_RATE = 2
    for _ in range(2):
        token, answer = _form(client, running)
        assert _send(client, running, token, answer).status_code == 302
    token, answer = _form(client, running)
    response = _send(client, running, token, answer)
    assert response.status_code == 429
    assert "太频繁" in response.content.decode()
    assert Opinion.objects.count() == 2


def test_no_opinion_on_an_ended_notice(client: Client, running: Notice) -> None:
    token, answer = _form(client, running)
    Notice.objects.filter(pk=running.pk).update(ends_on=timezone.localdate() - dt.timedelta(days=1))
    response = _send(client, running, token, answer)
    assert response.status_code == 410
    assert "该公示已结束" in response.content.decode()
    assert not Opinion.objects.exists()


def test_the_challenge_is_signed_not_stored() -> None:
    first, second = challenge_new(), challenge_new()
    assert first.token != second.token
    assert "加" in first.question


def test_the_board_shows_the_dues_summary_when_finance_publishes_one(
    client: Client, tree: SimpleNamespace, monkeypatch: Any
) -> None:
    from decimal import Decimal

    from publicity import selectors

    row = SimpleNamespace(
        branch="甲社区第一党支部", period="2026年第三季度", published_on=dt.date(2026, 10, 8),
        lines=(("张三", Decimal("12.50")),), total=Decimal("12.50"),
    )  # fmt: skip
    monkeypatch.setattr(selectors, "_dues_publication_source", lambda: lambda pk: [row])
    text = client.get(board_url(tree)).content.decode()
    assert "党费收缴公示" in text
    assert "2026年第三季度" in text
    assert "12.50" in text


def test_the_board_has_no_dues_section_without_finance(
    client: Client, tree: SimpleNamespace, monkeypatch: Any
) -> None:
    from publicity import selectors

    monkeypatch.setattr(selectors, "_dues_publication_source", lambda: None)
    assert "党费收缴公示" not in client.get(board_url(tree)).content.decode()


def test_the_rate_limit_counts_each_resident_behind_the_proxy(
    client: Client, running: Notice, settings: Any
) -> None:
    settings.PUBLICITY_OPINION_RATE = 1
    settings.TRUSTED_PROXY_COUNT = 1
    for resident in ("203.0.113.7", "203.0.113.8"):
        token, answer = _form(client, running)
        response = client.post(
            reverse("public:notice", args=[running.pk]),
            {"text": "请核实该同志的情况。", "captcha_token": token, "captcha_answer": answer},
            HTTP_X_FORWARDED_FOR=resident,
        )
        assert response.status_code == 302
    assert Opinion.objects.count() == 2


# --- the opinion form through django-crispy-forms (issue 21, item 7) -----------------------------
def _field_block(page: str, name: str) -> str:
    """The markup crispy writes for one field: its wrapper `div_id_<name>` up to the next one."""
    start = page.index(f'id="div_id_{name}"')
    following = page.find('id="div_id_', start + 1)
    return page[start : following if following > 0 else page.index("</form>", start)]


def test_the_opinion_form_is_rendered_by_crispy(client: Client, running: Notice) -> None:
    page = client.get(reverse("public:notice", args=[running.pk]) + "?form=1").content.decode()
    text = _field_block(page, "text")
    assert 'class="form-label requiredField"' in text
    assert '<span class="asteriskField">*</span>' in text
    assert re.search(r'<textarea[^>]*class="textarea form-control"', text)
    assert 'class="form-label"' in _field_block(page, "sender_name")  # optional: no asterisk
    answer = _field_block(page, "captcha_answer")
    assert re.search(r"验证题：\d 加 \d 等于几？", answer)
    assert 'inputmode="numeric"' in answer
    assert 'maxlength="4"' in answer
    assert 'href="/static/css/forms.css"' in page
    assert 'id="div_id_captcha_token"' not in page  # written once, with this visitor's challenge
    assert page.count('name="captcha_token"') == 1


def test_a_refused_opinion_shows_each_error_in_chinese_under_its_field(
    client: Client, running: Notice
) -> None:
    token, answer = _form(client, running)
    response = _send(client, running, token, answer, text="太短", sender_phone="call me")
    assert response.status_code == 400
    page = response.content.decode()
    text = _field_block(page, "text")
    assert re.search(r'<textarea[^>]*class="textarea form-control is-invalid"', text)
    assert re.search(
        r'class="invalid-feedback">\s*<span id="error_1_id_text"><strong>意见请至少写5个字', text
    )
    phone = _field_block(page, "sender_phone")
    assert "<strong>联系电话格式不对</strong>" in phone
    assert "invalid-feedback" not in _field_block(page, "sender_name")
    assert not Opinion.objects.exists()


def test_a_refused_opinion_asks_a_new_question_with_an_empty_answer(
    client: Client, running: Notice
) -> None:
    token, answer = _form(client, running)
    page = _send(client, running, token, answer, text="").content.decode()
    new_token = re.search(r'name="captcha_token" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    assert new_token != token
    assert "<strong>请填写您的意见</strong>" in _field_block(page, "text")
    answer_input = re.search(r"<input[^>]*id=\"id_captcha_answer\"[^>]*>", page).group(0)  # type: ignore[union-attr]
    assert "value=" not in answer_input
    a, b = map(int, re.search(r"验证题：(\d) 加 (\d)", page).groups())  # type: ignore[union-attr]
    again = _send(client, running, new_token, str(a + b))
    assert again.status_code == 302
    assert Opinion.objects.count() == 1


def test_a_robots_opinion_is_refused_above_the_fields(client: Client, running: Notice) -> None:
    token, answer = _form(client, running)
    page = _send(client, running, token, answer, website="http://spam").content.decode()
    assert re.search(
        r'class="alert alert-block alert-danger">\s*<ul class="m-0">\s*<li>提交失败', page
    )
