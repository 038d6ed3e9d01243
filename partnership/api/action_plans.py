"""API of action plans, actions, progress updates with evidence, and the board's progress reports.

The same rules as the pages (``partnership.selectors.recommendation_access``):
an action the caller may not see is 404, like a missing one or another
partnership's; one they may see but not change is 403. Every change to an
existing action or recommendation names the version it was based on
(``updated_at`` or ``If-Match``): a stale one is 409 and nothing is saved.
Ids in a body (a recommendation, an agency, a person, an action) are looked up
in this partnership only: another partnership's is refused like a missing one.
"""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.mixins import ListModelMixin
from rest_framework.parsers import MultiPartParser
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from partnership.api import RequestBodyTooLarge
from partnership.api.base import PartnershipScopedAPIView, SizeLimitedJSONParser
from partnership.api.documents import DocumentVersionSerializer, PDFRenderer, _json_errors, _private
from partnership.api.versions import expected_version, optional_version
from partnership.api.views import _DETAIL, _FIELD_ERRORS, _answers, _conflict
from partnership.models import Partnership, Role, StatutoryPartner
from partnership.models.recommendations import Action, ActionUpdate, ProgressReport, Rag, Recommendation
from partnership.selectors.action_plans import (
    action_evidence_get,
    action_get,
    action_plan_page,
    action_updates,
    actions_visible,
    plan_of,
    recommendation_for_plan_get,
)
from partnership.selectors.documents import documents_for_subject
from partnership.selectors.progress_reports import progress_report_docx_file, progress_report_get, progress_report_list
from partnership.services import action_plans as services
from partnership.services.documents import document_pdf_response, document_version_download, document_version_has_pdf
from partnership.services.files import ACCEPTED_KINDS, DOCX, MAX_FILE_BYTES, stored_file_response
from partnership.services.progress_reports import progress_report_create

# Ids within a database integer: a larger one is a 400 on the field, never an overflow in the query.
_ID = {"min_value": 1, "max_value": 2**63 - 1}

ANY_MEMBER: frozenset[str] = frozenset()  # the access rules decide, in the selectors and services
_NOT_ALLOWED = OpenApiResponse(_DETAIL, description="You may see this, but your role does not let you change it.")


