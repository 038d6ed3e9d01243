"""API of a learning review's workflow: contributors, agency requests, the state moves, and its documents.

What the review's pages do (``reviews.views.learning_review``), through the
same services and with the same access (``LearningReviewAccess``): a member
who may not see the review gets 404; one who sees it but whose part does not
include the action gets 403; a move the review's state does not allow now is
400 with the reason under ``non_field_errors``.

The moves: planning → drafting (``start-drafting``), drafting → out for
comment (``circulate``), back to drafting (``take-back``), drafting → final
(``finalise``, which queues the final PDF). PDFs are asked for here (202 with
the version) and followed at ``/documents/<version_id>/``.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from partnership.api.documents import (
    DocumentSerializer,
    DocumentVersionSerializer,
    document_version_data,
    documents_data,
)
from partnership.api.serializers import PartnershipAgencyField
from partnership.api.versions import expected_version
from partnership.api.views import _answers, _conflict
from partnership.models import DocumentVersion
from partnership.selectors.documents import documents_for_subject
from reviews.api.learning_review import _NOT_YOURS, _REFUSED, _LearningReviewAPIView
from reviews.api.learning_review_serializers import (
    ContributorSerializer,
    LearningReviewDetailSerializer,
    PartnershipMemberField,
)
from reviews.api.request_serializers import InformationRequestSerializer, PartnershipPersonField
from reviews.api.request_views import _with_days
from reviews.models import Contributor, InformationRequest, LearningReview
from reviews.selectors import learning_review as selectors
from reviews.selectors.requests import information_request_for_viewer
from reviews.services import learning_review as services
from reviews.services.requests import information_request_create

_NO_CONTENT = OpenApiResponse(description="Removed.")
_QUEUED = OpenApiResponse(
    DocumentVersionSerializer,
    description="The version asked for (an existing one when nothing has changed): poll its status_url.",
)

# --- Shapes ---------------------------------------------------------------------------------------------


class ContributorCreateSerializer(serializers.Serializer):
    person = PartnershipMemberField(help_text="The id of an active member of the partnership (their agency is used).")
    attended_event = serializers.BooleanField(required=False, default=False)
    unable_to_contribute = serializers.BooleanField(required=False, default=False)


class ContributorUpdateSerializer(serializers.Serializer):
    """What is left out keeps its value."""

    attended_event = serializers.BooleanField(required=False)
    unable_to_contribute = serializers.BooleanField(required=False)
    updated_at = serializers.DateTimeField(
        required=False, help_text="The updated_at you read (or send If-Match). Without either: 428."
    )


class LearningReviewRequestCreateSerializer(serializers.Serializer):
    agency = PartnershipAgencyField()
    assignee = PartnershipPersonField(help_text="An active member of that agency in this partnership.")
    due_on = serializers.DateField(
        required=False,
        allow_null=True,
        input_formats=["%Y-%m-%d"],
        help_text="Default: the review's information gathering date. Not in the past.",
    )


class CirculateSerializer(serializers.Serializer):
    comments_due_on = serializers.DateField(input_formats=["%Y-%m-%d"], help_text="Not in the past.")
    message = serializers.CharField(
        max_length=2000, required=False, allow_blank=True, default="", help_text="Sent to each contributor."
    )


class TakeBackSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class FinaliseSerializer(serializers.Serializer):
    review = LearningReviewDetailSerializer(read_only=True)
    document = DocumentVersionSerializer(
        read_only=True,
        allow_null=True,
        help_text="The final PDF, queued for rendering; null when your roles are not in its audience.",
    )


# --- Contributors -----------------------------------------------------------------------------------------


class _ContributorAPIView(_LearningReviewAPIView):
    serializer_class = ContributorSerializer
    model = Contributor

    def contributor(self, review: LearningReview) -> Contributor:
        return selectors.contributor_get(
            partnership=self.partnership, learning_review=review, contributor_id=self.kwargs["contributor_id"]
        )

    def require_manage(self, review: LearningReview) -> None:
        if not review.access.can_manage:
            raise PermissionDenied("Only the lead author or a business manager can change the contributors.")


@extend_schema(tags=["Learning reviews"])
class ContributorListView(_ContributorAPIView):
    """The review's contributors (any member who sees the review); the lead author or a business manager
    adds them. Added while the draft is out for comment (and able to contribute), they are sent it too."""

    @extend_schema(
        summary="A learning review's contributors", responses=_answers({200: ContributorSerializer(many=True)})
    )
    def get(self, request: Request, slug: str, learning_review_id: int) -> Response:
        review = self.review()
        rows = self.paginate_queryset(selectors.contributor_list(partnership=self.partnership, learning_review=review))
        return self.get_paginated_response(ContributorSerializer(rows, many=True).data)

    @extend_schema(
        summary="Add a contributor (the lead author or a business manager)",
        request=ContributorCreateSerializer,
        responses=_answers({201: ContributorSerializer, 400: _REFUSED, 403: _NOT_YOURS}, takes_body=True),
    )
    def post(self, request: Request, slug: str, learning_review_id: int) -> Response:
        review = self.review()
        self.require_manage(review)
        serializer = ContributorCreateSerializer(data=request.data, context={"partnership": self.partnership})
        serializer.is_valid(raise_exception=True)
        contributor = services.contributor_add(
            partnership=self.partnership, actor=request.user, learning_review=review, **serializer.validated_data
        )
        contributor = selectors.contributor_get(
            partnership=self.partnership, learning_review=review, contributor_id=contributor.pk
        )
        return Response(ContributorSerializer(contributor).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["Learning reviews"])
class ContributorDetailView(_ContributorAPIView):
    """One contributor: whether they attended the practitioner event or were unable to contribute.
    Removing one keeps their comments and cancels their comments deadline."""

    @extend_schema(summary="A contributor", responses=_answers({200: ContributorSerializer}))
    def get(self, request: Request, slug: str, learning_review_id: int, contributor_id: int) -> Response:
        return Response(ContributorSerializer(self.contributor(self.review())).data)

    @extend_schema(
        summary="Record a contributor's part (the lead author or a business manager)",
        request=ContributorUpdateSerializer,
        responses=_answers(
            {200: ContributorSerializer, 400: _REFUSED, 403: _NOT_YOURS, 409: _conflict("contributor")},
            takes_body=True,
        ),
    )
    def patch(self, request: Request, slug: str, learning_review_id: int, contributor_id: int) -> Response:
        review = self.review()
        contributor = self.contributor(review)
        self.require_manage(review)
        serializer = ContributorUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        services.contributor_update(
            partnership=self.partnership,
            actor=request.user,
            learning_review=review,
            contributor=contributor,
            attended_event=data.get("attended_event", contributor.attended_event),
            unable_to_contribute=data.get("unable_to_contribute", contributor.unable_to_contribute),
            expected_updated_at=expected_version(request, data),
        )
        return Response(ContributorSerializer(self.contributor(review)).data)

    @extend_schema(
        summary="Remove a contributor (the lead author or a business manager)",
        responses=_answers({204: _NO_CONTENT, 400: _REFUSED, 403: _NOT_YOURS}),
    )
    def delete(self, request: Request, slug: str, learning_review_id: int, contributor_id: int) -> Response:
        review = self.review()
        contributor = self.contributor(review)
        self.require_manage(review)
        services.contributor_remove(
            partnership=self.partnership, actor=request.user, learning_review=review, contributor=contributor
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Agency information requests ------------------------------------------------------------------------


@extend_schema(tags=["Learning reviews"])
class LearningReviewRequestListView(_LearningReviewAPIView):
    """The review's agency information requests (withdrawn ones last); the business manager asks agencies,
    each through a named person, who is emailed and gets a deadline. Each return is then read and written at
    ``/requests/<request_id>/``, as a rapid review's are."""

    serializer_class = InformationRequestSerializer
    model = InformationRequest

    @extend_schema(
        summary="A learning review's information requests",
        responses=_answers({200: InformationRequestSerializer(many=True)}),
    )
    def get(self, request: Request, slug: str, learning_review_id: int) -> Response:
        review = self.review()
        rows = self.paginate_queryset(selectors.request_list(partnership=self.partnership, learning_review=review))
        data = InformationRequestSerializer(rows, many=True, context=_with_days(self.partnership, rows)).data
        return self.get_paginated_response(data)

    @extend_schema(
        summary="Ask an agency for information (business managers)",
        request=LearningReviewRequestCreateSerializer,
        responses=_answers({201: InformationRequestSerializer, 400: _REFUSED, 403: _NOT_YOURS}, takes_body=True),
    )
    def post(self, request: Request, slug: str, learning_review_id: int) -> Response:
        review = self.review()
        if not review.access.can_request_information:
            raise PermissionDenied("The business manager co-ordinates the information requests.")
        serializer = LearningReviewRequestCreateSerializer(data=request.data, context={"partnership": self.partnership})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        created = information_request_create(
            partnership=self.partnership,
            actor=request.user,
            agency=data["agency"],
            assignee=data["assignee"],
            learning_review=review,
            due_on=data.get("due_on") or review.information_due_on,
        )
        created = information_request_for_viewer(
            partnership=self.partnership, membership=self.membership, request_id=created.pk
        )
        return Response(
            InformationRequestSerializer(created, context=_with_days(self.partnership, [created])).data,
            status=status.HTTP_201_CREATED,
        )


