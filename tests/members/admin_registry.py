"""The members app's rows of the registry-driven admin tests (tests/registries.py)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

from members.models import EventSignup
from members.rules import FloatingDirection
from tests.members import factories as mf
from tests.members import factories_work as wf
from tests.organizations import factories as of
from tests.registries import LOGIN, NO, OK

ACCESS: dict[str, tuple[str, ...]] = {
    #                                    superuser sub_district secretary branch  unit  member  district
    "members.activityrecord":             ("vacd", "vacd", "vacd", "vacd", "v", "", "v"),
    "members.assessment":                 ("vacd", "vac", "vac", "vac", "",   "", "v"),
    "members.communityevent":             ("vacd", "vacd", "vacd", "vacd", "", "", "v"),
    "members.dutypost":                   ("vacd", "vacd", "vacd", "vacd", "", "", "v"),
    "members.dutyreview":                 ("vacd", "vacd", "vacd", "vacd", "", "", "v"),
    "members.household":                  ("vacd", "vacd", "vacd", "vacd", "", "", "v"),
    "members.memberdeed":                 ("vacd", "vacd", "vacd", "vacd", "v", "", "v"),
    "members.unitdeed":                   ("vacd", "vacd", "vacd", "vacd", "", "", "v"),
    "members.unitpledge":                 ("vacd", "vacd", "vacd", "vacd", "", "", "v"),
    "members.visit":                      ("vacd", "vacd", "vacd", "vacd", "", "", "v"),
    # 两会一化: the community's (a branch officer sees none of it; nobody else may).
    "members.delegateconference":         ("vacd", "vacd", "vacd", "va",   "", "", "v"),
    "members.delegateelection":           ("vacd", "vacd", "vacd", "va",   "", "", "v"),
    # The delegates: their departure recorded here; added and removed on the election's page.
    "members.delegatenominee":            ("vc",   "vc",   "vc",   "v",    "", "", "v"),
    "members.floatingrecord":             ("vacd", "vac", "vac", "vac", "",   "", "v"),
    "members.lapsedecision":              ("vacd", "vac", "vac", "vac", "",   "", "v"),
    "members.member":                     ("vacd", "vac", "vac", "vac", "v",  "", "v"),
    "members.membershiptransfer":         ("vacd", "vac", "vac", "vac", "",   "", "v"),
    "members.personaldataaccess":         ("v",    "v",   "v",   "",    "",   "", "v"),
    "members.postclaim":                  ("vacd", "vac", "vac", "vac", "v",  "", "v"),
    "members.postkind":                   ("vacd", "vacd", "vacd", "vacd", "", "", "v"),
    "members.regionalbranch":             ("vacd", "vac",  "vac",  "va",   "", "", "v"),
    "members.registration":               ("vacd", "vac", "vac", "vac", "v",  "", "v"),
    "members.registrationcampaign":       ("vacd", "vac", "vac", "vac", "",   "", "v"),
    "members.review":                     ("vacd", "vac", "vac", "vac", "",   "", "v"),
    "members.reviewhandling":             ("vacd", "vac", "vac", "vac", "",   "", "v"),
    "members.standingsuspension":         ("vacd", "vac", "vac", "vac", "",   "", "v"),
    "members.temporarygroup":             ("vacd", "vacd", "vacd", "vacd", "", "", "v"),
    "members.temporarygroupreport":       ("vacd", "vacd", "vacd", "vacd", "", "", "v"),
    "members.showcaseapplication":        ("vacd", "vac", "vac", "",    "",   "", "v"),
    "members.showcaseround":              ("vacd", "vac", "v",   "",    "",   "", "v"),
}  # fmt: skip


def _member(t: SimpleNamespace, i: int, **kwargs: Any) -> Any:
    return mf.MemberFactory(branch=t.branch_a, residence_community=t.community_a, **kwargs)


def _in_service(t: SimpleNamespace, i: int) -> Any:
    return _member(t, i, categories=["in_service"], work_unit="甲小学")


def _access(t: SimpleNamespace, i: int) -> Any:
    from members.models import PersonalDataAccess

    return PersonalDataAccess.objects.create(user=t.secretary, member=_member(t, i), action="view")


def _conference(t: SimpleNamespace, i: int) -> Any:
    start = dt.date(2000 + 5 * i, 7, 1)
    return mf.DelegateConferenceFactory(
        community=t.community_a,
        term_starts_on=start,
        term_ends_on=start.replace(year=start.year + 5),
    )


def _election(t: SimpleNamespace, i: int) -> Any:
    conference = _conference(t, i)
    election = mf.DelegateElectionFactory(conference=conference, held_on=conference.term_starts_on)
    mf.DelegateNomineeFactory(election=election, member=_member(t, i))


def _regional_branch(t: SimpleNamespace, i: int) -> Any:
    conference = _conference(t, i)
    branch = mf.RegionalBranchFactory(
        conference=conference,
        elected_on=conference.term_starts_on,
        term_ends_on=conference.term_ends_on,
    )
    mf.RegionalBranchMemberFactory(regional_branch=branch, member=_member(t, i))


MAKERS: dict[str, Any] = {
    "members.activityrecord": lambda t, i: mf.ActivityRecordFactory(
        member=_in_service(t, i), community=t.community_a
    ),
    "members.assessment": lambda t, i: mf.AssessmentDeductionFactory(
        assessment=mf.AssessmentFactory(member=_member(t, i))
    ),
    "members.communityevent": lambda t, i: mf.CommunityEventFactory(community=t.community_a),
    "members.delegateconference": _conference,
    "members.delegateelection": _election,
    "members.delegatenominee": _election,
    "members.regionalbranch": _regional_branch,
    "members.floatingrecord": lambda t, i: mf.FloatingLifeEntryFactory(
        floating_record=mf.FloatingRecordFactory(member=_member(t, i))
    ),
    "members.lapsedecision": lambda t, i: mf.LapseDecisionFactory(member=_member(t, i)),
    "members.member": lambda t, i: _member(t, i, categories=["retired", "floating"]),
    "members.membershiptransfer": lambda t, i: mf.MembershipTransferFactory(member=_member(t, i)),
    "members.personaldataaccess": _access,
    "members.postclaim": lambda t, i: mf.PostClaimFactory(
        member=_in_service(t, i), community=t.community_a
    ),
    "members.postkind": lambda t, i: mf.PostKindFactory(community=t.community_a),
    "members.registration": lambda t, i: mf.RegistrationFactory(
        member=_in_service(t, i), community=t.community_a, unit=t.unit_a
    ),
    "members.registrationcampaign": lambda t, i: mf.RegistrationCampaignFactory(
        community=t.community_a
    ),
    "members.review": lambda t, i: mf.ReviewFactory(member=_member(t, i)),
    "members.reviewhandling": lambda t, i: mf.ReviewHandlingFactory(review__member=_member(t, i)),
    "members.standingsuspension": lambda t, i: mf.StandingSuspensionFactory(member=_member(t, i)),
    "members.temporarygroup": lambda t, i: mf.TemporaryGroupFactory(branch=t.branch_a),
    "members.temporarygroupreport": lambda t, i: _report(t.branch_a),
    "members.dutypost": lambda t, i: wf.DutyPostFactory(member=_member(t, i)),
    "members.dutyreview": lambda t, i: wf.DutyReviewFactory(post__member=_member(t, i)),
    "members.household": lambda t, i: wf.HouseholdFactory(member=_member(t, i)),
    "members.visit": lambda t, i: wf.VisitFactory(household__member=_member(t, i)),
    "members.unitpledge": lambda t, i: wf.UnitPledgeFactory(
        community=t.community_a, unit=_unit(t, i)
    ),
    "members.unitdeed": lambda t, i: wf.UnitDeedFactory(community=t.community_a, unit=t.unit_a),
    "members.memberdeed": lambda t, i: wf.MemberDeedFactory(
        member=_in_service(t, i), community=t.community_a
    ),
    "members.showcaseapplication": lambda t, i: mf.showcase_application(
        of.CompoundFactory(community=t.community_a), _round(t.sub_district)
    ),
    "members.showcaseround": lambda t, i: mf.ShowcaseRoundFactory(
        sub_district=t.sub_district, year=2030 + i
    ),
}


def _report(branch: Any) -> Any:
    """A report home naming one of its group's members at the group's organizational life."""
    group = mf.TemporaryGroupFactory(branch=branch)
    report = mf.TemporaryGroupReportFactory(group=group, life_held_on=dt.date(2026, 2, 20))
    report.attendees.set([group.leader])
    return report


def _unit(t: SimpleNamespace, i: int) -> Any:
    from tests.organizations.factories import UnitFactory

    return UnitFactory(community=t.community_a, name=f"共建单位{i}")


def _round(sub_district: Any) -> Any:
    from members.models import ShowcaseRound

    found = ShowcaseRound.objects.filter(sub_district=sub_district, year=2025).first()
    return found or mf.ShowcaseRoundFactory(sub_district=sub_district, year=2025)


def objects_the_demo_lacks() -> None:
    """Score sheets, 自行脱党 decisions and access-log rows for members of several organizations."""
    from django.contrib.auth import get_user_model

    from members.models import Assessment, LapseDecision, Member, PersonalDataAccess

    user = get_user_model().objects.get(username="chunhui")
    _chunhui_application()
    for member in Member.objects.order_by("pk")[:40]:
        Assessment.objects.create(member=member, year=2025)
        LapseDecision.objects.create(
            member=member, condition="dues", decided_on=member.joined_on, decision="correct"
        )
        PersonalDataAccess.objects.create(user=user, member=member, action="view")


def _chunhui_application() -> None:
    """The demo's round has applicants of 和平 and 锦绣; chunhui's own community applies too."""
    from members.models import ShowcaseRound
    from organizations.models import Compound

    compound = Compound.objects.filter(community__code="CN-CH").order_by("pk").first()
    showcase_round = ShowcaseRound.objects.order_by("pk").first()
    if compound is not None and showcase_round is not None:
        mf.showcase_application(
            compound, showcase_round, applied_on=showcase_round.application_deadline
        )


def scope_rows(tree: Any, people: Any, users: Any) -> None:
    """tests/test_scope_consistency.py's hook: the 双联双管 rows of both communities, and the
    records about people in branches A and B and in the units."""
    _community_records(tree, people)
    _people_records(people)
    _work_records(tree, people)
    _congress_records(tree, people)
    inflow = {"direction": FloatingDirection.INFLOW, "certificate_checked": True}
    mf.FloatingRecordFactory(member=people.b, placed_in=tree.branch_a, **inflow)
    mf.FloatingRecordFactory(member=people.a, placed_in=tree.branch_b, **inflow)
    showcase_round = _round(tree.sub_district)
    for community in (tree.community_a, tree.community_b):
        mf.showcase_application(of.CompoundFactory(community=community), showcase_round)
    other = of.OrganizationFactory(kind="sub_district", code="SD-OTHER", name="另一街道党工委")
    mf.ShowcaseRoundFactory(sub_district=other)  # read by neither community


def _community_records(tree: Any, people: Any) -> None:
    for community in (tree.community_a, tree.community_b):
        mf.RegistrationCampaignFactory(community=community)
    for member, community, unit in (
        (people.unit_a, tree.community_a, tree.unit_a),
        (people.unit_b_in_a, tree.community_a, tree.unit_b),
        (people.unit_b_in_b, tree.community_b, tree.unit_b),
    ):
        mf.RegistrationFactory(member=member, community=community, unit=unit)
        mf.ActivityRecordFactory(member=member, community=community)
    mf.PostClaimFactory(member=people.unit_b_in_a, community=tree.community_a)
    mf.PostClaimFactory(member=people.unit_b_in_b, community=tree.community_b)
    mf.PostKindFactory(community=tree.community_b, name="乙社区增设岗位")
    for community, member in ((tree.community_a, people.a), (tree.community_b, people.b)):
        event = mf.CommunityEventFactory(community=community)
        EventSignup.objects.create(event=event, member=member)


RESTORED = {
    "returned_on": dt.date(2025, 10, 1),
    "restore_applied_on": dt.date(2025, 10, 5),
    "restored_on": dt.date(2025, 10, 20),
    "restore_approved_by": "某县委组织部",
}


def _work_records(tree: Any, people: Any) -> None:
    for community, unit in ((tree.community_a, tree.unit_a), (tree.community_b, tree.unit_b)):
        wf.UnitPledgeFactory(community=community, unit=unit)
        wf.UnitDeedFactory(community=community, unit=unit)
    for member, community in (
        (people.unit_a, tree.community_a),
        (people.unit_b_in_a, tree.community_a),
        (people.unit_b_in_b, tree.community_b),
    ):
        wf.MemberDeedFactory(member=member, community=community)
    for member in (people.a, people.b):
        wf.DutyReviewFactory(post__member=member)
        wf.VisitFactory(household__member=member, member=member)


def _congress_records(tree: Any, people: Any) -> None:
    """两会一化 of both communities: a conference, an election with its nominee, a 区域化党总支
    with a member."""
    for community, member in ((tree.community_a, people.a), (tree.community_b, people.b)):
        conference = mf.DelegateConferenceFactory(community=community)
        mf.DelegateNomineeFactory(election__conference=conference, member=member)
        mf.RegionalBranchMemberFactory(
            regional_branch__conference=conference, member=member, name=member.name
        )


def _people_records(people: Any) -> None:
    for member in (people.a, people.b, people.unit_a, people.unit_b_in_a):
        mf.ReviewFactory(member=member)
        mf.MembershipTransferFactory(member=member)
        mf.AssessmentDeductionFactory(assessment__member=member)
        mf.FloatingLifeEntryFactory(floating_record=mf.FloatingRecordFactory(member=member))
        mf.LapseDecisionFactory(member=member)
        mf.StandingSuspensionFactory(member=member, **RESTORED)  # votes and reviews as before
        mf.ReviewHandlingFactory(review__member=member, review__year=2024)
    for member in (people.a, people.b):
        _report(member.branch)


# tests/test_view_and_document_access.py: this app's custom admin URLs, printables (through
# the one print view) and documents (queued for the worker), role by role.
CUSTOM_URLS: dict[str, tuple[str, ...]] = {
    #                                          superuser sub_district secretary branch unit member  district
    # Importing members needs their personal data or the roster's own permission (a branch
    # officer exchanges its own branch's roster, issue 22.14); a unit reviewer has neither.
    "members_member_import_template":         (OK, OK, OK, OK, NO, LOGIN, NO),
    # 代表选举's spreadsheet: whoever adds and changes nominees (a branch officer's is empty).
    "members_delegatenominee_import_template": (OK, OK, OK, OK, NO, LOGIN, NO),
    "members_member_lapse":                   (OK, OK, OK, OK, OK, LOGIN, OK),
    "members_registrationcampaign_unregistered": (OK, OK, OK, OK, NO, LOGIN, OK),
    "members_review_summary":                 (OK, OK, OK, OK, NO, LOGIN, OK),
    # 党内统计: counts of the members the role's people scope holds (a unit's, for its reviewer).
    "members_member_statistics":              (OK, OK, OK, OK, OK, LOGIN, OK),
    "members_dutypost_import_template":       (OK, OK, OK, OK, NO, LOGIN, NO),
    "members_household_import_template":      (OK, OK, OK, OK, NO, LOGIN, NO),
    "members_visit_import_template":          (OK, OK, OK, OK, NO, LOGIN, NO),
    "members_memberdeed_import_template":     (OK, OK, OK, OK, NO, LOGIN, NO),
    "members_unitdeed_import_template":       (OK, OK, OK, OK, NO, LOGIN, NO),
}  # fmt: skip
PRINTABLES: dict[str, tuple[str, ...]] = {
    #                              superuser sub_district secretary branch unit member  district
    "activity_cards":              (OK, OK, OK, OK, OK, LOGIN, OK),
    "assessment_sheet":            (OK, OK, OK, OK, NO, LOGIN, OK),
    "campaign_unregistered":       (OK, OK, OK, OK, NO, LOGIN, OK),
    "deed_counts":                 (OK, OK, OK, OK, NO, LOGIN, OK),
    "household_register":          (OK, OK, OK, OK, NO, LOGIN, OK),
    "delegate_list":               (OK, OK, OK, OK, NO, LOGIN, OK),
    # The same list from the report center (an organization and a year).
    "delegate_lists":              (OK, OK, OK, OK, NO, LOGIN, OK),
    "lapse_report":                (OK, OK, OK, OK, OK, LOGIN, OK),
    # Printed again, a slip has no password (it was shown once, when the login was created).
    "member_login_slips":          (OK, OK, OK, OK, NO, LOGIN, NO),
    # The roster carries full IDs and phones: as its import and export (a branch officer's too).
    "member_roster":               (OK, OK, OK, OK, NO, LOGIN, NO),
    "party_statistics":            (OK, OK, OK, OK, OK, LOGIN, OK),
    "registration_cards":          (OK, OK, OK, OK, OK, LOGIN, OK),
    "review_summary":              (OK, OK, OK, OK, NO, LOGIN, OK),
    "member_record":               (OK, OK, OK, OK, NO, LOGIN, OK),
    "showcase_evaluation":         (OK, OK, OK, NO, NO, LOGIN, OK),
}  # fmt: skip
# A slip is printed again only for a member who has a login (the demo's 党员 dangyuan).
PRINTABLE_OBJECTS = {"member_login_slips": {"user__isnull": False}}
DOCUMENTS: dict[str, dict[str, str]] = {
    "activity_cards": {
        "superuser": "y--",
        "sub_district": "ynn",
        "district": "yn-",
        "secretary": "ynn",
        "branch": "y-n",
        "unit": "y-n",
        "member": "-nn",
    },
    "assessment_sheet": {
        "superuser": "y--",
        "sub_district": "ynn",
        "district": "yn-",
        "secretary": "ynn",
        "branch": "y-n",
        "unit": "n-n",
        "member": "-nn",
    },
    "campaign_unregistered": {
        "superuser": "y--",
        "sub_district": "ynn",
        "district": "yn-",
        "secretary": "ynn",
        "branch": "y-n",
        "unit": "n-n",
        "member": "-nn",
    },
    "deed_counts": {
        "superuser": "y--",
        "sub_district": "ynn",
        "district": "yn-",
        "secretary": "ynn",
        "branch": "y-n",
        "unit": "n-n",
        "member": "-nn",
    },
    "household_register": {
        "superuser": "y--",
        "sub_district": "ynn",
        "district": "yn-",
        "secretary": "ynn",
        "branch": "y-n",
        "unit": "n-n",
        "member": "-nn",
    },
    "delegate_list": {
        "superuser": "y--",
        "sub_district": "ynn",
        "district": "yn-",
        "secretary": "ynn",
        "branch": "y-n",
        "unit": "n-n",
        "member": "-nn",
    },
    "delegate_lists": {
        "superuser": "y--",
        "sub_district": "ynn",
        "district": "yn-",
        "secretary": "ynn",
        "branch": "y-n",
        "unit": "n-n",
        "member": "-nn",
    },
    "lapse_report": {
        "superuser": "y--",
        "sub_district": "ynn",
        "district": "yn-",
        "secretary": "ynn",
        "branch": "y-n",
        "unit": "y-n",
        "member": "-nn",
    },
    "member_login_slips": {
        "superuser": "y--",
        "sub_district": "ynn",
        "district": "nn-",
        "secretary": "ynn",
        "branch": "y-n",
        "unit": "n-n",
        "member": "-nn",
    },
    "member_roster": {
        "superuser": "y--",
        "sub_district": "ynn",
        "district": "nn-",
        "secretary": "ynn",
        "branch": "y-n",
        "unit": "n-n",
        "member": "-nn",
    },
    "party_statistics": {
        "superuser": "y--",
        "sub_district": "ynn",
        "district": "yn-",
        "secretary": "ynn",
        "branch": "y-n",
        "unit": "y-n",
        "member": "-nn",
    },
    "registration_cards": {
        "superuser": "y--",
        "sub_district": "ynn",
        "district": "yn-",
        "secretary": "ynn",
        "branch": "y-n",
        "unit": "y-n",
        "member": "-nn",
    },
    "member_record": {
        "superuser": "y--",
        "sub_district": "ynn",
        "district": "yn-",
        "secretary": "ynn",
        "branch": "y-n",
        "unit": "n-n",
        "member": "-nn",
    },
    "showcase_evaluation": {  # no personal data: like the review summary
        "superuser": "y--",
        "sub_district": "yyn",
        "district": "yy-",
        "secretary": "yyn",
        "branch": "n-n",
        "unit": "n-n",
        "member": "-nn",
    },
    "review_summary": {
        "superuser": "y--",
        "sub_district": "yyn",
        "district": "yy-",
        "secretary": "yyn",
        "branch": "y-n",
        "unit": "n-n",
        "member": "-nn",
    },
}