class NoPlanYet(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "no_plan"
    default_detail = "This recommendation has no action plan yet: it opens when the three partners sign it off."


class NotReady(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "not_ready"
    default_detail = "The PDF is not ready yet: poll the report until its pdf state is ready."


# --- Shapes ---------------------------------------------------------------------------------------------


class PersonBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    full_name = serializers.CharField(read_only=True)


class ActionSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    recommendation_id = serializers.IntegerField(source="plan.recommendation_id", read_only=True)
    recommendation_reference = serializers.CharField(source="plan.recommendation.reference", read_only=True)
    position = serializers.IntegerField(read_only=True)
    what = serializers.CharField(read_only=True)
    lead_agency = serializers.IntegerField(source="lead_agency_id", read_only=True)
    lead_agency_name = serializers.CharField(source="lead_agency.name", read_only=True)
    lead_person = PersonBriefSerializer(read_only=True, allow_null=True)
    due_on = serializers.DateField(read_only=True)
    measure_of_success = serializers.CharField(read_only=True)
    rag = serializers.ChoiceField(choices=Rag.choices, read_only=True)
    completed_at = serializers.DateTimeField(read_only=True, allow_null=True)
    updated_at = serializers.DateTimeField(read_only=True, help_text="Send it back with a change (or If-Match).")


class ActionInputSerializer(serializers.Serializer):
    what = serializers.CharField(max_length=4000)
    lead_agency = serializers.IntegerField(**_ID, help_text="An agency of this partnership.")
    lead_person = serializers.IntegerField(
        **_ID, required=False, allow_null=True, help_text="A person who is an active member here."
    )
    due_on = serializers.DateField()
    measure_of_success = serializers.CharField(max_length=4000)


class ActionCreateSerializer(ActionInputSerializer):
    recommendation_id = serializers.IntegerField(**_ID, help_text="The recommendation whose plan it joins.")


class ActionChangeSerializer(ActionInputSerializer):
    """Every field optional: what is left out keeps its current value."""

    what = serializers.CharField(max_length=4000, required=False)
    lead_agency = serializers.IntegerField(**_ID, required=False)
    due_on = serializers.DateField(required=False)
    measure_of_success = serializers.CharField(max_length=4000, required=False)
    updated_at = serializers.DateTimeField(required=False, help_text="The updated_at you read (or send If-Match).")


class VersionSerializer(serializers.Serializer):
    updated_at = serializers.DateTimeField(required=False, help_text="The updated_at you read (or send If-Match).")


class ActionCompleteSerializer(VersionSerializer):
    note = serializers.CharField(max_length=10000, required=False, allow_blank=True)


class EvidenceSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)
    media_type = serializers.CharField(read_only=True)
    size = serializers.IntegerField(read_only=True)
    download_url = serializers.CharField(read_only=True)


class ActionUpdateSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    on = serializers.DateField(read_only=True)
    note = serializers.CharField(read_only=True)
    rag = serializers.ChoiceField(choices=Rag.choices, read_only=True)
    author = PersonBriefSerializer(read_only=True)
    evidence = EvidenceSerializer(many=True, read_only=True)


class ActionUpdateInputSerializer(serializers.Serializer):
    on = serializers.DateField(help_text="The date of the update (today or earlier).")
    note = serializers.CharField(max_length=10000)
    rag = serializers.ChoiceField(choices=services.PROGRESS_RAG_CHOICES)
    evidence = serializers.ListField(
        child=serializers.FileField(allow_empty_file=True),
        required=False,
        max_length=services.EVIDENCE_FILES_MAX,
        help_text=f"Up to {services.EVIDENCE_FILES_MAX} files (PDF, Office, images, text), 10 MB each.",
    )
    updated_at = serializers.DateTimeField(required=False, help_text="Optional: the action's updated_at you read.")


class RecommendationBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    reference = serializers.CharField(read_only=True)
    text = serializers.CharField(read_only=True)
    state = serializers.ChoiceField(choices=Recommendation.State.choices, read_only=True)
    lead_partner = serializers.CharField(read_only=True)
    impact_evidence = serializers.CharField(read_only=True)
    completed_at = serializers.DateTimeField(read_only=True, allow_null=True)
    closed_at = serializers.DateTimeField(read_only=True, allow_null=True)
    updated_at = serializers.DateTimeField(read_only=True, help_text="Send it back to complete, close or reopen.")


class ActionPlanSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    recommendation = RecommendationBriefSerializer(read_only=True)
    due_on = serializers.DateField(read_only=True, allow_null=True, help_text="10 working days after sign-off.")
    working_days_left = serializers.IntegerField(read_only=True, allow_null=True)
    agreed_at = serializers.DateTimeField(read_only=True, allow_null=True)
    actions = ActionSerializer(many=True, read_only=True)
    actions_not_shown = serializers.IntegerField(read_only=True, help_text="Actions of this plan you may not see.")
    can_edit = serializers.BooleanField(read_only=True)


class ReorderSerializer(serializers.Serializer):
    action_ids = serializers.ListField(child=serializers.IntegerField(**_ID), max_length=500)


class CompleteSerializer(VersionSerializer):
    impact_evidence = serializers.CharField(max_length=10000, help_text="What changed, and how you know.")


class ReopenSerializer(VersionSerializer):
    reason = serializers.CharField(max_length=500)


class ProgressReportSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    title = serializers.CharField(read_only=True)
    as_of = serializers.DateField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)


class ProgressReportDetailSerializer(ProgressReportSerializer):
    pdf = DocumentVersionSerializer(read_only=True, allow_null=True, help_text="Poll until its state is ready.")
    pdf_download_url = serializers.CharField(read_only=True)
    docx_download_url = serializers.CharField(read_only=True, allow_null=True)


class ProgressReportCreateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    as_of = serializers.DateField()


# --- Data -------------------------------------------------------------------------------------------------


def _plan_data(page) -> dict:
    return {
        "id": page.plan.pk,
        "recommendation": page.recommendation,
        "due_on": page.deadline.due_on if page.deadline else None,
        "working_days_left": page.working_days_left,
        "agreed_at": page.plan.agreed_at,
        "actions": page.actions,
        "actions_not_shown": page.actions_not_shown,
        "can_edit": page.can_edit,
    }


# --- Endpoints --------------------------------------------------------------------------------------------