# --- Moving the review on ---------------------------------------------------------------------------------


class _MoveView(_LearningReviewAPIView):
    serializer_class = LearningReviewDetailSerializer
    refused_message = "Only the lead author or a business manager can move the review on."

    def managed_review(self) -> LearningReview:
        review = self.review()
        if not (review.access.is_business_manager or review.access.is_lead_author):
            raise PermissionDenied(self.refused_message)
        return review

    def answer(self) -> Response:
        return Response(LearningReviewDetailSerializer(self.detail_data(self.review())).data)


_MOVED = {200: LearningReviewDetailSerializer, 400: _REFUSED, 403: _NOT_YOURS}


@extend_schema(tags=["Learning reviews"])
class StartDraftingView(_MoveView):
    """Planning and information gathering are over: the lead author drafts the outcomes form."""

    @extend_schema(
        summary="Start drafting (planning → drafting)", request=None, responses=_answers(_MOVED, takes_body=True)
    )
    def post(self, request: Request, slug: str, learning_review_id: int) -> Response:
        services.learning_review_start_drafting(
            partnership=self.partnership, actor=request.user, learning_review=self.managed_review()
        )
        return self.answer()


@extend_schema(tags=["Learning reviews"])
class CirculateView(_MoveView):
    """Send the draft to the contributors able to contribute, for comment by a date: each is emailed and
    gets a comments deadline."""

    refused_message = "Only the lead author or a business manager can circulate the draft."

    @extend_schema(
        summary="Circulate the draft for comment (drafting → out for comment)",
        request=CirculateSerializer,
        responses=_answers(_MOVED, takes_body=True),
    )
    def post(self, request: Request, slug: str, learning_review_id: int) -> Response:
        review = self.managed_review()
        serializer = CirculateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.learning_review_circulate(
            partnership=self.partnership, actor=request.user, learning_review=review, **serializer.validated_data
        )
        return self.answer()


