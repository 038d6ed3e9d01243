"""Professional disagreements: recording without a child's identity, escalation up the stages, resolution, who may
act at which stage, versions, the dashboard's figures (ages in working days, by hand) and the report's section."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from partnership.models import ClosureDay
from scrutiny.models import DisagreementEscalation, ProfessionalDisagreement
from scrutiny.report_sections import ReportScope
from scrutiny.selectors.disagreements import disagreement_figures, disagreements_report_section
from scrutiny.services import disagreements as services
from tests.scrutiny.disagreement_helpers import disagreement_make

pytestmark = pytest.mark.django_db

TODAY = date(2026, 12, 4)  # a Friday


def _escalate(world, d, to, on, *, membership=None, **kw):
    return services.disagreement_escalate(
        partnership=world.partnership,
        actor=None,
        membership=membership or world.business_manager,
        disagreement=d,
        to_stage=to,
        escalated_on=on,
        note=kw.pop("note", "Not agreed between the practitioners."),
        today=TODAY,
        **kw,
    )


def _resolve(world, d, on, *, membership=None, **kw):
    return services.disagreement_resolve(
        partnership=world.partnership,
        actor=None,
        membership=membership or world.business_manager,
        disagreement=d,
        resolved_on=on,
        outcome=kw.pop("outcome", "Assessment opened."),
        learning=kw.pop("learning", "Thresholds document read differently by the two agencies."),
        today=TODAY,
        **kw,
    )


def test_recording_checks_each_field(world_a, world_b):
    with pytest.raises(ValidationError) as exc:
        services.disagreement_record(
            partnership=world_a.partnership,
            actor=None,
            membership=world_a.business_manager,
            raised_by_agency_id=world_b.school.pk,  # another partnership's agency: as missing
            with_agency_id=world_a.council.pk,
            raised_on=TODAY + timedelta(days=1),
            subject_summary="Child born 12/03/2015, NHS 943 476 5919",
            today=TODAY,
        )
    assert set(exc.value.message_dict) == {"raised_by_agency_id", "raised_on", "subject_summary"}
    assert "identify the child" in exc.value.message_dict["subject_summary"][0]
    with pytest.raises(ValidationError) as exc:
        services.disagreement_record(
            partnership=world_a.partnership,
            actor=None,
            membership=world_a.business_manager,
            raised_by_agency_id=world_a.council.pk,
            with_agency_id=world_a.council.pk,
            raised_on=TODAY,
            subject_summary="",
            today=TODAY,
        )
    assert set(exc.value.message_dict) == {"with_agency_id", "subject_summary"}


def test_an_agency_lead_records_only_their_own_agencys(world_a):
    # The agency lead works for the school.
    with pytest.raises(PermissionDenied):
        services.disagreement_record(
            partnership=world_a.partnership,
            actor=None,
            membership=world_a.agency_lead,
            raised_by_agency_id=world_a.police.pk,
            with_agency_id=world_a.council.pk,
            raised_on=TODAY,
            subject_summary="Strategy discussion not held.",
            today=TODAY,
        )
    d = services.disagreement_record(
        partnership=world_a.partnership,
        actor=world_a.agency_lead.person,
        membership=world_a.agency_lead,
        raised_by_agency_id=world_a.school.pk,
        with_agency_id=world_a.council.pk,
        raised_on=TODAY,
        subject_summary="Strategy discussion not held.",
        today=TODAY,
    )
    assert (d.stage, d.state) == ("practitioner", "open")


def test_escalation_goes_up_dated_and_noted(world_a):
    d = disagreement_make(world_a, raised_on=date(2026, 11, 2), today=TODAY)
    _escalate(world_a, d, "manager", date(2026, 11, 5))
    for to, on, field in (
        ("practitioner", date(2026, 11, 6), "to_stage"),  # back down
        ("manager", date(2026, 11, 6), "to_stage"),  # the same stage
        ("senior_manager", date(2026, 11, 4), "escalated_on"),  # before the last move
        ("senior_manager", TODAY + timedelta(days=1), "escalated_on"),  # in the future
    ):
        with pytest.raises(ValidationError) as exc:
            _escalate(world_a, d, to, on)
        assert field in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        _escalate(world_a, d, "senior_manager", date(2026, 11, 9), note=" ")
    assert "note" in exc.value.message_dict
    _escalate(world_a, d, "scrutineer", date(2026, 11, 10))  # stages may be skipped
    rows = list(
        DisagreementEscalation.objects.in_partnership(world_a.partnership).values_list("from_stage", "to_stage")
    )
    assert rows == [("practitioner", "manager"), ("manager", "scrutineer")]


def test_at_the_scrutineers_stage_only_the_scrutineer_acts(world_a):
    d = disagreement_make(world_a, raised_on=date(2026, 11, 2), today=TODAY)
    with pytest.raises(PermissionDenied):  # the police lead: not a party, not a business manager
        _escalate(world_a, d, "manager", date(2026, 11, 3), membership=world_a.police_lead)
    _escalate(world_a, d, "manager", date(2026, 11, 3), membership=world_a.agency_lead)  # the school is a party
    _escalate(world_a, d, "scrutineer", date(2026, 11, 4))
    with pytest.raises(PermissionDenied):
        _resolve(world_a, d, date(2026, 11, 5))  # the business manager, at the scrutineer's stage
    _resolve(world_a, d, date(2026, 11, 5), membership=world_a.scrutineer)
    d.refresh_from_db()
    assert (d.state, d.resolved_on, d.outcome) == ("resolved", date(2026, 11, 5), "Assessment opened.")


def test_resolving_checks_and_closes(world_a):
    d = disagreement_make(world_a, raised_on=date(2026, 11, 2), today=TODAY)
    with pytest.raises(ValidationError) as exc:
        _resolve(world_a, d, date(2026, 11, 1), outcome="")
    assert set(exc.value.message_dict) == {"resolved_on", "outcome"}
    _resolve(world_a, d, date(2026, 11, 2))
    with pytest.raises(ValidationError) as exc:
        _resolve(world_a, d, date(2026, 11, 3))
    assert exc.value.code == "refused_move"
    with pytest.raises(ValidationError) as exc:
        _escalate(world_a, d, "manager", date(2026, 11, 3))
    assert exc.value.code == "closed"


def test_a_stale_escalation_is_refused(world_a):
    d = disagreement_make(world_a, raised_on=date(2026, 11, 2), today=TODAY)
    read = d.updated_at
    _escalate(world_a, d, "manager", date(2026, 11, 3), expected_updated_at=read)
    with pytest.raises(ValidationError) as exc:
        _escalate(world_a, d, "senior_manager", date(2026, 11, 4), expected_updated_at=read)
    assert exc.value.code == "stale"


@pytest.fixture
def counted(world_a, world_b):
    """By hand, to Friday 4 December 2026 with a closure day on Wednesday 2 December (no bank holiday between):
    raised Fri 20 Nov: 9 working days (23-27 Nov, 30 Nov, 1, 3, 4 Dec), at the manager stage;
    raised Tue 1 Dec: 2 (3, 4 Dec), practitioner; raised Fri 27 Nov: 4 (30 Nov, 1, 3, 4 Dec), senior manager;
    one resolved and world_b's open one never counted. Median 4, oldest 9."""
    ClosureDay.objects.create(partnership=world_a.partnership, date=date(2026, 12, 2), reason="Winter closure")
    a = disagreement_make(world_a, raised_on=date(2026, 11, 20), today=TODAY)
    _escalate(world_a, a, "manager", date(2026, 11, 24))
    disagreement_make(world_a, raised_on=date(2026, 12, 1), today=TODAY)
    c = disagreement_make(world_a, raised_on=date(2026, 11, 27), today=TODAY)
    _escalate(world_a, c, "senior_manager", date(2026, 11, 30))
    resolved = disagreement_make(world_a, raised_on=date(2026, 10, 1), today=TODAY)
    _resolve(world_a, resolved, date(2026, 10, 9))
    disagreement_make(world_b, raised_on=date(2026, 1, 5), today=TODAY)
    return world_a


