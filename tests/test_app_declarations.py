"""Each app declares its parts on its own AppConfig (kit/apps.py); these tests fail when an app of
the project forgets what it must declare, or declares what does not exist: a list in the admin in
no sidebar group, an admin without its rows in its app's tests/<app>/admin_registry.py, a dotted
path that does not import, a periodic task naming no Celery task, two steps in one slot."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from django.apps import apps
from django.contrib.admin.sites import site
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from kit.apps import (
    PartyAppConfig,
    Step,
    WorkGroup,
    declared,
    declared_paths,
    menu_groups,
    ordered_steps,
    party_app_labels,
    party_apps,
    resolve,
    role_permission_tables,
    work_pages,
)
from kit.schedule import declared_periodic_tasks
from members import participation, showcase
from tests.registries import app_registries

ROOT = Path(__file__).resolve().parent.parent
ADMIN_LABELS = sorted(model._meta.label_lower for model in site._registry)


def _grouped() -> set[str]:
    return {label for group in menu_groups() for label, _ in group.models}


def _not_in_a_group(labels: Iterable[str]) -> list[str]:
    grouped = _grouped()
    return [label for label in labels if label not in grouped]


def _registry(app_label: str) -> ModuleType | None:
    return next(
        (r for r in app_registries() if r.__name__ == f"tests.{app_label}.admin_registry"), None
    )


def _rows_elsewhere(labels: Iterable[str]) -> list[str]:
    """Admins of project apps whose ACCESS or MAKERS row is missing from their own app's file."""
    wrong = []
    for label in labels:
        app_label = label.split(".")[0]
        if app_label not in party_app_labels():
            continue
        registry = _registry(app_label)
        if registry is None or label not in getattr(registry, "ACCESS", {}):
            wrong.append(f"{label}: ACCESS")
        if registry is None or label not in getattr(registry, "MAKERS", {}):
            wrong.append(f"{label}: MAKERS")
    return wrong


def test_every_app_of_the_project_is_a_party_app() -> None:
    ours = [app for app in apps.get_app_configs() if Path(app.path).parent == ROOT]
    assert ours
    assert [app.label for app in ours if not isinstance(app, PartyAppConfig)] == []


def test_every_list_in_the_admin_is_in_a_sidebar_group() -> None:
    assert _not_in_a_group(ADMIN_LABELS) == []
    assert sorted(_grouped() - set(ADMIN_LABELS)) == []  # no group names a list that is gone


def test_a_list_no_app_groups_is_reported() -> None:
    assert _not_in_a_group(["members.member", "publicity.newthing"]) == ["publicity.newthing"]


def test_every_app_with_models_has_a_work_group_of_its_own_models() -> None:
    without = [
        app.label
        for app in party_apps()
        if list(app.get_models())
        and not any(
            "." not in label or label.startswith(f"{app.label}.")
            for group in app.work_groups
            for label in group.models
        )
    ]
    assert without == []


def test_every_admin_of_an_app_has_its_rows_in_its_apps_registry() -> None:
    assert _rows_elsewhere(ADMIN_LABELS) == []


def test_a_row_kept_in_another_apps_registry_is_reported() -> None:
    assert _rows_elsewhere(["members.member", "finance.nosuchadmin"]) == [
        "finance.nosuchadmin: ACCESS",
        "finance.nosuchadmin: MAKERS",
    ]


@pytest.mark.parametrize(
    "attribute",
    [
        "demo_builders",
        "district_steps",
        "dashboard_panels",
        "periodic_tasks",
        "participation_facts",
        "showcase_evidence",
        "member_tabs",
    ],
)
def test_every_declared_function_imports(attribute: str) -> None:
    paths = declared_paths(attribute)
    assert paths, f"no app declares {attribute}"
    assert [path for path in paths if not callable(resolve(path))] == []


def test_every_role_permission_module_grants_existing_permissions() -> None:
    known = {f"{m._meta.app_label}.{c}" for m in apps.get_models() for c in _codenames(m)}
    granted = {
        perm for table in role_permission_tables() for perms in table.values() for perm in perms
    }
    assert granted
    assert sorted(granted - known) == []


def _codenames(model: type) -> list[str]:
    meta = model._meta  # type: ignore[attr-defined]
    defaults = [f"{action}_{meta.model_name}" for action in meta.default_permissions]
    return defaults + [codename for codename, _ in meta.permissions]