class _PlanAPIView(PartnershipScopedAPIView):
    read_roles = ANY_MEMBER
    write_roles = ANY_MEMBER
    model = Recommendation

    def recommendation(self) -> Recommendation:
        return recommendation_for_plan_get(
            partnership=self.partnership,
            membership=self.membership,
            recommendation_id=self.kwargs["recommendation_id"],
        )

    def plan_response(self, recommendation: Recommendation | None = None) -> Response:
        page = action_plan_page(
            partnership=self.partnership,
            membership=self.membership,
            recommendation=recommendation or self.recommendation(),
        )
        if page.plan is None:
            raise NoPlanYet()
        return Response(ActionPlanSerializer(_plan_data(page)).data)

    def recommendation_response(self) -> Response:
        return Response(RecommendationBriefSerializer(self.recommendation()).data)


@extend_schema(tags=["Action plans"])
class ActionPlanView(_PlanAPIView):
    """A recommendation's action plan: its deadline and the actions you may see."""

    serializer_class = ActionPlanSerializer

    @extend_schema(
        summary="A recommendation's action plan",
        responses=_answers({200: ActionPlanSerializer, 409: OpenApiResponse(_DETAIL, description="No plan yet.")}),
    )
    def get(self, request: Request, slug: str, recommendation_id: int) -> Response:
        return self.plan_response()


@extend_schema(tags=["Action plans"])
class ActionPlanAgreeView(_PlanAPIView):
    serializer_class = ActionPlanSerializer

    @extend_schema(
        summary="Agree the plan: the recommendation moves to in progress (business managers, the lead partner's lead)",
        request=None,
        responses=_answers({200: ActionPlanSerializer, 400: _FIELD_ERRORS}, takes_body=True),
    )
    def post(self, request: Request, slug: str, recommendation_id: int) -> Response:
        services.action_plan_agree(
            partnership=self.partnership, membership=self.membership, recommendation=self.recommendation()
        )
        return self.plan_response()


@extend_schema(tags=["Action plans"])
class ActionPlanReorderView(_PlanAPIView):
    serializer_class = ActionPlanSerializer

    @extend_schema(
        summary="Put the plan's actions in a new order (every action id of the plan, once each)",
        request=ReorderSerializer,
        responses=_answers({200: ActionPlanSerializer, 400: _FIELD_ERRORS}, takes_body=True),
    )
    def post(self, request: Request, slug: str, recommendation_id: int) -> Response:
        recommendation = self.recommendation()  # first: another partnership's is 404 whatever the body
        serializer = ReorderSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.action_plan_reorder(
            partnership=self.partnership,
            membership=self.membership,
            recommendation=recommendation,
            action_ids=serializer.validated_data["action_ids"],
        )
        return self.plan_response()


@extend_schema(tags=["Action plans"])
class ActionPlanCompleteView(_PlanAPIView):
    serializer_class = RecommendationBriefSerializer

    @extend_schema(
        summary="Complete the recommendation, with the evidence of its impact (every action complete first)",
        request=CompleteSerializer,
        responses=_answers(
            {200: RecommendationBriefSerializer, 400: _FIELD_ERRORS, 409: _conflict("recommendation")}, takes_body=True
        ),
    )
    def post(self, request: Request, slug: str, recommendation_id: int) -> Response:
        recommendation = self.recommendation()  # first: another partnership's is 404 whatever the body
        serializer = CompleteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.recommendation_complete(
            partnership=self.partnership,
            membership=self.membership,
            recommendation=recommendation,
            impact_evidence=serializer.validated_data["impact_evidence"],
            expected_updated_at=expected_version(request, serializer.validated_data),
        )
        return self.recommendation_response()


@extend_schema(tags=["Action plans"])
class ActionPlanCloseView(_PlanAPIView):
    serializer_class = RecommendationBriefSerializer

    @extend_schema(
        summary="Close a completed recommendation (business managers)",
        request=VersionSerializer,
        responses=_answers(
            {200: RecommendationBriefSerializer, 400: _FIELD_ERRORS, 409: _conflict("recommendation")}, takes_body=True
        ),
    )
    def post(self, request: Request, slug: str, recommendation_id: int) -> Response:
        recommendation = self.recommendation()  # first: another partnership's is 404 whatever the body
        serializer = VersionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.recommendation_close_completed(
            partnership=self.partnership,
            membership=self.membership,
            recommendation=recommendation,
            expected_updated_at=expected_version(request, serializer.validated_data),
        )
        return self.recommendation_response()


