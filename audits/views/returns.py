"""Pages of agencies' returns: "my audit returns", answering one, moderating it, sending it back.

A return the member may not see is 404, like a missing one
(``audits.selectors.rounds.audit_return_get``). The practitioner named for it
answers it while it is open; once submitted it is read-only to them. Every save
carries the return's edit counter: a save made from an older read is refused
with a clear message, their input kept, and nothing of the other person's
overwritten.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from audits.forms.returns import VERSION, ModerationForm, ReturnAnswersForm, SendBackForm
from audits.selectors.returns import audit_return_evidence_get, audit_return_sheet
from audits.selectors.rounds import ReturnState, audit_return_get, audit_returns_for_member
from audits.services import returns as services
from partnership.access import partnership_view
from partnership.forms.base import add_service_errors
from partnership.kept_pages import render_kept
from partnership.selectors.pagination import OneQueryPaginator
from partnership.services.files import stored_file_response
from partnership.views.actions import form_status

RETURNS_PER_PAGE = 25


def _to_return(request: HttpRequest, pk: int) -> HttpResponse:
    return redirect("audits:return_detail", slug=request.partnership.slug, audit_return_id=pk)


@partnership_view()
@require_GET
def my_returns(request: HttpRequest) -> HttpResponse:
    # A page at a time: an agency lead answers for every return of their agency, every month, kept for good (issue 13).
    returns = audit_returns_for_member(partnership=request.partnership, membership=request.membership)
    page = OneQueryPaginator(returns, RETURNS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "audits/returns/mine.html", {"returns": page.object_list, "page": page})


def _get(request: HttpRequest, audit_return_id: int):
    return audit_return_get(partnership=request.partnership, membership=request.membership, pk=audit_return_id)


def _render(request: HttpRequest, audit_return, access, *, form=None, moderation=None, send_back=None, stale=False):
    # The return's answers and grades change only with the partnership's records: the body is kept for its reader
    # (partnership.kept_pages), whose access decides its forms; drawn afresh with what was posted.
    return render_kept(
        request,
        "audits/returns/detail.html",
        body_template="audits/returns/_detail_body.html",
        context=lambda: _return_context(
            request, audit_return, access, form=form, moderation=moderation, send_back=send_back, stale=stale
        ),
        page_context={
            "audit_return": audit_return,
            "case": audit_return.case,
            "audit_round": audit_return.case.round,
            "access": access,
            "form": form,
            "moderation": moderation,
            "send_back": send_back,
        },
        status=lambda _context: form_status(form, moderation, send_back),
    )


def _return_context(request: HttpRequest, audit_return, access, *, form, moderation, send_back, stale) -> dict:
    sheet = audit_return_sheet(partnership=request.partnership, audit_return=audit_return)
    answering = access.can_answer and audit_return.is_editable
    moderating = access.can_moderate and audit_return.state in (ReturnState.SUBMITTED, ReturnState.MODERATED)
    if answering and form is None:
        form = ReturnAnswersForm(sheet=sheet, version=audit_return.version)
    if moderating and moderation is None:
        moderation = ModerationForm(sheet=sheet, version=audit_return.version, prefix="moderation")
    if moderating and send_back is None:
        send_back = SendBackForm(initial={"version": audit_return.version}, prefix="send-back")
    # Each question's fields, bound to what was sent (after a refusal) or to the saved answers.
    for part in sheet:
        for item in part.items:
            key = item.question.key
            item.bound = form[key] if answering and key in form.fields else None
            graded = moderating and f"grade-{key}" in moderation.fields
            item.grade_bound = moderation[f"grade-{key}"] if graded else None
            item.rationale_bound = moderation[f"rationale-{key}"] if graded else None
    context = {
        "audit_return": audit_return,
        "case": audit_return.case,
        "audit_round": audit_return.case.round,
        "access": access,
        "sheet": sheet,
        "form": form if answering else None,
        "moderation": moderation if moderating else None,
        "send_back": send_back if moderating else None,
        "stale": stale,
    }
    return context


@partnership_view()
@require_http_methods(["GET", "POST"])
def return_detail(request: HttpRequest, audit_return_id: int) -> HttpResponse:
    audit_return, access = _get(request, audit_return_id)
    if request.method == "GET":
        return _render(request, audit_return, access)
    if not access.can_answer:
        return _render(request, audit_return, access)  # nothing to post for this member: the page as it is
    sheet = audit_return_sheet(partnership=request.partnership, audit_return=audit_return)
    form = ReturnAnswersForm(request.POST, request.FILES, sheet=sheet, version=audit_return.version)
    submit = request.POST.get("action") == "submit"
    stale = False
    if form.is_valid():
        try:
            services.audit_return_save(
                partnership=request.partnership,
                membership=request.membership,
                audit_return=audit_return,
                answers=form.answers(),
                files=form.files_sent(),
                version=form.cleaned_data[VERSION],
                submit=submit,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
            audit_return, access = _get(request, audit_return_id)
            stale = getattr(exc, "code", None) == "stale"
            if stale:
                data = form.data.copy()
                data[VERSION] = audit_return.version
                form.data = data
        else:
            messages.success(request, "Submitted your return. Thank you." if submit else "Saved your draft.")
            return _to_return(request, audit_return.pk)
    if not audit_return.is_editable:
        return _render(request, audit_return, access)
    return _render(request, audit_return, access, form=form, stale=stale)


@partnership_view()
@require_POST
def return_moderate(request: HttpRequest, audit_return_id: int) -> HttpResponse:
    audit_return, access = _get(request, audit_return_id)
    if not access.can_moderate:
        return _render(request, audit_return, access)
    sheet = audit_return_sheet(partnership=request.partnership, audit_return=audit_return)
    form = ModerationForm(request.POST, sheet=sheet, version=audit_return.version, prefix="moderation")
    if form.is_valid():
        try:
            services.audit_return_moderate(
                partnership=request.partnership,
                actor=request.user,
                audit_return=audit_return,
                grades=form.grades(),
                rationales=form.rationales(),
                version=form.cleaned_data[VERSION],
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
            audit_return, access = _get(request, audit_return_id)
        else:
            messages.success(request, "Recorded the moderation.")
            return _to_return(request, audit_return.pk)
    return _render(request, audit_return, access, moderation=form)


@partnership_view()
@require_POST
def return_send_back(request: HttpRequest, audit_return_id: int) -> HttpResponse:
    audit_return, access = _get(request, audit_return_id)
    if not access.can_moderate:
        return _render(request, audit_return, access)
    form = SendBackForm(request.POST, prefix="send-back")
    if form.is_valid():
        try:
            services.audit_return_send_back(
                partnership=request.partnership,
                actor=request.user,
                audit_return=audit_return,
                reason=form.cleaned_data["reason"],
                version=form.cleaned_data["version"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
            audit_return, access = _get(request, audit_return_id)
        else:
            messages.success(request, "Sent the return back to its practitioner.")
            return _to_return(request, audit_return.pk)
    return _render(request, audit_return, access, send_back=form)


@partnership_view()
@require_GET
def return_evidence(request: HttpRequest, audit_return_id: int, evidence_file_id: int) -> HttpResponse:
    audit_return, _access = _get(request, audit_return_id)
    stored = audit_return_evidence_get(partnership=request.partnership, audit_return=audit_return, pk=evidence_file_id)
    return stored_file_response(stored)