def test_every_declared_printables_list_imports() -> None:
    assert [path for _, path in declared("printables") if not isinstance(resolve(path), list)] == []


def test_a_path_that_does_not_import_says_which() -> None:
    with pytest.raises(ImproperlyConfigured, match="members.nosuch.build"):
        resolve("members.nosuch.build")


def test_groups_have_one_owner_and_steps_one_slot_each() -> None:
    groups = menu_groups()
    assert len({group.order for group in groups}) == len(groups)
    assert len(ordered_steps("demo_builders")) == len(declared_paths("demo_builders"))
    assert len(ordered_steps("district_steps")) == len(declared_paths("district_steps"))
    assert [page.title for page in work_pages()][0] == "工作台"


def test_a_group_declared_twice_or_by_nobody_stops_the_start(monkeypatch) -> None:
    members = apps.get_app_config("members")
    doubled = (*members.work_groups, WorkGroup("组织生活", {"member": ""}, icon="x", order=99))
    monkeypatch.setattr(members, "work_groups", doubled)
    with pytest.raises(ImproperlyConfigured, match="组织生活"):
        menu_groups()
    monkeypatch.setattr(members, "work_groups", (WorkGroup("无主分组", {"member": ""}),))
    with pytest.raises(ImproperlyConfigured, match="无主分组"):
        menu_groups()


def test_two_steps_in_one_slot_stop_the_demo(monkeypatch) -> None:
    finance = apps.get_app_config("finance")
    monkeypatch.setattr(finance, "demo_builders", (Step(10, "finance.demo.build"),))
    with pytest.raises(ImproperlyConfigured, match="demo_builders"):
        ordered_steps("demo_builders")


def test_every_periodic_task_runs_a_registered_celery_task() -> None:
    from config.celery_app import app

    app.loader.import_default_modules()
    tasks = declared_periodic_tasks()
    assert len({task.name for task in tasks}) == len(tasks) >= 2
    assert [task.task for task in tasks if task.task not in app.tasks] == []


def test_every_declared_participation_fact_is_answered_and_known() -> None:
    codes = [code for _, facts in declared("participation_facts") for code in facts]
    assert len(codes) == len(set(codes))
    assert sorted(codes) == participation.registered_facts()
    assert set(codes) <= set(participation.FACTS)


def test_every_declared_showcase_evidence_is_known_and_answered_once() -> None:
    codes = [code for _, evidence in declared("showcase_evidence") for code in evidence]
    assert len(codes) == len(set(codes))
    assert sorted(codes) == sorted(showcase.EVIDENCE)
    assert sorted(showcase.providers()) == sorted(codes)


def test_a_showcase_evidence_that_does_not_exist_is_refused(monkeypatch) -> None:
    finance = apps.get_app_config("finance")
    monkeypatch.setattr(
        finance, "showcase_evidence", {"dues_forgotten": "finance.selectors.dues_arrears"}
    )
    with pytest.raises(ImproperlyConfigured, match="dues_forgotten"):
        showcase.providers()


def test_a_fact_that_does_not_exist_stops_the_start(monkeypatch) -> None:
    finance = apps.get_app_config("finance")
    monkeypatch.setattr(
        finance, "participation_facts", {"dues_forgotten": "finance.selectors.dues_arrears"}
    )
    with pytest.raises(ImproperlyConfigured, match="dues_forgotten"):
        participation.register_declared()


def test_every_dashboard_panel_is_shown_from_its_apps_declaration() -> None:
    from common.dashboard import counted_apps, providers

    declared_panels: list[Callable[..., object]] = [
        resolve(p) for p in declared_paths("dashboard_panels")
    ]
    assert list(providers()) == declared_panels
    assert counted_apps() == party_app_labels()


def test_the_sidebar_shows_each_list_under_its_declared_group_with_its_icon(
    client: Any, secretary_a: Any
) -> None:
    """A model another app declares (activities' feedback cards) joins the group members owns."""
    client.force_login(secretary_a)
    sidebar = client.get(reverse("admin:index")).context["sidebar_navigation"]
    items = {
        item["link"]: (group["title"], item["icon"]) for group in sidebar for item in group["items"]
    }
    assert items[reverse("admin:members_member_changelist")] == ("党员队伍", "person")
    feedback = reverse("admin:activities_feedbackcard_changelist")
    assert items[feedback] == ("在职党员双联双管", "rate_review")
    assert items[reverse("admin:index")] == ("工作", "dashboard")
