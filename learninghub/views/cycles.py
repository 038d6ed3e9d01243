"""Pages of learning hub cycles: the list, setting one up, its page (where it is, what is late, what comes next,
its checklist), changing it, moving a phase, ticking a task, giving a task to a member, closing it.

Every member reads them; the business managers set cycles up, move phases, give tasks to named members and close
them; a task is ticked by its owner or a business manager. Each action is a form → one service → a message → a
redirect; a refusal is drawn again beside its field (400).
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from learninghub.forms.cycles import (
    CycleEditForm,
    CycleForm,
    CycleMoveForm,
    PhaseMoveForm,
    TaskAssignForm,
    TaskTickForm,
)
from learninghub.forms.observers import ObserverInviteForm, ObserverRevokeForm
from learninghub.selectors import cycles as selectors
from learninghub.selectors import observers as observer_selectors
from learninghub.selectors.cycles import CYCLE_MANAGE_ROLES, CycleState
from learninghub.selectors.findings import FINDINGS_READ_ROLES
from learninghub.services import cycles as services
from learninghub.services import observers as observer_services
from learninghub.views.sessions import sessions_linked
from partnership.access import partnership_view
from partnership.forms.base import add_service_errors, versioned_initial
from partnership.kept_pages import render_kept
from partnership.row_urls import url_for_each
from partnership.selectors.pagination import OneQueryPaginator
from partnership.views.actions import form_status

# How long an observer is invited for unless the business manager says otherwise: a cycle's four hub months.
OBSERVER_DEFAULT_PERIOD = timedelta(days=120)
CYCLES_PER_PAGE = 25


def _manages(request: HttpRequest) -> bool:
    return request.membership.has_role(*CYCLE_MANAGE_ROLES)


def _to_cycle(request: HttpRequest, pk: int, anchor: str = "") -> HttpResponse:
    response = redirect("learninghub:cycle_detail", slug=request.partnership.slug, hub_cycle_id=pk)
    if anchor:
        response["Location"] += f"#{anchor}"
    return response


@partnership_view()
@require_GET
def cycle_list(request: HttpRequest) -> HttpResponse:
    # A page at a time: four cycles a year, kept for good (issue 13).
    cycles = selectors.hub_cycle_list(partnership=request.partnership)
    page = OneQueryPaginator(cycles, CYCLES_PER_PAGE).get_page(request.GET.get("page"))
    context = {"cycles": page.object_list, "page": page, "manages": _manages(request)}
    return render(request, "learninghub/cycles/list.html", context)


@partnership_view(roles=CYCLE_MANAGE_ROLES)
@require_http_methods(["GET", "POST"])
def cycle_create(request: HttpRequest) -> HttpResponse:
    priorities = selectors.priority_choices(partnership=request.partnership)
    if request.method == "POST":
        form = CycleForm(data=request.POST, priorities=priorities)
        if form.is_valid():
            try:
                cycle = services.hub_cycle_create(
                    partnership=request.partnership, actor=request.user, **form.cleaned_data
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, f"Set up “{cycle.title}” with its phases and checklist.")
                return _to_cycle(request, cycle.pk)
    else:
        form = CycleForm(priorities=priorities)
    return render(request, "learninghub/cycles/create.html", {"form": form}, status=form_status(form))


def _cycle_page(request: HttpRequest, cycle) -> dict:
    page = selectors.hub_cycle_page(partnership=request.partnership, cycle=cycle, membership=request.membership)
    manages = _manages(request)
    # Each checklist row links to its tick and its assignment: reversed once, not twice a row.
    slug = request.partnership.slug
    tick_url = url_for_each("learninghub:task_tick", id_kwarg="hub_task_id", slug=slug)
    assign_url = url_for_each("learninghub:task_assign", id_kwarg="hub_task_id", slug=slug)
    for view in page.phases:
        for task in view.tasks:
            task.tick_url, task.assign_url = tick_url(task.pk), assign_url(task.pk)
    context = {
        "page": page,
        "cycle": cycle,
        "manages": manages,
        "is_active": cycle.state == CycleState.ACTIVE,
        "close_form": CycleMoveForm(),
        "sessions": sessions_linked(request, cycle),
        "reads_findings": request.membership.has_role(*FINDINGS_READ_ROLES),
    }
    if manages:
        context["observers"] = observer_selectors.hub_observers(partnership=request.partnership, cycle=cycle)
    return context


@partnership_view()
@require_GET
def cycle_detail(request: HttpRequest, hub_cycle_id: int) -> HttpResponse:
    cycle = selectors.hub_cycle_get(partnership=request.partnership, cycle_id=hub_cycle_id)
    # The checklist, sessions and observers change only with the partnership's records: the body is kept for its
    # reader (partnership.kept_pages), whose roles and tasks it shows.
    return render_kept(
        request,
        "learninghub/cycles/detail.html",
        body_template="learninghub/cycles/_detail_body.html",
        context=lambda: _cycle_page(request, cycle),
        page_context={"cycle": cycle},
    )


@partnership_view(roles=CYCLE_MANAGE_ROLES)
@require_http_methods(["GET", "POST"])
def cycle_edit(request: HttpRequest, hub_cycle_id: int) -> HttpResponse:
    cycle = selectors.hub_cycle_get(partnership=request.partnership, cycle_id=hub_cycle_id)
    priorities = selectors.priority_choices(partnership=request.partnership)
    if cycle.priority not in priorities:
        priorities = [cycle.priority, *priorities]  # a retired priority stays the cycle's own
    saved_version = None
    if request.method == "POST":
        form = CycleEditForm(data=request.POST, priorities=priorities)
        if form.is_valid():
            try:
                services.hub_cycle_update(
                    partnership=request.partnership,
                    actor=request.user,
                    cycle=cycle,
                    title=form.cleaned_data["title"],
                    priority_id=form.cleaned_data["priority_id"],
                    expected_updated_at=form.cleaned_data["expected_updated_at"],
                )
            except ValidationError as exc:
                saved = selectors.hub_cycle_get(partnership=request.partnership, cycle_id=cycle.pk)
                if form.add_refusal(exc, saved=saved):
                    saved_version = saved
            else:
                messages.success(request, "Saved the cycle.")
                return _to_cycle(request, cycle.pk)
    else:
        initial = {"title": cycle.title, "priority_id": cycle.priority_id, **versioned_initial(cycle)}
        form = CycleEditForm(initial=initial, priorities=priorities)
    context = {"cycle": cycle, "form": form, "saved_version": saved_version}
    return render(request, "learninghub/cycles/edit.html", context, status=form_status(form))


@partnership_view(roles=CYCLE_MANAGE_ROLES)
@require_http_methods(["GET", "POST"])
def phase_move(request: HttpRequest, hub_cycle_id: int, hub_phase_id: int) -> HttpResponse:
    cycle = selectors.hub_cycle_get(partnership=request.partnership, cycle_id=hub_cycle_id)
    phase = selectors.hub_phase_get(partnership=request.partnership, cycle=cycle, phase_id=hub_phase_id)
    if request.method == "POST":
        form = PhaseMoveForm(data=request.POST)
        if form.is_valid():
            try:
                shifts = services.hub_phase_move(
                    partnership=request.partnership, actor=request.user, cycle=cycle, phase=phase, **form.cleaned_data
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                if not shifts:
                    messages.info(request, f"{phase.get_kind_display()} keeps its dates.")
                else:
                    moved = "; ".join(
                        f"{s.label}: {s.phase.starts_on:%-d %b %Y} to {s.phase.ends_on:%-d %b %Y}" for s in shifts
                    )
                    messages.success(request, f"Moved {len(shifts)} phase{'s'[: len(shifts) != 1]}. {moved}.")
                return _to_cycle(request, cycle.pk, anchor=f"phase-{phase.pk}")
    else:
        form = PhaseMoveForm(initial={"starts_on": phase.starts_on, "ends_on": phase.ends_on})
    later = [
        p for p in selectors.hub_phases(partnership=request.partnership, cycle=cycle) if p.position > phase.position
    ]
    context = {"cycle": cycle, "phase": phase, "later": later, "form": form}
    return render(request, "learninghub/cycles/phase_move.html", context, status=form_status(form))


@partnership_view()
@require_POST
def task_tick(request: HttpRequest, hub_task_id: int) -> HttpResponse:
    task = selectors.hub_task_get(partnership=request.partnership, task_id=hub_task_id)
    form = TaskTickForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say whether the task is done.")
        return _to_cycle(request, task.cycle_id, anchor=f"task-{task.pk}")
    try:
        services.hub_task_tick(
            partnership=request.partnership,
            actor=request.user,
            membership=request.membership,
            task=task,
            done=form.cleaned_data["done"],
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        word = "done" if form.cleaned_data["done"] else "not done"
        messages.success(request, f"Marked “{task.text[:80]}” as {word}.")
    return _to_cycle(request, task.cycle_id, anchor=f"task-{task.pk}")


@partnership_view(roles=CYCLE_MANAGE_ROLES)
@require_http_methods(["GET", "POST"])
def task_assign(request: HttpRequest, hub_task_id: int) -> HttpResponse:
    """A page of its own, not a form beside every task of the cycle's page: each would list every member of the
    partnership (2,000 in a large one, by some 30 open tasks)."""
    task = selectors.hub_task_get(partnership=request.partnership, task_id=hub_task_id)
    if task.cycle.state != CycleState.ACTIVE or task.done_at is not None:
        messages.error(request, "This task can no longer change hands: it is done or its cycle has ended.")
        return _to_cycle(request, task.cycle_id, anchor=f"task-{task.pk}")
    members = selectors.owner_member_choices(partnership=request.partnership)
    form = TaskAssignForm(data=request.POST or None, task=task, members=members)
    if form.is_bound and form.is_valid():
        try:
            assigned = services.hub_task_assign(
                partnership=request.partnership,
                actor=request.user,
                task=task,
                owner_member_id=form.cleaned_data["owner_member_id"],
            )
        except ValidationError as exc:
            if not hasattr(exc, "error_dict"):  # the cycle has ended: nothing to put beside the field
                messages.error(request, " ".join(exc.messages))
                return _to_cycle(request, task.cycle_id, anchor=f"task-{task.pk}")
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Gave “{task.text[:80]}” to {selectors.owner_label(assigned)}.")
            return _to_cycle(request, task.cycle_id, anchor=f"task-{task.pk}")
    context = {"task": task, "cycle": task.cycle, "form": form, "owner": selectors.owner_label(task)}
    return render(request, "learninghub/cycles/task_assign.html", context, status=form_status(form))


@partnership_view(roles=CYCLE_MANAGE_ROLES)
@require_POST
def cycle_close(request: HttpRequest, hub_cycle_id: int) -> HttpResponse:
    cycle = selectors.hub_cycle_get(partnership=request.partnership, cycle_id=hub_cycle_id)
    form = CycleMoveForm(request.POST)
    if form.is_valid():
        try:
            services.hub_cycle_move(
                partnership=request.partnership,
                actor=request.user,
                cycle=cycle,
                to=form.cleaned_data["to"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, f"The cycle is {cycle.get_state_display().lower()}.")
    else:
        messages.error(request, "Choose how the cycle ends.")
    return _to_cycle(request, cycle.pk)


# --- Observers (learninghub.services.observers): people of another partnership watching one cycle ---------


@partnership_view(roles=CYCLE_MANAGE_ROLES)
@require_http_methods(["GET", "POST"])
def observer_invite(request: HttpRequest, hub_cycle_id: int) -> HttpResponse:
    cycle = selectors.hub_cycle_get(partnership=request.partnership, cycle_id=hub_cycle_id)
    collaborations = observer_selectors.observer_collaboration_choices(partnership=request.partnership)
    if request.method == "POST":
        form = ObserverInviteForm(data=request.POST, collaborations=collaborations)
        if form.is_valid():
            try:
                observer = observer_services.hub_observer_invite(
                    partnership=request.partnership, actor=request.user, cycle=cycle, **form.cleaned_data
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                grantee = observer.grant.grantee
                messages.success(request, f"{grantee.full_name or grantee.email} can now observe this cycle.")
                return _to_cycle(request, cycle.pk, anchor="observers-heading")
    else:
        form = ObserverInviteForm(
            collaborations=collaborations, initial={"ends_on": timezone.localdate() + OBSERVER_DEFAULT_PERIOD}
        )
    context = {"cycle": cycle, "form": form, "has_collaborations": bool(collaborations)}
    return render(request, "learninghub/cycles/observer_invite.html", context, status=form_status(form))


@partnership_view(roles=CYCLE_MANAGE_ROLES)
@require_POST
def observer_revoke(request: HttpRequest, hub_cycle_id: int, hub_observer_id: int) -> HttpResponse:
    cycle = selectors.hub_cycle_get(partnership=request.partnership, cycle_id=hub_cycle_id)
    observer = observer_selectors.hub_observer_get(
        partnership=request.partnership, cycle=cycle, observer_id=hub_observer_id
    )
    form = ObserverRevokeForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    if observer_services.hub_observer_revoke(
        partnership=request.partnership, actor=request.user, observer=observer, reason=reason
    ):
        messages.success(request, f"{observer.grant.grantee} can no longer observe this cycle.")
    else:
        messages.info(request, "That observer's access had already been revoked.")
    return _to_cycle(request, cycle.pk, anchor="observers-heading")
