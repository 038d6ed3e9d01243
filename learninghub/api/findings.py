"""API of a cycle's findings: commissioned case audits (with their grades and findings), what the hub found by
learning theme, draft recommendations and their agreement, success measures before and after, the report.

Leadership and the scrutineer read; the business managers write. Another partnership's cycle or rows are 404;
another partnership's ids in a body (an audit round, a theme, drafts) are a 400 on that field, like missing ones.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from learninghub.selectors import findings as selectors
from learninghub.selectors.cycles import hub_cycle_get, hub_cycle_with_phases_get
from learninghub.selectors.findings import (
    FINDINGS_MANAGE_ROLES,
    FINDINGS_READ_ROLES,
    FINDINGS_REPORT_KIND,
    LEAD_PARTNERS,
    DraftState,
)
from learninghub.services import findings as services
from learninghub.services import findings_report as report_services
from partnership.api.base import PartnershipScopedAPIView
from partnership.api.views import _FIELD_ERRORS, _answers
from partnership.services.exports import export_request

TAG = "Learning hub"
_ID = {"min_value": 1, "max_value": 2**63 - 1}


class HubGradeDistributionSerializer(serializers.Serializer):
    question = serializers.CharField(source="question.text")
    total = serializers.IntegerField(help_text="Submitted and moderated returns graded on this question.")
    grades = serializers.SerializerMethodField()

    def get_grades(self, obj) -> list[dict]:
        return [{"grade": label, "count": n, "meets_standard": meets} for label, n, meets in obj.overall]


class HubAuditFindingSerializer(serializers.Serializer):
    theme = serializers.CharField()
    kind = serializers.ChoiceField(choices=["strength", "improvement"])
    text = serializers.CharField()


class HubAuditSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The link's id (take it off the cycle with DELETE).")
    audit_round_id = serializers.IntegerField()
    title = serializers.CharField()
    state = serializers.CharField()
    grades = HubGradeDistributionSerializer(many=True, help_text="Per graded question; empty until returns are in.")
    findings = HubAuditFindingSerializer(many=True)


class HubFindingSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    theme_id = serializers.IntegerField(read_only=True)
    theme = serializers.CharField(source="theme.name", read_only=True)
    text = serializers.CharField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)


class HubDraftSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    text = serializers.CharField(read_only=True)
    rationale = serializers.CharField(read_only=True)
    lead_partner = serializers.ChoiceField(choices=list(LEAD_PARTNERS.items()), read_only=True)
    theme_id = serializers.IntegerField(read_only=True, allow_null=True)
    state = serializers.ChoiceField(choices=DraftState.choices, read_only=True)
    recommendation_id = serializers.IntegerField(
        read_only=True, allow_null=True, help_text="The partnership's recommendation it became when agreed."
    )
    recommendation_reference = serializers.CharField(
        source="recommendation.reference", read_only=True, allow_null=True, default=None
    )


class HubMeasureSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)
    unit = serializers.CharField(read_only=True)
    value_at_start = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)
    value_at_review = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True, allow_null=True)
    change = serializers.DecimalField(max_digits=15, decimal_places=2, read_only=True, allow_null=True)
    higher_is_better = serializers.BooleanField(read_only=True)
    improved = serializers.BooleanField(read_only=True, allow_null=True, help_text="null: not reviewed, or no change.")


class HubFindingsSerializer(serializers.Serializer):
    audits_open = serializers.BooleanField(help_text="Month 2 has begun: the hub commissions case audits.")
    agreeing_open = serializers.BooleanField(help_text="Month 4 has begun: the hub agrees recommendations.")
    review_open = serializers.BooleanField(help_text="The impact review has begun: values after are recorded.")
    audits = HubAuditSerializer(many=True)
    findings = HubFindingSerializer(many=True)
    drafts = HubDraftSerializer(many=True)
    measures = HubMeasureSerializer(many=True)


class HubAuditCommissionSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    template_version_id = serializers.IntegerField(help_text="A published case audit template version.", **_ID)
    due_on = serializers.DateField(help_text="When the returns are due (not in the past).")
    theme_id = serializers.IntegerField(required=False, allow_null=True, default=None, **_ID)
    screening_criteria = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class HubAuditLinkRequestSerializer(serializers.Serializer):
    audit_round_id = serializers.IntegerField(help_text="A case audit round of this partnership.", **_ID)


class HubAuditLinkSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    audit_round_id = serializers.IntegerField()


class HubFindingCreateSerializer(serializers.Serializer):
    theme_id = serializers.IntegerField(help_text="One of the partnership's current learning themes.", **_ID)
    text = serializers.CharField(max_length=2000)


class HubDraftCreateSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=4000)
    rationale = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")
    lead_partner = serializers.ChoiceField(choices=list(LEAD_PARTNERS.items()))
    theme_id = serializers.IntegerField(required=False, allow_null=True, default=None, **_ID)


class HubDraftMoveSerializer(serializers.Serializer):
    to = serializers.ChoiceField(choices=[DraftState.DROPPED, DraftState.DRAFT], help_text="Drop, or take back.")


class HubDraftsAgreeSerializer(serializers.Serializer):
    draft_ids = serializers.ListField(child=serializers.IntegerField(**_ID), max_length=50)
    title = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class HubDraftsAgreedSerializer(serializers.Serializer):
    recommendation_round_id = serializers.IntegerField(help_text="The round put to the three partners' sign-off.")
    recommendation_ids = serializers.ListField(child=serializers.IntegerField())


class HubMeasureCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=300)
    value_at_start = serializers.DecimalField(max_digits=14, decimal_places=2)
    unit = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    higher_is_better = serializers.BooleanField(required=False, default=True)


class HubMeasureReviewSerializer(serializers.Serializer):
    value_at_review = serializers.DecimalField(max_digits=14, decimal_places=2)


class HubFindingsReportRequestSerializer(serializers.Serializer):
    format = serializers.ChoiceField(choices=["pdf", "docx"])


class HubFindingsReportQueuedSerializer(serializers.Serializer):
    format = serializers.CharField()
    document_version_id = serializers.IntegerField(allow_null=True, help_text="PDF: the documents API's version.")
    export_job_id = serializers.IntegerField(allow_null=True, help_text="DOCX: the exports API's job.")


_NO_CONTENT = OpenApiResponse(description="Done.")


class _FindingsAPIView(PartnershipScopedAPIView):
    read_roles = FINDINGS_READ_ROLES
    write_roles = FINDINGS_MANAGE_ROLES
    serializer_class = HubFindingsSerializer
    pagination_class = None

    def scoped_queryset(self, partnership):
        return selectors.hub_finding_queryset(partnership=partnership)

    def cycle(self, hub_cycle_id: int):
        return hub_cycle_get(partnership=self.partnership, cycle_id=hub_cycle_id)

    def common(self, hub_cycle_id: int) -> dict:
        return {"partnership": self.partnership, "actor": self.request.user, "cycle": self.cycle(hub_cycle_id)}


def _findings_data(page) -> dict:
    audits = [
        {
            "id": result.link.pk,
            "audit_round_id": result.audit_round.pk,
            "title": result.audit_round.title,
            "state": result.audit_round.state,
            "grades": [d for d in result.distributions if d.total],
            "findings": [
                {"theme": group.theme, "kind": f.kind, "text": f.text}
                for group in result.themes
                for f in (*group.strengths, *group.improvements)
            ],
        }
        for result in page.audits
    ]
    return HubFindingsSerializer(
        {
            "audits_open": page.audits_open,
            "agreeing_open": page.agreeing_open,
            "review_open": page.review_open,
            "audits": audits,
            "findings": [f for g in page.themes for f in g.findings],
            "drafts": page.drafts,
            "measures": page.measures,
        }
    ).data


class FindingsView(_FindingsAPIView):
    """A cycle's findings: its case audits' grades and findings, the hub's findings by theme, drafts, measures."""

    @extend_schema(tags=[TAG], summary="A cycle's findings", responses=_answers({200: HubFindingsSerializer}))
    def get(self, request: Request, slug: str, hub_cycle_id: int) -> Response:
        cycle, phases = hub_cycle_with_phases_get(partnership=self.partnership, cycle_id=hub_cycle_id)
        page = selectors.hub_findings_page(partnership=self.partnership, cycle=cycle, phases=phases)
        return Response(_findings_data(page))