@extend_schema(tags=["Learning reviews"])
class TakeBackView(_MoveView):
    """Take the draft back to work the comments in: comments close, open comment deadlines are cancelled."""

    refused_message = "Only the lead author or a business manager can take the draft back."

    @extend_schema(
        summary="Take the draft back (out for comment → drafting)",
        request=TakeBackSerializer,
        responses=_answers(_MOVED, takes_body=True),
    )
    def post(self, request: Request, slug: str, learning_review_id: int) -> Response:
        review = self.managed_review()
        serializer = TakeBackSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.learning_review_take_back(
            partnership=self.partnership,
            actor=request.user,
            learning_review=review,
            reason=serializer.validated_data["reason"],
        )
        return self.answer()


@extend_schema(tags=["Learning reviews"])
class FinaliseView(_MoveView):
    """Finalise the outcomes form (the synopsis and key findings written): the review becomes final, the
    form read-only, the final PDF is queued and the business managers are emailed a link to it."""

    serializer_class = FinaliseSerializer
    refused_message = "Only the lead author or a business manager can finalise the outcomes form."

    @extend_schema(
        summary="Finalise the outcomes form (drafting → final)",
        request=None,
        responses=_answers({200: FinaliseSerializer, 400: _REFUSED, 403: _NOT_YOURS}, takes_body=True),
    )
    def post(self, request: Request, slug: str, learning_review_id: int) -> Response:
        version = services.learning_review_finalise(
            partnership=self.partnership, actor=request.user, learning_review=self.managed_review()
        )
        review = self.review()
        document = _visible_version(review, version, partnership=self.partnership)
        return Response(
            FinaliseSerializer({"review": self.detail_data(review), "document": document}).data,
        )


