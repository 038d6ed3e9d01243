"""API of case audits: the annual programme, rounds, screened cases, assignments, returns and moderation.

The business managers run rounds and moderate; the partners' leads and the
scrutineer read rounds. A return is read by those who may see it (its named
practitioner, its agency's lead, the managers and oversight; 404 for anyone
else) and answered only by its named practitioner. Changes name the version
they were based on: ``updated_at`` for programme lines, rounds and cases, the
return's edit counter ``version`` for returns; a change based on an older one
is refused with 409 and changes nothing.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from audits.api.round_serializers import (
    AssignSerializer,
    AuditCaseSerializer,
    AuditReturnSerializer,
    AuditReturnSummarySerializer,
    AuditRoundCreateSerializer,
    AuditRoundDetailSerializer,
    AuditRoundMoveSerializer,
    AuditRoundSerializer,
    AuditRoundUpdateSerializer,
    AuditSendBackSerializer,
    AuditVersionInputSerializer,
    CaseDiscussionSerializer,
    CaseSelectSerializer,
    ModerateSerializer,
    PlannedAuditInputSerializer,
    PlannedAuditSerializer,
    ReturnSaveSerializer,
    ScreenSerializer,
)
from audits.selectors import rounds as selectors
from audits.selectors.returns import audit_return_evidence_get, audit_return_sheet
from audits.selectors.rounds import RETURN_ANSWER_ROLES, ROUND_MANAGE_ROLES, ROUND_READ_ROLES
from audits.services import returns as return_services
from audits.services import rounds as services
from partnership.api.action_plans import _FILE, _FileAPIView
from partnership.api.base import PartnershipScopedAPIView
from partnership.api.documents import _json_errors
from partnership.api.versions import expected_version
from partnership.api.views import _FIELD_ERRORS, _answers, _conflict
from partnership.services.files import stored_file_response

TAG = "Case audits"


class _RoundAPIView(PartnershipScopedAPIView):
    read_roles = ROUND_READ_ROLES
    write_roles = ROUND_MANAGE_ROLES
    serializer_class = AuditRoundSerializer

    def scoped_queryset(self, partnership):
        return selectors.audit_round_list(partnership=partnership)

    def round_answer(self, pk: int, *, code: int = status.HTTP_200_OK) -> Response:
        audit_round = selectors.audit_round_get(partnership=self.partnership, pk=pk)
        page = selectors.audit_round_page(partnership=self.partnership, audit_round=audit_round)
        # The cases and their returns as the page's selector loaded them (two queries), not through the manager.
        data = {
            **AuditRoundSerializer(audit_round).data,
            "screened": page.screened,
            "selected": page.selected,
            "cases": AuditCaseSerializer(page.cases, many=True).data,
        }
        return Response(data, status=code)


# --- The programme ---------------------------------------------------------------------------------------------


class ProgrammeView(_RoundAPIView):
    """The annual audit programme (every year, by month); business managers plan audits in it."""

    pagination_class = None

    @extend_schema(
        tags=[TAG], summary="The audit programme", responses=_answers({200: PlannedAuditSerializer(many=True)})
    )
    def get(self, request: Request, slug: str) -> Response:
        return Response(
            PlannedAuditSerializer(selectors.planned_audit_list(partnership=self.partnership), many=True).data
        )

    @extend_schema(
        tags=[TAG],
        summary="Plan an audit (business managers)",
        request=PlannedAuditInputSerializer,
        responses=_answers({201: PlannedAuditSerializer, 400: _FIELD_ERRORS}, takes_body=True),
    )
    def post(self, request: Request, slug: str) -> Response:
        serializer = PlannedAuditInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("updated_at", None)
        planned = services.planned_audit_create(partnership=self.partnership, actor=request.user, **data)
        return Response(PlannedAuditSerializer(planned).data, status=status.HTTP_201_CREATED)


class PlannedAuditView(_RoundAPIView):
    """One planned audit: change it, or take it out of the programme (not once a round started from it)."""

    @extend_schema(
        tags=[TAG],
        summary="Change a planned audit (business managers)",
        request=PlannedAuditInputSerializer,
        responses=_answers(
            {200: PlannedAuditSerializer, 400: _FIELD_ERRORS, 409: _conflict("planned audit")}, takes_body=True
        ),
    )
    def patch(self, request: Request, slug: str, planned_audit_id: int) -> Response:
        planned = selectors.planned_audit_get(partnership=self.partnership, pk=planned_audit_id)
        serializer = PlannedAuditInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        expected = expected_version(request, data)
        data.pop("updated_at", None)
        planned = services.planned_audit_update(
            partnership=self.partnership, actor=request.user, planned=planned, expected_updated_at=expected, **data
        )
        return Response(PlannedAuditSerializer(planned).data)

    @extend_schema(
        tags=[TAG],
        summary="Take a planned audit out of the programme (business managers)",
        request=AuditVersionInputSerializer,
        responses=_answers({204: None, 400: _FIELD_ERRORS, 409: _conflict("planned audit")}, takes_body=True),
    )
    def delete(self, request: Request, slug: str, planned_audit_id: int) -> Response:
        planned = selectors.planned_audit_get(partnership=self.partnership, pk=planned_audit_id)
        serializer = AuditVersionInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        expected = expected_version(request, serializer.validated_data)
        services.planned_audit_remove(
            partnership=self.partnership, actor=request.user, planned=planned, expected_updated_at=expected
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Rounds and cases -----------------------------------------------------------------------------------------


class RoundListView(_RoundAPIView):
    """The case audits, newest due first, 25 at a time (``?limit=``, ``?offset=``): a partnership audits every month,
    so its rounds grow for good; business managers set one up on a published case audit version."""

    @extend_schema(tags=[TAG], summary="Case audits", responses=_answers({200: AuditRoundSerializer(many=True)}))
    def get(self, request: Request, slug: str) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(AuditRoundSerializer(page, many=True).data)

    @extend_schema(
        tags=[TAG],
        summary="Set up a case audit (business managers)",
        request=AuditRoundCreateSerializer,
        responses=_answers({201: AuditRoundDetailSerializer, 400: _FIELD_ERRORS}, takes_body=True),
    )
    def post(self, request: Request, slug: str) -> Response:
        serializer = AuditRoundCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        audit_round = services.audit_round_create(
            partnership=self.partnership, actor=request.user, **serializer.validated_data
        )
        return self.round_answer(audit_round.pk, code=status.HTTP_201_CREATED)


class RoundDetailView(_RoundAPIView):
    """A case audit with its screened cases (selected first) and each case's returns."""

    @extend_schema(tags=[TAG], summary="A case audit", responses=_answers({200: AuditRoundDetailSerializer}))
    def get(self, request: Request, slug: str, audit_round_id: int) -> Response:
        return self.round_answer(audit_round_id)

    @extend_schema(
        tags=[TAG],
        summary="Change a case audit's title, theme, criteria or due date (business managers)",
        request=AuditRoundUpdateSerializer,
        responses=_answers(
            {200: AuditRoundDetailSerializer, 400: _FIELD_ERRORS, 409: _conflict("audit")}, takes_body=True
        ),
    )
    def patch(self, request: Request, slug: str, audit_round_id: int) -> Response:
        audit_round = selectors.audit_round_get(partnership=self.partnership, pk=audit_round_id)
        serializer = AuditRoundUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        expected = expected_version(request, data)
        data.pop("updated_at", None)
        services.audit_round_update(
            partnership=self.partnership,
            actor=request.user,
            audit_round=audit_round,
            expected_updated_at=expected,
            **data,
        )
        return self.round_answer(audit_round.pk)


