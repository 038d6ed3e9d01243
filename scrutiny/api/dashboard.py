"""API of the scrutiny dashboard: the same panels and figures as the page, each figure with the page that lists the
records it counts. Read by the business managers, the statutory partners' leads and the independent scrutineer;
another partnership's dashboard is a 404."""

from __future__ import annotations

from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from partnership.api.base import PartnershipScopedAPIView
from partnership.api.views import _FIELD_ERRORS, _answers
from partnership.figures_cache import figures_cached
from scrutiny.selectors.dashboard import (
    RECORD_PANELS,
    SCRUTINY_READER_ROLES,
    dashboard_choices,
    dashboard_reader_key,
    figure_records,
    scrutiny_dashboard_kept,
)
from scrutiny.selectors.period import PERIOD_KINDS, PeriodError, period_resolve

TAG = "Scrutiny"


class DashboardQuerySerializer(serializers.Serializer):
    period = serializers.ChoiceField(
        choices=[kind for kind, _label in PERIOD_KINDS],
        required=False,
        help_text="Every year (``all``), a ``year``, a ``quarter`` of a year, or ``custom`` dates. Without it, "
        "``year`` alone means that year and nothing means every year.",
    )
    year = serializers.IntegerField(
        required=False,
        min_value=1900,
        max_value=9999,
        help_text="The calendar year of the period (``period=year`` or ``quarter``).",
    )
    quarter = serializers.IntegerField(required=False, min_value=1, max_value=4, help_text="1 is January to March.")
    start = serializers.DateField(required=False, help_text="The first day of a custom period.")
    end = serializers.DateField(required=False, help_text="The last day of a custom period (at most ten years on).")
    agency = serializers.IntegerField(
        required=False, min_value=1, max_value=2**63 - 1, help_text="One of the partnership's agencies."
    )
    section_11_cycle = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=2**63 - 1,
        help_text="The Section 11 heat map's cycle (one of the partnership's); without it, the latest opened in the "
        "period.",
    )
    section_175_cycle = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=2**63 - 1,
        help_text="The s175 heat map's cycle (one of the partnership's); without it, the latest opened in the period.",
    )

    def __init__(
        self,
        *args,
        agencies: frozenset[int] | set[int] = frozenset(),
        cycles: dict[str, list[tuple[int, str]]] | None = None,
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.agencies = agencies
        self.cycles = {key: {pk for pk, _title in offered} for key, offered in (cycles or {}).items()}

    def validate_agency(self, value: int) -> int:
        # Another partnership's agency is refused as a missing one is.
        if value not in self.agencies:
            raise serializers.ValidationError("No such agency in this partnership.")
        return value

    def _cycle(self, key: str, value: int) -> int:
        # Another partnership's cycle, or one of the other kind, is refused as a missing one is.
        if value not in self.cycles.get(key, set()):
            raise serializers.ValidationError("No such cycle of this kind in this partnership.")
        return value

    def validate_section_11_cycle(self, value: int) -> int:
        return self._cycle("section_11", value)

    def validate_section_175_cycle(self, value: int) -> int:
        return self._cycle("section_175", value)

    def chosen_cycles(self) -> dict[str, int]:
        """The cycle chosen for each heat map ({panel key: cycle id})."""
        return {
            key: self.validated_data[f"{key}_cycle"] for key in self.cycles if f"{key}_cycle" in self.validated_data
        }

    def validate(self, attrs: dict) -> dict:
        kind = attrs.get("period") or ("year" if "year" in attrs else "all")
        try:
            attrs["resolved"] = period_resolve(
                kind=kind,
                year=attrs.get("year"),
                quarter=attrs.get("quarter"),
                start=attrs.get("start"),
                end=attrs.get("end"),
            )
        except PeriodError as error:
            raise serializers.ValidationError({field: [message] for field, message in error.errors.items()}) from error
        return attrs


class FigureSerializer(serializers.Serializer):
    value = serializers.IntegerField(
        allow_null=True,
        help_text="A count; in a compliance heat map, the score that counts (moderated, else self), null unscored.",
    )
    url = serializers.CharField(help_text="The page listing exactly the records counted; empty for a zero.")
    text = serializers.CharField(
        help_text="A compliance heat map cell's scores in words ('Self 2, moderated 1'); empty elsewhere."
    )


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
    rows_total = serializers.IntegerField(
        allow_null=True,
        help_text="A compliance heat map shows its 25 weakest rows (most standards scored below 2, then the lowest "
        "total): how many rows it has in all; null when every row is shown. The panel's CSV has them all.",
    )
    matrix_url = serializers.CharField(
        help_text="A compliance heat map's cycle: the page of its compliance matrix, every row; empty elsewhere."
    )


class PeriodSerializer(serializers.Serializer):
    kind = serializers.CharField()
    start = serializers.DateField(allow_null=True)
    end = serializers.DateField(allow_null=True)
    label = serializers.CharField(
        help_text="How the titles name the period: 'in 2025', 'in 2025 Q1', 'from ... to ...'."
    )


class DashboardSerializer(serializers.Serializer):
    year = serializers.IntegerField(allow_null=True, help_text="The year, when the period is one calendar year.")
    period = PeriodSerializer()
    agency = serializers.IntegerField(allow_null=True)
    section_11_cycle = serializers.IntegerField(
        allow_null=True, help_text="The Section 11 cycle chosen; null: the latest opened in the period."
    )
    section_175_cycle = serializers.IntegerField(
        allow_null=True, help_text="The s175 cycle chosen; null: the latest opened in the period."
    )
    years = serializers.ListField(child=serializers.IntegerField(), help_text="Years with a rapid review notified.")
    as_of = serializers.DateField()
    panels = PanelSerializer(many=True)


def _query(serializer_class, partnership, request: Request):
    """The query checked against the partnership's agencies and cycles: a 400 on the field for any other."""
    choices = dashboard_choices(partnership=partnership)
    agencies = {pk for pk, _name in choices.agencies}
    query = serializer_class(data=request.query_params, agencies=agencies, cycles=choices.cycles)
    query.is_valid(raise_exception=True)
    return query


@extend_schema(tags=[TAG])
class DashboardView(PartnershipScopedAPIView):
    """The scrutiny dashboard's panels: notification and rapid review timeliness, rapid review decisions, learning
    reviews, recommendations by state, overdue actions, audit grades, themes and the Section 11 and s175 compliance
    heat maps; for a period and an agency."""

    serializer_class = DashboardSerializer
    read_roles = SCRUTINY_READER_ROLES
    pagination_class = None

    @extend_schema(
        summary="The scrutiny dashboard (business managers, partner leads, scrutineer)",
        parameters=[DashboardQuerySerializer],
        responses=_answers({200: DashboardSerializer, 400: _FIELD_ERRORS}),
    )
    def get(self, request: Request, slug: str) -> Response:
        query = _query(DashboardQuerySerializer, self.partnership, request)
        arguments = {
            "today": timezone.localdate(),
            "years": dashboard_choices(partnership=self.partnership).years,
            "period": query.validated_data["resolved"],
            "agency_id": query.validated_data.get("agency"),
            "cycles": query.chosen_cycles(),
        }

        def answer() -> dict:
            dashboard = scrutiny_dashboard_kept(partnership=self.partnership, membership=self.membership, **arguments)
            return _dashboard_answer(dashboard)

        # The answer as the serializer writes it, kept like the dashboard it is written from (same filters, reader,
        # day, records): writing some thousand figures field by field was most of a kept dashboard's request, and
        # its garbage the request's occasional slow one.
        kept = figures_cached(
            partnership_id=self.partnership.pk,
            parts=(
                "scrutiny dashboard API",
                dashboard_reader_key(self.membership),
                sorted((name, repr(value)) for name, value in arguments.items()),
            ),
            compute=answer,
        )
        return Response(kept)


def _dashboard_answer(dashboard) -> dict:
    """The dashboard as the API answers it: ``DashboardSerializer``'s output, a plain dict."""
    period = dashboard.period
    data = {
        "year": dashboard.year,
        "period": {"kind": period.kind, "start": period.start, "end": period.end, "label": period.label},
        "agency": dashboard.agency_id,
        "section_11_cycle": dashboard.cycles.get("section_11"),
        "section_175_cycle": dashboard.cycles.get("section_175"),
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
                    {"label": label, "figures": [{"value": f.value, "url": f.url, "text": f.text} for f in figures]}
                    for label, figures in panel.rows
                ],
                "rows_total": panel.rows_total,
                "matrix_url": panel.matrix_url,
            }
            for panel in dashboard.panels
        ],
    }
    return dict(DashboardSerializer(data).data)


