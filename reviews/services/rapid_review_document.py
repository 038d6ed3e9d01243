"""The Rapid Review Template as a PDF: asked for here, rendered by the worker (``partnership.services.documents``).

Two documents per review: the general version (children by pseudonym), which
the roles that read rapid reviews may open; and the identified version for
the national Panel, which only business managers and partner leads may ask
for and open. Asking for the identified one reveals the children's
identities through ``child_identity_reveal``, which logs an ``IdentityView``
per child before anything is rendered.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction

from partnership.models import PARTNER_LEAD_ROLES, DocumentVersion, Membership, Partnership, Role
from partnership.services.documents import document_render_request
from reviews.models import RapidReview
from reviews.selectors.incidents import identity_viewer_allowed
from reviews.selectors.rapid_review_template import (
    DOCUMENT_KIND,
    IDENTIFIED_DOCUMENT_KIND,
    TEMPLATE_NAME,
    rapid_review_template_context,
)
from reviews.services.incidents import child_identity_reveal

# Who may open each version (Document.audience): the identified one carries the children's identities.
GENERAL_AUDIENCE = (Role.BUSINESS_MANAGER, *PARTNER_LEAD_ROLES, Role.SCRUTINEER)
IDENTIFIED_AUDIENCE = (Role.BUSINESS_MANAGER, *PARTNER_LEAD_ROLES)

IDENTITY_CONTEXT_PDF = "Rapid review template PDF (identified)"
IDENTITY_CONTEXT_PRINT = "Rapid review template print view (identified)"


def rapid_review_identified_context(
    *, partnership: Partnership, membership: Membership, rapid_review: RapidReview, where: str
) -> dict:
    """The template's context with the children's identities, each reveal logged.

    Raises ``PermissionDenied`` for anyone but business managers and partner leads.
    """
    if not identity_viewer_allowed(membership=membership):
        raise PermissionDenied("Only business managers and partner leads may see the children's identities.")
    identities = child_identity_reveal(
        partnership=partnership, viewer_membership=membership, context=where, incident=rapid_review.incident
    )
    return rapid_review_template_context(partnership=partnership, rapid_review=rapid_review, identities=identities)


@transaction.atomic
def rapid_review_template_render_request(
    *, partnership: Partnership, membership: Membership, rapid_review: RapidReview, identified: bool = False
) -> DocumentVersion:
    """Ask for a PDF of the review's template; returns the version (an existing one when nothing changed).

    The identified version is refused (``PermissionDenied``) unless the member
    is a business manager or partner lead; asking for it logs the reveal of
    each child's identity. The render itself runs on the worker after commit.
    """
    reference = rapid_review.incident.reference
    if identified:
        context = rapid_review_identified_context(
            partnership=partnership, membership=membership, rapid_review=rapid_review, where=IDENTITY_CONTEXT_PDF
        )
        kind, title, audience = (
            IDENTIFIED_DOCUMENT_KIND,
            f"Rapid review template {reference} (identified, for the national Panel)",
            IDENTIFIED_AUDIENCE,
        )
    else:
        context = rapid_review_template_context(partnership=partnership, rapid_review=rapid_review)
        kind, title, audience = DOCUMENT_KIND, f"Rapid review template {reference}", GENERAL_AUDIENCE
    return document_render_request(
        partnership=partnership,
        actor=membership.person,
        subject=rapid_review,
        kind=kind,
        title=title,
        template_name=TEMPLATE_NAME,
        context=context,
        audience=audience,
    )
