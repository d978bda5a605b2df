"""Registry-driven access to what the admins add and to the documents ("Trust, round 3").

1. Every custom admin URL (each named URL a ModelAdmin adds in get_urls() besides the admin's,
   django-simple-history's and django-import-export's own), discovered from admin.site and opened
   by every demo role: the outcome against a table. An URL that is added but missing from the
   table fails. A URL about one object is opened with an object the role sees, and (for a role
   that may open it) with one it does not see, which must be refused.
1b. Every printable, through the one print view, by every demo role: with what the role sees,
   then (where it may print) with an organization or object outside its scope.
2. Every printable, queued for the worker by every demo role for an organization in the
   role's people scope, one it only sees (a unit's party organization) and one outside its
   scope: the outcome against a table. Each document made is then downloaded by every role,
   which succeeds exactly where the table lets that role make the same document itself.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.admin.sites import site
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import URLPattern, reverse

from common import documents
from common.models import Document, DocumentStatus
from common.printables import print_url, printable_list
from organizations.models import Organization, Unit
from organizations.scope import scope_of
from tests.registries import LOGIN, NO, OK, registry_table
from tests.test_admin_access import ROLES, USERNAMES, demo  # noqa: F401 (the fixture)

# The URLs that Django's admin, django-simple-history and django-import-export add themselves
# (their permissions are checked by tests/test_admin_access.py and the import tests).
LIBRARY_URLS = frozenset(
    {"changelist", "add", "change", "delete", "history", "autocomplete", "simple_history"}
    | {"import", "process_import", "export"}
)

# ok: the page (or file) is given (200, or the redirect the table's code names); no: refused
# (403 or 404); login: sent to the login page (the member is not staff).
CUSTOM_URLS: dict[str, tuple[str, ...]] = registry_table("CUSTOM_URLS")
# The members' QR sign-in page is outside the admin's staff check on purpose: a member opens it
# with the meeting's secret token (tests/activities/test_sign_in.py guards it). The generic print
# view is walked for each printable by test_every_printable_through_the_generic_view.
NOT_ADMIN_VIEWS = frozenset({"activities_meeting_sign_in"})
WALKED_APART = frozenset({"common_document_print"})
# A success that answers with a redirect (a printable queued, then the documents' list).
REDIRECTS: frozenset[str] = frozenset()


def _query(name: str, user: Any) -> dict[str, Any]:
    """The query a page needs to show something (none of today's pages needs one)."""
    return {}


def _custom_urls() -> list[tuple[str, Any, Any]]:
    found = []
    for model, model_admin in site._registry.items():
        prefix = f"{model._meta.app_label}_{model._meta.model_name}_"
        for pattern in model_admin.get_urls():
            if not isinstance(pattern, URLPattern) or not pattern.name:
                continue
            if pattern.name.removeprefix(prefix) in LIBRARY_URLS:
                continue
            found.append((pattern.name, model_admin, pattern))
    return sorted(found, key=lambda item: item[0])


CUSTOM = _custom_urls()


def test_every_custom_admin_url_is_in_the_table() -> None:
    assert sorted(name for name, _, _ in CUSTOM) == sorted(set(CUSTOM_URLS) | NOT_ADMIN_VIEWS)


def _user(role: str) -> Any:
    return get_user_model().objects.get(username=USERNAMES[role])


def _request(user: Any) -> Any:
    from django.test import RequestFactory

    request = RequestFactory().get("/admin/")
    request.user = user
    return request


def _args(pattern: Any, obj: Any) -> list[Any]:
    """The URL's arguments for one object (its pk, or its download token)."""
    names = list(pattern.pattern.converters)
    return [getattr(obj, "token" if name == "token" else "pk") for name in names]


def _objects(model_admin: Any, user: Any) -> tuple[Any, Any]:
    """An object the role sees (if any), and one it does not see (if any)."""
    every = model_admin.model._default_manager.order_by("pk")
    seen = model_admin.get_queryset(_request(user)).order_by("pk")
    if model_admin.model is Document:
        every, seen = every.filter(status=DocumentStatus.DONE), seen.filter(status="done")
    hidden = every.exclude(pk__in=seen.values("pk")).first()
    return seen.first(), hidden


def _outcome(response: Any, name: str) -> str:
    if response.status_code == 302 and "/login/" in response["Location"]:
        return LOGIN
    if response.status_code in (403, 404) or (
        response.status_code == 302 and name not in REDIRECTS
    ):
        return NO
    if response.status_code == 200 or (response.status_code == 302 and name in REDIRECTS):
        return OK
    return f"status {response.status_code}"


@pytest.fixture
def quick_pdfs(monkeypatch: Any) -> None:
    """The pages and templates run; WeasyPrint's own work is left out (it is tested with the
    reports)."""
    monkeypatch.setattr("kit.pdf.html_to_pdf", lambda html: b"%PDF-1.7 stub")
    monkeypatch.setattr("common.tasks.render_document.delay", lambda *args: None)


@pytest.fixture
def done_documents(demo: Any, db: None) -> None:  # noqa: F811
    """A finished document of each kind for each organization a role works for (one stored
    file, which each of them names)."""
    stored = default_storage.save("documents/x.pdf", ContentFile(b"%PDF-1.7 stub"))
    requesters = get_user_model().objects.filter(username__in=USERNAMES.values())
    Document.objects.bulk_create(
        Document(
            kind=kind.name,
            organization=access.organization,
            requested_by=user if kind.is_permitted(user) else None,
            params={"period": "2026-11", "month": "2026-11"},
            status=DocumentStatus.DONE,
            file=stored,
        )
        for user in requesters
        for access in user.organization_accesses.select_related("organization")
        for kind in printable_list()
    )


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("name", "model_admin", "pattern"),
    [item for item in CUSTOM if item[0] not in NOT_ADMIN_VIEWS | WALKED_APART],
    ids=[name for name, _, _ in CUSTOM if name not in NOT_ADMIN_VIEWS | WALKED_APART],
)
def test_custom_admin_url_outcomes_match_the_table(
    demo: Any,  # noqa: F811
    db: None,
    done_documents: None,
    quick_pdfs: None,
    name: str,
    model_admin: Any,
    pattern: Any,
    role: str,
) -> None:
    expected = CUSTOM_URLS[name][ROLES.index(role)]
    user = _user(role)
    client = _client(user)
    seen, hidden = _objects(model_admin, user)
    query = _query(name, user)
    if not pattern.pattern.converters:
        response = client.get(reverse(f"admin:{name}"), query)
        assert _outcome(response, name) == expected
        return
    if seen is None:  # the role sees no such object: one outside its scope is refused
        assert hidden is not None, f"the demo has nothing for {name}"
        response = client.get(reverse(f"admin:{name}", args=_args(pattern, hidden)), query)
        assert _outcome(response, name) == (LOGIN if expected == LOGIN else NO)
        return
    response = client.get(reverse(f"admin:{name}", args=_args(pattern, seen)), query)
    assert _outcome(response, name) == expected
    if expected == OK and hidden is not None and role != "superuser":
        response = client.get(reverse(f"admin:{name}", args=_args(pattern, hidden)), query)
        assert _outcome(response, name) == NO, "an object outside the role's scope"


