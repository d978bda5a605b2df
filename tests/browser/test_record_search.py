"""The sidebar's search box in a real browser: a secretary clicks it, types part of a name, sees
their own community's member (with the ID masked) and not another community's namesake, and
opens the record from the results."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from organizations.demo import DEMO_PASSWORD
from organizations.models import Organization
from organizations.rules import OrganizationKind

pytestmark = pytest.mark.browser


@pytest.fixture
def namesakes(demo: Any) -> dict[str, Any]:
    """Two members named alike: one in 春晖社区's branch, one in another community's."""
    from tests.members.factories import MemberFactory

    branches = Organization.objects.filter(kind=OrganizationKind.BRANCH)
    own = branches.filter(parent__name__startswith="春晖").order_by("pk").first()
    other = branches.exclude(parent__name__startswith="春晖").order_by("pk").first()
    assert own is not None
    assert other is not None
    return {
        "own": MemberFactory(name="欧阳春晖党员", branch=own),
        "other": MemberFactory(name="欧阳别处党员", branch=other),
    }


def test_the_search_box_finds_own_member_masked_and_opens_the_record(
    namesakes: dict[str, Any], login: Callable[[str, str], Page]
) -> None:
    page = login("chunhui", DEMO_PASSWORD)
    page.get_by_text("搜索党员、党组织、会议、发展党员…").first.click()
    box = page.locator("#search-input-command")
    expect(box).to_be_visible()
    # Chinese is typed by an input method, which sends no key per character: the key that ends
    # the typing (here End) is the keyup the search waits for.
    box.press_sequentially("欧阳")
    box.press("End")

    results = page.locator("#command-results")
    own = namesakes["own"]
    expect(results.get_by_text(re.compile("欧阳春晖党员"))).to_be_visible()
    expect(results).not_to_contain_text("欧阳别处党员")
    # The ID shows its last four characters at most, never in full.
    expect(results).not_to_contain_text(own.citizen_id)
    expect(results).not_to_contain_text(own.phone)

    results.get_by_text(re.compile("欧阳春晖党员")).first.click()
    expect(page).to_have_url(re.compile(rf"/admin/members/member/{own.pk}/"))
    expect(page.locator("input[name=name]")).to_have_value("欧阳春晖党员")
