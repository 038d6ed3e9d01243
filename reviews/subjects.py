"""The reviews' subjects, declared to the kernel: what carries deadlines, sign-offs and documents here.

Loaded by ``ReviewsConfig.ready``. Each declaration says where the subject's
page is, who may see it, who reads its documents and, for the rapid review
decision, what its workflow does when the partners' sign-off settles.
"""

from __future__ import annotations

from django.urls import reverse

from partnership.models import Document, Membership, Partnership, Person, SignOff
from partnership.subjects import SubjectLinks, SubjectType, subject_type
from reviews.models import Contributor, LearningReview, RapidReview, RapidReviewDecision
from reviews.selectors.learning_review import DEADLINE_REPORT, DOCUMENT_OUTCOMES_FORM, learning_review_access
from reviews.selectors.rapid_review import RAPID_REVIEW_READ_ROLES
from reviews.services.decision import rapid_review_sign_off_prepare, rapid_review_sign_off_settled
from reviews.services.requests import REQUEST_DEADLINE_PREFIX as REQUEST_KIND


def _rapid_review_url(*, slug: str, rapid_review_id: int, name: str = "rapid_review_detail") -> str:
    return reverse(f"reviews:{name}", kwargs={"slug": slug, "rapid_review_id": rapid_review_id})


def _request_url(links: SubjectLinks, kind: str) -> str:
    """An agency request's return page, from its deadline's kind (``request.<id>``: see reviews.services.requests)."""
    return links.url("reviews:request_detail", request_id=int(kind.removeprefix(REQUEST_KIND)))


def _audience_admits(document: Document, membership: Membership) -> bool:
    return not document.audience or bool(set(document.audience) & membership.role_set)


@subject_type(RapidReview)
class RapidReviewSubject(SubjectType[RapidReview]):
    def url(self, subject: RapidReview) -> str:
        return _rapid_review_url(slug=subject.partnership.slug, rapid_review_id=subject.pk)

    def deadline_url_from_id(self, links: SubjectLinks, subject_id: int, kind: str) -> str | None:
        # The review's milestones are worked on its page; an agency's return on the return's own page.
        if kind.startswith(REQUEST_KIND):
            return _request_url(links, kind)
        return links.url("reviews:rapid_review_detail", rapid_review_id=subject_id)

    def visible_to(self, subject: RapidReview, membership: Membership) -> bool:
        return membership.has_role(*RAPID_REVIEW_READ_ROLES)

    def documents_readable_by(self, subject: RapidReview, document: Document, membership: Membership) -> bool:
        # The templates' audiences (general, identified) are narrower than the readers: the audience decides.
        return _audience_admits(document, membership)


@subject_type(RapidReviewDecision)
class RapidReviewDecisionSubject(SubjectType[RapidReviewDecision]):
    """Signed off by the three statutory partners (the default set); the review moves with the sign-off."""

    def url(self, subject: RapidReviewDecision) -> str:
        return _rapid_review_url(
            slug=subject.partnership.slug, rapid_review_id=subject.rapid_review_id, name="rapid_review_decision"
        )

    def visible_to(self, subject: RapidReviewDecision, membership: Membership) -> bool:
        return membership.has_role(*RAPID_REVIEW_READ_ROLES)

    def sign_off_prepare(self, *, partnership: Partnership, subject: RapidReviewDecision) -> None:
        rapid_review_sign_off_prepare(partnership=partnership, decision=subject)

    def sign_off_settled(
        self, *, partnership: Partnership, subject: RapidReviewDecision, sign_off: SignOff, actor: Person, reason: str
    ) -> None:
        rapid_review_sign_off_settled(
            partnership=partnership, decision=subject, sign_off=sign_off, actor=actor, reason=reason
        )


@subject_type(LearningReview)
class LearningReviewSubject(SubjectType[LearningReview]):
    def url(self, subject: LearningReview) -> str:
        return reverse(
            "reviews:learning_review_detail",
            kwargs={"slug": subject.partnership.slug, "learning_review_id": subject.pk},
        )

    def deadline_url_from_id(self, links: SubjectLinks, subject_id: int, kind: str) -> str | None:
        if kind.startswith(REQUEST_KIND):
            return _request_url(links, kind)
        if kind == DEADLINE_REPORT:  # the lead author's report is written on the outcomes form
            return links.url("reviews:learning_review_outcomes_form", learning_review_id=subject_id)
        return links.url("reviews:learning_review_detail", learning_review_id=subject_id)

    def visible_to(self, subject: LearningReview, membership: Membership) -> bool:
        return learning_review_access(membership=membership, learning_review=subject).access.can_see

    def documents_readable_by(self, subject: LearningReview, document: Document, membership: Membership) -> bool:
        if document.kind == DOCUMENT_OUTCOMES_FORM:
            # The full form, draft or final: those who may read the form on its page, within its audience.
            return learning_review_access(membership=membership, learning_review=subject).access.can_open_form_pdf
        # The public summary (no audience): any member, as published material is.
        return _audience_admits(document, membership)


@subject_type(Contributor)
class ContributorSubject(SubjectType[Contributor]):
    """A contributor's own deadline (comments on the draft) hangs on them; their page is the review's comments."""

    def url(self, subject: Contributor) -> str:
        return reverse(
            "reviews:learning_review_comments",
            kwargs={"slug": subject.partnership.slug, "learning_review_id": subject.learning_review_id},
        )

    def visible_to(self, subject: Contributor, membership: Membership) -> bool:
        return learning_review_access(membership=membership, learning_review=subject.learning_review).access.can_see
