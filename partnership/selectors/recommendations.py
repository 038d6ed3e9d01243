"""Reads of recommendations: the register (filtered, counted, exported), one recommendation, rounds, themes.

Every read names its partnership. The register's page runs a fixed number of
queries whatever its length: the rows with their themes (one prefetch), their
sources (one query per kind of source), and the counts by state (one grouped
query on the ``recommendation_register`` index).
"""

from __future__ import annotations

import calendar
import csv
import io
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Page, Paginator
from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import ExtractYear
from django.http import Http404
from django.utils import timezone

from partnership.learning_records import (
    LearningRecord,
    learning_record_content_types,
    learning_record_get,
    learning_record_kind_for_model,
)
from partnership.models import Deadline, Membership, Partnership, SignOff, StatutoryPartner
from partnership.models.recommendations import (
    Action,
    ActionPlan,
    Dissemination,
    LearningTheme,
    Rag,
    Recommendation,
    RecommendationRound,
    RecommendationSource,
    StoredFile,
    ThemeTag,
)
from partnership.recommendation_sources import source_for_model, sources_load
from partnership.selectors.pagination import OneQueryPaginator
from partnership.selectors.recommendation_access import recommendation_visible_to
from partnership.tabular import spreadsheet_safe

State = Recommendation.State
REGISTER_PAGE_SIZE = 25
THEME_PAGE_SIZE = 25
# The action plan's own deadline (partnership.services.action_plans.DEADLINE_ACTION_PLAN; selectors sit below).
DEADLINE_ACTION_PLAN = "action_plan.due"
# Once delivered or closed, nothing of a recommendation is overdue any more.
_FINISHED = (State.COMPLETED, State.CLOSED)


@dataclass(frozen=True)
class RegisterFilters:
    state: str = ""
    source_kind: str = ""
    lead_partner: str = ""
    theme_id: int | None = None
    overdue: bool = False

    @property
    def any(self) -> bool:
        return bool(self.state or self.source_kind or self.lead_partner or self.theme_id or self.overdue)


def overdue_q(*, partnership: Partnership, today: date) -> Q:
    """Recommendations whose action plan is overdue (its deadline past or breached) or any action past due, not done."""
    plan_type = ContentType.objects.get_for_model(ActionPlan)
    late_plan = Deadline.objects.filter(
        partnership=partnership,
        subject_type=plan_type,
        subject_id=OuterRef("action_plan__id"),
        kind=DEADLINE_ACTION_PLAN,
        state=Deadline.State.OPEN,
    ).filter(Q(due_on__lt=today) | Q(breached_at__isnull=False))
    late_action = Action.objects.filter(
        partnership=partnership, plan__recommendation=OuterRef("pk"), due_on__lt=today, completed_at__isnull=True
    ).exclude(rag=Rag.COMPLETE)
    return ~Q(state__in=_FINISHED) & (Q(Exists(late_plan)) | Q(Exists(late_action)))


def recommendation_register(
    *, partnership: Partnership, filters: RegisterFilters | None = None, today: date | None = None
) -> QuerySet[Recommendation]:
    """The partnership's recommendations, newest first, filtered; themes prefetched, ``is_overdue`` annotated."""
    filters = filters or RegisterFilters()
    today = today or timezone.localdate()
    overdue = overdue_q(partnership=partnership, today=today)
    qs = (
        Recommendation.objects.in_partnership(partnership)
        .select_related("action_plan")
        .prefetch_related(
            Prefetch(
                "theme_tags",
                queryset=ThemeTag.objects.filter(partnership=partnership).select_related("theme"),
                to_attr="tags",
            )
        )
        .order_by("-created_at", "-id")
    )
    if filters.state:
        qs = qs.filter(state=filters.state)
    if filters.source_kind:
        qs = qs.filter(source_kind=filters.source_kind)
    if filters.lead_partner:
        qs = qs.filter(lead_partner=filters.lead_partner)
    if filters.theme_id:
        qs = qs.filter(
            Exists(
                ThemeTag.objects.filter(
                    partnership=partnership,
                    theme_id=filters.theme_id,
                    content_type=ContentType.objects.get_for_model(Recommendation),
                    object_id=OuterRef("pk"),
                )
            )
        )
    if filters.overdue:
        qs = qs.filter(overdue)
    return qs.annotate(is_overdue=ExpressionWrapper(overdue, output_field=BooleanField()))