# --- 1b. every printable through the one view ---------------------------------------------------
# For each printable and role: the outcome of /admin/common/document/print/<name>/ with what the
# role sees (its own organization, an object or a row it sees); ok is the file (made now) or the
# documents' list (queued for the worker). Then with an organization or object outside its
# scope, which must be refused.
PRINTABLES: dict[str, tuple[str, ...]] = registry_table("PRINTABLES")
PERIODS: dict[str, str] = registry_table("PERIODS")
# An object that can be printed at all (a notice's poster once it is published).
PRINTABLE_OBJECTS: dict[str, dict[str, Any]] = registry_table("PRINTABLE_OBJECTS")


def test_every_printable_is_in_the_table() -> None:
    assert sorted(printable.name for printable in printable_list()) == sorted(PRINTABLES)


def _printable_objects(printable: Any, param: Any, user: Any) -> tuple[Any, Any]:
    """An object (or row) of the parameter's model the role sees, and one it does not."""
    from django.apps import apps

    every = (
        apps.get_model(param.model)
        ._default_manager.filter(**PRINTABLE_OBJECTS.get(printable.name, {}))
        .order_by("pk")
    )
    seen = every.visible_to(user) if user.is_staff or user.is_superuser else every.none()
    return seen.first(), every.exclude(pk__in=seen.values("pk")).first()


