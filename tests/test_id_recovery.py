"""A full citizen ID recovered without the personal-data permission (issue "Trust, round 3", 1).

The probe: the masked ID keeps the region prefix and the last four characters; the birth date
field gave the eight digits in the middle, leaving two region digits and a check digit to guess
(about ten candidates), and the add form's "already exists" answer confirmed the right one,
unlogged and unlimited. Now a user without the permission sees an age, never the birth date, and
every "already exists" answer is logged and limited per day.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.contrib.admin.sites import site
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from kit.masking import mask_birth_date, mask_citizen_id
from members.models import Member, PersonalDataAccess
from members.rules import citizen_id_check_character
from publicity.models import DevelopmentCase
from tests.members.factories import MemberFactory, RegistrationFactory
from tests.publicity.factories import DevelopmentCaseFactory

BIRTH = dt.date(1979, 11, 23)
BIRTH_SHOWN = ("1979-11-23", "1979年11月23日", "1979/11/23", "19791123", "1979年11月")


@pytest.fixture
def member_a(tree: Any) -> Member:
    return MemberFactory(name="甲党员", branch=tree.branch_a, birth_date=BIRTH)


def _age() -> str:
    today = timezone.localdate()
    return f"{today.year - BIRTH.year - ((today.month, today.day) < (11, 23))}岁"


def _assert_no_birth_date(page: str) -> None:
    for shown in BIRTH_SHOWN:
        assert shown not in page, shown


# --- the mask and the age ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("citizen_id", "birth"),
    [("33010219791123123X", slice(6, 14)), ("330102791123123", slice(6, 12))],
)
def test_masked_citizen_id_keeps_no_digit_of_the_birth_date(citizen_id: str, birth: slice) -> None:
    masked = mask_citizen_id(citizen_id)
    assert len(masked) == len(citizen_id)
    assert set(masked[birth]) == {"*"}
    assert masked[:4] == citizen_id[:4]


def test_masked_birth_date_is_the_age_on_the_day() -> None:
    assert mask_birth_date("1979-11-23", today=dt.date(2026, 11, 22)) == "46岁"
    assert mask_birth_date(BIRTH, today=dt.date(2026, 11, 23)) == "47岁"
    assert mask_birth_date("", today=dt.date(2026, 11, 23)) == ""


# --- no birth date without the permission --------------------------------------------------------
def test_member_list_and_page_show_age_not_birth_date_without_permission(
    client: Any, member_a: Member, branch_officer_a: Any
) -> None:
    client.force_login(branch_officer_a)
    change = reverse("admin:members_member_change", args=[member_a.pk])
    for url in (reverse("admin:members_member_changelist"), change):
        _assert_no_birth_date(client.get(url).content.decode())
    assert _age() in client.get(change).content.decode()


def test_member_history_version_hides_birth_date_without_permission(
    client: Any, member_a: Member, branch_officer_a: Any
) -> None:
    client.force_login(branch_officer_a)
    version = member_a.history.latest().history_id
    url = reverse("admin:members_member_simple_history", args=[member_a.pk, version])
    response = client.get(url)
    assert response.status_code == 200
    _assert_no_birth_date(response.content.decode())


def test_permitted_user_still_sees_the_birth_date(
    client: Any, member_a: Member, secretary_a: Any
) -> None:
    client.force_login(secretary_a)
    page = client.get(reverse("admin:members_member_change", args=[member_a.pk])).content.decode()
    assert "1979/11/23" in page


def test_development_case_page_hides_birth_date_without_permission(
    client: Any, tree: Any, branch_officer_a: Any
) -> None:
    case = DevelopmentCaseFactory(branch=tree.branch_a, birth_date=BIRTH)
    client.force_login(branch_officer_a)
    change = reverse("admin:publicity_developmentcase_change", args=[case.pk])
    response = client.get(change)
    assert response.status_code == 200
    _assert_no_birth_date(response.content.decode())
    assert _age() in response.content.decode()


def test_printed_registration_card_shows_age_without_permission(
    tree: Any, reviewer_b: Any, superuser: Any
) -> None:
    from tests.printing import make

    member = MemberFactory(branch=tree.unit_b.party_organization, birth_date=BIRTH)
    registration = RegistrationFactory(member=member, community=tree.community_a, unit=tree.unit_b)
    cards = type(registration).objects.filter(pk=registration.pk)

    def text(reader: Any) -> str:
        pdf = PdfReader(io.BytesIO(make("registration_cards", reader=reader, registrations=cards)))
        return "".join(page.extract_text() for page in pdf.pages)

    masked = text(reviewer_b)  # without the personal-data permission
    assert "1979年11月23日" not in masked
    assert _age() in masked
    assert "1979年11月23日" in text(superuser)


# --- "already exists" is logged and limited ------------------------------------------------------
def _add_member(client: Any, tree: Any, citizen_id: str, birth: dt.date) -> Any:
    return client.post(
        reverse("admin:members_member_add"),
        {
            "name": "试探",
            "ethnicity": "汉族",
            "birth_date": birth.isoformat(),
            "citizen_id": citizen_id,
            "status": "full",
            "joined_on": "2010-07-01",
            "full_member_on": "2011-07-01",
            "branch": tree.branch_a.pk,
        },
    )


def _candidates(citizen_id: str) -> list[str]:
    """What the probe tried: the two hidden region digits, the check digit computed."""
    out = []
    for region in range(100):
        first17 = f"{citizen_id[:4]}{region:02d}{citizen_id[6:17]}"
        out.append(first17 + citizen_id_check_character(first17))
    return out


def test_duplicate_id_answer_is_logged(
    client: Any, tree: Any, member_a: Member, branch_officer_a: Any
) -> None:
    client.force_login(branch_officer_a)
    response = _add_member(client, tree, member_a.citizen_id, BIRTH)
    assert "已有党员档案" in response.content.decode()
    log = PersonalDataAccess.objects.get(
        user=branch_officer_a, action=PersonalDataAccess.Action.PROBE
    )
    assert member_a.citizen_id not in log.detail
    assert mask_citizen_id(member_a.citizen_id) in log.detail


def test_duplicate_id_answers_past_the_daily_limit_are_refused_and_reported(
    client: Any, tree: Any, member_a: Member, branch_officer_a: Any, sub_district_officer: Any,
    settings: Any,
) -> None:  # fmt: skip
    settings.CITIZEN_ID_PROBE_DAILY_LIMIT = 3
    client.force_login(branch_officer_a)
    others = [MemberFactory(branch=tree.branch_b) for _ in range(3)]
    for other in others:  # three answers: the day's limit
        assert (
            "已有党员档案"
            in _add_member(client, tree, other.citizen_id, other.birth_date).content.decode()
        )
    answers = []
    for candidate in _candidates(member_a.citizen_id)[:10]:
        response = _add_member(client, tree, candidate, BIRTH)
        answers.append(response.content.decode())
    assert all("已有党员档案" not in page for page in answers)  # never says which one is right
    assert all("已达上限" in page for page in answers)
    assert Member.objects.filter(name="试探").count() == 0  # nothing saved either
    refused = PersonalDataAccess.objects.filter(
        user=branch_officer_a, action=PersonalDataAccess.Action.PROBE_REFUSED
    )
    assert refused.count() == 10

    client.force_login(sub_district_officer)
    workbench = client.get(reverse("admin:index")).content.decode()
    assert "证件号查重超限被拒" in workbench
    log = client.get(
        reverse("admin:members_personaldataaccess_changelist"),
        {"action__exact": PersonalDataAccess.Action.PROBE_REFUSED},
    )
    assert len(log.context["cl"].result_list) == 10


def test_the_limit_is_per_day(
    tree: Any, member_a: Member, branch_officer_a: Any, settings: Any
) -> None:
    from members.services.probe import citizen_id_probe_refusal

    settings.CITIZEN_ID_PROBE_DAILY_LIMIT = 1
    log = PersonalDataAccess.objects.create(
        user=branch_officer_a, action=PersonalDataAccess.Action.PROBE
    )
    assert citizen_id_probe_refusal(actor=branch_officer_a, what="测试")
    PersonalDataAccess.objects.filter(pk=log.pk).update(
        at=timezone.now() - dt.timedelta(days=1, hours=1)
    )
    assert citizen_id_probe_refusal(actor=branch_officer_a, what="测试") is None


def test_development_case_form_logs_and_limits_duplicate_ids(
    tree: Any, branch_officer_a: Any, settings: Any
) -> None:
    settings.CITIZEN_ID_PROBE_DAILY_LIMIT = 1
    existing = DevelopmentCaseFactory(branch=tree.branch_b)
    request = RequestFactory().post("/")
    request.user = branch_officer_a
    form_class = site._registry[DevelopmentCase].get_form(request, None, change=False)

    def submit() -> Any:
        data = {
            "name": "试探", "gender": existing.gender, "ethnicity": "汉族",
            "birth_date": existing.birth_date.isoformat(), "citizen_id": existing.citizen_id,
            "education": "bachelor", "branch": tree.branch_a.pk, "assessment": "好",
        }  # fmt: skip
        form = form_class(data)
        assert not form.is_valid()
        return form.errors["citizen_id"][0]

    first = submit()
    assert "已达上限" not in first  # the first answer is given (DevelopmentCase's own message)
    assert (
        PersonalDataAccess.objects.filter(
            user=branch_officer_a, action=PersonalDataAccess.Action.PROBE
        ).count()
        == 1
    )
    assert "已达上限" in submit()