def register_state_counts(*, partnership: Partnership) -> list[tuple[str, str, int]]:
    """(state, label, count) for every state, from one grouped query on the register's index."""
    counts = dict(
        Recommendation.objects.in_partnership(partnership)
        .order_by()
        .values_list("state")
        .annotate(n=Count("id"))
        .values_list("state", "n")
    )
    return [(value, label, counts.get(value, 0)) for value, label in State.choices]


def register_page(
    *, partnership: Partnership, filters: RegisterFilters, page_number, today: date | None = None
) -> Page:
    """One page of the register with each row's ``source_link`` set (one query per kind of source)."""
    # The page's rows carry their count: the register sorts every recommendation anyway (newest first, no index
    # serves it), and the "overdue" filter's two semi-joins ran for the count and again for the page (issue 13).
    register = recommendation_register(partnership=partnership, filters=filters, today=today)
    page = OneQueryPaginator(register, REGISTER_PAGE_SIZE).get_page(page_number)
    sources_load(partnership=partnership, recommendations=page.object_list)
    return page


# --- The export ---------------------------------------------------------------------------------------

EXPORT_HEADERS = (
    "Reference",
    "Recommendation",
    "Rationale",
    "Source",
    "Source description",
    "Lead partner",
    "State",
    "Themes",
    "Overdue",
    "Signed off",
    "Action plan due",
    "Created",
)
EXPORT_MAX_ROWS = 20_000


def register_export_rows(
    *, partnership: Partnership, filters: RegisterFilters, today: date | None = None
) -> list[list[object]]:
    """The filtered register as rows of plain values (headers first), in a fixed number of queries."""
    rows = list(recommendation_register(partnership=partnership, filters=filters, today=today)[:EXPORT_MAX_ROWS])
    plan_type = ContentType.objects.get_for_model(ActionPlan)
    plan_ids = [r.action_plan.pk for r in rows if _plan_of(r) is not None]
    due = dict(
        Deadline.objects.filter(
            partnership=partnership, subject_type=plan_type, subject_id__in=plan_ids, kind=DEADLINE_ACTION_PLAN
        ).values_list("subject_id", "due_on")
    )
    out: list[list[object]] = [list(EXPORT_HEADERS)]
    for r in rows:
        plan = _plan_of(r)
        out.append(
            [
                r.reference,
                r.text,
                r.rationale,
                RecommendationSource(r.source_kind).label,
                r.source_description,
                StatutoryPartner(r.lead_partner).label,
                r.get_state_display(),
                "; ".join(tag.theme.name for tag in r.tags),
                "Yes" if r.is_overdue else "No",
                timezone.localdate(r.signed_off_at).isoformat() if r.signed_off_at else "",
                due[plan.pk].isoformat() if plan is not None and plan.pk in due else "",
                timezone.localdate(r.created_at).isoformat(),
            ]
        )
    return out


def _plan_of(recommendation: Recommendation) -> ActionPlan | None:
    try:
        return recommendation.action_plan
    except ActionPlan.DoesNotExist:
        return None


