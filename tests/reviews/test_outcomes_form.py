"""The Learning Review Outcomes Form: word counting, the 300-word limits, SMART rows, concurrent edits,
read-only states, and the same rules on the page (text kept, live counter) and in the browser script."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from datetime import date
from html import unescape
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse

from partnership.models import HistoryEntry
from reviews.models import OUTCOMES_WORD_LIMIT, LearningReview, OutcomeRecommendation, OutcomesForm
from reviews.selectors.learning_review import FORM_TEXT_FIELDS, OUTCOMES_SECTIONS
from reviews.services import learning_review as services
from reviews.words import word_count, word_count_status, word_limit_error
from tests.reviews.learning_review_factories import contributor_make, learning_review_make
from tests.reviews.seed_003 import APPENDIX_HEADINGS

pytestmark = pytest.mark.django_db


def words(n: int) -> str:
    # Varied whitespace between words: spaces, a newline, a tab. All count as separators.
    return " ".join(f"word{i}" + ("\n" if i % 50 == 49 else "") for i in range(n)).replace("word7 ", "word7\t")


def _form(review) -> OutcomesForm:
    return OutcomesForm.objects.get(learning_review=review)


def _save(world, review, *, fields=None, rows=(), actor=None, version=None):
    return services.outcomes_form_update(
        partnership=world.partnership,
        actor=actor or world.practitioner.person,
        learning_review=review,
        fields=fields or {},
        recommendations=list(rows),
        expected_updated_at=version if version is not None else _form(review).updated_at,
    )


# --- Counting words, defined once ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("", 0),
        ("   \n\t ", 0),
        ("one", 1),
        ("one two", 2),
        ("  leading and trailing  ", 3),
        ("line\nbreaks\r\nand\ttabs", 4),
        ("multi-agency working, well-led", 3),
        ("a - b", 3),
        (None, 0),
    ],
)
def test_a_word_is_a_whitespace_separated_token(text, count):
    assert word_count(text) == count


def test_the_counter_message():
    assert word_count_status(words(120)) == "120 words (limit 300)"
    assert word_count_status("one") == "1 word (limit 300)"
    assert word_count_status(words(312)) == "312 words — 12 over the limit of 300"
    assert word_limit_error(words(300)) is None
    assert "301" in word_limit_error(words(301))
    assert "1 over" in word_limit_error(words(301))


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_the_browser_counter_counts_and_words_it_exactly_as_the_server():
    """Run static/js/word-count.js's own functions under node on the same texts as reviews/words.py."""
    script = (Path(settings.BASE_DIR) / "static/js/word-count.js").read_text()
    body = script.split('"use strict";', 1)[1].split("function attach", 1)[0]  # countWords and status
    texts = ["", "  a  ", "one two\nthree\tfour", words(300), words(301), words(312), "é ü ñ", "a\u00a0b"]
    program = (
        body
        + f"\nvar texts = {json.dumps(texts)};\n"
        + "console.log(JSON.stringify(texts.map(function (t) {"
        + " return [countWords(t), status(countWords(t), 300)]; })));"
    )
    out = subprocess.run(["node", "-e", program], capture_output=True, text=True, check=True, timeout=30).stdout  # noqa: S603, S607
    assert json.loads(out) == [[word_count(t), word_count_status(t)] for t in texts]


def test_the_model_limit_is_seed_003s():
    assert OUTCOMES_WORD_LIMIT == 300


def test_the_form_has_every_heading_of_the_appendix():
    ours = [s.heading.casefold().replace("'", "") for s in OUTCOMES_SECTIONS]
    theirs = [h.casefold().replace("'", "") for h in APPENDIX_HEADINGS]
    assert ours == theirs  # every heading, in the appendix's order
    assert len(OUTCOMES_SECTIONS) == 16


# --- The limits and the rows in the service -------------------------------------------------------------


def test_exactly_300_words_is_saved(world_a):
    review = learning_review_make(world_a)
    _save(world_a, review, fields={"synopsis": words(300), "key_findings": words(300)})
    assert word_count(_form(review).synopsis) == 300


