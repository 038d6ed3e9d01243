"""Month 3 of a hub cycle: practitioners' feedback sessions, children's, young people's and families' feedback,
the online survey, evaluation figures and "you said, we did".

Every write names its partnership and the cycle, which must be in progress (a closed or withdrawn cycle keeps
its feedback as it was). Bad input is a ``ValidationError`` by field and writes nothing. Every change leaves a
history row. Surveys and "you said, we did" entries change state only through the kernel's state helper.

Children's, young people's and families' feedback holds no identity: the service takes counts, themes, a summary
and how consent was obtained, and refuses the record without consent.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

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
from partnership.models import HistoryEntry, Partnership, Person
from partnership.services.history import history_record, tenant_create, tenant_delete, tenant_update
from partnership.services.learning_themes import themes_resolve
from partnership.services.states import refuse_unless_allowed, state_move

SurveyState = FeedbackSurvey.State
EntryState = YouSaidWeDid.State
QuestionKind = SurveyQuestion.Kind

TITLE_MAX = 200
TEXT_MAX = 5000
QUOTE_MAX = 1000
QUOTES_MAX = 50
COUNT_MAX = 100_000
QUESTIONS_MAX = 40
ANSWER_MAX = 2000


class _Errors(dict):
    def add(self, field: str, message: str) -> None:
        self.setdefault(field, []).append(message)

    def raise_any(self) -> None:
        if self:
            raise ValidationError(dict(self))


def _active(cycle: HubCycle) -> None:
    if cycle.state != HubCycle.State.ACTIVE:
        raise ValidationError(f"This cycle is {cycle.get_state_display().lower()}: its feedback can no longer change.")


def _text(errors: _Errors, field: str, value: str | None, *, required: str | None, limit: int, one_line=False) -> str:
    value = (value or "").strip()
    if one_line:
        value = " ".join(value.split())
    if not value and required:
        errors.add(field, required)
    elif len(value) > limit:
        errors.add(field, f"Use at most {limit} characters.")
    return value


def _count(errors: _Errors, field: str, value, *, required: str | None = None) -> int:
    if value in (None, ""):
        if required:
            errors.add(field, required)
        return 0
    try:
        number = int(value)
    except (TypeError, ValueError):
        errors.add(field, "Enter a whole number.")
        return 0
    if number < 0 or number > COUNT_MAX:
        errors.add(field, f"Enter a number from 0 to {COUNT_MAX:,}.")
        return 0
    return number


def _day(errors: _Errors, field: str, value: date | None, *, required: str) -> date | None:
    if value is None:
        errors.add(field, required)
    return value


def _themes(errors: _Errors, partnership: Partnership, theme_ids: Iterable | None, current: Iterable[int] = ()):
    try:
        themes = themes_resolve(partnership=partnership, theme_ids=theme_ids or [], field="theme_ids")
    except ValidationError as exc:
        for message in exc.message_dict.get("theme_ids", exc.messages):
            errors.add("theme_ids", message)
        return []
    retired = [t.name for t in themes if not t.is_active and t.pk not in set(current)]
    if retired:
        errors.add("theme_ids", f"“{retired[0]}” is retired: choose a current theme.")
    return themes


def _quotes(errors: _Errors, quotes: Iterable[str] | str | None) -> list[str]:
    if isinstance(quotes, str):
        quotes = quotes.splitlines()
    cleaned = [" ".join(str(q).split()) for q in (quotes or [])]
    cleaned = [q for q in cleaned if q]
    if len(cleaned) > QUOTES_MAX:
        errors.add("quotes", f"Keep at most {QUOTES_MAX} quotes.")
    elif any(len(q) > QUOTE_MAX for q in cleaned):
        errors.add("quotes", f"Keep each quote to at most {QUOTE_MAX} characters.")
    return cleaned


def _themes_record(*, partnership: Partnership, actor: Person | None, instance, themes: list, before: list[str]):
    instance.themes.set(themes)
    after = sorted(t.name for t in themes)
    if sorted(before) != after:
        history_record(
            partnership=partnership,
            actor=actor,
            instance=instance,
            action=HistoryEntry.Action.UPDATED,
            changes={"themes": {"from": sorted(before), "to": after}},
        )


# --- Practitioner feedback sessions -----------------------------------------------------------------------------


def _session_data(*, partnership, title, held_on, attended, summary, quotes, theme_ids, current=()):
    errors = _Errors()
    data = {
        "title": _text(errors, "title", title, required="Enter what the session was.", limit=TITLE_MAX, one_line=True),
        "held_on": _day(errors, "held_on", held_on, required="Enter the date the session was held."),
        "attended": _count(errors, "attended", attended, required="Enter how many practitioners attended."),
        "summary": _text(errors, "summary", summary, required=None, limit=TEXT_MAX),
        "quotes": _quotes(errors, quotes),
    }
    themes = _themes(errors, partnership, theme_ids, current)
    errors.raise_any()
    return data, themes


@transaction.atomic
def feedback_session_create(
    *,
    partnership: Partnership,
    actor: Person,
    cycle: HubCycle,
    title: str,
    held_on: date | None,
    attended: int | None,
    summary: str = "",
    quotes: Iterable[str] | str = (),
    theme_ids: Iterable = (),
) -> PractitionerFeedbackSession:
    """Record a practitioners' feedback session of an in-progress cycle with its themes (the partnership's
    current learning themes) and unattributed quotes. ``ValidationError`` by field; nothing written then."""
    _active(cycle)
    data, themes = _session_data(
        partnership=partnership,
        title=title,
        held_on=held_on,
        attended=attended,
        summary=summary,
        quotes=quotes,
        theme_ids=theme_ids,
    )
    session = tenant_create(
        partnership=partnership,
        actor=actor,
        instance=PractitionerFeedbackSession(partnership=partnership, cycle=cycle, created_by=actor, **data),
    )
    _themes_record(partnership=partnership, actor=actor, instance=session, themes=themes, before=[])
    return session


def _locked(model, partnership: Partnership, instance):
    row = model.objects.in_partnership(partnership).select_for_update().filter(pk=instance.pk).first()
    if row is None:
        raise ValidationError(f"No such {model._meta.verbose_name} in this partnership.")
    return row


@transaction.atomic
def feedback_session_update(
    *,
    partnership: Partnership,
    actor: Person,
    session: PractitionerFeedbackSession,
    title: str,
    held_on: date | None,
    attended: int | None,
    summary: str = "",
    quotes: Iterable[str] | str = (),
    theme_ids: Iterable = (),
) -> PractitionerFeedbackSession:
    """Change a session (its themes too: a retired theme already tagged may stay). Same checks as creating."""
    locked = _locked(PractitionerFeedbackSession, partnership, session)
    _active(locked.cycle)
    before = list(locked.themes.all())
    data, themes = _session_data(
        partnership=partnership,
        title=title,
        held_on=held_on,
        attended=attended,
        summary=summary,
        quotes=quotes,
        theme_ids=theme_ids,
        current=[t.pk for t in before],
    )
    tenant_update(partnership=partnership, actor=actor, instance=locked, data=data)
    _themes_record(
        partnership=partnership, actor=actor, instance=locked, themes=themes, before=[t.name for t in before]
    )
    return locked


# --- Children, young people and families ------------------------------------------------------------------------


def _child_data(*, partnership, gathered_on, method, children, young_people, families, summary, consent, how, current):
    errors = _Errors()
    data = {
        "gathered_on": _day(errors, "gathered_on", gathered_on, required="Enter the date the feedback was gathered."),
        "method": _text(
            errors,
            "method",
            method,
            required="Say how the feedback was gathered, e.g. a group discussion at a youth forum.",
            limit=TITLE_MAX,
            one_line=True,
        ),
        "children": _count(errors, "children", children),
        "young_people": _count(errors, "young_people", young_people),
        "families": _count(errors, "families", families),
        "summary": _text(errors, "summary", summary, required=None, limit=TEXT_MAX),
        "consent_recorded": consent is True,
        "consent_how": _text(
            errors,
            "consent_how",
            how,
            required="Say how consent was obtained, e.g. written consent from each parent.",
            limit=500,
            one_line=True,
        ),
    }
    if consent is not True:
        errors.add("consent_recorded", "Confirm that consent was obtained: feedback without consent is not kept.")
    if not errors.get("children") and not (data["children"] or data["young_people"] or data["families"]):
        errors.add("children", "Enter how many children, young people or families gave feedback.")
    themes = _themes(errors, partnership, current[1], current[0])
    errors.raise_any()
    return data, themes


@transaction.atomic
def child_feedback_create(
    *,
    partnership: Partnership,
    actor: Person,
    cycle: HubCycle,
    gathered_on: date | None,
    method: str,
    children: int | None = 0,
    young_people: int | None = 0,
    families: int | None = 0,
    summary: str = "",
    consent_recorded: bool | None,
    consent_how: str,
    theme_ids: Iterable = (),
) -> ChildFeedback:
    """Record feedback from children, young people and families as counts and themes, never identities.
    Refused without consent (``consent_recorded`` true and how it was obtained) or without anyone counted."""
    _active(cycle)
    data, themes = _child_data(
        partnership=partnership,
        gathered_on=gathered_on,
        method=method,
        children=children,
        young_people=young_people,
        families=families,
        summary=summary,
        consent=consent_recorded,
        how=consent_how,
        current=((), theme_ids),
    )
    record = tenant_create(
        partnership=partnership,
        actor=actor,
        instance=ChildFeedback(partnership=partnership, cycle=cycle, created_by=actor, **data),
    )
    _themes_record(partnership=partnership, actor=actor, instance=record, themes=themes, before=[])
    return record


@transaction.atomic
def child_feedback_update(
    *,
    partnership: Partnership,
    actor: Person,
    record: ChildFeedback,
    gathered_on: date | None,
    method: str,
    children: int | None = 0,
    young_people: int | None = 0,
    families: int | None = 0,
    summary: str = "",
    consent_recorded: bool | None,
    consent_how: str,
    theme_ids: Iterable = (),
) -> ChildFeedback:
    """Change a record of children's, young people's and families' feedback: the same checks as recording it."""
    locked = _locked(ChildFeedback, partnership, record)
    _active(locked.cycle)
    before = list(locked.themes.all())
    data, themes = _child_data(
        partnership=partnership,
        gathered_on=gathered_on,
        method=method,
        children=children,
        young_people=young_people,
        families=families,
        summary=summary,
        consent=consent_recorded,
        how=consent_how,
        current=([t.pk for t in before], theme_ids),
    )
    tenant_update(partnership=partnership, actor=actor, instance=locked, data=data)
    _themes_record(
        partnership=partnership, actor=actor, instance=locked, themes=themes, before=[t.name for t in before]
    )
    return locked


