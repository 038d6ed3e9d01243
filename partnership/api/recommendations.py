"""API of recommendations: the register (with its filters), drafting and revising, themes, closing; rounds put to
the partners (decided through the sign-off API); learning themes; dissemination records with their files.

The same rules as the pages (``partnership.selectors.recommendation_access``):
the register's readers read, the business managers change. Changes of an
existing row carry the ``updated_at`` read (or If-Match): a stale one is 409.
An id of another partnership, in the path or in the body, is answered like a
missing one.
"""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from partnership.api.base import PartnershipScopedAPIView, SizeLimitedJSONParser
from partnership.api.recommendation_serializers import (
    DisseminationCreateSerializer,
    DisseminationQuerySerializer,
    DisseminationSerializer,
    RecommendationCloseSerializer,
    RecommendationCreateSerializer,
    RecommendationUpdateSerializer,
    RecommendationVersionSerializer,
    RegisteredRecommendationSerializer,
    RoundCreateSerializer,
    RoundSerializer,
    ThemeCreateSerializer,
    ThemeDetailSerializer,
    ThemeSerializer,
    ThemesInputSerializer,
    ThemeUpdateSerializer,
)
from partnership.api.versions import expected_version
from partnership.api.views import _FIELD_ERRORS, _answers, _conflict
from partnership.learning_records import learning_record_get, learning_record_kind_for_model
from partnership.models import Partnership, Role
from partnership.models.recommendations import (
    Dissemination,
    LearningTheme,
    Recommendation,
    RecommendationRound,
    RecommendationSource,
)
from partnership.selectors import recommendations as selectors
from partnership.selectors.recommendation_access import RECOMMENDATION_READ_ROLES
from partnership.selectors.signoff import sign_off_for_subject
from partnership.services import disseminations as dissemination_services
from partnership.services import learning_themes as theme_services
from partnership.services import recommendations as services
from partnership.services.files import stored_file_response

READERS = frozenset(RECOMMENDATION_READ_ROLES)
MANAGERS = frozenset({Role.BUSINESS_MANAGER})
_REFUSED = OpenApiResponse(
    description='Field errors {"field": ["message"]} (an id of another partnership reads like a missing one), or '
    '{"non_field_errors": [...]} when the move is refused in its state ("A recommendation that is … cannot be …").'
)
_FILTERS = [
    OpenApiParameter("state", str, enum=Recommendation.State.values, required=False),
    OpenApiParameter("source_kind", str, enum=RecommendationSource.values, required=False),
    OpenApiParameter("lead_partner", str, enum=["local_authority", "health", "police"], required=False),
    OpenApiParameter("theme", int, required=False, description="A learning theme's id."),
    OpenApiParameter("overdue", bool, required=False, description="Only those with an overdue plan or action."),
]


def recommendation_data(r: Recommendation) -> dict:
    """A recommendation as the API shows it (its ``tags``, ``source_link`` and ``is_overdue`` loaded)."""
    link = r.source_link
    return {
        "id": r.pk,
        "reference": r.reference,
        "text": r.text,
        "rationale": r.rationale,
        "source": {
            "kind": r.source_kind,
            "label": link.label,
            "id": r.source_id,
            "description": link.description,
            "url": link.url,
        },
        "lead_partner": r.lead_partner,
        "state": r.state,
        "overdue": bool(r.is_overdue),
        "sent_back_reason": r.sent_back_reason,
        "signed_off_at": r.signed_off_at,
        "closed_at": r.closed_at,
        "themes": [tag.theme for tag in r.tags],
        "created_at": r.created_at,
        "updated_at": r.updated_at,
    }


class _RecommendationAPIView(PartnershipScopedAPIView):
    read_roles = READERS
    write_roles = MANAGERS
    model = Recommendation
    serializer_class = RegisteredRecommendationSerializer

    def scoped_queryset(self, partnership: Partnership):
        return selectors.recommendation_register(partnership=partnership)

    def recommendation(self) -> Recommendation:
        return selectors.recommendation_get(
            partnership=self.partnership, recommendation_id=self.kwargs["recommendation_id"]
        )

    def get_object(self) -> Recommendation:
        return self.recommendation()

    def answer(self, pk: int, *, status_code: int = status.HTTP_200_OK) -> Response:
        fresh = selectors.recommendation_get(partnership=self.partnership, recommendation_id=pk)
        return Response(RegisteredRecommendationSerializer(recommendation_data(fresh)).data, status=status_code)