@pytest.mark.parametrize("field", ["synopsis", "key_findings"])
def test_301_words_is_refused_and_nothing_is_written(world_a, field):
    review = learning_review_make(world_a)
    before = _form(review)
    with pytest.raises(ValidationError) as refused:
        _save(world_a, review, fields={field: words(301), "background": "This would be saved too."})
    assert list(refused.value.message_dict) == [field]
    assert "at most 300 words" in refused.value.message_dict[field][0]
    after = _form(review)
    assert (after.updated_at, after.background, getattr(after, field)) == (before.updated_at, "", "")


def test_other_fields_are_limited_by_length_only(world_a):
    review = learning_review_make(world_a)
    _save(world_a, review, fields={"background": words(2000)})
    with pytest.raises(ValidationError) as refused:
        _save(world_a, review, fields={"family_details": "x" * 5001})
    assert "5,000 characters" in refused.value.message_dict["family_details"][0]


def test_smart_rows_need_all_three_columns_and_empty_rows_are_dropped(world_a):
    review = learning_review_make(world_a)
    with pytest.raises(ValidationError) as refused:
        _save(
            world_a,
            review,
            rows=[
                {"action": "Audit missed appointments", "person_responsible": "Named GP lead", "timeframe": "3 months"},
                {"action": "Refresh the escalation policy", "person_responsible": "", "timeframe": ""},
                {"action": "", "person_responsible": "", "timeframe": ""},
                {"action": "", "person_responsible": "Someone", "timeframe": "Soon"},
            ],
        )
    assert refused.value.message_dict["recommendations"] == [
        "Recommendation 2: enter the person responsible and the timeframe.",
        "Recommendation 4: enter the action.",
    ]
    assert not OutcomeRecommendation.objects.exists()

    _save(
        world_a,
        review,
        rows=[
            {"action": "First", "person_responsible": "A", "timeframe": "1 month"},
            {"action": " ", "person_responsible": "", "timeframe": ""},
            {"action": "Second", "person_responsible": "B", "timeframe": "2 months"},
        ],
    )
    saved = list(OutcomeRecommendation.objects.filter(form__learning_review=review))
    assert [(r.position, r.action) for r in saved] == [(1, "First"), (2, "Second")]


def test_changing_only_the_rows_moves_the_version_on_and_is_in_history(world_a):
    review = learning_review_make(world_a)
    before = _form(review).updated_at
    changes = _save(world_a, review, rows=[{"action": "Act", "person_responsible": "Lead", "timeframe": "Now"}])
    assert "recommendations" in changes
    assert _form(review).updated_at > before
    entry = HistoryEntry.objects.filter(object_id=str(_form(review).pk)).order_by("-id").first()
    assert entry.changes["recommendations"]["to"] == ["Act (Lead; Now)"]


def _rows(review) -> list[tuple[int, int, str, str]]:
    return list(
        OutcomeRecommendation.objects.filter(form__learning_review=review)
        .order_by("position")
        .values_list("pk", "position", "action", "timeframe")
    )


def test_an_edit_keeps_each_rows_id_updates_in_place_adds_and_deletes(world_a):
    review = learning_review_make(world_a)
    _save(
        world_a,
        review,
        rows=[
            {"action": "Audit", "person_responsible": "GP lead", "timeframe": "3 months"},
            {"action": "Train", "person_responsible": "Nurse", "timeframe": "6 months"},
            {"action": "Review", "person_responsible": "Police", "timeframe": "1 year"},
        ],
    )
    (audit, *_), (train, *_), (removed, *_) = _rows(review)

    changes = _save(
        world_a,
        review,
        rows=[
            {"id": train, "action": "Train", "person_responsible": "Nurse", "timeframe": "6 months"},
            {"id": audit, "action": "Audit", "person_responsible": "GP lead", "timeframe": "2 months"},
            {"action": "Escalate", "person_responsible": "Manager", "timeframe": "Now"},
        ],
    )

    rows = _rows(review)
    assert [(pk, position, action) for pk, position, action, _ in rows][:2] == [
        (train, 1, "Train"),
        (audit, 2, "Audit"),
    ]
    assert rows[1][3] == "2 months"
    assert rows[2][0] not in {audit, train, removed}
    assert not OutcomeRecommendation.objects.filter(pk=removed).exists()
    assert changes["recommendations"]["to"] == [
        "Train (Nurse; 6 months)",
        "Audit (GP lead; 2 months)",
        "Escalate (Manager; Now)",
    ]


