"""Pages of a learning hub cycle's membership: the members tab (confirmed members, nominations by state, the
partners' sign-off), nominating, shortlisting, declining with a reason, withdrawing, and putting the shortlist to
the partners.

Who may do what is in ``learninghub.selectors.members``; the services refuse the rest (403). Each action is a form
→ one service → a message → a redirect to the members tab; a refusal on a form page is drawn again beside its
field (400).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from learninghub.forms.members import DeclineForm, NominationForm
from learninghub.selectors import cycles as cycle_selectors
from learninghub.selectors import members as selectors
from learninghub.selectors.cycles import CycleState
from learninghub.services import members as services
from partnership.access import partnership_view
from partnership.forms.base import add_service_errors
from partnership.kept_pages import render_kept
from partnership.views.actions import form_status


def _to_members(request: HttpRequest, pk: int, anchor: str = "") -> HttpResponse:
    response = redirect("learninghub:cycle_members", slug=request.partnership.slug, hub_cycle_id=pk)
    if anchor:
        response["Location"] += f"#{anchor}"
    return response


@partnership_view()
@require_GET
def cycle_members(request: HttpRequest, hub_cycle_id: int) -> HttpResponse:
    cycle = cycle_selectors.hub_cycle_get(partnership=request.partnership, cycle_id=hub_cycle_id)

    def context() -> dict:
        membership = request.membership
        return {
            "cycle": cycle,
            "page": selectors.hub_members_page(partnership=request.partnership, cycle=cycle, membership=membership),
            "is_active": cycle.state == CycleState.ACTIVE,
            "can_nominate": selectors.hub_can_nominate(membership=membership),
            "can_shortlist": selectors.hub_can_shortlist(membership=membership),
            "states": selectors.NominationState,
        }

    # Nominations and sign-offs change only with the partnership's records: the body is kept for its reader
    # (partnership.kept_pages), whose own nominations and rights it shows.
    return render_kept(
        request,
        "learninghub/members/list.html",
        body_template="learninghub/members/_list_body.html",
        context=context,
        page_context={"cycle": cycle},
    )


@partnership_view(roles=selectors.NOMINATOR_ROLES)
@require_http_methods(["GET", "POST"])
def nomination_create(request: HttpRequest, hub_cycle_id: int) -> HttpResponse:
    cycle = cycle_selectors.hub_cycle_get(partnership=request.partnership, cycle_id=hub_cycle_id)
    choices = {
        "members": selectors.nominee_choices(partnership=request.partnership, membership=request.membership),
        "agencies": selectors.agency_choices(partnership=request.partnership),
    }
    if request.method == "POST":
        form = NominationForm(data=request.POST, **choices)
        if form.is_valid():
            try:
                nomination = services.hub_nomination_create(
                    partnership=request.partnership,
                    actor=request.user,
                    membership=request.membership,
                    cycle=cycle,
                    **form.cleaned_data,
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, f"Nominated {nomination}.")
                return _to_members(request, cycle.pk, anchor=f"nomination-{nomination.pk}")
    else:
        form = NominationForm(**choices)
    context = {"cycle": cycle, "form": form}
    return render(request, "learninghub/members/nominate.html", context, status=form_status(form))


@partnership_view(roles=selectors.SHORTLIST_ROLES)
@require_POST
def nomination_shortlist(request: HttpRequest, hub_cycle_id: int, hub_nomination_id: int) -> HttpResponse:
    cycle = cycle_selectors.hub_cycle_get(partnership=request.partnership, cycle_id=hub_cycle_id)
    nomination = selectors.hub_nomination_get(
        partnership=request.partnership, cycle=cycle, nomination_id=hub_nomination_id, membership=request.membership
    )
    try:
        services.hub_nomination_shortlist(
            partnership=request.partnership,
            actor=request.user,
            membership=request.membership,
            nomination=nomination,
            shortlist=True,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"Shortlisted {nomination}.")
    return _to_members(request, cycle.pk, anchor=f"nomination-{nomination.pk}")


@partnership_view(roles=selectors.SHORTLIST_ROLES)
@require_http_methods(["GET", "POST"])
def nomination_decline(request: HttpRequest, hub_cycle_id: int, hub_nomination_id: int) -> HttpResponse:
    cycle = cycle_selectors.hub_cycle_get(partnership=request.partnership, cycle_id=hub_cycle_id)
    nomination = selectors.hub_nomination_get(
        partnership=request.partnership, cycle=cycle, nomination_id=hub_nomination_id, membership=request.membership
    )
    if request.method == "POST":
        form = DeclineForm(data=request.POST)
        if form.is_valid():
            try:
                services.hub_nomination_shortlist(
                    partnership=request.partnership,
                    actor=request.user,
                    membership=request.membership,
                    nomination=nomination,
                    shortlist=False,
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, f"Declined {nomination}.")
                return _to_members(request, cycle.pk, anchor=f"nomination-{nomination.pk}")
    else:
        form = DeclineForm()
    context = {"cycle": cycle, "nomination": nomination, "form": form}
    return render(request, "learninghub/members/decline.html", context, status=form_status(form))


@partnership_view(roles=selectors.NOMINATOR_ROLES)
@require_POST
def nomination_withdraw(request: HttpRequest, hub_cycle_id: int, hub_nomination_id: int) -> HttpResponse:
    cycle = cycle_selectors.hub_cycle_get(partnership=request.partnership, cycle_id=hub_cycle_id)
    nomination = selectors.hub_nomination_get(
        partnership=request.partnership, cycle=cycle, nomination_id=hub_nomination_id, membership=request.membership
    )
    try:
        services.hub_nomination_withdraw(
            partnership=request.partnership, actor=request.user, membership=request.membership, nomination=nomination
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"Withdrew the nomination of {nomination}.")
    return _to_members(request, cycle.pk)


@partnership_view(roles=selectors.SHORTLIST_ROLES)
@require_POST
def membership_submit(request: HttpRequest, hub_cycle_id: int) -> HttpResponse:
    cycle = cycle_selectors.hub_cycle_get(partnership=request.partnership, cycle_id=hub_cycle_id)
    try:
        services.hub_membership_submit(
            partnership=request.partnership, actor=request.user, membership=request.membership, cycle=cycle
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Put the shortlist to the three partners for sign-off.")
    return _to_members(request, cycle.pk, anchor="sign-off")