class FigureQuerySerializer(DashboardQuerySerializer):
    row = serializers.CharField(
        max_length=40, help_text="The figure's row, as its link names it (2025-1, 2025, desktop, in_progress)."
    )
    column = serializers.CharField(
        max_length=40, help_text="The figure's column, as its link names it (late, lcspr, 3_to_6)."
    )


class FigureRecordSerializer(serializers.Serializer):
    """One record behind a figure: a rapid review (by its incident's reference), a learning review, an audit return
    (by its round) or a recommendation. No child."""

    kind = serializers.ChoiceField(choices=["rapid_review", "learning_review", "audit_return", "recommendation"])
    id = serializers.IntegerField()
    reference = serializers.CharField()
    on = serializers.DateField(
        help_text="Rapid reviews: the Panel notified. Learning reviews: the day opened. Audit returns: the round due. "
        "Recommendations: the day agreed (signed off)."
    )
    stage = serializers.CharField()
    detail = serializers.CharField(
        help_text="Rapid reviews: the referring agency and decision. Learning reviews: the methodology. "
        "Audit returns: the agency. Recommendations: the lead statutory partner."
    )


def _record_row(kind: str, record) -> dict:
    if kind == "recommendation":
        return {
            "kind": kind,
            "id": record.pk,
            "reference": record.reference,
            "on": timezone.localtime(record.signed_off_at).date(),
            "stage": record.get_state_display(),
            "detail": record.get_lead_partner_display(),
        }
    if kind == "audit_return":
        # The round's title, never the case's reference (a case number can point to a child).
        return {
            "kind": kind,
            "id": record.pk,
            "reference": record.case.round.title,
            "on": record.case.round.due_on,
            "stage": record.get_state_display(),
            "detail": record.agency.name,
        }
    if kind == "rapid_review":
        decision = getattr(record, "decision", None)
        return {
            "kind": kind,
            "id": record.pk,
            "reference": record.incident.reference,
            "on": record.incident.panel_notified_on,
            "stage": record.get_state_display(),
            "detail": f"{record.incident.referring_agency.name}; "
            + (decision.get_outcome_display() if decision else "not yet decided"),
        }
    return {
        "kind": kind,
        "id": record.pk,
        "reference": record.reference,
        "on": timezone.localtime(record.created_at).date(),
        "stage": record.get_state_display(),
        "detail": record.get_methodology_display(),
    }