def _print_queries(printable: Any, user: Any) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """The query of a making the role may ask for, and one outside its scope (None: none)."""
    query: dict[str, Any] = {"period": PERIODS.get(printable.name, "2026")}
    outside: dict[str, Any] | None = None
    param = printable.params[0]
    if param.kind == "organization":
        places = _organizations(user)
        own = places["people"] or places["visible"]
        query["organization"] = own.pk if own else ""
        if places["outside"] is not None:
            outside = {**query, "organization": places["outside"].pk}
        return query, outside
    seen, hidden = _printable_objects(printable, param, user)
    if seen is None:  # the role sees no such object: only one outside its scope is asked for
        assert hidden is not None, f"the demo has nothing for {printable.name}"
        return {**query, param.name: hidden.pk}, None
    query[param.name] = seen.pk
    if hidden is not None:
        outside = {**query, param.name: hidden.pk}
    return query, outside


def _print_outcome(response: Any) -> str:
    location = response.get("Location", "")
    if response.status_code == 302 and "/login/" in location:
        return LOGIN
    if response.status_code in (403, 404):
        return NO
    if response.status_code == 200 or location == reverse("admin:common_document_changelist"):
        return OK
    return f"status {response.status_code} {location}"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(PRINTABLES))
def test_every_printable_through_the_generic_view(
    demo: Any,  # noqa: F811
    db: None,
    quick_pdfs: None,
    name: str,
    role: str,
) -> None:
    from common.printables import printable_get

    printable, user = printable_get(name), _user(role)
    client = _client(user)
    query, outside = _print_queries(printable, user)
    expected = PRINTABLES[name][ROLES.index(role)]
    param = printable.params[0]
    if param.kind != "organization" and _printable_objects(printable, param, user)[0] is None:
        expected = LOGIN if expected == LOGIN else NO
    assert _print_outcome(client.get(print_url(name), query)) == expected, query
    if expected == OK and outside is not None and role != "superuser":
        response = client.get(print_url(name), outside)
        assert _print_outcome(response) == NO, ("outside the role's scope", outside)


# --- 2. documents ---------------------------------------------------------------------------
# Every printable can be queued for the worker (the report center, the admin action); for each
# printable and role: the outcome of a request for (an organization in the role's people
# scope, one it only sees, one outside its scope); y: made, n: refused, -: the role has no such
# organization (the district officer reaches every organization of the demo; the
# sub-district officer all but the 区委组织部 above it). The member's own
# branch is one it sees, not one whose people it sees.
DOCUMENTS: dict[str, dict[str, str]] = registry_table("DOCUMENTS")
PLACES = ("people", "visible", "outside")


def test_every_document_kind_is_in_the_table() -> None:
    assert sorted(kind.name for kind in printable_list()) == sorted(DOCUMENTS)


def _place(user: Any, organization: Organization) -> str:
    scope = scope_of(user)
    if scope.people is None or organization.pk in scope.people:
        return "people"
    if scope.visible is None or organization.pk in scope.visible:
        return "visible"
    return "outside"


def _organizations(user: Any) -> dict[str, Organization | None]:
    """One organization of each place for the user: their own (or the first they reach), a
    unit's party organization they only see, one outside their scope."""
    found: dict[str, Organization | None] = dict.fromkeys(PLACES)
    own = [access.organization for access in user.organization_accesses.all()]
    units = Organization.objects.filter(pk__in=Unit.objects.values("party_organization_id"))
    candidates = own + list(units.order_by("code")) + list(Organization.objects.order_by("code"))
    for organization in candidates:
        place = _place(user, organization)
        if found[place] is None:
            found[place] = organization
    return found


