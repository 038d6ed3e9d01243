"""Reads for the rapid review meeting, its decision, the partners' sign-off and the Panel submission.

Every lookup takes the partnership explicitly; a rapid review or attendee of
another partnership is a 404, exactly like a missing one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.formats import date_format

from partnership.models import (
    PARTNER_LEAD_ROLES,
    Agency,
    Membership,
    MembershipRole,
    Partnership,
    Role,
    SignOff,
    SignOffAction,
    StatutoryPartner,
)
from partnership.selectors import working_day_calendar
from partnership.selectors.signoff import SignOffPanel, sign_off_for_subject, sign_off_panel
from partnership.working_days import WorkingDayCalendar
from reviews.models import (
    MEETING_WINDOW_CLOSES_DAY,
    MEETING_WINDOW_OPENS_DAY,
    PANEL_SUBMISSION_DAY,
    InformationRequest,
    MeetingAttendee,
    RapidReview,
    RapidReviewDecision,
)

# Quorum: at least one attendee speaking for each of the three statutory partners (Working Together 2023).
QUORUM_PARTNERS: tuple[str, ...] = (
    StatutoryPartner.LOCAL_AUTHORITY,
    StatutoryPartner.HEALTH,
    StatutoryPartner.POLICE,
)
# How each partner reads in a sentence: "no one attended for the local authority, health and police".
_PARTNER_IN_A_SENTENCE = {
    StatutoryPartner.LOCAL_AUTHORITY: "the local authority",
    StatutoryPartner.HEALTH: "health",
    StatutoryPartner.POLICE: "police",
}

# Who is told the outcome in each agency involved: the people who answer for the agency in the
# partnership (business managers, agency leads, partner leads), plus the named person who gave the
# agency's return for this review. Practitioners, lay members and observers are not written to.
OUTCOME_RECIPIENT_ROLES: tuple[str, ...] = (Role.BUSINESS_MANAGER, Role.AGENCY_LEAD, *PARTNER_LEAD_ROLES)


def _day(value: date) -> str:
    return date_format(value, "j F Y")


def _joined(words: list[str]) -> str:
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


# --- Lookups ----------------------------------------------------------------------


def rapid_review_get_for_decision(*, partnership: Partnership, rapid_review_id: int) -> RapidReview:
    """One rapid review of this partnership with its incident and decision loaded (404 otherwise).

    Also what the review's own page reads (who recorded the incident included): its decision
    section then needs no query of its own for the decision.
    """
    rapid_review = (
        RapidReview.objects.in_partnership(partnership)
        .select_related(
            "partnership",
            "incident",
            "incident__referring_agency",
            "incident__recorded_by",
            "decision",
            "decision__recorded_by",
        )
        .filter(pk=rapid_review_id)
        .first()
    )
    if rapid_review is None:
        raise Http404("No such rapid review.")
    return rapid_review


def rapid_review_decision_or_none(*, rapid_review: RapidReview) -> RapidReviewDecision | None:
    """The decision, if one has been recorded (reads the cached reverse one-to-one when loaded)."""
    try:
        return rapid_review.decision
    except RapidReviewDecision.DoesNotExist:
        return None


def meeting_attendee_list(*, partnership: Partnership, rapid_review: RapidReview) -> QuerySet[MeetingAttendee]:
    return (
        MeetingAttendee.objects.in_partnership(partnership)
        .filter(rapid_review=rapid_review)
        .select_related("agency", "person")
        .order_by("name", "id")
    )


def meeting_attendee_get(*, partnership: Partnership, rapid_review: RapidReview, attendee_id: int) -> MeetingAttendee:
    attendee = meeting_attendee_list(partnership=partnership, rapid_review=rapid_review).filter(pk=attendee_id).first()
    if attendee is None:
        raise Http404("No such attendee.")
    return attendee


def attendee_member_choices(*, partnership: Partnership) -> QuerySet[Membership]:
    """Active members, to pick one as an attendee (their name, job title and agency fill the row)."""
    return (
        Membership.objects.in_partnership(partnership)
        .filter(is_active=True, person__is_active=True)
        .select_related("person", "agency")
        .order_by("person__full_name", "person__email")
    )


def attendee_agency_choices(*, partnership: Partnership) -> QuerySet[Agency]:
    return Agency.objects.in_partnership(partnership).filter(is_active=True).order_by("name")


# --- Quorum and the meeting window ------------------------------------------------


def rapid_review_quorum(
    rapid_review: RapidReview, *, attendees: Iterable[MeetingAttendee] | None = None
) -> tuple[bool, list[str]]:
    """(quorate, the statutory partners no attendee represents), in the order LA, health, police.

    Pass ``attendees`` when the page has loaded them already, to save the query.
    """
    if attendees is None:
        represented = set(
            MeetingAttendee.objects.filter(partnership_id=rapid_review.partnership_id, rapid_review=rapid_review)
            .exclude(represents="")
            .values_list("represents", flat=True)
        )
    else:
        represented = {a.represents for a in attendees if a.represents}
    missing = [partner for partner in QUORUM_PARTNERS if partner not in represented]
    return not missing, missing


def quorum_refusal(missing: list[str]) -> str:
    """Why no decision can be recorded: "The meeting is not quorate: no one attended for health and police"."""
    return f"The meeting is not quorate: no one attended for {_joined([_PARTNER_IN_A_SENTENCE[p] for p in missing])}."


def _quorum_message(rapid_review: RapidReview, *, missing: list[str]) -> str:
    # A meeting still to come is not "not quorate": say who it needs rather than who failed to come.
    meeting_on = rapid_review.meeting_on
    if meeting_on is not None and meeting_on > timezone.localdate():
        partners = _joined([_PARTNER_IN_A_SENTENCE[p] for p in missing])
        return f"The meeting is on {_day(meeting_on)}: to be quorate, someone must attend for {partners}."
    return quorum_refusal(missing)


def decision_refusal(rapid_review: RapidReview, *, quorate: bool, missing: list[str], today: date) -> str:
    """Why a decision cannot be recorded now (empty when it can): the page and the service say the same.

    The state is checked separately: this is about the meeting itself.
    """
    if rapid_review.meeting_on is None:
        return "Set the date of the meeting first: the decision is the meeting's."
    if rapid_review.meeting_on > today:
        return f"The meeting is on {_day(rapid_review.meeting_on)}: record its decision once it has been held."
    if not quorate:
        return quorum_refusal(missing)
    return ""


def meeting_window_warning(rapid_review: RapidReview, *, calendar=None) -> str:
    """A warning (never a refusal) when the meeting falls outside working days 7 to 13, or on a non-working day.

    Empty when no date is set or nothing is amiss. The timetable is regional
    practice, not law: a meeting outside it is recorded and shown, not refused.
    """
    meeting_on = rapid_review.meeting_on
    if meeting_on is None:
        return ""
    window = (
        f"working days {MEETING_WINDOW_OPENS_DAY} to {MEETING_WINDOW_CLOSES_DAY} after the notification, "
        f"{_day(rapid_review.meeting_window_opens_on)} to {_day(rapid_review.meeting_window_closes_on)}"
    )
    warnings = []
    if meeting_on < rapid_review.meeting_window_opens_on:
        warnings.append(
            f"The meeting on {_day(meeting_on)} is before the meeting window ({window}): "
            f"agencies' returns are due by {_day(rapid_review.returns_due_on)}."
        )
    elif meeting_on > rapid_review.meeting_window_closes_on:
        warnings.append(
            f"The meeting on {_day(meeting_on)} is after the meeting window ({window}): "
            f"the template is due at the Panel by {_day(rapid_review.panel_submission_due_on)} "
            f"(working day {PANEL_SUBMISSION_DAY})."
        )
    if calendar is None:
        calendar = working_day_calendar(partnership=rapid_review.partnership)
    try:
        reasons = dict(calendar.non_working_days(meeting_on, meeting_on))
    except ValueError:  # outside the years the bank-holiday data covers: the service refuses such dates
        reasons = {}
    if meeting_on in reasons:
        warnings.append(f"{_day(meeting_on)} is not a working day ({reasons[meeting_on]}).")
    return " ".join(warnings)


# --- The decision page ------------------------------------------------------------


@dataclass
class PartnerSignOff:
    """One partner's place in the current round: their latest action, and whether the viewer may act for them."""

    partner: str
    label: str
    action: SignOffAction | None
    viewer_may_act: bool


