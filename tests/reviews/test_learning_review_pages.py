"""Learning review pages: who sees what (per role and part in the review), tenancy, the workflow through
the pages, bad input kept, and query counts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from partnership.models import DocumentVersion, Membership
from reviews.models import (
    Contributor,
    DecisionOutcome,
    InformationRequest,
    LearningReview,
    Methodology,
    OutcomeComment,
    OutcomesForm,
)
from reviews.services import learning_review as services
from tests.reviews.decision_helpers import all_approve, decision_record, ready_review
from tests.reviews.learning_review_factories import contributor_make, learning_review_make

pytestmark = pytest.mark.django_db
ROLES = [
    "business_manager",
    "la_lead",
    "health_lead",
    "police_lead",
    "scrutineer",
    "practitioner",
    "agency_lead",
    "lay_member",
    "observer",
]


def url(world, name: str, review=None, **kwargs) -> str:
    if review is not None:
        kwargs["learning_review_id"] = review.pk
    return reverse(f"reviews:{name}", kwargs={"slug": world.partnership.slug, **kwargs})


@pytest.fixture
def review(world_a) -> LearningReview:
    """Led by the practitioner; the agency lead contributes; nobody else takes part."""
    review = learning_review_make(world_a)
    contributor_make(world_a, review)
    return review


def _as(client_for, world, role):
    return client_for(getattr(world, role).person)


def _fill_and_draft(world, review):
    form = OutcomesForm.objects.get(learning_review=review)
    services.outcomes_form_update(
        partnership=world.partnership,
        actor=world.bm,
        learning_review=review,
        fields={"synopsis": "Synopsis.", "key_findings": "Findings."},
        recommendations=[],
        expected_updated_at=form.updated_at,
    )
    services.learning_review_start_drafting(partnership=world.partnership, actor=world.bm, learning_review=review)


def _out_for_comment(world, review):
    _fill_and_draft(world, review)
    services.learning_review_circulate(
        partnership=world.partnership,
        actor=world.bm,
        learning_review=review,
        comments_due_on=timezone.localdate() + timedelta(days=7),
    )


def _final(world, review):
    _fill_and_draft(world, review)
    services.learning_review_finalise(partnership=world.partnership, actor=world.bm, learning_review=review)


# --- Who sees what ---------------------------------------------------------------------------------------------

# The review's detail: everyone who oversees, and the people taking part; anyone else is told it does not exist.
DETAIL = {
    "business_manager": 200,
    "la_lead": 200,
    "health_lead": 200,
    "police_lead": 200,
    "scrutineer": 200,
    "practitioner": 200,  # lead author
    "agency_lead": 200,  # contributor
    "lay_member": 404,
    "observer": 404,
}
# The draft and its comments: participants, and the scrutineer pseudonymised (tests/scrutiny/test_freedom_to_roam.py);
# 403 for the partner leads, who see the review but not the draft.
DRAFT = {**DETAIL, "la_lead": 403, "health_lead": 403, "police_lead": 403}


@pytest.mark.parametrize("role", ROLES)
def test_detail_per_role(world_a, review, client_for, role):
    assert (
        _as(client_for, world_a, role).get(url(world_a, "learning_review_detail", review)).status_code == DETAIL[role]
    )


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", ["learning_review_outcomes_form", "learning_review_comments", "learning_review_print"])
def test_the_draft_and_its_comments_per_role(world_a, review, client_for, role, page):
    assert _as(client_for, world_a, role).get(url(world_a, page, review)).status_code == DRAFT[role]


@pytest.mark.parametrize("role", ROLES)
def test_once_final_oversight_reads_the_form_participants_and_scrutiny_the_comments(world_a, review, client_for, role):
    _final(world_a, review)
    client = _as(client_for, world_a, role)
    assert client.get(url(world_a, "learning_review_outcomes_form", review)).status_code == DETAIL[role]
    assert client.get(url(world_a, "learning_review_comments", review)).status_code == DRAFT[role]
    summary = client.get(url(world_a, "learning_review_public_summary", review))
    assert summary.status_code == DETAIL[role]


# Who changes the plan, circulates and finalises: the lead author and business managers.
MANAGE = {**DETAIL, "la_lead": 403, "health_lead": 403, "police_lead": 403, "scrutineer": 403, "agency_lead": 403}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", ["learning_review_edit", "learning_review_circulate", "learning_review_finalise"])
def test_managing_pages_per_role(world_a, review, client_for, role, page):
    assert _as(client_for, world_a, role).get(url(world_a, page, review)).status_code == MANAGE[role]


PUBLICATION = {**DETAIL, "scrutineer": 403, "practitioner": 403, "agency_lead": 403}
# The business managers ask agencies there; the scrutineer reads who was asked.
REQUESTS = {**MANAGE, "practitioner": 403, "scrutineer": 200}


@pytest.mark.parametrize("role", ROLES)
def test_publication_and_requests_pages_per_role(world_a, review, client_for, role):
    client = _as(client_for, world_a, role)
    assert client.get(url(world_a, "learning_review_publication", review)).status_code == PUBLICATION[role]
    assert client.get(url(world_a, "learning_review_requests", review)).status_code == REQUESTS[role]


@pytest.mark.parametrize("role", ROLES)
def test_only_business_managers_open_reviews(world_a, client_for, role):
    expected = 200 if role == "business_manager" else 403
    assert _as(client_for, world_a, role).get(url(world_a, "learning_review_open")).status_code == expected


def test_the_list_shows_each_member_only_what_they_may_see(world_a, review, client_for):
    other = learning_review_make(world_a, title="Another team review", lead_author=world_a.la_lead.person)

    def listed(role):
        html = _as(client_for, world_a, role).get(url(world_a, "learning_review_list")).content.decode()
        return {r.reference for r in (review, other) if r.reference in html and r.title in html}

    assert listed("business_manager") == {review.reference, other.reference}
    assert listed("scrutineer") == {review.reference, other.reference}
    assert listed("health_lead") == {review.reference, other.reference}
    assert listed("practitioner") == {review.reference}  # leads it
    assert listed("agency_lead") == {review.reference}  # contributes
    assert listed("lay_member") == set()


def test_learning_reviews_are_in_every_members_navigation(world_a, client_for):
    for role in ("business_manager", "observer"):
        html = _as(client_for, world_a, role).get(url(world_a, "learning_review_list")).content.decode()
        assert 'aria-current="page">Learning reviews</a>' in html


# --- Another partnership ---------------------------------------------------------------------------------------


PAGES_WITH_A_REVIEW = [
    "learning_review_detail",
    "learning_review_edit",
    "learning_review_requests",
    "learning_review_outcomes_form",
    "learning_review_circulate",
    "learning_review_comments",
    "learning_review_finalise",
    "learning_review_publication",
    "learning_review_print",
    "learning_review_public_summary",
]
POST_ONLY = [
    "learning_review_contributor_add",
    "learning_review_start_drafting",
    "learning_review_take_back",
    "learning_review_pdf",
    "learning_review_public_summary_pdf",
]


@pytest.mark.parametrize("page", PAGES_WITH_A_REVIEW + POST_ONLY)
def test_another_partnerships_business_manager_gets_404(world_a, world_b, review, client_for, page):
    client = client_for(world_b.bm)
    own = url(world_a, page, review)
    swapped = reverse(f"reviews:{page}", kwargs={"slug": world_b.partnership.slug, "learning_review_id": review.pk})
    read_only = {"learning_review_detail", "learning_review_print", "learning_review_public_summary"}
    # Under world_a's slug: not a member, 404 whatever the method.
    assert client.get(own).status_code == 404
    assert client.post(own, {}).status_code == 404
    # Under their own slug, world_a's review: 404; 405 only where the route refuses the method for one's
    # own reviews too, which says nothing about the review.
    assert client.get(swapped).status_code == (404 if page in PAGES_WITH_A_REVIEW else 405)
    assert client.post(swapped, {}).status_code == (405 if page in read_only else 404)


def test_another_partnerships_contributor_ids_are_404(world_a, world_b, review, client_for):
    theirs = learning_review_make(world_b)
    their_contributor = contributor_make(world_b, theirs)
    client = client_for(world_a.bm)
    for name in ("learning_review_contributor_update", "learning_review_contributor_remove"):
        target = url(world_a, name, review, contributor_id=their_contributor.pk)
        assert client.post(target, {}).status_code == 404
    assert Contributor.objects.filter(pk=their_contributor.pk).exists()


# --- The workflow through the pages ------------------------------------------------------------------------------


def _plan_data(world, **overrides) -> dict:
    today = timezone.localdate()
    data = {
        "methodology": Methodology.THEMATIC,
        "title": "Exploitation across three families",
        "scope": "Three families, 2025 to 2026.",
        "key_lines_of_enquiry": "Information sharing between police and schools.",
        "information_due_on": (today + timedelta(days=10)).isoformat(),
        "report_due_on": (today + timedelta(days=30)).isoformat(),
        "lead_author": str(world.agency_lead.person.pk),
        "practitioner_event_on": "",
        "practitioner_event_details": "",
    }
    data.update(overrides)
    return data


def test_opening_a_review_on_the_page(world_a, client_for):
    response = client_for(world_a.bm).post(url(world_a, "learning_review_open"), _plan_data(world_a))
    review = LearningReview.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url(world_a, "learning_review_detail", review)
    assert review.methodology == Methodology.THEMATIC
    assert review.lead_author == world_a.agency_lead.person


def test_dates_in_the_wrong_order_are_refused_beside_the_field_with_everything_kept(world_a, client_for):
    today = timezone.localdate()
    data = _plan_data(
        world_a,
        information_due_on=(today + timedelta(days=30)).isoformat(),
        report_due_on=(today + timedelta(days=10)).isoformat(),
    )
    response = client_for(world_a.bm).post(url(world_a, "learning_review_open"), data)
    html = response.content.decode()
    assert response.status_code == 400
    assert "before information gathering ends" in html
    assert 'href="#id_report_due_on"' in html
    assert "Information sharing between police and schools." in html
    assert "Exploitation across three families" in html
    assert not LearningReview.objects.exists()


def test_opening_from_a_rapid_review_decision_on_the_page(world_a, client_for):
    rapid_review = ready_review(world_a)
    decision_record(
        world_a, rapid_review, outcome=DecisionOutcome.LEARNING_REVIEW, methodology=Methodology.SINGLE_ISSUE
    )
    client = client_for(world_a.bm)
    target = url(world_a, "learning_review_open_from_rapid_review", rapid_review_id=rapid_review.pk)
    response = client.get(target)
    assert response.status_code == 200
    assert "not been signed off" in response.content.decode()
    assert client.post(target, _plan_data(world_a)).status_code == 400
    all_approve(world_a, rapid_review)
    response = client.post(target, _plan_data(world_a))
    review = LearningReview.objects.get()
    assert response.status_code == 302
    assert (review.rapid_review_id, review.methodology) == (rapid_review.pk, Methodology.SINGLE_ISSUE)
    # Asking again goes to the review already opened.
    assert client.get(target)["Location"] == url(world_a, "learning_review_detail", review)


def test_the_rapid_review_include_offers_the_review_to_business_managers_once_signed_off(world_a, client_for):
    rapid_review = ready_review(world_a)
    decision_record(world_a, rapid_review, outcome=DecisionOutcome.LEARNING_REVIEW, methodology=Methodology.DESKTOP)

    def render(membership: Membership) -> str:
        rapid_review.refresh_from_db()
        membership = Membership.objects.prefetch_related("roles").get(pk=membership.pk)
        request = RequestFactory().get("/")
        return render_to_string(
            "reviews/learning_review/_from_rapid_review.html",
            {"rapid_review": rapid_review, "current_membership": membership},
            request=request,
        )

    assert "Open the learning review" not in render(world_a.business_manager)  # not signed off yet
    all_approve(world_a, rapid_review)
    assert "Open the learning review" in render(world_a.business_manager)
    assert "A business manager opens it." in render(world_a.la_lead)


def test_contributors_are_added_flagged_and_removed_on_the_review_page(world_a, review, client_for):
    client = client_for(world_a.practitioner.person)  # the lead author
    response = client.post(
        url(world_a, "learning_review_contributor_add", review),
        {"person": world_a.health_lead.person.pk, "attended_event": "on"},
    )
    assert response.status_code == 302
    added = Contributor.objects.get(learning_review=review, person=world_a.health_lead.person)
    assert added.attended_event
    assert added.agency == world_a.icb
    # Choosing someone already contributing is refused on the page.
    response = client.post(url(world_a, "learning_review_contributor_add", review), {"person": added.person.pk})
    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()
    # The page draws each contributor's row with its version; a save from it is applied.
    page = client.get(url(world_a, "learning_review_detail", review)).content.decode()
    assert f'name="expected_updated_at" value="{added.updated_at.isoformat()}"' in page
    drawn = {"unable_to_contribute": "on", "expected_updated_at": added.updated_at.isoformat()}
    client.post(url(world_a, "learning_review_contributor_update", review, contributor_id=added.pk), drawn)
    added.refresh_from_db()
    assert (added.attended_event, added.unable_to_contribute) == (False, True)
    # The same page sent again (someone has saved since) is refused with a reload message: not applied blind.
    stale = client.post(
        url(world_a, "learning_review_contributor_update", review, contributor_id=added.pk),
        {"attended_event": "on", "expected_updated_at": drawn["expected_updated_at"]},
        follow=True,
    )
    assert "Someone else changed this contributor while you were editing it." in stale.content.decode()
    # And a post with no version at all (a stale page from before versions, a script) the same.
    blind = client.post(
        url(world_a, "learning_review_contributor_update", review, contributor_id=added.pk),
        {"attended_event": "on"},
        follow=True,
    )
    assert "This page is out of date. Reload it and make your change again." in blind.content.decode()
    added.refresh_from_db()
    assert (added.attended_event, added.unable_to_contribute) == (False, True)
    client.post(url(world_a, "learning_review_contributor_remove", review, contributor_id=added.pk))
    assert not Contributor.objects.filter(pk=added.pk).exists()
    # A contributor cannot change the contributors.
    contributor = _as(client_for, world_a, "agency_lead")
    assert contributor.post(url(world_a, "learning_review_contributor_add", review), {"person": 1}).status_code == 403


def test_agency_requests_use_the_information_request_services(world_a, review, client_for):
    client = client_for(world_a.bm)
    due = (timezone.localdate() + timedelta(days=7)).isoformat()
    data = {
        "due_on": due,
        f"agency_{world_a.school.pk}": "on",
        f"assignee_{world_a.school.pk}": world_a.practitioner.person.pk,
    }
    mail.outbox.clear()
    response = client.post(url(world_a, "learning_review_requests", review), data)
    assert response.status_code == 302
    request = InformationRequest.objects.get(learning_review=review)
    assert (request.agency, request.assignee, request.due_on.isoformat()) == (
        world_a.school,
        world_a.practitioner.person,
        due,
    )
    detail = client.get(url(world_a, "learning_review_detail", review)).content.decode()
    assert world_a.school.name in detail
    assert "Requested" in detail
    # Without a due date the page says so, and keeps the choices.
    response = client.post(url(world_a, "learning_review_requests", review), {f"agency_{world_a.icb.pk}": "on"})
    assert response.status_code == 400


def test_circulate_comment_take_back_and_finalise_through_the_pages(
    world_a, review, client_for, django_capture_on_commit_callbacks
):
    _fill_and_draft(world_a, review)
    author = client_for(world_a.practitioner.person)
    due = (timezone.localdate() + timedelta(days=5)).isoformat()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = author.post(
            url(world_a, "learning_review_circulate", review), {"comments_due_on": due, "message": ""}
        )
    assert response.status_code == 302
    assert any(world_a.agency_lead.person.email in m.to for m in mail.outbox)

    contributor = client_for(world_a.agency_lead.person)
    comments = url(world_a, "learning_review_comments", review)
    page = contributor.get(comments + "?section=key_findings").content.decode()
    assert '<option value="key_findings" selected>' in page
    response = contributor.post(comments, {"section": "key_findings", "body": "Add the GP's view."})
    assert response.status_code == 302
    response = contributor.post(comments, {"section": "", "body": ""})
    assert response.status_code == 400
    assert "Enter your comment." in response.content.decode()
    # The author sees comments grouped by section, and cannot comment.
    page = author.get(comments).content.decode()
    assert "Findings and key learning points" in page
    assert "Add the GP&#x27;s view." in page
    assert author.post(comments, {"section": "", "body": "Me too"}).status_code == 403
    assert OutcomeComment.objects.count() == 1

    # Finalising while out for comment is refused with the reason; taking back then finalising works.
    response = author.post(url(world_a, "learning_review_finalise", review), follow=True)
    assert "take their comments back" in response.content.decode()
    author.post(url(world_a, "learning_review_take_back", review))
    response = author.post(url(world_a, "learning_review_finalise", review))
    review.refresh_from_db()
    assert review.state == LearningReview.State.FINAL
    # The practitioner lead author is not in the PDF's audience: back to the review, not to a 404.
    assert response["Location"] == url(world_a, "learning_review_detail", review)
    assert DocumentVersion.objects.filter(document__kind="lr.outcomes_form").count() == 1


def test_the_business_manager_goes_to_the_pdfs_progress_page(world_a, review, client_for):
    _fill_and_draft(world_a, review)
    response = client_for(world_a.bm).post(url(world_a, "learning_review_finalise", review))
    version = DocumentVersion.objects.get()
    assert response["Location"] == reverse(
        "partnership:document_status", kwargs={"slug": world_a.partnership.slug, "version_id": version.pk}
    )
    response = client_for(world_a.bm).post(url(world_a, "learning_review_public_summary_pdf", review))
    summary = DocumentVersion.objects.get(document__kind="lr.public_summary")
    assert response["Location"].endswith(f"/documents/{summary.pk}/")
    # The lead author (a practitioner) may open the public summary, not the full form's PDF.
    author = client_for(world_a.practitioner.person)
    assert author.get(response["Location"]).status_code == 200
    assert (
        author.get(
            reverse("partnership:document_status", kwargs={"slug": world_a.partnership.slug, "version_id": version.pk})
        ).status_code
        == 404
    )
    assert author.post(url(world_a, "learning_review_pdf", review)).status_code == 403


def test_the_publication_decision_on_the_page(world_a, review, client_for):
    client = client_for(world_a.police_lead.person)
    target = url(world_a, "learning_review_publication", review)
    page = client.get(target).content.decode()
    assert "How the family has been involved" not in page  # part of the draft: not for partner leads
    version = {"expected_updated_at": review.updated_at.isoformat()}
    response = client.post(target, {"publication": "none", "publication_reasons": "", **version})
    assert response.status_code == 400
    assert "Give the reasons" in response.content.decode()
    response = client.post(target, {"publication": "none", "publication_reasons": "Risk to the siblings.", **version})
    assert response.status_code == 302
    review.refresh_from_db()
    assert (review.publication, review.publication_reasons) == ("none", "Risk to the siblings.")


# --- Query counts ---------------------------------------------------------------------------------------------


def _queries(client, target) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(target).status_code == 200
    return len(queries)


def test_the_list_runs_a_fixed_number_of_queries(world_a, client_for, django_assert_max_num_queries):
    client = client_for(world_a.bm)
    learning_review_make(world_a)
    few = _queries(client, url(world_a, "learning_review_list"))
    for n in range(6):
        review = learning_review_make(world_a, title=f"Review {n}")
        contributor_make(world_a, review)
    assert _queries(client, url(world_a, "learning_review_list")) == few
    with django_assert_max_num_queries(6):
        client.get(url(world_a, "learning_review_list"))


def test_the_list_pages_25_at_a_time_and_counts_each_reviews_contributors_and_returns(
    world_a, review, client_for, monkeypatch
):
    from reviews.views.learning_review import listing

    monkeypatch.setattr(listing, "REVIEWS_PER_PAGE", 2)
    contributor_make(world_a, review, membership=world_a.la_lead)  # the fixture's review has the agency lead
    newer = [learning_review_make(world_a, title=f"Later review {n}") for n in range(2)]
    client = client_for(world_a.bm)

    first = client.get(url(world_a, "learning_review_list")).content.decode()
    assert "3 learning reviews, newest first (page 1 of 2)" in first
    assert all(r.reference in first for r in newer)
    assert review.reference not in first
    assert "Next page" in first

    second = client.get(url(world_a, "learning_review_list") + "?page=2").content.decode()
    assert review.reference in second
    row = second.split(review.reference, 1)[1].split("</tr>", 1)[0]
    assert row.rstrip().endswith("<td>2</td>")  # two contributors, counted once each
    assert "Previous page" in second


def test_the_detail_runs_a_fixed_number_of_queries(world_a, review, client_for, django_assert_max_num_queries):
    client = client_for(world_a.bm)
    target = url(world_a, "learning_review_detail", review)
    few = _queries(client, target)
    for membership in (world_a.health_lead, world_a.police_lead, world_a.lay_member, world_a.observer):
        contributor_make(world_a, review, membership=membership)
    assert _queries(client, target) == few
    # 12, plus 3 for the review's learning (issue 9): its recommendations, its themes, its dissemination records.
    with django_assert_max_num_queries(15):
        client.get(target)


def test_the_form_offers_the_contributors_and_event_date_it_already_knows(world_a, review, client_for):
    contributor_make(world_a, review, membership=world_a.health_lead, unable_to_contribute=True)
    LearningReview.objects.filter(pk=review.pk).update(practitioner_event_on=timezone.localdate())
    html = client_for(world_a.practitioner.person).get(url(world_a, "learning_review_outcomes_form", review))
    html = html.content.decode()
    assert "Alpha Agency Lead, Alpha Primary School</textarea>" in html
    assert "Alpha Health Lead, Alpha ICB</textarea>" in html
    assert f'value="{timezone.localdate().isoformat()}"' in html
    assert OutcomesForm.objects.get(learning_review=review).contributors_text == ""  # offered, not saved
