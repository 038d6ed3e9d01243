"""The business managers' administration pages: agencies, members, invitations, settings.

Every view parses input with a form, calls one service or selector, and renders.
A form that fails, on its own checks or on the service's, is drawn again bound
to what was sent, with its errors beside the fields and in the summary, and
answers 400 so that tests and tools can tell a refusal from a success.
"""

from __future__ import annotations

from django.conf import settings as django_settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.formats import date_format
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from partnership import selectors, services
from partnership.access import partnership_view
from partnership.forms.base import add_service_errors
from partnership.forms.manage import (
    AccessGrantForm,
    AccessGrantItemForm,
    AccessGrantRevokeForm,
    AgencyEditForm,
    AgencyForm,
    ClosureDayForm,
    InvitationForm,
    MemberDeactivateForm,
    MemberFilterForm,
    MemberForm,
    PartnershipSettingsForm,
    ServiceAccountForm,
    ServiceAccountTokenForm,
)
from partnership.kept_pages import render_kept
from partnership.models import MANAGER_ROLES, Agency, ClosureDay, Membership
from partnership.row_urls import link_each
from partnership.selectors import access as access_selectors
from partnership.selectors.pagination import OneQueryPaginator
from partnership.services import access as access_services
from partnership.views.actions import REFUSED, form_action, form_status

MANAGERS = MANAGER_ROLES
# Pages of 25, as the review lists: a page's cost stays the same however large the partnership.
MEMBERS_PER_PAGE = 25
AGENCIES_PER_PAGE = 25
INVITATIONS_PER_PAGE = 25
GRANTS_PER_PAGE = 25
GRANT_VIEWS_PER_PAGE = 50


# --- Agencies -------------------------------------------------------------------


@partnership_view(roles=MANAGERS)
@require_GET
def agency_list(request: HttpRequest) -> HttpResponse:
    agencies = selectors.agency_list(partnership=request.partnership)
    page = Paginator(agencies, AGENCIES_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "partnership/manage/agency_list.html", {"page": page})


@partnership_view(roles=MANAGERS)
@require_http_methods(["GET", "POST"])
def agency_create(request: HttpRequest) -> HttpResponse:
    form = AgencyForm(request.POST if request.method == "POST" else None)
    if done := form_action(
        request,
        form,
        lambda data: services.agency_create(partnership=request.partnership, actor=request.user, **data),
        message=lambda agency: f"Added {agency.name}.",
        success=lambda agency: redirect(
            "partnership:agency_detail", slug=request.partnership.slug, agency_id=agency.pk
        ),
    ):
        return done
    return render(request, "partnership/manage/agency_create.html", {"form": form}, status=form_status(form))


@partnership_view(roles=MANAGERS)
@require_http_methods(["GET", "POST"])
def agency_detail(request: HttpRequest, agency_id: int) -> HttpResponse:
    partnership = request.partnership
    agency = selectors.agency_get(partnership=partnership, agency_id=agency_id)
    if request.method != "POST":
        return _render_agency(request, agency, AgencyEditForm(initial=AgencyEditForm.initial_for(agency)))

    form = AgencyEditForm(request.POST)
    if not form.is_valid():
        return _render_agency(request, agency, form)
    data = form.cleaned_data
    try:
        changes = services.agency_update(
            partnership=partnership,
            actor=request.user,
            agency=agency,
            name=data["name"],
            agency_type=data["agency_type"],
            statutory_partner=data["statutory_partner"],
            is_active=data["is_active"],
            expected_updated_at=data["expected_updated_at"],
        )
    except ValidationError as exc:
        # Draw the agency as saved now (someone may have changed it); the form keeps the person's input.
        agency = selectors.agency_get(partnership=partnership, agency_id=agency_id)
        conflict = form.add_refusal(exc, saved=agency)
        return _render_agency(request, agency, form, saved_version=agency if conflict else None)
    messages.success(request, f"Saved the changes to {data['name']}." if changes else "There were no changes to save.")
    return redirect("partnership:agency_detail", slug=partnership.slug, agency_id=agency.pk)


def _render_agency(
    request: HttpRequest, agency: Agency, form: AgencyEditForm, *, saved_version: Agency | None = None
) -> HttpResponse:
    partnership = request.partnership
    context = {
        "agency": agency,
        "form": form,
        "saved_version": saved_version,
        "members": selectors.membership_list(partnership=partnership, agency=agency),
        "history": selectors.history_rows_for_object(partnership=partnership, obj=agency),
    }
    return render(request, "partnership/manage/agency_detail.html", context, status=form_status(form))


# --- Members --------------------------------------------------------------------


