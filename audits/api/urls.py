"""API under /api/v1/partnerships/<slug>/: audit templates (and, with the audits app, rounds and returns)."""

from django.urls import path

from audits.api import templates as template_api

app_name = "audits_api"

_P = "partnerships/<slug:slug>/"

urlpatterns: list = []

urlpatterns += [
    path(f"{_P}audit-templates/", template_api.TemplateListView.as_view(), name="template_list"),
    path(f"{_P}audit-templates/copy/", template_api.TemplateCopyView.as_view(), name="template_copy"),
    path(f"{_P}audit-templates/<int:template_id>/", template_api.TemplateDetailView.as_view(), name="template_detail"),
    path(
        f"{_P}audit-templates/<int:template_id>/draft/", template_api.TemplateDraftView.as_view(), name="template_draft"
    ),
    path(
        f"{_P}audit-template-versions/<int:template_version_id>/",
        template_api.TemplateVersionView.as_view(),
        name="template_version",
    ),
    path(
        f"{_P}audit-template-versions/<int:template_version_id>/publish/",
        template_api.TemplateVersionPublishView.as_view(),
        name="template_version_publish",
    ),
    path(
        f"{_P}audit-template-versions/<int:template_version_id>/sections/",
        template_api.TemplateSectionAddView.as_view(),
        name="template_section_add",
    ),
    path(
        f"{_P}audit-template-sections/<int:template_section_id>/",
        template_api.TemplateSectionView.as_view(),
        name="template_section",
    ),
    path(
        f"{_P}audit-template-sections/<int:template_section_id>/questions/",
        template_api.TemplateQuestionAddView.as_view(),
        name="template_question_add",
    ),
    path(
        f"{_P}audit-template-questions/<int:template_question_id>/",
        template_api.TemplateQuestionView.as_view(),
        name="template_question",
    ),
    path(f"{_P}audit-scales/", template_api.ScaleListView.as_view(), name="scale_list"),
]