@transaction.atomic
def feedback_record_delete(*, partnership: Partnership, actor: Person, instance) -> None:
    """Remove a session, children's feedback, evaluation figure or "you said, we did" entry recorded in error."""
    if not isinstance(instance, (PractitionerFeedbackSession, ChildFeedback, EvaluationFigure, YouSaidWeDid)):
        raise ValueError("Not a feedback record.")
    locked = _locked(type(instance), partnership, instance)
    _active(locked.cycle)
    tenant_delete(partnership=partnership, actor=actor, instance=locked, reason="Recorded in error")


# --- The online survey ------------------------------------------------------------------------------------------


def _survey_data(*, title, introduction, sent_count):
    errors = _Errors()
    data = {
        "title": _text(errors, "title", title, required="Enter the survey's title.", limit=TITLE_MAX, one_line=True),
        "introduction": _text(errors, "introduction", introduction, required=None, limit=TEXT_MAX),
        "sent_count": _count(errors, "sent_count", sent_count),
    }
    errors.raise_any()
    return data


@transaction.atomic
def feedback_survey_create(
    *,
    partnership: Partnership,
    actor: Person,
    cycle: HubCycle,
    title: str,
    introduction: str = "",
    sent_count: int | None = 0,
) -> FeedbackSurvey:
    """Start a survey as a draft, with its own unguessable public link (not written to the history)."""
    _active(cycle)
    data = _survey_data(title=title, introduction=introduction, sent_count=sent_count)
    survey = FeedbackSurvey(partnership=partnership, cycle=cycle, created_by=actor, **data)
    survey.full_clean()
    survey.save()
    history_record(
        partnership=partnership,
        actor=actor,
        instance=survey,
        action=HistoryEntry.Action.CREATED,
        changes={name: {"from": None, "to": value} for name, value in data.items()},
    )
    return survey


