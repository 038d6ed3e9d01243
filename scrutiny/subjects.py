"""Scrutiny's subjects, declared to the kernel: a challenge carries the deadline of its answer and its history.

Loaded by ``ScrutinyConfig.ready``.
"""

from __future__ import annotations

from django.urls import reverse

from partnership.models import Agency, Membership, Person
from partnership.subjects import SubjectType, subject_type
from scrutiny.models import Challenge
from scrutiny.selectors.challenges import challenge_responders_by_agency, challenge_visible_to


def challenge_url(challenge: Challenge) -> str:
    return reverse(
        "scrutiny:challenge_detail", kwargs={"slug": challenge.partnership.slug, "challenge_id": challenge.pk}
    )


@subject_type(Challenge)
class ChallengeSubject(SubjectType[Challenge]):
    """The answer is written on the challenge's page; overdue, everyone who answers for the agency hears of it."""

    def url(self, subject: Challenge) -> str:
        return challenge_url(subject)

    def deadline_url(self, subject: Challenge, kind: str) -> str:
        return f"{challenge_url(subject)}#response-heading"

    def visible_to(self, subject: Challenge, membership: Membership) -> bool:
        return challenge_visible_to(subject, membership)

    def breach_recipients(self, subjects: list[Challenge]) -> dict[int, list[tuple[Person, str]]]:
        """An overdue answer is escalated to every agency lead (and partner lead) who answers for the agency, the
        scrutineer's question waiting on them; one query for every challenge of the sweep."""
        agencies = {
            agency.pk: agency
            for agency in Agency.objects.filter(
                partnership_id__in={c.partnership_id for c in subjects}, pk__in={c.agency_id for c in subjects}
            )
        }
        by_agency = challenge_responders_by_agency(agencies=list(agencies.values()))
        return {
            c.pk: [
                (person, f"who answers for {agencies[c.agency_id].name}") for person in by_agency.get(c.agency_id, [])
            ]
            for c in subjects
        }