class RoundMoveView(_RoundAPIView):
    """Move a case audit on: send the returns out (tasks and emails), moderation, back to open, closed."""

    @extend_schema(
        tags=[TAG],
        summary="Move a case audit to another stage (business managers)",
        request=AuditRoundMoveSerializer,
        responses=_answers(
            {200: AuditRoundDetailSerializer, 400: _FIELD_ERRORS, 409: _conflict("audit")}, takes_body=True
        ),
    )
    def post(self, request: Request, slug: str, audit_round_id: int) -> Response:
        audit_round = selectors.audit_round_get(partnership=self.partnership, pk=audit_round_id)
        serializer = AuditRoundMoveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        expected = expected_version(request, serializer.validated_data)
        services.audit_round_move(
            partnership=self.partnership,
            actor=request.user,
            audit_round=audit_round,
            to=serializer.validated_data["to"],
            expected_updated_at=expected,
        )
        return self.round_answer(audit_round.pk)


class RoundScreenView(_RoundAPIView):
    """List screened cases by their pseudonymised references (those already listed are skipped)."""

    @extend_schema(
        tags=[TAG],
        summary="Add screened cases (business managers)",
        request=ScreenSerializer,
        responses=_answers({200: AuditRoundDetailSerializer, 400: _FIELD_ERRORS}, takes_body=True),
    )
    def post(self, request: Request, slug: str, audit_round_id: int) -> Response:
        audit_round = selectors.audit_round_get(partnership=self.partnership, pk=audit_round_id)
        serializer = ScreenSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.audit_cases_screen(
            partnership=self.partnership,
            actor=request.user,
            audit_round=audit_round,
            references=serializer.validated_data["references"],
        )
        return self.round_answer(audit_round.pk)


