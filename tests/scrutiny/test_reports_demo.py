"""The demo's scrutiny reports: a published annual report and a draft quarterly one in each demo partnership, with
the agencies' annual reports asked for, received or chased; made once."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from partnership.demo import demo_seed
from partnership.models import Deadline
from scrutiny.demo import DemoPeopleMissingError, demo_scrutiny_seed
from scrutiny.models import AgencyAnnualReport, ScrutinyReport
from scrutiny.report_sections import report_sections_for
from scrutiny.selectors.reports import report_scope

pytestmark = pytest.mark.django_db


def test_without_the_demo_people_it_says_what_to_run_first():
    with pytest.raises(DemoPeopleMissingError, match="seed_demo"):
        demo_scrutiny_seed()


def test_reports_in_both_partnerships_once():
    demo_seed()
    call_command("seed_demo_scrutiny")
    counts = (ScrutinyReport.objects.count(), AgencyAnnualReport.objects.count())
    demo_scrutiny_seed()
    assert (ScrutinyReport.objects.count(), AgencyAnnualReport.objects.count()) == counts
    for slug in ("ashby-scp", "wessex-scp"):
        reports = ScrutinyReport.objects.filter(partnership__slug=slug)
        annual = reports.get(kind="annual")
        assert annual.state == ScrutinyReport.State.PUBLISHED
        assert reports.get(kind="quarterly").state == ScrutinyReport.State.DRAFT
        rows = AgencyAnnualReport.objects.filter(partnership__slug=slug)
        assert rows.filter(received_on__isnull=False).exclude(summary="").count() == 2
        assert rows.filter(received_on__isnull=True).count() == 2
        keys = [s.key for s in report_sections_for(report_scope(annual))]
        assert {"narrative_introduction", "agency_reports", "narrative_further", "narrative_conclusions"} <= set(keys)
    assert Deadline.objects.filter(kind=AgencyAnnualReport.DEADLINE_KIND, state="open").count() == 4