@extend_schema(tags=["Action plans"])
class ActionPlanReopenView(_PlanAPIView):
    serializer_class = RecommendationBriefSerializer

    @extend_schema(
        summary="Reopen a completed recommendation, with the reason",
        request=ReopenSerializer,
        responses=_answers(
            {200: RecommendationBriefSerializer, 400: _FIELD_ERRORS, 409: _conflict("recommendation")}, takes_body=True
        ),
    )
    def post(self, request: Request, slug: str, recommendation_id: int) -> Response:
        recommendation = self.recommendation()  # first: another partnership's is 404 whatever the body
        serializer = ReopenSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.recommendation_reopen(
            partnership=self.partnership,
            membership=self.membership,
            recommendation=recommendation,
            reason=serializer.validated_data["reason"],
            expected_updated_at=expected_version(request, serializer.validated_data),
        )
        return self.recommendation_response()


class _ActionAPIView(PartnershipScopedAPIView):
    read_roles = ANY_MEMBER
    write_roles = ANY_MEMBER
    model = Action
    lookup_url_kwarg = "action_id"

    def scoped_queryset(self, partnership: Partnership):
        return actions_visible(partnership=partnership, membership=self.membership)

    def action_row(self) -> Action:
        return action_get(partnership=self.partnership, membership=self.membership, action_id=self.kwargs["action_id"])

    def get_object(self) -> Action:
        return self.action_row()


_LIST_FILTERS = [
    OpenApiParameter("recommendation_id", int, description="Only this recommendation's actions."),
    OpenApiParameter("rag", str, enum=Rag.values, description="Only actions at this RAG status."),
    OpenApiParameter("agency_id", int, description="Only actions this agency leads."),
    OpenApiParameter(
        "lead_partner",
        str,
        enum=StatutoryPartner.values,
        description="Only actions of recommendations this statutory partner leads.",
    ),
    OpenApiParameter("overdue", bool, description="Only actions past their due date and not complete."),
]


class _ListFilters(serializers.Serializer):
    recommendation_id = serializers.IntegerField(**_ID, required=False)
    rag = serializers.ChoiceField(choices=Rag.choices, required=False)
    agency_id = serializers.IntegerField(**_ID, required=False)
    lead_partner = serializers.ChoiceField(choices=StatutoryPartner.choices, required=False)
    overdue = serializers.BooleanField(required=False, default=False)