class _CaseAPIView(_RoundAPIView):
    def case_answer(self, pk: int) -> Response:
        case = selectors.audit_case_get(partnership=self.partnership, pk=pk)
        page = selectors.audit_round_page(partnership=self.partnership, audit_round=case.round)
        return Response(AuditCaseSerializer(next(c for c in page.cases if c.pk == case.pk)).data)


class CaseView(_CaseAPIView):
    """A screened case: select it for audit or leave it out, with the reason."""

    @extend_schema(
        tags=[TAG], summary="A screened case and its returns", responses=_answers({200: AuditCaseSerializer})
    )
    def get(self, request: Request, slug: str, audit_case_id: int) -> Response:
        return self.case_answer(audit_case_id)

    @extend_schema(
        tags=[TAG],
        summary="Select a case or leave it out, with the reason (business managers)",
        request=CaseSelectSerializer,
        responses=_answers({200: AuditCaseSerializer, 400: _FIELD_ERRORS, 409: _conflict("case")}, takes_body=True),
    )
    def patch(self, request: Request, slug: str, audit_case_id: int) -> Response:
        case = selectors.audit_case_get(partnership=self.partnership, pk=audit_case_id)
        serializer = CaseSelectSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        expected = expected_version(request, data)
        services.audit_case_select(
            partnership=self.partnership,
            actor=request.user,
            case=case,
            selected=data["selected"],
            reason=data["reason"],
            expected_updated_at=expected,
        )
        return self.case_answer(case.pk)


class CaseDiscussionView(_CaseAPIView):
    """The notes of the reflective discussion of a selected case."""

    @extend_schema(
        tags=[TAG],
        summary="Record a case's reflective discussion (business managers)",
        request=CaseDiscussionSerializer,
        responses=_answers({200: AuditCaseSerializer, 400: _FIELD_ERRORS, 409: _conflict("case")}, takes_body=True),
    )
    def post(self, request: Request, slug: str, audit_case_id: int) -> Response:
        case = selectors.audit_case_get(partnership=self.partnership, pk=audit_case_id)
        serializer = CaseDiscussionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        expected = expected_version(request, data)
        services.audit_case_discussion_record(
            partnership=self.partnership,
            actor=request.user,
            case=case,
            discussion_on=data["discussion_on"],
            notes=data["notes"],
            expected_updated_at=expected,
        )
        return self.case_answer(case.pk)