@transaction.atomic
def feedback_survey_update(
    *,
    partnership: Partnership,
    actor: Person,
    survey: FeedbackSurvey,
    title: str,
    introduction: str = "",
    sent_count: int | None = 0,
) -> FeedbackSurvey:
    """Change a survey's title, introduction or how many it was sent to (the response rate's denominator).
    A closed survey is final."""
    locked = _locked(FeedbackSurvey, partnership, survey)
    _active(locked.cycle)
    if locked.state == SurveyState.CLOSED:
        raise ValidationError("This survey is closed: it can no longer change.")
    data = _survey_data(title=title, introduction=introduction, sent_count=sent_count)
    tenant_update(partnership=partnership, actor=actor, instance=locked, data=data)
    return locked


def _draft(survey: FeedbackSurvey) -> None:
    if survey.state != SurveyState.DRAFT:
        raise ValidationError("Questions change only while the survey is a draft, before anyone has answered.")


@transaction.atomic
def survey_question_add(
    *, partnership: Partnership, actor: Person, survey: FeedbackSurvey, text: str, kind: str, required: bool = True
) -> SurveyQuestion:
    """Add a question at the end of a draft survey: a written answer, a scale of 1 to 5, or yes or no."""
    locked = _locked(FeedbackSurvey, partnership, survey)
    _active(locked.cycle)
    _draft(locked)
    errors = _Errors()
    text = _text(errors, "text", text, required="Enter the question.", limit=500, one_line=True)
    if kind not in QuestionKind.values:
        errors.add("kind", "Choose the kind of answer.")
    count = SurveyQuestion.objects.in_partnership(partnership).filter(survey=locked).count()
    if count >= QUESTIONS_MAX:
        errors.add("text", f"A survey has at most {QUESTIONS_MAX} questions.")
    errors.raise_any()
    return tenant_create(
        partnership=partnership,
        actor=actor,
        instance=SurveyQuestion(
            partnership=partnership, survey=locked, text=text, kind=kind, required=bool(required), position=count
        ),
    )