@extend_schema(tags=["Action plans"])
class ActionListView(ListModelMixin, _ActionAPIView):
    """The actions you may see (an agency lead: their agency's), earliest due first; add one to a plan."""

    serializer_class = ActionSerializer

    def scoped_queryset(self, partnership: Partnership):
        filters = _ListFilters(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        data = filters.validated_data
        return actions_visible(
            partnership=partnership,
            membership=self.membership,
            recommendation_id=data.get("recommendation_id"),
            rag=data.get("rag"),
            agency_id=data.get("agency_id"),
            lead_partner=data.get("lead_partner"),
            overdue_on=timezone.localdate() if data.get("overdue") else None,
        )

    @extend_schema(
        summary="Actions you may see",
        parameters=_LIST_FILTERS,
        responses=_answers({200: ActionSerializer(many=True), 400: _FIELD_ERRORS}),
    )
    def get(self, request: Request, slug: str) -> Response:
        return self.list(request)

    @extend_schema(
        summary="Add an action to a recommendation's plan (business managers, the lead partner's lead)",
        request=ActionCreateSerializer,
        responses=_answers({201: ActionSerializer, 400: _FIELD_ERRORS}, takes_body=True),
    )
    def post(self, request: Request, slug: str) -> Response:
        serializer = ActionCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            recommendation = recommendation_for_plan_get(
                partnership=self.partnership, membership=self.membership, recommendation_id=data["recommendation_id"]
            )
        except Http404 as exc:  # another partnership's id reads like a missing one: a field error either way
            raise ValidationError(
                {"recommendation_id": ["No recommendation of this partnership has this id."]}
            ) from exc
        if plan_of(recommendation) is None:
            raise ValidationError({"recommendation_id": ["This recommendation has no action plan yet."]})
        action = services.action_add(
            partnership=self.partnership,
            membership=self.membership,
            recommendation=recommendation,
            what=data["what"],
            lead_agency_id=data["lead_agency"],
            lead_person_id=data.get("lead_person"),
            due_on=data["due_on"],
            measure_of_success=data["measure_of_success"],
        )
        return Response(ActionSerializer(self._fresh(action.pk)).data, status=status.HTTP_201_CREATED)

    def _fresh(self, action_id: int) -> Action:
        return action_get(partnership=self.partnership, membership=self.membership, action_id=action_id)


@extend_schema(tags=["Action plans"])
class ActionDetailView(_ActionAPIView):
    serializer_class = ActionSerializer

    @extend_schema(summary="One action", responses=_answers({200: ActionSerializer}))
    def get(self, request: Request, slug: str, action_id: int) -> Response:
        return Response(ActionSerializer(self.action_row()).data)

    @extend_schema(
        summary="Change an action's SMART fields (business managers, the lead partner's lead)",
        request=ActionChangeSerializer,
        responses=_answers(
            {200: ActionSerializer, 400: _FIELD_ERRORS, 403: _NOT_ALLOWED, 409: _conflict("action")}, takes_body=True
        ),
    )
    def patch(self, request: Request, slug: str, action_id: int) -> Response:
        action = self.action_row()
        serializer = ActionChangeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        services.action_edit(
            partnership=self.partnership,
            membership=self.membership,
            action=action,
            what=data.get("what", action.what),
            lead_agency_id=data.get("lead_agency", action.lead_agency_id),
            lead_person_id=data.get("lead_person", action.lead_person_id),
            due_on=data.get("due_on", action.due_on),
            measure_of_success=data.get("measure_of_success", action.measure_of_success),
            expected_updated_at=expected_version(request, data),
        )
        return Response(ActionSerializer(self.action_row()).data)

    @extend_schema(
        summary="Remove an action with no progress recorded (business managers, the lead partner's lead)",
        request=VersionSerializer,
        responses=_answers(
            {204: None, 400: _FIELD_ERRORS, 403: _NOT_ALLOWED, 409: _conflict("action")}, takes_body=True
        ),
    )
    def delete(self, request: Request, slug: str, action_id: int) -> Response:
        action = self.action_row()
        serializer = VersionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.action_remove(
            partnership=self.partnership,
            membership=self.membership,
            action=action,
            expected_updated_at=expected_version(request, serializer.validated_data),
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=["Action plans"])
class ActionCompleteView(_ActionAPIView):
    serializer_class = ActionSerializer

    @extend_schema(
        summary="Mark an action complete (its lead, its agency's lead, the lead partner, business managers)",
        request=ActionCompleteSerializer,
        responses=_answers(
            {200: ActionSerializer, 400: _FIELD_ERRORS, 403: _NOT_ALLOWED, 409: _conflict("action")}, takes_body=True
        ),
    )
    def post(self, request: Request, slug: str, action_id: int) -> Response:
        action = self.action_row()
        serializer = ActionCompleteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.action_complete(
            partnership=self.partnership,
            membership=self.membership,
            action=action,
            note=serializer.validated_data.get("note", ""),
            expected_updated_at=expected_version(request, serializer.validated_data),
        )
        return Response(ActionSerializer(self.action_row()).data)


class EvidenceMultiPartParser(MultiPartParser):
    """Multipart for evidence files, refused above what an update can carry (the files service checks each file)."""

    def parse(self, stream, media_type=None, parser_context=None):
        request = (parser_context or {}).get("request")
        limit = services.EVIDENCE_FILES_MAX * MAX_FILE_BYTES + settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0) if request is not None else 0
        except (TypeError, ValueError):
            length = 0
        if length > limit:
            raise RequestBodyTooLarge()
        return super().parse(stream, media_type, parser_context)


def _updates_data(action: Action, updates: list[ActionUpdate], slug: str) -> list[dict]:
    return [
        {
            "id": update.pk,
            "on": update.on,
            "note": update.note,
            "rag": update.rag,
            "author": update.author,
            "evidence": [
                {
                    "id": f.pk,
                    "name": f.name,
                    "media_type": f.media_type,
                    "size": f.size,
                    "download_url": reverse(
                        "api:action_evidence_download", kwargs={"slug": slug, "action_id": action.pk, "file_id": f.pk}
                    ),
                }
                for f in update.evidence
            ],
        }
        for update in updates
    ]