class CaseAssignView(_CaseAPIView):
    """Ask an agency for its return on a selected case, answered by a named member of that agency."""

    @extend_schema(
        tags=[TAG],
        summary="Ask an agency for its return (business managers)",
        request=AssignSerializer,
        responses=_answers({201: AuditCaseSerializer, 400: _FIELD_ERRORS}, takes_body=True),
    )
    def post(self, request: Request, slug: str, audit_case_id: int) -> Response:
        case = selectors.audit_case_get(partnership=self.partnership, pk=audit_case_id)
        serializer = AssignSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.audit_return_assign(
            partnership=self.partnership, actor=request.user, case=case, **serializer.validated_data
        )
        response = self.case_answer(case.pk)
        response.status_code = status.HTTP_201_CREATED
        return response


# --- Returns ---------------------------------------------------------------------------------------------------


def _answers_data(sheet) -> list[dict]:
    rows = []
    for part in sheet:
        for item in part.items:
            q, a = item.question, item.answer
            value = None
            if a is not None:
                value = {
                    "grade": str(a.option.value) if a.option_id else None,
                    "yes_partly_no": a.choice or None,
                    "number": None if a.number is None else f"{a.number.normalize():f}",
                    "text": a.text or None,
                }.get(q.kind)
            rows.append(
                {
                    "question_id": q.pk,
                    "key": q.key,
                    "kind": q.kind,
                    "value": value,
                    "moderated_value": a.moderated_option.value if a is not None and a.moderated_option_id else None,
                    "moderation_rationale": a.moderation_rationale if a is not None else "",
                    "evidence": [f.name for f in item.files],
                }
            )
    return rows


class _ReturnAPIView(PartnershipScopedAPIView):
    # Reads and writes are decided per return (who may see it, who answers it, who moderates).
    read_roles = frozenset()
    write_roles = frozenset()
    serializer_class = AuditReturnSerializer

    def scoped_queryset(self, partnership):
        return selectors.audit_returns_for_member(partnership=partnership, membership=self.membership)

    def audit_return(self, pk: int):
        return selectors.audit_return_get(partnership=self.partnership, membership=self.membership, pk=pk)

    def return_answer(self, pk: int) -> Response:
        audit_return, _access = self.audit_return(pk)
        sheet = audit_return_sheet(partnership=self.partnership, audit_return=audit_return)
        data = {
            **AuditReturnSummarySerializer(audit_return).data,
            "round_id": audit_return.case.round_id,
            "reference": audit_return.case.reference,
            "submitted_at": audit_return.submitted_at,
            "sent_back_reason": audit_return.sent_back_reason,
            "answers": _answers_data(sheet),
        }
        # Already plain data in AuditReturnSerializer's shape (the summary's fields were read from the row).
        return Response(data)

    def save(self, request: Request, audit_return_id: int, *, submit: bool) -> Response:
        audit_return, access = self.audit_return(audit_return_id)
        if not access.can_answer:
            raise PermissionDenied("Only the practitioner named for this return answers it.")
        serializer = ReturnSaveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        return_services.audit_return_save(
            partnership=self.partnership,
            membership=self.membership,
            audit_return=audit_return,
            answers=data["answers"],
            version=data["version"],
            submit=submit,
        )
        return self.return_answer(audit_return.pk)


class MyReturnsView(_ReturnAPIView):
    """The returns you are named to answer (an agency lead: every return of their agency), the newest audit first,
    25 at a time (``?limit=``, ``?offset=``): a partnership audits every month, so they grow for good."""

    read_roles = RETURN_ANSWER_ROLES

    @extend_schema(
        tags=[TAG], summary="My audit returns", responses=_answers({200: AuditReturnSummarySerializer(many=True)})
    )
    def get(self, request: Request, slug: str) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(AuditReturnSummarySerializer(page, many=True).data)


class ReturnView(_ReturnAPIView):
    """A return and its answers by question key; its named practitioner saves a draft (PATCH)."""

    @extend_schema(tags=[TAG], summary="An audit return", responses=_answers({200: AuditReturnSerializer}))
    def get(self, request: Request, slug: str, audit_return_id: int) -> Response:
        return self.return_answer(audit_return_id)

    @extend_schema(
        tags=[TAG],
        summary="Save a draft of your return",
        request=ReturnSaveSerializer,
        responses=_answers({200: AuditReturnSerializer, 400: _FIELD_ERRORS, 409: _conflict("return")}, takes_body=True),
    )
    def patch(self, request: Request, slug: str, audit_return_id: int) -> Response:
        return self.save(request, audit_return_id, submit=False)