@transaction.atomic
def survey_question_remove(
    *, partnership: Partnership, actor: Person, survey: FeedbackSurvey, question: SurveyQuestion
) -> None:
    """Take a question out of a draft survey."""
    locked = _locked(FeedbackSurvey, partnership, survey)
    _active(locked.cycle)
    _draft(locked)
    if question.survey_id != locked.pk or question.partnership_id != partnership.pk:
        raise ValidationError("No such question in this survey.")
    tenant_delete(partnership=partnership, actor=actor, instance=question)


@transaction.atomic
def feedback_survey_move(
    *, partnership: Partnership, actor: Person, survey: FeedbackSurvey, to: str, reason: str = ""
) -> FeedbackSurvey:
    """Open a draft survey (it needs a question; its public link then takes answers) or close an open one (the
    link refuses answers from then on). Through the kernel's state helper: any other move is refused."""
    refuse_unless_allowed(survey, to)
    _active(survey.cycle)
    fields = {}
    if to == SurveyState.OPEN:
        if not SurveyQuestion.objects.in_partnership(partnership).filter(survey=survey).exists():
            raise ValidationError({"to": ["Add at least one question before opening the survey."]})
        fields["opened_at"] = timezone.now()
    elif to == SurveyState.CLOSED:
        fields["closed_at"] = timezone.now()
    return state_move(partnership=partnership, actor=actor, instance=survey, to=to, fields=fields, reason=reason)


