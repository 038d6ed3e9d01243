"""Pages of a cycle's delivery plan: the plan (figures by period, measures, guidance, evidence, versions), adding
and changing its parts, uploading figures, saving a version, reading one, and two side by side.

Every member reads them; the business managers change the plan. Each change is a form → one service → a message
→ a redirect to the plan; a refusal is drawn again beside its field (400), and an edit from an out-of-date page
is refused with the person's input kept (the plan's version moves on, so saving again applies it).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from learninghub.forms.plans import LINK_FIELDS, IndicatorForm, ItemForm, PlanRemoveForm, UploadForm, VersionForm
from learninghub.selectors import cycles as cycle_selectors
from learninghub.selectors import plans as selectors
from learninghub.selectors.cycles import CycleState
from learninghub.selectors.plans import KIND_LABELS, PLAN_MANAGE_ROLES
from learninghub.services import plans as services
from partnership.access import partnership_view
from partnership.forms.base import versioned_initial
from partnership.kept_pages import render_kept
from partnership.row_urls import url_for_each
from partnership.views.actions import form_status

_LINK_ERROR_FIELDS = dict.fromkeys(LINK_FIELDS.values(), "link")


def _to_plan(request: HttpRequest, cycle_id: int, anchor: str = "") -> HttpResponse:
    response = redirect("learninghub:plan_detail", slug=request.partnership.slug, hub_cycle_id=cycle_id)
    if anchor:
        response["Location"] += f"#{anchor}"
    return response


def _labelled(entries: list[dict]) -> list[dict]:
    """A version's items with the labels of their kind and source, for a page to show."""
    return [
        {
            **e,
            "kind_label": KIND_LABELS.get(e["kind"], e["kind"]),
            "source_label": selectors.SOURCE_LABELS.get(e["source"], ""),
        }
        for e in entries
    ]


def _cycle_and_plan(request: HttpRequest, hub_cycle_id: int):
    cycle = cycle_selectors.hub_cycle_get(partnership=request.partnership, cycle_id=hub_cycle_id)
    return cycle, selectors.delivery_plan_get(partnership=request.partnership, cycle=cycle)


def _refuse(request: HttpRequest, form, exc: ValidationError, cycle) -> None:
    """Put a refusal on the form, the plan's current version in its hidden field (the input is kept)."""
    if hasattr(exc, "error_dict"):
        exc = ValidationError({_LINK_ERROR_FIELDS.get(k, k): v for k, v in exc.error_dict.items()})
    saved = selectors.delivery_plan_get(partnership=request.partnership, cycle=cycle)
    form.add_refusal(exc, saved=saved)


@partnership_view()
@require_GET
def plan_detail(request: HttpRequest, hub_cycle_id: int) -> HttpResponse:
    cycle = cycle_selectors.hub_cycle_get(partnership=request.partnership, cycle_id=hub_cycle_id)
    # The plan's figures and items, the same until the partnership's records change: the body is kept
    # (partnership.kept_pages); a reader who manages the plan has a body of their own, with its forms.
    return render_kept(
        request,
        "learninghub/plans/detail.html",
        body_template="learninghub/plans/_detail_body.html",
        context=lambda: _plan_page(request, cycle),
        page_context={"cycle": cycle},
    )


def _plan_page(request: HttpRequest, cycle) -> dict:
    page = selectors.delivery_plan_page(partnership=request.partnership, cycle=cycle)
    manages = request.membership.has_role(*PLAN_MANAGE_ROLES)
    is_active = cycle.state == CycleState.ACTIVE
    context = {
        "cycle": cycle,
        "page": page,
        "manages": manages,
        "is_active": is_active,
        "kinds": [(kind, label, page.items_by_kind[kind]) for kind, label in KIND_LABELS.items()],
    }
    if manages and is_active and page.plan:
        # Every figure and item has its own change link and remove form (96 figures at national volume). The
        # remove forms all carry the same plan version: its hidden input is drawn once, not once a row through
        # the widget templates (half the page's time), and the rows' links are reversed once each.
        context["remove_version"] = str(PlanRemoveForm(initial=versioned_initial(page.plan))["expected_updated_at"])
        ids = {"slug": request.partnership.slug, "hub_cycle_id": cycle.pk}
        edit_figure = url_for_each("learninghub:plan_indicator_edit", id_kwarg="plan_indicator_id", **ids)
        remove_figure = url_for_each("learninghub:plan_indicator_remove", id_kwarg="plan_indicator_id", **ids)
        for figure in page.indicators:
            figure.edit_url, figure.remove_url = edit_figure(figure.pk), remove_figure(figure.pk)
        edit_item = url_for_each("learninghub:plan_item_edit", id_kwarg="plan_item_id", **ids)
        remove_item = url_for_each("learninghub:plan_item_remove", id_kwarg="plan_item_id", **ids)
        for items in page.items_by_kind.values():
            for item in items:
                item.edit_url, item.remove_url = edit_item(item.pk), remove_item(item.pk)
    return context


