"""The tenancy sweep: every route that takes a partnership or an object, called across tenants.

It walks the whole URL resolver (pages and API, through every include), so a
route added later is swept without anyone listing it. For each route under a
partnership ``slug`` it makes world_a's objects (``OBJECT_KWARGS`` in
conftest.py) and calls the route with GET, POST, PUT, PATCH and DELETE as a
member of world_b who has passed the second factor:

- with world_b's slug and world_a's object ids (and, with several ids, with one
  of world_a's among world_b's), and
- with world_a's slug,

and every one of those answers must be 404, exactly like a missing row. The
only other answer accepted is 405 where the route refuses that method for the
member's own objects too: then the answer says nothing about the object.

The same member calling the same route with world_b's own objects must get
something other than 404 (200, 302, 400, 403, 405...), which proves the 404s
come from tenancy, not from a broken route or a wrong maker. The caller is
world_b's business manager, or the first member whose role the route lets in.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import RoutePattern
from rest_framework.views import APIView

from tests.conftest import login
from tests.factories import World
from tests.isolation.conftest import NAME_KWARGS, NOT_TENANT_SCOPED, OBJECT_KWARGS

PARTNERSHIP_KWARG = "slug"
METHODS = ("get", "post", "put", "patch", "delete")
_ROUTE_PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


@dataclass
class Route:
    key: str  # the namespaced URL name, or the full pattern when the route has none
    name: str | None
    pattern: str  # the full pattern, e.g. "p/<slug:slug>/manage/agencies/<int:agency_id>/"
    kwargs: list[str]  # in the order they appear in the path
    converters: dict[str, Any] = field(default_factory=dict)
    only_path_patterns: bool = True  # False when some piece is a re_path()
    callback: Any = None

    @property
    def object_kwargs(self) -> list[str]:
        return [k for k in self.kwargs if k != PARTNERSHIP_KWARG and k not in NAME_KWARGS]

    @property
    def is_api(self) -> bool:
        view_class = getattr(self.callback, "cls", None) or getattr(self.callback, "view_class", None)
        return isinstance(view_class, type) and issubclass(view_class, APIView)


def _pattern_kwargs(pattern) -> list[str]:
    if isinstance(pattern, RoutePattern):
        return [m["name"] for m in _ROUTE_PARAMETER.finditer(str(pattern))]
    return sorted(pattern.regex.groupindex, key=pattern.regex.groupindex.get)


def walk(
    resolver: URLResolver | None = None,
    *,
    prefix: str = "",
    namespace: str = "",
    kwargs: list[str] | None = None,
    converters: dict[str, Any] | None = None,
    only_path: bool = True,
) -> Iterator[Route]:
    """Every leaf route of the resolver, with the kwargs and converters gathered from its includes."""
    resolver = resolver or get_resolver()
    kwargs = kwargs or []
    converters = converters or {}
    for entry in resolver.url_patterns:
        pattern = entry.pattern
        here_kwargs = kwargs + _pattern_kwargs(pattern)
        here_converters = {**converters, **getattr(pattern, "converters", {})}
        here_only_path = only_path and isinstance(pattern, RoutePattern)
        if isinstance(entry, URLResolver):
            inner_namespace = namespace
            if entry.namespace:
                inner_namespace = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from walk(
                entry,
                prefix=prefix + str(pattern),
                namespace=inner_namespace,
                kwargs=here_kwargs,
                converters=here_converters,
                only_path=here_only_path,
            )
        elif isinstance(entry, URLPattern):
            name = None
            if entry.name:
                name = f"{namespace}:{entry.name}" if namespace else entry.name
            full = prefix + str(pattern)
            yield Route(
                key=name or full,
                name=name,
                pattern=full,
                kwargs=here_kwargs,
                converters=here_converters,
                only_path_patterns=here_only_path,
                callback=entry.callback,
            )


ALL_ROUTES = list(walk())
TENANT_ROUTES = [r for r in ALL_ROUTES if PARTNERSHIP_KWARG in r.kwargs]


def build_url(route: Route, values: dict[str, Any]) -> str:
    if route.name:
        return reverse(route.name, kwargs=values)
    if not route.only_path_patterns:
        raise LookupError(f"{route.key}: unnamed re_path() routes cannot be built; give the route a name.")
    return "/" + _ROUTE_PARAMETER.sub(lambda m: route.converters[m["name"]].to_url(values[m["name"]]), route.pattern)


def call(client: Client, route: Route, method: str, url: str) -> int:
    if method == "get":
        response = client.get(url)
    elif route.is_api:
        response = getattr(client, method)(url, data=json.dumps({}), content_type="application/json")
    elif method == "post":
        response = client.post(url, data={})
    else:
        response = getattr(client, method)(url)
    return response.status_code


# --- The tables are complete and current ------------------------------------------------


def test_the_walk_finds_pages_and_api_routes():
    keys = {r.key for r in TENANT_ROUTES}
    # Guards the walk itself: if it stopped descending into includes, the sweep would pass vacuously.
    assert {"partnership:home", "partnership:agency_detail", "api:agency_detail", "api:member_detail"} <= keys
    # The API's own object routes, one per kind of id (closure days, invitations, sign-offs, documents,
    # contributors): each is swept with another partnership's objects like the pages' routes.
    assert {
        "api:closure_day_detail",
        "api:invitation_revoke",
        "api:sign_off_approve",
        "api:document_download",
        "reviews_api:learning_review_contributor_detail",
        "reviews_api:request_withdraw",
    } <= keys
    agency_detail = next(r for r in TENANT_ROUTES if r.key == "api:agency_detail")
    assert agency_detail.kwargs == ["slug", "agency_id"]


def test_every_object_kwarg_has_a_maker():
    missing = {
        f"{route.key} ({route.pattern}) takes '{kwarg}'"
        for route in TENANT_ROUTES
        for kwarg in route.object_kwargs
        if kwarg not in OBJECT_KWARGS
    }
    assert not missing, (
        "The tenancy sweep cannot make objects for these URL kwargs: "
        + "; ".join(sorted(missing))
        + ". Add a maker for each to OBJECT_KWARGS in tests/isolation/conftest.py, "
        "so the route is called with another partnership's objects."
    )


def test_every_route_without_a_partnership_is_listed_with_a_reason():
    unlisted = [
        f"{r.key} ({r.pattern})"
        for r in ALL_ROUTES
        if PARTNERSHIP_KWARG not in r.kwargs and r.key not in NOT_TENANT_SCOPED
    ]
    assert not unlisted, (
        "These routes take no partnership slug: " + "; ".join(unlisted) + ". Tenant data belongs under "
        "/p/<slug>/ or /api/v1/partnerships/<slug>/; if a route really reads nothing of a partnership's, "
        "list it in NOT_TENANT_SCOPED (tests/isolation/conftest.py) with the reason."
    )
    assert all(reason.strip() for reason in NOT_TENANT_SCOPED.values())


def test_the_allow_list_names_only_existing_routes_without_a_partnership():
    keys_without_slug = {r.key for r in ALL_ROUTES if PARTNERSHIP_KWARG not in r.kwargs}
    stale = sorted(set(NOT_TENANT_SCOPED) - keys_without_slug)
    assert not stale, f"NOT_TENANT_SCOPED lists routes that do not exist or now take a slug: {stale}. Remove them."


# --- The sweep ----------------------------------------------------------------------------


class Sweep:
    """Calls routes across tenants and collects every wrong answer, so one run reports them all."""

    def __init__(self, world_a: World, world_b: World) -> None:
        self.world_a = world_a
        self.world_b = world_b
        # The business manager first: the role that reaches most routes.
        self.candidates = [
            world_b.business_manager,
            world_b.la_lead,
            world_b.health_lead,
            world_b.police_lead,
            world_b.scrutineer,
            world_b.agency_lead,
            world_b.practitioner,
            world_b.lay_member,
            world_b.observer,
        ]
        self._clients: dict[int, Client] = {}
        self.failures: list[str] = []
        self.cross_calls = 0

    def client(self, membership) -> Client:
        if membership.pk not in self._clients:
            self._clients[membership.pk] = login(Client(), membership.person, verified=True)
        return self._clients[membership.pk]

    @staticmethod
    def objects(route: Route, world: World) -> dict[str, Any]:
        made: dict[str, Any] = {PARTNERSHIP_KWARG: world.partnership.slug}
        made.update({kwarg: NAME_KWARGS[kwarg] for kwarg in route.kwargs if kwarg in NAME_KWARGS})
        for kwarg in route.object_kwargs:
            made[kwarg] = OBJECT_KWARGS[kwarg](world, made)
        return made

    def own_call(self, route: Route, method: str, own: dict[str, Any]) -> tuple[Any, int, str]:
        """The first world_b member whose role the route lets in, with their own objects (``own``)."""
        url = build_url(route, own)
        for membership in self.candidates:
            status = call(self.client(membership), route, method, url)
            if status != 403:  # a 403 changed nothing: the next member tries the same objects
                return membership, status, url
        return self.candidates[0], 403, url

    def cross_urls(self, route: Route, a: dict[str, Any], b: dict[str, Any]) -> list[tuple[str, str]]:
        urls = [("world_a's slug", build_url(route, a))]
        if route.object_kwargs:
            urls.append(
                ("world_b's slug with world_a's objects", build_url(route, {**a, PARTNERSHIP_KWARG: b["slug"]}))
            )
            if len(route.object_kwargs) > 1:
                for kwarg in route.object_kwargs:
                    urls.append((f"world_b's objects but world_a's {kwarg}", build_url(route, {**b, kwarg: a[kwarg]})))
        return urls

    def check(self, route: Route) -> None:
        # world_a's objects serve every method: each call on them must be a 404, which changes nothing (and a
        # call that did change them is already a failure). Making objects was two thirds of the sweep's time.
        a = self.objects(route, self.world_a)
        for method in METHODS:
            own = self.objects(route, self.world_b)
            member, own_status, own_url = self.own_call(route, method, own)
            who = f"{member.person.email} ({', '.join(sorted(member.role_set))})"
            if own_status == 404 or own_status >= 500:
                self.failures.append(
                    f"{method.upper()} {own_url} [{route.key}] as {who} with world_b's own objects answered "
                    f"{own_status}: the route or its maker is broken, so its 404s prove nothing."
                )
            # world_b's objects again, unless the own call may have changed or deleted them.
            b = own if method == "get" or own_status >= 400 else self.objects(route, self.world_b)
            for label, url in self.cross_urls(route, a, b):
                status = call(self.client(member), route, method, url)
                self.cross_calls += 1
                if status == 404 or (status == 405 and own_status == 405):
                    continue
                self.failures.append(
                    f"{method.upper()} {url} [{route.key}] as {who}, {label}: answered {status}, expected 404 "
                    f"(own objects answered {own_status})."
                )


# The routes in this many parts, one test each, so the test processes share the sweep.
SWEEP_PARTS = 4


@pytest.mark.django_db
@pytest.mark.parametrize("part", range(SWEEP_PARTS), ids=lambda part: f"part-{part + 1}-of-{SWEEP_PARTS}")
def test_tenancy_sweep_every_route_answers_404_across_partnerships(world_a, world_b, part):
    swept = [r for r in TENANT_ROUTES if all(k in OBJECT_KWARGS for k in r.object_kwargs)]
    routes = swept[part::SWEEP_PARTS]
    sweep = Sweep(world_a, world_b)

    for route in routes:
        sweep.check(route)

    assert not sweep.failures, f"{len(sweep.failures)} cross-tenant answers were wrong:\n" + "\n".join(sweep.failures)
    # Every route was called across tenants with every method.
    assert sweep.cross_calls >= len(routes) * len(METHODS)
