"""Pages of a cycle's month-3 feedback: the feedback page, recording sessions, children's feedback, evaluation
figures and "you said, we did", the survey builder and its results, and the published "you said, we did" list.

Every member reads the feedback page, a survey's results and the published "you said, we did"; the business
managers record, build, open and close surveys, and publish. Each action is a form → one service → a message →
a redirect; a refusal is drawn again beside its field (400).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from learninghub.forms.feedback import (
    ChildFeedbackForm,
    EntryMoveForm,
    EvaluationFigureForm,
    FeedbackSessionForm,
    QuestionForm,
    SurveyForm,
    SurveyMoveForm,
    YouSaidWeDidForm,
)
from learninghub.selectors import cycles as cycle_selectors
from learninghub.selectors import feedback as selectors
from learninghub.selectors.feedback import FEEDBACK_MANAGE_ROLES, SurveyState
from learninghub.services import feedback as services
from partnership.access import partnership_view
from partnership.forms.base import add_service_errors
from partnership.kept_pages import render_kept
from partnership.selectors.pagination import OneQueryPaginator
from partnership.views.actions import form_status

ENTRIES_PER_PAGE = 25


def _manages(request: HttpRequest) -> bool:
    return request.membership.has_role(*FEEDBACK_MANAGE_ROLES)


def _cycle(request: HttpRequest, hub_cycle_id: int):
    return cycle_selectors.hub_cycle_get(partnership=request.partnership, cycle_id=hub_cycle_id)


def _to_feedback(request: HttpRequest, cycle_id: int, anchor: str = "") -> HttpResponse:
    response = redirect("learninghub:feedback", slug=request.partnership.slug, hub_cycle_id=cycle_id)
    if anchor:
        response["Location"] += f"#{anchor}"
    return response


def _themes(request: HttpRequest, current=()) -> list:
    return selectors.feedback_theme_choices(partnership=request.partnership, current=current)


def _form_page(request, *, cycle, form, title, button, notice="", status=None) -> HttpResponse:
    context = {"cycle": cycle, "form": form, "title": title, "button": button, "notice": notice}
    return render(request, "learninghub/feedback/form.html", context, status=status or form_status(form))


def _save(request, form, call, success: str):
    """Run ``call(cleaned_data)`` when the form is valid; returns the saved row, or None with errors on the form."""
    if not form.is_valid():
        return None
    try:
        saved = call(form.cleaned_data)
    except ValidationError as exc:
        add_service_errors(form, exc)
        return None
    messages.success(request, success)
    return saved


@partnership_view()
@require_GET
def feedback(request: HttpRequest, hub_cycle_id: int) -> HttpResponse:
    cycle = _cycle(request, hub_cycle_id)

    def context() -> dict:
        page = selectors.feedback_page(partnership=request.partnership, cycle=cycle, membership=request.membership)
        return {"cycle": cycle, "page": page, "manages": _manages(request), "is_active": cycle.state == "active"}

    # Sessions, feedback and the survey's figures change only with the partnership's records: the body is kept for
    # its reader (partnership.kept_pages).
    return render_kept(
        request,
        "learninghub/feedback/page.html",
        body_template="learninghub/feedback/_page_body.html",
        context=context,
        page_context={"cycle": cycle},
    )


# --- Practitioner sessions --------------------------------------------------------------------------------------


@partnership_view(roles=FEEDBACK_MANAGE_ROLES)
@require_http_methods(["GET", "POST"])
def session_edit(request: HttpRequest, hub_cycle_id: int, feedback_session_id: int | None = None) -> HttpResponse:
    cycle = _cycle(request, hub_cycle_id)
    session = (
        selectors.feedback_session_get(
            partnership=request.partnership, cycle=cycle, feedback_session_id=feedback_session_id
        )
        if feedback_session_id
        else None
    )
    current = list(session.themes.all()) if session else []
    themes = _themes(request, current)
    if request.method == "POST":
        form = FeedbackSessionForm(data=request.POST, themes=themes)

        def call(data):
            if session:
                return services.feedback_session_update(
                    partnership=request.partnership, actor=request.user, session=session, **data
                )
            return services.feedback_session_create(
                partnership=request.partnership, actor=request.user, cycle=cycle, **data
            )

        saved = _save(request, form, call, "Saved the feedback session.")
        if saved:
            return _to_feedback(request, cycle.pk, f"session-{saved.pk}")
    else:
        initial = {}
        if session:
            initial = {
                "title": session.title,
                "held_on": session.held_on,
                "attended": session.attended,
                "theme_ids": [t.pk for t in current],
                "summary": session.summary,
                "quotes": "\n".join(session.quotes),
            }
        form = FeedbackSessionForm(initial=initial, themes=themes)
    title = "Change a practitioner feedback session" if session else "Record a practitioner feedback session"
    return _form_page(request, cycle=cycle, form=form, title=title, button="Save the session")


# --- Children, young people and families ------------------------------------------------------------------------

CHILD_NOTICE = (
    "Record counts and themes only. There is no place for names, and none should be written in the summary: "
    "nothing here may identify a child, young person or family."
)


@partnership_view(roles=FEEDBACK_MANAGE_ROLES)
@require_http_methods(["GET", "POST"])
def child_edit(request: HttpRequest, hub_cycle_id: int, child_feedback_id: int | None = None) -> HttpResponse:
    cycle = _cycle(request, hub_cycle_id)
    record = (
        selectors.child_feedback_get(partnership=request.partnership, cycle=cycle, child_feedback_id=child_feedback_id)
        if child_feedback_id
        else None
    )
    current = list(record.themes.all()) if record else []
    themes = _themes(request, current)
    if request.method == "POST":
        form = ChildFeedbackForm(data=request.POST, themes=themes)

        def call(data):
            if record:
                return services.child_feedback_update(
                    partnership=request.partnership, actor=request.user, record=record, **data
                )
            return services.child_feedback_create(
                partnership=request.partnership, actor=request.user, cycle=cycle, **data
            )

        saved = _save(request, form, call, "Saved the feedback from children, young people and families.")
        if saved:
            return _to_feedback(request, cycle.pk, f"children-{saved.pk}")
    else:
        initial = {}
        if record:
            initial = {
                "gathered_on": record.gathered_on,
                "method": record.method,
                "children": record.children,
                "young_people": record.young_people,
                "families": record.families,
                "theme_ids": [t.pk for t in current],
                "summary": record.summary,
                "consent_recorded": record.consent_recorded,
                "consent_how": record.consent_how,
            }
        form = ChildFeedbackForm(initial=initial, themes=themes)
    title = "Feedback from children, young people and families"
    return _form_page(request, cycle=cycle, form=form, title=title, button="Save the feedback", notice=CHILD_NOTICE)


# --- Evaluation figures -----------------------------------------------------------------------------------------


@partnership_view(roles=FEEDBACK_MANAGE_ROLES)
@require_http_methods(["GET", "POST"])
def figure_create(request: HttpRequest, hub_cycle_id: int) -> HttpResponse:
    cycle = _cycle(request, hub_cycle_id)
    form = EvaluationFigureForm(data=request.POST if request.method == "POST" else None)
    if request.method == "POST":
        saved = _save(
            request,
            form,
            lambda data: services.evaluation_figure_create(
                partnership=request.partnership, actor=request.user, cycle=cycle, **data
            ),
            "Saved the evaluation figure.",
        )
        if saved:
            return _to_feedback(request, cycle.pk, "figures-heading")
    return _form_page(request, cycle=cycle, form=form, title="Record an evaluation figure", button="Save the figure")


# --- You said, we did -------------------------------------------------------------------------------------------


@partnership_view(roles=FEEDBACK_MANAGE_ROLES)
@require_http_methods(["GET", "POST"])
def entry_edit(request: HttpRequest, hub_cycle_id: int, you_said_we_did_id: int | None = None) -> HttpResponse:
    cycle = _cycle(request, hub_cycle_id)
    entry = (
        selectors.you_said_we_did_get(
            partnership=request.partnership,
            cycle=cycle,
            you_said_we_did_id=you_said_we_did_id,
            membership=request.membership,
        )
        if you_said_we_did_id
        else None
    )
    if request.method == "POST":
        form = YouSaidWeDidForm(data=request.POST)

        def call(data):
            if entry:
                return services.you_said_we_did_update(
                    partnership=request.partnership, actor=request.user, entry=entry, **data
                )
            return services.you_said_we_did_create(
                partnership=request.partnership, actor=request.user, cycle=cycle, **data
            )

        saved = _save(request, form, call, "Saved the “you said, we did” entry.")
        if saved:
            return _to_feedback(request, cycle.pk, f"entry-{saved.pk}")
    else:
        form = YouSaidWeDidForm(initial={"you_said": entry.you_said, "we_did": entry.we_did} if entry else None)
    title = "Change a “you said, we did” entry" if entry else "Draft a “you said, we did” entry"
    return _form_page(request, cycle=cycle, form=form, title=title, button="Save the entry")


@partnership_view(roles=FEEDBACK_MANAGE_ROLES)
@require_POST
def entry_move(request: HttpRequest, hub_cycle_id: int, you_said_we_did_id: int) -> HttpResponse:
    cycle = _cycle(request, hub_cycle_id)
    entry = selectors.you_said_we_did_get(
        partnership=request.partnership,
        cycle=cycle,
        you_said_we_did_id=you_said_we_did_id,
        membership=request.membership,
    )
    form = EntryMoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose whether to publish the entry or take it back to draft.")
    else:
        try:
            services.you_said_we_did_move(
                partnership=request.partnership, actor=request.user, entry=entry, to=form.cleaned_data["to"]
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, f"The entry is {entry.get_state_display().lower()}.")
    return _to_feedback(request, cycle.pk, f"entry-{entry.pk}")


@partnership_view(roles=FEEDBACK_MANAGE_ROLES)
@require_POST
def record_delete(request: HttpRequest, hub_cycle_id: int, kind: str, **ids: int) -> HttpResponse:
    """Remove a session, children's feedback, an evaluation figure or an entry recorded in error."""
    cycle = _cycle(request, hub_cycle_id)
    p = request.partnership
    if kind == "sessions":
        record = selectors.feedback_session_get(
            partnership=p, cycle=cycle, feedback_session_id=ids["feedback_session_id"]
        )
    elif kind == "children":
        record = selectors.child_feedback_get(partnership=p, cycle=cycle, child_feedback_id=ids["child_feedback_id"])
    elif kind == "figures":
        record = selectors.evaluation_figure_get(
            partnership=p, cycle=cycle, evaluation_figure_id=ids["evaluation_figure_id"]
        )
    else:
        record = selectors.you_said_we_did_get(
            partnership=p, cycle=cycle, you_said_we_did_id=ids["you_said_we_did_id"], membership=request.membership
        )
    try:
        services.feedback_record_delete(partnership=p, actor=request.user, instance=record)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Removed it.")
    return _to_feedback(request, cycle.pk)


