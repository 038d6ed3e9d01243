"""Declared subjects: approver sets, the one sign-off hook, per-object document access, nothing orphaned.

The kernel learns what it needs of a subject from its ``SubjectType``
(``partnership.subjects``). These tests use the kernel's own subject (an
agency) and named people as approvers, through the services and the pages.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from partnership.models import (
    AccessGrant,
    Agency,
    AgencyType,
    Deadline,
    DeadlineNotice,
    Document,
    DocumentVersion,
    HistoryEntry,
    Membership,
    Role,
    SignOff,
    SignOffAction,
)
from partnership.models.signoff import STATUTORY_APPROVERS, Approver
from partnership.selectors.documents import documents_for_subject
from partnership.services import tenant_delete
from partnership.services.deadlines import deadline_set
from partnership.services.documents import document_render_request
from partnership.services.signoff import sign_off_approve, sign_off_request, sign_off_send_back
from partnership.subjects import _REGISTRY, AgencySubject, subject_type_for, subject_url
from tests.factories import AgencyFactory, World, membership_make

TEMPLATE = "test_documents/outcomes.html"
TEST_TEMPLATES = Path(__file__).parent / "templates"


@pytest.fixture(autouse=True)
def _test_templates(settings):
    engine = settings.TEMPLATES[0]
    settings.TEMPLATES = [{**engine, "DIRS": [*engine["DIRS"], TEST_TEMPLATES]}]


def _governance(world: World) -> tuple[Membership, Membership]:
    """A head teacher and a governor of the school: neither holds a sign-off role."""
    head = membership_make(
        partnership=world.partnership, agency=world.school, roles=[Role.PRACTITIONER], full_name="Head Teacher"
    )
    governor = membership_make(
        partnership=world.partnership, agency=world.school, roles=[Role.LAY_MEMBER], full_name="Chair of Governors"
    )
    return head, governor


def _s175_approvers(head: Membership, governor: Membership) -> list[Approver]:
    return [Approver.person(head.person, label="Head teacher"), Approver.person(governor.person, label="Governor")]


def _approve(world, sign_off, membership, **kwargs):
    return sign_off_approve(partnership=world.partnership, membership=membership, sign_off=sign_off, **kwargs)


# --- Approver sets ---------------------------------------------------------------------------------


def test_the_three_statutory_partners_are_the_default_set(world_a):
    sign_off = sign_off_request(partnership=world_a.partnership, actor=world_a.bm, subject=world_a.school)
    assert sign_off.approver_set == STATUTORY_APPROVERS
    assert sign_off.is_statutory


def test_named_people_sign_off_and_nobody_else_can(world_a, mailoutbox, django_capture_on_commit_callbacks):
    head, governor = _governance(world_a)
    sign_off = sign_off_request(
        partnership=world_a.partnership,
        actor=world_a.bm,
        subject=world_a.school,
        approvers=_s175_approvers(head, governor),
    )
    assert not sign_off.is_statutory

    # A partner lead is no approver of this one.
    with pytest.raises(ValidationError, match="Only Head teacher and Governor can sign off") as refused:
        _approve(world_a, sign_off, world_a.la_lead)
    assert refused.value.code == "not_partner_lead"
    with pytest.raises(ValidationError, match="You cannot sign off for “Governor”"):
        _approve(world_a, sign_off, head, partner=f"person:{governor.person_id}")

    assert _approve(world_a, sign_off, head).state == SignOff.State.AWAITING
    with django_capture_on_commit_callbacks(execute=True):
        assert _approve(world_a, sign_off, governor).state == SignOff.State.APPROVED

    decisions = list(SignOffAction.objects.filter(action="approved").order_by("id"))
    assert [(d.partner, d.approver_label) for d in decisions] == [
        (f"person:{head.person_id}", "Head teacher"),
        (f"person:{governor.person_id}", "Governor"),
    ]
    approved_mail = [m for m in mailoutbox if "Signed off" in m.subject]
    assert len(approved_mail) == 1
    assert "Signed off by every approver" in approved_mail[0].subject
    assert "Head teacher and Governor" in approved_mail[0].body


def test_a_role_within_one_agency_admits_only_that_agencys_holders(world_a):
    other_school = AgencyFactory(partnership=world_a.partnership, name="Other School", agency_type=AgencyType.EDUCATION)
    other_lead = membership_make(partnership=world_a.partnership, agency=other_school, roles=[Role.AGENCY_LEAD])
    approver = Approver(
        key="school-lead", label="The school's lead", role=Role.AGENCY_LEAD, agency_id=world_a.school.pk
    )
    sign_off = sign_off_request(
        partnership=world_a.partnership, actor=world_a.bm, subject=world_a.school, approvers=[approver]
    )

    with pytest.raises(ValidationError):
        _approve(world_a, sign_off, other_lead)
    assert _approve(world_a, sign_off, world_a.agency_lead).state == SignOff.State.APPROVED


def test_a_send_back_and_a_resubmission_may_name_a_new_set(world_a):
    head, governor = _governance(world_a)
    sign_off = sign_off_request(
        partnership=world_a.partnership,
        actor=world_a.bm,
        subject=world_a.school,
        approvers=_s175_approvers(head, governor),
    )
    sign_off_send_back(partnership=world_a.partnership, membership=governor, sign_off=sign_off, comment="Not yet.")
    assert SignOff.objects.get().state == SignOff.State.SENT_BACK

    again = sign_off_request(
        partnership=world_a.partnership,
        actor=world_a.bm,
        subject=world_a.school,
        approvers=[Approver.person(head.person, label="Head teacher")],
    )
    assert (again.round, [a.label for a in again.approver_set]) == (2, ["Head teacher"])
    assert _approve(world_a, again, head).state == SignOff.State.APPROVED
    assert HistoryEntry.objects.filter(object_id=again.pk, changes__has_key="approvers").count() == 2


@pytest.mark.parametrize(
    ("approvers", "message"),
    [
        ([], "Name at least one approver."),
        ([Approver(key="a", label="A", role=Role.OBSERVER)] * 2, "Each approver is named once."),
    ],
)
def test_an_approver_set_must_be_sound(world_a, approvers, message):
    with pytest.raises(ValidationError, match=message):
        sign_off_request(partnership=world_a.partnership, actor=world_a.bm, subject=world_a.school, approvers=approvers)
    assert not SignOff.objects.exists()


def test_an_approver_names_a_role_or_a_person():
    with pytest.raises(ValueError, match="neither a role nor a person"):
        Approver(key="nobody", label="Nobody")
    with pytest.raises(ValueError, match="Unknown role"):
        Approver(key="x", label="X", role="king")


def test_an_approver_may_open_their_sign_off_page_and_decide_there(world_a, client_for):
    head, governor = _governance(world_a)
    sign_off = sign_off_request(
        partnership=world_a.partnership,
        actor=world_a.bm,
        subject=world_a.school,
        approvers=_s175_approvers(head, governor),
    )
    page = reverse("partnership:sign_off_detail", kwargs={"slug": world_a.partnership.slug, "sign_off_id": sign_off.pk})
    client = client_for(governor.person)

    response = client.get(page)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Round 1: 0 of 2 approvers have approved." in html
    assert "Your decision for Governor" in html

    response = client.post(page, {"sign_off-decision": "approve", "sign_off-round": "1"})
    assert response.status_code == 302
    assert SignOffAction.objects.filter(action="approved", partner=f"person:{governor.person_id}").exists()
    # Someone neither a reader of sign-offs nor an approver of this one is kept out, as before.
    assert client_for(world_a.observer.person).get(page).status_code == 403


# --- The one hook ----------------------------------------------------------------------------------


class _RecordingAgencySubject(AgencySubject):
    calls: list[tuple[str, str]] = []

    def sign_off_settled(self, *, partnership, subject, sign_off, actor, reason):
        self.calls.append((sign_off.state, reason))


@pytest.fixture
def recording_hook():
    declared = _REGISTRY[Agency]
    recorder = _RecordingAgencySubject()
    recorder.model = Agency
    recorder.calls = []
    _REGISTRY[Agency] = recorder
    yield recorder
    _REGISTRY[Agency] = declared


def test_the_subject_is_told_once_when_a_round_completes_or_is_sent_back(world_a, recording_hook, client_for):
    sign_off = sign_off_request(partnership=world_a.partnership, actor=world_a.bm, subject=world_a.school)
    _approve(world_a, sign_off, world_a.la_lead)
    _approve(world_a, sign_off, world_a.health_lead)
    assert recording_hook.calls == []  # not settled yet
    sign_off_send_back(
        partnership=world_a.partnership, membership=world_a.police_lead, sign_off=sign_off, comment="Wrong date."
    )
    assert recording_hook.calls == [(SignOff.State.SENT_BACK, "Wrong date.")]

    sign_off_request(partnership=world_a.partnership, actor=world_a.bm, subject=world_a.school)
    page = reverse("partnership:sign_off_detail", kwargs={"slug": world_a.partnership.slug, "sign_off_id": sign_off.pk})
    for lead in (world_a.la_lead, world_a.health_lead, world_a.police_lead):
        client_for(lead.person).post(page, {"sign_off-decision": "approve", "sign_off-round": "2"})
    assert recording_hook.calls[-1] == (SignOff.State.APPROVED, "")
    assert len(recording_hook.calls) == 2


def test_a_refusal_by_the_subjects_workflow_writes_nothing(world_a, recording_hook):
    def refuse(*, partnership, subject):
        raise ValidationError("The school is closed for the summer.", code="wrong_state")

    recording_hook.sign_off_prepare = refuse
    sign_off = sign_off_request(partnership=world_a.partnership, actor=world_a.bm, subject=world_a.school)
    with pytest.raises(ValidationError, match="closed for the summer"):
        _approve(world_a, sign_off, world_a.la_lead)
    assert not SignOffAction.objects.filter(action="approved").exists()


# --- Declared, computed, never orphaned --------------------------------------------------------------


def test_only_a_declared_subject_carries_deadlines_documents_and_sign_offs(world_a):
    undeclared = world_a.business_manager  # a membership: a tenant row, but not a subject
    with pytest.raises(LookupError, match="not a declared subject"):
        deadline_set(
            partnership=world_a.partnership,
            subject=undeclared,
            kind="x",
            title="x",
            due_on=timezone.localdate() + timedelta(days=9),
        )
    with pytest.raises(LookupError):
        sign_off_request(partnership=world_a.partnership, actor=world_a.bm, subject=undeclared)
    assert isinstance(subject_type_for(world_a.school), AgencySubject)


def test_a_subjects_url_is_computed_from_its_current_route(world_a):
    assert subject_url(world_a.school) == f"/p/{world_a.partnership.slug}/manage/agencies/{world_a.school.pk}/"
    assert subject_url(None) == ""


def test_deleting_a_subject_leaves_nothing_pointing_at_it(world_a, world_b):
    agency = AgencyFactory(partnership=world_a.partnership, name="Closing Nursery")
    keep = world_a.school
    due = timezone.localdate() - timedelta(days=3)
    for subject in (agency, keep):
        deadline = deadline_set(partnership=world_a.partnership, subject=subject, kind="s11", title="S11", due_on=due)
        DeadlineNotice.objects.create(partnership=world_a.partnership, deadline=deadline, kind="breach", due_on=due)
        sign_off_request(partnership=world_a.partnership, actor=world_a.bm, subject=subject)
        document_render_request(
            partnership=world_a.partnership,
            actor=world_a.bm,
            subject=subject,
            kind="s11_summary",
            title="Section 11 summary",
            template_name=TEMPLATE,
            context={"review_name": "Section 11 summary"},
        )
        AccessGrant.objects.create(
            partnership=world_a.partnership,
            content_type_id=_agency_type(),
            object_id=subject.pk,
            object_repr=str(subject),
            fields=["name"],
            grantee=world_b.bm,
            grantee_partnership=world_b.partnership,
            purpose="Learning from a neighbour",
            ends_on=timezone.localdate() + timedelta(days=30),
        )

    agency_id = agency.pk
    tenant_delete(partnership=world_a.partnership, actor=world_a.bm, instance=agency)

    for model, id_field in (
        (Deadline, "subject_id"),
        (SignOff, "subject_id"),
        (Document, "subject_id"),
        (AccessGrant, "object_id"),
    ):
        assert not model.objects.filter(**{id_field: agency_id}).exists(), model.__name__
        assert model.objects.filter(**{id_field: keep.pk}).count() == 1, model.__name__
    assert DeadlineNotice.objects.count() == 1
    assert DocumentVersion.objects.count() == 1
    # The history stays: it is the record of what was there and who removed it.
    assert HistoryEntry.objects.filter(object_id=agency_id, action=HistoryEntry.Action.DELETED).exists()


def _agency_type() -> int:
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(Agency).pk


# --- Documents readable per object ---------------------------------------------------------------------


@pytest.fixture
def two_schools(world_a, world_b):
    """A Section 11 summary of world A's school, for its business managers and the school's own agency lead."""
    other_school = AgencyFactory(partnership=world_a.partnership, name="Other School", agency_type=AgencyType.EDUCATION)
    other_lead = membership_make(partnership=world_a.partnership, agency=other_school, roles=[Role.AGENCY_LEAD])
    version = document_render_request(
        partnership=world_a.partnership,
        actor=world_a.bm,
        subject=world_a.school,
        kind="s11_summary",
        title="Section 11 summary",
        template_name=TEMPLATE,
        context={"review_name": "Section 11 summary"},
        audience=[Role.BUSINESS_MANAGER, Role.AGENCY_LEAD],
    )
    return version, other_lead


def _status(world, version) -> str:
    return reverse("partnership:document_status", kwargs={"slug": world.partnership.slug, "version_id": version.pk})


def _download(world, version) -> str:
    return reverse("partnership:document_download", kwargs={"slug": world.partnership.slug, "version_id": version.pk})


def test_an_agency_lead_opens_their_own_agencys_document_and_nobody_elses(world_a, world_b, two_schools, client_for):
    version, other_lead = two_schools
    for member, expected in (
        (world_a.agency_lead, 200),  # the school's own agency lead
        (world_a.business_manager, 200),  # a partnership-wide role in the audience
        (other_lead, 404),  # an agency lead, but of another school: as if it did not exist
        (world_a.practitioner, 404),  # the school's, but a role the document does not name
    ):
        client = client_for(member.person)
        assert client.get(_status(world_a, version)).status_code == expected, member
        assert client.get(_download(world_a, version)).status_code in ({200: (200, 302), 404: (404,)}[expected]), member

    listed = {
        member: [
            d.pk
            for d in documents_for_subject(partnership=world_a.partnership, subject=world_a.school, membership=member)
        ]
        for member in (world_a.agency_lead, other_lead)
    }
    assert listed == {world_a.agency_lead: [version.document_id], other_lead: []}


def test_another_partnerships_agency_lead_gets_404_like_a_missing_document(world_a, world_b, two_schools, client_for):
    version, _ = two_schools
    client = client_for(world_b.agency_lead.person)
    assert client.get(_status(world_b, version)).status_code == 404
    assert client.get(_status(world_a, version)).status_code == 404
    assert client.get(_download(world_b, version)).status_code == 404
