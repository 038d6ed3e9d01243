"""Tenancy that fails closed, at three walls: the manager, the database's constraints, row-level security.

Queries written in tests/ may read across partnerships (tests/conftest.py); the
``strict`` fixture takes that away, so these tests see what application code sees.
"""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.urls import reverse

from partnership import models as tenancy
from partnership import selectors
from partnership.models import Agency, AgencyType, Membership, TenantScopeError
from partnership.selectors import memberships_for_person
from partnership.tenancy_db import tenant_db_scope_enter, tenant_db_scope_exit, tenant_links, tenant_pairs
from tests.factories import membership_make
from tests.reviews.factories import incident_make

on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="row-level security is PostgreSQL's")


@pytest.fixture
def strict(monkeypatch):
    monkeypatch.setattr(tenancy, "TEST_CODE_PATHS", ())


def _refused(queryset_call) -> None:
    with pytest.raises(TenantScopeError, match="names no partnership"):
        queryset_call()


# --- The manager ------------------------------------------------------------------------------


def test_a_query_that_names_no_partnership_is_refused_however_it_runs(strict, world_a, world_b):
    unscoped = Agency.objects.filter(is_active=True)
    _refused(lambda: list(unscoped))
    _refused(unscoped.count)
    _refused(unscoped.exists)
    _refused(unscoped.first)
    _refused(lambda: unscoped.get(pk=world_b.council.pk))
    _refused(lambda: list(unscoped.values_list("name", flat=True)))
    _refused(lambda: list(unscoped.iterator()))
    _refused(lambda: unscoped.aggregate(n=__import__("django").db.models.Count("id")))
    _refused(lambda: unscoped.update(is_active=False))
    _refused(lambda: Agency.objects.filter(pk=world_b.school.pk).delete())
    # Nothing was changed by the refused writes.
    assert Agency.objects.in_partnership(world_b.partnership).filter(is_active=True).count() == 4
    # Repr (a debugger, an error page) says so instead of running it.
    assert "not scoped" in repr(unscoped)


def test_naming_the_partnership_scopes_the_query(strict, world_a, world_b):
    a = world_a.partnership
    assert set(Agency.objects.in_partnership(a)) == {world_a.council, world_a.icb, world_a.police, world_a.school}
    assert Agency.objects.filter(partnership=a).count() == 4
    assert Agency.objects.filter(partnership_id=a.pk).count() == 4
    assert Agency.objects.filter(partnership__slug=a.slug).count() == 4
    assert Agency.objects.filter(partnership_id__in=[a.pk, world_b.partnership.pk]).count() == 8
    assert Agency.objects.filter(Q(partnership=a) & Q(is_active=True)).count() == 4
    # Scoped once, scoped down the chain.
    assert Agency.objects.in_partnership(a).filter(agency_type=AgencyType.POLICE).get() == world_a.police


def test_a_negated_or_optional_partnership_does_not_scope(strict, world_a):
    a = world_a.partnership
    _refused(lambda: list(Agency.objects.exclude(partnership=a)))
    _refused(lambda: list(Agency.objects.filter(Q(partnership=a) | Q(name="Bravo Council"))))
    _refused(lambda: list(Agency.objects.filter(~Q(partnership=a))))
    _refused(lambda: list(Agency.objects.filter(partnership__isnull=False)))
    _refused(lambda: list(Agency.objects.filter(partnership=None)))


def test_a_loaded_parent_row_scopes_the_query_a_bare_id_does_not(strict, world_a, world_b):
    council = world_a.council
    # Related managers hang from a row that was itself read in its partnership.
    assert world_a.business_manager in council.memberships.all()
    assert Membership.objects.filter(agency=council).count() == council.memberships.count()
    assert Membership.objects.filter(agency__in=[council, world_a.school]).exists()
    assert Membership.objects.filter(agency__in=Agency.objects.in_partnership(world_a.partnership)).exists()
    # An id from a URL is not a loaded row: it could be anyone's.
    _refused(lambda: list(Membership.objects.filter(agency_id=world_b.council.pk)))
    _refused(lambda: list(Membership.objects.filter(agency__in=Agency.objects.filter(is_active=True))))
    # A person is not a tenant: their memberships span partnerships, so reading them is a global read.
    _refused(lambda: list(world_a.bm.memberships.all()))


def test_following_a_foreign_key_and_select_related_are_unaffected(strict, world_a):
    membership = Membership.objects.in_partnership(world_a.partnership).select_related("agency").first()
    assert membership.agency.partnership_id == world_a.partnership.pk
    fresh = Membership.objects.in_partnership(world_a.partnership).get(pk=membership.pk)
    assert fresh.agency == membership.agency  # a query through the base manager, by the row's own key
    # Django's uniqueness checks (full_clean) run as the database's constraints do.
    world_a.council.full_clean()


def test_the_escape_hatch_reads_every_partnership(strict, world_a, world_b):
    assert Agency.objects.dangerously_unscoped().count() == 8
    assert Agency.objects.dangerously_unscoped().filter(name__endswith="Council").count() == 2


def test_queries_made_by_application_code_stay_strict_even_in_the_tests(world_a):
    # tests/ may read globally; code elsewhere may not, even when a test runs it.
    made_elsewhere = eval(compile("Agency.objects.filter(is_active=True)", "/app/elsewhere.py", "eval"))  # noqa: S307
    _refused(lambda: list(made_elsewhere))
    assert Agency.objects.filter(is_active=True).count() == 4  # written here: allowed


# --- The database: a child of one partnership cannot name another's row ----------------------------