# --- Surveys ----------------------------------------------------------------------------------------------------


def _to_survey(request: HttpRequest, survey) -> HttpResponse:
    return redirect(
        "learninghub:survey_builder",
        slug=request.partnership.slug,
        hub_cycle_id=survey.cycle_id,
        feedback_survey_id=survey.pk,
    )


@partnership_view(roles=FEEDBACK_MANAGE_ROLES)
@require_http_methods(["GET", "POST"])
def survey_create(request: HttpRequest, hub_cycle_id: int) -> HttpResponse:
    cycle = _cycle(request, hub_cycle_id)
    form = SurveyForm(data=request.POST if request.method == "POST" else None)
    if request.method == "POST":
        saved = _save(
            request,
            form,
            lambda data: services.feedback_survey_create(
                partnership=request.partnership, actor=request.user, cycle=cycle, **data
            ),
            "Started the survey: add its questions, then open it.",
        )
        if saved:
            return _to_survey(request, saved)
    return _form_page(request, cycle=cycle, form=form, title="Start an online survey", button="Start the survey")


@partnership_view(roles=FEEDBACK_MANAGE_ROLES)
@require_http_methods(["GET", "POST"])
def survey_builder(request: HttpRequest, hub_cycle_id: int, feedback_survey_id: int) -> HttpResponse:
    """The survey's details (changed here), its questions (added and removed while a draft), opening and closing,
    and its public link."""
    cycle = _cycle(request, hub_cycle_id)
    survey = selectors.feedback_survey_get(
        partnership=request.partnership, cycle=cycle, feedback_survey_id=feedback_survey_id
    )
    details = SurveyForm(
        initial={"title": survey.title, "introduction": survey.introduction, "sent_count": survey.sent_count},
        prefix="details",
    )
    question_form = QuestionForm(initial={"kind": "scale", "required": True}, prefix="question")
    if request.method == "POST":
        if "details-title" in request.POST:
            details = SurveyForm(data=request.POST, prefix="details")
            if _save(
                request,
                details,
                lambda data: services.feedback_survey_update(
                    partnership=request.partnership, actor=request.user, survey=survey, **data
                ),
                "Saved the survey's details.",
            ):
                return _to_survey(request, survey)
        else:
            question_form = QuestionForm(data=request.POST, prefix="question")
            if _save(
                request,
                question_form,
                lambda data: services.survey_question_add(
                    partnership=request.partnership, actor=request.user, survey=survey, **data
                ),
                "Added the question.",
            ):
                return _to_survey(request, survey)
    context = {
        "cycle": cycle,
        "survey": survey,
        "questions": selectors.survey_questions(partnership=request.partnership, survey=survey),
        "details": details,
        "question_form": question_form,
        "public_url": request.build_absolute_uri(
            reverse("learninghub_public:survey_answer", kwargs={"token": survey.token})
        ),
        "is_draft": survey.state == SurveyState.DRAFT,
        "is_open": survey.state == SurveyState.OPEN,
    }
    return render(request, "learninghub/survey/builder.html", context, status=form_status(details, question_form))