@partnership_view(roles=PLAN_MANAGE_ROLES)
@require_POST
def plan_start(request: HttpRequest, hub_cycle_id: int) -> HttpResponse:
    cycle = cycle_selectors.hub_cycle_get(partnership=request.partnership, cycle_id=hub_cycle_id)
    try:
        services.delivery_plan_start(partnership=request.partnership, actor=request.user, cycle=cycle)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Started the delivery plan.")
    return _to_plan(request, cycle.pk)


@partnership_view(roles=PLAN_MANAGE_ROLES)
@require_http_methods(["GET", "POST"])
def indicator_edit(request: HttpRequest, hub_cycle_id: int, plan_indicator_id: int | None = None) -> HttpResponse:
    cycle, plan = _cycle_and_plan(request, hub_cycle_id)
    indicator = (
        selectors.plan_indicator_get(partnership=request.partnership, plan=plan, plan_indicator_id=plan_indicator_id)
        if plan_indicator_id is not None
        else None
    )
    agencies = selectors.agency_choices(partnership=request.partnership)
    if indicator is not None and indicator.agency_id and indicator.agency not in agencies:
        agencies = [indicator.agency, *agencies]
    if request.method == "POST":
        form = IndicatorForm(data=request.POST, agencies=agencies)
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                if indicator is None:
                    services.plan_indicator_add(partnership=request.partnership, actor=request.user, plan=plan, **data)
                else:
                    services.plan_indicator_update(
                        partnership=request.partnership, actor=request.user, plan=plan, indicator=indicator, **data
                    )
            except ValidationError as exc:
                _refuse(request, form, exc, cycle)
            else:
                messages.success(request, f"Saved {data['name']} for {data['period_label']}.")
                return _to_plan(request, cycle.pk, "figures")
    else:
        initial = versioned_initial(plan)
        if indicator is not None:
            initial |= {
                "name": indicator.name,
                "unit": indicator.unit,
                "period_label": indicator.period_label,
                "value": selectors.format_value(indicator.value),
                "agency_id": indicator.agency_id,
            }
        form = IndicatorForm(initial=initial, agencies=agencies)
    context = {"cycle": cycle, "form": form, "indicator": indicator}
    return render(request, "learninghub/plans/indicator_form.html", context, status=form_status(form))


@partnership_view(roles=PLAN_MANAGE_ROLES)
@require_http_methods(["GET", "POST"])
def item_add(request: HttpRequest, hub_cycle_id: int) -> HttpResponse:
    """Add a measure, a reference or evidence: ``?kind=measure|guidance|evidence`` (a measure when not said; the
    form posts back to the same address)."""
    return _item_form(request, hub_cycle_id, kind=request.GET.get("kind") or "measure")


@partnership_view(roles=PLAN_MANAGE_ROLES)
@require_http_methods(["GET", "POST"])
def item_edit(request: HttpRequest, hub_cycle_id: int, plan_item_id: int) -> HttpResponse:
    return _item_form(request, hub_cycle_id, plan_item_id=plan_item_id)


