"""API of Section 11 and s175 self-assessments: cycles, returns (answer, submit, sign, send back), standards
(evidence files, actions for gaps). Every change to a return names the ``edit_version`` it was based on: a
change from an older read is refused with 409 and nothing is written."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import MultiPartParser
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from audits.api.round_serializers import DocumentQueuedSerializer
from audits.selectors import self_assessment as selectors
from audits.selectors.access import ANY_MEMBER, CYCLE_MANAGERS, CYCLE_READERS, MODERATORS
from audits.selectors.templates import template_version_by_id
from audits.services import moderation as moderation_services
from audits.services import self_assessment as services
from audits.services.self_assessment_summary import return_summary_pdf_request
from partnership.api import RequestBodyTooLarge
from partnership.api.base import PartnershipScopedAPIView
from partnership.api.documents import PDFRenderer
from partnership.api.views import _DETAIL, _FIELD_ERRORS, _answers, _conflict
from partnership.services.files import ACCEPTED_KINDS, MAX_FILE_BYTES, stored_file_response

if TYPE_CHECKING:
    from partnership.models import Partnership

_NOT_ALLOWED = OpenApiResponse(_DETAIL, description="You may see this return, but not change it.")
_STATE_CHOICES = ["draft", "awaiting_signatures", "submitted", "moderated"]


# --- Serializers ------------------------------------------------------------------------------


class CycleSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    title = serializers.CharField()
    year = serializers.IntegerField()
    template = serializers.CharField(source="version.template.name")
    template_version_id = serializers.IntegerField(source="version_id")
    opens_on = serializers.DateField()
    due_on = serializers.DateField()
    return_count = serializers.IntegerField(required=False)
    submitted_count = serializers.IntegerField(required=False)


class CycleCreateSerializer(serializers.Serializer):
    template_version = serializers.IntegerField(help_text="A published Section 11 or section 175 template version.")
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    title = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    opens_on = serializers.DateField()
    due_on = serializers.DateField()


class CycleLaunchSerializer(serializers.Serializer):
    cycle = CycleSerializer()
    returns = serializers.IntegerField()
    invitations = serializers.IntegerField()
    carried_forward = serializers.IntegerField()


class CycleDetailSerializer(CycleSerializer):
    counts = serializers.DictField(child=serializers.IntegerField(), help_text="Returns by state.")


class ReturnSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    cycle_id = serializers.IntegerField()
    agency_id = serializers.IntegerField()
    agency = serializers.CharField(source="agency.name")
    school_urn = serializers.CharField(source="school.urn", default=None, allow_null=True)
    state = serializers.CharField()
    edit_version = serializers.IntegerField()
    submitted_at = serializers.DateTimeField(allow_null=True)


class GapActionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    action = serializers.CharField()
    owner = serializers.CharField()
    due_on = serializers.DateField()
    agreed_at_challenge = serializers.BooleanField()


class StandardEvidenceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    media_type = serializers.CharField()
    size = serializers.IntegerField()
    download_url = serializers.CharField()


class StandardSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    key = serializers.CharField()
    title = serializers.CharField()
    self_score = serializers.IntegerField(allow_null=True)
    moderated_score = serializers.IntegerField(allow_null=True)
    challenge_notes = serializers.CharField(allow_blank=True)
    answers = serializers.DictField(help_text="Answers by question key.")
    actions = GapActionSerializer(many=True)
    evidence = StandardEvidenceSerializer(many=True)


class ReturnSerializer(ReturnSummarySerializer):
    head_signed_name = serializers.CharField()
    governor_signed_name = serializers.CharField()
    moderated_at = serializers.DateTimeField(allow_null=True)
    challenge_event_on = serializers.DateField(allow_null=True)
    standards = StandardSerializer(many=True)


class ReturnAnswersSerializer(serializers.Serializer):
    edit_version = serializers.IntegerField(min_value=1, help_text="The edit_version you read: 409 if it has moved on.")
    answers = serializers.DictField(
        help_text="Answers by question key: an integer for a grade or a number, yes/partly/no, or text; "
        "null or an empty string clears an answer; keys left out keep theirs."
    )


class EditVersionSerializer(serializers.Serializer):
    edit_version = serializers.IntegerField(min_value=1)


class SignSerializer(EditVersionSerializer):
    signer = serializers.ChoiceField(choices=[services.HEAD, services.GOVERNOR])
    name = serializers.CharField(max_length=200)
    confirmed = serializers.BooleanField()


class ReturnSendBackSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500)


class GapActionInputSerializer(serializers.Serializer):
    action = serializers.CharField(max_length=1000)
    owner = serializers.CharField(max_length=200)
    due_on = serializers.DateField()


class StandardEvidenceInputSerializer(serializers.Serializer):
    file = serializers.FileField()


def _standard_data(view, *, slug: str, return_id: int) -> dict:
    return {
        "id": view.standard.pk,
        "key": view.section.key,
        "title": view.section.title,
        "self_score": view.standard.self_score,
        "moderated_score": view.standard.moderated_score,
        "challenge_notes": view.standard.challenge_notes,
        "answers": view.standard.answers,
        "actions": view.actions,
        "evidence": [
            {
                "id": f.pk,
                "name": f.name,
                "media_type": f.media_type,
                "size": f.size,
                "download_url": reverse(
                    "audits_api:standard_evidence_download",
                    kwargs={"slug": slug, "return_id": return_id, "standard_id": view.standard.pk, "evidence_id": f.pk},
                ),
            }
            for f in view.files
        ],
    }


# --- Base ---------------------------------------------------------------------------------


class _SelfAssessmentAPIView(PartnershipScopedAPIView):
    read_roles = ANY_MEMBER
    write_roles = ANY_MEMBER  # the services decide who may change a return

    def scoped_queryset(self, partnership: Partnership):
        return selectors.cycle_list(partnership=partnership)

    def return_row(self):
        return selectors.return_get(
            partnership=self.partnership, membership=self.membership, return_id=self.kwargs["return_id"]
        )

    def standard_row(self, assessment_return):
        return selectors.return_standard_get(
            partnership=self.partnership, assessment_return=assessment_return, standard_id=self.kwargs["standard_id"]
        )

    def return_answer(self, assessment_return) -> Response:
        data = {
            **ReturnSummarySerializer(assessment_return).data,
            "head_signed_name": assessment_return.head_signed_name,
            "governor_signed_name": assessment_return.governor_signed_name,
            "moderated_at": assessment_return.moderated_at,
            "challenge_event_on": assessment_return.challenge_event_on,
            "standards": StandardSerializer(
                [
                    _standard_data(v, slug=self.partnership.slug, return_id=assessment_return.pk)
                    for v in selectors.return_standards(
                        partnership=self.partnership, assessment_return=assessment_return
                    )
                ],
                many=True,
            ).data,
        }
        return Response(data)

    def run(self, change):
        """A service call: not allowed → 403; stale → 409 and field errors → 400 (the exception handler)."""
        try:
            return change()
        except DjangoValidationError as exc:
            if getattr(exc, "code", None) == "not_allowed":
                raise PermissionDenied(services.NOT_YOURS) from exc
            raise


# --- Cycles -------------------------------------------------------------------------------


@extend_schema(tags=["Self-assessments"])
class CycleListView(_SelfAssessmentAPIView):
    """Section 11 and s175 cycles: leadership and the scrutineer read them; business managers launch them."""

    read_roles = CYCLE_READERS
    write_roles = CYCLE_MANAGERS
    serializer_class = CycleSerializer

    @extend_schema(
        summary="The self-assessment cycles, newest first", responses=_answers({200: CycleSerializer(many=True)})
    )
    def get(self, request: Request, slug: str) -> Response:
        page = self.paginate_queryset(selectors.cycle_list(partnership=self.partnership))
        return self.get_paginated_response(CycleSerializer(page, many=True).data)

    @extend_schema(
        summary="Launch a cycle: a return, a deadline and (schools) an invitation for each (business managers)",
        request=CycleCreateSerializer,
        responses=_answers({201: CycleLaunchSerializer, 400: _FIELD_ERRORS}, takes_body=True),
    )
    def post(self, request: Request, slug: str) -> Response:
        serializer = CycleCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            version = template_version_by_id(partnership=self.partnership, pk=data["template_version"])
        except Http404 as exc:  # another partnership's version is as missing
            raise serializers.ValidationError({"template_version": ["No such template version here."]}) from exc
        result = services.cycle_launch(
            partnership=self.partnership,
            actor=request.user,
            version=version,
            year=data["year"],
            opens_on=data["opens_on"],
            due_on=data["due_on"],
            title=data["title"],
        )
        return Response(CycleLaunchSerializer(result).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["Self-assessments"])
class CycleDetailView(_SelfAssessmentAPIView):
    read_roles = CYCLE_READERS
    serializer_class = CycleDetailSerializer

    @extend_schema(
        summary="One cycle, with its returns counted by state", responses=_answers({200: CycleDetailSerializer})
    )
    def get(self, request: Request, slug: str, cycle_id: int) -> Response:
        cycle = selectors.cycle_get(partnership=self.partnership, cycle_id=cycle_id)
        counts = selectors.cycle_state_counts(partnership=self.partnership, cycle=cycle)
        cycle.counts = counts
        return Response(CycleDetailSerializer(cycle).data)


@extend_schema(tags=["Self-assessments"])
class CycleReturnListView(_SelfAssessmentAPIView):
    read_roles = CYCLE_READERS
    serializer_class = ReturnSummarySerializer

    @extend_schema(
        summary="A cycle's returns, by agency name",
        parameters=[
            OpenApiParameter("state", str, enum=_STATE_CHOICES),
            OpenApiParameter("search", str, description="Part of the agency's name, or a school's URN."),
        ],
        responses=_answers({200: ReturnSummarySerializer(many=True), 400: _FIELD_ERRORS}),
    )
    def get(self, request: Request, slug: str, cycle_id: int) -> Response:
        cycle = selectors.cycle_get(partnership=self.partnership, cycle_id=cycle_id)
        state = request.query_params.get("state", "")
        if state and state not in _STATE_CHOICES:
            raise serializers.ValidationError({"state": [f"Choose one of {', '.join(_STATE_CHOICES)}."]})
        returns = selectors.cycle_returns(
            partnership=self.partnership, cycle=cycle, state=state, search=request.query_params.get("search", "")
        )
        page = self.paginate_queryset(returns)
        return self.get_paginated_response(ReturnSummarySerializer(page, many=True).data)


@extend_schema(tags=["Self-assessments"])
class MyReturnListView(_SelfAssessmentAPIView):
    serializer_class = ReturnSummarySerializer

    @extend_schema(
        summary="The returns the caller answers", responses=_answers({200: ReturnSummarySerializer(many=True)})
    )
    def get(self, request: Request, slug: str) -> Response:
        returns = selectors.returns_for_member(partnership=self.partnership, membership=self.membership)
        page = self.paginate_queryset(returns)
        return self.get_paginated_response(ReturnSummarySerializer(page, many=True).data)


# --- A return -----------------------------------------------------------------------------


@extend_schema(tags=["Self-assessments"])
class ReturnDetailView(_SelfAssessmentAPIView):
    """A return with every standard's answers, actions and evidence; its agency's lead answers it (PATCH)."""

    serializer_class = ReturnSerializer

    @extend_schema(summary="One return", responses=_answers({200: ReturnSerializer}))
    def get(self, request: Request, slug: str, return_id: int) -> Response:
        return self.return_answer(self.return_row())

    @extend_schema(
        summary="Save answers (the agency's lead, while the return is a draft)",
        request=ReturnAnswersSerializer,
        responses=_answers(
            {200: ReturnSerializer, 400: _FIELD_ERRORS, 403: _NOT_ALLOWED, 409: _conflict("return")}, takes_body=True
        ),
    )
    def patch(self, request: Request, slug: str, return_id: int) -> Response:
        assessment_return = self.return_row()
        serializer = ReturnAnswersSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        saved = self.run(
            lambda: services.return_save(
                partnership=self.partnership,
                membership=self.membership,
                assessment_return=assessment_return,
                answers=serializer.validated_data["answers"],
                expected_version=serializer.validated_data["edit_version"],
            )
        )
        return self.return_answer(saved)


def _return_action(summary: str, request_serializer, what: str = "return"):
    return extend_schema(
        summary=summary,
        request=request_serializer,
        responses=_answers(
            {200: ReturnSerializer, 400: _FIELD_ERRORS, 403: _NOT_ALLOWED, 409: _conflict(what)}, takes_body=True
        ),
    )


@extend_schema(tags=["Self-assessments"])
class ReturnSubmitView(_SelfAssessmentAPIView):
    serializer_class = ReturnSerializer

    @_return_action(
        "Submit (a school's return then waits for the head's and governor's signatures)", EditVersionSerializer
    )
    def post(self, request: Request, slug: str, return_id: int) -> Response:
        assessment_return = self.return_row()
        serializer = EditVersionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        done = self.run(
            lambda: services.return_submit(
                partnership=self.partnership,
                membership=self.membership,
                assessment_return=assessment_return,
                expected_version=serializer.validated_data["edit_version"],
            )
        )
        return self.return_answer(done)


@extend_schema(tags=["Self-assessments"])
class ReturnSignView(_SelfAssessmentAPIView):
    serializer_class = ReturnSerializer

    @_return_action("Record the head's or the nominated governor's signature of a school's return", SignSerializer)
    def post(self, request: Request, slug: str, return_id: int) -> Response:
        assessment_return = self.return_row()
        serializer = SignSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        done = self.run(
            lambda: services.return_sign(
                partnership=self.partnership,
                membership=self.membership,
                assessment_return=assessment_return,
                signer=data["signer"],
                name=data["name"],
                confirmed=data["confirmed"],
                expected_version=data["edit_version"],
            )
        )
        return self.return_answer(done)


@extend_schema(tags=["Self-assessments"])
class ReturnSendBackView(_SelfAssessmentAPIView):
    write_roles = CYCLE_MANAGERS
    serializer_class = ReturnSerializer

    @extend_schema(
        summary="Send a submitted return back to its agency as a draft (business managers)",
        request=ReturnSendBackSerializer,
        responses=_answers({200: ReturnSerializer, 400: _FIELD_ERRORS}, takes_body=True),
    )
    def post(self, request: Request, slug: str, return_id: int) -> Response:
        assessment_return = self.return_row()
        serializer = ReturnSendBackSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        done = services.return_send_back(
            partnership=self.partnership,
            actor=request.user,
            assessment_return=assessment_return,
            reason=serializer.validated_data["reason"],
        )
        return self.return_answer(done)


@extend_schema(tags=["Self-assessments"])
class ReturnSummaryPdfView(_SelfAssessmentAPIView):
    """Ask for the return's summary PDF as it is now; the worker renders it. Follow it with the documents API:
    ``/documents/<version_id>/`` for its state, ``/documents/<version_id>/download/`` for the PDF."""

    serializer_class = DocumentQueuedSerializer

    @extend_schema(
        summary="Ask for a return's summary PDF (whoever may read the return)",
        request=None,
        # No body is read, but a POST's parser still answers an oversized or unsupported one (413, 415).
        responses=_answers({202: DocumentQueuedSerializer, 400: _FIELD_ERRORS}, takes_body=True),
    )
    def post(self, request: Request, slug: str, return_id: int) -> Response:
        version = self.run(
            lambda: return_summary_pdf_request(
                partnership=self.partnership, membership=self.membership, assessment_return=self.return_row()
            )
        )
        return Response(
            DocumentQueuedSerializer({"version_id": version.pk, "state": version.state}).data,
            status=status.HTTP_202_ACCEPTED,
        )


# --- One standard -------------------------------------------------------------------------


class EvidenceMultiPartParser(MultiPartParser):
    def parse(self, stream, media_type=None, parser_context=None):
        request = (parser_context or {}).get("request")
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0) if request is not None else 0
        except (TypeError, ValueError):
            length = 0
        if length > MAX_FILE_BYTES + settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
            raise RequestBodyTooLarge()
        return super().parse(stream, media_type, parser_context)


@extend_schema(tags=["Self-assessments"])
class StandardDetailView(_SelfAssessmentAPIView):
    serializer_class = StandardSerializer

    @extend_schema(summary="One standard of a return", responses=_answers({200: StandardSerializer}))
    def get(self, request: Request, slug: str, return_id: int, standard_id: int) -> Response:
        assessment_return = self.return_row()
        standard = self.standard_row(assessment_return)
        view = next(
            v
            for v in selectors.return_standards(partnership=self.partnership, assessment_return=assessment_return)
            if v.standard.pk == standard.pk
        )
        return Response(StandardSerializer(_standard_data(view, slug=slug, return_id=assessment_return.pk)).data)


@extend_schema(tags=["Self-assessments"])
class GapActionListView(_SelfAssessmentAPIView):
    serializer_class = GapActionSerializer

    @extend_schema(
        summary="Add an action for a gap in the standard (the agency's lead, while the return is a draft)",
        request=GapActionInputSerializer,
        responses=_answers({201: GapActionSerializer, 400: _FIELD_ERRORS, 403: _NOT_ALLOWED}, takes_body=True),
    )
    def post(self, request: Request, slug: str, return_id: int, standard_id: int) -> Response:
        standard = self.standard_row(self.return_row())
        serializer = GapActionInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        action = self.run(
            lambda: services.gap_action_add(
                partnership=self.partnership, membership=self.membership, standard=standard, **serializer.validated_data
            )
        )
        return Response(GapActionSerializer(action).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["Self-assessments"])
class GapActionDetailView(_SelfAssessmentAPIView):
    serializer_class = None

    @extend_schema(
        summary="Remove an action (the agency's lead, while the return is a draft)",
        responses=_answers({204: None, 400: _FIELD_ERRORS, 403: _NOT_ALLOWED}),
    )
    def delete(self, request: Request, slug: str, return_id: int, standard_id: int, gap_action_id: int) -> Response:
        standard = self.standard_row(self.return_row())
        action = selectors.gap_action_get(partnership=self.partnership, standard=standard, gap_action_id=gap_action_id)
        self.run(
            lambda: services.gap_action_remove(
                partnership=self.partnership, membership=self.membership, standard=standard, gap_action=action
            )
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=["Self-assessments"])
class EvidenceListView(_SelfAssessmentAPIView):
    serializer_class = StandardEvidenceSerializer
    parser_classes = [EvidenceMultiPartParser]

    @extend_schema(
        summary="Upload an evidence file for the standard (multipart/form-data, field 'file')",
        request={"multipart/form-data": StandardEvidenceInputSerializer},
        responses=_answers({201: StandardEvidenceSerializer, 400: _FIELD_ERRORS, 403: _NOT_ALLOWED}, takes_body=True),
    )
    def post(self, request: Request, slug: str, return_id: int, standard_id: int) -> Response:
        assessment_return = self.return_row()
        standard = self.standard_row(assessment_return)
        upload = request.FILES.get("file") if hasattr(request.FILES, "get") else None
        stored = self.run(
            lambda: services.standard_evidence_add(
                partnership=self.partnership, membership=self.membership, standard=standard, upload=upload
            )
        )
        url = reverse(
            "audits_api:standard_evidence_download",
            kwargs={
                "slug": slug,
                "return_id": assessment_return.pk,
                "standard_id": standard.pk,
                "evidence_id": stored.pk,
            },
        )
        data = {"id": stored.pk, "name": stored.name, "media_type": stored.media_type, "size": stored.size}
        return Response(StandardEvidenceSerializer({**data, "download_url": url}).data, status=status.HTTP_201_CREATED)


class _BinaryRenderer(PDFRenderer):
    media_type = "application/octet-stream"
    format = "bin"


_FILE = {
    (200, kind.media_type): OpenApiResponse(
        OpenApiTypes.BINARY, description=f"The file ({kind.label}), as an attachment."
    )
    for kind in ACCEPTED_KINDS
}


@extend_schema(tags=["Self-assessments"])
class EvidenceDownloadView(_SelfAssessmentAPIView):
    serializer_class = None
    renderer_classes = [JSONRenderer, _BinaryRenderer, PDFRenderer]

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if isinstance(response, Response):
            response.accepted_renderer = JSONRenderer()
            response.accepted_media_type = JSONRenderer.media_type
        return response

    @extend_schema(summary="Download an evidence file", responses=_answers(_FILE))
    def get(self, request: Request, slug: str, return_id: int, standard_id: int, evidence_id: int):
        standard = self.standard_row(self.return_row())
        return stored_file_response(
            selectors.standard_evidence_get(partnership=self.partnership, standard=standard, evidence_id=evidence_id)
        )


# --- Moderation and the challenge event -----------------------------------------------------


class ModerationSerializer(serializers.Serializer):
    edit_version = serializers.IntegerField(min_value=1, help_text="The edit_version you read: 409 if it has moved on.")
    scores = serializers.DictField(
        required=False,
        default=dict,
        help_text="Moderated scores by standard key (a value of the standard's scale, or null to clear); "
        "standards left out keep theirs.",
    )
    notes = serializers.DictField(
        child=serializers.CharField(allow_blank=True, max_length=4000),
        required=False,
        default=dict,
        help_text="Challenge notes by standard key.",
    )
    challenge_event_on = serializers.DateField(required=False, allow_null=True, default=None)


class AgreedActionInputSerializer(GapActionInputSerializer):
    standard = serializers.IntegerField(help_text="The id of one of the return's standards.")


@extend_schema(tags=["Self-assessments"])
class ReturnModerationView(_SelfAssessmentAPIView):
    """Moderated scores, challenge notes and the challenge event's date (business managers and partner leads)."""

    write_roles = MODERATORS
    serializer_class = ReturnSerializer

    @_return_action("Moderate a submitted return (business managers and the partners' leads)", ModerationSerializer)
    def post(self, request: Request, slug: str, return_id: int) -> Response:
        assessment_return = self.return_row()
        serializer = ModerationSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        done = moderation_services.return_moderate(
            partnership=self.partnership,
            actor=request.user,
            assessment_return=assessment_return,
            scores=data["scores"],
            notes=data["notes"],
            challenge_event_on=data["challenge_event_on"],
            expected_version=data["edit_version"],
        )
        return self.return_answer(done)


@extend_schema(tags=["Self-assessments"])
class AgreedActionListView(_SelfAssessmentAPIView):
    write_roles = MODERATORS
    serializer_class = GapActionSerializer

    @extend_schema(
        summary="Record an action agreed at the challenge event (business managers and the partners' leads)",
        request=AgreedActionInputSerializer,
        responses=_answers({201: GapActionSerializer, 400: _FIELD_ERRORS}, takes_body=True),
    )
    def post(self, request: Request, slug: str, return_id: int) -> Response:
        assessment_return = self.return_row()
        serializer = AgreedActionInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            standard = selectors.return_standard_get(
                partnership=self.partnership, assessment_return=assessment_return, standard_id=data["standard"]
            )
        except Http404 as exc:  # another return's or partnership's standard is as missing
            raise serializers.ValidationError({"standard": ["No such standard in this return."]}) from exc
        action = moderation_services.agreed_action_add(
            partnership=self.partnership,
            actor=request.user,
            assessment_return=assessment_return,
            standard=standard,
            action=data["action"],
            owner=data["owner"],
            due_on=data["due_on"],
        )
        return Response(GapActionSerializer(action).data, status=status.HTTP_201_CREATED)
