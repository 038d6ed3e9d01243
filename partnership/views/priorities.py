"""Pages of the partnership's priorities: every member reads them, business managers change them."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from partnership.access import partnership_view
from partnership.forms.base import add_service_errors
from partnership.forms.priorities import PriorityEditForm, PriorityForm
from partnership.selectors.priorities import PRIORITY_MANAGE_ROLES, priority_get, priority_list
from partnership.services.priorities import priority_create, priority_update
from partnership.views.actions import form_status


def _manages(request: HttpRequest) -> bool:
    return request.membership.has_role(*PRIORITY_MANAGE_ROLES)


@partnership_view()
@require_http_methods(["GET", "POST"])
def priority_list_page(request: HttpRequest) -> HttpResponse:
    form = None
    if _manages(request):
        form = PriorityForm(request.POST if request.method == "POST" else None)
        if form.is_bound and form.is_valid():
            try:
                priority = priority_create(partnership=request.partnership, actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, f"Added the priority “{priority.title}”.")
                return redirect("partnership:priority_list", slug=request.partnership.slug)
    elif request.method == "POST":
        raise PermissionDenied("Only a business manager changes the priorities.")
    context = {"priorities": priority_list(partnership=request.partnership), "form": form}
    return render(request, "partnership/priorities/list.html", context, status=form_status(form))


@partnership_view(roles=PRIORITY_MANAGE_ROLES)
@require_http_methods(["GET", "POST"])
def priority_edit(request: HttpRequest, priority_id: int) -> HttpResponse:
    priority = priority_get(partnership=request.partnership, priority_id=priority_id)
    saved_version = None
    if request.method == "POST":
        form = PriorityEditForm(request.POST)
        if form.is_valid():
            try:
                priority_update(
                    partnership=request.partnership, actor=request.user, priority=priority, **form.cleaned_data
                )
            except ValidationError as exc:
                priority = priority_get(partnership=request.partnership, priority_id=priority_id)
                if form.add_refusal(exc, saved=priority):
                    saved_version = priority
            else:
                messages.success(request, f"Saved the priority “{form.cleaned_data['title']}”.")
                return redirect("partnership:priority_list", slug=request.partnership.slug)
    else:
        form = PriorityEditForm(initial=PriorityEditForm.initial_for(priority))
    context = {"priority": priority, "form": form, "saved_version": saved_version}
    return render(request, "partnership/priorities/edit.html", context, status=form_status(form))
