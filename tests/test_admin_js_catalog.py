"""Every string the admin's JavaScript shows comes back Chinese from /admin/jsi18n/ (issue 22,
point 5): Django 5.2's own zh_Hans catalog lacks the two-list picker's "Choose all %s",
"(click to clear)" and others (filter_horizontal on the 驻区单位 and 联席会 forms), which the
project's locale/zh_Hans/LC_MESSAGES/djangojs.po supplies."""

from __future__ import annotations

import json
import re
from pathlib import Path

import django
import pytest
from django.urls import reverse

ADMIN_JS = Path(django.__file__).parent / "contrib" / "admin" / "static" / "admin" / "js"
CHINESE = re.compile(r"[\u4e00-\u9fff]")
GETTEXT = re.compile(r"\bgettext\(\s*(['\"])(.*?)(?<!\\)\1\s*\)")


def _strings(name: str) -> set[str]:
    text = (ADMIN_JS / name).read_text(encoding="utf-8")
    return {m.group(2).replace("\\'", "'").replace('\\"', '"') for m in GETTEXT.finditer(text)}


def _catalog(client) -> dict[str, object]:
    response = client.get(reverse("admin:jsi18n"))
    assert response.status_code == 200
    source = response.content.decode()
    found = re.search(r"const newcatalog = (\{.*?\});", source, re.S)
    assert found, "the catalog is not where Django writes it"
    return json.loads(found.group(1))


@pytest.mark.django_db
@pytest.mark.parametrize("script", ["SelectFilter2.js", "actions.js"])
def test_every_string_of_the_admin_widgets_is_chinese(admin_client, script: str) -> None:
    strings = _strings(script)
    assert strings, f"no gettext() found in {script}: the pattern needs updating"
    catalog = _catalog(admin_client)
    english = sorted(s for s in strings if not CHINESE.search(str(catalog.get(s, ""))))
    assert english == []


@pytest.mark.django_db
def test_the_two_list_picker_says_choose_all_in_chinese(admin_client) -> None:
    catalog = _catalog(admin_client)
    assert catalog["Choose all %s"] == "选择全部%s"
    assert catalog["(click to clear)"] == "（点击清除筛选）"
