"""The board's progress report: one read of the figures feeds the PDF and the DOCX, both read back and checked."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from docx import Document as WordDocument

from partnership.models import DocumentVersion
from partnership.models.recommendations import Action, Rag, Recommendation
from partnership.selectors.progress_reports import board_report_figures, progress_report_docx_file
from partnership.services.action_plans import action_update_record
from partnership.services.documents import document_render_version
from partnership.services.progress_reports import SECTION_HEADINGS, progress_report_create
from tests.factories import World
from tests.partnership.action_plan_factories import recommendation_make
from tests.partnership.test_action_plan_deadlines import overdue
from tests.partnership.test_documents import _pdf_text, _wait_until_finished

State = Recommendation.State
IMPACT = "Re-audit found information shared within a day in 9 of 10 cases."


def board(world: World) -> dict:
    """Two recommendations in progress (one overdue police action, one amber school action), one completed,
    one closed, one plan overdue. Returns what the report must show."""
    amber = recommendation_make(world, state=State.IN_PROGRESS)
    amber_action = Action.objects.get(plan__recommendation=amber)
    action_update_record(
        partnership=world.partnership,
        membership=world.business_manager,
        action=amber_action,
        on=timezone.localdate(),
        note="Half done.",
        rag=Rag.AMBER,
    )
    late = recommendation_make(
        world, state=State.IN_PROGRESS, agency=world.police, actions=[{"what": "Police referral audit"}]
    )
    overdue(Action.objects.get(plan__recommendation=late), days=10)
    recommendation_make(world, state=State.COMPLETED)
    recommendation_make(world, state=State.CLOSED)
    planning = recommendation_make(world, actions=0, signed_off_at=timezone.now() - timedelta(days=30))
    return {"late_plan": planning.reference, "late_action": late.reference}


@pytest.mark.django_db
def test_the_figures_in_six_queries_whatever_the_volume(world_a, django_assert_num_queries):
    board(world_a)
    with django_assert_num_queries(6):
        small = board_report_figures(partnership=world_a.partnership, as_of=timezone.localdate())
    for _ in range(3):
        recommendation_make(world_a, state=State.IN_PROGRESS, actions=3)

    with django_assert_num_queries(6):
        figures = board_report_figures(partnership=world_a.partnership, as_of=timezone.localdate())

    by_state = {row.state: row.total for row in figures.states}
    assert by_state[State.IN_PROGRESS] == 5
    assert (by_state[State.COMPLETED], by_state[State.CLOSED], by_state[State.ACTION_PLANNING]) == (1, 1, 1)
    assert small.recommendations_total == 5
    assert figures.states[0].by_age[0] == figures.states[0].total  # all made today: the youngest band
    school = next(row for row in figures.agencies if row.agency == world_a.school.name)
    assert school.by_rag == (0, 1, 9, 1)  # red, amber, green, complete (the completed one's action)
    assert [a.what for a in figures.overdue_actions] == ["Police referral audit"]
    assert figures.overdue_actions[0].working_days_overdue > 0
    assert len(figures.overdue_plans) == 1
    assert [c.impact_evidence for c in figures.completed] == [IMPACT, IMPACT]


@pytest.mark.django_db
def test_the_pdf_and_the_docx_show_the_same_sections_and_figures(world_a):
    expected = board(world_a)

    report, version = progress_report_create(
        partnership=world_a.partnership,
        membership=world_a.business_manager,
        title="Board paper",
        as_of=timezone.localdate(),
    )
    assert document_render_version(version_id=version.pk) == DocumentVersion.State.READY  # what the worker runs

    pdf_text = _pdf_text(bytes(DocumentVersion.objects.get(pk=version.pk).pdf))
    stored = progress_report_docx_file(partnership=world_a.partnership, report=report, with_data=True)
    word = WordDocument(io.BytesIO(bytes(stored.data)))
    word_text = " ".join(p.text for p in word.paragraphs)
    headings = [p.text for p in word.paragraphs if p.style.name == "Heading 1"]
    assert headings == list(SECTION_HEADINGS)
    for heading in SECTION_HEADINGS:
        assert heading in pdf_text
    for text in (expected["late_plan"], expected["late_action"], "Police referral audit", IMPACT):
        assert text in pdf_text
    assert IMPACT in word_text
    tables = {t.rows[0].cells[0].text: t for t in word.tables}
    states = {row.cells[0].text: row.cells[-1].text for row in tables["State"].rows[1:]}
    assert (states["In progress"], states["Completed"], states["Closed"], states["Total"]) == ("2", "1", "1", "5")
    rag = {row.cells[0].text: [c.text for c in row.cells[1:]] for row in tables["Lead agency"].rows[1:]}
    assert rag[world_a.police.name] == ["0", "0", "1", "0", "1"]
    assert rag[world_a.school.name] == ["0", "1", "0", "1", "2"]  # the closed one's action is no longer live
    late_plans, late_actions = word.tables[2], word.tables[3]  # the same order as the sections
    assert [row.cells[0].text.split(":")[0] for row in late_plans.rows[1:]] == [expected["late_plan"]]
    assert [row.cells[1].text for row in late_actions.rows[1:]] == ["1. Police referral audit"]
    assert stored.name == "board-paper.docx"


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_renders_the_board_report_and_the_bm_downloads_both(documents_worker, client_for):
    world = World("Board")
    board(world)
    url = reverse("api:progress_report_list", kwargs={"slug": world.partnership.slug})
    from rest_framework.test import APIClient

    from tests.conftest import login

    api = login(APIClient(), world.bm)
    made = api.post(url, {"title": "Board, December", "as_of": timezone.localdate().isoformat()}, format="json")
    assert made.status_code == 202, made.content
    body = made.json()

    finished = _wait_until_finished(body["pdf"]["id"])
    assert finished.state == DocumentVersion.State.READY, finished.error
    pdf = api.get(body["pdf_download_url"])
    docx = api.get(body["docx_download_url"])
    assert pdf.status_code == docx.status_code == 200
    pdf_bytes = pdf.getvalue()
    assert pdf_bytes.startswith(b"%PDF-")
    text = _pdf_text(pdf_bytes)
    assert all(heading in text for heading in SECTION_HEADINGS)
    word = WordDocument(io.BytesIO(docx.content))
    assert [p.text for p in word.paragraphs if p.style.name == "Heading 1"] == list(SECTION_HEADINGS)