def _filters(request: Request) -> selectors.RegisterFilters:
    params = request.query_params
    errors = {}
    state = params.get("state", "")
    if state and state not in Recommendation.State.values:
        errors["state"] = ["Choose a state of the register."]
    source_kind = params.get("source_kind", "")
    if source_kind and source_kind not in RecommendationSource.values:
        errors["source_kind"] = ["Choose a kind of source."]
    lead_partner = params.get("lead_partner", "")
    if lead_partner and lead_partner not in ("local_authority", "health", "police"):
        errors["lead_partner"] = ["Choose local_authority, health or police."]
    theme = params.get("theme") or None
    if theme is not None:
        try:
            theme = int(theme)
            if theme <= 0 or theme > 2**63 - 1:
                raise ValueError
        except ValueError:
            errors["theme"] = ["Send a theme's id."]
    overdue = params.get("overdue", "").lower()
    if overdue not in ("", "true", "false", "1", "0"):
        errors["overdue"] = ["Send true or false."]
    if errors:
        raise ValidationError(errors)
    return selectors.RegisterFilters(
        state=state,
        source_kind=source_kind,
        lead_partner=lead_partner,
        theme_id=theme,
        overdue=overdue in ("true", "1"),
    )


class RecommendationListView(_RecommendationAPIView):
    """The register: newest first, filtered like the register page. Business managers draft new ones."""

    @extend_schema(
        tags=["Recommendations"],
        summary="The register of recommendations",
        parameters=_FILTERS,
        responses=_answers({200: RegisteredRecommendationSerializer(many=True), 400: _FIELD_ERRORS}),
    )
    def get(self, request: Request, slug: str) -> Response:
        queryset = selectors.recommendation_register(partnership=self.partnership, filters=_filters(request))
        page = self.paginate_queryset(queryset)
        selectors.sources_load(partnership=self.partnership, recommendations=page)
        return self.get_paginated_response(
            [RegisteredRecommendationSerializer(recommendation_data(r)).data for r in page]
        )

    @extend_schema(
        tags=["Recommendations"],
        summary="Draft a recommendation (business managers)",
        request=RecommendationCreateSerializer,
        responses=_answers({201: RegisteredRecommendationSerializer, 400: _REFUSED}, takes_body=True),
    )
    def post(self, request: Request, slug: str) -> Response:
        serializer = RecommendationCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        recommendation = services.recommendation_create(
            partnership=self.partnership, actor=request.user, theme_ids=data.pop("themes"), **data
        )
        return self.answer(recommendation.pk, status_code=status.HTTP_201_CREATED)


class RecommendationDetailView(_RecommendationAPIView):
    """One recommendation. Business managers revise a draft or a sent-back one (send the updated_at read)."""

    @extend_schema(
        tags=["Recommendations"],
        summary="A recommendation",
        responses=_answers({200: RegisteredRecommendationSerializer}),
    )
    def get(self, request: Request, slug: str, recommendation_id: int) -> Response:
        return Response(RegisteredRecommendationSerializer(recommendation_data(self.recommendation())).data)

    @extend_schema(
        tags=["Recommendations"],
        summary="Revise a draft or sent-back recommendation (business managers)",
        request=RecommendationUpdateSerializer,
        responses=_answers(
            {200: RegisteredRecommendationSerializer, 400: _REFUSED, 409: _conflict("recommendation")}, takes_body=True
        ),
    )
    def patch(self, request: Request, slug: str, recommendation_id: int) -> Response:
        recommendation = self.recommendation()
        serializer = RecommendationUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        expected = expected_version(request, data)
        services.recommendation_update(
            partnership=self.partnership,
            actor=request.user,
            recommendation=recommendation,
            text=data["text"],
            rationale=data["rationale"],
            lead_partner=data["lead_partner"],
            source_description=data.get("source_description"),
            expected_updated_at=expected,
        )
        return self.answer(recommendation.pk)


class RecommendationCloseView(_RecommendationAPIView):
    """Close a draft, sent-back or completed recommendation (business managers)."""

    @extend_schema(
        tags=["Recommendations"],
        summary="Close a recommendation (business managers)",
        request=RecommendationCloseSerializer,
        responses=_answers(
            {200: RegisteredRecommendationSerializer, 400: _REFUSED, 409: _conflict("recommendation")}, takes_body=True
        ),
    )
    def post(self, request: Request, slug: str, recommendation_id: int) -> Response:
        recommendation = self.recommendation()
        serializer = RecommendationCloseSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        expected = expected_version(request, serializer.validated_data)
        services.recommendation_close(
            partnership=self.partnership,
            actor=request.user,
            recommendation=recommendation,
            reason=serializer.validated_data["reason"],
            expected_updated_at=expected,
        )
        return self.answer(recommendation.pk)


