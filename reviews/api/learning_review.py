"""API of learning reviews: the reviews, their outcomes form (with its SMART rows), comments and publication.

The same permissions and tenancy as the pages (``LearningReviewAccess``):
business managers, partner leads and the scrutineer see every review; lead
authors and contributors see theirs; anyone else, and another partnership,
gets 404. The draft form and its comments are for the lead author, the
contributors and the business managers (403 for partner leads until the form
is final); the scrutineer reads both at every stage, pseudonymised, as on the
pages. Changes carry the ``updated_at`` read: a stale one is 409 and nothing
is saved.
"""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.mixins import ListModelMixin
from rest_framework.request import Request
from rest_framework.response import Response

from partnership.api.base import PartnershipScopedAPIView
from partnership.api.versions import expected_version
from partnership.api.views import _FIELD_ERRORS, _answers, _conflict
from partnership.models import MANAGER_ROLES, Partnership
from reviews.api.learning_review_serializers import (
    CommentCreateSerializer,
    CommentSerializer,
    LearningReviewCreateSerializer,
    LearningReviewDetailSerializer,
    LearningReviewListItemSerializer,
    LearningReviewUpdateSerializer,
    OutcomesFormInputSerializer,
    OutcomesFormSerializer,
    PublicationInputSerializer,
    outcomes_form_data,
)
from reviews.models import LearningReview, OutcomeComment, OutcomesForm
from reviews.selectors import learning_review as selectors
from reviews.selectors.rapid_review import rapid_review_get
from reviews.services import learning_review as services
from reviews.services.learning_review import PLAN_FIELDS

ANY_MEMBER: frozenset[str] = frozenset()  # the review's own access rules decide, in the selectors and services
_REFUSED = OpenApiResponse(
    description=(
        'Field errors {"field": ["message"]} (the 300-word limits and SMART rows included), or '
        '{"non_field_errors": [...]} when the review is in the wrong state for this.'
    )
)
_NOT_YOURS = OpenApiResponse(
    description="Your part in the review does not include this (for example the draft before it is final)."
)


class _LearningReviewAPIView(PartnershipScopedAPIView):
    read_roles = ANY_MEMBER
    write_roles = ANY_MEMBER
    model = LearningReview

    def scoped_queryset(self, partnership: Partnership):
        return selectors.learning_review_list(partnership=partnership, membership=self.membership)

    lookup_url_kwarg = "learning_review_id"

    def get_object(self) -> LearningReview:
        # DRF's OPTIONS (metadata for PUT and PATCH) asks for the object: the same lookup, the same 404.
        return self.review()

    def review(self) -> LearningReview:
        """The review of the URL, with ``access`` set; 404 when the caller may not see it."""
        return selectors.learning_review_get(
            partnership=self.partnership,
            learning_review_id=self.kwargs["learning_review_id"],
            membership=self.membership,
        )

    def detail_data(self, review: LearningReview) -> dict:
        """The review's fields, with its contributors and requests read through the selectors (this partnership's)."""
        plain = [f for f in LearningReviewDetailSerializer().fields if f not in {"contributors", "requests"}]
        return {
            **{field: getattr(review, field) for field in plain},
            "contributors": selectors.contributor_list(partnership=self.partnership, learning_review=review),
            "requests": selectors.request_list(partnership=self.partnership, learning_review=review),
        }


@extend_schema(tags=["Learning reviews"])
class LearningReviewListView(ListModelMixin, _LearningReviewAPIView):
    """The learning reviews you may see, newest first; business managers open them."""

    serializer_class = LearningReviewListItemSerializer
    write_roles = MANAGER_ROLES

    @extend_schema(summary="Learning reviews", responses=_answers({200: LearningReviewListItemSerializer(many=True)}))
    def get(self, request: Request, slug: str) -> Response:
        return self.list(request)

    @extend_schema(
        summary="Open a learning review (business managers), directly or from a rapid review's decision",
        request=LearningReviewCreateSerializer,
        responses=_answers({201: LearningReviewDetailSerializer, 400: _FIELD_ERRORS}, takes_body=True),
    )
    def post(self, request: Request, slug: str) -> Response:
        serializer = LearningReviewCreateSerializer(data=request.data, context={"partnership": self.partnership})
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        rapid_review_id = data.pop("rapid_review_id", None)
        if rapid_review_id:
            try:
                rapid_review = rapid_review_get(partnership=self.partnership, rapid_review_id=rapid_review_id)
            except Http404 as exc:  # another partnership's id reads like a missing one: a field error either way
                raise ValidationError(
                    {"rapid_review_id": ["No rapid review of this partnership has this id."]}
                ) from exc
            data.pop("methodology", None)
            review = services.learning_review_open_from_decision(
                partnership=self.partnership, actor=request.user, rapid_review=rapid_review, **data
            )
        else:
            review = services.learning_review_open(partnership=self.partnership, actor=request.user, **data)
        review = self.review_fresh(review.pk)
        return Response(LearningReviewDetailSerializer(self.detail_data(review)).data, status=status.HTTP_201_CREATED)

    def review_fresh(self, pk: int) -> LearningReview:
        return selectors.learning_review_get(
            partnership=self.partnership, learning_review_id=pk, membership=self.membership
        )