@extend_schema(tags=["Action plans"])
class ActionUpdateListView(_ActionAPIView):
    """An action's progress, newest first; record progress with evidence files (multipart/form-data)."""

    serializer_class = ActionUpdateSerializer
    parser_classes = [EvidenceMultiPartParser, SizeLimitedJSONParser]
    pagination_class = None  # an action's updates are few: all of them, newest first

    @extend_schema(summary="An action's progress updates", responses=_answers({200: ActionUpdateSerializer(many=True)}))
    def get(self, request: Request, slug: str, action_id: int) -> Response:
        action = self.action_row()
        updates = action_updates(partnership=self.partnership, action=action)
        return Response(ActionUpdateSerializer(_updates_data(action, updates, slug), many=True).data)

    @extend_schema(
        summary="Record progress with evidence (its lead, its agency's lead, the lead partner, business managers)",
        request={"multipart/form-data": ActionUpdateInputSerializer, "application/json": ActionUpdateInputSerializer},
        responses=_answers(
            {201: ActionUpdateSerializer, 400: _FIELD_ERRORS, 403: _NOT_ALLOWED, 409: _conflict("action")},
            takes_body=True,
        ),
    )
    def post(self, request: Request, slug: str, action_id: int) -> Response:
        action = self.action_row()
        if not hasattr(request.data, "items"):
            raise ValidationError({"non_field_errors": ["Send the update's fields as an object (or a form)."]})
        files = request.FILES.getlist("evidence") if hasattr(request.FILES, "getlist") else []
        fields = {key: request.data.get(key) for key in request.data if key != "evidence"}
        serializer = ActionUpdateInputSerializer(data=fields)
        serializer.is_valid(raise_exception=True)
        valid = serializer.validated_data
        update = services.action_update_record(
            partnership=self.partnership,
            membership=self.membership,
            action=action,
            on=valid["on"],
            note=valid["note"],
            rag=valid["rag"],
            evidence=files,
            expected_updated_at=optional_version(request, valid),
        )
        updates = [u for u in action_updates(partnership=self.partnership, action=action) if u.pk == update.pk]
        return Response(
            ActionUpdateSerializer(_updates_data(action, updates, slug)[0]).data, status=status.HTTP_201_CREATED
        )


class _BinaryRenderer(PDFRenderer):
    media_type = "application/octet-stream"
    format = "bin"


class _FileAPIView(PartnershipScopedAPIView):
    read_roles = ANY_MEMBER
    renderer_classes = [JSONRenderer, _BinaryRenderer, PDFRenderer]
    serializer_class = None

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if isinstance(response, Response):
            response.accepted_renderer = JSONRenderer()
            response.accepted_media_type = JSONRenderer.media_type
        return response


# An evidence file is sent with the type its content was checked to be (partnership.services.files).
_FILE = {
    (200, kind.media_type): OpenApiResponse(
        OpenApiTypes.BINARY, description=f"The file ({kind.label}), as an attachment (never shown inline)."
    )
    for kind in ACCEPTED_KINDS
}
_DOCX = {
    (200, DOCX.media_type): OpenApiResponse(OpenApiTypes.BINARY, description="The Word document, as an attachment.")
}


@extend_schema(tags=["Action plans"])
class ActionEvidenceDownloadView(_FileAPIView):
    """An evidence file of an action you may see."""

    model = Action

    @extend_schema(summary="Download an evidence file", responses=_json_errors(_answers(dict(_FILE))))
    def get(self, request: Request, slug: str, action_id: int, file_id: int) -> HttpResponse:
        stored = action_evidence_get(
            partnership=self.partnership, membership=self.membership, action_id=action_id, file_id=file_id
        )
        return stored_file_response(stored)


