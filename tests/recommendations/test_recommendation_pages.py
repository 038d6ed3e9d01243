"""Recommendation pages: roles, tenancy, the register's filters and exports, edits, rounds, query counts."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from partnership.models import Deadline, SignOff
from partnership.models.recommendations import ActionPlan, Recommendation, RecommendationSource
from partnership.services.disseminations import dissemination_create
from reviews.models import OutcomeRecommendation
from tests.recommendations.helpers import (
    all_three_approve,
    final_review_with_rows,
    recommendation_make,
    round_make,
    round_sign_off,
    send_back,
    themes,
)

pytestmark = pytest.mark.django_db
State = Recommendation.State


def page(world, name, **kwargs) -> str:
    return reverse(f"partnership:{name}", kwargs={"slug": world.partnership.slug, **kwargs})


def body(response) -> str:
    return response.content.decode()


READ = {
    "business_manager": 200,
    "la_lead": 200,
    "health_lead": 200,
    "police_lead": 200,
    "agency_lead": 200,
    "scrutineer": 200,
    "lay_member": 200,
    "practitioner": 403,
    "observer": 403,
}


@pytest.mark.parametrize(("role", "expected"), READ.items())
def test_who_reads_the_register_the_recommendation_its_round_and_the_themes(world_a, client_for, role, expected):
    recommendation = recommendation_make(world_a)
    round_ = round_make(world_a, recommendation)
    theme = themes(world_a)[0]
    client = client_for(getattr(world_a, role).person)
    for url in (
        page(world_a, "recommendation_register"),
        page(world_a, "recommendation_detail", recommendation_id=recommendation.pk),
        page(world_a, "recommendation_round_detail", round_id=round_.pk),
        page(world_a, "theme_list"),
        page(world_a, "theme_detail", theme_id=theme.pk),
    ):
        assert client.get(url).status_code == expected, url


@pytest.mark.parametrize("role", [r for r in READ if r != "business_manager"])
def test_only_business_managers_change_recommendations(world_a, client_for, role):
    recommendation = recommendation_make(world_a)
    client = client_for(getattr(world_a, role).person)
    assert client.get(page(world_a, "recommendation_create")).status_code == 403
    assert client.get(page(world_a, "recommendation_edit", recommendation_id=recommendation.pk)).status_code == 403
    response = client.post(page(world_a, "recommendation_close", recommendation_id=recommendation.pk), {})
    assert response.status_code == 403
    assert Recommendation.objects.get(pk=recommendation.pk).state == State.DRAFT
    if READ[role] == 200:
        html = body(client.get(page(world_a, "recommendation_detail", recommendation_id=recommendation.pk)))
        assert "Change it" not in html
        assert 'data-testid="close-form"' not in html


def test_another_partnerships_recommendation_round_theme_and_file_are_not_found(world_a, world_b, client_for):
    recommendation = recommendation_make(world_a)
    round_ = round_make(world_a, recommendation)
    theme = themes(world_a)[0]
    dissemination = dissemination_create(
        partnership=world_a.partnership,
        actor=world_a.bm,
        recommendation=recommendation,
        kind="briefing",
        title="Briefing",
        on=timezone.localdate(),
        audience="DSLs",
        upload=SimpleUploadedFile("b.txt", b"briefing"),
    )
    client = client_for(world_b.bm)
    slug = world_b.partnership.slug
    for name, kwargs in (
        ("recommendation_detail", {"recommendation_id": recommendation.pk}),
        ("recommendation_edit", {"recommendation_id": recommendation.pk}),
        ("recommendation_round_detail", {"round_id": round_.pk}),
        ("theme_detail", {"theme_id": theme.pk}),
        ("dissemination_file", {"dissemination_id": dissemination.pk}),
    ):
        assert client.get(reverse(f"partnership:{name}", kwargs={"slug": slug, **kwargs})).status_code == 404


def test_a_bm_drafts_one_from_the_page(world_a, client_for):
    voice = next(t for t in themes(world_a) if t.name == "Voice of the child")
    response = client_for(world_a.bm).post(
        page(world_a, "recommendation_create"),
        {
            "text": "Every assessment records the child's own words.",
            "lead_partner": "health",
            "source_kind": "other",
            "source_description": "Board away day",
            "themes": [str(voice.pk)],
        },
    )
    recommendation = Recommendation.objects.get(partnership=world_a.partnership)
    assert response.status_code == 302
    assert response["Location"] == page(world_a, "recommendation_detail", recommendation_id=recommendation.pk)
    assert [t.theme.name for t in recommendation.theme_tags.all()] == ["Voice of the child"]


def test_a_foreign_source_on_the_page_is_refused_beside_the_field(world_a, world_b, client_for):
    final_review_with_rows(world_b)
    their_row = OutcomeRecommendation.objects.filter(partnership=world_b.partnership).first()
    answers = []
    for source_id in (their_row.pk, 99_999_999):
        response = client_for(world_a.bm).post(
            page(world_a, "recommendation_create"),
            {"text": "X", "lead_partner": "health", "source_kind": "outcomes_form", "source_id": source_id},
        )
        assert response.status_code == 400
        answers.append(response.context["form"].errors)
    assert answers[0] == answers[1] == {"source_id": ["No learning review of this partnership has this id."]}


def test_a_stale_edit_is_refused_with_the_saved_version_shown(world_a, client_for):
    recommendation = recommendation_make(world_a)
    old = recommendation.updated_at.isoformat()
    client = client_for(world_a.bm)
    url = page(world_a, "recommendation_edit", recommendation_id=recommendation.pk)
    data = {
        "text": "Mine",
        "lead_partner": "police",
        "rationale": "",
        "source_description": "Day",
        "expected_updated_at": old,
    }
    assert client.post(url, data).status_code == 302
    response = client.post(url, {**data, "text": "Theirs, from an old page"})
    assert response.status_code == 400
    html = body(response)
    assert "Someone else changed this recommendation" in html
    assert 'data-testid="saved-version"' in html
    assert Recommendation.objects.get(pk=recommendation.pk).text == "Mine"


def test_sent_back_reason_is_shown_on_the_recommendation(world_a, client_for):
    recommendation = recommendation_make(world_a)
    round_ = round_make(world_a, recommendation)
    send_back(world_a, round_, comment="Say how success will be measured.")
    html = body(client_for(world_a.bm).get(page(world_a, "recommendation_detail", recommendation_id=recommendation.pk)))
    section = html.split('data-testid="sent-back-reason"', 1)[1].split("</div>", 1)[0]
    assert "Say how success will be measured." in section


def test_a_partner_lead_decides_on_the_round_page(world_a, client_for):
    recommendation = recommendation_make(world_a)
    round_ = round_make(world_a, recommendation)
    url = page(world_a, "recommendation_round_detail", round_id=round_.pk)
    client = client_for(world_a.police_lead.person)
    assert 'data-testid="sign-off-form"' in body(client.get(url))
    response = client.post(url, {"sign_off-decision": "approve", "sign_off-round": "1", "sign_off-partner": "police"})
    assert response.status_code == 302
    assert round_sign_off(world_a, round_).state == SignOff.State.AWAITING
    # A business manager reads the round but has no decision to give.
    assert 'data-testid="sign-off-form"' not in body(client_for(world_a.bm).get(url))


def test_close_from_the_page_and_a_refused_close_says_why(world_a, client_for):
    client = client_for(world_a.bm)
    draft = recommendation_make(world_a)
    detail = page(world_a, "recommendation_detail", recommendation_id=draft.pk)
    response = client.post(
        page(world_a, "recommendation_close", recommendation_id=draft.pk),
        {"reason": "Duplicate of REC-1", "expected_updated_at": draft.updated_at.isoformat()},
    )
    assert response.status_code == 302
    assert Recommendation.objects.get(pk=draft.pk).state == State.CLOSED
    proposed = recommendation_make(world_a)
    round_make(world_a, proposed)
    proposed.refresh_from_db()
    response = client.post(
        page(world_a, "recommendation_close", recommendation_id=proposed.pk),
        {"expected_updated_at": proposed.updated_at.isoformat()},
        follow=True,
    )
    assert "cannot be closed" in body(response)
    assert detail != response.redirect_chain[-1][0]


def _overdue(world):
    recommendation = recommendation_make(world, lead_partner="police")
    all_three_approve(world, round_make(world, recommendation))
    plan = ActionPlan.objects.get(recommendation=recommendation)
    Deadline.objects.filter(subject_id=plan.pk, kind="action_plan.due").update(
        due_on=timezone.localdate() - timedelta(days=3)
    )
    return recommendation


@pytest.mark.usefixtures("drawn_afresh")  # the drawn body's context and reads
def test_the_register_filters(world_a, client_for):
    neglect = next(t for t in themes(world_a) if t.name == "Neglect")
    tagged = recommendation_make(world_a, theme_ids=[neglect.pk], lead_partner="health")
    late = _overdue(world_a)
    plain = recommendation_make(world_a)
    client = client_for(world_a.scrutineer.person)

    def refs(**query):
        response = client.get(page(world_a, "recommendation_register"), query)
        return {r.reference for r in response.context["page"].object_list}

    assert refs() == {tagged.reference, late.reference, plain.reference}
    assert refs(theme=neglect.pk) == {tagged.reference}
    assert refs(lead_partner="police") == {late.reference}
    assert refs(overdue="on") == {late.reference}
    assert refs(state="action_planning") == {late.reference}
    assert refs(source_kind="outcomes_form") == set()
    assert refs(state="nonsense") == refs()  # a stale link filters nothing rather than failing


@pytest.mark.usefixtures("drawn_afresh")  # the drawn body's context and reads
def test_the_register_runs_a_fixed_number_of_queries(world_a, client_for, django_assert_max_num_queries):
    neglect = themes(world_a)[3]
    review = final_review_with_rows(world_a)
    row = OutcomeRecommendation.objects.filter(form__learning_review=review).first()
    recommendation_make(world_a, theme_ids=[neglect.pk], source_kind="outcomes_form", source_id=row.pk)
    _overdue(world_a)
    client = client_for(world_a.bm)
    url = page(world_a, "recommendation_register")
    client.get(url)
    with django_assert_max_num_queries(12) as few:
        client.get(url)
    for _ in range(20):
        recommendation_make(world_a, theme_ids=[neglect.pk], source_kind="outcomes_form", source_id=row.pk)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)


def test_the_detail_and_theme_pages_run_a_fixed_number_of_queries(world_a, client_for, django_assert_max_num_queries):
    all_themes = themes(world_a)
    recommendation = recommendation_make(world_a, theme_ids=[all_themes[0].pk])
    round_make(world_a, recommendation)
    dissemination_create(
        partnership=world_a.partnership,
        actor=world_a.bm,
        recommendation=recommendation,
        kind="briefing",
        title="Briefing",
        on=timezone.localdate(),
        audience="All staff",
        link="https://example.org/b",
    )
    client = client_for(world_a.bm)
    detail = page(world_a, "recommendation_detail", recommendation_id=recommendation.pk)
    theme = page(world_a, "theme_detail", theme_id=all_themes[0].pk)
    client.get(detail)
    client.get(theme)
    with django_assert_max_num_queries(16) as detail_queries:
        client.get(detail)
    with django_assert_max_num_queries(10) as theme_queries:
        client.get(theme)
    for n in range(5):
        dissemination_create(
            partnership=world_a.partnership,
            actor=world_a.bm,
            recommendation=recommendation,
            kind="newsletter",
            title=f"Newsletter {n}",
            on=timezone.localdate(),
            audience="All staff",
            link="https://example.org/n",
        )
        recommendation_make(world_a, theme_ids=[all_themes[0].pk])
    review = final_review_with_rows(world_a)
    from reviews.services.recommendations import learning_review_themes_set

    learning_review_themes_set(
        partnership=world_a.partnership, actor=world_a.bm, learning_review=review, theme_ids=[all_themes[0].pk]
    )
    with django_assert_max_num_queries(len(detail_queries.captured_queries)):
        client.get(detail)
    # One more kind of record on the page (learning reviews): one more query, not one per record.
    with django_assert_max_num_queries(len(theme_queries.captured_queries) + 1):
        response = client.get(theme)
    labels = [label for label, _items in response.context["records"].groups]
    assert labels == ["Learning reviews", "Recommendations"]


def test_exports_read_back_and_are_formula_safe(world_a, client_for):
    recommendation_make(world_a, text="=SUM(A1:A9) is not a formula here", rationale="@risk")
    recommendation_make(world_a, text="Plain text", lead_partner="police")
    client = client_for(world_a.bm)
    url = page(world_a, "recommendation_export")
    response = client.get(url, {"format": "csv", "lead_partner": "local_authority"})
    assert response["Content-Disposition"].startswith("attachment;")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Reference", "Recommendation", "Rationale"]
    assert len(rows) == 2  # the filter applies
    assert rows[1][1] == "'=SUM(A1:A9) is not a formula here"
    assert rows[1][2] == "'@risk"
    response = client.get(url, {"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert len(values) == 3
    assert "'=SUM(A1:A9) is not a formula here" in [row[1] for row in values]
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_the_outcomes_rows_become_a_round_in_one_step_and_a_second_submit_makes_nothing(
    world_a, client_for, django_capture_on_commit_callbacks
):
    review = final_review_with_rows(world_a)
    rows = list(OutcomeRecommendation.objects.filter(form__learning_review=review).order_by("position"))
    url = reverse(
        "reviews:learning_review_recommendations",
        kwargs={"slug": world_a.partnership.slug, "learning_review_id": review.pk},
    )
    client = client_for(world_a.bm)
    assert len(client.get(url).context["pending"]) == 3
    data = {f"row-{row.pk}-lead_partner": "health" for row in rows}
    missing = client.post(url, {**data, f"row-{rows[0].pk}-lead_partner": ""})
    assert missing.status_code == 400
    assert "Choose the partner who leads recommendation 1." in body(missing)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data)
    assert response.status_code == 302
    made = Recommendation.objects.filter(partnership=world_a.partnership).order_by("reference")
    assert [r.source_id for r in made] == [row.pk for row in rows]
    assert {r.state for r in made} == {State.PROPOSED}
    assert made[0].text == rows[0].action
    assert made[0].rationale == "Person responsible: ICB named nurse. Timeframe: By March."
    assert len(mail.outbox) == 1
    again = client.post(url, data)
    assert again.status_code == 302
    assert Recommendation.objects.filter(partnership=world_a.partnership).count() == 3
    detail = reverse(
        "reviews:learning_review_detail", kwargs={"slug": world_a.partnership.slug, "learning_review_id": review.pk}
    )
    html = body(client_for(world_a.scrutineer.person).get(detail))
    section = html.split('data-testid="source-recommendations"', 1)[1].split("</table>", 1)[0]
    assert all(r.reference in section for r in made)
    assert "Health" in section


def test_the_conversion_page_is_for_business_managers_and_final_forms(world_a, client_for):
    review = final_review_with_rows(world_a)
    url = reverse(
        "reviews:learning_review_recommendations",
        kwargs={"slug": world_a.partnership.slug, "learning_review_id": review.pk},
    )
    assert client_for(world_a.la_lead.person).get(url).status_code == 403
    from tests.reviews.learning_review_factories import learning_review_make

    draft = learning_review_make(world_a)
    draft_url = reverse(
        "reviews:learning_review_recommendations",
        kwargs={"slug": world_a.partnership.slug, "learning_review_id": draft.pk},
    )
    assert client_for(world_a.bm).get(draft_url).status_code == 302


def test_a_dissemination_with_a_file_is_downloaded_only_by_those_who_see_its_source(world_a, client_for):
    review = final_review_with_rows(world_a)
    client = client_for(world_a.bm)
    response = client.post(
        page(world_a, "dissemination_create"),
        {
            "record_key": "learning_review",
            "record_id": review.pk,
            "kind": "briefing",
            "title": "7-minute briefing",
            "on": "2026-03-14",
            "audience": "School DSLs",
            "reach": "120",
            "file": SimpleUploadedFile("briefing.pdf", b"%PDF-1.4 briefing"),
        },
    )
    assert response.status_code == 302
    from partnership.models.recommendations import Dissemination

    dissemination = Dissemination.objects.get(partnership=world_a.partnership)
    file_url = page(world_a, "dissemination_file", dissemination_id=dissemination.pk)
    download = client.get(file_url)
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment;")
    # The lay member reads the register but not this learning review: the file is as missing.
    assert client_for(world_a.lay_member.person).get(file_url).status_code == 404
    wrong = client.post(
        page(world_a, "dissemination_create"),
        {
            "record_key": "learning_review",
            "record_id": review.pk,
            "kind": "briefing",
            "title": "Fake",
            "on": "2026-03-14",
            "audience": "x",
            "file": SimpleUploadedFile("page.pdf", b"<html>not a pdf</html>"),
        },
    )
    assert wrong.status_code == 400
    assert Dissemination.objects.filter(partnership=world_a.partnership).count() == 1


def test_themes_are_managed_by_the_business_manager(world_a, client_for):
    themes(world_a)
    client = client_for(world_a.bm)
    assert client.post(page(world_a, "theme_list"), {"name": "Neglect"}).status_code == 400  # taken
    assert client.post(page(world_a, "theme_list"), {"name": "Online harm"}).status_code == 302
    assert client_for(world_a.scrutineer.person).post(page(world_a, "theme_list"), {"name": "X"}).status_code == 403
    from partnership.models.recommendations import LearningTheme

    theme = LearningTheme.objects.get(partnership=world_a.partnership, name="Online harm")
    response = client.post(
        page(world_a, "theme_edit", theme_id=theme.pk),
        {
            "name": "Online harm and exploitation",
            "description": "",
            "expected_updated_at": theme.updated_at.isoformat(),
        },
    )
    assert response.status_code == 302
    theme.refresh_from_db()
    assert (theme.name, theme.is_active) == ("Online harm and exploitation", False)


def test_a_partnership_created_by_the_service_has_the_common_themes(db):
    from partnership.models.recommendations import DEFAULT_LEARNING_THEMES, LearningTheme
    from partnership.services import partnership_create

    partnership, _invitation, _token = partnership_create(
        name="Northshire",
        slug="northshire",
        nation="ENG",
        statutory_partner_names={"local_authority": "Council", "health": "ICB", "police": "Police"},
        business_manager_email="bm@northshire.example",
        business_manager_name="BM",
    )
    names = set(LearningTheme.objects.filter(partnership=partnership).values_list("name", flat=True))
    assert names == set(DEFAULT_LEARNING_THEMES)


def test_the_recommendation_links_to_its_source_and_back(world_a, client_for):
    review = final_review_with_rows(world_a)
    row = OutcomeRecommendation.objects.filter(form__learning_review=review).first()
    recommendation = recommendation_make(world_a, source_kind=RecommendationSource.OUTCOMES_FORM, source_id=row.pk)
    html = body(client_for(world_a.bm).get(page(world_a, "recommendation_detail", recommendation_id=recommendation.pk)))
    source = html.split('data-testid="source"', 1)[1].split("</dd>", 1)[0]
    assert (
        reverse(
            "reviews:learning_review_detail", kwargs={"slug": world_a.partnership.slug, "learning_review_id": review.pk}
        )
        in source
    )


def test_foreign_ids_posted_to_the_round_and_themes_forms_are_refused_like_missing_ones(world_a, world_b, client_for):
    ours, theirs = recommendation_make(world_a), recommendation_make(world_b)
    their_theme = themes(world_b)[0]
    themes(world_a)
    client = client_for(world_a.bm)
    answers = []
    for other in (theirs.pk, 99_999_999):
        response = client.post(page(world_a, "recommendation_round_create"), {"recommendations": [ours.pk, other]})
        assert response.status_code == 400
        answers.append(response.context["form"].errors)
    assert answers[0] == answers[1]
    theme_answers = []
    for other in (their_theme.pk, 99_999_999):
        response = client.post(
            page(world_a, "recommendation_themes", recommendation_id=ours.pk),
            {"themes": [other], "expected_updated_at": ours.updated_at.isoformat()},
        )
        assert response.status_code == 400
        theme_answers.append(response.context["themes_form"].errors)
    assert theme_answers[0] == theme_answers[1]
    assert Recommendation.objects.get(pk=ours.pk).state == State.DRAFT
    assert not ours.theme_tags.exists()


def test_the_round_page_runs_a_fixed_number_of_queries(world_a, client_for, django_assert_max_num_queries):
    """A round of one recommendation and a round of eight, one partner's decision in each: the same queries."""
    from partnership.services.signoff import sign_off_approve

    all_themes = themes(world_a)
    small = round_make(world_a, recommendation_make(world_a, theme_ids=[all_themes[0].pk]))
    large = round_make(world_a, *(recommendation_make(world_a, theme_ids=[all_themes[n % 3].pk]) for n in range(8)))
    for round_ in (small, large):
        sign_off_approve(
            partnership=world_a.partnership, membership=world_a.police_lead, sign_off=round_sign_off(world_a, round_)
        )
    client = client_for(world_a.la_lead.person)
    small_url = page(world_a, "recommendation_round_detail", round_id=small.pk)
    large_url = page(world_a, "recommendation_round_detail", round_id=large.pk)
    client.get(small_url)
    with django_assert_max_num_queries(9) as few:
        assert 'data-testid="sign-off-form"' in body(client.get(small_url))
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(large_url)
    assert 'data-testid="sign-off-form"' in body(response)
    assert len(response.context["round"].items.all()) == 8
