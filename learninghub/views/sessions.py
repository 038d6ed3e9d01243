"""Pages of learning hub sessions: a cycle's sessions, scheduling one, its page (when, where, agenda,
attendance, notes, actions), changing it, recording attendance, adding and ticking actions, marking it held,
cancelling or reinstating it, and its ``.ics`` invitations (the session's, and each member's).

Every member reads them and downloads invitations; the business managers schedule sessions and record what
happened; an action is ticked by its owner or a business manager. Each action is a form → one service → a
message → a redirect; a refusal is drawn again beside its field (400).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from learninghub.forms.sessions import (
    ActionForm,
    ActionTickForm,
    AttendanceForm,
    SessionEditForm,
    SessionForm,
    SessionMoveForm,
)
from learninghub.selectors import sessions as selectors
from learninghub.selectors.cycles import hub_cycle_get, owner_member_choices
from learninghub.selectors.session_calendar import hub_session_ics, hub_session_ics_filename
from learninghub.selectors.sessions import SESSION_MANAGE_ROLES, SessionState
from learninghub.services import sessions as services
from partnership.access import partnership_view
from partnership.forms.base import add_service_errors, versioned_initial
from partnership.row_urls import link_each
from partnership.views.actions import form_status

MOVE_WORDS = {
    SessionState.HELD: "marked as held",
    SessionState.CANCELLED: "cancelled: download the invitation again to remove it from calendars",
    SessionState.SCHEDULED: "back in the calendar: download the invitation again",
}


def _manages(request: HttpRequest) -> bool:
    return request.membership.has_role(*SESSION_MANAGE_ROLES)


def _to_session(request: HttpRequest, pk: int, anchor: str = "") -> HttpResponse:
    response = redirect("learninghub:session_detail", slug=request.partnership.slug, hub_session_id=pk)
    if anchor:
        response["Location"] += f"#{anchor}"
    return response


def _page_url(request: HttpRequest, session_id: int) -> str:
    return request.build_absolute_uri(
        reverse("learninghub:session_detail", kwargs={"slug": request.partnership.slug, "hub_session_id": session_id})
    )


@partnership_view()
@require_GET
def session_list(request: HttpRequest, hub_cycle_id: int) -> HttpResponse:
    cycle = hub_cycle_get(partnership=request.partnership, cycle_id=hub_cycle_id)
    context = {"cycle": cycle, "sessions": sessions_linked(request, cycle), "manages": _manages(request)}
    return render(request, "learninghub/sessions/list.html", context)


def sessions_linked(request: HttpRequest, cycle) -> list:
    """The cycle's sessions, each with its page's link (``detail_url``) from one ``reverse()`` for them all: the
    sessions table (``sessions/_table.html``) on the sessions page and the cycle's page."""
    sessions = list(selectors.hub_session_list(partnership=request.partnership, cycle=cycle))
    link_each(
        sessions,
        "learninghub:session_detail",
        id_kwarg="hub_session_id",
        attribute="detail_url",
        slug=request.partnership.slug,
    )
    return sessions


@partnership_view(roles=SESSION_MANAGE_ROLES)
@require_http_methods(["GET", "POST"])
def session_create(request: HttpRequest, hub_cycle_id: int) -> HttpResponse:
    cycle = hub_cycle_get(partnership=request.partnership, cycle_id=hub_cycle_id)
    if request.method == "POST":
        form = SessionForm(data=request.POST)
        if form.is_valid():
            try:
                session = services.hub_session_create(
                    partnership=request.partnership, actor=request.user, cycle=cycle, **form.cleaned_data
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, f"Scheduled “{session.title}”.")
                return _to_session(request, session.pk)
    else:
        form = SessionForm()
    return render(request, "learninghub/sessions/create.html", {"cycle": cycle, "form": form}, status=form_status(form))


@partnership_view()
@require_GET
def session_detail(request: HttpRequest, hub_session_id: int) -> HttpResponse:
    session = selectors.hub_session_get(partnership=request.partnership, session_id=hub_session_id)
    page = selectors.hub_session_page(partnership=request.partnership, session=session, membership=request.membership)
    manages = _manages(request)
    context = {
        "page": page,
        "session": session,
        "cycle": session.cycle,
        "manages": manages,
        "is_open": session.cycle.state == session.cycle.State.ACTIVE,
        "action_form": ActionForm(members=owner_member_choices(partnership=request.partnership)) if manages else None,
    }
    return render(request, "learninghub/sessions/detail.html", context)


@partnership_view(roles=SESSION_MANAGE_ROLES)
@require_http_methods(["GET", "POST"])
def session_edit(request: HttpRequest, hub_session_id: int) -> HttpResponse:
    session = selectors.hub_session_get(partnership=request.partnership, session_id=hub_session_id)
    saved_version = None
    if request.method == "POST":
        form = SessionEditForm(data=request.POST)
        if form.is_valid():
            try:
                services.hub_session_update(
                    partnership=request.partnership, actor=request.user, session=session, **form.cleaned_data
                )
            except ValidationError as exc:
                saved = selectors.hub_session_get(partnership=request.partnership, session_id=session.pk)
                if form.add_refusal(exc, saved=saved):
                    saved_version = saved
            else:
                messages.success(request, "Saved the session.")
                return _to_session(request, session.pk)
    else:
        form = SessionEditForm(initial={**SessionForm.initial_from(session), **versioned_initial(session)})
    context = {"session": session, "cycle": session.cycle, "form": form, "saved_version": saved_version}
    return render(request, "learninghub/sessions/edit.html", context, status=form_status(form))