def _item_form(
    request: HttpRequest, hub_cycle_id: int, kind: str = "", plan_item_id: int | None = None
) -> HttpResponse:
    cycle, plan = _cycle_and_plan(request, hub_cycle_id)
    item = (
        selectors.plan_item_get(partnership=request.partnership, plan=plan, plan_item_id=plan_item_id)
        if plan_item_id is not None
        else None
    )
    kind = item.kind if item is not None else kind
    if kind not in KIND_LABELS:
        raise Http404("No such kind of item.")
    links = selectors.link_choices(partnership=request.partnership, cycle=cycle) if kind == selectors.EVIDENCE else []
    if request.method == "POST":
        form = ItemForm(data=request.POST, kind=kind, links=links)
        if form.is_valid():
            data = form.service_data()
            try:
                if item is None:
                    services.plan_item_add(
                        partnership=request.partnership,
                        actor=request.user,
                        plan=plan,
                        kind=kind,
                        expected_updated_at=form.cleaned_data["expected_updated_at"],
                        **data,
                    )
                else:
                    services.plan_item_update(
                        partnership=request.partnership,
                        actor=request.user,
                        plan=plan,
                        item=item,
                        expected_updated_at=form.cleaned_data["expected_updated_at"],
                        **data,
                    )
            except ValidationError as exc:
                _refuse(request, form, exc, cycle)
            else:
                messages.success(request, f"Saved “{data['title']}”.")
                return _to_plan(request, cycle.pk, kind)
    else:
        initial = versioned_initial(plan)
        if item is not None:
            link = selectors.item_link(item)
            initial |= {
                "title": item.title,
                "detail": item.detail,
                "url": item.url,
                "citation": item.citation,
                "source": item.source,
                "link": f"{link[0]}:{link[1]}" if link else "",
            }
        form = ItemForm(initial=initial, kind=kind, links=links)
    context = {"cycle": cycle, "form": form, "item": item, "kind_label": KIND_LABELS[kind]}
    return render(request, "learninghub/plans/item_form.html", context, status=form_status(form))


@partnership_view(roles=PLAN_MANAGE_ROLES)
@require_POST
def indicator_remove(request: HttpRequest, hub_cycle_id: int, plan_indicator_id: int) -> HttpResponse:
    cycle, plan = _cycle_and_plan(request, hub_cycle_id)
    indicator = selectors.plan_indicator_get(
        partnership=request.partnership, plan=plan, plan_indicator_id=plan_indicator_id
    )
    return _remove(
        request, cycle, PlanRemoveForm(request.POST), services.plan_indicator_delete, plan=plan, indicator=indicator
    )


@partnership_view(roles=PLAN_MANAGE_ROLES)
@require_POST
def item_remove(request: HttpRequest, hub_cycle_id: int, plan_item_id: int) -> HttpResponse:
    cycle, plan = _cycle_and_plan(request, hub_cycle_id)
    item = selectors.plan_item_get(partnership=request.partnership, plan=plan, plan_item_id=plan_item_id)
    return _remove(request, cycle, PlanRemoveForm(request.POST), services.plan_item_delete, plan=plan, item=item)