class _ReportAPIView(PartnershipScopedAPIView):
    read_roles = ANY_MEMBER
    model = ProgressReport
    lookup_url_kwarg = "report_id"

    def scoped_queryset(self, partnership: Partnership):
        return progress_report_list(partnership=partnership, membership=self.membership)

    def report(self) -> ProgressReport:
        return progress_report_get(
            partnership=self.partnership, membership=self.membership, report_id=self.kwargs["report_id"]
        )

    def detail_data(self, report: ProgressReport) -> dict:
        documents = documents_for_subject(partnership=self.partnership, subject=report, membership=self.membership)
        pdf = next((d.latest for d in documents if d.latest is not None), None)
        if pdf is not None:
            pdf.partnership = self.partnership
            pdf.document = next(d for d in documents if d.pk == pdf.document_id)
        docx = progress_report_docx_file(partnership=self.partnership, report=report)
        kwargs = {"slug": self.partnership.slug, "report_id": report.pk}
        return {
            "id": report.pk,
            "title": report.title,
            "as_of": report.as_of,
            "created_at": report.created_at,
            "pdf": pdf,
            "pdf_download_url": reverse("api:progress_report_pdf", kwargs=kwargs),
            "docx_download_url": reverse("api:progress_report_docx", kwargs=kwargs) if docx else None,
        }


@extend_schema(tags=["Progress reports"])
class ProgressReportListView(ListModelMixin, _ReportAPIView):
    """The board's progress reports, newest first; business managers make them."""

    serializer_class = ProgressReportSerializer
    write_roles = frozenset({Role.BUSINESS_MANAGER})

    @extend_schema(summary="Progress reports", responses=_answers({200: ProgressReportSerializer(many=True)}))
    def get(self, request: Request, slug: str) -> Response:
        return self.list(request)

    @extend_schema(
        summary="Make a progress report as at a date: its PDF is rendered by the worker, its DOCX kept with it",
        request=ProgressReportCreateSerializer,
        responses=_answers({202: ProgressReportDetailSerializer, 400: _FIELD_ERRORS}, takes_body=True),
    )
    def post(self, request: Request, slug: str) -> Response:
        serializer = ProgressReportCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        report, _version = progress_report_create(
            partnership=self.partnership,
            membership=self.membership,
            title=serializer.validated_data["title"],
            as_of=serializer.validated_data["as_of"],
        )
        report.partnership = self.partnership
        data = ProgressReportDetailSerializer(self.detail_data(report)).data
        return _private(Response(data, status=status.HTTP_202_ACCEPTED))


@extend_schema(tags=["Progress reports"])
class ProgressReportDetailView(_ReportAPIView):
    serializer_class = ProgressReportDetailSerializer

    @extend_schema(summary="A progress report and its PDF's status", responses=_answers({200: serializer_class}))
    def get(self, request: Request, slug: str, report_id: int) -> Response:
        return _private(Response(ProgressReportDetailSerializer(self.detail_data(self.report())).data))


@extend_schema(tags=["Progress reports"])
class ProgressReportPdfView(_FileAPIView, _ReportAPIView):
    @extend_schema(
        summary="Download a progress report's PDF",
        responses=_json_errors(
            _answers(
                {
                    (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="The PDF."),
                    409: OpenApiResponse(_DETAIL, description="Not rendered yet: poll the report."),
                }
            )
        ),
    )
    def get(self, request: Request, slug: str, report_id: int) -> HttpResponse:
        report = self.report()
        documents = documents_for_subject(partnership=self.partnership, subject=report, membership=self.membership)
        latest = next((d.latest for d in documents if d.latest is not None), None)
        if latest is None:
            raise NotReady()
        version = document_version_download(
            partnership=self.partnership, membership=self.membership, version_id=latest.pk
        )
        if not document_version_has_pdf(version):
            raise NotReady()
        filename = f"{slugify(report.title)[:80] or 'progress-report'}.pdf"
        return _private(document_pdf_response(partnership=self.partnership, version=version, filename=filename))


@extend_schema(tags=["Progress reports"])
class ProgressReportDocxView(_FileAPIView, _ReportAPIView):
    @extend_schema(
        summary="Download a progress report's Word document",
        responses=_json_errors(
            _answers({**_DOCX, 409: OpenApiResponse(_DETAIL, description="The report has no Word copy.")})
        ),
    )
    def get(self, request: Request, slug: str, report_id: int) -> HttpResponse:
        report = self.report()
        stored = progress_report_docx_file(partnership=self.partnership, report=report, with_data=True)
        if stored is None:
            raise NotReady("This report has no Word copy.")
        return _private(stored_file_response(stored))