def test_figures_by_stage_and_age_in_working_days(counted, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        figures = disagreement_figures(partnership=counted.partnership, today=TODAY)
    assert [(s.stage, s.open) for s in figures.stages] == [
        ("practitioner", 1),
        ("manager", 1),
        ("senior_manager", 1),
        ("scrutineer", 0),
    ]
    assert (figures.open, figures.resolved, figures.median_age, figures.oldest_age) == (3, 1, 4, 9)


def test_figures_with_nothing_open(world_a):
    figures = disagreement_figures(partnership=world_a.partnership, today=TODAY)
    assert (figures.open, figures.median_age, figures.oldest_age) == (0, None, None)


def test_the_report_section_names_agencies_never_the_subject(counted):
    scope = ReportScope(
        partnership=counted.partnership, start=date(2026, 10, 1), end=date(2026, 12, 31), kind="quarterly"
    )
    section = disagreements_report_section(scope)
    table = section.tables[0]
    assert len(table.rows) == 4
    assert not any("Child A" in cell for row in table.rows for cell in row)
    assert table.rows[0][:5] == ("1 Oct 2026", "Alpha Primary School", "Alpha Council", "Practitioner", "Resolved")
    assert "4 professional disagreements" in section.paragraphs[0]
    none = ReportScope(partnership=counted.partnership, start=date(2025, 1, 1), end=date(2025, 3, 31), kind="quarterly")
    assert disagreements_report_section(none) is None
    assert ProfessionalDisagreement.objects.in_partnership(counted.partnership).count() == 4
