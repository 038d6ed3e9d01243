"""Pages of a learning hub cycle's membership: the members tab, nominating, shortlisting, declining, withdrawing,
putting the shortlist to the partners; each role's rights, other partnerships' ids, bad input, query counts."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from learninghub.models import HubNomination, HubRole
from partnership.models import Document, DocumentVersion
from tests.factories import membership_make
from tests.learninghub.helpers import cycle_make
from tests.learninghub.member_helpers import approve_by_all, nominate, shortlist, submit

pytestmark = pytest.mark.django_db
State = HubNomination.State


def _url(world, name, **kwargs):
    return reverse(f"learninghub:{name}", kwargs={"slug": world.partnership.slug, **kwargs})


@pytest.fixture
def cycle(world_a):
    return cycle_make(world_a)


def test_a_partner_lead_nominates_from_the_members_tab(world_a, cycle, client_for):
    client = client_for(world_a.health_lead.person)
    members = client.get(_url(world_a, "cycle_members", hub_cycle_id=cycle.pk))
    assert members.status_code == 200
    assert b'data-testid="nominate-link"' in members.content
    assert client.get(_url(world_a, "nomination_create", hub_cycle_id=cycle.pk)).status_code == 200
    response = client.post(
        _url(world_a, "nomination_create", hub_cycle_id=cycle.pk),
        {
            "member_id": str(world_a.practitioner.pk),
            "hub_role": HubRole.PRACTITIONER,
            "agency_id": "",
            "why": "Runs the missing panel",
        },
    )
    assert response.status_code == 302, response.content
    nomination = HubNomination.objects.get()
    assert (nomination.member, nomination.agency, nomination.state) == (
        world_a.practitioner,
        world_a.school,
        State.NOMINATED,
    )
    content = client.get(response["Location"]).content.decode()
    assert "Runs the missing panel" in content
    assert "Nominated" in content


@pytest.mark.parametrize(
    ("data", "fields"),
    [
        ({"member_id": "", "hub_role": ""}, {"member_id", "hub_role"}),
        ({"member_id": "OTHER", "hub_role": "practitioner"}, {"member_id"}),
        ({"member_id": "MEMBER", "hub_role": "chair"}, {"hub_role"}),
        ({"member_id": "MEMBER", "hub_role": "manager", "agency_id": "OTHER_AGENCY"}, {"agency_id"}),
        ({"member_id": "MEMBER", "hub_role": "manager", "why": "x" * 2001}, {"why"}),
    ],
)
def test_bad_nominations_show_field_errors_with_a_summary(world_a, world_b, cycle, client_for, data, fields):  # noqa: PLR0917
    values = {
        "OTHER": str(world_b.practitioner.pk),
        "MEMBER": str(world_a.practitioner.pk),
        "OTHER_AGENCY": str(world_b.school.pk),
    }
    data = {k: values.get(v, v) for k, v in data.items()}
    response = client_for(world_a.la_lead.person).post(_url(world_a, "nomination_create", hub_cycle_id=cycle.pk), data)
    assert response.status_code == 400
    assert set(response.context["form"].errors) == fields
    assert b"error-summary" in response.content
    assert not HubNomination.objects.exists()


def test_a_duplicate_nomination_is_refused_beside_the_field(world_a, cycle, client_for):
    nominate(world_a, cycle, world_a.practitioner)
    response = client_for(world_a.police_lead.person).post(
        _url(world_a, "nomination_create", hub_cycle_id=cycle.pk),
        {"member_id": str(world_a.practitioner.pk), "hub_role": "practitioner"},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["member_id"] == ["This person has already been nominated for this cycle."]


def test_an_agency_lead_is_offered_their_own_agencys_people_only(world_a, cycle, client_for):
    response = client_for(world_a.agency_lead.person).get(_url(world_a, "nomination_create", hub_cycle_id=cycle.pk))
    offered = {value for value, _ in response.context["form"].fields["member_id"].choices if value}
    assert offered == {str(m.pk) for m in (world_a.practitioner, world_a.agency_lead, world_a.observer)}


@pytest.mark.parametrize("role", ["practitioner", "scrutineer", "lay_member", "observer"])
def test_other_roles_read_the_tab_but_do_not_nominate_or_shortlist(world_a, cycle, client_for, role):
    nomination = nominate(world_a, cycle, world_a.agency_lead)
    client = client_for(getattr(world_a, role).person)
    page = client.get(_url(world_a, "cycle_members", hub_cycle_id=cycle.pk))
    assert page.status_code == 200
    assert b"nominate-link" not in page.content
    assert b"Alpha Agency Lead" not in page.content  # an open nomination is for those who run it
    assert client.get(_url(world_a, "nomination_create", hub_cycle_id=cycle.pk)).status_code == 403
    kwargs = {"hub_cycle_id": cycle.pk, "hub_nomination_id": nomination.pk}
    assert client.post(_url(world_a, "nomination_shortlist", **kwargs)).status_code == 403
    assert client.post(_url(world_a, "nomination_decline", **kwargs), {"reason": "No"}).status_code == 403
    assert client.post(_url(world_a, "membership_submit", hub_cycle_id=cycle.pk)).status_code == 403
    assert HubNomination.objects.get().state == State.NOMINATED


@pytest.mark.parametrize("role", ["la_lead", "agency_lead"])
def test_nominators_do_not_shortlist_or_submit(world_a, cycle, client_for, role):
    nomination = nominate(world_a, cycle, world_a.practitioner)
    client = client_for(getattr(world_a, role).person)
    kwargs = {"hub_cycle_id": cycle.pk, "hub_nomination_id": nomination.pk}
    assert client.post(_url(world_a, "nomination_shortlist", **kwargs)).status_code == 403
    assert client.get(_url(world_a, "nomination_decline", **kwargs)).status_code == 403
    assert client.post(_url(world_a, "membership_submit", hub_cycle_id=cycle.pk)).status_code == 403


def test_the_business_manager_shortlists_declines_and_submits(
    world_a, cycle, client_for, django_capture_on_commit_callbacks
):
    one = nominate(world_a, cycle, world_a.practitioner)
    two = nominate(world_a, cycle, world_a.lay_member, by=world_a.health_lead)
    client = client_for(world_a.bm)
    kwargs = {"hub_cycle_id": cycle.pk}
    assert client.post(_url(world_a, "nomination_shortlist", **kwargs, hub_nomination_id=one.pk)).status_code == 302
    decline = _url(world_a, "nomination_decline", **kwargs, hub_nomination_id=two.pk)
    assert client.get(decline).status_code == 200
    refused = client.post(decline, {"reason": ""})
    assert refused.status_code == 400
    assert b"error-summary" in refused.content
    assert client.post(decline, {"reason": "Already on the neglect hub"}).status_code == 302
    page = client.get(_url(world_a, "cycle_members", **kwargs)).content.decode()
    assert "Already on the neglect hub" in page
    assert 'data-testid="submit-form"' in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url(world_a, "membership_submit", **kwargs))
    assert response.status_code == 302
    assert response["Location"].endswith("#sign-off")
    assert HubNomination.objects.get(pk=one.pk).state == State.SUBMITTED
    page = client.get(_url(world_a, "cycle_members", **kwargs)).content.decode()
    assert 'data-testid="sign-off-panel"' in page
    assert 'data-testid="awaiting"' in page
    # Submitting twice is refused with a message, not an error page.
    again = client.post(_url(world_a, "membership_submit", **kwargs), follow=True)
    assert "already awaiting" in again.content.decode()


def test_a_partner_lead_is_sent_to_decide_and_members_see_who_was_confirmed(world_a, cycle, client_for):
    one = nominate(world_a, cycle, world_a.practitioner)
    shortlist(world_a, one)
    round_ = submit(world_a, cycle)
    url = _url(world_a, "cycle_members", hub_cycle_id=cycle.pk)
    lead_page = client_for(world_a.la_lead.person).get(url).content.decode()
    assert 'data-testid="decide-link"' in lead_page
    approve_by_all(world_a, round_)
    page = client_for(world_a.observer.person).get(url).content.decode()
    assert 'data-testid="confirmed-members"' in page
    assert "Alpha Practitioner" in page


def test_the_member_reads_their_letter_and_another_practitioner_does_not(world_a, cycle, client_for):
    one = nominate(world_a, cycle, world_a.practitioner)
    shortlist(world_a, one)
    approve_by_all(world_a, submit(world_a, cycle))
    version = DocumentVersion.objects.get(document__in=Document.objects.filter(subject_id=one.pk))
    status = reverse("partnership:document_status", kwargs={"slug": world_a.partnership.slug, "version_id": version.pk})
    assert client_for(world_a.practitioner.person).get(status).status_code == 200
    other = membership_make(partnership=world_a.partnership, agency=world_a.school, roles=["practitioner"])
    assert client_for(other.person).get(status).status_code in (403, 404)
    assert client_for(world_a.police_lead.person).get(status).status_code == 200


def test_withdrawing_by_the_nominator(world_a, cycle, client_for):
    nomination = nominate(world_a, cycle, world_a.practitioner, by=world_a.police_lead)
    kwargs = {"hub_cycle_id": cycle.pk, "hub_nomination_id": nomination.pk}
    assert client_for(world_a.la_lead.person).post(_url(world_a, "nomination_withdraw", **kwargs)).status_code == 403
    assert (
        client_for(world_a.police_lead.person).post(_url(world_a, "nomination_withdraw", **kwargs)).status_code == 302
    )
    assert HubNomination.objects.get().state == State.WITHDRAWN


def test_another_partnerships_cycle_and_nominations_are_missing(world_a, world_b, cycle, client_for):
    nomination = nominate(world_a, cycle, world_a.practitioner)
    client = client_for(world_b.bm)
    slug = world_b.partnership.slug
    assert (
        client.get(reverse("learninghub:cycle_members", kwargs={"slug": slug, "hub_cycle_id": cycle.pk})).status_code
        == 404
    )
    other_cycle = cycle_make(world_b)
    for name in ("nomination_shortlist", "nomination_withdraw", "nomination_decline"):
        url = reverse(
            f"learninghub:{name}",
            kwargs={"slug": slug, "hub_cycle_id": other_cycle.pk, "hub_nomination_id": nomination.pk},
        )
        assert client.post(url, {"reason": "x"}).status_code == 404
    assert (
        client.get(
            reverse("learninghub:cycle_members", kwargs={"slug": world_a.partnership.slug, "hub_cycle_id": cycle.pk})
        ).status_code
        == 404
    )
    assert HubNomination.objects.get().state == State.NOMINATED


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.usefixtures("drawn_afresh")  # the drawn body's context and reads
def test_the_members_tab_query_count_is_pinned_and_does_not_grow(
    world_a, cycle, client_for, django_assert_max_num_queries
):
    first = nominate(world_a, cycle, world_a.practitioner)
    shortlist(world_a, first)
    round_ = submit(world_a, cycle)
    client = client_for(world_a.la_lead.person)
    url = _url(world_a, "cycle_members", hub_cycle_id=cycle.pk)
    # Session, person, memberships, the cycle, nominations with people and agencies, the latest round, its
    # sign-off and the sign-off's actions.
    with django_assert_max_num_queries(9):
        client.get(url)
    before = _count(client, url)
    for n in range(5):
        extra = membership_make(
            partnership=world_a.partnership, agency=world_a.council, roles=["practitioner"], full_name=f"Extra {n}"
        )
        nominate(world_a, cycle, extra)
    approve_by_all(world_a, round_)
    assert _count(client, url) == before
