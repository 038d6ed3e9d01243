"""The pages the benchmark measures. To add one, append a ``Page`` to ``PAGES``.

Each entry has a short key (for ``--pages``), a label for the table, and a
function that builds the URL from the ``BenchWorld`` (the large partnership's
slug, a search term...). Use ``url("namespace:name", query="a=b")`` for pages
under /p/<slug>/ or the API; the slug is filled in for you.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from django.urls import reverse

if TYPE_CHECKING:  # importable before Django is set up, so run.py can check --pages first
    from tests.benchmarks.volume import BenchWorld

TRIVIAL_KEY = "trivial"


@dataclass(frozen=True)
class Page:
    key: str
    label: str
    build_url: Callable[[BenchWorld], str]


def url(name: str, *, query: str = "", slug: bool = True) -> Callable[[BenchWorld], str]:
    """A URL builder for a named route; raises NoReverseMatch (reported, not fatal) if the route is missing."""

    def build(world: BenchWorld) -> str:
        path = reverse(name, kwargs={"slug": world.slug} if slug else None)
        return f"{path}?{query}" if query else path

    return build


def review_url(name: str, *, query: str = "") -> Callable[[BenchWorld], str]:
    """A URL builder for a route of one rapid review: the large partnership's review awaiting sign-off."""

    def build(world: BenchWorld) -> str:
        if world.rapid_review_id is None:
            raise LookupError("no rapid review awaiting sign-off was seeded")
        path = reverse(name, kwargs={"slug": world.slug, "rapid_review_id": world.rapid_review_id})
        return f"{path}?{query}" if query else path

    return build


def audit_url(name: str, kwarg: str) -> Callable[[BenchWorld], str]:
    """A URL builder for the large partnership's newest case audit round or one of its returns (volume_audits.py)."""

    def build(world: BenchWorld) -> str:
        value = getattr(world, kwarg)
        if value is None:
            raise LookupError("no case audit was seeded")
        return reverse(name, kwargs={"slug": world.slug, kwarg: value})

    return build


def plan_url(name: str) -> Callable[[BenchWorld], str]:
    """A URL builder for the large partnership's biggest plan in progress (volume_plans.py)."""

    def build(world: BenchWorld) -> str:
        if world.plan_recommendation_id is None:
            raise LookupError("no recommendation in progress was seeded")
        return reverse(name, kwargs={"slug": world.slug, "recommendation_id": world.plan_recommendation_id})

    return build


def sa_url(name: str, *kwargs: str, query: str = "", draft: bool = False) -> Callable[[BenchWorld], str]:
    """A URL builder for the large partnership's newest s175 cycle, or a return or a standard of it
    (volume_self_assessment.py): ``kwargs`` name the route's arguments, each read from the world's ``sa_...``;
    ``draft``: the draft return the business manager may answer, instead of the moderated one."""
    fields = {
        "cycle_id": "sa_cycle_id",
        "return_id": "sa_draft_return_id" if draft else "sa_return_id",
        "standard_id": "sa_standard_id",
    }

    def build(world: BenchWorld) -> str:
        values = {kwarg: getattr(world, fields[kwarg]) for kwarg in kwargs}
        if None in values.values():
            raise LookupError("no self-assessment was seeded")
        path = reverse(name, kwargs={"slug": world.slug, **values})
        return f"{path}?{query}" if query else path

    return build


def hub_url(name: str) -> Callable[[BenchWorld], str]:
    """A URL builder for the large partnership's newest learning hub cycle (volume_hub.py)."""

    def build(world: BenchWorld) -> str:
        if world.hub_cycle_id is None:
            raise LookupError("no learning hub cycle was seeded")
        return reverse(name, kwargs={"slug": world.slug, "hub_cycle_id": world.hub_cycle_id})

    return build


def hub_survey_url(name: str) -> Callable[[BenchWorld], str]:
    """A URL builder for the newest learning hub cycle's survey of 200 responses (volume_hub.py)."""

    def build(world: BenchWorld) -> str:
        if world.hub_survey_id is None:
            raise LookupError("no learning hub survey was seeded")
        kwargs = {"slug": world.slug, "hub_cycle_id": world.hub_cycle_id, "feedback_survey_id": world.hub_survey_id}
        return reverse(name, kwargs=kwargs)

    return build


def hub_compare_url(name: str) -> Callable[[BenchWorld], str]:
    """A URL builder for the newest cycle's delivery plan, its first and last saved versions compared."""

    def build(world: BenchWorld) -> str:
        if world.hub_plan_first_version_id is None:
            raise LookupError("no learning hub plan version was seeded")
        path = reverse(name, kwargs={"slug": world.slug, "hub_cycle_id": world.hub_cycle_id})
        return f"{path}?then={world.hub_plan_first_version_id}&now={world.hub_plan_last_version_id}"

    return build