@partnership_view(roles=MANAGERS)
@require_GET
def member_list(request: HttpRequest) -> HttpResponse:
    return _render_member_list(request)


def _render_member_list(request: HttpRequest, *, error: str = "") -> HttpResponse:
    if request.htmx and not error:
        # Search as you type: only the results region (and the spoken count) goes back, drawn for each keystroke.
        page, _form = _member_page(request)
        return render(
            request,
            "partnership/manage/_member_results.html",
            {"page": page, "filtered": bool(request.GET.get("q") or request.GET.get("status"))},
        )
    # The members and invitations change only with the partnership's records: the page's body is kept for its reader
    # and query (partnership.kept_pages); drawn afresh with a refused change's error.
    return render_kept(
        request,
        "partnership/manage/member_list.html",
        body_template="partnership/manage/_member_list_body.html",
        context=lambda: _member_list_context(request, error),
        status=lambda _context: REFUSED if error else 200,
    )


def _member_page(request: HttpRequest):
    """The page of members the filters ask for, each with its link, and the filter form."""
    partnership = request.partnership
    filter_form = MemberFilterForm(request.GET)
    filters = filter_form.filters()
    members = selectors.membership_list(partnership=partnership, **filters)
    # A search: the rows and their count in one query, so that the matches are found once, not twice.
    # Without one, Django's two: COUNT(*) is index-only, and the page alone can walk the people's name
    # index and stop at 25 rows, which a count over the same rows (COUNT(*) OVER ()) would not let it.
    paginator = OneQueryPaginator if filters.get("search") else Paginator
    page = paginator(members, MEMBERS_PER_PAGE).get_page(request.GET.get("page"))
    link_each(
        page.object_list,
        "partnership:member_detail",
        id_kwarg="membership_id",
        attribute="detail_url",
        slug=partnership.slug,
    )
    return page, filter_form


def _member_list_context(request: HttpRequest, error: str) -> dict:
    partnership = request.partnership
    page, filter_form = _member_page(request)
    invitations = Paginator(
        selectors.invitation_list(partnership=partnership, pending_only=True), INVITATIONS_PER_PAGE
    ).get_page(request.GET.get("invitations_page"))
    link_each(
        invitations.object_list,
        "partnership:invitation_revoke",
        id_kwarg="invitation_id",
        attribute="revoke_url",
        slug=partnership.slug,
    )
    return {
        "filter_form": filter_form,
        "filtered": bool(request.GET.get("q") or request.GET.get("status")),
        "page": page,
        # Their own page number, so that paging through members keeps the invitations' page and back.
        "invitations": invitations,
        "error": error,
    }


@partnership_view(roles=MANAGERS)
@require_http_methods(["GET", "POST"])
def member_detail(request: HttpRequest, membership_id: int) -> HttpResponse:
    partnership = request.partnership
    membership = selectors.membership_get(partnership=partnership, membership_id=membership_id)
    if request.method != "POST":
        return _render_member(request, membership)

    form = MemberForm(request.POST, partnership=partnership, current_agency=membership.agency)
    if not form.is_valid():
        return _render_member(request, membership, form=form)
    data = form.cleaned_data
    try:
        changes = services.membership_update(
            partnership=partnership,
            actor=request.user,
            membership=membership,
            agency=data["agency"],
            roles=data["roles"],
            job_title=data["job_title"],
            expected_updated_at=data["expected_updated_at"],
        )
    except ValidationError as exc:
        # Draw the member as saved now (someone may have changed them); the form keeps the person's input.
        membership = selectors.membership_get(partnership=partnership, membership_id=membership_id)
        conflict = form.add_refusal(exc, saved=membership)
        return _render_member(request, membership, form=form, saved_version=membership if conflict else None)
    name = membership.person.full_name or membership.person.email
    messages.success(request, f"Saved the changes to {name}." if changes else "There were no changes to save.")
    return redirect("partnership:member_detail", slug=partnership.slug, membership_id=membership.pk)


@partnership_view(roles=MANAGERS)
@require_POST
def member_deactivate(request: HttpRequest, membership_id: int) -> HttpResponse:
    partnership = request.partnership
    membership = selectors.membership_get(partnership=partnership, membership_id=membership_id)
    form = MemberDeactivateForm(request.POST)
    name = membership.person.full_name or membership.person.email
    # Someone who deactivates themselves has just closed their own way into this partnership.
    own = membership.person_id == request.user.pk
    if done := form_action(
        request,
        form,
        lambda data: services.membership_deactivate(
            partnership=partnership, actor=request.user, membership=membership, reason=data["reason"]
        ),
        message=f"{name} can no longer use {partnership.name}.",
        success=lambda _: (
            redirect("home")
            if own
            else redirect("partnership:member_detail", slug=partnership.slug, membership_id=membership.pk)
        ),
    ):
        return done
    return _render_member(request, membership, deactivate_form=form)