@partnership_view(roles=SESSION_MANAGE_ROLES)
@require_http_methods(["GET", "POST"])
def session_attendance(request: HttpRequest, hub_session_id: int) -> HttpResponse:
    session = selectors.hub_session_get(partnership=request.partnership, session_id=hub_session_id)
    members = owner_member_choices(partnership=request.partnership)
    if request.method == "POST":
        form = AttendanceForm(data=request.POST, members=members)
        if form.is_valid():
            try:
                services.hub_session_attendance_set(
                    partnership=request.partnership, actor=request.user, session=session, **form.cleaned_data
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, "Recorded the attendance.")
                return _to_session(request, session.pk, anchor="attendance-heading")
    else:
        recorded = selectors.hub_session_attendance(partnership=request.partnership, session=session)
        form = AttendanceForm(
            members=members,
            initial={
                "attended_ids": [a.member_id for a in recorded if a.status == "attended"],
                "apologies_ids": [a.member_id for a in recorded if a.status == "apologies"],
            },
        )
    context = {"session": session, "cycle": session.cycle, "form": form}
    return render(request, "learninghub/sessions/attendance.html", context, status=form_status(form))


@partnership_view(roles=SESSION_MANAGE_ROLES)
@require_http_methods(["GET", "POST"])
def action_create(request: HttpRequest, hub_session_id: int) -> HttpResponse:
    session = selectors.hub_session_get(partnership=request.partnership, session_id=hub_session_id)
    members = owner_member_choices(partnership=request.partnership)
    if request.method == "POST":
        form = ActionForm(data=request.POST, members=members)
        if form.is_valid():
            try:
                action = services.hub_session_action_add(
                    partnership=request.partnership, actor=request.user, session=session, **form.cleaned_data
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, f"Added the action for {selectors.member_label(action.owner)}.")
                return _to_session(request, session.pk, anchor=f"action-{action.pk}")
    else:
        form = ActionForm(members=members)
    context = {"session": session, "cycle": session.cycle, "form": form}
    return render(request, "learninghub/sessions/action_create.html", context, status=form_status(form))


@partnership_view()
@require_POST
def action_tick(request: HttpRequest, hub_session_action_id: int) -> HttpResponse:
    action = selectors.hub_session_action_get(partnership=request.partnership, action_id=hub_session_action_id)
    form = ActionTickForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say whether the action is done.")
        return _to_session(request, action.session_id, anchor=f"action-{action.pk}")
    try:
        services.hub_session_action_tick(
            partnership=request.partnership,
            actor=request.user,
            membership=request.membership,
            action=action,
            done=form.cleaned_data["done"],
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        word = "done" if form.cleaned_data["done"] else "not done"
        messages.success(request, f"Marked “{action.text[:80]}” as {word}.")
    return _to_session(request, action.session_id, anchor=f"action-{action.pk}")


@partnership_view(roles=SESSION_MANAGE_ROLES)
@require_POST
def action_delete(request: HttpRequest, hub_session_action_id: int) -> HttpResponse:
    action = selectors.hub_session_action_get(partnership=request.partnership, action_id=hub_session_action_id)
    try:
        services.hub_session_action_delete(partnership=request.partnership, actor=request.user, action=action)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"Removed the action “{action.text[:80]}”.")
    return _to_session(request, action.session_id, anchor="actions-heading")


@partnership_view(roles=SESSION_MANAGE_ROLES)
@require_POST
def session_move(request: HttpRequest, hub_session_id: int) -> HttpResponse:
    session = selectors.hub_session_get(partnership=request.partnership, session_id=hub_session_id)
    form = SessionMoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose what happens to the session.")
        return _to_session(request, session.pk)
    try:
        services.hub_session_move(
            partnership=request.partnership,
            actor=request.user,
            session=session,
            to=form.cleaned_data["to"],
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"The session is {MOVE_WORDS[session.state]}.")
    return _to_session(request, session.pk)


def _ics_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@partnership_view()
@require_GET
def session_ics(request: HttpRequest, hub_session_id: int) -> HttpResponse:
    session = selectors.hub_session_get(partnership=request.partnership, session_id=hub_session_id)
    content = hub_session_ics(session=session, page_url=_page_url(request, session.pk))
    return _ics_response(content, hub_session_ics_filename(session))


@partnership_view()
@require_GET
def session_member_ics(request: HttpRequest, hub_session_id: int, membership_id: int) -> HttpResponse:
    session = selectors.hub_session_get(partnership=request.partnership, session_id=hub_session_id)
    if membership_id != request.membership.pk and not _manages(request):
        # A member downloads their own invitation; the business managers, anyone's (to send it on).
        raise Http404("No such member.")
    member = selectors.session_member_get(partnership=request.partnership, member_id=membership_id)
    content = hub_session_ics(session=session, page_url=_page_url(request, session.pk), member=member)
    return _ics_response(content, hub_session_ics_filename(session, member))
