"""Pages of serious incidents: record one (which opens its rapid review), edit it, show identities, correct a
child's identity or add a child, the view log.

Each view parses input with a form, calls one service or selector, and renders.
A refused form is drawn again bound to what was sent (nothing lost), with each
error beside its field and in the summary, and answers 400.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.formats import date_format
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from partnership.access import partnership_view
from partnership.forms.base import add_service_errors
from partnership.models import MANAGER_ROLES
from reviews.forms.incidents import (
    ChildForm,
    ChildFormSet,
    ChildIdentityForm,
    IncidentEditForm,
    IncidentForm,
    add_incident_errors,
    error_list,
)
from reviews.models import (
    MAX_CHILDREN_PER_INCIDENT,
    PANEL_NOTIFICATION_WORKING_DAYS,
    Child,
    RapidReview,
    SeriousIncident,
)
from reviews.selectors.identity_log import IDENTITY_LOG_READER_ROLES, identity_log_entries
from reviews.selectors.incidents import IDENTITY_ROLES, child_get, incident_get
from reviews.services.incidents import (
    PSEUDONYMS,
    ChildIdentity,
    child_add,
    child_identity_reveal,
    child_identity_update,
    incident_record,
    incident_update,
)

MANAGERS = MANAGER_ROLES
REFUSED = 400
IDENTITY_LOG_PER_PAGE = 50


def _incident_saved_messages(request: HttpRequest, incident, review: RapidReview, *, recorded: bool) -> None:
    verb = "Recorded" if recorded else "Saved the changes to"
    messages.success(
        request,
        f"{verb} {incident.reference}. The rapid review is due with the national Panel by "
        f"{date_format(review.panel_submission_due_on, 'j F Y')}.",
    )
    if incident.notified_late:
        messages.warning(
            request,
            f"The Panel was notified {incident.notification_working_days} working days after the local authority "
            f"became aware: more than {PANEL_NOTIFICATION_WORKING_DAYS}, so the notification is shown as late.",
        )


@partnership_view(roles=MANAGERS)
@require_http_methods(["GET", "POST"])
def incident_create(request: HttpRequest) -> HttpResponse:
    partnership = request.partnership
    data = request.POST if request.method == "POST" else None
    form = IncidentForm(data, partnership=partnership)
    formset = ChildFormSet(data, prefix="children")
    if data is not None:
        form_ok, formset_ok = form.is_valid(), formset.is_valid()
        if form_ok and formset_ok:
            cleaned = form.cleaned_data
            try:
                incident = incident_record(
                    partnership=partnership,
                    actor=request.user,
                    reference=cleaned["reference"] or None,
                    incident_on=cleaned["incident_on"],
                    la_aware_on=cleaned["la_aware_on"],
                    panel_notified_on=cleaned["panel_notified_on"],
                    outcome=cleaned["outcome"],
                    child_looked_after=cleaned["child_looked_after"],
                    summary=cleaned["summary"],
                    referring_agency=cleaned["referring_agency"],
                    agencies=list(cleaned["agencies"]),
                    children=formset.children_data(),
                )
            except ValidationError as exc:
                add_incident_errors(form, formset, exc)
            else:
                review = incident.rapid_review
                _incident_saved_messages(request, incident, review, recorded=True)
                return redirect("reviews:rapid_review_detail", slug=partnership.slug, rapid_review_id=review.pk)
    errors = error_list(form, formset) if data is not None else []
    return render(
        request,
        "reviews/incidents/incident_form.html",
        {"form": form, "formset": formset, "errors": errors, "creating": True},
        status=REFUSED if errors else 200,
    )


@partnership_view(roles=MANAGERS)
@require_http_methods(["GET", "POST"])
def incident_edit(request: HttpRequest, incident_id: int) -> HttpResponse:
    partnership = request.partnership
    incident = incident_get(partnership=partnership, incident_id=incident_id)
    if request.method != "POST":
        form = IncidentEditForm(
            initial=IncidentEditForm.initial_for(incident), partnership=partnership, incident=incident
        )
        return _render_edit(request, incident, form)
    form = IncidentEditForm(request.POST, partnership=partnership, incident=incident)
    if not form.is_valid():
        return _render_edit(request, incident, form)
    cleaned = form.cleaned_data
    try:
        changes = incident_update(
            partnership=partnership,
            actor=request.user,
            incident=incident,
            reference=cleaned["reference"],
            incident_on=cleaned["incident_on"],
            la_aware_on=cleaned["la_aware_on"],
            panel_notified_on=cleaned["panel_notified_on"],
            outcome=cleaned["outcome"],
            child_looked_after=cleaned["child_looked_after"],
            summary=cleaned["summary"],
            referring_agency=cleaned["referring_agency"],
            agencies=list(cleaned["agencies"]),
            expected_updated_at=cleaned["expected_updated_at"],
        )
    except ValidationError as exc:
        # Draw the incident as saved now (someone may have changed it); the form keeps the person's input.
        incident = incident_get(partnership=partnership, incident_id=incident_id)
        conflict = form.add_refusal(exc, saved=incident)
        return _render_edit(request, incident, form, saved_version=incident if conflict else None)
    incident = incident_get(partnership=partnership, incident_id=incident_id)
    if changes:
        _incident_saved_messages(request, incident, incident.rapid_review, recorded=False)
    else:
        messages.success(request, "There were no changes to save.")
    return redirect("reviews:rapid_review_detail", slug=partnership.slug, rapid_review_id=incident.rapid_review.pk)


def _render_edit(request: HttpRequest, incident, form: IncidentEditForm, *, saved_version=None) -> HttpResponse:
    errors = error_list(form) if form.is_bound else []
    return render(
        request,
        "reviews/incidents/incident_form.html",
        {"form": form, "incident": incident, "errors": errors, "saved_version": saved_version, "creating": False},
        status=REFUSED if errors else 200,
    )


@partnership_view(roles=sorted(IDENTITY_ROLES))
@require_POST
def incident_identities(request: HttpRequest, incident_id: int) -> HttpResponse:
    """The children's identities, shown only on this explicit request, each view logged first."""
    partnership = request.partnership
    incident = incident_get(partnership=partnership, incident_id=incident_id)
    identities = child_identity_reveal(
        partnership=partnership,
        viewer_membership=request.membership,
        incident=incident,
        context=f"Incident page: {incident.reference}",
    )
    if not identities and incident.children.all():
        raise PermissionDenied("Your roles do not include seeing children's identities.")
    is_manager = request.membership.has_role(*MANAGERS)
    response = render(
        request,
        "reviews/incidents/identities.html",
        {
            "incident": incident,
            "identities": identities,
            "review": incident.rapid_review,
            "is_manager": is_manager,
            "may_add_child": is_manager and len(incident.children.all()) < MAX_CHILDREN_PER_INCIDENT,
        },
    )
    return _never_stored(response)