class ReturnSubmitView(_ReturnAPIView):
    """Submit your return (every required question answered); it is read-only afterwards unless sent back."""

    @extend_schema(
        tags=[TAG],
        summary="Submit your return",
        request=ReturnSaveSerializer,
        responses=_answers({200: AuditReturnSerializer, 400: _FIELD_ERRORS, 409: _conflict("return")}, takes_body=True),
    )
    def post(self, request: Request, slug: str, audit_return_id: int) -> Response:
        return self.save(request, audit_return_id, submit=True)


class ReturnModerateView(_ReturnAPIView):
    """Record moderated grades: a grade that differs from the agency's needs a rationale (business managers)."""

    @extend_schema(
        tags=[TAG],
        summary="Moderate a submitted return (business managers)",
        request=ModerateSerializer,
        responses=_answers({200: AuditReturnSerializer, 400: _FIELD_ERRORS, 409: _conflict("return")}, takes_body=True),
    )
    def post(self, request: Request, slug: str, audit_return_id: int) -> Response:
        audit_return, access = self.audit_return(audit_return_id)
        if not access.can_moderate:
            raise PermissionDenied("Only the audit's moderator (a business manager) does this.")
        serializer = ModerateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        return_services.audit_return_moderate(
            partnership=self.partnership,
            actor=request.user,
            audit_return=audit_return,
            grades=data["grades"],
            rationales=data["rationales"],
            version=data["version"],
        )
        return self.return_answer(audit_return.pk)


class ReturnSendBackView(_ReturnAPIView):
    """Send a submitted return back to its practitioner with the reason (business managers)."""

    @extend_schema(
        tags=[TAG],
        summary="Send a return back (business managers)",
        request=AuditSendBackSerializer,
        responses=_answers({200: AuditReturnSerializer, 400: _FIELD_ERRORS, 409: _conflict("return")}, takes_body=True),
    )
    def post(self, request: Request, slug: str, audit_return_id: int) -> Response:
        audit_return, access = self.audit_return(audit_return_id)
        if not access.can_moderate:
            raise PermissionDenied("Only the audit's moderator (a business manager) does this.")
        serializer = AuditSendBackSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return_services.audit_return_send_back(
            partnership=self.partnership,
            actor=request.user,
            audit_return=audit_return,
            reason=serializer.validated_data["reason"],
            version=serializer.validated_data["version"],
        )
        return self.return_answer(audit_return.pk)


class ReturnWithdrawView(_ReturnAPIView):
    """Stop asking for a return nobody has started (its task is cancelled, the practitioner's grant removed)."""

    @extend_schema(
        tags=[TAG],
        summary="Withdraw a return not yet started (business managers)",
        request=None,
        # No body is read, but a POST's parser still answers an oversized or unsupported one (413, 415).
        responses=_answers({204: None, 400: _FIELD_ERRORS}, takes_body=True),
    )
    def post(self, request: Request, slug: str, audit_return_id: int) -> Response:
        audit_return, access = self.audit_return(audit_return_id)
        if not access.can_moderate:
            raise PermissionDenied("Only a business manager withdraws a return.")
        services.audit_return_withdraw(partnership=self.partnership, actor=request.user, audit_return=audit_return)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ReturnEvidenceView(_FileAPIView):
    """Download one evidence file of a return you may see (always as an attachment)."""

    @extend_schema(
        tags=[TAG], summary="Download a return's evidence file", responses=_json_errors(_answers(dict(_FILE)))
    )
    def get(self, request: Request, slug: str, audit_return_id: int, evidence_file_id: int):
        audit_return, _access = selectors.audit_return_get(
            partnership=self.partnership, membership=self.membership, pk=audit_return_id
        )
        stored = audit_return_evidence_get(partnership=self.partnership, audit_return=audit_return, pk=evidence_file_id)
        return stored_file_response(stored)