class AuditCommissionView(_FindingsAPIView):
    serializer_class = HubAuditLinkSerializer

    @extend_schema(
        tags=[TAG],
        summary="Commission a new case audit for the cycle (business managers, from month 2)",
        request=HubAuditCommissionSerializer,
        responses=_answers({201: HubAuditLinkSerializer, 400: _FIELD_ERRORS}, takes_body=True),
    )
    def post(self, request: Request, slug: str, hub_cycle_id: int) -> Response:
        common = self.common(hub_cycle_id)  # another partnership's cycle: 404 before the body
        serializer = HubAuditCommissionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        link = services.hub_audit_round_commission(**common, **serializer.validated_data)
        return Response(HubAuditLinkSerializer(link).data, status=status.HTTP_201_CREATED)


class AuditLinkView(_FindingsAPIView):
    serializer_class = HubAuditLinkSerializer

    @extend_schema(
        tags=[TAG],
        summary="Link an existing case audit to the cycle (business managers, from month 2)",
        request=HubAuditLinkRequestSerializer,
        responses=_answers({201: HubAuditLinkSerializer, 400: _FIELD_ERRORS}, takes_body=True),
    )
    def post(self, request: Request, slug: str, hub_cycle_id: int) -> Response:
        common = self.common(hub_cycle_id)  # another partnership's cycle: 404 before the body
        serializer = HubAuditLinkRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        link = services.hub_audit_round_link(**common, **serializer.validated_data)
        return Response(HubAuditLinkSerializer(link).data, status=status.HTTP_201_CREATED)


