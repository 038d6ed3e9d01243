"""API of the reviews' part in recommendations: a final outcomes form's rows proposed in one step; reviews' themes.

The same rules as the pages (``reviews.views.recommendations``): business
managers change them; the scrutineer reads the rows (pseudonymised, as the
form) and every reader of a review reads its themes; a row id of another
review or partnership is refused like a missing one; a second submit makes
nothing twice.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from partnership.api.base import PartnershipScopedAPIView
from partnership.api.recommendation_serializers import (
    OutcomesConversionResultSerializer,
    OutcomesConversionSerializer,
    ReviewThemesInputSerializer,
    ThemeSummarySerializer,
)
from partnership.api.recommendations import recommendation_data
from partnership.api.views import _FIELD_ERRORS, _answers
from partnership.models import Partnership, Role
from partnership.recommendation_sources import sources_load
from partnership.selectors.recommendations import recommendation_register, themes_list, themes_with_tagged
from reviews.models import LearningReview, RapidReview
from reviews.selectors import learning_review as learning_review_selectors
from reviews.selectors.decision import rapid_review_get_for_decision
from reviews.selectors.rapid_review import RAPID_REVIEW_READ_ROLES
from reviews.selectors.recommendations import outcomes_rows_with_recommendations
from reviews.services import recommendations as services

MANAGERS = frozenset({Role.BUSINESS_MANAGER})


class OutcomesRecommendationsView(PartnershipScopedAPIView):
    """The outcomes form's SMART rows, each with the recommendations made from it; POST makes those not yet made."""

    read_roles = MANAGERS | {Role.SCRUTINEER}
    write_roles = MANAGERS
    model = LearningReview
    serializer_class = OutcomesConversionResultSerializer

    def scoped_queryset(self, partnership: Partnership):
        return learning_review_selectors.learning_review_list(partnership=partnership, membership=self.membership)

    def review(self) -> LearningReview:
        return learning_review_selectors.learning_review_get(
            partnership=self.partnership,
            learning_review_id=self.kwargs["learning_review_id"],
            membership=self.membership,
        )

    def answer(self, review: LearningReview, round_id: int | None, *, status_code=status.HTTP_200_OK) -> Response:
        rows = outcomes_rows_with_recommendations(
            partnership=self.partnership, learning_review=review, pseudonymised=review.access.reads_pseudonymised
        )
        ids = [r.pk for item in rows for r in item.recommendations]
        full = {r.pk: r for r in recommendation_register(partnership=self.partnership).filter(pk__in=ids)}
        sources_load(partnership=self.partnership, recommendations=full.values())
        data = {
            "round_id": round_id,
            "rows": [
                {
                    "id": item.row.pk,
                    "position": item.row.position,
                    "action": item.row.action,
                    "person_responsible": item.row.person_responsible,
                    "timeframe": item.row.timeframe,
                    "recommendations": [recommendation_data(full[r.pk]) for r in item.recommendations],
                }
                for item in rows
            ],
        }
        return Response(OutcomesConversionResultSerializer(data).data, status=status_code)

    @extend_schema(
        tags=["Learning reviews"],
        summary="The outcomes form's rows and the recommendations made from them (business managers, the scrutineer)",
        responses=_answers({200: OutcomesConversionResultSerializer}),
    )
    def get(self, request: Request, slug: str, learning_review_id: int) -> Response:
        return self.answer(self.review(), None)

    @extend_schema(
        tags=["Learning reviews"],
        summary="Make the final form's remaining rows into recommendations, put to the partners as one round",
        request=OutcomesConversionSerializer,
        responses=_answers(
            {201: OutcomesConversionResultSerializer, 200: OutcomesConversionResultSerializer, 400: _FIELD_ERRORS},
            takes_body=True,
        ),
    )
    def post(self, request: Request, slug: str, learning_review_id: int) -> Response:
        review = self.review()
        serializer = OutcomesConversionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        rows: dict[int, dict] = {}
        for item in serializer.validated_data["rows"]:
            if item["row"] in rows:
                raise ValidationError({"rows": ["Name each row once."]})
            rows[item["row"]] = {"lead_partner": item["lead_partner"], "theme_ids": item["themes"]}
        round_ = services.outcomes_form_recommendations_propose(
            partnership=self.partnership,
            actor=request.user,
            learning_review=review,
            rows=rows,
            title=serializer.validated_data["title"],
        )
        if round_ is None:
            return self.answer(review, None)
        return self.answer(review, round_.pk, status_code=status.HTTP_201_CREATED)


