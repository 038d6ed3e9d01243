"""Pages of the challenge log under /p/<slug>/scrutiny/challenges/: the list, raising a challenge (also from a
dashboard figure), one challenge with its answer, moves and history, changing an open one, and recommendations
made from it.

Leadership and the scrutineer read every challenge, an agency lead their own agency's; only the scrutineer
raises, changes, accepts, escalates and closes; only whoever answers for the addressed agency answers. Each action
is a form → one service → a message → a redirect; a refusal is drawn again beside its field (400), a change made
from an out-of-date page is refused with the challenge as saved now (409).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from partnership.access import partnership_view
from partnership.forms.base import add_service_errors, versioned_initial
from partnership.selectors import history_rows_for_object
from partnership.selectors.pagination import OneQueryPaginator
from partnership.services.states import move_is_allowed
from partnership.views.actions import form_status
from scrutiny.forms import challenges as forms
from scrutiny.selectors import challenges as selectors
from scrutiny.selectors.challenges import CHALLENGE_PAGE_ROLES, CHALLENGE_SCRUTINEER_ROLES, State
from scrutiny.services import challenges as services

PAGE_ROLES = sorted(CHALLENGE_PAGE_ROLES)
SCRUTINEER = sorted(CHALLENGE_SCRUTINEER_ROLES)
PER_PAGE = 25
STALE = 409


def _to_challenge(request: HttpRequest, pk: int, anchor: str = "") -> HttpResponse:
    response = redirect("scrutiny:challenge_detail", slug=request.partnership.slug, challenge_id=pk)
    if anchor:
        response["Location"] += f"#{anchor}"
    return response


def _is_stale(exc: ValidationError) -> bool:
    return not hasattr(exc, "error_dict") and getattr(exc, "code", None) == "stale"


@partnership_view(roles=PAGE_ROLES)
@require_GET
def challenge_list(request: HttpRequest) -> HttpResponse:
    form = forms.ChallengeFilterForm(request.GET)
    state = form.chosen_state()
    rows = selectors.challenges_visible(partnership=request.partnership, membership=request.membership, state=state)
    page = OneQueryPaginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "state": state,
        "page": page,
        "today": timezone.localdate(),
        "raises": request.membership.has_role(*SCRUTINEER),
    }
    return render(request, "scrutiny/challenges/list.html", context)


@partnership_view(roles=SCRUTINEER)
@require_http_methods(["GET", "POST"])
def challenge_raise(request: HttpRequest) -> HttpResponse:
    agencies = list(selectors.challenge_agencies(partnership=request.partnership))
    if request.method == "POST":
        form = forms.ChallengeRaiseForm(data=request.POST, agencies=agencies)
        if form.is_valid():
            try:
                challenge = services.challenge_raise(
                    partnership=request.partnership,
                    actor=request.user,
                    membership=request.membership,
                    **form.cleaned_data,
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, f"Raised challenge {challenge.reference} with {challenge.agency.name}.")
                return _to_challenge(request, challenge.pk)
    else:
        # From a dashboard figure (or any page): ``about`` is its link, ``label`` its name; both checked on saving.
        form = forms.ChallengeRaiseForm(
            agencies=agencies,
            initial={
                "subject_path": request.GET.get("about", "")[:500],
                "subject_label": request.GET.get("label", "")[:200],
                "due_on": services.challenge_default_due_on(partnership=request.partnership),
            },
        )
    return render(request, "scrutiny/challenges/raise.html", {"form": form}, status=form_status(form))


def _detail(request: HttpRequest, challenge, *, status: int = 200, saved_version=None, **bound) -> HttpResponse:
    membership = request.membership
    scrutineer = membership.has_role(*SCRUTINEER)
    versioned = versioned_initial(challenge)
    can = {
        "respond": selectors.challenge_can_respond(challenge, membership)
        and move_is_allowed(challenge, State.RESPONDED),
        "accept": scrutineer and move_is_allowed(challenge, State.ACCEPTED),
        "escalate": scrutineer and move_is_allowed(challenge, State.ESCALATED),
        "close": scrutineer and move_is_allowed(challenge, State.CLOSED),
        "edit": scrutineer and challenge.state == State.OPEN,
        "recommend": scrutineer and challenge.state in selectors.MOVABLE_TO_RECOMMENDATION,
    }
    made = {
        "respond": lambda: forms.ChallengeResponseForm(prefix="respond", initial=versioned),
        "accept": lambda: forms.ChallengeAcceptForm(prefix="accept", initial=versioned),
        "escalate": lambda: forms.ChallengeEscalateForm(prefix="escalate", initial=versioned),
        "close": lambda: forms.ChallengeCloseForm(prefix="close", initial=versioned),
        "recommend": lambda: forms.ChallengeRecommendForm(prefix="recommend"),
    }
    page_forms = {name: bound.get(name) or make() for name, make in made.items() if can[name]}
    context = {
        "challenge": challenge,
        "can": can,
        "forms": page_forms,
        "error_form": next((f for f in bound.values() if f is not None and f.errors), None),
        "saved_version": saved_version,
        "overdue": selectors.challenge_is_overdue(challenge, today=timezone.localdate()),
        "recommendations": selectors.challenge_recommendations(partnership=request.partnership, challenge=challenge),
        "history": history_rows_for_object(partnership=request.partnership, obj=challenge),
    }
    return render(request, "scrutiny/challenges/detail.html", context, status=status)


def _get(request: HttpRequest, challenge_id: int):
    return selectors.challenge_get(
        partnership=request.partnership, membership=request.membership, challenge_id=challenge_id
    )


@partnership_view(roles=PAGE_ROLES)
@require_GET
def challenge_detail(request: HttpRequest, challenge_id: int) -> HttpResponse:
    return _detail(request, _get(request, challenge_id))


# (form class, service, what the message says was done, its anchor)
_MOVES = {
    "respond": (forms.ChallengeResponseForm, services.challenge_respond, "Sent your answer to", "response-heading"),
    "accept": (forms.ChallengeAcceptForm, services.challenge_accept, "Accepted the answer to", "response-heading"),
    "escalate": (
        forms.ChallengeEscalateForm,
        services.challenge_escalate,
        "Escalated to the partnership board",
        "response-heading",
    ),
    "close": (forms.ChallengeCloseForm, services.challenge_close, "Closed", "outcome-heading"),
}


def _move(request: HttpRequest, challenge_id: int, name: str) -> HttpResponse:
    challenge = _get(request, challenge_id)
    form_class, service, done, anchor = _MOVES[name]
    form = form_class(data=request.POST, prefix=name)
    if form.is_valid():
        data = dict(form.cleaned_data)
        expected = data.pop("expected_updated_at")
        try:
            service(
                partnership=request.partnership,
                actor=request.user,
                membership=request.membership,
                challenge=challenge,
                expected_updated_at=expected,
                **data,
            )
        except ValidationError as exc:
            saved = _get(request, challenge_id)
            conflict = form.add_refusal(exc, saved=saved)
            stale = _is_stale(exc) or conflict
            return _detail(
                request, saved, status=STALE if stale else 400, saved_version=saved if stale else None, **{name: form}
            )
        messages.success(request, f"{done} challenge {challenge.reference}.")
        return _to_challenge(request, challenge.pk, anchor)
    return _detail(request, challenge, status=400, **{name: form})


@partnership_view(roles=PAGE_ROLES)
@require_POST
def challenge_respond(request: HttpRequest, challenge_id: int) -> HttpResponse:
    return _move(request, challenge_id, "respond")


@partnership_view(roles=SCRUTINEER)
@require_POST
def challenge_accept(request: HttpRequest, challenge_id: int) -> HttpResponse:
    return _move(request, challenge_id, "accept")


@partnership_view(roles=SCRUTINEER)
@require_POST
def challenge_escalate(request: HttpRequest, challenge_id: int) -> HttpResponse:
    return _move(request, challenge_id, "escalate")


@partnership_view(roles=SCRUTINEER)
@require_POST
def challenge_close(request: HttpRequest, challenge_id: int) -> HttpResponse:
    return _move(request, challenge_id, "close")


@partnership_view(roles=SCRUTINEER)
@require_POST
def challenge_recommend(request: HttpRequest, challenge_id: int) -> HttpResponse:
    challenge = _get(request, challenge_id)
    form = forms.ChallengeRecommendForm(data=request.POST, prefix="recommend")
    if form.is_valid():
        try:
            recommendation = services.challenge_recommend(
                partnership=request.partnership,
                actor=request.user,
                membership=request.membership,
                challenge=challenge,
                **form.cleaned_data,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Drafted recommendation {recommendation.reference} from this challenge.")
            return _to_challenge(request, challenge.pk, "recommendations-heading")
    return _detail(request, challenge, status=400, recommend=form)


@partnership_view(roles=SCRUTINEER)
@require_http_methods(["GET", "POST"])
def challenge_edit(request: HttpRequest, challenge_id: int) -> HttpResponse:
    challenge = _get(request, challenge_id)
    saved_version = None
    status = 200
    if request.method == "POST":
        form = forms.ChallengeEditForm(data=request.POST)
        if form.is_valid():
            try:
                services.challenge_update(
                    partnership=request.partnership,
                    actor=request.user,
                    membership=request.membership,
                    challenge=challenge,
                    **form.cleaned_data,
                )
            except ValidationError as exc:
                saved = _get(request, challenge_id)
                if form.add_refusal(exc, saved=saved) or _is_stale(exc):
                    saved_version, status = saved, STALE
                else:
                    status = 400
            else:
                messages.success(request, f"Saved challenge {challenge.reference}.")
                return _to_challenge(request, challenge.pk)
        else:
            status = 400
    else:
        form = forms.ChallengeEditForm(
            initial={
                "subject_label": challenge.subject_label,
                "question": challenge.question,
                "due_on": challenge.due_on,
                **versioned_initial(challenge),
            }
        )
    context = {"challenge": challenge, "form": form, "saved_version": saved_version}
    return render(request, "scrutiny/challenges/edit.html", context, status=status)