class RecommendationThemesView(_RecommendationAPIView):
    """The recommendation's learning themes, set whole (business managers)."""

    @extend_schema(
        tags=["Recommendations"],
        summary="Set a recommendation's learning themes (business managers)",
        request=ThemesInputSerializer,
        responses=_answers(
            {200: RegisteredRecommendationSerializer, 400: _REFUSED, 409: _conflict("recommendation")}, takes_body=True
        ),
    )
    def put(self, request: Request, slug: str, recommendation_id: int) -> Response:
        recommendation = self.recommendation()
        serializer = ThemesInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        expected = expected_version(request, serializer.validated_data)
        services.recommendation_themes_set(
            partnership=self.partnership,
            actor=request.user,
            recommendation=recommendation,
            theme_ids=serializer.validated_data["themes"],
            expected_updated_at=expected,
        )
        return self.answer(recommendation.pk)


# --- Rounds --------------------------------------------------------------------------------------------


class _RoundAPIView(PartnershipScopedAPIView):
    read_roles = READERS
    write_roles = MANAGERS
    model = RecommendationRound
    serializer_class = RoundSerializer

    def scoped_queryset(self, partnership: Partnership):
        return selectors.rounds_of_partnership(partnership=partnership)

    def round_answer(self, round_id: int, *, status_code: int = status.HTTP_200_OK) -> Response:
        round_ = selectors.round_get(partnership=self.partnership, round_id=round_id)
        sign_off = sign_off_for_subject(partnership=self.partnership, subject=round_)
        data = {
            "id": round_.pk,
            "title": round_.title,
            "requested_by": round_.requested_by,
            "created_at": round_.created_at,
            "sign_off_id": sign_off.pk if sign_off else None,
            "sign_off_state": sign_off.state if sign_off else None,
            "recommendations": [
                recommendation_data(r)
                for r in selectors.round_recommendations(partnership=self.partnership, round_=round_)
            ],
        }
        return Response(RoundSerializer(data).data, status=status_code)


class RoundListView(_RoundAPIView):
    """Put draft or sent-back recommendations to the three partners together: one round, one sign-off."""

    @extend_schema(
        tags=["Recommendations"],
        summary="Put recommendations to the partners (business managers)",
        request=RoundCreateSerializer,
        responses=_answers({201: RoundSerializer, 400: _REFUSED}, takes_body=True),
    )
    def post(self, request: Request, slug: str) -> Response:
        serializer = RoundCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        round_ = services.recommendation_round_create(
            partnership=self.partnership,
            actor=request.user,
            recommendation_ids=serializer.validated_data["recommendations"],
            title=serializer.validated_data["title"],
        )
        return self.round_answer(round_.pk, status_code=status.HTTP_201_CREATED)


class RoundDetailView(_RoundAPIView):
    """A round, its recommendations and its sign-off (decide through the sign-off API)."""

    @extend_schema(
        tags=["Recommendations"], summary="A round put to the partners", responses=_answers({200: RoundSerializer})
    )
    def get(self, request: Request, slug: str, round_id: int) -> Response:
        return self.round_answer(round_id)


# --- Learning themes -----------------------------------------------------------------------------------


class _ThemeAPIView(PartnershipScopedAPIView):
    read_roles = READERS
    write_roles = MANAGERS
    model = LearningTheme
    serializer_class = ThemeSerializer

    def scoped_queryset(self, partnership: Partnership):
        return selectors.themes_list(partnership=partnership)

    def theme(self) -> LearningTheme:
        return selectors.theme_get(partnership=self.partnership, theme_id=self.kwargs["theme_id"])

    def get_object(self) -> LearningTheme:
        # DRF's OPTIONS (metadata for PATCH) asks for the object: the same lookup, the same 404.
        return self.theme()

    def counted(self, theme_id: int) -> LearningTheme:
        """The theme with its ``tag_count``, as every answer about a theme carries it."""
        return selectors.themes_list(partnership=self.partnership).get(pk=theme_id)