@dataclass
class DecisionOverview:
    """Everything the meeting, decision and sign-off pages and the detail page's section show."""

    rapid_review: RapidReview
    attendees: list[MeetingAttendee]
    quorate: bool
    missing_partners: list[str]
    quorum_message: str
    window_warning: str
    decision: RapidReviewDecision | None
    sign_off: SignOff | None
    # What templates/partnership/signoff/_panel.html shows (None until a sign-off is requested).
    panel: SignOffPanel | None = None
    partners: list[PartnerSignOff] = field(default_factory=list)
    history: list[SignOffAction] = field(default_factory=list)
    last_send_back: SignOffAction | None = None
    signed_off_on: date | None = None

    @property
    def state(self) -> str:
        return self.rapid_review.state

    @property
    def is_gathering(self) -> bool:
        return self.rapid_review.state == RapidReview.State.GATHERING

    @property
    def awaiting_sign_off(self) -> bool:
        return self.rapid_review.state == RapidReview.State.AWAITING_SIGN_OFF

    @property
    def signed_off(self) -> bool:
        return self.rapid_review.state == RapidReview.State.SIGNED_OFF

    @property
    def sent_to_panel(self) -> bool:
        return self.rapid_review.state == RapidReview.State.SENT_TO_PANEL

    @property
    def viewer_may_sign_off(self) -> bool:
        return self.awaiting_sign_off and any(p.viewer_may_act for p in self.partners)

    @property
    def late(self) -> bool:
        taken = self.rapid_review.working_days_taken
        return taken is not None and taken > PANEL_SUBMISSION_DAY


