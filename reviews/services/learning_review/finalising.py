"""Finalising the review, recording the publication decision, and rendering its documents."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from partnership.models import DocumentVersion, Partnership, Person
from partnership.services import (
    _version_check,
    email_send_after_commit,
    tenant_update,
)
from partnership.services.deadlines import deadline_meet
from partnership.services.documents import document_render_request
from reviews.models import (
    LearningReview,
    OutcomesForm,
    Publication,
)
from reviews.selectors.learning_review import (
    DEADLINE_REPORT,
    DOCUMENT_OUTCOMES_FORM,
    DOCUMENT_PUBLIC_SUMMARY,
    OUTCOMES_FORM_AUDIENCE,
    OUTCOMES_FORM_TEMPLATE,
    PUBLIC_SUMMARY_TEMPLATE,
    SECTIONS_BY_NAME,
    business_manager_emails,
    outcomes_document_context,
    outcomes_document_title,
    public_summary_document_context,
    public_summary_title,
)
from reviews.services.learning_review.common import (
    ALLOWED_MOVES,
    State,
    _access,
    _length_errors,
    _lock,
    _refusal,
    _require,
    _set_state,
    _text,
    learning_review_url,
)
from reviews.services.learning_review.contributors import _lock_for_author
from reviews.services.requests import information_requests_close_outstanding

# --- Finalising, publication, documents ------------------------------------------------------------------------


def _render_outcomes_form(*, partnership: Partnership, actor: Person, review: LearningReview) -> DocumentVersion:
    context = outcomes_document_context(partnership=partnership, learning_review=review)
    return document_render_request(
        partnership=partnership,
        actor=actor,
        subject=review,
        kind=DOCUMENT_OUTCOMES_FORM,
        title=outcomes_document_title(review),
        template_name=OUTCOMES_FORM_TEMPLATE,
        context=context,
        audience=OUTCOMES_FORM_AUDIENCE,
    )


@transaction.atomic
def learning_review_finalise(
    *, partnership: Partnership, actor: Person, learning_review: LearningReview
) -> DocumentVersion:
    """The lead author (or a business manager) finalises the form; its PDF goes to the business managers.

    Guarantees: only a draft (not while out for comment); the synopsis and the
    key findings written. The review becomes final (the form read-only), the
    report deadline is met, the final PDF is queued for rendering and the
    business managers are emailed a link to it after commit. Returns the PDF's version.
    """
    review = _lock_for_author(
        partnership=partnership, actor=actor, learning_review=learning_review, what="finalise the outcomes form"
    )
    if State.FINAL not in ALLOWED_MOVES[review.state]:
        raise ValidationError(_refusal(review.state, State.FINAL), code="refused_move")
    form = OutcomesForm.objects.in_partnership(partnership).get(learning_review=review)
    missing = {
        name: [f"Write the {SECTIONS_BY_NAME[name].heading.lower()} before finalising."]
        for name in ("synopsis", "key_findings")
        if not getattr(form, name).strip()
    }
    if missing:
        raise ValidationError(missing)
    # Met before the move: a final review is closed, and the move cancels whatever is still open.
    deadline_meet(partnership=partnership, subject=review, kind=DEADLINE_REPORT)
    review = _set_state(
        partnership=partnership,
        actor=actor,
        learning_review=review,
        to=State.FINAL,
        fields={"finalised_at": timezone.now()},
        reason="Outcomes form finalised.",
    )
    # Finished work stops chasing: the move cancelled the review's open deadlines; returns still awaited close too.
    information_requests_close_outstanding(
        partnership=partnership, actor=actor, review=review, reason="The learning review was finalised without it."
    )
    version = _render_outcomes_form(partnership=partnership, actor=actor, review=review)
    link = settings.SITE_URL + reverse(
        "partnership:document_status", kwargs={"slug": partnership.slug, "version_id": version.pk}
    )
    recipients = business_manager_emails(partnership=partnership)
    if recipients:
        email_send_after_commit(
            subject=f"Final outcomes form: learning review {review.reference}",
            body="\n\n".join(
                [
                    f"{actor} has finalised the Learning Review Outcomes Form of {review.reference} ({review.title}).",
                    f"The final copy (PDF): {link}",
                    f"The review, its publication decision and its public summary: "
                    f"{settings.SITE_URL}{learning_review_url(review)}",
                ]
            ),
            to=recipients,
        )
    return version


@transaction.atomic
def learning_review_record_publication(
    *,
    partnership: Partnership,
    actor: Person,
    learning_review: LearningReview,
    publication: str,
    reasons: str,
    expected_updated_at: datetime | None = None,
) -> dict[str, dict[str, Any]]:
    """Record the publication decision (full report, summary, or none) with its reasons.

    Business managers and partner leads; at any stage (seed 003: weighed at the
    beginning and throughout), changed as often as needed, each change in history.
    """
    review = _lock(partnership=partnership, learning_review=learning_review)
    access = _access(partnership=partnership, actor=actor, learning_review=review)
    _require(access.can_see, "No such learning review.")
    _require(access.can_decide_publication, "Only a business manager or a partner lead decides on publication.")
    _version_check(instance=review, expected_updated_at=expected_updated_at, what="this learning review")
    reasons = _text(reasons)
    errors: dict[str, list[str]] = {}
    if publication not in Publication.values:
        errors["publication"] = ["Choose whether to publish the full report, a summary, or nothing."]
    if not reasons:
        errors["publication_reasons"] = ["Give the reasons: the risks and benefits of publishing were weighed."]
    _length_errors(LearningReview, {"publication_reasons": reasons}, errors)
    if errors:
        raise ValidationError(errors)
    return tenant_update(
        partnership=partnership,
        actor=actor,
        instance=review,
        data={"publication": publication, "publication_reasons": reasons},
    )


def outcomes_form_render(
    *, partnership: Partnership, actor: Person, learning_review: LearningReview
) -> DocumentVersion:
    """Queue a PDF of the outcomes form as it is now (a draft is marked as one). The same content is one version."""
    access = _access(partnership=partnership, actor=actor, learning_review=learning_review)
    # The PDF is the form as written: not for the scrutineer, who reads it pseudonymised on the print view.
    _require(access.reads_form_in_full, "Only the review's participants can read the draft outcomes form.")
    return _render_outcomes_form(partnership=partnership, actor=actor, review=learning_review)


def public_summary_render(
    *, partnership: Partnership, actor: Person, learning_review: LearningReview
) -> DocumentVersion:
    """Queue the redacted public summary's PDF (once final): a separate document any member may open.

    Its content carries no identifying details (see ``public_summary_document_context``).
    """
    access = _access(partnership=partnership, actor=actor, learning_review=learning_review)
    _require(access.can_see, "No such learning review.")
    if learning_review.state != State.FINAL:
        raise ValidationError("The public summary is made from the final outcomes form: finalise it first.")
    return document_render_request(
        partnership=partnership,
        actor=actor,
        subject=learning_review,
        kind=DOCUMENT_PUBLIC_SUMMARY,
        title=public_summary_title(learning_review),
        template_name=PUBLIC_SUMMARY_TEMPLATE,
        context=public_summary_document_context(partnership=partnership, learning_review=learning_review),
        audience=[],
    )