@extend_schema(tags=[TAG])
class FigureRecordsView(PartnershipScopedAPIView):
    """The records one dashboard figure counts (a figure's ``url`` on the page), through the filter its count used."""

    serializer_class = FigureRecordSerializer
    read_roles = SCRUTINY_READER_ROLES

    @extend_schema(
        summary="The records behind one scrutiny dashboard figure",
        parameters=[FigureQuerySerializer],
        responses=_answers({200: FigureRecordSerializer(many=True), 400: _FIELD_ERRORS}),
    )
    def get(self, request: Request, slug: str, panel: str) -> Response:
        if panel not in RECORD_PANELS:
            raise Http404("No such figure.")
        query = _query(FigureQuerySerializer, self.partnership, request)
        try:
            figure = figure_records(
                partnership=self.partnership,
                today=timezone.localdate(),
                panel=panel,
                row=query.validated_data["row"],
                column=query.validated_data["column"],
                period=query.validated_data["resolved"],
                agency_id=query.validated_data.get("agency"),
            )
        except ValueError as error:
            raise serializers.ValidationError({"row": [str(error)], "column": [str(error)]}) from error
        page = self.paginate_queryset(figure.records)
        return self.get_paginated_response(
            FigureRecordSerializer([_record_row(figure.kind, r) for r in page], many=True).data
        )
