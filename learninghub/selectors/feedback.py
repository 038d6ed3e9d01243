"""Reads of a cycle's month-3 feedback: its page, a survey's results with the response rate, the published
"you said, we did" list, the public survey found by its link's token, and the findings report's feedback section.

Every read names its partnership, except ``survey_by_token``: the public link is the only thing an anonymous
person holds, so it is found by its unguessable token alone and gives that one survey, nothing else. Pages read a
fixed number of queries whatever the number of records.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Prefetch, QuerySet
from django.http import Http404
from django.urls import reverse

from learninghub.models import (
    ChildFeedback,
    EvaluationFigure,
    FeedbackSurvey,
    HubCycle,
    PractitionerFeedbackSession,
    SurveyAnswer,
    SurveyQuestion,
    SurveyResponse,
    YouSaidWeDid,
)
from learninghub.report_sections import ReportSection, ReportTable, report_section
from partnership.models import MANAGER_ROLES, Membership, Partnership
from partnership.models.recommendations import LearningTheme

# Every member reads the cycle's feedback (counts and themes, never identities) and the published "you said,
# we did"; the business managers, who run the hub, record feedback, build surveys and publish.
FEEDBACK_MANAGE_ROLES = MANAGER_ROLES
SurveyState = FeedbackSurvey.State
EntryState = YouSaidWeDid.State
QuestionKind = SurveyQuestion.Kind
TEXT_ANSWERS_SHOWN = 200


def response_rate(*, responses: int, sent: int) -> Decimal | None:
    """Responses as a percentage of those sent the survey, to one decimal place (None when none were counted)."""
    if not sent:
        return None
    return (Decimal(responses) * 100 / Decimal(sent)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _themes(partnership: Partnership) -> Prefetch:
    return Prefetch("themes", queryset=LearningTheme.objects.in_partnership(partnership).order_by("name"))


def feedback_theme_choices(*, partnership: Partnership, current=()) -> list[LearningTheme]:
    """The themes a record may carry: the current ones, and any retired one it already carries (it may keep it)."""
    current_ids = {t.pk for t in current}
    return [
        t
        for t in LearningTheme.objects.in_partnership(partnership).order_by("name")
        if t.is_active or t.pk in current_ids
    ]


def feedback_sessions(*, partnership: Partnership, cycle: HubCycle) -> QuerySet[PractitionerFeedbackSession]:
    return (
        PractitionerFeedbackSession.objects.in_partnership(partnership)
        .filter(cycle=cycle)
        .prefetch_related(_themes(partnership))
        .order_by("held_on", "id")
    )


def child_feedback(*, partnership: Partnership, cycle: HubCycle) -> QuerySet[ChildFeedback]:
    return (
        ChildFeedback.objects.in_partnership(partnership)
        .filter(cycle=cycle)
        .prefetch_related(_themes(partnership))
        .order_by("gathered_on", "id")
    )


def feedback_surveys(*, partnership: Partnership, cycle: HubCycle) -> QuerySet[FeedbackSurvey]:
    return (
        FeedbackSurvey.objects.in_partnership(partnership)
        .filter(cycle=cycle)
        .annotate(response_count=Count("responses", distinct=True), question_count=Count("questions", distinct=True))
        .order_by("created_at", "id")
    )


def evaluation_figures(*, partnership: Partnership, cycle: HubCycle) -> QuerySet[EvaluationFigure]:
    return EvaluationFigure.objects.in_partnership(partnership).filter(cycle=cycle).order_by("created_at", "id")


def you_said_we_did(*, partnership: Partnership, cycle: HubCycle, published_only: bool) -> QuerySet[YouSaidWeDid]:
    entries = YouSaidWeDid.objects.in_partnership(partnership).filter(cycle=cycle)
    if published_only:
        entries = entries.filter(state=EntryState.PUBLISHED)
    return entries.order_by("created_at", "id")


def published_you_said_we_did(*, partnership: Partnership) -> QuerySet[YouSaidWeDid]:
    """Every published entry of the partnership, newest first, with its cycle: what practitioners are shown."""
    return (
        YouSaidWeDid.objects.in_partnership(partnership)
        .filter(state=EntryState.PUBLISHED)
        .select_related("cycle")
        .order_by("-published_at", "-id")
    )


@dataclass
class FeedbackPage:
    cycle: HubCycle
    sessions: list[PractitionerFeedbackSession]
    children: list[ChildFeedback]
    surveys: list[FeedbackSurvey]
    figures: list[EvaluationFigure]
    entries: list[YouSaidWeDid]
    attended_total: int = 0
    children_total: int = 0


def feedback_page(*, partnership: Partnership, cycle: HubCycle, membership: Membership) -> FeedbackPage:
    """A cycle's feedback in seven queries whatever its size; drafts of "you said, we did" for managers only."""
    manages = membership.has_role(*FEEDBACK_MANAGE_ROLES)
    sessions = list(feedback_sessions(partnership=partnership, cycle=cycle))
    children = list(child_feedback(partnership=partnership, cycle=cycle))
    surveys = list(feedback_surveys(partnership=partnership, cycle=cycle))
    for survey in surveys:
        survey.rate = response_rate(responses=survey.response_count, sent=survey.sent_count)
    return FeedbackPage(
        cycle=cycle,
        sessions=sessions,
        children=children,
        surveys=surveys,
        figures=list(evaluation_figures(partnership=partnership, cycle=cycle)),
        entries=list(you_said_we_did(partnership=partnership, cycle=cycle, published_only=not manages)),
        attended_total=sum(s.attended for s in sessions),
        children_total=sum(c.total for c in children),
    )


