"""The rapid review meeting: its date and who attended, for which statutory partner.

Quorum (one attendee at least for each of the local authority, health and the
police) is read by ``reviews.selectors.decision.rapid_review_quorum``; the
decision refuses to be recorded without it. The date and the attendees change
only while the review is gathering information (before the decision goes for
sign-off, or after it was sent back).
"""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from partnership.models import Agency, Membership, Partnership, Person, StatutoryPartner
from partnership.selectors import working_day_calendar
from partnership.services import _version_check, tenant_create, tenant_delete, tenant_update
from reviews.models import MeetingAttendee, RapidReview
from reviews.services.decision import _day, _lock, _require_gathering

_NAME_LIMIT = MeetingAttendee._meta.get_field("name").max_length


@transaction.atomic
def rapid_review_meeting_set(
    *,
    partnership: Partnership,
    actor: Person,
    rapid_review: RapidReview,
    meeting_on: date,
    expected_updated_at: datetime | None = None,
) -> RapidReview:
    """Set (or move) the date of the rapid review meeting.

    Refused before the Panel was notified and after the decision has gone for
    sign-off. A date outside the meeting window (working days 7 to 13) is
    accepted: ``reviews.selectors.decision.meeting_window_warning`` says so on
    the page. With ``expected_updated_at``, a change made from an out-of-date
    page is refused (code ``stale``) and nothing is written.
    """
    locked = _lock(partnership=partnership, rapid_review=rapid_review)
    _version_check(instance=locked, expected_updated_at=expected_updated_at, what="this rapid review")
    _require_gathering(locked, what="The meeting date", field="meeting_on")
    notified_on = locked.incident.panel_notified_on
    if meeting_on < notified_on:
        raise ValidationError(
            {"meeting_on": [f"The meeting cannot be before the Panel was notified, on {_day(notified_on)}."]}
        )
    calendar = working_day_calendar(partnership=partnership)
    try:
        calendar.is_working_day(meeting_on)
    except ValueError as exc:
        raise ValidationError({"meeting_on": [str(exc)]}) from exc
    tenant_update(partnership=partnership, actor=actor, instance=locked, data={"meeting_on": meeting_on})
    rapid_review.meeting_on = locked.meeting_on
    rapid_review.updated_at = locked.updated_at
    return locked


def _clean_attendee_text(value: str, *, field: str, label: str, required: bool, errors: dict) -> str:
    value = (value or "").strip()
    if required and not value:
        errors[field] = [f"Enter the attendee's {label}."]
    elif len(value) > _NAME_LIMIT:
        errors[field] = [f"Use at most {_NAME_LIMIT} characters for the {label}."]
    return value


@transaction.atomic
def meeting_attendee_add(
    *,
    partnership: Partnership,
    actor: Person,
    rapid_review: RapidReview,
    name: str = "",
    job_title: str = "",
    agency: Agency | None = None,
    represents: str | None = None,
    member: Membership | None = None,
) -> MeetingAttendee:
    """Add someone to the meeting.

    ``member`` (a member of this partnership) fills in the name, job title
    and agency that are left empty. ``represents`` is the statutory partner
    they speak for: ``None`` takes the agency's own statutory role, ``""``
    means none of the three. Only someone from an agency of that kind can
    represent a partner (a school cannot speak for the police), so the quorum
    cannot be made up by mislabelling. Refused once the decision has gone for
    sign-off, and for the same member twice.
    """
    locked = _lock(partnership=partnership, rapid_review=rapid_review)
    _require_gathering(locked, what="The attendees")
    errors: dict[str, list[str]] = {}
    if member is not None:
        if member.partnership_id != partnership.pk or not member.is_active:
            raise ValidationError({"member": ["Choose an active member of this partnership."]})
        name = name.strip() or member.person.full_name or member.person.email
        job_title = job_title.strip() or member.job_title
        agency = agency or member.agency
    name = _clean_attendee_text(name, field="name", label="name", required=True, errors=errors)
    job_title = _clean_attendee_text(job_title, field="job_title", label="job title", required=False, errors=errors)
    if agency is None:
        errors["agency"] = ["Choose the attendee's agency."]
    elif agency.partnership_id != partnership.pk:
        errors["agency"] = ["Choose an agency of this partnership."]
    if represents is None:
        represents = agency.statutory_partner if agency is not None and agency.partnership_id == partnership.pk else ""
    if represents and represents not in StatutoryPartner.values:
        errors["represents"] = ["Choose the local authority, health, police, or none of them."]
    elif represents and agency is not None and "agency" not in errors and agency.agency_type != represents:
        errors["represents"] = [
            f"Someone from {agency.name} cannot represent "
            f"{StatutoryPartner(represents).label.lower()}: choose an agency of that kind, or none of the partners."
        ]
    if not errors:
        same = MeetingAttendee.objects.in_partnership(partnership).filter(rapid_review=locked)
        if member is not None and same.filter(person=member.person).exists():
            errors["member"] = [f"{name} is already listed as attending."]
        elif same.filter(name__iexact=name, agency=agency).exists():
            errors["name"] = [f"{name} of {agency.name} is already listed as attending."]
    if errors:
        raise ValidationError(errors)
    return tenant_create(
        partnership=partnership,
        actor=actor,
        instance=MeetingAttendee(
            partnership=partnership,
            rapid_review=locked,
            name=name,
            job_title=job_title,
            agency=agency,
            represents=represents,
            person=member.person if member is not None else None,
        ),
    )


@transaction.atomic
def meeting_attendee_remove(
    *, partnership: Partnership, actor: Person, rapid_review: RapidReview, attendee: MeetingAttendee
) -> None:
    """Remove an attendee added by mistake. Refused once the decision has gone for sign-off."""
    locked = _lock(partnership=partnership, rapid_review=rapid_review)
    _require_gathering(locked, what="The attendees")
    attendee = MeetingAttendee.objects.in_partnership(partnership).filter(rapid_review=locked, pk=attendee.pk).first()
    if attendee is None:
        raise ValidationError("That attendee has already been removed.")
    tenant_delete(partnership=partnership, actor=actor, instance=attendee)
