"""The observer's pages: the cycles a person observes in other partnerships, and one such cycle, read-only.

They sit outside every partnership's URLs, like the kernel's "Shared with you": the observer is not a member
of the host, so none of its pages opens to them (404), and these open only the cycle a grant in force names,
checked at every request (no cache). GET only: an observer writes nothing. Each look is recorded for the host.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from learninghub.selectors import observers as selectors
from partnership.access import second_factor_redirect
from partnership.selectors import person_needs_second_factor
from partnership.services.access import access_grant_record_view


@login_required
@never_cache
@require_GET
def observing_list(request: HttpRequest) -> HttpResponse:
    """Cycles I observe: each grant in force for the signed-in person that opens a hub cycle."""
    if person_needs_second_factor(person=request.user) and not request.user.is_verified():
        return second_factor_redirect(request)
    grants = selectors.hub_observations_for(person=request.user)
    return render(request, "learninghub/observing/list.html", {"grants": grants})


@login_required
@never_cache
@require_GET
def observed_cycle(request: HttpRequest, observation_id: int) -> HttpResponse:
    """One observed cycle: its summary, where it is, its phases and checklist; 404 unless the grant is in force."""
    if person_needs_second_factor(person=request.user) and not request.user.is_verified():
        return second_factor_redirect(request)
    page = selectors.hub_observed_cycle_page(person=request.user, observation_id=observation_id)
    access_grant_record_view(grant=page.grant, person=request.user)
    return render(request, "learninghub/observing/cycle.html", {"page": page, "observation_id": observation_id})
