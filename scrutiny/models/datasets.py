"""Quarterly data sets (issue 17, item 3): the indicators a partnership watches and their figures by quarter.

Seed 002's partnerships keep a Part A data set of multi-agency indicators (national and local measures of the
business plan's priorities) and a Part B data set by theme (domestic violence and abuse, child sexual
exploitation...). Every agency provides its figures each quarter with its own analysis of them, and the
partnership's scrutiny reads the trends against the thresholds it set.

A quarter is held as its first day (1 April 2025 is 2025-26 Q1: the partnerships count financial years), so
quarters sort and compare as dates; a check constraint keeps any other day out. A figure belongs to one agency, or
to the whole partnership when ``agency`` is empty.

Every row moves ``updated_at`` when it changes: an edit from an out-of-date page or API read is refused (the
kernel's ``_version_check``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from partnership.models import Agency, Partnership, TenantModel

QUARTER_FIRST_DAY = Q(quarter__day=1, quarter__month__in=[1, 4, 7, 10])


class Indicator(TenantModel):
    """One measure of a partnership's data set: what it counts, in what unit, which way is better, and when a
    figure is a concern (amber) or a serious one (red)."""

    class Part(models.TextChoices):
        A = "A", "Part A: multi-agency"
        B = "B", "Part B: themed"

    class Direction(models.TextChoices):
        UP = "up", "Higher is better"
        DOWN = "down", "Lower is better"

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="+")
    part = models.CharField(max_length=1, choices=Part.choices)
    theme = models.CharField(max_length=100, blank=True, default="", help_text="Part B only: the theme under review.")
    name = models.CharField(max_length=200)
    definition = models.TextField(max_length=2000, blank=True, default="")
    unit = models.CharField(max_length=40, blank=True, default="")
    good_direction = models.CharField(max_length=4, choices=Direction.choices)
    # A figure worse than ``amber_threshold`` is amber, worse than ``red_threshold`` red ("worse" by the good
    # direction); either may be left out.
    amber_threshold = models.DecimalField(max_digits=18, decimal_places=4, null=True, blank=True)
    red_threshold = models.DecimalField(max_digits=18, decimal_places=4, null=True, blank=True)
    active = models.BooleanField(default=True)
    order = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["part", "theme", "order", "name", "id"]
        verbose_name = "data set indicator"
        constraints = [
            models.UniqueConstraint(fields=["partnership", "name"], name="indicator_name_once_per_partnership"),
            models.CheckConstraint(condition=Q(part="B") | Q(theme=""), name="indicator_theme_only_in_part_b"),
            models.CheckConstraint(condition=Q(part="A") | ~Q(theme=""), name="indicator_part_b_has_theme"),
        ]

    def __str__(self) -> str:
        return self.name[:200]


class IndicatorValue(TenantModel):
    """One figure: an indicator's value for one quarter, for one agency or (``agency`` empty) the partnership."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="+")
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="values")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    quarter = models.DateField(help_text="The quarter's first day.")
    value = models.DecimalField(max_digits=18, decimal_places=4)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    entered_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["quarter", "indicator_id", "agency_id"]
        verbose_name = "data set figure"
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "agency", "quarter"],
                condition=Q(agency__isnull=False),
                name="indicator_value_once_per_agency_quarter",
            ),
            models.UniqueConstraint(
                fields=["indicator", "quarter"],
                condition=Q(agency__isnull=True),
                name="indicator_value_once_per_partnership_quarter",
            ),
            models.CheckConstraint(condition=QUARTER_FIRST_DAY, name="indicator_value_quarter_first_day"),
        ]
        indexes = [models.Index(fields=["partnership", "quarter"], name="indicator_value_quarter")]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.quarter:%Y-%m}"


class AgencyAnalysis(TenantModel):
    """An agency's own reading of its figures for one quarter: patterns, trends, what it is doing about them."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="+")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    quarter = models.DateField(help_text="The quarter's first day.")
    text = models.TextField(max_length=10000)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["quarter", "agency__name"]
        verbose_name = "agency analysis"
        verbose_name_plural = "agency analyses"
        constraints = [
            models.UniqueConstraint(fields=["agency", "quarter"], name="agency_analysis_once_per_quarter"),
            models.CheckConstraint(condition=QUARTER_FIRST_DAY, name="agency_analysis_quarter_first_day"),
        ]

    def __str__(self) -> str:
        return f"Analysis {self.agency_id} {self.quarter:%Y-%m}"