class ThemeListView(_ThemeAPIView):
    """The partnership's taxonomy, by name, with how many records each tags. Business managers add themes."""

    pagination_class = None

    @extend_schema(
        tags=["Learning themes"], summary="Learning themes", responses=_answers({200: ThemeSerializer(many=True)})
    )
    def get(self, request: Request, slug: str) -> Response:
        return Response(ThemeSerializer(self.get_queryset(), many=True).data)

    @extend_schema(
        tags=["Learning themes"],
        summary="Add a learning theme (business managers)",
        request=ThemeCreateSerializer,
        responses=_answers({201: ThemeSerializer, 400: _FIELD_ERRORS}, takes_body=True),
    )
    def post(self, request: Request, slug: str) -> Response:
        serializer = ThemeCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        theme = theme_services.learning_theme_create(
            partnership=self.partnership, actor=request.user, **serializer.validated_data
        )
        return Response(ThemeSerializer(self.counted(theme.pk)).data, status=status.HTTP_201_CREATED)


class ThemeDetailView(_ThemeAPIView):
    """A theme, and a page (``page``, 25 a page, newest tag first) of everything tagged with it that you may see."""

    @extend_schema(
        tags=["Learning themes"],
        summary="A learning theme and what is tagged with it",
        parameters=[OpenApiParameter("page", int, required=False)],
        responses=_answers({200: ThemeDetailSerializer}),
    )
    def get(self, request: Request, slug: str, theme_id: int) -> Response:
        theme = self.counted(self.theme().pk)
        records = selectors.theme_records_page(
            partnership=self.partnership,
            membership=self.membership,
            theme=theme,
            page_number=request.query_params.get("page"),
        )
        data = {
            **ThemeSerializer(theme).data,
            "count": records.page.paginator.count,
            "tagged": [
                {
                    "kind": label,
                    "title": i.record.title,
                    "url": i.record.url,
                    "on": i.record.on,
                    "state": i.record.state_label,
                }
                for label, items in records.groups
                for i in items
            ],
        }
        return Response(ThemeDetailSerializer(data).data)

    @extend_schema(
        tags=["Learning themes"],
        summary="Rename, describe, retire or reinstate a theme (business managers)",
        request=ThemeUpdateSerializer,
        responses=_answers({200: ThemeSerializer, 400: _FIELD_ERRORS, 409: _conflict("theme")}, takes_body=True),
    )
    def patch(self, request: Request, slug: str, theme_id: int) -> Response:
        theme = self.theme()
        serializer = ThemeUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        expected = expected_version(request, data)
        theme_services.learning_theme_update(
            partnership=self.partnership,
            actor=request.user,
            theme=theme,
            name=data["name"],
            description=data["description"],
            is_active=data["is_active"],
            expected_updated_at=expected,
        )
        return Response(ThemeSerializer(self.counted(theme.pk)).data)


class ThemeRetireView(_ThemeAPIView):
    """Retire a theme: its tags stay, nothing new is tagged with it."""

    @extend_schema(
        tags=["Learning themes"],
        summary="Retire a learning theme (business managers)",
        request=RecommendationVersionSerializer,
        responses=_answers({200: ThemeSerializer, 400: _FIELD_ERRORS, 409: _conflict("theme")}, takes_body=True),
    )
    def post(self, request: Request, slug: str, theme_id: int) -> Response:
        theme = self.theme()
        serializer = RecommendationVersionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        expected = expected_version(request, serializer.validated_data)
        theme_services.learning_theme_retire(
            partnership=self.partnership, actor=request.user, theme=theme, expected_updated_at=expected
        )
        return Response(ThemeSerializer(self.counted(theme.pk)).data)


# --- Dissemination records -----------------------------------------------------------------------------


def dissemination_data(d: Dissemination) -> dict:
    kind = learning_record_kind_for_model(d.source_type.model_class()) if d.source_type_id else None
    return {
        "id": d.pk,
        "recommendation_id": d.recommendation_id,
        "record_key": kind.key if kind else "",
        "record_id": d.source_id,
        "kind": d.kind,
        "title": d.title,
        "on": d.on,
        "audience": d.audience,
        "reach": d.reach,
        "link": d.link,
        "files": getattr(d, "files", []),
    }