def _answer(question: SurveyQuestion, raw) -> tuple[dict, str | None]:
    """The answer's stored values from what was sent, or the message saying what is wrong."""
    value = "" if raw is None else raw
    if isinstance(value, str):
        value = value.strip()
    if value in ("", None):
        return {}, ("Answer this question." if question.required else None)
    if question.kind == QuestionKind.TEXT:
        if not isinstance(value, str):
            return {}, "Write your answer as text."
        if len(value) > ANSWER_MAX:
            return {}, f"Use at most {ANSWER_MAX} characters."
        return {"text_value": value}, None
    if question.kind == QuestionKind.SCALE:
        try:
            number = int(value)
        except (TypeError, ValueError):
            return {}, "Choose a number from 1 to 5."
        if isinstance(value, bool) or not 1 <= number <= 5 or str(number) != str(value).strip():
            return {}, "Choose a number from 1 to 5."
        return {"scale_value": number}, None
    answers = {"yes": True, "no": False, True: True, False: False}
    if value not in answers:
        return {}, "Choose yes or no."
    return {"yes_value": answers[value]}, None


@transaction.atomic
def survey_response_submit(*, survey: FeedbackSurvey, answers: Mapping) -> SurveyResponse:
    """Keep one response to an open survey, sent through its public link by someone without an account.

    ``answers`` maps each question's id (as text or a number) to the answer: text, "1".."5" or "yes"/"no".
    Answers to unknown questions are ignored. ``ValidationError`` keyed ``q<question id>`` for a required
    question unanswered or an answer out of range, and when the survey is not open (nothing is written)."""
    partnership = survey.partnership
    current = FeedbackSurvey.objects.in_partnership(partnership).filter(pk=survey.pk).values_list("state", flat=True)
    if current.first() != SurveyState.OPEN:
        raise ValidationError("This survey is not taking answers.", code="closed")
    questions = list(SurveyQuestion.objects.in_partnership(partnership).filter(survey=survey).order_by("position"))
    given = {str(key): value for key, value in answers.items()}
    errors = _Errors()
    rows = []
    for question in questions:
        values, problem = _answer(question, given.get(str(question.pk)))
        if problem:
            errors.add(f"q{question.pk}", problem)
        elif values:
            rows.append((question, values))
    if not rows and not errors:
        errors.add("__all__", "Answer at least one question.")
    errors.raise_any()
    response = SurveyResponse.objects.in_partnership(partnership).create(partnership=partnership, survey=survey)
    SurveyAnswer.objects.in_partnership(partnership).bulk_create(
        [SurveyAnswer(partnership=partnership, response=response, question=q, **values) for q, values in rows]
    )
    return response


# --- Evaluation figures -----------------------------------------------------------------------------------------


def _decimal(errors: _Errors, field: str, value, *, required: str | None) -> Decimal | None:
    if value in (None, ""):
        if required:
            errors.add(field, required)
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        errors.add(field, "Enter a number.")
        return None
    if not number.is_finite() or number < 0 or number >= Decimal("10000000"):
        errors.add(field, "Enter a number from 0 to 9,999,999.")
        return None
    return number.quantize(Decimal("0.01"))


