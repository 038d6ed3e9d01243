"""What rapid and learning reviews put on the overview page (``partnership.selectors.overview``).

Registered from ``ReviewsConfig.ready``. Each figure links to the list of the
reviews it counts, filtered the same way (``rapid_review_list``'s filters), so
a count and its list cannot disagree.
"""

from __future__ import annotations

from datetime import date

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.http import urlencode

from partnership.models import HistoryEntry, Membership, Role
from partnership.selectors.overview import Figure, OverviewSection, RecentChange, end_of_week
from reviews.models import LearningReview, RapidReview
from reviews.selectors.learning_review import OVERSIGHT_ROLES, learning_review_list
from reviews.selectors.rapid_review import RAPID_REVIEW_READ_ROLES

RECENT_CHANGES = 5


def _list_url(slug: str, **query) -> str:
    url = reverse("reviews:rapid_review_list", kwargs={"slug": slug})
    return f"{url}?{urlencode(query)}" if query else url


def rapid_reviews_overview(membership: Membership, today: date) -> OverviewSection | None:
    """Open rapid reviews, those overdue or due with the Panel this week, awaiting sign-off; recent moves.

    Two queries (one aggregate, one for the recent state changes); only for the roles that read rapid reviews.
    """
    if not membership.has_role(*RAPID_REVIEW_READ_ROLES):
        return None
    partnership = membership.partnership
    slug = partnership.slug
    open_ = Q(sent_to_panel_on__isnull=True)
    week_ends = end_of_week(today)
    counts = RapidReview.objects.in_partnership(partnership).aggregate(
        open=Count("pk", filter=open_),
        overdue=Count("pk", filter=open_ & Q(panel_submission_due_on__lt=today)),
        due_this_week=Count(
            "pk", filter=open_ & Q(panel_submission_due_on__gte=today, panel_submission_due_on__lte=week_ends)
        ),
        awaiting_sign_off=Count("pk", filter=Q(state=RapidReview.State.AWAITING_SIGN_OFF)),
    )
    figures = [
        Figure("Open rapid reviews", counts["open"], _list_url(slug, open="1")),
        Figure("Overdue for the Panel", counts["overdue"], _list_url(slug, overdue="1"), warning=True),
        Figure("Due with the Panel this week", counts["due_this_week"], _list_url(slug, due="week")),
        Figure(
            "Decisions awaiting partner sign-off",
            counts["awaiting_sign_off"],
            _list_url(slug, state=RapidReview.State.AWAITING_SIGN_OFF),
        ),
    ]
    entries = (
        HistoryEntry.objects.in_partnership(partnership)
        .filter(content_type=ContentType.objects.get_for_model(RapidReview), changes__has_key="state")
        .order_by("-at", "-id")[:RECENT_CHANGES]
    )
    recent = []
    for entry in entries:
        state = entry.changes.get("state") or {}
        recent.append(
            RecentChange(
                at=entry.at,
                text=f"{entry.object_repr}: now “{state.get('to', '')}”.",
                url=reverse("reviews:rapid_review_detail", kwargs={"slug": slug, "rapid_review_id": entry.object_id}),
            )
        )
    note = ""
    if membership.role_set == {Role.SCRUTINEER}:
        note = "You can read every rapid review; the timeliness page has the figures per quarter."
    return OverviewSection(title="Rapid reviews", figures=figures, recent=recent, note=note)


def learning_reviews_overview(membership: Membership, today: date) -> OverviewSection | None:
    """The learning reviews this member may see that are not final yet, by stage (one query)."""
    partnership = membership.partnership
    counts = (
        learning_review_list(partnership=partnership, membership=membership)
        .order_by()
        .aggregate(
            in_progress=Count("pk", filter=~Q(state=LearningReview.State.FINAL)),
            out_for_comment=Count("pk", filter=Q(state=LearningReview.State.OUT_FOR_COMMENT)),
            final=Count("pk", filter=Q(state=LearningReview.State.FINAL)),
        )
    )
    url = reverse("reviews:learning_review_list", kwargs={"slug": partnership.slug})
    oversees = bool(membership.role_set & OVERSIGHT_ROLES)
    figures = [
        Figure("Learning reviews in progress", counts["in_progress"], url),
        Figure(
            "With contributors for comment",
            counts["out_for_comment"],
            f"{url}?{urlencode({'state': LearningReview.State.OUT_FOR_COMMENT})}",
        ),
        Figure("Final", counts["final"], f"{url}?{urlencode({'state': LearningReview.State.FINAL})}"),
    ]
    note = (
        "" if oversees else "These are the learning reviews you contribute to or lead; others are not shared with you."
    )
    return OverviewSection(title="Learning reviews", figures=figures, note=note)