def test_a_row_id_not_on_this_form_is_refused_and_nothing_is_written(world_a):
    review = learning_review_make(world_a)
    other = learning_review_make(world_a)
    _save(world_a, other, rows=[{"action": "Theirs", "person_responsible": "X", "timeframe": "Y"}])
    theirs = OutcomeRecommendation.objects.get().pk
    _save(world_a, review, rows=[{"action": "Mine", "person_responsible": "A", "timeframe": "B"}])
    before = _rows(review)

    for bad in (theirs, 999_999, "not a number", 0):
        with pytest.raises(ValidationError) as refused:
            _save(world_a, review, rows=[{"id": bad, "action": "Hijack", "person_responsible": "A", "timeframe": "B"}])
        assert "Recommendation 1" in refused.value.message_dict["recommendations"][0]
    assert _rows(review) == before
    assert OutcomeRecommendation.objects.get(pk=theirs).action == "Theirs"


def test_the_version_check_still_refuses_a_row_edit_from_a_stale_page(world_a):
    review = learning_review_make(world_a)
    _save(world_a, review, rows=[{"action": "Audit", "person_responsible": "GP", "timeframe": "3 months"}])
    ((row_id, *_),) = _rows(review)
    stale = _form(review).updated_at
    _save(
        world_a,
        review,
        rows=[{"id": row_id, "action": "Audit", "person_responsible": "GP", "timeframe": "1 month"}],
        actor=world_a.bm,
    )
    with pytest.raises(ValidationError) as refused:
        _save(
            world_a,
            review,
            rows=[{"id": row_id, "action": "Audit", "person_responsible": "GP", "timeframe": "9 months"}],
            version=stale,
        )
    assert refused.value.code == "stale"
    assert _rows(review) == [(row_id, 1, "Audit", "1 month")]


def test_a_save_from_a_stale_page_is_refused_and_writes_nothing(world_a):
    review = learning_review_make(world_a)
    stale = _form(review).updated_at
    _save(world_a, review, fields={"synopsis": "Someone else's synopsis."}, actor=world_a.bm)
    with pytest.raises(ValidationError) as refused:
        _save(world_a, review, fields={"synopsis": "Mine."}, version=stale)
    assert refused.value.code == "stale"
    assert _form(review).synopsis == "Someone else's synopsis."


def test_only_the_lead_author_and_business_managers_write_the_form(world_a):
    review = learning_review_make(world_a)
    contributor_make(world_a, review)
    from django.core.exceptions import PermissionDenied

    for who in (world_a.agency_lead, world_a.la_lead, world_a.scrutineer):
        with pytest.raises(PermissionDenied):
            _save(world_a, review, fields={"synopsis": "Not mine"}, actor=who.person)


def test_the_form_is_frozen_while_out_for_comment(world_a):
    review = learning_review_make(world_a)
    contributor_make(world_a, review)
    services.learning_review_start_drafting(partnership=world_a.partnership, actor=world_a.bm, learning_review=review)
    services.learning_review_circulate(
        partnership=world_a.partnership, actor=world_a.bm, learning_review=review, comments_due_on=date(2100, 1, 1)
    )
    with pytest.raises(ValidationError, match="take it back"):
        _save(world_a, review, fields={"synopsis": "Edited under the contributors' feet"})


# --- The page ---------------------------------------------------------------------------------------------


def _url(world, review) -> str:
    return reverse(
        "reviews:learning_review_outcomes_form",
        kwargs={"slug": world.partnership.slug, "learning_review_id": review.pk},
    )