def _visible_version(review: LearningReview, version: DocumentVersion, *, partnership) -> DocumentVersion | None:
    # The lead author may finalise without being in the final PDF's audience: as on the page, they are not
    # sent to a document they cannot open.
    if not review.access.can_open_form_pdf:
        return None
    version.partnership = partnership  # for its URLs, without a query
    return version


# --- Documents --------------------------------------------------------------------------------------------


@extend_schema(tags=["Learning reviews"])
class LearningReviewDocumentListView(_LearningReviewAPIView):
    """The review's documents you may open (the outcomes form, the public summary), each with its newest
    version and where its rendering has got to."""

    serializer_class = DocumentSerializer
    model = DocumentVersion
    # A review has a handful of documents: all of them, at once.
    pagination_class = None

    @extend_schema(summary="A learning review's documents", responses=_answers({200: DocumentSerializer(many=True)}))
    def get(self, request: Request, slug: str, learning_review_id: int) -> Response:
        documents = documents_for_subject(
            partnership=self.partnership, subject=self.review(), membership=self.membership
        )
        return Response(documents_data(documents, partnership=self.partnership))


@extend_schema(tags=["Learning reviews"])
class OutcomesFormPdfView(_LearningReviewAPIView):
    """A PDF of the outcomes form as it is now (a draft is marked as one); the same content is one version.
    For business managers and partner leads (others read the form itself)."""

    serializer_class = DocumentVersionSerializer
    model = DocumentVersion

    @extend_schema(
        summary="Ask for the outcomes form's PDF",
        request=None,
        responses=_answers({202: _QUEUED, 400: _REFUSED, 403: _NOT_YOURS}, takes_body=True),
    )
    def post(self, request: Request, slug: str, learning_review_id: int) -> Response:
        review = self.review()
        if not review.access.can_open_form_pdf:
            raise PermissionDenied(
                "The PDF of the full form is for business managers and partner leads: read the form itself."
            )
        version = services.outcomes_form_render(
            partnership=self.partnership, actor=request.user, learning_review=review
        )
        return Response(document_version_data(version, partnership=self.partnership), status=status.HTTP_202_ACCEPTED)


@extend_schema(tags=["Learning reviews"])
class PublicSummaryPdfView(_LearningReviewAPIView):
    """The redacted public summary's PDF, made from the final form: any member who sees the review."""

    serializer_class = DocumentVersionSerializer
    model = DocumentVersion

    @extend_schema(
        summary="Ask for the public summary's PDF",
        request=None,
        responses=_answers({202: _QUEUED, 400: _REFUSED}, takes_body=True),
    )
    def post(self, request: Request, slug: str, learning_review_id: int) -> Response:
        version = services.public_summary_render(
            partnership=self.partnership, actor=request.user, learning_review=self.review()
        )
        return Response(document_version_data(version, partnership=self.partnership), status=status.HTTP_202_ACCEPTED)
