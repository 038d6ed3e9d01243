"""API of a case audit's findings: grade distributions, findings, raising them, the summary PDF.

Read by those who read case audits; written by the business managers.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from audits.api.round_serializers import (
    DocumentQueuedSerializer,
    FindingInputSerializer,
    FindingsSerializer,
    RaiseSerializer,
)
from audits.selectors import findings as selectors
from audits.selectors.rounds import ROUND_MANAGE_ROLES, ROUND_READ_ROLES, audit_round_get
from audits.services import findings as services
from partnership.api.base import PartnershipScopedAPIView
from partnership.api.views import _FIELD_ERRORS, _answers

TAG = "Case audits"


class _FindingsAPIView(PartnershipScopedAPIView):
    read_roles = ROUND_READ_ROLES
    write_roles = ROUND_MANAGE_ROLES
    serializer_class = FindingsSerializer

    def scoped_queryset(self, partnership):
        return selectors.findings_open(
            partnership=partnership,
            audit_round=audit_round_get(partnership=partnership, pk=self.kwargs["audit_round_id"]),
        )

    def findings_answer(self, audit_round, *, code: int = status.HTTP_200_OK) -> Response:
        p = self.partnership
        distributions = selectors.grade_distributions(partnership=p, audit_round=audit_round)
        themes = selectors.findings_by_theme(partnership=p, audit_round=audit_round)
        data = {
            "distributions": [
                {
                    "question_id": d.question.pk,
                    "key": d.question.key,
                    "text": d.question.text,
                    "total": d.total,
                    "grades": [{"label": label, "count": n, "meets_standard": good} for label, n, good in d.overall],
                    "by_agency": [{"agency": name, "counts": counts} for name, counts in d.by_agency],
                }
                for d in distributions
            ],
            "findings": [
                {
                    "id": f.pk,
                    "kind": f.kind,
                    "text": f.text,
                    "theme_id": f.theme_id,
                    "theme": f.theme.name if f.theme_id else "",
                    "recommendation_id": f.recommendation_id,
                }
                for g in themes
                for f in (*g.strengths, *g.improvements)
            ],
        }
        return Response(FindingsSerializer(data).data, status=code)


class FindingsView(_FindingsAPIView):
    """A case audit's grade distributions (moderated grades count) and its findings by theme."""

    @extend_schema(tags=[TAG], summary="A case audit's findings", responses=_answers({200: FindingsSerializer}))
    def get(self, request: Request, slug: str, audit_round_id: int) -> Response:
        return self.findings_answer(audit_round_get(partnership=self.partnership, pk=audit_round_id))

    @extend_schema(
        tags=[TAG],
        summary="Record a finding (business managers)",
        request=FindingInputSerializer,
        responses=_answers({201: FindingsSerializer, 400: _FIELD_ERRORS}, takes_body=True),
    )
    def post(self, request: Request, slug: str, audit_round_id: int) -> Response:
        audit_round = audit_round_get(partnership=self.partnership, pk=audit_round_id)
        serializer = FindingInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.audit_finding_add(
            partnership=self.partnership, actor=request.user, audit_round=audit_round, **serializer.validated_data
        )
        return self.findings_answer(audit_round, code=status.HTTP_201_CREATED)


class FindingsRaiseView(_FindingsAPIView):
    """Raise findings as draft recommendations in one step (source: this case audit)."""

    @extend_schema(
        tags=[TAG],
        summary="Raise findings as recommendations (business managers)",
        request=RaiseSerializer,
        responses=_answers({200: FindingsSerializer, 400: _FIELD_ERRORS}, takes_body=True),
    )
    def post(self, request: Request, slug: str, audit_round_id: int) -> Response:
        audit_round = audit_round_get(partnership=self.partnership, pk=audit_round_id)
        serializer = RaiseSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.audit_findings_raise(
            partnership=self.partnership, actor=request.user, audit_round=audit_round, **serializer.validated_data
        )
        return self.findings_answer(audit_round)


class FindingsPdfView(_FindingsAPIView):
    """Ask for the findings summary PDF as the findings are now; the worker renders it. Whoever reads the
    findings may ask: the PDF carries what they read and changes nothing of the round."""

    write_roles = ROUND_READ_ROLES

    @extend_schema(
        tags=[TAG],
        summary="Ask for the findings summary PDF (whoever reads the findings)",
        request=None,
        # No body is read, but a POST's parser still answers an oversized or unsupported one (413, 415).
        responses=_answers({202: DocumentQueuedSerializer, 400: _FIELD_ERRORS}, takes_body=True),
    )
    def post(self, request: Request, slug: str, audit_round_id: int) -> Response:
        audit_round = audit_round_get(partnership=self.partnership, pk=audit_round_id)
        version = services.audit_findings_pdf_request(
            partnership=self.partnership, actor=request.user, audit_round=audit_round
        )
        return Response(
            DocumentQueuedSerializer({"version_id": version.pk, "state": version.state}).data,
            status=status.HTTP_202_ACCEPTED,
        )


class FindingView(_FindingsAPIView):
    """Take a finding away (not one already raised as a recommendation)."""

    @extend_schema(
        tags=[TAG],
        summary="Remove a finding (business managers)",
        request=None,
        responses=_answers({204: None, 400: _FIELD_ERRORS}),
    )
    def delete(self, request: Request, slug: str, audit_round_id: int, audit_finding_id: int) -> Response:
        audit_round = audit_round_get(partnership=self.partnership, pk=audit_round_id)
        finding = selectors.audit_finding_get(
            partnership=self.partnership, audit_round=audit_round, pk=audit_finding_id
        )
        services.audit_finding_remove(partnership=self.partnership, actor=request.user, finding=finding)
        return Response(status=status.HTTP_204_NO_CONTENT)