def _post_data(form: OutcomesForm, **fields) -> dict:
    data = {name: getattr(form, name) for name in FORM_TEXT_FIELDS}
    data.update(
        {
            "review_date": "",
            "expected_updated_at": form.updated_at.isoformat(),
            "recommendations-TOTAL_FORMS": "1",
            "recommendations-INITIAL_FORMS": "0",
            "recommendations-MIN_NUM_FORMS": "0",
            "recommendations-MAX_NUM_FORMS": "50",
            "recommendations-0-action": "",
            "recommendations-0-person_responsible": "",
            "recommendations-0-timeframe": "",
        }
    )
    data.update(fields)
    return data


def _textarea(html: str, name: str) -> str:
    match = re.search(rf'<textarea name="{name}"[^>]*>(.*?)</textarea>', html, re.S)
    return unescape(match.group(1)).lstrip("\n")


def test_the_page_refuses_301_words_keeps_the_text_and_says_by_how_much(world_a, client_for):
    review = learning_review_make(world_a)
    client = client_for(world_a.practitioner.person)
    typed = words(301)
    response = client.post(_url(world_a, review), _post_data(_form(review), synopsis=typed, background="Kept too"))
    assert response.status_code == 400
    html = response.content.decode()
    assert _textarea(html, "synopsis") == typed
    assert _textarea(html, "background") == "Kept too"
    assert "There is a problem" in html
    assert 'href="#id_synopsis"' in html
    assert "301 words — 1 over the limit of 300" in html  # the counter as drawn, before any script runs
    assert 'aria-live="polite"' in html
    assert 'data-word-limit="300"' in html
    assert _form(review).synopsis == ""


def test_the_page_saves_300_words(world_a, client_for):
    review = learning_review_make(world_a)
    client = client_for(world_a.practitioner.person)
    response = client.post(_url(world_a, review), _post_data(_form(review), key_findings=words(300)))
    assert response.status_code == 302
    assert word_count(_form(review).key_findings) == 300