def _figure_data(*, label, value, out_of, respondents, note):
    errors = _Errors()
    data = {
        "label": _text(
            errors,
            "label",
            label,
            required="Say what the figure is, e.g. sessions' average evaluation score.",
            limit=TITLE_MAX,
            one_line=True,
        ),
        "value": _decimal(errors, "value", value, required="Enter the figure."),
        "out_of": _decimal(errors, "out_of", out_of, required=None),
        "respondents": None if respondents in (None, "") else _count(errors, "respondents", respondents),
        "note": _text(errors, "note", note, required=None, limit=500, one_line=True),
    }
    if data["value"] is not None and data["out_of"] is not None and data["value"] > data["out_of"]:
        errors.add("value", "The figure cannot be more than what it is out of.")
    if data["out_of"] is not None and data["out_of"] == 0:
        errors.add("out_of", "Leave it empty, or enter a number above 0.")
    errors.raise_any()
    return data


@transaction.atomic
def evaluation_figure_create(
    *,
    partnership: Partnership,
    actor: Person,
    cycle: HubCycle,
    label: str,
    value,
    out_of=None,
    respondents: int | None = None,
    note: str = "",
) -> EvaluationFigure:
    """Record an evaluation figure (e.g. 4.2 out of 5 from 31 practitioners)."""
    _active(cycle)
    data = _figure_data(label=label, value=value, out_of=out_of, respondents=respondents, note=note)
    return tenant_create(
        partnership=partnership,
        actor=actor,
        instance=EvaluationFigure(partnership=partnership, cycle=cycle, created_by=actor, **data),
    )


# --- You said, we did -------------------------------------------------------------------------------------------


def _entry_data(*, you_said, we_did):
    errors = _Errors()
    data = {
        "you_said": _text(errors, "you_said", you_said, required="Enter what practitioners said.", limit=TEXT_MAX),
        "we_did": _text(errors, "we_did", we_did, required="Enter what the partnership did.", limit=TEXT_MAX),
    }
    errors.raise_any()
    return data


@transaction.atomic
def you_said_we_did_create(
    *, partnership: Partnership, actor: Person, cycle: HubCycle, you_said: str, we_did: str
) -> YouSaidWeDid:
    """Draft a "you said, we did" entry; practitioners see it once it is published."""
    _active(cycle)
    data = _entry_data(you_said=you_said, we_did=we_did)
    return tenant_create(
        partnership=partnership,
        actor=actor,
        instance=YouSaidWeDid(partnership=partnership, cycle=cycle, created_by=actor, **data),
    )


@transaction.atomic
def you_said_we_did_update(
    *, partnership: Partnership, actor: Person, entry: YouSaidWeDid, you_said: str, we_did: str
) -> YouSaidWeDid:
    """Change an entry's words (a published entry's change is seen at once by practitioners)."""
    locked = _locked(YouSaidWeDid, partnership, entry)
    _active(locked.cycle)
    tenant_update(
        partnership=partnership, actor=actor, instance=locked, data=_entry_data(you_said=you_said, we_did=we_did)
    )
    return locked


@transaction.atomic
def you_said_we_did_move(
    *, partnership: Partnership, actor: Person, entry: YouSaidWeDid, to: str, reason: str = ""
) -> YouSaidWeDid:
    """Publish an entry to the partnership's members, or take it back to draft (through the state helper)."""
    refuse_unless_allowed(entry, to)
    _active(entry.cycle)
    fields = {"published_at": timezone.now() if to == EntryState.PUBLISHED else None}
    return state_move(partnership=partnership, actor=actor, instance=entry, to=to, fields=fields, reason=reason)


__all__ = [
    "EntryState",
    "QuestionKind",
    "SurveyState",
    "child_feedback_create",
    "child_feedback_update",
    "evaluation_figure_create",
    "feedback_record_delete",
    "feedback_session_create",
    "feedback_session_update",
    "feedback_survey_create",
    "feedback_survey_move",
    "feedback_survey_update",
    "survey_question_add",
    "survey_question_remove",
    "survey_response_submit",
    "you_said_we_did_create",
    "you_said_we_did_move",
    "you_said_we_did_update",
]