class _DisseminationAPIView(PartnershipScopedAPIView):
    read_roles = READERS
    write_roles = MANAGERS
    model = Dissemination
    serializer_class = DisseminationSerializer

    def scoped_queryset(self, partnership: Partnership):
        return selectors.disseminations_of_partnership(partnership=partnership)

    def target(self, data, *, field: str):
        """The recommendation or learning record named, within what the caller sees; else a field error (or 404)."""
        if data.get("recommendation"):
            try:
                return selectors.recommendation_get(
                    partnership=self.partnership, recommendation_id=data["recommendation"]
                ), None
            except Http404:
                raise ValidationError(
                    {"recommendation": ["No recommendation of this partnership has this id."]}
                ) from None
        record = learning_record_get(
            partnership=self.partnership,
            membership=self.membership,
            key=data.get("record_key") or "",
            record_id=data.get("record_id"),
        )
        if record is None:
            raise ValidationError(
                {field: ["Name a recommendation, or a record (record_key and record_id) you may see."]}
            )
        return None, record

    def dissemination(self) -> Dissemination:
        dissemination = selectors.dissemination_get(
            partnership=self.partnership, dissemination_id=self.kwargs["dissemination_id"]
        )
        if not selectors.dissemination_visible_to(
            partnership=self.partnership, membership=self.membership, dissemination=dissemination
        ):
            raise Http404
        return dissemination


class DisseminationListView(_DisseminationAPIView):
    """Dissemination records of a recommendation (``recommendation``) or a record (``record_key``, ``record_id``)."""

    parser_classes = [SizeLimitedJSONParser, MultiPartParser]
    pagination_class = None

    @extend_schema(
        tags=["Dissemination"],
        summary="Dissemination records of a recommendation or a review",
        parameters=[DisseminationQuerySerializer],
        responses=_answers({200: DisseminationSerializer(many=True), 400: _FIELD_ERRORS}),
    )
    def get(self, request: Request, slug: str) -> Response:
        query = DisseminationQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        recommendation, record = self.target(query.validated_data, field="non_field_errors")
        rows = selectors.disseminations_of(partnership=self.partnership, recommendation=recommendation, source=record)
        return Response(DisseminationSerializer([dissemination_data(d) for d in rows], many=True).data)

    @extend_schema(
        tags=["Dissemination"],
        summary="Record how learning was shared (business managers): JSON, or multipart with a file",
        request={
            "multipart/form-data": DisseminationCreateSerializer,
            "application/json": DisseminationCreateSerializer,
        },
        responses=_answers({201: DisseminationSerializer, 400: _FIELD_ERRORS}, takes_body=True),
    )
    def post(self, request: Request, slug: str) -> Response:
        serializer = DisseminationCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        recommendation, record = self.target(data, field="record_id")
        dissemination = dissemination_services.dissemination_create(
            partnership=self.partnership,
            actor=request.user,
            kind=data["kind"],
            title=data["title"],
            on=data["on"],
            audience=data["audience"],
            reach=data["reach"],
            link=data["link"],
            upload=data["file"],
            recommendation=recommendation,
            source=record,
        )
        dissemination = selectors._with_files(self.partnership, [dissemination])[0]
        return Response(DisseminationSerializer(dissemination_data(dissemination)).data, status=status.HTTP_201_CREATED)


class DisseminationDetailView(_DisseminationAPIView):
    """One dissemination record; business managers remove one recorded in error."""

    @extend_schema(
        tags=["Dissemination"], summary="A dissemination record", responses=_answers({200: DisseminationSerializer})
    )
    def get(self, request: Request, slug: str, dissemination_id: int) -> Response:
        dissemination = selectors._with_files(self.partnership, [self.dissemination()])[0]
        return Response(DisseminationSerializer(dissemination_data(dissemination)).data)

    @extend_schema(
        tags=["Dissemination"],
        summary="Remove a dissemination record (business managers)",
        responses=_answers({204: None}),
    )
    def delete(self, request: Request, slug: str, dissemination_id: int) -> Response:
        dissemination_services.dissemination_delete(
            partnership=self.partnership, actor=request.user, dissemination=self.dissemination()
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class DisseminationFileView(_DisseminationAPIView):
    """The record's attached file, as a download (never displayed inline)."""

    @extend_schema(
        tags=["Dissemination"],
        summary="Download a dissemination record's file",
        responses=_answers({(200, "application/octet-stream"): OpenApiResponse(description="The file.")}),
    )
    def get(self, request: Request, slug: str, dissemination_id: int):
        files = selectors.dissemination_files(partnership=self.partnership, dissemination=self.dissemination())
        if not files:
            raise Http404
        return stored_file_response(files[0])