def _remove(request: HttpRequest, cycle, form: PlanRemoveForm, service, **kwargs) -> HttpResponse:
    if not form.is_valid():
        messages.error(request, " ".join(form.non_field_errors()))
        return _to_plan(request, cycle.pk)
    try:
        service(
            partnership=request.partnership,
            actor=request.user,
            expected_updated_at=form.cleaned_data["expected_updated_at"],
            **kwargs,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Removed it from the plan. Saved versions keep it.")
    return _to_plan(request, cycle.pk)


@partnership_view(roles=PLAN_MANAGE_ROLES)
@require_http_methods(["GET", "POST"])
def plan_upload(request: HttpRequest, hub_cycle_id: int) -> HttpResponse:
    cycle, plan = _cycle_and_plan(request, hub_cycle_id)
    if request.method == "POST":
        form = UploadForm(data=request.POST, files=request.FILES)
        if form.is_valid():
            try:
                result = services.plan_indicators_import(
                    partnership=request.partnership,
                    actor=request.user,
                    plan=plan,
                    upload=form.cleaned_data["file"],
                    expected_updated_at=form.cleaned_data["expected_updated_at"],
                )
            except ValidationError as exc:
                _refuse(request, form, exc, cycle)
            else:
                messages.success(
                    request,
                    f"Imported the file: {result.added} figures added, {result.updated} changed, "
                    f"{result.unchanged} already as in the file.",
                )
                return _to_plan(request, cycle.pk, "figures")
    else:
        form = UploadForm(initial=versioned_initial(plan))
    return render(request, "learninghub/plans/upload.html", {"cycle": cycle, "form": form}, status=form_status(form))


@partnership_view(roles=PLAN_MANAGE_ROLES)
@require_http_methods(["GET", "POST"])
def version_save(request: HttpRequest, hub_cycle_id: int) -> HttpResponse:
    cycle, plan = _cycle_and_plan(request, hub_cycle_id)
    if request.method == "POST":
        form = VersionForm(data=request.POST)
        if form.is_valid():
            try:
                version = services.plan_version_save(
                    partnership=request.partnership, actor=request.user, plan=plan, **form.cleaned_data
                )
            except ValidationError as exc:
                _refuse(request, form, exc, cycle)
            else:
                messages.success(request, f"Saved version {version.number}: {version.label}.")
                return _to_plan(request, cycle.pk, "versions")
    else:
        count = len(selectors.plan_versions(partnership=request.partnership, plan=plan))
        form = VersionForm(initial={**versioned_initial(plan), "label": "Month 1" if count == 0 else ""})
    return render(
        request, "learninghub/plans/version_save.html", {"cycle": cycle, "form": form}, status=form_status(form)
    )


@partnership_view()
@require_GET
def version_detail(request: HttpRequest, hub_cycle_id: int, plan_version_id: int) -> HttpResponse:
    cycle, plan = _cycle_and_plan(request, hub_cycle_id)
    version = selectors.plan_version_get(partnership=request.partnership, plan=plan, plan_version_id=plan_version_id)
    context = {
        "cycle": cycle,
        "version": version,
        "table": selectors.indicator_table(version.content.get("indicators", [])),
        "kinds": [
            (label, [e for e in version.content.get("items", []) if e["kind"] == kind])
            for kind, label in KIND_LABELS.items()
        ],
        "source_labels": selectors.SOURCE_LABELS,
    }
    return render(request, "learninghub/plans/version_detail.html", context)


@partnership_view()
@require_GET
def plan_compare(request: HttpRequest, hub_cycle_id: int) -> HttpResponse:
    """Two versions side by side: ``then`` and ``now`` name saved versions; ``now`` may be ``draft``, the plan as
    it stands. Without them: the first version against the latest (or the draft, when only one is saved)."""
    cycle, plan = _cycle_and_plan(request, hub_cycle_id)
    versions = selectors.plan_versions(partnership=request.partnership, plan=plan)
    by_id = {str(v.pk): v for v in versions}
    then_key = request.GET.get("then") or (str(versions[0].pk) if versions else "")
    now_key = request.GET.get("now") or (str(versions[-1].pk) if len(versions) > 1 else "draft")
    if then_key not in by_id or (now_key != "draft" and now_key not in by_id):
        if request.GET.get("then") or request.GET.get("now"):
            raise Http404("No such version.")
        context = {"cycle": cycle, "versions": versions, "comparison": None}
        return render(request, "learninghub/plans/compare.html", context)
    then = selectors.plan_version_get(partnership=request.partnership, plan=plan, plan_version_id=int(then_key))
    if now_key == "draft":
        now, now_label = selectors.plan_current_content(partnership=request.partnership, plan=plan), "The plan now"
    else:
        now_version = selectors.plan_version_get(
            partnership=request.partnership, plan=plan, plan_version_id=int(now_key)
        )
        now, now_label = now_version.content, str(now_version)
    comparison = selectors.plan_compare(then=then.content, now=now)
    context = {
        "cycle": cycle,
        "versions": versions,
        "then_key": then_key,
        "now_key": now_key,
        "then_label": str(then),
        "now_label": now_label,
        "comparison": comparison,
        "items_added": _labelled(comparison.items_added),
        "items_removed": _labelled(comparison.items_removed),
        "items_changed": _labelled([pair[1] for pair in comparison.items_changed]),
    }
    return render(request, "learninghub/plans/compare.html", context)
