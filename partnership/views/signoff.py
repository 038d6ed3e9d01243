"""The partners' sign-off page, and the helper any page uses to take a decision posted to it.

A page that shows ``templates/partnership/signoff/_panel.html`` and the
decision form include posts the form to its own view, which calls
``sign_off_decision_handle``: on success it redirects, otherwise it draws the
page again with the bound form (the comment kept) and answers 400.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from partnership.access import partnership_view
from partnership.forms.base import add_service_errors
from partnership.forms.signoff import APPROVE, SignOffDecisionForm
from partnership.models import SignOff
from partnership.selectors.signoff import SignOffPanel, sign_off_get, sign_off_panel, sign_off_readable
from partnership.services.signoff import decidable_approvers, sign_off_approve, sign_off_send_back
from partnership.subjects import subject_url

REFUSED = 400


def sign_off_decision_handle(request: HttpRequest, *, panel: SignOffPanel) -> SignOffDecisionForm | None:
    """Take the decision posted from the form include: None when it was recorded, else the form with errors.

    On success a message says what happened (and whether the sign-off is now
    complete); the caller redirects. On refusal nothing is written and the
    person's input (their comment) stays in the returned form.
    """
    form = SignOffDecisionForm(request.POST, panel=panel)
    if not form.is_valid():
        return form
    kwargs = form.service_kwargs()
    common = {"partnership": request.partnership, "membership": request.membership, "sign_off": panel.sign_off}
    try:
        if form.cleaned_data["decision"] == APPROVE:
            sign_off = sign_off_approve(**common, **kwargs)
        else:
            sign_off = sign_off_send_back(**common, **kwargs)
    except ValidationError as exc:
        add_service_errors(form, exc)
        return form
    if sign_off.state == SignOff.State.APPROVED:
        everyone = "All three partners have" if sign_off.is_statutory else "Every approver has"
        messages.success(request, f"You approved it. {everyone} now signed it off.")
    elif sign_off.state == SignOff.State.SENT_BACK:
        messages.success(request, "You sent it back. The business managers have been told why.")
    else:
        others = "partners" if sign_off.is_statutory else "approvers"
        messages.success(request, f"You approved it. It is waiting for the other {others}.")
    return None


@partnership_view()
@require_http_methods(["GET", "POST"])
def sign_off_detail(request: HttpRequest, sign_off_id: int) -> HttpResponse:
    # Deciding here moves the subject's own workflow too (its declared hook), exactly as on its own page.
    sign_off = sign_off_get(partnership=request.partnership, sign_off_id=sign_off_id)
    if not sign_off_readable(sign_off=sign_off, membership=request.membership):
        raise PermissionDenied("Your roles in this partnership do not include this page.")
    panel = sign_off_panel(sign_off=sign_off, membership=request.membership)
    if request.method == "POST":
        form = sign_off_decision_handle(request, panel=panel)
        if form is None:
            return redirect("partnership:sign_off_detail", slug=request.partnership.slug, sign_off_id=sign_off.pk)
        # Draw the sign-off as it is now (someone else may have decided meanwhile), keeping the input.
        sign_off = sign_off_get(partnership=request.partnership, sign_off_id=sign_off_id)
        fresh = sign_off_panel(sign_off=sign_off, membership=request.membership)
        form.panel = fresh
        return _render(request, fresh, form, status=REFUSED)
    return _render(request, panel, SignOffDecisionForm(panel=panel) if panel.can_decide else None)


def _render(
    request: HttpRequest, panel: SignOffPanel, form: SignOffDecisionForm | None, *, status: int = 200
) -> HttpResponse:
    subject = panel.sign_off.subject
    context = {
        "panel": panel,
        "form": form,
        "subject": subject,
        "subject_url": subject_url(subject),
        "viewer_is_approver": bool(decidable_approvers(sign_off=panel.sign_off, membership=request.membership)),
    }
    return render(request, "partnership/signoff/detail.html", context, status=status)
