"""Freedom to roam (issue 17): the independent scrutineer reads every non-identifying record of the partnership.

The pages that once answered 403 to the scrutineer (a learning review's outcomes form, comments, print view,
information requests, rows of recommendations and themes; a rapid review's themes and request tracker; an audit
round's findings PDF; the identity view log) answer 200 to a GET, never with a child's name, date of birth or
address in them; every change answers 403 and changes nothing, and no form to make one is offered; another
partnership's object is 404 like a missing one. The form and its comments are pseudonymised: the child by their
pseudonym, the sections that describe the family withheld.
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from audits.models import AuditFinding
from audits.services.findings import audit_finding_add
from partnership.models import Document, DocumentVersion, LearningTheme
from partnership.selectors.recommendations import themes_of
from partnership.services.learning_themes import learning_themes_seed
from reviews.models import DecisionOutcome, InformationRequest, Methodology, OutcomeComment, OutcomesForm
from reviews.selectors.learning_review import WITHHELD_COMMENT, WITHHELD_SECTION
from reviews.services import learning_review as services
from reviews.services.incidents import child_identity_reveal
from reviews.services.recommendations import learning_review_themes_set, rapid_review_themes_set
from tests.audits.helpers import round_make
from tests.reviews.decision_helpers import all_approve, decision_record, ready_review
from tests.reviews.factories import information_request_make, rapid_review_make
from tests.reviews.learning_review_factories import contributor_make

pytestmark = pytest.mark.django_db

# The child of every rapid review here (tests.reviews.factories): none of this may reach the scrutineer.
IDENTITY = ["Jordan", "Testchild", "27/03/2015", "27 March 2015", "2015-03-27", "Example Street", "Testtown"]
FAMILY_TEXT = "Jordan lives with his mother, Sam Rivers, and two siblings."


def _form_fields() -> dict:
    return {
        "family_details": FAMILY_TEXT,
        "synopsis": "Jordan Testchild (born 27/03/2015) of 1 Example Street missed six health appointments.",
        "key_findings": "Missed appointments were not followed up for Jordan.",
        "strengths": "The school escalated well.",
        "background": "The Testchild family moved twice.",
    }


def _roam(world, *, final: bool = True) -> dict:
    """A learning review opened from a rapid review of Jordan Testchild, with the child named in its form, a
    recommendation row and the comments; requests to agencies; an audit round with a finding; a logged identity
    view. ``final``: finalised after the comments (else left out for comment)."""
    rapid_review = ready_review(world)
    decision_record(world, rapid_review, outcome=DecisionOutcome.LEARNING_REVIEW, methodology=Methodology.PRACTITIONER)
    all_approve(world, rapid_review)
    today = timezone.localdate()
    review = services.learning_review_open_from_decision(
        partnership=world.partnership,
        actor=world.bm,
        rapid_review=rapid_review,
        title="Practitioner review of missed health appointments",
        scope="Scope of the review",
        key_lines_of_enquiry="Lines of enquiry",
        information_due_on=today + timedelta(days=5),
        report_due_on=today + timedelta(days=20),
        lead_author=world.practitioner.person,
    )
    contributor_make(world, review)
    information_request_make(world, learning_review=review, due_on=today + timedelta(days=5))
    form = OutcomesForm.objects.get(learning_review=review)
    services.outcomes_form_update(
        partnership=world.partnership,
        actor=world.bm,
        learning_review=review,
        fields=_form_fields(),
        recommendations=[
            {"action": "Audit Jordan Testchild's follow-up", "person_responsible": "Named GP", "timeframe": "3 months"}
        ],
        expected_updated_at=form.updated_at,
    )
    services.learning_review_start_drafting(partnership=world.partnership, actor=world.bm, learning_review=review)
    services.learning_review_circulate(
        partnership=world.partnership, actor=world.bm, learning_review=review, comments_due_on=today + timedelta(7)
    )
    for section, body in (("synopsis", "Say more about Jordan's school."), ("family_details", "Add the siblings.")):
        services.outcome_comment_add(
            partnership=world.partnership,
            actor=world.agency_lead.person,
            learning_review=review,
            section=section,
            body=body,
        )
    if final:
        services.learning_review_take_back(partnership=world.partnership, actor=world.bm, learning_review=review)
        services.learning_review_finalise(partnership=world.partnership, actor=world.bm, learning_review=review)
    learning_themes_seed(partnership=world.partnership)
    theme = LearningTheme.objects.filter(partnership=world.partnership).order_by("pk").first()
    learning_review_themes_set(
        partnership=world.partnership, actor=world.bm, learning_review=review, theme_ids=[theme.pk]
    )
    rapid_review_themes_set(
        partnership=world.partnership, actor=world.bm, rapid_review=rapid_review, theme_ids=[theme.pk]
    )
    tracked = rapid_review_make(world)
    information_request_make(world, rapid_review=tracked)
    child_identity_reveal(
        partnership=world.partnership,
        viewer_membership=world.business_manager,
        context="Test",
        incident=tracked.incident,
    )
    audit_round = round_make(world, cases=1, selected=1)
    audit_finding_add(
        partnership=world.partnership,
        actor=world.bm,
        audit_round=audit_round,
        kind="improvement",
        text="Escalate earlier",
    )
    review.refresh_from_db()
    return {"review": review, "rapid_review": rapid_review, "tracked": tracked, "round": audit_round, "theme": theme}


def _lr(world, name: str, review) -> str:
    return reverse(f"reviews:{name}", kwargs={"slug": world.partnership.slug, "learning_review_id": review.pk})


def _rr(world, name: str, rapid_review) -> str:
    return reverse(f"reviews:{name}", kwargs={"slug": world.partnership.slug, "rapid_review_id": rapid_review.pk})


def _pages(world, made: dict) -> dict[str, str]:
    """The pages the scrutineer now reads, by name."""
    review, slug = made["review"], world.partnership.slug
    return {
        "outcomes form": _lr(world, "learning_review_outcomes_form", review),
        "comments": _lr(world, "learning_review_comments", review),
        "print view": _lr(world, "learning_review_print", review),
        "information requests": _lr(world, "learning_review_requests", review),
        "recommendations": _lr(world, "learning_review_recommendations", review),
        "learning review themes": _lr(world, "learning_review_themes", review),
        "rapid review themes": _rr(world, "rapid_review_themes", made["rapid_review"]),
        "request tracker": _rr(world, "request_tracker", made["tracked"]),
        "identity view log": reverse("reviews:identity_log", kwargs={"slug": slug}),
        "findings": reverse("audits:round_findings", kwargs={"slug": slug, "audit_round_id": made["round"].pk}),
    }


# Pages that go on to the page where their record is read (the themes are tagged on the review's own page).
REDIRECTED = {"learning review themes", "rapid review themes"}
# Pages not there while the form is a draft: the rows are proposed from the final form only.
FINAL_ONLY = {"recommendations"}
# The only form a page may offer the scrutineer, besides signing out: asking for the findings PDF (a read).
SIGN_OUT_FORMS = 1
FORMS_OFFERED = {"findings": SIGN_OUT_FORMS + 1, "print view": 0}  # a print view has no header


def _identity_in(html: str) -> list[str]:
    return [detail for detail in IDENTITY if detail.casefold() in html.casefold()]


@pytest.mark.parametrize("final", [True, False], ids=["final", "out for comment"])
def test_the_scrutineer_reads_each_page_without_the_childs_identity(world_a, client_for, final):
    made = _roam(world_a, final=final)
    scrutineer = client_for(world_a.scrutineer.person)
    wrong = []
    for name, url in _pages(world_a, made).items():
        if name in FINAL_ONLY and not final:
            continue
        response = scrutineer.get(url, follow=name in REDIRECTED)
        html = response.content.decode()
        if response.status_code != 200:
            wrong.append(f"{name}: {response.status_code}")
            continue
        if shown := _identity_in(html):
            wrong.append(f"{name} shows {shown}")
        if name in REDIRECTED:
            if made["theme"].name not in html or "Change the themes" in html:
                wrong.append(f"{name}: the themes are not read there, or a form to change them is offered")
        elif (forms := html.count('method="post"')) != FORMS_OFFERED.get(name, SIGN_OUT_FORMS):
            wrong.append(f"{name} offers a form to change something ({forms} forms)")
    if final:
        detail = scrutineer.get(_lr(world_a, "learning_review_detail", made["review"])).content.decode()
        assert _lr(world_a, "learning_review_recommendations", made["review"]) in detail  # the rows, to read
    assert not wrong, wrong


def test_the_form_and_comments_are_pseudonymised_the_family_withheld(world_a, client_for):
    made = _roam(world_a, final=False)
    scrutineer = client_for(world_a.scrutineer.person)
    form_page = scrutineer.get(_lr(world_a, "learning_review_outcomes_form", made["review"])).content.decode()
    assert "Child A (born [date removed]) of [address removed] missed six health appointments." in form_page
    assert "Missed appointments were not followed up for Child A." in form_page
    assert "The school escalated well." in form_page  # the learning itself is kept
    assert "Audit Child A&#x27;s follow-up" in form_page
    assert WITHHELD_SECTION in form_page
    assert 'data-testid="pseudonymised-note"' in form_page
    assert "Sam Rivers" not in form_page
    assert "moved twice" not in form_page
    comments = scrutineer.get(_lr(world_a, "learning_review_comments", made["review"])).content.decode()
    assert "Say more about Child A&#x27;s school." in comments
    assert WITHHELD_COMMENT in comments
    assert "Add the siblings." not in comments
    printed = scrutineer.get(_lr(world_a, "learning_review_print", made["review"])).content.decode()
    assert 'data-testid="pseudonymised-note"' in printed
    assert WITHHELD_SECTION in printed
    # The lead author reads the same pages as written; nothing pseudonymised was saved.
    author = client_for(world_a.practitioner.person)
    as_written = author.get(_lr(world_a, "learning_review_outcomes_form", made["review"])).content.decode()
    assert FAMILY_TEXT in as_written
    assert "pseudonymised-note" not in as_written
    assert OutcomesForm.objects.get(learning_review=made["review"]).family_details == FAMILY_TEXT
    assert OutcomeComment.objects.filter(body="Add the siblings.").exists()


def test_the_api_gives_the_scrutineer_what_the_pages_give(world_a, client_for):
    made = _roam(world_a)
    scrutineer = client_for(world_a.scrutineer.person)
    kwargs = {"slug": world_a.partnership.slug, "learning_review_id": made["review"].pk}
    answers = {
        name: scrutineer.get(reverse(f"reviews_api:{name}", kwargs=kwargs))
        for name in (
            "learning_review_outcomes_form",
            "learning_review_comments",
            "learning_review_recommendations",
            "learning_review_themes",
        )
    }
    answers["rapid_review_themes"] = scrutineer.get(
        reverse(
            "reviews_api:rapid_review_themes",
            kwargs={"slug": world_a.partnership.slug, "rapid_review_id": made["rapid_review"].pk},
        )
    )
    assert {name: a.status_code for name, a in answers.items()} == dict.fromkeys(answers, 200)
    bodies = {name: a.json() for name, a in answers.items()}
    assert not _identity_in(json.dumps(bodies))
    assert bodies["learning_review_outcomes_form"]["family_details"] == WITHHELD_SECTION
    assert bodies["learning_review_outcomes_form"]["editable"] is False
    assert bodies["learning_review_recommendations"]["rows"][0]["action"] == "Audit Child A's follow-up"
    assert [t["id"] for t in bodies["rapid_review_themes"]] == [made["theme"].pk]
    # The full form's PDF is not theirs to ask for.
    pdf = scrutineer.post(reverse("reviews_api:learning_review_pdf", kwargs=kwargs))
    assert pdf.status_code == 403


def test_every_change_is_refused_and_nothing_changes(world_a, client_for):
    made = _roam(world_a)
    review, rapid_review, slug = made["review"], made["rapid_review"], world_a.partnership.slug
    scrutineer = client_for(world_a.scrutineer.person)
    audit_round = made["round"]
    writes = {
        "outcomes form": (_lr(world_a, "learning_review_outcomes_form", review), {"synopsis": "Changed"}),
        "comments": (_lr(world_a, "learning_review_comments", review), {"section": "", "body": "Mine"}),
        "information requests": (_lr(world_a, "learning_review_requests", review), {"due_on": "2030-01-01"}),
        "recommendations": (_lr(world_a, "learning_review_recommendations", review), {"title": "Mine"}),
        "learning review themes": (_lr(world_a, "learning_review_themes", review), {"themes": []}),
        "rapid review themes": (_rr(world_a, "rapid_review_themes", rapid_review), {"themes": []}),
        "the full form's PDF": (_lr(world_a, "learning_review_pdf", review), {}),
        "publication": (_lr(world_a, "learning_review_publication", review), {"publication": "none"}),
        "asking agencies": (_rr(world_a, "request_create", made["tracked"]), {}),
        "a finding": (
            reverse("audits:finding_add", kwargs={"slug": slug, "audit_round_id": audit_round.pk}),
            {"kind": "strength", "text": "Mine"},
        ),
        "children's identities": (
            reverse("reviews:incident_identities", kwargs={"slug": slug, "incident_id": made["tracked"].incident_id}),
            {},
        ),
    }
    documents_before = DocumentVersion.objects.count()
    answers = {name: scrutineer.post(url, data).status_code for name, (url, data) in writes.items()}
    wrong = {name: status for name, status in answers.items() if status != 403}
    assert not wrong, wrong
    assert OutcomesForm.objects.get(learning_review=review).synopsis == _form_fields()["synopsis"]
    assert OutcomeComment.objects.filter(form__learning_review=review).count() == 2
    assert InformationRequest.objects.filter(learning_review=review).count() == 1
    assert [t.pk for t in themes_of(partnership=world_a.partnership, record=review)] == [made["theme"].pk]
    assert [t.pk for t in themes_of(partnership=world_a.partnership, record=rapid_review)] == [made["theme"].pk]
    assert AuditFinding.objects.filter(round=audit_round).count() == 1
    assert DocumentVersion.objects.count() == documents_before
    # What stays closed: an agency's return (a case record in free text), 404 as ever.
    the_return = InformationRequest.objects.get(rapid_review=made["tracked"])
    detail = reverse("reviews:request_detail", kwargs={"slug": slug, "request_id": the_return.pk})
    assert scrutineer.get(detail).status_code == 404


def test_asking_for_the_findings_pdf_is_a_read_the_scrutineer_may_do(world_a, client_for):
    made = _roam(world_a)
    scrutineer = client_for(world_a.scrutineer.person)
    url = reverse("audits:findings_pdf", kwargs={"slug": world_a.partnership.slug, "audit_round_id": made["round"].pk})
    response = scrutineer.post(url)
    assert response.status_code == 302
    version = DocumentVersion.objects.get(document__kind="audit_findings")
    assert "Escalate earlier" in version.html
    assert scrutineer.get(response["Location"]).status_code == 200
    # The full outcomes form's PDF, made for the business managers, is not one the scrutineer can open.
    full = Document.objects.get(kind="lr.outcomes_form")
    status = reverse(
        "partnership:document_status",
        kwargs={"slug": world_a.partnership.slug, "version_id": full.versions.order_by("pk").last().pk},
    )
    assert scrutineer.get(status).status_code == 404
    assert client_for(world_a.bm).get(status).status_code == 200


def test_another_partnerships_objects_are_404(world_a, world_b, client_for):
    made = _roam(world_a)
    outsider = client_for(world_b.scrutineer.person)
    wrong = []
    for name, url in _pages(world_a, made).items():
        if name == "identity view log":
            continue  # no object: world_a's slug alone, below
        theirs = url.replace(f"/p/{world_a.partnership.slug}/", f"/p/{world_b.partnership.slug}/")
        for label, target in (("their slug", theirs), ("world_a's slug", url)):
            if (status := outsider.get(target).status_code) != 404:
                wrong.append(f"{name} with {label}: {status}")
    log = reverse("reviews:identity_log", kwargs={"slug": world_a.partnership.slug})
    if (status := outsider.get(log).status_code) != 404:
        wrong.append(f"identity view log: {status}")
    assert not wrong, wrong
