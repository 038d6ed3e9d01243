"""Pages of recommendations: the register (and its exports), one recommendation, rounds put to the partners,
learning themes, dissemination records.

Who reads and who manages is ``partnership.selectors.recommendation_access``:
the register's readers see these pages (others get 403), the business managers
change them. Each view parses input with a form, calls one service or
selector, and renders; a refused form is drawn again with its errors (400).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from partnership.access import partnership_view
from partnership.forms.base import add_service_errors, versioned_initial
from partnership.forms.recommendations import (
    CloseForm,
    DisseminationForm,
    RecommendationEditForm,
    RecommendationForm,
    RegisterFilterForm,
    RoundForm,
    ThemeEditForm,
    ThemeForm,
    ThemesForm,
)
from partnership.forms.signoff import SignOffDecisionForm
from partnership.kept_pages import render_kept
from partnership.learning_records import learning_record_get
from partnership.models import Role
from partnership.models.recommendations import Recommendation
from partnership.row_urls import link_each
from partnership.selectors import history_rows_for_object
from partnership.selectors import recommendations as selectors
from partnership.selectors.recommendation_access import RECOMMENDATION_READ_ROLES
from partnership.selectors.signoff import sign_off_for_subject, sign_off_panel
from partnership.services import disseminations as dissemination_services
from partnership.services import learning_themes as theme_services
from partnership.services import recommendations as services
from partnership.services.files import stored_file_response
from partnership.services.states import move_is_allowed
from partnership.subjects import subject_url
from partnership.views.signoff import sign_off_decision_handle

READERS = sorted(RECOMMENDATION_READ_ROLES)
MANAGERS = [Role.BUSINESS_MANAGER]
REFUSED = 400
EXPORT_TYPES = {
    "csv": ("text/csv; charset=utf-8", "csv"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
}


def _status(*forms) -> int:
    return REFUSED if any(f is not None and f.is_bound and f.errors for f in forms) else 200


def _is_manager(request: HttpRequest) -> bool:
    return request.membership.has_role(Role.BUSINESS_MANAGER)


def _to_detail(recommendation: Recommendation) -> HttpResponse:
    return redirect(
        "partnership:recommendation_detail", slug=recommendation.partnership.slug, recommendation_id=recommendation.pk
    )


def _themes(request: HttpRequest):
    return list(selectors.themes_list(partnership=request.partnership))


# --- The register --------------------------------------------------------------------------------------


@partnership_view(roles=READERS)
@require_GET
def recommendation_register(request: HttpRequest) -> HttpResponse:
    partnership = request.partnership

    def context() -> dict:
        filter_form = RegisterFilterForm(request.GET or None, themes=_themes(request))
        filters = filter_form.filters()
        page = selectors.register_page(partnership=partnership, filters=filters, page_number=request.GET.get("page"))
        # Each row links to its recommendation: the route reversed once for the page, not once a row.
        link_each(
            page.object_list, "partnership:recommendation_detail", id_kwarg="recommendation_id", slug=partnership.slug
        )
        return {
            "page": page,
            "filter_form": filter_form,
            "filters": filters,
            "counts": selectors.register_state_counts(partnership=partnership),
            "rounds": selectors.rounds_list(partnership=partnership, limit=5),
            "can_manage": _is_manager(request),
        }

    # The register changes only with the partnership's records: the body is kept for its reader and filters
    # (partnership.kept_pages).
    return render_kept(
        request,
        "partnership/recommendations/register.html",
        body_template="partnership/recommendations/_register_body.html",
        context=context,
    )


@partnership_view(roles=READERS)
@require_GET
def recommendation_export(request: HttpRequest) -> HttpResponse:
    """The filtered register as CSV or XLSX (``format``); cells a spreadsheet would run are escaped."""
    kind = request.GET.get("format", "csv")
    if kind not in EXPORT_TYPES:
        raise Http404("No such export.")
    filters = RegisterFilterForm(request.GET, themes=_themes(request)).filters()
    rows = selectors.register_export_rows(partnership=request.partnership, filters=filters)
    body = selectors.register_csv(rows) if kind == "csv" else selectors.register_xlsx(rows)
    media_type, extension = EXPORT_TYPES[kind]
    response = HttpResponse(body, content_type=media_type)
    name = f"recommendations-{request.partnership.slug}-{timezone.localdate():%Y-%m-%d}.{extension}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- One recommendation --------------------------------------------------------------------------------


@partnership_view(roles=MANAGERS)
@require_http_methods(["GET", "POST"])
def recommendation_create(request: HttpRequest) -> HttpResponse:
    themes = _themes(request)
    initial = {k: request.GET[k] for k in ("source_kind", "source_id") if k in request.GET}
    form = RecommendationForm(request.POST if request.method == "POST" else None, themes=themes, initial=initial)
    if form.is_bound and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            recommendation = services.recommendation_create(
                partnership=request.partnership,
                actor=request.user,
                theme_ids=data.pop("themes"),
                **data,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Drafted {recommendation.reference}.")
            return _to_detail(recommendation)
    return render(request, "partnership/recommendations/create.html", {"form": form}, status=_status(form))


def _plan_url(recommendation: Recommendation) -> str:
    """The action plan's page, once there is a plan (the page is the action plans' own)."""
    plan = selectors._plan_of(recommendation)
    if plan is None:
        return ""
    plan.recommendation = recommendation
    try:
        return subject_url(plan)
    except NoReverseMatch:  # the action plan pages are not installed
        return ""


def _render_detail(
    request: HttpRequest,
    recommendation: Recommendation,
    *,
    themes_form: ThemesForm | None = None,
    close_form: CloseForm | None = None,
) -> HttpResponse:
    partnership = request.partnership
    is_manager = _is_manager(request)
    tagged = [tag.theme for tag in recommendation.tags]
    if is_manager and themes_form is None and recommendation.state != Recommendation.State.CLOSED:
        themes_form = ThemesForm(
            themes=_themes(request),
            tagged_ids={t.pk for t in tagged},
            initial=versioned_initial(recommendation),
        )
    can_close = is_manager and move_is_allowed(recommendation, Recommendation.State.CLOSED)
    if can_close and close_form is None:
        close_form = CloseForm(initial=versioned_initial(recommendation))
    context = {
        "recommendation": recommendation,
        "themes": tagged,
        "rounds": selectors.rounds_of(partnership=partnership, recommendation=recommendation),
        "history": history_rows_for_object(partnership=partnership, obj=recommendation, limit=50),
        "disseminations": selectors.disseminations_of(partnership=partnership, recommendation=recommendation),
        "plan_url": _plan_url(recommendation),
        "dissemination_query": f"recommendation={recommendation.pk}",
        "is_manager": is_manager,
        "can_edit": is_manager and recommendation.state in services.EDITABLE_STATES,
        "can_propose": is_manager and recommendation.state in services.EDITABLE_STATES,
        "themes_form": themes_form,
        "close_form": close_form if can_close else None,
    }
    return render(request, "partnership/recommendations/detail.html", context, status=_status(themes_form, close_form))


def _recommendation(request: HttpRequest, recommendation_id: int) -> Recommendation:
    return selectors.recommendation_get(partnership=request.partnership, recommendation_id=recommendation_id)


@partnership_view(roles=READERS)
@require_GET
def recommendation_detail(request: HttpRequest, recommendation_id: int) -> HttpResponse:
    return _render_detail(request, _recommendation(request, recommendation_id))


@partnership_view(roles=MANAGERS)
@require_http_methods(["GET", "POST"])
def recommendation_edit(request: HttpRequest, recommendation_id: int) -> HttpResponse:
    recommendation = _recommendation(request, recommendation_id)
    saved_version = None
    if request.method == "POST":
        form = RecommendationEditForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                changes = services.recommendation_update(
                    partnership=request.partnership,
                    actor=request.user,
                    recommendation=recommendation,
                    text=data["text"],
                    rationale=data["rationale"],
                    lead_partner=data["lead_partner"],
                    source_description=data["source_description"],
                    expected_updated_at=data["expected_updated_at"],
                )
            except ValidationError as exc:
                recommendation = _recommendation(request, recommendation_id)
                if form.add_refusal(exc, saved=recommendation):
                    saved_version = recommendation
            else:
                messages.success(request, "Saved your changes." if changes else "There were no changes to save.")
                return _to_detail(recommendation)
    else:
        if recommendation.state not in services.EDITABLE_STATES:
            messages.error(
                request,
                f"{recommendation.reference} is “{recommendation.get_state_display().lower()}”: only a draft or a "
                "recommendation sent back can be changed.",
            )
            return _to_detail(recommendation)
        form = RecommendationEditForm(initial=RecommendationEditForm.initial_for(recommendation))
    context = {"recommendation": recommendation, "form": form, "saved_version": saved_version}
    return render(request, "partnership/recommendations/edit.html", context, status=_status(form))


@partnership_view(roles=MANAGERS)
@require_POST
def recommendation_themes(request: HttpRequest, recommendation_id: int) -> HttpResponse:
    recommendation = _recommendation(request, recommendation_id)
    tagged_ids = {tag.theme_id for tag in recommendation.tags}
    form = ThemesForm(request.POST, themes=_themes(request), tagged_ids=tagged_ids)
    if form.is_valid():
        try:
            services.recommendation_themes_set(
                partnership=request.partnership,
                actor=request.user,
                recommendation=recommendation,
                theme_ids=form.cleaned_data["themes"],
                expected_updated_at=form.cleaned_data["expected_updated_at"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Saved the themes.")
            return _to_detail(recommendation)
    return _render_detail(request, _recommendation(request, recommendation_id), themes_form=form)


@partnership_view(roles=MANAGERS)
@require_POST
def recommendation_close(request: HttpRequest, recommendation_id: int) -> HttpResponse:
    recommendation = _recommendation(request, recommendation_id)
    form = CloseForm(request.POST)
    if form.is_valid():
        try:
            services.recommendation_close(
                partnership=request.partnership,
                actor=request.user,
                recommendation=recommendation,
                reason=form.cleaned_data["reason"],
                expected_updated_at=form.cleaned_data["expected_updated_at"],
            )
        except ValidationError as exc:
            if not move_is_allowed(recommendation, Recommendation.State.CLOSED) or exc.code == "refused_move":
                messages.error(request, " ".join(exc.messages))
                return _to_detail(recommendation)
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Closed {recommendation.reference}.")
            return _to_detail(recommendation)
    return _render_detail(request, _recommendation(request, recommendation_id), close_form=form)


# --- Rounds --------------------------------------------------------------------------------------------


@partnership_view(roles=MANAGERS)
@require_http_methods(["GET", "POST"])
def recommendation_round_create(request: HttpRequest) -> HttpResponse:
    proposable = list(selectors.proposable_recommendations(partnership=request.partnership))
    initial = {"recommendations": request.GET.getlist("recommendation")}
    form = RoundForm(request.POST if request.method == "POST" else None, proposable=proposable, initial=initial)
    if form.is_bound and form.is_valid():
        try:
            round_ = services.recommendation_round_create(
                partnership=request.partnership,
                actor=request.user,
                recommendation_ids=form.cleaned_data["recommendations"],
                title=form.cleaned_data["title"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Put to the partners. The three partner leads have been emailed.")
            return redirect(
                "partnership:recommendation_round_detail", slug=request.partnership.slug, round_id=round_.pk
            )
    return render(
        request,
        "partnership/recommendations/round_create.html",
        {"form": form, "proposable": proposable},
        status=_status(form),
    )


@partnership_view(roles=READERS)
@require_http_methods(["GET", "POST"])
def recommendation_round_detail(request: HttpRequest, round_id: int) -> HttpResponse:
    """The round's recommendations and the partners' sign-off; a partner lead decides here (from the email's link)."""
    partnership = request.partnership
    round_ = selectors.round_get(partnership=partnership, round_id=round_id)
    sign_off = sign_off_for_subject(partnership=partnership, subject=round_)
    panel = sign_off_panel(sign_off=sign_off, membership=request.membership) if sign_off else None
    form = None
    status = 200
    if request.method == "POST":
        if panel is None:
            raise PermissionDenied("Nothing here awaits a decision.")
        form = sign_off_decision_handle(request, panel=panel)
        if form is None:
            return redirect("partnership:recommendation_round_detail", slug=partnership.slug, round_id=round_.pk)
        sign_off = sign_off_for_subject(partnership=partnership, subject=round_)
        panel = sign_off_panel(sign_off=sign_off, membership=request.membership)
        form.panel = panel
        status = REFUSED
    elif panel is not None and panel.can_decide:
        form = SignOffDecisionForm(panel=panel)
    context = {
        "round": round_,
        "recommendations": selectors.round_recommendations(partnership=partnership, round_=round_),
        "panel": panel,
        "sign_off": sign_off,
        "form": form,
    }
    return render(request, "partnership/recommendations/round_detail.html", context, status=status)


# --- Learning themes -----------------------------------------------------------------------------------


@partnership_view(roles=READERS)
@require_http_methods(["GET", "POST"])
def theme_list(request: HttpRequest) -> HttpResponse:
    form = None
    if _is_manager(request):
        form = ThemeForm(request.POST if request.method == "POST" else None)
        if form.is_bound and form.is_valid():
            try:
                theme = theme_services.learning_theme_create(
                    partnership=request.partnership, actor=request.user, **form.cleaned_data
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, f"Added the theme “{theme.name}”.")
                return redirect("partnership:theme_list", slug=request.partnership.slug)
    elif request.method == "POST":
        raise PermissionDenied("Only a business manager changes the themes.")
    context = {"themes": selectors.themes_list(partnership=request.partnership), "form": form}
    return render(request, "partnership/recommendations/themes.html", context, status=_status(form))


@partnership_view(roles=READERS)
@require_GET
def theme_detail(request: HttpRequest, theme_id: int) -> HttpResponse:
    theme = selectors.theme_get(partnership=request.partnership, theme_id=theme_id)
    records = selectors.theme_records_page(
        partnership=request.partnership, membership=request.membership, theme=theme, page_number=request.GET.get("page")
    )
    context = {"theme": theme, "records": records, "can_manage": _is_manager(request)}
    return render(request, "partnership/recommendations/theme_detail.html", context)


@partnership_view(roles=MANAGERS)
@require_http_methods(["GET", "POST"])
def theme_edit(request: HttpRequest, theme_id: int) -> HttpResponse:
    theme = selectors.theme_get(partnership=request.partnership, theme_id=theme_id)
    saved_version = None
    if request.method == "POST":
        form = ThemeEditForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                theme_services.learning_theme_update(
                    partnership=request.partnership,
                    actor=request.user,
                    theme=theme,
                    name=data["name"],
                    description=data["description"],
                    is_active=data["is_active"],
                    expected_updated_at=data["expected_updated_at"],
                )
            except ValidationError as exc:
                theme = selectors.theme_get(partnership=request.partnership, theme_id=theme_id)
                if form.add_refusal(exc, saved=theme):
                    saved_version = theme
            else:
                messages.success(request, f"Saved the theme “{theme.name}”.")
                return redirect("partnership:theme_list", slug=request.partnership.slug)
    else:
        form = ThemeEditForm(initial=ThemeEditForm.initial_for(theme))
    context = {"theme": theme, "form": form, "saved_version": saved_version}
    return render(request, "partnership/recommendations/theme_edit.html", context, status=_status(form))


# --- Dissemination records -----------------------------------------------------------------------------


def _dissemination_target(request: HttpRequest, data) -> tuple[Recommendation | None, object | None]:
    """The recommendation or learning record named in the form (or the query), within what the member sees."""
    partnership = request.partnership
    recommendation_id = data.get("recommendation")
    if recommendation_id:
        try:
            return _recommendation(request, int(recommendation_id)), None
        except (Http404, ValueError, TypeError):
            return None, None
    record = learning_record_get(
        partnership=partnership,
        membership=request.membership,
        key=data.get("record_key") or "",
        record_id=data.get("record_id"),
    )
    return None, record


def _target_url(recommendation, record) -> str:
    if recommendation is not None:
        return subject_url(recommendation)
    return subject_url(record) if record is not None else ""


@partnership_view(roles=MANAGERS)
@require_http_methods(["GET", "POST"])
def dissemination_create(request: HttpRequest) -> HttpResponse:
    source = request.POST if request.method == "POST" else request.GET
    recommendation, record = _dissemination_target(request, source)
    if request.method == "POST":
        form = DisseminationForm(request.POST, request.FILES)
        if form.is_valid():
            if recommendation is None and record is None:
                form.add_error(
                    None, "Choose what this learning came from: that recommendation or review was not found."
                )
            else:
                data = form.cleaned_data
                try:
                    dissemination_services.dissemination_create(
                        partnership=request.partnership,
                        actor=request.user,
                        kind=data["kind"],
                        title=data["title"],
                        on=data["on"],
                        audience=data["audience"],
                        reach=data["reach"],
                        link=data["link"],
                        upload=data["file"],
                        recommendation=recommendation,
                        source=record,
                    )
                except ValidationError as exc:
                    add_service_errors(form, exc)
                else:
                    messages.success(request, "Recorded how the learning was shared.")
                    return redirect(_target_url(recommendation, record))
    else:
        if recommendation is None and record is None:
            messages.error(request, "Record how learning was shared from the page of its recommendation or review.")
            return redirect("partnership:recommendation_register", slug=request.partnership.slug)
        form = DisseminationForm(
            initial={
                "recommendation": recommendation.pk if recommendation else None,
                "record_key": source.get("record_key", "") if record is not None else "",
                "record_id": record.pk if record is not None else None,
                "on": timezone.localdate(),
            }
        )
    target_label = recommendation.reference if recommendation is not None else (str(record) if record else "")
    context = {"form": form, "target_label": target_label, "back_url": _target_url(recommendation, record)}
    return render(request, "partnership/recommendations/dissemination_create.html", context, status=_status(form))


@partnership_view()
@require_GET
def dissemination_file(request: HttpRequest, dissemination_id: int) -> HttpResponse:
    """The record's attached file, only to a member who may see what it is of (else 404, as if missing)."""
    dissemination = selectors.dissemination_get(partnership=request.partnership, dissemination_id=dissemination_id)
    if not selectors.dissemination_visible_to(
        partnership=request.partnership, membership=request.membership, dissemination=dissemination
    ):
        raise Http404("No such dissemination record.")
    files = selectors.dissemination_files(partnership=request.partnership, dissemination=dissemination)
    if not files:
        raise Http404("This record has no file.")
    return stored_file_response(files[0])


@partnership_view(roles=MANAGERS)
@require_POST
def dissemination_delete(request: HttpRequest, dissemination_id: int) -> HttpResponse:
    dissemination = selectors.dissemination_get(partnership=request.partnership, dissemination_id=dissemination_id)
    back = (
        subject_url(dissemination.recommendation)
        if dissemination.recommendation_id
        else subject_url(dissemination.source)
    )
    dissemination_services.dissemination_delete(
        partnership=request.partnership, actor=request.user, dissemination=dissemination
    )
    messages.success(request, "Removed the dissemination record.")
    if back:
        return redirect(back)
    return redirect("partnership:recommendation_register", slug=request.partnership.slug)