def _never_stored(response: HttpResponse) -> HttpResponse:
    """Never kept by a browser or proxy cache: the page holds names and addresses."""
    add_never_cache_headers(response)
    response["Cache-Control"] = "no-store, no-cache, must-revalidate, private, max-age=0"
    return response


# --- Correcting a child's identity, adding a child ------------------------------------------------


@partnership_view(roles=MANAGERS)
@require_http_methods(["GET", "POST"])
def incident_child_correct(request: HttpRequest, incident_id: int, child_id: int) -> HttpResponse:
    """The form to correct a child's identity. Drawing it prefilled shows the identity: the view is logged first."""
    partnership = request.partnership
    incident = incident_get(partnership=partnership, incident_id=incident_id)
    child = child_get(partnership=partnership, incident=incident, child_id=child_id)
    if request.method != "POST":
        identity = _reveal_one(request, child, context=f"Correction form: {incident.reference}")
        form = ChildIdentityForm(initial=ChildIdentityForm.initial_for(identity, child))
        return _render_child_form(request, incident, form, child=child)
    form = ChildIdentityForm(request.POST)
    if not form.is_valid():
        return _render_child_form(request, incident, form, child=child)
    cleaned = form.cleaned_data
    try:
        changes = child_identity_update(
            partnership=partnership,
            actor=request.user,
            child=child,
            name=cleaned["name"],
            date_of_birth=cleaned["date_of_birth"],
            address=cleaned["address"],
            expected_updated_at=cleaned["expected_updated_at"],
        )
    except ValidationError as exc:
        # The person's input stays in the form; someone else's correction is shown beside it (and logged).
        child = child_get(partnership=partnership, incident=incident, child_id=child_id)
        conflict = form.add_refusal(exc, saved=child)
        saved = (
            _reveal_one(request, child, context=f"Correction form, saved version: {incident.reference}")
            if conflict
            else None
        )
        return _render_child_form(request, incident, form, child=child, saved_version=saved)
    if changes:
        messages.success(request, f"Saved the correction to {child.pseudonym}'s identity.")
    else:
        messages.success(request, "There were no changes to save.")
    return redirect("reviews:rapid_review_detail", slug=partnership.slug, rapid_review_id=incident.rapid_review.pk)