def _get(model, partnership: Partnership, cycle: HubCycle, pk: int, what: str):
    row = model.objects.in_partnership(partnership).filter(cycle=cycle, pk=pk).select_related("cycle").first()
    if row is None:
        raise Http404(f"No such {what}.")
    return row


def feedback_session_get(
    *, partnership: Partnership, cycle: HubCycle, feedback_session_id: int
) -> PractitionerFeedbackSession:
    return _get(PractitionerFeedbackSession, partnership, cycle, feedback_session_id, "feedback session")


def child_feedback_get(*, partnership: Partnership, cycle: HubCycle, child_feedback_id: int) -> ChildFeedback:
    return _get(ChildFeedback, partnership, cycle, child_feedback_id, "feedback record")


def feedback_survey_get(*, partnership: Partnership, cycle: HubCycle, feedback_survey_id: int) -> FeedbackSurvey:
    return _get(FeedbackSurvey, partnership, cycle, feedback_survey_id, "survey")


def evaluation_figure_get(*, partnership: Partnership, cycle: HubCycle, evaluation_figure_id: int) -> EvaluationFigure:
    return _get(EvaluationFigure, partnership, cycle, evaluation_figure_id, "evaluation figure")


def you_said_we_did_get(
    *, partnership: Partnership, cycle: HubCycle, you_said_we_did_id: int, membership: Membership
) -> YouSaidWeDid:
    """An entry; a draft is as missing to anyone but a business manager."""
    entry = _get(YouSaidWeDid, partnership, cycle, you_said_we_did_id, "entry")
    if entry.state != EntryState.PUBLISHED and not membership.has_role(*FEEDBACK_MANAGE_ROLES):
        raise Http404("No such entry.")
    return entry


def survey_questions(*, partnership: Partnership, survey: FeedbackSurvey) -> list[SurveyQuestion]:
    return list(SurveyQuestion.objects.in_partnership(partnership).filter(survey=survey).order_by("position", "id"))


def survey_question_get(*, partnership: Partnership, survey: FeedbackSurvey, survey_question_id: int) -> SurveyQuestion:
    question = SurveyQuestion.objects.in_partnership(partnership).filter(survey=survey, pk=survey_question_id).first()
    if question is None:
        raise Http404("No such question.")
    return question


def survey_public_path(survey: FeedbackSurvey) -> str:
    """The path of the survey's public link (``/s/<token>/``)."""
    return reverse("learninghub_public:survey_answer", kwargs={"token": survey.token})


def survey_by_token(*, token: str) -> FeedbackSurvey:
    """The survey whose public link holds ``token`` (a draft's link is as missing as a wrong one: ``Http404``).

    The one read here that names no partnership: the person answering has no account and no partnership, only
    the link; the token is 256 random bits, and the survey found gives its own partnership to every later read.
    """
    if not token or len(token) > 64:
        raise Http404("No such survey.")
    survey = (
        FeedbackSurvey.objects.dangerously_unscoped()  # the public link: the token is the only key (see above)
        .filter(token=token)
        .exclude(state=SurveyState.DRAFT)
        .select_related("partnership")
        .first()
    )
    if survey is None:
        raise Http404("No such survey.")
    return survey


@dataclass
class QuestionResult:
    question: SurveyQuestion
    answered: int = 0
    scale_counts: list[tuple[int, int]] = field(default_factory=list)
    average: Decimal | None = None
    yes: int = 0
    no: int = 0
    texts: list[str] = field(default_factory=list)


@dataclass
class SurveyResults:
    survey: FeedbackSurvey
    responses: int
    rate: Decimal | None
    questions: list[QuestionResult]


