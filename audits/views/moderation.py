"""The moderation page of a submitted return: moderated scores, challenge notes, the challenge event and the
actions agreed there (business managers and the partners' leads)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from audits.forms.moderation import AgreedActionForm, ModerationForm
from audits.selectors import self_assessment as selectors
from audits.selectors.access import MODERATORS
from audits.services import moderation as services
from partnership.access import partnership_view
from partnership.forms.base import add_service_errors
from partnership.views.actions import REFUSED


def _page(request, assessment_return, *, form=None, action_form=None, problems=None, status=200) -> HttpResponse:
    standards = selectors.return_standards(partnership=request.partnership, assessment_return=assessment_return)
    open_to_moderation = assessment_return.state in services.MODERATION_STATES
    if form is None and open_to_moderation:
        form = ModerationForm(
            initial={
                "edit_version": assessment_return.edit_version,
                "challenge_event_on": assessment_return.challenge_event_on,
            },
            standards=standards,
        )
    if action_form is None and open_to_moderation:
        action_form = AgreedActionForm(standards=standards)
    return render(
        request,
        "audits/self_assessment/moderate.html",
        {
            "ret": assessment_return,
            "standards": standards,
            "form": form,
            "action_form": action_form,
            "problems": problems or [],
        },
        status=status,
    )


@partnership_view(roles=MODERATORS)
@require_http_methods(["GET", "POST"])
def return_moderate(request: HttpRequest, return_id: int) -> HttpResponse:
    partnership = request.partnership
    assessment_return = selectors.return_get(
        partnership=partnership, membership=request.membership, return_id=return_id
    )
    if request.method != "POST":
        return _page(request, assessment_return)
    standards = selectors.return_standards(partnership=partnership, assessment_return=assessment_return)
    form = ModerationForm(request.POST, standards=standards)
    if not form.is_valid():
        return _page(request, assessment_return, form=form, status=REFUSED)
    try:
        services.return_moderate(
            partnership=partnership,
            actor=request.user,
            assessment_return=assessment_return,
            scores=form.scores(),
            notes=form.notes(),
            challenge_event_on=form.cleaned_data["challenge_event_on"],
            expected_version=form.cleaned_data["edit_version"],
        )
    except ValidationError as exc:
        if getattr(exc, "code", None) in ("stale", "not_editable"):
            fresh = selectors.return_get(partnership=partnership, membership=request.membership, return_id=return_id)
            return _page(request, fresh, problems=exc.messages, status=REFUSED)
        add_service_errors(form, exc)
        return _page(request, assessment_return, form=form, status=REFUSED)
    messages.success(request, "Saved the moderation.")
    return redirect("audits:sa_return_moderate", slug=partnership.slug, return_id=assessment_return.pk)


@partnership_view(roles=MODERATORS)
@require_POST
def agreed_action_add(request: HttpRequest, return_id: int) -> HttpResponse:
    partnership = request.partnership
    assessment_return = selectors.return_get(
        partnership=partnership, membership=request.membership, return_id=return_id
    )
    standards = selectors.return_standards(partnership=partnership, assessment_return=assessment_return)
    form = AgreedActionForm(request.POST, standards=standards)
    if form.is_valid():
        data = form.cleaned_data
        try:
            standard = selectors.return_standard_get(
                partnership=partnership, assessment_return=assessment_return, standard_id=data["standard"]
            )
        except Http404:
            form.add_error("standard", "Choose a standard from the list.")
        else:
            try:
                services.agreed_action_add(
                    partnership=partnership,
                    actor=request.user,
                    assessment_return=assessment_return,
                    standard=standard,
                    action=data["action"],
                    owner=data["owner"],
                    due_on=data["due_on"],
                )
            except ValidationError as exc:
                if getattr(exc, "code", None) == "not_editable":
                    return _page(request, assessment_return, problems=exc.messages, status=REFUSED)
                add_service_errors(form, exc)
            else:
                messages.success(request, "Added the agreed action.")
                return redirect("audits:sa_return_moderate", slug=partnership.slug, return_id=assessment_return.pk)
    return _page(request, assessment_return, action_form=form, status=REFUSED)