@partnership_view(roles=MANAGERS)
@require_http_methods(["GET", "POST"])
def incident_child_add(request: HttpRequest, incident_id: int) -> HttpResponse:
    """Add a child to a recorded incident: the next pseudonym, up to four children."""
    partnership = request.partnership
    incident = incident_get(partnership=partnership, incident_id=incident_id)
    form = ChildForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        cleaned = form.cleaned_data
        try:
            child = child_add(
                partnership=partnership,
                actor=request.user,
                incident=incident,
                name=cleaned["name"],
                date_of_birth=cleaned["date_of_birth"],
                address=cleaned["address"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Added {child.pseudonym} to {incident.reference}.")
            return redirect(
                "reviews:rapid_review_detail", slug=partnership.slug, rapid_review_id=incident.rapid_review.pk
            )
    return _render_child_form(request, incident, form)


def _reveal_one(request: HttpRequest, child: Child, *, context: str) -> ChildIdentity:
    identities = child_identity_reveal(
        partnership=request.partnership, viewer_membership=request.membership, child=child, context=context
    )
    if not identities:
        raise PermissionDenied("Your roles do not include seeing children's identities.")
    return identities[0]


def _render_child_form(
    request: HttpRequest,
    incident: SeriousIncident,
    form: ChildForm,
    *,
    child: Child | None = None,
    saved_version: ChildIdentity | None = None,
) -> HttpResponse:
    errors = error_list(form) if form.is_bound else []
    count = len(incident.children.all())
    response = render(
        request,
        "reviews/incidents/child_form.html",
        {
            "incident": incident,
            "review": incident.rapid_review,
            "form": form,
            "child": child,
            "errors": errors,
            "saved_version": saved_version,
            "pseudonym": child.pseudonym if child is not None else PSEUDONYMS[min(count, len(PSEUDONYMS) - 1)],
            # Four already: no form to fill in (but a refused form is drawn again, so nothing typed is lost).
            "full": child is None and count >= MAX_CHILDREN_PER_INCIDENT and not form.is_bound,
        },
        status=REFUSED if errors else 200,
    )
    # What is in the form is an identity (as saved, or as typed): never cached.
    return _never_stored(response)


@partnership_view(roles=sorted(IDENTITY_LOG_READER_ROLES))
@require_GET
def identity_log(request: HttpRequest) -> HttpResponse:
    entries = identity_log_entries(partnership=request.partnership)
    page = Paginator(entries, IDENTITY_LOG_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "reviews/incidents/identity_log.html", {"page": page})