class AuditUnlinkView(_FindingsAPIView):
    serializer_class = HubAuditLinkSerializer

    @extend_schema(
        tags=[TAG],
        summary="Take a case audit off the cycle (the audit stays; business managers)",
        request=None,
        responses=_answers({204: _NO_CONTENT, 400: _FIELD_ERRORS}),
    )
    def delete(self, request: Request, slug: str, hub_cycle_id: int, hub_audit_id: int) -> Response:
        cycle = self.cycle(hub_cycle_id)
        link = selectors.hub_audit_link_get(partnership=self.partnership, cycle=cycle, link_id=hub_audit_id)
        services.hub_audit_round_unlink(partnership=self.partnership, actor=request.user, link=link)
        return Response(status=status.HTTP_204_NO_CONTENT)


class FindingCreateView(_FindingsAPIView):
    serializer_class = HubFindingSerializer

    @extend_schema(
        tags=[TAG],
        summary="Record a finding under a learning theme (business managers)",
        request=HubFindingCreateSerializer,
        responses=_answers({201: HubFindingSerializer, 400: _FIELD_ERRORS}, takes_body=True),
    )
    def post(self, request: Request, slug: str, hub_cycle_id: int) -> Response:
        common = self.common(hub_cycle_id)  # another partnership's cycle: 404 before the body
        serializer = HubFindingCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        finding = services.hub_finding_add(**common, **serializer.validated_data)
        return Response(HubFindingSerializer(finding).data, status=status.HTTP_201_CREATED)


class FindingDetailView(_FindingsAPIView):
    serializer_class = HubFindingSerializer

    @extend_schema(
        tags=[TAG],
        summary="Remove a finding (business managers)",
        request=None,
        responses=_answers({204: _NO_CONTENT, 400: _FIELD_ERRORS}),
    )
    def delete(self, request: Request, slug: str, hub_cycle_id: int, hub_finding_id: int) -> Response:
        cycle = self.cycle(hub_cycle_id)
        finding = selectors.hub_finding_get(partnership=self.partnership, cycle=cycle, finding_id=hub_finding_id)
        services.hub_finding_remove(partnership=self.partnership, actor=request.user, finding=finding)
        return Response(status=status.HTTP_204_NO_CONTENT)


class DraftCreateView(_FindingsAPIView):
    serializer_class = HubDraftSerializer

    @extend_schema(
        tags=[TAG],
        summary="Draft a recommendation for the hub to agree (business managers)",
        request=HubDraftCreateSerializer,
        responses=_answers({201: HubDraftSerializer, 400: _FIELD_ERRORS}, takes_body=True),
    )
    def post(self, request: Request, slug: str, hub_cycle_id: int) -> Response:
        common = self.common(hub_cycle_id)  # another partnership's cycle: 404 before the body
        serializer = HubDraftCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        draft = services.hub_draft_add(**common, **serializer.validated_data)
        return Response(HubDraftSerializer(draft).data, status=status.HTTP_201_CREATED)


class DraftMoveView(_FindingsAPIView):
    serializer_class = HubDraftSerializer

    @extend_schema(
        tags=[TAG],
        summary="Drop a draft recommendation, or take a dropped one back (business managers)",
        request=HubDraftMoveSerializer,
        responses=_answers({200: HubDraftSerializer, 400: _FIELD_ERRORS}, takes_body=True),
    )
    def post(self, request: Request, slug: str, hub_cycle_id: int, hub_draft_id: int) -> Response:
        cycle = self.cycle(hub_cycle_id)
        draft = selectors.hub_draft_get(partnership=self.partnership, cycle=cycle, draft_id=hub_draft_id)
        serializer = HubDraftMoveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.hub_draft_move(
            partnership=self.partnership, actor=request.user, draft=draft, **serializer.validated_data
        )
        return Response(HubDraftSerializer(draft).data)


