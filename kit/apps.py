"""One declaration per app: each app of the project names its parts on its own AppConfig.

An app's `AppConfig` subclasses `PartyAppConfig` and sets, as class attributes, what the project
needs to know about it: its groups in the admin's sidebar, role permissions, demo builders,
district steps, 工作台 panels, printables, periodic tasks, participation facts, 示范小区 evidence,
the models the record search finds and member page tabs. Parts are named
by dotted paths (strings), imported only when used, so declaring them imports nothing at start.
The functions below loop over Django's app registry and give each kind of part; no list in
settings or config names an app's parts, so adding an app means `INSTALLED_APPS` plus its own
folder, and tests/test_app_declarations.py fails when an app forgets what it must declare.

Ordering: demo builders and district steps run in the order of their numbers (each app's apps.py
says why its numbers are what they are); groups and work pages sort by their `order`; within a
group, the apps' models follow INSTALLED_APPS.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.apps import AppConfig, apps
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

T = TypeVar("T")


@dataclass(frozen=True)
class WorkGroup:
    """A group of admin lists in the sidebar and on the index, named by the secretary's work.

    `models`: model label -> icon (Material Symbols, bundled with django-unfold; "" for the
    group's); a label without a dot is a model of the declaring app. Several apps may put their
    models in one group; exactly one of them owns it, giving its `icon` and `order`."""

    title: str
    models: Mapping[str, str] = field(default_factory=dict)
    icon: str = ""
    order: int | None = None


@dataclass(frozen=True)
class WorkPage:
    """A page that is no model's list, shown first in the sidebar (opened by `url_name`)."""

    title: str
    icon: str
    url_name: str
    permission: str = ""  # the user needs it to see the entry ("" for everyone)
    order: int = 100


@dataclass(frozen=True)
class Step:
    """A demo builder or district step: `path` names a function, run in `order` (smaller first)."""

    order: int
    path: str


@dataclass(frozen=True)
class MenuGroup:
    """A sidebar group as every app's declarations make it: (label, icon) of each model."""

    title: str
    icon: str
    order: int
    models: tuple[tuple[str, str], ...]


class PartyAppConfig(AppConfig):
    """The base of every app of the project (see the module's docstring)."""

    default_auto_field = "django.db.models.BigAutoField"
    # Django takes the only AppConfig subclass of an apps.py as the app's config; this base,
    # imported there, must not count as one (its subclasses do: __init_subclass__).
    default = False
    work_groups: tuple[WorkGroup, ...] = ()
    work_pages: tuple[WorkPage, ...] = ()
    # Modules holding ROLE_PERMISSIONS: {role: frozenset of "app.codename"} (organizations.backends).
    role_permissions: tuple[str, ...] = ()
    # `build() -> list[Login]` of `python manage.py demo`; idempotent.
    demo_builders: tuple[Step, ...] = ()
    # `generate(district)` of `python manage.py generate_district` (kit/district.py).
    district_steps: tuple[Step, ...] = ()
    # `provider(request) -> Panel | None` of the 工作台 (common/dashboard.py).
    dashboard_panels: tuple[str, ...] = ()
    # A module-level list of the app's printables (the report pipeline reads it).
    printables: str | None = None
    # `() -> list[Periodic]`: the app's periodic tasks, installed by `setup_periodic_tasks`.
    periodic_tasks: str | None = None
    # Fact code (members/participation.py) -> the provider answering it from this app's records.
    participation_facts: Mapping[str, str] = {}
    # Evidence code (members/showcase.py) -> `provider(community_ids, start, end)` answering it
    # from this app's records for the 示范小区 evaluation, so that the evaluation in the members
    # app imports no app above it (the way `participation_facts` works).
    showcase_evidence: Mapping[str, str] = {}
    # Models of this app whose records the admin's record search finds (common/search.py),
    # each through its own admin's scoped rows and search rules.
    searchable: tuple[str, ...] = ()
    # `provider(*, member, user) -> Tab | None`: the member page's tab of this app's records about
    # one member (members/selectors/member.py), read through the user's scope.
    member_tabs: tuple[str, ...] = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "default" not in cls.__dict__:
            cls.default = True


def party_apps() -> list[PartyAppConfig]:
    """The project's apps, in INSTALLED_APPS order."""
    return [app for app in apps.get_app_configs() if isinstance(app, PartyAppConfig)]


def party_app_labels() -> frozenset[str]:
    return frozenset(app.label for app in party_apps())


def declared(attribute: str) -> Iterator[tuple[PartyAppConfig, Any]]:
    """(app, value) of every app that declares `attribute` (empty values left out)."""
    for app in party_apps():
        value = getattr(app, attribute)
        if value:
            yield app, value


def resolve(path: str) -> Any:
    """The object a declaration names (a clear error naming the path if it does not import)."""
    try:
        return import_string(path)
    except ImportError as error:
        raise ImproperlyConfigured(f"声明的“{path}”无法导入：{error}") from error


def declared_paths(attribute: str) -> list[str]:
    """Every dotted path an app declares under `attribute` (a tuple of paths, a path, or steps)."""
    paths: list[str] = []
    for _, value in declared(attribute):
        if isinstance(value, str):
            paths.append(value)
        elif isinstance(value, Mapping):
            paths.extend(value.values())
        else:
            paths.extend(item.path if isinstance(item, Step) else item for item in value)
    return paths


def ordered_steps(attribute: str) -> list[Callable[..., Any]]:
    """The functions of `demo_builders` or `district_steps`, in their declared order."""
    steps = sorted(
        (step for _, value in declared(attribute) for step in value), key=lambda s: s.order
    )
    orders = [step.order for step in steps]
    if len(set(orders)) != len(orders):
        raise ImproperlyConfigured(f"{attribute}的顺序号重复：{orders}")
    return [resolve(step.path) for step in steps]


def demo_build(on_step: Callable[[int, int, str], None] | None = None) -> list[Any]:
    """Every app's demo, in order (`python manage.py demo` without its checks and output).

    `on_step(number, count, app name)` is told before each builder runs (counted from 1)."""
    logins: list[Any] = []
    builders = ordered_steps("demo_builders")
    for number, build in enumerate(builders, start=1):
        if on_step is not None:
            app = apps.get_containing_app_config(build.__module__)
            on_step(number, len(builders), str(app.verbose_name) if app else build.__module__)
        logins += build() or []
    return logins


def searchable_labels() -> list[str]:
    """ "app_label.model" of every model an app declares `searchable`, in INSTALLED_APPS order."""
    return [f"{app.label}.{name}" for app, names in declared("searchable") for name in names]


def role_permission_tables() -> list[Mapping[str, frozenset[str]]]:
    return [resolve(f"{module}.ROLE_PERMISSIONS") for module in declared_paths("role_permissions")]


def menu_groups() -> list[MenuGroup]:
    """The sidebar's groups from every app's `work_groups`, ordered; a group owned by no app or
    by two raises (a forgotten or doubled declaration, not a silently misplaced list)."""
    owners: dict[str, WorkGroup] = {}
    members: dict[str, list[tuple[str, str]]] = {}
    for app, groups in declared("work_groups"):
        for group in groups:
            if group.order is not None:
                if group.title in owners:
                    raise ImproperlyConfigured(f"工作分组“{group.title}”被声明了两次。")
                owners[group.title] = group
            members.setdefault(group.title, []).extend(
                (label if "." in label else f"{app.label}.{label}", icon)
                for label, icon in group.models.items()
            )
    if orphans := set(members) - set(owners):
        raise ImproperlyConfigured(f"工作分组没有哪个应用给出图标和顺序：{sorted(orphans)}")
    return sorted(
        (
            MenuGroup(title, owners[title].icon, owners[title].order or 0, tuple(models))
            for title, models in members.items()
        ),
        key=lambda group: group.order,
    )


def work_pages() -> list[WorkPage]:
    return sorted(
        (page for _, pages in declared("work_pages") for page in pages), key=lambda p: p.order
    )