# The baseline: no database, no template. Every page's time is divided by its median.
TRIVIAL = Page(TRIVIAL_KEY, "trivial view /health/", url("health", slug=False))
# The floor: signed in, partnership resolved, base layout, one query of its own (tests/benchmarks/floor.py).
# Every page's time is also given as a multiple of its median: the bar is 3x.
FLOOR = Page("floor", "floor page (signed in, layout, 1 query)", url("bench_floor"))

PAGES: list[Page] = [
    Page("home", "partnership home", url("partnership:home")),
    Page("agencies", "agency list", url("partnership:agency_list")),
    Page("members", "member list", url("partnership:member_list")),
    Page(
        "members-search", "member list, search", lambda w: url("partnership:member_list", query=f"q={w.search_term}")(w)
    ),
    Page("settings", "settings", url("partnership:settings")),
    Page("tasks", "my tasks (deadlines)", url("partnership:my_tasks")),
    Page(
        "working-days",
        "working days, 15 from a date",
        url("partnership:working_days", query="start=2026-12-21&days=15"),
    ),
    Page("api-agencies", "API agencies list", url("api:agency_list")),
    Page("api-members", "API members list", url("api:member_list")),
    # Rapid reviews (600 in the large partnership; see volume_reviews.py).
    Page("reviews", "rapid review list", url("reviews:rapid_review_list")),
    Page("reviews-overdue", "rapid reviews, overdue only", url("reviews:rapid_review_list", query="overdue=1")),
    Page(
        "reviews-sent",
        "rapid reviews, sent to the Panel",
        url("reviews:rapid_review_list", query="state=sent_to_panel"),
    ),
    Page("reviews-page-10", "rapid review list, page 10", url("reviews:rapid_review_list", query="page=10")),
    Page("review", "rapid review detail", review_url("reviews:rapid_review_detail")),
    Page("review-requests", "request tracker", review_url("reviews:request_tracker")),
    Page("review-decision", "rapid review decision", review_url("reviews:rapid_review_decision")),
    Page("timeliness", "rapid review timeliness", url("reviews:timeliness")),
    Page("timeliness-all", "timeliness, every year", url("reviews:timeliness", query="year=")),
    Page("learning-reviews", "learning review list", url("reviews:learning_review_list")),
    Page("api-reviews", "API rapid review list", url("reviews_api:rapid_review_list")),
    Page("api-review", "API rapid review detail", review_url("reviews_api:rapid_review_detail")),
    # Recommendations and action plans: ten years of them in the large partnership (volume_plans.py). The
    # register is part A's page (partnership:recommendation_list): until it is merged the row says it is missing.
    Page("register", "recommendation register", url("partnership:recommendation_register")),
    Page("register-overdue", "register, overdue only", url("partnership:recommendation_register", query="overdue=1")),
    Page("action-plan", "action plan (largest in progress)", plan_url("partnership:action_plan_detail")),
    Page("api-action-plan", "API action plan", plan_url("api:action_plan")),
    Page("api-actions-overdue", "API actions, overdue", url("api:action_list", query="overdue=true")),
    Page("progress-reports", "progress reports list", url("partnership:progress_report_list")),
    # Case audits: ten years of rounds in the large partnership (volume_audits.py).
    Page("audit-rounds", "case audit list", url("audits:round_list")),
    Page("audit-round", "case audit round (newest)", audit_url("audits:round_detail", "audit_round_id")),
    Page("audit-findings", "case audit findings", audit_url("audits:round_findings", "audit_round_id")),
    Page("audit-return", "case audit return (moderated)", audit_url("audits:return_detail", "audit_return_id")),
    Page("api-audit-round", "API case audit round", audit_url("audits_api:round_detail", "audit_round_id")),
    Page("api-audit-return", "API case audit return", audit_url("audits_api:return", "audit_return_id")),
    # Section 11 and s175 self-assessments: ten years of both over 535 schools and the agencies
    # (volume_self_assessment.py), measured on the newest s175 cycle (535 returns, 5,885 standards).
    Page("sa-cycles", "self-assessment cycle list", url("audits:cycle_list")),
    Page("sa-cycle", "s175 cycle (newest), first page", sa_url("audits:cycle_detail", "cycle_id")),
    Page("sa-matrix", "compliance matrix, first page", sa_url("audits:cycle_matrix", "cycle_id")),
    Page(
        "sa-matrix-filtered",
        "compliance matrix, filtered",
        sa_url("audits:cycle_matrix", "cycle_id", query="standard=online-safety&at_most=1&basis=self"),
    ),
    Page("sa-matrix-page-5", "compliance matrix, page 5", sa_url("audits:cycle_matrix", "cycle_id", query="page=5")),
    Page("api-sa-matrix", "API compliance matrix", sa_url("audits_api:cycle_matrix", "cycle_id")),
    Page("sa-return", "school return (moderated)", sa_url("audits:sa_return_detail", "return_id")),
    Page(
        "sa-return-draft",
        "school return, draft with its form",
        sa_url("audits:sa_return_detail", "return_id", draft=True),
    ),
    Page("sa-standard", "standard of a return", sa_url("audits:standard_detail", "return_id", "standard_id")),
    Page("sa-my-returns", "my returns (30 schools' given)", url("audits:sa_my_returns")),
    Page("api-sa-return", "API school return", sa_url("audits_api:sa_return_detail", "return_id")),
    Page("api-sa-my-returns", "API my returns", url("audits_api:sa_my_returns")),
    # The learning hub: 30 cycles over ten years in the large partnership (volume_hub.py), measured on the newest.
    Page("hub-cycles", "learning hub cycle list", url("learninghub:cycle_list")),
    Page("hub-cycle", "learning hub cycle (in month 3)", hub_url("learninghub:cycle_detail")),
    Page(
        "api-hub-cycle",
        "API learning hub cycle",
        lambda w: reverse("learninghub_api:cycle_detail", kwargs={"slug": w.slug, "hub_cycle_id": w.hub_cycle_id}),
    ),
    # The newest cycle's month-by-month work at a national volume (volume_hub.py: a plan of 12 figures over 8
    # periods and 3 versions, 10 sessions of 20, 25 nominations, a survey of 200 responses, 30 findings, 10 drafts).
    Page("hub-plan", "hub delivery plan (96 figures)", hub_url("learninghub:plan_detail")),
    Page("hub-plan-compare", "hub delivery plan, first and last versions", hub_compare_url("learninghub:plan_compare")),
    Page("hub-findings", "hub findings (30, 10 drafts, 2 audits)", hub_url("learninghub:cycle_findings")),
    Page("hub-sessions", "hub sessions (10 of 20 members)", hub_url("learninghub:session_list")),
    Page("hub-members", "hub members (25 nominations)", hub_url("learninghub:cycle_members")),
    Page("hub-feedback", "hub feedback", hub_url("learninghub:feedback")),
    Page("hub-survey-results", "hub survey results (200 responses)", hub_survey_url("learninghub:survey_results")),
    Page("api-hub-plan", "API hub delivery plan", hub_url("learninghub_api:plan")),
    Page("api-hub-plan-compare", "API hub plan compare", hub_compare_url("learninghub_api:plan_compare")),
    Page("api-hub-findings", "API hub findings", hub_url("learninghub_api:findings")),
    Page("api-hub-sessions", "API hub sessions", hub_url("learninghub_api:session_list")),
    Page("api-hub-members", "API hub members", hub_url("learninghub_api:cycle_members")),
    Page(
        "api-hub-survey-results",
        "API hub survey results",
        hub_survey_url("learninghub_api:survey_results"),
    ),
    # Scrutiny: the dashboard over the large partnership's rapid reviews, recommendations and actions.
    Page("scrutiny", "scrutiny dashboard (newest year)", url("scrutiny:dashboard")),
    Page("scrutiny-all", "scrutiny dashboard, every year", url("scrutiny:dashboard", query="year=")),
    Page(
        "scrutiny-chart",
        "scrutiny chart, timeliness every year (SVG)",
        lambda w: reverse("scrutiny:panel_chart", kwargs={"slug": w.slug, "panel": "timeliness"}) + "?year=",
    ),
    Page("api-scrutiny", "API scrutiny dashboard", url("scrutiny_api:dashboard")),
    # The whole history (ten years) in every panel, one agency's, and a figure's records.
    Page("scrutiny-dashboard", "scrutiny dashboard, ten years", url("scrutiny:dashboard", query="period=all")),
    Page(
        "scrutiny-agency",
        "scrutiny dashboard, ten years, one agency",
        lambda w: reverse("scrutiny:dashboard", kwargs={"slug": w.slug}) + f"?period=all&agency={w.scrutiny_agency_id}",
    ),
    Page(
        "scrutiny-records",
        "scrutiny figure's records: LCSPRs decided, every year",
        lambda w: (
            reverse("scrutiny:panel_records", kwargs={"slug": w.slug, "panel": "decisions"})
            + f"?period=all&row={date.today().year - 1}&column=lcspr"
        ),
    ),
    Page(
        "api-scrutiny-dashboard", "API scrutiny dashboard, ten years", url("scrutiny_api:dashboard", query="period=all")
    ),
]
