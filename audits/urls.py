"""Pages under /p/<slug>/audits/: templates, the audit programme, case audit rounds and returns."""

from django.urls import path

from audits.views import templates as template_views

app_name = "audits"

urlpatterns: list = []

# Audit templates: the list, copying a built-in, a template, a version and editing its draft.
urlpatterns += [
    path("audits/templates/", template_views.template_list_page, name="template_list"),
    path("audits/templates/copy/", template_views.template_copy, name="template_copy"),
    path("audits/templates/new/", template_views.template_create, name="template_create"),
    path("audits/templates/<int:template_id>/", template_views.template_detail, name="template_detail"),
    path("audits/templates/<int:template_id>/archive/", template_views.template_archive, name="template_archive"),
    path("audits/templates/<int:template_id>/draft/", template_views.template_draft, name="template_draft"),
    path(
        "audits/template-versions/<int:template_version_id>/",
        template_views.template_version_detail,
        name="template_version_detail",
    ),
    path(
        "audits/template-versions/<int:template_version_id>/publish/",
        template_views.template_version_publish,
        name="template_version_publish",
    ),
    path(
        "audits/template-versions/<int:template_version_id>/sections/",
        template_views.template_section_add,
        name="template_section_add",
    ),
    path(
        "audits/template-sections/<int:template_section_id>/",
        template_views.template_section_edit,
        name="template_section_edit",
    ),
    path(
        "audits/template-sections/<int:template_section_id>/remove/",
        template_views.template_section_remove,
        name="template_section_remove",
    ),
    path(
        "audits/template-sections/<int:template_section_id>/questions/",
        template_views.template_question_add,
        name="template_question_add",
    ),
    path(
        "audits/template-questions/<int:template_question_id>/",
        template_views.template_question_edit,
        name="template_question_edit",
    ),
    path(
        "audits/template-questions/<int:template_question_id>/remove/",
        template_views.template_question_remove,
        name="template_question_remove",
    ),
]
