"""Information request endpoints under /api/v1/partnerships/<slug>/.

A return is read by its assignee, business managers and partner leads (any
other member gets 404, like a missing one) and written by its assignee only:
PATCH saves a draft, POST .../submit/ submits it. Business managers ask
agencies and send returns back.
"""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from partnership.api.base import PartnershipScopedAPIView
from partnership.api.versions import expected_version
from partnership.api.views import _FIELD_ERRORS, _answers, _conflict
from partnership.models import MANAGER_ROLES, Partnership
from partnership.selectors import working_day_calendar
from reviews.api.request_serializers import (
    AnswersSerializer,
    InformationRequestCreateSerializer,
    InformationRequestSerializer,
    SendBackSerializer,
)
from reviews.models import InformationRequest
from reviews.selectors.rapid_review import rapid_review_get
from reviews.selectors.requests import (
    RETURN_READER_ROLES,
    information_request_all,
    information_request_for_viewer,
    information_request_list,
    requests_for_person,
    tracker_rows,
)
from reviews.services.requests import (
    information_request_create,
    information_request_save_draft,
    information_request_send_back,
    information_request_submit,
    information_request_withdraw,
)

_MANAGERS = MANAGER_ROLES
_ANY_MEMBER: frozenset[str] = frozenset()
_NOT_ASSIGNEE = "Only the person asked for this return can write it."
_REFUSED = OpenApiResponse(
    description='Field errors, or {"non_field_errors": ["This return has already been submitted. ..."]} '
    "for a second submission or a draft saved after submission."
)


def _with_days(partnership: Partnership, requests: list[InformationRequest]) -> dict:
    calendar = working_day_calendar(partnership=partnership)
    rows = tracker_rows(requests=requests, calendar=calendar, today=timezone.localdate())
    return {"days_remaining": {row.request.pk: row.days_remaining for row in rows}}


@extend_schema(tags=["Information requests"])
class RapidReviewRequestListView(PartnershipScopedAPIView):
    """A rapid review's information requests (business managers and partner leads); business managers ask agencies."""

    serializer_class = InformationRequestSerializer
    model = InformationRequest
    read_roles = RETURN_READER_ROLES
    write_roles = _MANAGERS

    def scoped_queryset(self, partnership: Partnership):
        review = rapid_review_get(partnership=partnership, rapid_review_id=self.kwargs["rapid_review_id"])
        return information_request_list(partnership=partnership, rapid_review=review)

    @extend_schema(
        summary="A rapid review's information requests",
        responses=_answers({200: InformationRequestSerializer(many=True)}),
    )
    def get(self, request: Request, slug: str, rapid_review_id: int) -> Response:
        requests = list(self.get_queryset())
        page = self.paginate_queryset(requests)
        rows = page if page is not None else requests
        data = InformationRequestSerializer(rows, many=True, context=_with_days(self.partnership, rows)).data
        return self.get_paginated_response(data) if page is not None else Response(data)

    @extend_schema(
        summary="Ask an agency for its return (business managers)",
        request=InformationRequestCreateSerializer,
        responses=_answers({201: InformationRequestSerializer, 400: _FIELD_ERRORS}, takes_body=True),
    )
    def post(self, request: Request, slug: str, rapid_review_id: int) -> Response:
        review = rapid_review_get(partnership=self.partnership, rapid_review_id=rapid_review_id)
        serializer = InformationRequestCreateSerializer(data=request.data, context={"partnership": self.partnership})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        created = information_request_create(
            partnership=self.partnership,
            actor=request.user,
            agency=data["agency"],
            assignee=data["assignee"],
            rapid_review=review,
            due_on=data.get("due_on"),
        )
        created = information_request_for_viewer(
            partnership=self.partnership, membership=self.membership, request_id=created.pk
        )
        return Response(
            InformationRequestSerializer(created, context=_with_days(self.partnership, [created])).data,
            status=status.HTTP_201_CREATED,
        )


@extend_schema(tags=["Information requests"])
class MyRequestListView(PartnershipScopedAPIView):
    """The information requests asked of you in this partnership."""

    serializer_class = InformationRequestSerializer
    model = InformationRequest
    read_roles = _ANY_MEMBER

    def scoped_queryset(self, partnership: Partnership):
        return requests_for_person(partnership=partnership, person=self.request.user)

    @extend_schema(
        summary="Your information requests", responses=_answers({200: InformationRequestSerializer(many=True)})
    )
    def get(self, request: Request, slug: str) -> Response:
        requests = list(self.get_queryset())
        page = self.paginate_queryset(requests)
        rows = page if page is not None else requests
        data = InformationRequestSerializer(rows, many=True, context=_with_days(self.partnership, rows)).data
        return self.get_paginated_response(data) if page is not None else Response(data)


