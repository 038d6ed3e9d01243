"""API of the scrutiny dashboard: the same panels and figures as the page, each figure with the page that lists the
records it counts. Read by the business managers, the statutory partners' leads and the independent scrutineer;
another partnership's dashboard is a 404."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from partnership.api.base import PartnershipScopedAPIView
from partnership.api.views import _FIELD_ERRORS, _answers
from scrutiny.selectors.dashboard import SCRUTINY_READER_ROLES, dashboard_years, scrutiny_dashboard

TAG = "Scrutiny"


class DashboardQuerySerializer(serializers.Serializer):
    year = serializers.IntegerField(
        required=False,
        min_value=1900,
        max_value=9999,
        help_text="The year of Panel notification the timeliness figures count; every year when left out.",
    )


class FigureSerializer(serializers.Serializer):
    value = serializers.IntegerField()
    url = serializers.CharField(help_text="The page listing exactly the records counted; empty for a zero.")


class PanelRowSerializer(serializers.Serializer):
    label = serializers.CharField()
    figures = FigureSerializer(many=True, help_text="One per column, in the order of the panel's columns.")


class PanelSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    description = serializers.CharField(help_text="What the chart shows, in words (its figures included).")
    explanation = serializers.CharField()
    columns = serializers.ListField(child=serializers.CharField(), help_text="The row heading, then each figure's.")
    rows = PanelRowSerializer(many=True)


class DashboardSerializer(serializers.Serializer):
    year = serializers.IntegerField(allow_null=True)
    years = serializers.ListField(child=serializers.IntegerField(), help_text="Years with a rapid review notified.")
    as_of = serializers.DateField()
    panels = PanelSerializer(many=True)


@extend_schema(tags=[TAG])
class DashboardView(PartnershipScopedAPIView):
    """The scrutiny dashboard's panels: rapid review timeliness, recommendations by state, overdue actions."""

    serializer_class = DashboardSerializer
    read_roles = SCRUTINY_READER_ROLES
    pagination_class = None

    @extend_schema(
        summary="The scrutiny dashboard (business managers, partner leads, scrutineer)",
        parameters=[DashboardQuerySerializer],
        responses=_answers({200: DashboardSerializer, 400: _FIELD_ERRORS}),
    )
    def get(self, request: Request, slug: str) -> Response:
        query = DashboardQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        dashboard = scrutiny_dashboard(
            partnership=self.partnership,
            membership=self.membership,
            today=timezone.localdate(),
            year=query.validated_data.get("year"),
            years=dashboard_years(partnership=self.partnership),
        )
        data = {
            "year": dashboard.year,
            "years": dashboard.years,
            "as_of": dashboard.today,
            "panels": [
                {
                    "key": panel.key,
                    "title": panel.chart.title,
                    "description": panel.chart.description,
                    "explanation": panel.explanation,
                    "columns": list(panel.column_headings),
                    "rows": [
                        {"label": label, "figures": [{"value": f.value, "url": f.url} for f in figures]}
                        for label, figures in panel.rows
                    ],
                }
                for panel in dashboard.panels
            ],
        }
        return Response(DashboardSerializer(data).data)