def survey_results(*, partnership: Partnership, survey: FeedbackSurvey) -> SurveyResults:
    """A survey's responses, response rate and each question's summary in four queries: scale answers counted by
    value with their average, yes and no counted, the latest written answers listed."""
    questions = survey_questions(partnership=partnership, survey=survey)
    responses = SurveyResponse.objects.in_partnership(partnership).filter(survey=survey).count()
    answers = SurveyAnswer.objects.in_partnership(partnership).filter(question__survey=survey)
    counts = answers.values("question_id", "scale_value", "yes_value").annotate(n=Count("id"))
    results = {q.pk: QuestionResult(question=q) for q in questions}
    scale: dict[int, dict[int, int]] = {q.pk: dict.fromkeys(range(1, 6), 0) for q in questions}
    for row in counts:
        result = results.get(row["question_id"])
        if result is None:
            continue
        result.answered += row["n"]
        if row["scale_value"] is not None:
            scale[result.question.pk][row["scale_value"]] += row["n"]
        elif row["yes_value"] is True:
            result.yes += row["n"]
        elif row["yes_value"] is False:
            result.no += row["n"]
    texts = (
        answers.filter(question__kind=QuestionKind.TEXT)
        .exclude(text_value="")
        .order_by("-response__submitted_at", "-id")
        .values_list("question_id", "text_value")[: TEXT_ANSWERS_SHOWN * max(len(questions), 1)]
    )
    for question_id, text in texts:
        if len(results[question_id].texts) < TEXT_ANSWERS_SHOWN:
            results[question_id].texts.append(text)
    for question in questions:
        if question.kind == QuestionKind.SCALE:
            result = results[question.pk]
            result.scale_counts = list(scale[question.pk].items())
            total = sum(v * n for v, n in result.scale_counts)
            if result.answered:
                result.average = (Decimal(total) / result.answered).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return SurveyResults(
        survey=survey,
        responses=responses,
        rate=response_rate(responses=responses, sent=survey.sent_count),
        questions=[results[q.pk] for q in questions],
    )


def _theme_names(records) -> str:
    return ", ".join(t.name for t in records.themes.all()) or "None recorded"


@report_section(key="feedback", order=40)
def feedback_report_section(cycle: HubCycle) -> ReportSection | None:
    """Month 3's feedback for the findings report: practitioners' sessions, children's, young people's and
    families' feedback, surveys with response rates, evaluation figures and the published "you said, we did".
    None when the cycle has no feedback recorded."""
    partnership = cycle.partnership
    sessions = list(feedback_sessions(partnership=partnership, cycle=cycle))
    children = list(child_feedback(partnership=partnership, cycle=cycle))
    surveys = list(feedback_surveys(partnership=partnership, cycle=cycle).exclude(state=SurveyState.DRAFT))
    figures = list(evaluation_figures(partnership=partnership, cycle=cycle))
    entries = list(you_said_we_did(partnership=partnership, cycle=cycle, published_only=True))
    if not (sessions or children or surveys or figures or entries):
        return None
    paragraphs = []
    if sessions:
        paragraphs.append(
            f"{len(sessions)} practitioner feedback session{'s'[: len(sessions) != 1]}, "
            f"attended by {sum(s.attended for s in sessions)} practitioners in all."
        )
    if children:
        paragraphs.append(
            f"Feedback from {sum(c.children for c in children)} children, {sum(c.young_people for c in children)} "
            f"young people and {sum(c.families for c in children)} families, each with consent recorded."
        )
    quotes = [q for s in sessions for q in s.quotes][:10]
    paragraphs.extend(f"“{q}”" for q in quotes)
    tables = []
    if sessions:
        tables.append(
            ReportTable(
                caption="Practitioner feedback sessions",
                headers=("Session", "Held", "Attended", "Themes"),
                rows=tuple((s.title, f"{s.held_on:%-d %B %Y}", str(s.attended), _theme_names(s)) for s in sessions),
            )
        )
    if children:
        tables.append(
            ReportTable(
                caption="Children, young people and families",
                headers=("How", "Gathered", "Children", "Young people", "Families", "Themes"),
                rows=tuple(
                    (
                        c.method,
                        f"{c.gathered_on:%-d %B %Y}",
                        str(c.children),
                        str(c.young_people),
                        str(c.families),
                        _theme_names(c),
                    )
                    for c in children
                ),
            )
        )
    if surveys:
        rows = []
        for s in surveys:
            rate = response_rate(responses=s.response_count, sent=s.sent_count)
            rows.append(
                (s.title, str(s.sent_count), str(s.response_count), f"{rate}%" if rate is not None else "not known")
            )
        tables.append(
            ReportTable(
                caption="Online surveys", headers=("Survey", "Sent", "Responses", "Response rate"), rows=tuple(rows)
            )
        )
    if figures:
        tables.append(
            ReportTable(
                caption="Evaluation figures",
                headers=("Figure", "Value", "Respondents"),
                rows=tuple((f.label, f.shown, "" if f.respondents is None else str(f.respondents)) for f in figures),
            )
        )
    if entries:
        tables.append(
            ReportTable(
                caption="You said, we did",
                headers=("You said", "We did"),
                rows=tuple((e.you_said, e.we_did) for e in entries),
            )
        )
    return ReportSection(key="feedback", title="Feedback", paragraphs=tuple(paragraphs), tables=tuple(tables))