class _OneRequestView(PartnershipScopedAPIView):
    serializer_class = InformationRequestSerializer
    model = InformationRequest
    read_roles = _ANY_MEMBER
    lookup_field = "pk"
    lookup_url_kwarg = "request_id"

    def scoped_queryset(self, partnership: Partnership):
        return information_request_all(partnership=partnership)

    def _load(self, request_id: int) -> InformationRequest:
        # Not readable by this member: 404, exactly like a missing request.
        return information_request_for_viewer(
            partnership=self.partnership, membership=self.membership, request_id=request_id
        )

    def _answer(self, request_id: int) -> Response:
        current = self._load(request_id)
        return Response(InformationRequestSerializer(current, context=_with_days(self.partnership, [current])).data)

    def _assignee_only(self, information_request: InformationRequest) -> None:
        if information_request.assignee_id != self.request.user.pk:
            raise PermissionDenied(_NOT_ASSIGNEE)


@extend_schema(tags=["Information requests"])
class InformationRequestDetailView(_OneRequestView):
    """One return. Its assignee saves drafts with PATCH (send back the updated_at you read)."""

    write_roles = _ANY_MEMBER

    @extend_schema(
        summary="One information request and its return", responses=_answers({200: InformationRequestSerializer})
    )
    def get(self, request: Request, slug: str, request_id: int) -> Response:
        return self._answer(request_id)

    @extend_schema(
        summary="Save the return as a draft (its assignee)",
        request=AnswersSerializer,
        responses=_answers(
            {200: InformationRequestSerializer, 400: _REFUSED, 409: _conflict("return")}, takes_body=True
        ),
    )
    def patch(self, request: Request, slug: str, request_id: int) -> Response:
        current = self._load(request_id)
        self._assignee_only(current)
        serializer = AnswersSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        information_request_save_draft(
            partnership=self.partnership,
            actor=request.user,
            information_request=current,
            answers=serializer.answers(),
            expected_updated_at=expected_version(request, serializer.validated_data),
        )
        return self._answer(request_id)


@extend_schema(tags=["Information requests"])
class InformationRequestSubmitView(_OneRequestView):
    """Submit the return (its assignee), with any last answers. A second submission is refused (400)."""

    write_roles = _ANY_MEMBER

    @extend_schema(
        summary="Submit the return (its assignee)",
        request=AnswersSerializer,
        responses=_answers(
            {200: InformationRequestSerializer, 400: _REFUSED, 409: _conflict("return")}, takes_body=True
        ),
    )
    def post(self, request: Request, slug: str, request_id: int) -> Response:
        current = self._load(request_id)
        self._assignee_only(current)
        serializer = AnswersSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        information_request_submit(
            partnership=self.partnership,
            actor=request.user,
            information_request=current,
            answers=serializer.answers(),
            expected_updated_at=expected_version(request, serializer.validated_data),
        )
        return self._answer(request_id)


@extend_schema(tags=["Information requests"])
class InformationRequestSendBackView(_OneRequestView):
    """Send a submitted return back to its author with a reason (business managers)."""

    write_roles = _MANAGERS

    @extend_schema(
        summary="Send a return back (business managers)",
        request=SendBackSerializer,
        responses=_answers({200: InformationRequestSerializer, 400: _FIELD_ERRORS}, takes_body=True),
    )
    def post(self, request: Request, slug: str, request_id: int) -> Response:
        current = self._load(request_id)
        serializer = SendBackSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        information_request_send_back(
            partnership=self.partnership,
            actor=request.user,
            information_request=current,
            reason=serializer.validated_data["reason"],
            due_on=serializer.validated_data.get("due_on"),
        )
        return self._answer(request_id)


class WithdrawSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


@extend_schema(tags=["Information requests"])
class InformationRequestWithdrawView(_OneRequestView):
    """Withdraw a request not yet submitted (business managers): the person's deadline is cancelled and they
    are emailed; the agency can then be asked again. A submitted return is sent back instead."""

    write_roles = _MANAGERS

    @extend_schema(
        summary="Withdraw a request (business managers)",
        request=WithdrawSerializer,
        responses=_answers({200: InformationRequestSerializer, 400: _REFUSED}, takes_body=True),
    )
    def post(self, request: Request, slug: str, request_id: int) -> Response:
        current = self._load(request_id)
        serializer = WithdrawSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        information_request_withdraw(
            partnership=self.partnership,
            actor=request.user,
            information_request=current,
            reason=serializer.validated_data["reason"],
        )
        return self._answer(request_id)