@partnership_view(roles=MANAGERS)
@require_POST
def member_reactivate(request: HttpRequest, membership_id: int) -> HttpResponse:
    partnership = request.partnership
    membership = selectors.membership_get(partnership=partnership, membership_id=membership_id)
    services.membership_reactivate(partnership=partnership, actor=request.user, membership=membership)
    name = membership.person.full_name or membership.person.email
    messages.success(request, f"{name} can use {partnership.name} again.")
    return redirect("partnership:member_detail", slug=partnership.slug, membership_id=membership.pk)


@partnership_view(roles=MANAGERS)
@require_POST
def member_reset_second_factor(request: HttpRequest, membership_id: int) -> HttpResponse:
    partnership = request.partnership
    membership = selectors.membership_get(partnership=partnership, membership_id=membership_id)
    name = membership.person.full_name or membership.person.email
    try:
        services.membership_reset_second_factor(partnership=partnership, actor=request.user, membership=membership)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"{name} will set up a new second factor the next time they sign in.")
    return redirect("partnership:member_detail", slug=partnership.slug, membership_id=membership.pk)


def _render_member(
    request: HttpRequest,
    membership: Membership,
    *,
    form: MemberForm | None = None,
    deactivate_form: MemberDeactivateForm | None = None,
    saved_version: Membership | None = None,
    token_form: ServiceAccountTokenForm | None = None,
    issued_token=None,
) -> HttpResponse:
    partnership = request.partnership
    if form is None:
        form = MemberForm(
            partnership=partnership, current_agency=membership.agency, initial=MemberForm.initial_for(membership)
        )
    deactivate_form = deactivate_form or MemberDeactivateForm()
    context = {
        "membership": membership,
        "person": membership.person,
        "form": form,
        "saved_version": saved_version,
        "deactivate_form": deactivate_form,
        "is_self": membership.person_id == request.user.pk,
        "has_second_factor": selectors.person_has_second_factor(person=membership.person),
        "api_tokens": access_selectors.api_tokens_of_member(partnership=partnership, membership=membership),
        "token_form": token_form or ServiceAccountTokenForm(),
        "issued_token": issued_token,
        "history": selectors.history_rows_for_object(partnership=partnership, obj=membership),
    }
    status = form_status(form, deactivate_form, context["token_form"])
    return render(request, "partnership/manage/member_detail.html", context, status=status)


# --- Invitations ----------------------------------------------------------------


@partnership_view(roles=MANAGERS)
@require_http_methods(["GET", "POST"])
def invitation_create(request: HttpRequest) -> HttpResponse:
    partnership = request.partnership
    form = InvitationForm(request.POST if request.method == "POST" else None, partnership=partnership)
    if done := form_action(
        request,
        form,
        lambda data: services.invitation_create(partnership=partnership, actor=request.user, **data),
        message=lambda invited: f"Invitation sent to {invited[0].email}",
        success=lambda _: redirect("partnership:member_list", slug=partnership.slug),
    ):
        return done
    context = {"form": form, "valid_days": django_settings.INVITATION_VALID_DAYS}
    return render(request, "partnership/manage/invitation_create.html", context, status=form_status(form))


@partnership_view(roles=MANAGERS)
@require_POST
def invitation_revoke(request: HttpRequest, invitation_id: int) -> HttpResponse:
    partnership = request.partnership
    invitation = selectors.invitation_get(partnership=partnership, invitation_id=invitation_id)
    try:
        services.invitation_revoke(partnership=partnership, actor=request.user, invitation=invitation)
    except ValidationError as exc:
        return _render_member_list(request, error=" ".join(exc.messages))
    messages.success(request, f"Withdrew the invitation to {invitation.email}.")
    return redirect("partnership:member_list", slug=partnership.slug)


# --- Settings and closure days --------------------------------------------------