def _ask(user: Any, organization: Organization, kind: str) -> str:
    try:
        documents.document_request(
            organization=organization,
            kind=kind,
            actor=user,
            params={"period": "2026-11", "month": "2026-11", "plan": 0},
        )
    except PermissionDenied:
        return "n"
    return "y"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("kind", sorted(DOCUMENTS))
def test_document_requests_match_the_table(
    demo: Any,  # noqa: F811
    db: None,
    quick_pdfs: None,
    kind: str,
    role: str,
) -> None:
    user = _user(role)
    places = _organizations(user)
    outcome = "".join(
        "-" if places[place] is None else _ask(user, places[place], kind) for place in PLACES
    )
    assert outcome == DOCUMENTS[kind][role]


def _may_make(user: Any, role: str, kind: str, organization: Organization) -> bool:
    place = _place(user, organization)
    return DOCUMENTS[kind][role][PLACES.index(place)] == "y"


@pytest.mark.parametrize("kind", sorted(DOCUMENTS))
def test_a_document_is_downloaded_by_its_requester_or_where_the_table_allows(
    demo: Any,  # noqa: F811
    db: None,
    quick_pdfs: None,
    kind: str,
) -> None:
    users = {role: _user(role) for role in ROLES}
    clients = {role: _client(user) for role, user in users.items()}
    made = []
    for role, user in users.items():
        for place, organization in _organizations(user).items():
            if organization is not None and DOCUMENTS[kind][role][PLACES.index(place)] == "y":
                made.append((role, organization, _made(user, organization, kind)))
    assert made, "no role may make this kind"
    for requester, organization, document in made:
        url = reverse("admin:common_document_download", args=[document.token])
        for role, client in clients.items():
            user = users[role]
            allowed = role == requester or _may_make(user, role, kind, organization)
            response = client.get(url)
            if allowed and user.is_staff:
                assert response.status_code == 200, (requester, organization.code, role)
                assert response["Content-Disposition"].startswith("attachment;")
            elif user.is_staff:
                assert response.status_code == 404, (requester, organization.code, role)
            else:
                assert response.status_code == 302, (requester, organization.code, role)


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _made(user: Any, organization: Organization, kind: str) -> Document:
    document = documents.document_request(
        organization=organization, kind=kind, actor=user, params={"month": "2026-11"}
    )
    document.status = DocumentStatus.DONE
    document.file.save("x.pdf", ContentFile(b"%PDF-1.7 stub"), save=False)
    document.save(update_fields=["status", "file"])
    return document


def test_the_probes_of_trust_round_3_are_refused(
    demo: Any,  # noqa: F811
    db: None,
    quick_pdfs: None,
) -> None:
    """As reported: 锦绣's secretary asked for the linked 区人民医院党委's dues ledger and feedback
    cards; 派出所's reviewer (no finance permission) for its own unit's ledger."""
    hospital = Organization.objects.get(code="U-RMYY")
    jinxiu = get_user_model().objects.get(username="jinxiu")
    assert hospital.pk in scope_of(jinxiu).visible  # she sees it, but not its people
    client = Client()
    client.force_login(jinxiu)
    for kind, period in (("dues_ledger", "2026-11"), ("feedback_cards", "2026H2")):
        data = {"organization": hospital.pk, "kind": kind, "period": period}
        text = client.post("/admin/reports/", data, follow=True).content.decode()
        assert "该党组织党员的信息不在您的查看范围内" in text
    paichusuo = get_user_model().objects.get(username="paichusuo")
    police = paichusuo.organization_accesses.get().organization
    client.force_login(paichusuo)
    data = {"organization": police.pk, "kind": "dues_ledger", "period": "2026-11"}
    text = client.post("/admin/reports/", data, follow=True).content.decode()
    assert "请选择要生成的台账" in text
    ledger = {"organization": police.pk, "period": "2026-11", "format": "xlsx"}
    assert client.get(print_url("dues_ledger"), ledger).status_code == 404
    assert not Document.objects.filter(requested_by__in=[jinxiu, paichusuo]).exists()