class _ReviewThemesView(PartnershipScopedAPIView):
    def get_object(self):
        # DRF's OPTIONS (metadata for PUT) asks for the object: the same lookup, the same 404.
        return self.review()

    read_roles = MANAGERS
    write_roles = MANAGERS
    serializer_class = ThemeSummarySerializer
    pagination_class = None

    def scoped_queryset(self, partnership: Partnership):
        return themes_list(partnership=partnership)

    def tagged(self, record) -> Response:
        themes = [t for t in themes_with_tagged(partnership=self.partnership, record=record) if t.tagged]
        return Response(ThemeSummarySerializer(themes, many=True).data)


class LearningReviewThemesView(_ReviewThemesView):
    """A learning review's learning themes, read by whoever sees the review, set whole (business managers)."""

    model = LearningReview
    read_roles = frozenset()  # the review's own visibility decides (404 for those who may not see it)

    def review(self) -> LearningReview:
        return learning_review_selectors.learning_review_get(
            partnership=self.partnership,
            learning_review_id=self.kwargs["learning_review_id"],
            membership=self.membership,
        )

    @extend_schema(
        tags=["Learning reviews"],
        summary="A learning review's themes",
        responses=_answers({200: ThemeSummarySerializer(many=True)}),
    )
    def get(self, request: Request, slug: str, learning_review_id: int) -> Response:
        return self.tagged(self.review())

    @extend_schema(
        tags=["Learning reviews"],
        summary="Set a learning review's themes (business managers)",
        request=ReviewThemesInputSerializer,
        responses=_answers({200: ThemeSummarySerializer(many=True), 400: _FIELD_ERRORS}, takes_body=True),
    )
    def put(self, request: Request, slug: str, learning_review_id: int) -> Response:
        review = self.review()
        serializer = ReviewThemesInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.learning_review_themes_set(
            partnership=self.partnership,
            actor=request.user,
            learning_review=review,
            theme_ids=serializer.validated_data["themes"],
        )
        return self.tagged(review)


class RapidReviewThemesView(_ReviewThemesView):
    """A rapid review's learning themes, read by whoever reads rapid reviews, set whole (business managers)."""

    model = RapidReview
    read_roles = RAPID_REVIEW_READ_ROLES

    def review(self) -> RapidReview:
        return rapid_review_get_for_decision(
            partnership=self.partnership, rapid_review_id=self.kwargs["rapid_review_id"]
        )

    @extend_schema(
        tags=["Rapid reviews"],
        summary="A rapid review's themes",
        responses=_answers({200: ThemeSummarySerializer(many=True)}),
    )
    def get(self, request: Request, slug: str, rapid_review_id: int) -> Response:
        return self.tagged(self.review())

    @extend_schema(
        tags=["Rapid reviews"],
        summary="Set a rapid review's themes (business managers)",
        request=ReviewThemesInputSerializer,
        responses=_answers({200: ThemeSummarySerializer(many=True), 400: _FIELD_ERRORS}, takes_body=True),
    )
    def put(self, request: Request, slug: str, rapid_review_id: int) -> Response:
        review = self.review()
        serializer = ReviewThemesInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.rapid_review_themes_set(
            partnership=self.partnership,
            actor=request.user,
            rapid_review=review,
            theme_ids=serializer.validated_data["themes"],
        )
        return self.tagged(review)