@partnership_view(roles=MANAGERS)
@require_http_methods(["GET", "POST"])
def settings(request: HttpRequest) -> HttpResponse:
    partnership = request.partnership
    settings_form = PartnershipSettingsForm(initial=PartnershipSettingsForm.initial_for(partnership))
    closure_form = ClosureDayForm()
    saved_version = None
    if request.method == "POST" and request.POST.get("form") == "closure_day":
        closure_form = ClosureDayForm(request.POST)
        if done := form_action(
            request,
            closure_form,
            lambda data: services.closure_day_add(
                partnership=partnership, actor=request.user, day=data["date"], reason=data["reason"]
            ),
            message=lambda day: f"Added {_day(day)} as a closure day.",
            success=lambda _: redirect("partnership:settings", slug=partnership.slug),
        ):
            return done
    elif request.method == "POST":
        settings_form = PartnershipSettingsForm(request.POST)
        if settings_form.is_valid():
            data = settings_form.cleaned_data
            try:
                changes = services.partnership_update_settings(
                    partnership=partnership,
                    actor=request.user,
                    name=data["name"],
                    nation=data["nation"],
                    reminder_working_days=data["reminder_working_days"],
                    expected_updated_at=data["expected_updated_at"],
                    # Left empty (or absent): unchanged.
                    incident_reference_pattern=data["incident_reference_pattern"] or None,
                    learning_review_reference_pattern=data["learning_review_reference_pattern"] or None,
                )
            except ValidationError as exc:
                # Show the settings as saved now (someone may have changed them); the form keeps the input.
                saved = selectors.partnership_settings_get(partnership=partnership)
                if settings_form.add_refusal(exc, saved=saved):
                    saved_version = saved
            else:
                messages.success(request, "Saved the settings." if changes else "There were no changes to save.")
                return redirect("partnership:settings", slug=partnership.slug)
    context = {
        "settings_form": settings_form,
        "saved_version": saved_version,
        "closure_form": closure_form,
        "closure_days": selectors.closure_day_list(partnership=partnership),
        "history": selectors.history_rows_for_object(partnership=partnership, obj=partnership),
        "closure_day_history": selectors.history_rows_for_model(partnership=partnership, model=ClosureDay, limit=50),
    }
    status = form_status(settings_form, closure_form)
    return render(request, "partnership/manage/settings.html", context, status=status)


@partnership_view(roles=MANAGERS)
@require_POST
def closure_day_delete(request: HttpRequest, closure_day_id: int) -> HttpResponse:
    partnership = request.partnership
    day = selectors.closure_day_get(partnership=partnership, closure_day_id=closure_day_id)
    label = _day(day)
    services.closure_day_remove(partnership=partnership, actor=request.user, closure_day=day)
    messages.success(request, f"Removed {label} from the closure days.")
    return redirect("partnership:settings", slug=partnership.slug)


def _day(day: ClosureDay) -> str:
    return date_format(day.date, "j F Y")


# --- API tokens of members ----------------------------------------------------------


@partnership_view(roles=MANAGERS)
@require_POST
def member_api_token_revoke(request: HttpRequest, membership_id: int, token_id: int) -> HttpResponse:
    partnership = request.partnership
    membership = selectors.membership_get(partnership=partnership, membership_id=membership_id)
    token = access_selectors.api_token_of_member_get(partnership=partnership, membership=membership, token_id=token_id)
    if access_services.api_token_revoke_for_member(
        partnership=partnership, actor=request.user, membership=membership, token_id=token.pk
    ):
        messages.success(request, "The token is revoked. Programs using it can no longer sign in.")
    else:
        messages.info(request, "That token was already revoked.")
    return redirect("partnership:member_detail", slug=partnership.slug, membership_id=membership.pk)


# --- Service accounts ----------------------------------------------------------------


@partnership_view(roles=MANAGERS)
@require_http_methods(["GET", "POST"])
def service_account_create(request: HttpRequest) -> HttpResponse:
    """Add a program of the partnership's own as a member that uses the API with tokens only."""
    partnership = request.partnership
    form = ServiceAccountForm(request.POST or None, partnership=partnership)
    if done := form_action(
        request,
        form,
        lambda data: access_services.service_account_create(
            partnership=partnership, actor=request.user, name=data["name"], agency=data["agency"], roles=data["roles"]
        ),
        message=lambda membership: f"{membership.person.full_name} is added. Issue it a token below.",
        success=lambda membership: redirect(
            "partnership:member_detail", slug=partnership.slug, membership_id=membership.pk
        ),
    ):
        return done
    return render(request, "partnership/manage/service_account_create.html", {"form": form}, status=form_status(form))


