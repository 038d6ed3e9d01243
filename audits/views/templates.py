"""Pages of audit templates: the list, copying a built-in, a version's questions, editing a draft, publishing.

The business managers keep the templates; the partners' leads and the
scrutineer read them. A published version is shown read-only: "Make changes"
opens the template's draft version (made as a copy when there is none), and
only a draft has edit forms. Every form on a draft carries the draft's version:
a change made from an out-of-date page is refused, and the page drawn again.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from audits.forms.templates import (
    DraftVersionForm,
    QuestionForm,
    SectionForm,
    TemplateCopyForm,
    TemplateCreateForm,
    TemplateEditForm,
)
from audits.selectors.access import TEMPLATE_MANAGE_ROLES, TEMPLATE_READ_ROLES
from audits.selectors.templates import (
    builtin_template_list,
    scale_list,
    template_get,
    template_list,
    template_question_by_id,
    template_section_by_id,
    template_version_by_id,
    template_version_list,
    version_structure,
)
from audits.services import templates as services
from partnership.access import partnership_view
from partnership.forms.base import add_service_errors, versioned_initial
from partnership.views.actions import form_status


def _manages(request: HttpRequest) -> bool:
    return request.membership.has_role(*TEMPLATE_MANAGE_ROLES)


def _to_version(request: HttpRequest, version_id: int) -> HttpResponse:
    return redirect("audits:template_version_detail", slug=request.partnership.slug, template_version_id=version_id)


def _to_template(request: HttpRequest, template_id: int) -> HttpResponse:
    return redirect("audits:template_detail", slug=request.partnership.slug, template_id=template_id)


# --- The list, copying, making from scratch ---------------------------------------------------------------


def _render_list(request: HttpRequest, *, copy_form=None, create_form=None) -> HttpResponse:
    manages = _manages(request)
    context = {
        "templates": template_list(partnership=request.partnership),
        "builtins": builtin_template_list(),
        "copy_form": (copy_form or TemplateCopyForm()) if manages else None,
        "create_form": (create_form or TemplateCreateForm(prefix="new")) if manages else None,
    }
    return render(request, "audits/templates/list.html", context, status=form_status(copy_form, create_form))


@partnership_view(roles=TEMPLATE_READ_ROLES)
@require_GET
def template_list_page(request: HttpRequest) -> HttpResponse:
    return _render_list(request)


@partnership_view(roles=TEMPLATE_MANAGE_ROLES)
@require_POST
def template_copy(request: HttpRequest) -> HttpResponse:
    form = TemplateCopyForm(request.POST)
    if form.is_valid():
        try:
            template = services.template_copy_builtin(
                partnership=request.partnership, actor=request.user, builtin_key=form.cleaned_data["builtin_key"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Copied “{template.name}”: version 1 is published and ready to use.")
            return _to_template(request, template.pk)
    return _render_list(request, copy_form=form)


@partnership_view(roles=TEMPLATE_MANAGE_ROLES)
@require_POST
def template_create(request: HttpRequest) -> HttpResponse:
    form = TemplateCreateForm(request.POST, prefix="new")
    if form.is_valid():
        try:
            template = services.template_create(
                partnership=request.partnership, actor=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Made “{template.name}”: add its sections and questions, then publish it.")
            draft = template_version_list(partnership=request.partnership, template=template).first()
            return _to_version(request, draft.pk)
    return _render_list(request, create_form=form)


# --- One template -------------------------------------------------------------------------------------------


@partnership_view(roles=TEMPLATE_READ_ROLES)
@require_http_methods(["GET", "POST"])
def template_detail(request: HttpRequest, template_id: int) -> HttpResponse:
    template = template_get(partnership=request.partnership, pk=template_id)
    manages = _manages(request)
    form = None
    saved_version = None
    if manages:
        if request.method == "POST":
            form = TemplateEditForm(request.POST)
            if form.is_valid():
                data = form.cleaned_data
                try:
                    services.template_update(
                        partnership=request.partnership,
                        actor=request.user,
                        template=template,
                        name=data["name"],
                        description=data["description"],
                        expected_updated_at=data["expected_updated_at"],
                    )
                except ValidationError as exc:
                    template = template_get(partnership=request.partnership, pk=template_id)
                    if form.add_refusal(exc, saved=template):
                        saved_version = template
                else:
                    messages.success(request, "Saved the template's name and description.")
                    return _to_template(request, template.pk)
        else:
            form = TemplateEditForm(
                initial={"name": template.name, "description": template.description, **versioned_initial(template)}
            )
    elif request.method == "POST":
        raise PermissionDenied("Only a business manager changes templates.")
    context = {
        "template": template,
        "versions": template_version_list(partnership=request.partnership, template=template),
        "form": form,
        "saved_version": saved_version,
        "archive_form": DraftVersionForm(initial=versioned_initial(template), prefix="archive") if manages else None,
    }
    return render(request, "audits/templates/detail.html", context, status=form_status(form))


@partnership_view(roles=TEMPLATE_MANAGE_ROLES)
@require_POST
def template_archive(request: HttpRequest, template_id: int) -> HttpResponse:
    template = template_get(partnership=request.partnership, pk=template_id)
    form = DraftVersionForm(request.POST, prefix="archive")
    if not form.is_valid():
        messages.error(request, " ".join(form.non_field_errors()))
        return _to_template(request, template.pk)
    try:
        services.template_set_archived(
            partnership=request.partnership,
            actor=request.user,
            template=template,
            archived=not template.is_archived,
            expected_updated_at=form.cleaned_data["expected_updated_at"],
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Archived the template." if not template.is_archived else "Brought it back.")
    return _to_template(request, template.pk)


@partnership_view(roles=TEMPLATE_MANAGE_ROLES)
@require_POST
def template_draft(request: HttpRequest, template_id: int) -> HttpResponse:
    """Make changes: open the draft version (a copy of the latest published one when there is no draft)."""
    template = template_get(partnership=request.partnership, pk=template_id)
    draft = services.template_version_draft(partnership=request.partnership, actor=request.user, template=template)
    return _to_version(request, draft.pk)


# --- A version, and editing a draft ---------------------------------------------------------------------


def _render_version(request: HttpRequest, version, *, status_forms=(), **forms_shown) -> HttpResponse:
    editable = version.is_draft and _manages(request)
    versioned = versioned_initial(version)
    context = {
        "version": version,
        "template": version.template,
        "sections": version_structure(partnership=request.partnership, version=version),
        "editable": editable,
        "crumb": f"Version {version.number}",
        "versioned": versioned,
        "section_form": forms_shown.get("section_form") or SectionForm(initial=versioned, prefix="section"),
        "publish_form": forms_shown.get("publish_form") or DraftVersionForm(initial=versioned, prefix="publish"),
        "problem": forms_shown.get("problem"),
    }
    return render(request, "audits/templates/version.html", context, status=form_status(*status_forms))


@partnership_view(roles=TEMPLATE_READ_ROLES)
@require_GET
def template_version_detail(request: HttpRequest, template_version_id: int) -> HttpResponse:
    version = template_version_by_id(partnership=request.partnership, pk=template_version_id)
    return _render_version(request, version)


@partnership_view(roles=TEMPLATE_MANAGE_ROLES)
@require_POST
def template_version_publish(request: HttpRequest, template_version_id: int) -> HttpResponse:
    version = template_version_by_id(partnership=request.partnership, pk=template_version_id)
    form = DraftVersionForm(request.POST, prefix="publish")
    if form.is_valid():
        try:
            services.template_version_publish(
                partnership=request.partnership,
                actor=request.user,
                version=version,
                expected_updated_at=form.cleaned_data["expected_updated_at"],
            )
        except ValidationError as exc:
            version = template_version_by_id(partnership=request.partnership, pk=template_version_id)
            form.add_refusal(exc, saved=version)
        else:
            messages.success(request, f"Published version {version.number}: new audits use it from now on.")
            return _to_version(request, version.pk)
    return _render_version(request, version, publish_form=form, status_forms=[form])


@partnership_view(roles=TEMPLATE_MANAGE_ROLES)
@require_POST
def template_section_add(request: HttpRequest, template_version_id: int) -> HttpResponse:
    version = template_version_by_id(partnership=request.partnership, pk=template_version_id)
    form = SectionForm(request.POST, prefix="section")
    if form.is_valid():
        try:
            services.template_section_add(
                partnership=request.partnership, actor=request.user, version=version, **form.cleaned_data
            )
        except ValidationError as exc:
            version = template_version_by_id(partnership=request.partnership, pk=template_version_id)
            form.add_refusal(exc, saved=version)
        else:
            messages.success(request, f"Added the section “{form.cleaned_data['title']}”.")
            return _to_version(request, version.pk)
    return _render_version(request, version, section_form=form, status_forms=[form])


@partnership_view(roles=TEMPLATE_MANAGE_ROLES)
@require_http_methods(["GET", "POST"])
def template_section_edit(request: HttpRequest, template_section_id: int) -> HttpResponse:
    section = template_section_by_id(partnership=request.partnership, pk=template_section_id)
    version = section.version
    if request.method == "POST":
        form = SectionForm(request.POST)
        if form.is_valid():
            try:
                services.template_section_update(
                    partnership=request.partnership, actor=request.user, section=section, **form.cleaned_data
                )
            except ValidationError as exc:
                version = template_version_by_id(partnership=request.partnership, pk=version.pk)
                form.add_refusal(exc, saved=version)
            else:
                messages.success(request, "Saved the section.")
                return _to_version(request, version.pk)
    else:
        form = SectionForm(initial={"title": section.title, "guidance": section.guidance, **versioned_initial(version)})
    context = {"section": section, "version": version, "form": form}
    return render(request, "audits/templates/section_edit.html", context, status=form_status(form))


@partnership_view(roles=TEMPLATE_MANAGE_ROLES)
@require_POST
def template_section_remove(request: HttpRequest, template_section_id: int) -> HttpResponse:
    section = template_section_by_id(partnership=request.partnership, pk=template_section_id)
    form = DraftVersionForm(request.POST)
    if form.is_valid():
        try:
            services.template_section_remove(
                partnership=request.partnership,
                actor=request.user,
                section=section,
                expected_updated_at=form.cleaned_data["expected_updated_at"],
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, f"Removed the section “{section.title}”.")
            return _to_version(request, section.version_id)
    version = template_version_by_id(partnership=request.partnership, pk=section.version_id)
    return _render_version(request, version, problem=form, status_forms=[form])


def _question_page(request: HttpRequest, *, section, form, question=None) -> HttpResponse:
    context = {"section": section, "version": section.version, "form": form, "question": question}
    return render(request, "audits/templates/question_edit.html", context, status=form_status(form))


@partnership_view(roles=TEMPLATE_MANAGE_ROLES)
@require_http_methods(["GET", "POST"])
def template_question_add(request: HttpRequest, template_section_id: int) -> HttpResponse:
    section = template_section_by_id(partnership=request.partnership, pk=template_section_id)
    scales = scale_list(partnership=request.partnership)
    if request.method == "POST":
        form = QuestionForm(request.POST, scales=scales)
        if form.is_valid():
            try:
                services.template_question_add(
                    partnership=request.partnership, actor=request.user, section=section, **form.cleaned_data
                )
            except ValidationError as exc:
                form.add_refusal(
                    exc, saved=template_version_by_id(partnership=request.partnership, pk=section.version_id)
                )
            else:
                messages.success(request, "Added the question.")
                return _to_version(request, section.version_id)
    else:
        form = QuestionForm(initial={"required": True, **versioned_initial(section.version)}, scales=scales)
    return _question_page(request, section=section, form=form)


@partnership_view(roles=TEMPLATE_MANAGE_ROLES)
@require_http_methods(["GET", "POST"])
def template_question_edit(request: HttpRequest, template_question_id: int) -> HttpResponse:
    question = template_question_by_id(partnership=request.partnership, pk=template_question_id)
    scales = scale_list(partnership=request.partnership)
    if request.method == "POST":
        form = QuestionForm(request.POST, scales=scales)
        if form.is_valid():
            try:
                services.template_question_update(
                    partnership=request.partnership, actor=request.user, question=question, **form.cleaned_data
                )
            except ValidationError as exc:
                form.add_refusal(
                    exc, saved=template_version_by_id(partnership=request.partnership, pk=question.version_id)
                )
            else:
                messages.success(request, "Saved the question.")
                return _to_version(request, question.version_id)
    else:
        initial = {
            "text": question.text,
            "guidance": question.guidance,
            "kind": question.kind,
            "scale_id": question.scale_id,
            "required": question.required,
            **versioned_initial(question.version),
        }
        form = QuestionForm(initial=initial, scales=scales)
    return _question_page(request, section=question.section, form=form, question=question)


@partnership_view(roles=TEMPLATE_MANAGE_ROLES)
@require_POST
def template_question_remove(request: HttpRequest, template_question_id: int) -> HttpResponse:
    question = template_question_by_id(partnership=request.partnership, pk=template_question_id)
    form = DraftVersionForm(request.POST)
    if form.is_valid():
        try:
            services.template_question_remove(
                partnership=request.partnership,
                actor=request.user,
                question=question,
                expected_updated_at=form.cleaned_data["expected_updated_at"],
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, "Removed the question.")
            return _to_version(request, question.version_id)
    version = template_version_by_id(partnership=request.partnership, pk=question.version_id)
    return _render_version(request, version, problem=form, status_forms=[form])