def _write_and_commit_check(write) -> None:
    with transaction.atomic():
        write()
        # PostgreSQL checks its (deferred) foreign keys at commit; this is the commit's check, made now.
        connection.check_constraints()


def _refused_by_the_database(write) -> None:
    with pytest.raises(IntegrityError):
        _write_and_commit_check(write)


def test_every_foreign_key_between_tenant_models_is_covered():
    from django.apps import apps

    links = {(link.table, link.column) for link in tenant_links(apps)}
    assert ("partnership_membership", "agency_id") in links
    assert ("reviews_contributor", "learning_review_id") in links
    assert ("reviews_informationrequest", "rapid_review_id") in links
    assert ("partnership_signoffaction", "sign_off_id") in links
    # The partnership itself is not a "parent" of this kind; people are not tenants.
    assert not any(column in ("partnership_id", "person_id") for _, column in links)
    # Many-to-many tables with no partnership of their own: a trigger holds both sides to one partnership.
    assert {p.table for p in tenant_pairs(apps)} == {
        "reviews_seriousincident_agencies",
        "learninghub_practitionerfeedbacksession_themes",
        "learninghub_childfeedback_themes",
    }
    # A through model that is a tenant model itself is held by its own foreign keys.
    assert ("partnership_recommendationrounditem", "recommendation_id") in links
    assert ("partnership_action", "plan_id") in links


def test_the_database_refuses_a_child_whose_parent_is_another_partnerships(world_a, world_b):
    person = world_a.bm
    # Past the service layer entirely: a raw create, as a bug or a script would make it.
    _refused_by_the_database(
        lambda: Membership.objects.create(partnership=world_b.partnership, person=person, agency=world_a.council)
    )
    membership = world_a.practitioner
    _refused_by_the_database(
        lambda: (
            Membership.objects.in_partnership(world_a.partnership)
            .filter(pk=membership.pk)
            .update(agency=world_b.school)
        )
    )
    # The same row in its own partnership is accepted.
    made = Membership.objects.create(partnership=world_b.partnership, person=person, agency=world_b.council)
    connection.check_constraints()
    assert made.pk is not None


def test_the_database_refuses_a_parent_moved_to_another_partnership(world_a, world_b):
    # Its memberships would be left behind in the old partnership.
    _refused_by_the_database(
        lambda: (
            Agency.objects.in_partnership(world_a.partnership)
            .filter(pk=world_a.school.pk)
            .update(partnership=world_b.partnership)
        )
    )


def test_the_database_refuses_a_many_to_many_across_partnerships(world_a, world_b):
    incident = incident_make(world_a)
    with pytest.raises(IntegrityError):
        _write_and_commit_check(lambda: incident.agencies.add(world_b.school))
    incident.agencies.add(world_a.school)
    assert world_a.school in incident.agencies.all()


# --- PostgreSQL's row-level security: the second wall ---------------------------------------------


@on_postgresql
@pytest.mark.django_db
def test_a_query_that_forgets_its_filter_inside_a_request_sees_only_that_partnership(
    world_a, world_b, client_for, monkeypatch
):
    # A selector with a bug: it reads every partnership's agencies.
    monkeypatch.setattr(
        selectors, "agency_list", lambda *, partnership, **kw: Agency.objects.dangerously_unscoped().order_by("name")
    )
    response = client_for(world_a.bm).get(reverse("partnership:agency_list", kwargs={"slug": world_a.partnership.slug}))
    assert response.status_code == 200
    page = response.content.decode()
    assert world_a.council.name in page
    assert world_b.council.name not in page
    assert world_b.school.name not in page
    # The request's partnership is cleared when it ends: the test (background work) sees all again.
    assert Agency.objects.dangerously_unscoped().count() == 8


@on_postgresql
def test_row_level_security_hides_and_refuses_other_partnerships_rows(world_a, world_b):
    # Alpha's business manager is also a member of Bravo.
    other = membership_make(partnership=world_b.partnership, agency=world_b.school, roles=[], person=world_a.bm)
    tenant_db_scope_enter(partnership_id=world_a.partnership.pk, person_id=world_a.bm.pk)
    try:
        # Alpha's four agencies, and the Bravo agency of the person's own Bravo membership.
        assert set(Agency.objects.dangerously_unscoped()) == {
            world_a.council,
            world_a.icb,
            world_a.police,
            world_a.school,
            world_b.school,
        }
        # A person's own memberships stay visible (the partnership switcher), nobody else's.
        assert other in memberships_for_person(person=world_a.bm)
        assert not Membership.objects.dangerously_unscoped().filter(pk=world_b.practitioner.pk).exists()
        assert not Agency.objects.dangerously_unscoped().filter(pk=world_b.police.pk).exists()
        # Writing a row of another partnership is refused too.
        with pytest.raises(Exception, match="row-level security"):
            _write_and_commit_check(
                lambda: Agency.objects.create(
                    partnership=world_b.partnership, name="Smuggled", agency_type=AgencyType.OTHER
                )
            )
    finally:
        tenant_db_scope_exit()
    assert Agency.objects.dangerously_unscoped().count() == 8


@on_postgresql
@pytest.mark.django_db
def test_row_level_security_is_forced_on_every_tenant_table():
    from django.apps import apps

    from partnership.tenancy_db import tenant_tables

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname FROM pg_class WHERE relrowsecurity AND relforcerowsecurity AND relname = ANY(%s)",
            [tenant_tables(apps)],
        )
        forced = {row[0] for row in cursor.fetchall()}
    assert forced == set(tenant_tables(apps))