@partnership_view(roles=MANAGERS)
@require_POST
def service_account_token_create(request: HttpRequest, membership_id: int) -> HttpResponse:
    """Issue a token to a service account; the key is shown on the answer to this request only."""
    partnership = request.partnership
    membership = selectors.membership_get(partnership=partnership, membership_id=membership_id)
    form = ServiceAccountTokenForm(request.POST)
    issued = None
    if form.is_valid():
        try:
            issued = access_services.service_account_token_issue(
                partnership=partnership,
                actor=request.user,
                membership=membership,
                name=form.cleaned_data["name"],
                days=form.cleaned_data["days"],
                actor_passed_second_factor=request.user.is_verified(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
    return _render_member(request, membership, token_form=form, issued_token=issued)


# --- Sharing with people of other partnerships ----------------------------------------


@partnership_view(roles=MANAGERS)
@require_GET
def sharing_list(request: HttpRequest) -> HttpResponse:
    """What this partnership shows to whom: every grant, in force or ended, with how often it was viewed."""
    partnership = request.partnership
    # A page at a time, counted with its rows; the views and the status of the page's grants alone (issue 13).
    grants = access_selectors.access_grants_made(partnership=partnership)
    page = OneQueryPaginator(grants, GRANTS_PER_PAGE).get_page(request.GET.get("page"))
    access_selectors.access_grants_standing(partnership=partnership, grants=page.object_list)
    context = {
        "page": page,
        "item_form": AccessGrantItemForm(choices=access_selectors.shareable_item_choices(partnership=partnership)),
    }
    return render(request, "partnership/manage/sharing_list.html", context)


@partnership_view(roles=MANAGERS)
@require_http_methods(["GET", "POST"])
def sharing_create(request: HttpRequest) -> HttpResponse:
    partnership = request.partnership
    key = request.POST.get("item") if request.method == "POST" else request.GET.get("item")
    if not key:
        item_form = AccessGrantItemForm(
            request.GET or None, choices=access_selectors.shareable_item_choices(partnership=partnership)
        )
        item_form.is_valid()
        context = {"page": None, "item_form": item_form}
        return render(request, "partnership/manage/sharing_list.html", context, status=400 if request.GET else 200)
    shareable, item = access_selectors.shareable_item_get(partnership=partnership, key=key)
    form_kwargs = {
        "field_choices": list(shareable.fields.items()),
        "collaborations": selectors.collaborations_for_partnership(partnership=partnership),
    }
    if request.method == "GET":
        form = AccessGrantForm(initial={"item": key}, **form_kwargs)
    else:
        form = AccessGrantForm(request.POST, **form_kwargs)
        if form.is_valid():
            data = form.cleaned_data
            try:
                grant = access_services.access_grant_create(
                    partnership=partnership,
                    actor=request.user,
                    item=item,
                    grantee_email=data["grantee_email"],
                    fields=data["fields_shown"],
                    ends_on=data["ends_on"],
                    purpose=data["purpose"],
                    collaboration=data["collaboration"],
                )
            except ValidationError as exc:
                add_service_errors(form, _grant_errors_on_form_fields(exc))
            else:
                messages.success(
                    request, f"{grant.grantee} can now see what you chose of {item} until {grant.ends_on:%-d %B %Y}."
                )
                return redirect("partnership:sharing_list", slug=partnership.slug)
    context = {"form": form, "item": item, "kind": shareable.label}
    return render(request, "partnership/manage/sharing_create.html", context, status=400 if form.errors else 200)


def _grant_errors_on_form_fields(exc: ValidationError) -> ValidationError:
    # The service names the chosen fields "fields"; the form calls them "fields_shown".
    if hasattr(exc, "error_dict"):
        return ValidationError({("fields_shown" if k == "fields" else k): v for k, v in exc.message_dict.items()})
    return exc


@partnership_view(roles=MANAGERS)
@require_http_methods(["GET", "POST"])
def sharing_detail(request: HttpRequest, grant_id: int) -> HttpResponse:
    """One grant: what it shows, to whom, every view of it; and revoking it."""
    partnership = request.partnership
    grant = access_selectors.access_grant_get(partnership=partnership, grant_id=grant_id)
    access_selectors.access_grants_standing(partnership=partnership, grants=[grant])
    form = AccessGrantRevokeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if access_services.access_grant_revoke(
            partnership=partnership, actor=request.user, grant=grant, reason=form.cleaned_data["reason"]
        ):
            messages.success(request, f"{grant.grantee} can no longer see {grant.object_repr}.")
        return redirect("partnership:sharing_detail", slug=partnership.slug, grant_id=grant.pk)
    views = OneQueryPaginator(
        access_selectors.access_grant_views(partnership=partnership, grant=grant), GRANT_VIEWS_PER_PAGE
    ).get_page(request.GET.get("page"))
    context = {
        "grant": grant,
        "field_labels": access_selectors.access_grant_field_labels(grant=grant),
        "in_force": grant.in_force,
        "views": views,
        "revoke_form": form,
    }
    return render(request, "partnership/manage/sharing_detail.html", context)