@partnership_view(roles=FEEDBACK_MANAGE_ROLES)
@require_POST
def question_remove(
    request: HttpRequest, hub_cycle_id: int, feedback_survey_id: int, survey_question_id: int
) -> HttpResponse:
    cycle = _cycle(request, hub_cycle_id)
    survey = selectors.feedback_survey_get(
        partnership=request.partnership, cycle=cycle, feedback_survey_id=feedback_survey_id
    )
    question = selectors.survey_question_get(
        partnership=request.partnership, survey=survey, survey_question_id=survey_question_id
    )
    try:
        services.survey_question_remove(
            partnership=request.partnership, actor=request.user, survey=survey, question=question
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Removed the question.")
    return _to_survey(request, survey)


@partnership_view(roles=FEEDBACK_MANAGE_ROLES)
@require_POST
def survey_move(request: HttpRequest, hub_cycle_id: int, feedback_survey_id: int) -> HttpResponse:
    cycle = _cycle(request, hub_cycle_id)
    survey = selectors.feedback_survey_get(
        partnership=request.partnership, cycle=cycle, feedback_survey_id=feedback_survey_id
    )
    form = SurveyMoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose whether to open or close the survey.")
    else:
        try:
            services.feedback_survey_move(
                partnership=request.partnership, actor=request.user, survey=survey, to=form.cleaned_data["to"]
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, f"The survey is {survey.get_state_display().lower()}.")
    return _to_survey(request, survey)


@partnership_view()
@require_GET
def survey_results(request: HttpRequest, hub_cycle_id: int, feedback_survey_id: int) -> HttpResponse:
    cycle = _cycle(request, hub_cycle_id)
    survey = selectors.feedback_survey_get(
        partnership=request.partnership, cycle=cycle, feedback_survey_id=feedback_survey_id
    )
    results = selectors.survey_results(partnership=request.partnership, survey=survey)
    context = {"cycle": cycle, "survey": survey, "results": results, "manages": _manages(request)}
    return render(request, "learninghub/survey/results.html", context)


@partnership_view()
@require_GET
def you_said_we_did_list(request: HttpRequest) -> HttpResponse:
    # A page at a time, its count read with its rows (one query): every cycle publishes more, kept for good (issue 13).
    entries = selectors.published_you_said_we_did(partnership=request.partnership)
    page = OneQueryPaginator(entries, ENTRIES_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "learninghub/feedback/you_said_we_did.html", {"page": page})