def test_the_page_rows_work_without_javascript(world_a, client_for):
    review = learning_review_make(world_a)
    client = client_for(world_a.bm)
    first = {
        "recommendations-0-action": "Audit",
        "recommendations-0-person_responsible": "GP lead",
        "recommendations-0-timeframe": "3 months",
    }
    # "Add another recommendation": drawn again with one more row, nothing saved.
    response = client.post(
        _url(world_a, review), {**_post_data(_form(review), synopsis="Typed"), **first, "add_row": "1"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="recommendations-1-action"' in html
    assert "Audit" in html
    assert _textarea(html, "synopsis") == "Typed"
    assert not OutcomeRecommendation.objects.exists()

    # An incomplete second row is refused beside its field; the first row is kept as typed.
    data = {
        **_post_data(_form(review)),
        **first,
        "recommendations-TOTAL_FORMS": "2",
        "recommendations-1-action": "Train",
        "recommendations-1-person_responsible": "",
        "recommendations-1-timeframe": "",
    }
    response = client.post(_url(world_a, review), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Recommendation 2: Enter the person responsible" in html
    assert 'href="#id_recommendations-1-person_responsible"' in html
    assert "GP lead" in html
    assert not OutcomeRecommendation.objects.exists()

    # Removing the second row (the "Remove" tick box) saves just the first.
    data["recommendations-1-DELETE"] = "on"
    assert client.post(_url(world_a, review), data).status_code == 302
    assert list(OutcomeRecommendation.objects.values_list("action", flat=True)) == ["Audit"]


def test_the_page_keeps_row_ids_across_an_edit(world_a, client_for):
    review = learning_review_make(world_a)
    _save(
        world_a,
        review,
        rows=[
            {"action": "Audit", "person_responsible": "GP lead", "timeframe": "3 months"},
            {"action": "Train", "person_responsible": "Nurse", "timeframe": "6 months"},
        ],
    )
    (audit, *_), (train, *_) = _rows(review)
    client = client_for(world_a.bm)
    html = client.get(_url(world_a, review)).content.decode()
    # Each saved row carries its id in a hidden field.
    assert f'name="recommendations-0-id" value="{audit}"' in html
    assert f'name="recommendations-1-id" value="{train}"' in html

    data = {
        **_post_data(_form(review)),
        "recommendations-TOTAL_FORMS": "3",
        "recommendations-INITIAL_FORMS": "2",
        "recommendations-0-id": str(audit),
        "recommendations-0-action": "Audit",
        "recommendations-0-person_responsible": "GP lead",
        "recommendations-0-timeframe": "1 month",
        "recommendations-1-id": str(train),
        "recommendations-1-action": "Train",
        "recommendations-1-person_responsible": "Nurse",
        "recommendations-1-timeframe": "6 months",
        "recommendations-1-DELETE": "on",
        "recommendations-2-action": "Escalate",
        "recommendations-2-person_responsible": "Manager",
        "recommendations-2-timeframe": "Now",
    }
    assert client.post(_url(world_a, review), data).status_code == 302

    rows = _rows(review)
    assert rows[0] == (audit, 1, "Audit", "1 month")
    assert rows[1][0] not in {audit, train}
    assert [r[2] for r in rows] == ["Audit", "Escalate"]


def test_a_stale_save_on_the_page_keeps_the_typed_text_and_shows_the_saved_version(world_a, client_for):
    review = learning_review_make(world_a)
    page_version = _form(review)
    _save(world_a, review, fields={"synopsis": "The business manager's version."}, actor=world_a.bm)
    client = client_for(world_a.practitioner.person)
    response = client.post(_url(world_a, review), _post_data(page_version, synopsis="The author's version."))
    assert response.status_code == 400
    html = response.content.decode()
    assert "Someone else changed this outcomes form" in html
    assert _textarea(html, "synopsis") == "The author's version."
    assert 'data-testid="saved-version"' in html
    assert "The business manager&#x27;s version." in html
    # Saving again from this page (its version moved on) applies the author's text over theirs.
    fresh = re.search(r'name="expected_updated_at" value="([^"]+)"', html).group(1)
    response = client.post(
        _url(world_a, review), _post_data(page_version, synopsis="The author's version.", expected_updated_at=fresh)
    )
    assert response.status_code == 302
    assert _form(review).synopsis == "The author's version."


def test_the_final_form_is_read_only_on_the_page(world_a, client_for):
    review = learning_review_make(world_a)
    _save(world_a, review, fields={"synopsis": "Done.", "key_findings": "Learnt."})
    services.learning_review_start_drafting(partnership=world_a.partnership, actor=world_a.bm, learning_review=review)
    services.learning_review_finalise(partnership=world_a.partnership, actor=world_a.bm, learning_review=review)
    client = client_for(world_a.practitioner.person)
    response = client.get(_url(world_a, review))
    html = response.content.decode()
    assert response.status_code == 200
    assert "<textarea" not in html
    assert "Learnt." in html
    response = client.post(_url(world_a, review), _post_data(_form(review), synopsis="Sneaky"), follow=True)
    assert "final" in response.content.decode()
    assert _form(review).synopsis == "Done."
    assert LearningReview.objects.get(pk=review.pk).state == LearningReview.State.FINAL


def test_saving_the_same_content_changes_nothing_and_records_nothing(world_a):
    review = learning_review_make(world_a)
    _save(
        world_a,
        review,
        fields={"synopsis": "Same."},
        rows=[{"action": "A", "person_responsible": "B", "timeframe": "C"}],
    )
    form = _form(review)
    entries = HistoryEntry.objects.filter(object_id=str(form.pk)).count()
    changes = _save(
        world_a,
        review,
        fields={"synopsis": "Same."},
        rows=[{"action": "A", "person_responsible": "B", "timeframe": "C"}],
        actor=world_a.bm,
    )
    assert changes == {}
    assert _form(review).updated_at == form.updated_at
    assert _form(review).updated_by == world_a.practitioner.person
    assert HistoryEntry.objects.filter(object_id=str(form.pk)).count() == entries