@extend_schema(tags=["Learning reviews"])
class LearningReviewDetailView(_LearningReviewAPIView):
    """One learning review with its contributors and agency requests. The lead author and business
    managers change its plan (not once final); send back the ``updated_at`` you read (409 if stale)."""

    serializer_class = LearningReviewDetailSerializer

    @extend_schema(summary="A learning review", responses=_answers({200: LearningReviewDetailSerializer}))
    def get(self, request: Request, slug: str, learning_review_id: int) -> Response:
        return Response(LearningReviewDetailSerializer(self.detail_data(self.review())).data)

    @extend_schema(
        summary="Change a learning review's plan (the lead author or a business manager)",
        request=LearningReviewUpdateSerializer,
        responses=_answers(
            {200: LearningReviewDetailSerializer, 400: _REFUSED, 403: _NOT_YOURS, 409: _conflict("learning review")},
            takes_body=True,
        ),
    )
    def patch(self, request: Request, slug: str, learning_review_id: int) -> Response:
        review = self.review()
        serializer = LearningReviewUpdateSerializer(data=request.data, context={"partnership": self.partnership})
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        expected = expected_version(request, data)
        data.pop("updated_at", None)
        services.learning_review_update_plan(
            partnership=self.partnership,
            actor=request.user,
            learning_review=review,
            expected_updated_at=expected,
            **{k: v for k, v in data.items() if k in PLAN_FIELDS},
        )
        return Response(LearningReviewDetailSerializer(self.detail_data(self.review())).data)


@extend_schema(tags=["Learning reviews"])
class OutcomesFormView(_LearningReviewAPIView):
    """The Learning Review Outcomes Form. PUT saves it whole (text fields left out are saved empty; the
    recommendations by id: rows sent with their id are updated in place and keep it, rows without one are
    added, saved rows not sent are deleted): the lead author or a business manager, while planning or drafting."""

    serializer_class = OutcomesFormSerializer
    model = OutcomesForm

    def _data(self, review: LearningReview) -> dict:
        form = selectors.outcomes_form_get(
            partnership=self.partnership, learning_review=review, pseudonymised=review.access.reads_pseudonymised
        )
        return outcomes_form_data(form=form, review=review, editable=review.access.can_edit_form)

    @extend_schema(
        summary="A learning review's outcomes form", responses=_answers({200: OutcomesFormSerializer, 403: _NOT_YOURS})
    )
    def get(self, request: Request, slug: str, learning_review_id: int) -> Response:
        review = self.review()
        if not review.access.can_see_form:
            raise PermissionDenied("Only the lead author, the contributors and the business managers read the draft.")
        return Response(OutcomesFormSerializer(self._data(review)).data)

    @extend_schema(
        summary="Save the outcomes form (the lead author or a business manager)",
        request=OutcomesFormInputSerializer,
        responses=_answers(
            {200: OutcomesFormSerializer, 400: _REFUSED, 403: _NOT_YOURS, 409: _conflict("outcomes form")},
            takes_body=True,
        ),
    )
    def put(self, request: Request, slug: str, learning_review_id: int) -> Response:
        review = self.review()
        serializer = OutcomesFormInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        expected = expected_version(request, data)
        data.pop("updated_at", None)
        rows = [{k: v for k, v in r.items() if not (k == "id" and v is None)} for r in data.pop("recommendations")]
        services.outcomes_form_update(
            partnership=self.partnership,
            actor=request.user,
            learning_review=review,
            fields=data,
            recommendations=rows,
            expected_updated_at=expected,
        )
        return Response(OutcomesFormSerializer(self._data(self.review())).data)


@extend_schema(tags=["Learning reviews"])
class CommentListView(_LearningReviewAPIView):
    """Comments on the circulated draft: contributors add them while it is out for comment (after the due
    date they are accepted and marked late); the lead author, contributors and business managers read them."""

    serializer_class = CommentSerializer
    model = OutcomeComment
    # One review's comments, all at once and in the form's order: the answer is a plain list.
    pagination_class = None

    @extend_schema(
        summary="Comments on a learning review's draft",
        responses=_answers({200: CommentSerializer(many=True), 403: _NOT_YOURS}),
    )
    def get(self, request: Request, slug: str, learning_review_id: int) -> Response:
        review = self.review()
        if not review.access.can_see_comments:
            raise PermissionDenied("Only the lead author, the contributors and the business managers read comments.")
        comments = selectors.comment_list(
            partnership=self.partnership, learning_review=review, pseudonymised=review.access.reads_pseudonymised
        )
        return Response(CommentSerializer(comments, many=True).data)

    @extend_schema(
        summary="Comment on the draft (contributors, while it is out for comment)",
        request=CommentCreateSerializer,
        responses=_answers({201: CommentSerializer, 400: _REFUSED, 403: _NOT_YOURS}, takes_body=True),
    )
    def post(self, request: Request, slug: str, learning_review_id: int) -> Response:
        review = self.review()
        serializer = CommentCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        comment = services.outcome_comment_add(
            partnership=self.partnership, actor=request.user, learning_review=review, **serializer.validated_data
        )
        return Response(CommentSerializer(comment).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["Learning reviews"])
class PublicationView(_LearningReviewAPIView):
    """The publication decision (full, summary, none) and its reasons: business managers and partner leads."""

    serializer_class = LearningReviewDetailSerializer

    @extend_schema(
        summary="Record the publication decision",
        request=PublicationInputSerializer,
        responses=_answers(
            {200: LearningReviewDetailSerializer, 400: _REFUSED, 403: _NOT_YOURS, 409: _conflict("learning review")},
            takes_body=True,
        ),
    )
    def put(self, request: Request, slug: str, learning_review_id: int) -> Response:
        review = self.review()
        serializer = PublicationInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        services.learning_review_record_publication(
            partnership=self.partnership,
            actor=request.user,
            learning_review=review,
            publication=data["publication"],
            reasons=data["publication_reasons"],
            expected_updated_at=expected_version(request, data),
        )
        return Response(LearningReviewDetailSerializer(self.detail_data(self.review())).data)
