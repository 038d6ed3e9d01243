"""Pages of the annual audit programme, case audit rounds, their screened cases and assignments.

The business managers run them; the partners' leads and the scrutineer read
them. Each action is a form → one service → a message → a redirect; a refusal
is drawn again beside its field (400), and a form drawn before someone else's
change is refused, not applied over it.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from audits.forms.rounds import (
    AssignForm,
    CaseDiscussionForm,
    CaseSelectForm,
    PlannedAuditEditForm,
    PlannedAuditForm,
    RoundEditForm,
    RoundForm,
    RoundMoveForm,
    ScreenForm,
    VersionOnlyForm,
)
from audits.selectors import rounds as selectors
from audits.selectors.rounds import ROUND_MANAGE_ROLES, ROUND_READ_ROLES, RoundState
from audits.services import rounds as services
from partnership.access import partnership_view
from partnership.forms.base import add_service_errors, versioned_initial
from partnership.kept_pages import render_kept
from partnership.row_urls import link_each
from partnership.selectors.pagination import OneQueryPaginator
from partnership.services.states import move_is_allowed
from partnership.views.actions import form_status

ROUNDS_PER_PAGE = 25

# The moves a round's page offers, with their buttons.
MOVE_LABELS = {
    RoundState.OPEN: "Send the returns out",
    RoundState.MODERATION: "Start moderation",
    RoundState.CLOSED: "Close the audit",
}
REOPEN_LABEL = "Open the returns again"


def _manages(request: HttpRequest) -> bool:
    return request.membership.has_role(*ROUND_MANAGE_ROLES)


def _to_round(request: HttpRequest, pk: int) -> HttpResponse:
    return redirect("audits:round_detail", slug=request.partnership.slug, audit_round_id=pk)


def _to_case(request: HttpRequest, pk: int) -> HttpResponse:
    return redirect("audits:case_detail", slug=request.partnership.slug, audit_case_id=pk)


def _to_programme(request: HttpRequest, year: int) -> HttpResponse:
    return redirect(reverse("audits:programme", kwargs={"slug": request.partnership.slug}) + f"?year={year}")


# --- The programme ---------------------------------------------------------------------------------------------


def _planned_form(request: HttpRequest, cls=PlannedAuditForm, **kwargs):
    p = request.partnership
    return cls(
        themes=selectors.theme_choices(partnership=p), priorities=selectors.priority_choices(partnership=p), **kwargs
    )


def _year(request: HttpRequest) -> int:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        year = timezone.localdate().year
    return year if 2000 <= year <= 2100 else timezone.localdate().year


@partnership_view(roles=ROUND_READ_ROLES)
@require_http_methods(["GET", "POST"])
def programme(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    form = None
    if _manages(request):
        if request.method == "POST":
            form = _planned_form(request, data=request.POST)
            if form.is_valid():
                try:
                    planned = services.planned_audit_create(
                        partnership=request.partnership, actor=request.user, **form.cleaned_data
                    )
                except ValidationError as exc:
                    add_service_errors(form, exc)
                else:
                    messages.success(request, f"Added “{planned.title}” to the {planned.year} programme.")
                    return redirect(f"{request.path}?year={planned.year}")
        else:
            form = _planned_form(request, initial={"year": year})
    elif request.method == "POST":
        raise PermissionDenied("Only a business manager changes the programme.")
    years = sorted({*selectors.planned_audit_years(partnership=request.partnership), year})
    context = {
        "year": year,
        "years": years,
        "planned": selectors.planned_audit_list(partnership=request.partnership, year=year),
        "form": form,
    }
    return render(request, "audits/rounds/programme.html", context, status=form_status(form))


@partnership_view(roles=ROUND_MANAGE_ROLES)
@require_http_methods(["GET", "POST"])
def planned_edit(request: HttpRequest, planned_audit_id: int) -> HttpResponse:
    planned = selectors.planned_audit_get(partnership=request.partnership, pk=planned_audit_id)
    if request.method == "POST":
        form = _planned_form(request, PlannedAuditEditForm, data=request.POST)
        if form.is_valid():
            try:
                services.planned_audit_update(
                    partnership=request.partnership, actor=request.user, planned=planned, **form.cleaned_data
                )
            except ValidationError as exc:
                form.add_refusal(exc, saved=selectors.planned_audit_get(partnership=request.partnership, pk=planned.pk))
            else:
                messages.success(request, "Saved the planned audit.")
                return _to_programme(request, form.cleaned_data["year"])
    else:
        initial = {
            "year": planned.year,
            "month": planned.month,
            "title": planned.title,
            "theme_id": planned.theme_id,
            "priority_id": planned.priority_id,
            "notes": planned.notes,
            **versioned_initial(planned),
        }
        form = _planned_form(request, PlannedAuditEditForm, initial=initial)
    context = {"planned": planned, "form": form, "remove_form": VersionOnlyForm(initial=versioned_initial(planned))}
    return render(request, "audits/rounds/planned_edit.html", context, status=form_status(form))


@partnership_view(roles=ROUND_MANAGE_ROLES)
@require_POST
def planned_remove(request: HttpRequest, planned_audit_id: int) -> HttpResponse:
    planned = selectors.planned_audit_get(partnership=request.partnership, pk=planned_audit_id)
    form = VersionOnlyForm(request.POST)
    if form.is_valid():
        try:
            services.planned_audit_remove(
                partnership=request.partnership,
                actor=request.user,
                planned=planned,
                expected_updated_at=form.cleaned_data["expected_updated_at"],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("audits:planned_edit", slug=request.partnership.slug, planned_audit_id=planned.pk)
        messages.success(request, f"Took “{planned.title}” out of the programme.")
    else:
        messages.error(request, " ".join(form.non_field_errors()))
    return _to_programme(request, planned.year)


# --- Rounds ---------------------------------------------------------------------------------------------------


@partnership_view(roles=ROUND_READ_ROLES)
@require_GET
def round_list(request: HttpRequest) -> HttpResponse:
    # A page at a time: a partnership audits every month, so its rounds grow for good (issue 13).
    rounds = selectors.audit_round_list(partnership=request.partnership)
    page = OneQueryPaginator(rounds, ROUNDS_PER_PAGE).get_page(request.GET.get("page"))
    selectors.audit_round_counts(partnership=request.partnership, rounds=page.object_list)
    context = {"rounds": page.object_list, "page": page, "manages": _manages(request)}
    return render(request, "audits/rounds/list.html", context)


def _round_form(request: HttpRequest, **kwargs) -> RoundForm:
    p = request.partnership
    return RoundForm(
        versions=selectors.case_audit_version_choices(partnership=p),
        themes=selectors.theme_choices(partnership=p),
        planned=selectors.planned_audit_list(partnership=p),
        **kwargs,
    )


@partnership_view(roles=ROUND_MANAGE_ROLES)
@require_http_methods(["GET", "POST"])
def round_create(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = _round_form(request, data=request.POST)
        if form.is_valid():
            try:
                audit_round = services.audit_round_create(
                    partnership=request.partnership, actor=request.user, **form.cleaned_data
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, "Set up the audit: now list the screened cases and select some.")
                return _to_round(request, audit_round.pk)
    else:
        initial = {}
        try:
            planned = selectors.planned_audit_get(partnership=request.partnership, pk=int(request.GET["planned"]))
        except (KeyError, ValueError, OverflowError, Http404):  # a bad or foreign id just prefills nothing
            planned = None
        if planned is not None:
            initial = {"planned_id": planned.pk, "title": planned.title, "theme_id": planned.theme_id}
        form = _round_form(request, initial=initial)
    return render(request, "audits/rounds/create.html", {"form": form}, status=form_status(form))


def _render_round(request: HttpRequest, audit_round, *, screen_form=None, move_form=None) -> HttpResponse:
    # The cases, their returns and grades change only with the partnership's records: the body is kept for its reader
    # (partnership.kept_pages); drawn afresh with a posted form's errors.
    return render_kept(
        request,
        "audits/rounds/detail.html",
        body_template="audits/rounds/_detail_body.html",
        context=lambda: _round_context(request, audit_round, screen_form=screen_form, move_form=move_form),
        page_context={"audit_round": audit_round, "screen_form": screen_form, "move_form": move_form},
        status=lambda _context: form_status(screen_form, move_form),
    )


def _round_context(request: HttpRequest, audit_round, *, screen_form, move_form) -> dict:
    page = selectors.audit_round_page(partnership=request.partnership, audit_round=audit_round)
    # Each case and each of its agencies' returns links on: the routes reversed once for the page, not once a row.
    slug = request.partnership.slug
    link_each(page.cases, "audits:case_detail", id_kwarg="audit_case_id", slug=slug)
    returns = (audit_return for case in page.cases for audit_return in case.round_returns)
    link_each(returns, "audits:return_detail", id_kwarg="audit_return_id", slug=slug)
    manages = _manages(request)
    moves = []
    if manages:
        for to, label in MOVE_LABELS.items():
            if move_is_allowed(audit_round, to):
                moves.append(
                    (to, REOPEN_LABEL if to == RoundState.OPEN and audit_round.state != RoundState.SETUP else label)
                )
    context = {
        "page": page,
        "audit_round": audit_round,
        "manages": manages,
        "closed": audit_round.state == RoundState.CLOSED,
        "screen_form": screen_form or (ScreenForm() if manages else None),
        "moves": moves,
        "versioned": versioned_initial(audit_round),
        "move_form": move_form,
    }
    return context


@partnership_view(roles=ROUND_READ_ROLES)
@require_GET
def round_detail(request: HttpRequest, audit_round_id: int) -> HttpResponse:
    return _render_round(request, selectors.audit_round_get(partnership=request.partnership, pk=audit_round_id))


@partnership_view(roles=ROUND_MANAGE_ROLES)
@require_http_methods(["GET", "POST"])
def round_edit(request: HttpRequest, audit_round_id: int) -> HttpResponse:
    audit_round = selectors.audit_round_get(partnership=request.partnership, pk=audit_round_id)
    themes = selectors.theme_choices(partnership=request.partnership)
    if request.method == "POST":
        form = RoundEditForm(request.POST, themes=themes)
        if form.is_valid():
            try:
                services.audit_round_update(
                    partnership=request.partnership, actor=request.user, audit_round=audit_round, **form.cleaned_data
                )
            except ValidationError as exc:
                form.add_refusal(
                    exc, saved=selectors.audit_round_get(partnership=request.partnership, pk=audit_round.pk)
                )
            else:
                messages.success(request, "Saved the audit.")
                return _to_round(request, audit_round.pk)
    else:
        initial = {
            "title": audit_round.title,
            "theme_id": audit_round.theme_id,
            "due_on": audit_round.due_on,
            "screening_criteria": audit_round.screening_criteria,
            **versioned_initial(audit_round),
        }
        form = RoundEditForm(initial=initial, themes=themes)
    context = {"audit_round": audit_round, "form": form}
    return render(request, "audits/rounds/edit.html", context, status=form_status(form))


@partnership_view(roles=ROUND_MANAGE_ROLES)
@require_POST
def round_move(request: HttpRequest, audit_round_id: int) -> HttpResponse:
    audit_round = selectors.audit_round_get(partnership=request.partnership, pk=audit_round_id)
    form = RoundMoveForm(request.POST)
    if form.is_valid():
        try:
            services.audit_round_move(
                partnership=request.partnership,
                actor=request.user,
                audit_round=audit_round,
                to=form.cleaned_data["to"],
                expected_updated_at=form.cleaned_data["expected_updated_at"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"The audit is now at the stage “{RoundState(form.cleaned_data['to']).label}”.")
            return _to_round(request, audit_round.pk)
    audit_round = selectors.audit_round_get(partnership=request.partnership, pk=audit_round_id)
    return _render_round(request, audit_round, move_form=form)


@partnership_view(roles=ROUND_MANAGE_ROLES)
@require_POST
def round_screen(request: HttpRequest, audit_round_id: int) -> HttpResponse:
    audit_round = selectors.audit_round_get(partnership=request.partnership, pk=audit_round_id)
    form = ScreenForm(request.POST)
    if form.is_valid():
        try:
            added = services.audit_cases_screen(
                partnership=request.partnership,
                actor=request.user,
                audit_round=audit_round,
                references=form.cleaned_data["references"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Listed {len(added)} screened case{'' if len(added) == 1 else 's'}.")
            return _to_round(request, audit_round.pk)
    return _render_round(request, audit_round, screen_form=form)


# --- One case: selection, reflective discussion, assignments ----------------------------------------------------


def _render_case(request: HttpRequest, case, *, select_form=None, discussion_form=None, assign_form=None):
    manages = _manages(request)
    p = request.partnership
    versioned = versioned_initial(case)
    returns = list(
        selectors.audit_round_returns(partnership=p, audit_round=case.round).filter(case=case).order_by("agency__name")
    )
    editable = manages and case.round.state != RoundState.CLOSED
    context = {
        "case": case,
        "audit_round": case.round,
        "returns": returns,
        "manages": manages,
        "editable": editable,
        "select_form": select_form
        or (
            CaseSelectForm(initial={"selected": case.selected, "reason": case.reason, **versioned})
            if editable
            else None
        ),
        "discussion_form": discussion_form
        or (
            CaseDiscussionForm(
                initial={"discussion_on": case.discussion_on, "notes": case.discussion_notes, **versioned}
            )
            if editable and case.selected
            else None
        ),
        "assign_form": assign_form
        or (
            AssignForm(
                agencies=selectors.agency_choices_for_returns(partnership=p),
                people=selectors.practitioner_choices(partnership=p),
            )
            if editable and case.selected
            else None
        ),
    }
    return render(
        request,
        "audits/rounds/case.html",
        context,
        status=form_status(select_form, discussion_form, assign_form),
    )


@partnership_view(roles=ROUND_READ_ROLES)
@require_GET
def case_detail(request: HttpRequest, audit_case_id: int) -> HttpResponse:
    return _render_case(request, selectors.audit_case_get(partnership=request.partnership, pk=audit_case_id))


@partnership_view(roles=ROUND_MANAGE_ROLES)
@require_POST
def case_select(request: HttpRequest, audit_case_id: int) -> HttpResponse:
    case = selectors.audit_case_get(partnership=request.partnership, pk=audit_case_id)
    form = CaseSelectForm(request.POST)
    if form.is_valid():
        try:
            services.audit_case_select(
                partnership=request.partnership, actor=request.user, case=case, **form.cleaned_data
            )
        except ValidationError as exc:
            case = selectors.audit_case_get(partnership=request.partnership, pk=audit_case_id)
            form.add_refusal(exc, saved=case)
        else:
            messages.success(
                request, f"{case.reference} is {'selected' if form.cleaned_data['selected'] else 'left out'}."
            )
            return _to_case(request, case.pk)
    return _render_case(request, case, select_form=form)


@partnership_view(roles=ROUND_MANAGE_ROLES)
@require_POST
def case_discussion(request: HttpRequest, audit_case_id: int) -> HttpResponse:
    case = selectors.audit_case_get(partnership=request.partnership, pk=audit_case_id)
    form = CaseDiscussionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.audit_case_discussion_record(
                partnership=request.partnership,
                actor=request.user,
                case=case,
                discussion_on=data["discussion_on"],
                notes=data["notes"],
                expected_updated_at=data["expected_updated_at"],
            )
        except ValidationError as exc:
            case = selectors.audit_case_get(partnership=request.partnership, pk=audit_case_id)
            form.add_refusal(exc, saved=case)
        else:
            messages.success(request, "Saved the notes of the reflective discussion.")
            return _to_case(request, case.pk)
    return _render_case(request, case, discussion_form=form)


@partnership_view(roles=ROUND_MANAGE_ROLES)
@require_POST
def case_assign(request: HttpRequest, audit_case_id: int) -> HttpResponse:
    case = selectors.audit_case_get(partnership=request.partnership, pk=audit_case_id)
    p = request.partnership
    form = AssignForm(
        request.POST,
        agencies=selectors.agency_choices_for_returns(partnership=p),
        people=selectors.practitioner_choices(partnership=p),
    )
    if form.is_valid():
        try:
            audit_return = services.audit_return_assign(
                partnership=p, actor=request.user, case=case, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                f"Asked {audit_return.agency.name} for its return on {case.reference}, "
                f"answered by {audit_return.practitioner.person.full_name}.",
            )
            return _to_case(request, case.pk)
    return _render_case(request, case, assign_form=form)


@partnership_view(roles=ROUND_MANAGE_ROLES)
@require_POST
def return_withdraw(request: HttpRequest, audit_return_id: int) -> HttpResponse:
    audit_return, _access = selectors.audit_return_get(
        partnership=request.partnership, membership=request.membership, pk=audit_return_id
    )
    try:
        services.audit_return_withdraw(partnership=request.partnership, actor=request.user, audit_return=audit_return)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"No longer asking {audit_return.agency.name} for this return.")
    return _to_case(request, audit_return.case_id)