class DraftsAgreeView(_FindingsAPIView):
    serializer_class = HubDraftsAgreedSerializer

    @extend_schema(
        tags=[TAG],
        summary="The hub agrees drafts: recommendations put to the three partners' sign-off (from month 4)",
        request=HubDraftsAgreeSerializer,
        responses=_answers({201: HubDraftsAgreedSerializer, 400: _FIELD_ERRORS}, takes_body=True),
    )
    def post(self, request: Request, slug: str, hub_cycle_id: int) -> Response:
        common = self.common(hub_cycle_id)  # another partnership's cycle: 404 before the body
        serializer = HubDraftsAgreeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        round_ = services.hub_drafts_agree(**common, **serializer.validated_data)
        data = {
            "recommendation_round_id": round_.pk,
            "recommendation_ids": sorted(round_.items.values_list("recommendation_id", flat=True)),
        }
        return Response(HubDraftsAgreedSerializer(data).data, status=status.HTTP_201_CREATED)


class MeasureCreateView(_FindingsAPIView):
    serializer_class = HubMeasureSerializer

    @extend_schema(
        tags=[TAG],
        summary="Record a success measure's value at the start (business managers, before the impact review)",
        request=HubMeasureCreateSerializer,
        responses=_answers({201: HubMeasureSerializer, 400: _FIELD_ERRORS}, takes_body=True),
    )
    def post(self, request: Request, slug: str, hub_cycle_id: int) -> Response:
        common = self.common(hub_cycle_id)  # another partnership's cycle: 404 before the body
        serializer = HubMeasureCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        measure = services.hub_measure_add(**common, **serializer.validated_data)
        return Response(HubMeasureSerializer(measure).data, status=status.HTTP_201_CREATED)


class MeasureReviewView(_FindingsAPIView):
    serializer_class = HubMeasureSerializer

    @extend_schema(
        tags=[TAG],
        summary="Record a success measure's value at the impact review (business managers)",
        request=HubMeasureReviewSerializer,
        responses=_answers({200: HubMeasureSerializer, 400: _FIELD_ERRORS}, takes_body=True),
    )
    def post(self, request: Request, slug: str, hub_cycle_id: int, hub_measure_id: int) -> Response:
        cycle = self.cycle(hub_cycle_id)
        measure = selectors.hub_measure_get(partnership=self.partnership, cycle=cycle, measure_id=hub_measure_id)
        serializer = HubMeasureReviewSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        reviewed = services.hub_measure_review(
            partnership=self.partnership, actor=request.user, measure=measure, **serializer.validated_data
        )
        return Response(HubMeasureSerializer(reviewed).data)


class ReportView(_FindingsAPIView):
    """Ask the worker for the findings report: PDF (documents) or DOCX (exports); follow the id to download."""

    # Whoever reads the findings may ask for the report.
    write_roles = FINDINGS_READ_ROLES
    serializer_class = HubFindingsReportQueuedSerializer

    @extend_schema(
        tags=[TAG],
        summary="Ask for the findings report as PDF or DOCX (worker-rendered)",
        request=HubFindingsReportRequestSerializer,
        responses=_answers({202: HubFindingsReportQueuedSerializer, 400: _FIELD_ERRORS}, takes_body=True),
    )
    def post(self, request: Request, slug: str, hub_cycle_id: int) -> Response:
        cycle = self.cycle(hub_cycle_id)
        serializer = HubFindingsReportRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        file_format = serializer.validated_data["format"]
        data = {"format": file_format, "document_version_id": None, "export_job_id": None}
        if file_format == "pdf":
            version = report_services.hub_findings_pdf_request(
                partnership=self.partnership, actor=request.user, cycle=cycle
            )
            data["document_version_id"] = version.pk
        else:
            job = export_request(
                partnership=self.partnership,
                membership=self.membership,
                kind=FINDINGS_REPORT_KIND,
                data={"cycle": cycle.pk},
            )
            data["export_job_id"] = job.pk
        return Response(HubFindingsReportQueuedSerializer(data).data, status=status.HTTP_202_ACCEPTED)
