"""The identity log: every time children's identities were shown, on a page, through the API, or in a PDF.

Two sources, one list: ``IdentityView`` (a child's identity shown on a page or
through the API, or put into a document when it was asked for) and each
download of the identified Rapid Review Template (``DocumentDownload`` of that
kind), which carries every child of the review. Pseudonyms and references
only: nothing encrypted is read.
"""

from __future__ import annotations

from django.db.models import CharField, F, IntegerField, OuterRef, QuerySet, Subquery, Value

from partnership.models import MANAGER_ROLES, DocumentDownload, Partnership, Role
from reviews.models import IdentityView, RapidReview
from reviews.selectors.rapid_review_template import IDENTIFIED_DOCUMENT_KIND

IDENTIFIED_TEMPLATE_DOWNLOADED = "Rapid review template PDF (identified), downloaded"

# Who reads the log: the business managers, and the independent scrutineer, for whom it is the assurance that
# identities are seen where they are needed (it names no child: pseudonyms and references only).
IDENTITY_LOG_READER_ROLES = frozenset({*MANAGER_ROLES, Role.SCRUTINEER})


def identity_log_entries(*, partnership: Partnership) -> QuerySet[dict]:
    """The log's rows as dicts, newest first, in two queries whatever is paged (the count and the page).

    Each row: ``seen_at``, ``viewer_name``, ``viewer_email``, ``reference`` (the
    incident's, which the rapid review shares), ``child_pseudonym`` (empty for a
    download: every child of the review is in it), ``place`` (where it was
    shown) and ``version_number`` (the downloaded version; None for a view).
    """
    # Each side unordered (a compound statement is ordered as a whole), with the same columns in the same order.
    views = (
        IdentityView.objects.in_partnership(partnership)
        .order_by()
        .values(
            seen_at=F("viewed_at"),
            viewer_name=F("viewer__full_name"),
            viewer_email=F("viewer__email"),
            reference=F("child__incident__reference"),
            child_pseudonym=F("child__pseudonym"),
            place=F("context"),
            version_number=Value(None, output_field=IntegerField()),
            row_id=F("id"),
        )
    )
    # A document's subject is generic (a content type and an id): the review's reference comes by subquery.
    reference = RapidReview.objects.in_partnership(partnership).filter(pk=OuterRef("document__subject_id"))
    downloads = (
        DocumentDownload.objects.in_partnership(partnership)
        .filter(document__kind=IDENTIFIED_DOCUMENT_KIND)
        .order_by()
        .values(
            seen_at=F("at"),
            viewer_name=F("person__full_name"),
            viewer_email=F("person__email"),
            reference=Subquery(reference.values("incident__reference")[:1], output_field=CharField()),
            child_pseudonym=Value("", output_field=CharField()),
            place=Value(IDENTIFIED_TEMPLATE_DOWNLOADED, output_field=CharField()),
            version_number=F("version__number"),
            row_id=F("id"),
        )
    )
    return views.union(downloads, all=True).order_by("-seen_at", "-row_id")
