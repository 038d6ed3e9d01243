"""The schools register pages: the list, the import (upload, problems by line, the result), one school."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from audits import selectors, services
from audits.forms.schools import SchoolEditForm, SchoolImportForm, SchoolSearchForm
from audits.selectors.access import SCHOOL_REGISTER_KEEPERS, SCHOOL_REGISTER_READERS
from partnership.access import partnership_view
from partnership.forms.base import add_service_errors
from partnership.selectors import history_rows_for_object
from partnership.views.actions import REFUSED

if TYPE_CHECKING:
    from audits.models import School

SCHOOLS_PER_PAGE = 25
# The problems of a refused file shown on the page: enough to work through, never a page of 6,000 rows.
PROBLEMS_SHOWN = 500


@partnership_view(roles=SCHOOL_REGISTER_READERS)
@require_GET
def school_list(request: HttpRequest) -> HttpResponse:
    search = SchoolSearchForm(request.GET)
    query = search.cleaned_data["q"] if search.is_valid() else ""
    schools = selectors.school_list(partnership=request.partnership, search=query)
    page = Paginator(schools, SCHOOLS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "audits/schools/school_list.html",
        {
            "page": page,
            "search": search,
            "query": query,
            "can_manage": request.membership.has_role(*SCHOOL_REGISTER_KEEPERS),
        },
    )


@partnership_view(roles=SCHOOL_REGISTER_KEEPERS)
@require_http_methods(["GET", "POST"])
def school_import(request: HttpRequest) -> HttpResponse:
    partnership = request.partnership
    form = SchoolImportForm(request.POST, request.FILES) if request.method == "POST" else SchoolImportForm()
    problems: list = []
    if request.method == "POST" and form.is_valid():
        try:
            rows, kind, name = services.school_rows_from_upload(form.cleaned_data["file"])
            result = services.school_import(
                partnership=partnership, actor=request.user, rows=rows, file_name=name, file_kind=kind
            )
        except services.SchoolImportRefused as exc:
            add_service_errors(form, exc)
            problems = [p for p in exc.problems if p.line or p.column != "file"]
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                f"Imported {result.record.rows:,} row{'s' if result.record.rows != 1 else ''} from "
                f"{result.record.file_name}: {result.created:,} new, {result.updated:,} updated, "
                f"{result.unchanged:,} unchanged.",
            )
            return redirect("audits:school_import", slug=partnership.slug)
    return render(
        request,
        "audits/schools/school_import.html",
        {
            "form": form,
            "problems": problems[:PROBLEMS_SHOWN],
            "problem_count": len(problems),
            "imports": selectors.school_import_list(partnership=partnership),
        },
        status=REFUSED if request.method == "POST" else 200,
    )


@partnership_view(roles=SCHOOL_REGISTER_READERS)
@require_http_methods(["GET", "POST"])
def school_detail(request: HttpRequest, school_id: int) -> HttpResponse:
    partnership = request.partnership
    school = selectors.school_get(partnership=partnership, school_id=school_id)
    can_manage = request.membership.has_role(*SCHOOL_REGISTER_KEEPERS)
    if request.method != "POST":
        form = SchoolEditForm(initial=SchoolEditForm.initial_for(school)) if can_manage else None
        return _render_school(request, school, form, can_manage=can_manage)
    if not can_manage:
        raise PermissionDenied("Only the partnership's business managers change a school's details.")
    form = SchoolEditForm(request.POST)
    if not form.is_valid():
        return _render_school(request, school, form, can_manage=True, status=REFUSED)
    data = form.cleaned_data
    try:
        changes = services.school_update(
            partnership=partnership,
            actor=request.user,
            school=school,
            head_teacher_name=data["head_teacher_name"],
            dsl_email=data["dsl_email"],
            governor_name=data["governor_name"],
            governor_email=data["governor_email"],
            expected_updated_at=data["expected_updated_at"],
        )
    except ValidationError as exc:
        school = selectors.school_get(partnership=partnership, school_id=school_id)
        conflict = form.add_refusal(exc, saved=school)
        return _render_school(
            request, school, form, can_manage=True, saved_version=school if conflict else None, status=REFUSED
        )
    messages.success(request, f"Saved the changes to {school.name}." if changes else "There were no changes to save.")
    return redirect("audits:school_detail", slug=partnership.slug, school_id=school.pk)


def _render_school(
    request: HttpRequest,
    school: School,
    form: SchoolEditForm | None,
    *,
    can_manage: bool,
    saved_version: School | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "audits/schools/school_detail.html",
        {
            "school": school,
            "form": form,
            "can_manage": can_manage,
            "saved_version": saved_version,
            "history": history_rows_for_object(partnership=request.partnership, obj=school),
        },
        status=status,
    )