def decision_overview(
    *,
    partnership: Partnership,
    rapid_review: RapidReview,
    membership: Membership | None = None,
    calendar: WorkingDayCalendar | None = None,
) -> DecisionOverview:
    """The meeting, quorum, decision and sign-off of one rapid review, in a fixed number of queries.

    ``membership`` is the viewer: ``PartnerSignOff.viewer_may_act`` says which
    partners' buttons they get (a partner lead acts for their own partner only,
    and once per round). ``calendar``: the partnership's, when the caller has it
    already (otherwise the meeting's day is checked on one loaded here).
    """
    attendees = list(meeting_attendee_list(partnership=partnership, rapid_review=rapid_review))
    quorate, missing = rapid_review_quorum(rapid_review, attendees=attendees)
    decision = rapid_review_decision_or_none(rapid_review=rapid_review)
    overview = DecisionOverview(
        rapid_review=rapid_review,
        attendees=attendees,
        quorate=quorate,
        missing_partners=missing,
        quorum_message="" if quorate else _quorum_message(rapid_review, missing=missing),
        window_warning=meeting_window_warning(
            rapid_review,
            calendar=calendar
            or (working_day_calendar(partnership=partnership) if rapid_review.meeting_on is not None else None),
        ),
        decision=decision,
        sign_off=None,
    )
    if decision is None:
        return overview
    sign_off = sign_off_for_subject(partnership=partnership, subject=decision)
    overview.sign_off = sign_off
    if sign_off is None:
        return overview
    panel = sign_off_panel(sign_off=sign_off, membership=membership)
    overview.panel = panel
    awaiting = rapid_review.state == RapidReview.State.AWAITING_SIGN_OFF
    for partner, action in panel.summary:
        overview.partners.append(
            PartnerSignOff(
                partner=partner.key,
                label=partner.label,
                action=action,
                viewer_may_act=awaiting and partner in panel.decidable_partners,
            )
        )
    rounds = sorted([*panel.earlier_rounds, panel.current_round], key=lambda r: r.number)
    overview.history = [action for r in rounds for action in r.actions]
    send_backs = [a for a in overview.history if a.action == SignOffAction.Action.SENT_BACK]
    overview.last_send_back = send_backs[-1] if send_backs else None
    if sign_off.state == SignOff.State.APPROVED and sign_off.completed_at is not None:
        overview.signed_off_on = timezone.localdate(sign_off.completed_at)
    return overview


def decision_signed_off_on(*, partnership: Partnership, decision: RapidReviewDecision) -> date | None:
    """The day the three partners completed the sign-off of the decision, if they have."""
    sign_off = sign_off_for_subject(partnership=partnership, subject=decision)
    if sign_off is None or sign_off.state != SignOff.State.APPROVED or sign_off.completed_at is None:
        return None
    return timezone.localdate(sign_off.completed_at)


# --- Telling the agencies ---------------------------------------------------------


@dataclass
class OutcomeRecipients:
    agency: Agency
    referred: bool
    emails: list[str]


def outcome_recipients(*, partnership: Partnership, rapid_review: RapidReview) -> list[OutcomeRecipients]:
    """Every agency involved in the review (the referrer included) with whom to tell there.

    Involved: the incident's agencies, the referring agency, and every agency
    asked for a return (not withdrawn). In each: the active members holding
    ``OUTCOME_RECIPIENT_ROLES``, plus the named person of the agency's return.
    An agency with nobody to write to is still listed (with no addresses), so
    the page can say so. Four queries, however many agencies.
    """
    incident = rapid_review.incident
    requests = list(
        InformationRequest.objects.in_partnership(partnership)
        .filter(rapid_review=rapid_review)
        .exclude(state=InformationRequest.State.WITHDRAWN)
        .select_related("assignee")
    )
    agency_ids = {incident.referring_agency_id, *incident.agencies.values_list("pk", flat=True)}
    agency_ids |= {r.agency_id for r in requests}
    agencies = list(Agency.objects.in_partnership(partnership).filter(pk__in=agency_ids).order_by("name"))
    roles = MembershipRole.objects.filter(role__in=OUTCOME_RECIPIENT_ROLES)
    members = (
        Membership.objects.in_partnership(partnership)
        .filter(agency_id__in=agency_ids, is_active=True, person__is_active=True)
        .filter(Q(pk__in=roles.values("membership_id")))
        .values_list("agency_id", "person__email")
    )
    emails: dict[int, set[str]] = {pk: set() for pk in agency_ids}
    for agency_id, email in members:
        emails[agency_id].add(email)
    for request in requests:
        if request.assignee.is_active:
            emails[request.agency_id].add(request.assignee.email)
    return [
        OutcomeRecipients(
            agency=agency, referred=agency.pk == incident.referring_agency_id, emails=sorted(emails[agency.pk])
        )
        for agency in agencies
    ]