def register_csv(rows: list[list[object]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow([spreadsheet_safe(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def register_xlsx(rows: list[list[object]]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Recommendations")
    for row in rows:
        # Every cell is written as text or a number, never as a formula (openpyxl treats "=..." as one).
        sheet.append([spreadsheet_safe(v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- One recommendation, its rounds, its disseminations -----------------------------------------------


def recommendation_get(*, partnership: Partnership, recommendation_id: int) -> Recommendation:
    """One recommendation of the partnership, with its themes and source link; another's is as missing (404)."""
    recommendation = (
        recommendation_register(partnership=partnership)
        .select_related("created_by", "source_type")
        .filter(pk=recommendation_id)
        .first()
    )
    if recommendation is None:
        raise Http404("No such recommendation.")
    sources_load(partnership=partnership, recommendations=[recommendation])
    return recommendation


@dataclass
class RoundSummary:
    round: RecommendationRound
    sign_off: SignOff | None


def rounds_of(*, partnership: Partnership, recommendation: Recommendation) -> list[RoundSummary]:
    """The rounds the recommendation was put to the partners in, newest first, each with its sign-off (2 queries)."""
    rounds = list(
        RecommendationRound.objects.in_partnership(partnership)
        .filter(items__recommendation=recommendation)
        .select_related("requested_by")
        .order_by("-created_at", "-id")
    )
    return _with_sign_offs(partnership=partnership, rounds=rounds)


def _with_sign_offs(*, partnership: Partnership, rounds: list[RecommendationRound]) -> list[RoundSummary]:
    if not rounds:
        return []
    sign_offs = {
        s.subject_id: s
        for s in SignOff.objects.in_partnership(partnership).filter(
            subject_type=ContentType.objects.get_for_model(RecommendationRound), subject_id__in=[r.pk for r in rounds]
        )
    }
    return [RoundSummary(round=r, sign_off=sign_offs.get(r.pk)) for r in rounds]


def rounds_of_partnership(*, partnership: Partnership) -> QuerySet[RecommendationRound]:
    return RecommendationRound.objects.in_partnership(partnership).order_by("-created_at", "-id")


def disseminations_of_partnership(*, partnership: Partnership) -> QuerySet[Dissemination]:
    return Dissemination.objects.in_partnership(partnership).order_by("-on", "-id")


def round_get(*, partnership: Partnership, round_id: int) -> RecommendationRound:
    round_ = (
        RecommendationRound.objects.in_partnership(partnership)
        .filter(pk=round_id)
        .select_related("requested_by")
        .first()
    )
    if round_ is None:
        raise Http404("No such round.")
    return round_


def round_recommendations(*, partnership: Partnership, round_: RecommendationRound) -> list[Recommendation]:
    rows = list(
        recommendation_register(partnership=partnership).filter(round_items__round=round_).order_by("reference")
    )
    sources_load(partnership=partnership, recommendations=rows)
    return rows


def rounds_list(*, partnership: Partnership, limit: int = 10) -> list[RoundSummary]:
    rounds = list(
        RecommendationRound.objects.in_partnership(partnership)
        .select_related("requested_by")
        .annotate(size=Count("items"))
        .order_by("-created_at", "-id")[:limit]
    )
    return _with_sign_offs(partnership=partnership, rounds=rounds)


def proposable_recommendations(*, partnership: Partnership) -> QuerySet[Recommendation]:
    """Drafts and sent-back recommendations: those a round can put to the partners."""
    return (
        Recommendation.objects.in_partnership(partnership)
        .filter(state__in=(State.DRAFT, State.SENT_BACK))
        .order_by("reference")
    )


def recommendations_for_sources(*, partnership: Partnership, model, source_ids) -> dict[int, list[Recommendation]]:
    """The recommendations made from these rows of a source model, by source id (one query).

    ``source_ids`` may be a subquery (``.values("pk")``): the source page's rows never need loading first.
    """
    declared = source_for_model(model)
    if declared is None:
        return {}
    rows = (
        Recommendation.objects.in_partnership(partnership)
        .filter(source_kind=declared.kind, source_id__in=source_ids)
        .order_by("reference")
    )
    by_source: dict[int, list[Recommendation]] = defaultdict(list)
    for r in rows:
        by_source[r.source_id].append(r)
    return dict(by_source)


def _with_files(partnership: Partnership, disseminations: list[Dissemination]) -> list[Dissemination]:
    files = defaultdict(list)
    if disseminations:
        for f in (
            StoredFile.objects.in_partnership(partnership)
            .filter(
                owner_type=ContentType.objects.get_for_model(Dissemination),
                owner_id__in=[d.pk for d in disseminations],
            )
            .defer("data")
        ):
            files[f.owner_id].append(f)
    for d in disseminations:
        d.files = files[d.pk]
    return disseminations


def disseminations_of(*, partnership: Partnership, recommendation: Recommendation | None = None, source=None):
    """The records of one recommendation or one source, newest first, with their files (two queries)."""
    qs = Dissemination.objects.in_partnership(partnership).select_related("recorded_by")
    if recommendation is not None:
        qs = qs.filter(recommendation=recommendation)
    else:
        qs = qs.filter(source_type=ContentType.objects.get_for_model(source), source_id=source.pk)
    return _with_files(partnership, list(qs.order_by("-on", "-id")))


def dissemination_get(*, partnership: Partnership, dissemination_id: int) -> Dissemination:
    dissemination = (
        Dissemination.objects.in_partnership(partnership)
        .filter(pk=dissemination_id)
        .select_related("recommendation", "source_type")
        .first()
    )
    if dissemination is None:
        raise Http404("No such dissemination record.")
    return dissemination


def dissemination_visible_to(*, partnership: Partnership, membership: Membership, dissemination: Dissemination) -> bool:
    """The one rule for a record and its file: visible to whoever may see what it is of."""
    if dissemination.recommendation_id:
        return recommendation_visible_to(dissemination.recommendation, membership)
    kind = learning_record_kind_for_model(dissemination.source_type.model_class())
    return kind is not None and (
        learning_record_get(
            partnership=partnership, membership=membership, key=kind.key, record_id=dissemination.source_id
        )
        is not None
    )


def dissemination_files(*, partnership: Partnership, dissemination: Dissemination) -> list[StoredFile]:
    """The record's files, oldest first, contents included (for the download)."""
    return list(
        StoredFile.objects.in_partnership(partnership).filter(
            owner_type=ContentType.objects.get_for_model(Dissemination), owner_id=dissemination.pk
        )
    )


# --- Themes ------------------------------------------------------------------------------------------


def themes_list(*, partnership: Partnership, include_retired: bool = True) -> QuerySet[LearningTheme]:
    """The taxonomy, by name, each with ``tag_count`` (one query)."""
    qs = LearningTheme.objects.in_partnership(partnership).annotate(tag_count=Count("tags")).order_by("name")
    if not include_retired:
        qs = qs.filter(is_active=True)
    return qs


def theme_recurrence(
    *, partnership: Partnership, start: date | None, end: date | None
) -> list[tuple[int, str, int, int, int]]:
    """How each learning theme recurs: (theme id, name, records tagged, kinds of source, years seen), for the tags
    made from ``start`` to ``end`` (either open-ended), most records first. One grouped query, whatever the volume."""
    tags = ThemeTag.objects.in_partnership(partnership)
    if start is not None:
        tags = tags.filter(at__date__gte=start)
    if end is not None:
        tags = tags.filter(at__date__lte=end)
    rows = (
        tags.order_by()
        .values_list("theme_id", "theme__name")
        .annotate(
            records=Count("pk"),
            kinds=Count("content_type", distinct=True),
            years=Count(ExtractYear("at"), distinct=True),
        )
    )
    return sorted(rows, key=lambda row: (-row[2], -row[3], row[1]))


def theme_get(*, partnership: Partnership, theme_id: int) -> LearningTheme:
    theme = LearningTheme.objects.in_partnership(partnership).filter(pk=theme_id).first()
    if theme is None:
        raise Http404("No such learning theme.")
    return theme


def themes_of(*, partnership: Partnership, record) -> list[LearningTheme]:
    """The themes tagged on one record, by name (one query)."""
    return list(
        LearningTheme.objects.in_partnership(partnership)
        .filter(tags__content_type=ContentType.objects.get_for_model(record), tags__object_id=record.pk)
        .order_by("name")
    )


def themes_with_tagged(*, partnership: Partnership, record) -> list[LearningTheme]:
    """The whole taxonomy by name, each with ``tagged`` (is it tagged on ``record``?): one query for a page that
    shows a record's themes and the form to change them."""
    return list(
        LearningTheme.objects.in_partnership(partnership)
        .annotate(
            tagged=Exists(
                ThemeTag.objects.filter(
                    partnership=partnership,
                    theme=OuterRef("pk"),
                    content_type=ContentType.objects.get_for_model(record),
                    object_id=record.pk,
                )
            )
        )
        .order_by("name")
    )


@dataclass(frozen=True)
class TaggedRecord:
    kind_label: str
    record: LearningRecord
    tagged_at: object


@dataclass
class ThemePage:
    page: Page
    groups: list[tuple[str, list[TaggedRecord]]]
    hidden: int  # tagged records on this page the member may not open


def theme_records_page(
    *, partnership: Partnership, membership: Membership, theme: LearningTheme, page_number
) -> ThemePage:
    """Everything tagged with ``theme`` that the member may see, newest tag first, a page at a time, grouped by kind.

    One query for the page of tags (kinds the member cannot read at all are left
    out in the query), one for the count, one per kind of record on the page.
    """
    readable = learning_record_content_types(membership)
    tags = (
        ThemeTag.objects.in_partnership(partnership)
        .filter(theme=theme, content_type_id__in=list(readable))
        .order_by("-at", "-id")
    )
    page = Paginator(tags, THEME_PAGE_SIZE).get_page(page_number)
    ids: dict[int, list[int]] = defaultdict(list)
    for tag in page.object_list:
        ids[tag.content_type_id].append(tag.object_id)
    loaded: dict[tuple[int, int], LearningRecord] = {}
    for type_id, pks in ids.items():
        for pk, record in readable[type_id].load(partnership, membership, pks).items():
            loaded[(type_id, pk)] = record
    grouped: dict[str, list[TaggedRecord]] = defaultdict(list)
    hidden = 0
    for tag in page.object_list:
        record = loaded.get((tag.content_type_id, tag.object_id))
        if record is None:
            hidden += 1
            continue
        label = readable[tag.content_type_id].label
        grouped[label].append(TaggedRecord(kind_label=label, record=record, tagged_at=tag.at))
    groups = sorted(grouped.items(), key=lambda item: item[0])
    return ThemePage(page=page, groups=groups, hidden=hidden)


# The states of a recommendation agreed (signed off) and not yet completed, and how long ago it was agreed.
AGREED_OPEN_STATES = (State.SIGNED_OFF, State.ACTION_PLANNING, State.IN_PROGRESS)
AGE_BUCKETS = (
    ("under_3", "Under 3 months"),
    ("3_to_6", "3 to 6 months"),
    ("6_to_12", "6 to 12 months"),
    ("over_12", "Over 12 months"),
)


def _months_before(day: date, months: int) -> date:
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    # The same day of the month, or the month's last day when it is shorter (31 May less 3 months: 28 or 29 Feb).
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _agreed_age_filters(today: date) -> dict[str, Q]:
    """Each age bucket as a filter on the day a recommendation was signed off (agreed): under 3 months (agreed after
    the day 3 months ago), 3 to 6, 6 to 12, over 12 (agreed on or before the day 12 months ago). The counts and the
    lists behind them use these same filters, so a figure and its list cannot disagree."""
    three, six, twelve = (_months_before(today, n) for n in (3, 6, 12))
    agreed = "signed_off_at__date"
    return {
        "under_3": Q(**{f"{agreed}__gt": three}),
        "3_to_6": Q(**{f"{agreed}__gt": six, f"{agreed}__lte": three}),
        "6_to_12": Q(**{f"{agreed}__gt": twelve, f"{agreed}__lte": six}),
        "over_12": Q(**{f"{agreed}__lte": twelve}),
    }


def _agreed_open(partnership: Partnership) -> QuerySet[Recommendation]:
    return Recommendation.objects.in_partnership(partnership).filter(
        state__in=AGREED_OPEN_STATES, signed_off_at__isnull=False
    )


def recommendation_age_counts(*, partnership: Partnership, today: date) -> dict[str, dict[str, int]]:
    """{state: {age bucket: count}} for the recommendations signed off and not yet completed, by the months since
    they were signed off (agreed) (``_agreed_age_filters``). One grouped query."""
    rows = (
        _agreed_open(partnership)
        .order_by()
        .values("state")
        .annotate(**{key: Count("id", filter=condition) for key, condition in _agreed_age_filters(today).items()})
    )
    return {row["state"]: {key: row[key] for key, _label in AGE_BUCKETS} for row in rows}


def recommendations_for_age_figure(
    *, partnership: Partnership, today: date, state: str, bucket: str
) -> QuerySet[Recommendation]:
    """The recommendations one figure of ``recommendation_age_counts`` counts (one state, one age bucket), the
    longest agreed first; ``ValueError`` for a state or bucket the counts do not use."""
    if state not in AGREED_OPEN_STATES:
        raise ValueError(f"No agreed, open state called {state!r}.")
    filters = _agreed_age_filters(today)
    if bucket not in filters:
        raise ValueError(f"No age called {bucket!r}.")
    return _agreed_open(partnership).filter(filters[bucket], state=state).order_by("signed_off_at", "pk")
