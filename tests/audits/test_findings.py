"""Findings of a case audit: distributions (moderated grades count), findings by theme, raising, the PDF."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from audits.models import AuditFinding, AuditReturn
from audits.selectors.findings import findings_by_theme, grade_distributions, grade_distributions_of_rounds
from audits.selectors.rounds import audit_round_get
from audits.services.findings import audit_finding_add, audit_findings_raise
from audits.services.returns import audit_return_moderate, audit_return_save
from partnership.models import DocumentVersion, LearningTheme
from partnership.models.recommendations import Recommendation, RecommendationSource
from partnership.services.learning_themes import learning_themes_seed
from tests.audits.helpers import GOOD_ANSWERS, round_make

pytestmark = pytest.mark.django_db


def _submitted_round(world):
    audit_round = round_make(world)
    returns = list(AuditReturn.objects.filter(case__round=audit_round).order_by("case__position"))
    for n, audit_return in enumerate(returns):
        answers = {**GOOD_ANSWERS, "voice-grade": "1" if n == 0 else "3"}
        audit_return_save(
            partnership=world.partnership,
            membership=world.practitioner,
            audit_return=audit_return,
            answers=answers,
            version=1,
            submit=True,
        )
    audit_return_moderate(
        partnership=world.partnership,
        actor=world.bm,
        audit_return=returns[0],
        grades={"voice-grade": "2"},
        rationales={"voice-grade": "Seen, not alone"},
        version=returns[0].version,
    )
    return audit_round


def test_distribution_counts_the_moderated_grade(world_a, django_assert_max_num_queries):
    audit_round = audit_round_get(partnership=world_a.partnership, pk=_submitted_round(world_a).pk)
    with django_assert_max_num_queries(4):
        distributions = grade_distributions(partnership=world_a.partnership, audit_round=audit_round)
    voice = next(d for d in distributions if d.question.key == "voice-grade")
    assert voice.total == 2
    assert [(label, n) for label, n, _good in voice.overall] == [
        ("Outstanding", 0),
        ("Good", 1),  # moderated from Outstanding
        ("Requires improvement", 1),
        ("Inadequate", 0),
    ]
    assert voice.by_agency == [("Alpha Primary School", [0, 1, 1, 0])]


def test_without_the_agencies_the_same_overall_counts(world_a):
    # The learning hub's findings show only the overall counts: counted without the agencies, they are the same.
    audit_round = audit_round_get(partnership=world_a.partnership, pk=_submitted_round(world_a).pk)
    rounds = [audit_round]
    full = grade_distributions_of_rounds(partnership=world_a.partnership, rounds=rounds)[audit_round.pk]
    overall = grade_distributions_of_rounds(partnership=world_a.partnership, rounds=rounds, by_agency=False)
    assert [(d.question.pk, d.overall, d.total) for d in overall[audit_round.pk]] == [
        (d.question.pk, d.overall, d.total) for d in full
    ]
    assert any(d.total for d in full)
    assert all(d.by_agency == [] for d in overall[audit_round.pk])


def test_findings_by_theme_and_raising_them(world_a, world_b):
    learning_themes_seed(partnership=world_a.partnership)
    theme = LearningTheme.objects.filter(partnership=world_a.partnership).order_by("name").first()
    audit_round = _submitted_round(world_a)
    p = world_a.partnership
    strength = audit_finding_add(
        partnership=p, actor=world_a.bm, audit_round=audit_round, kind="strength", text="Children were heard"
    )
    area = audit_finding_add(
        partnership=p,
        actor=world_a.bm,
        audit_round=audit_round,
        kind="improvement",
        text="Assessments should consider fathers",
        theme_id=theme.pk,
    )
    with pytest.raises(ValidationError) as err:
        audit_finding_add(partnership=p, actor=world_a.bm, audit_round=audit_round, kind="x", text="")
    assert set(err.value.message_dict) == {"kind", "text"}
    groups = findings_by_theme(partnership=p, audit_round=audit_round)
    assert [(g.theme, len(g.strengths), len(g.improvements)) for g in groups] == [
        (theme.name, 0, 1),
        ("No theme", 1, 0),
    ]
    with pytest.raises(ValidationError) as err:
        audit_findings_raise(
            partnership=p, actor=world_a.bm, audit_round=audit_round, finding_ids=[area.pk], lead_partner=""
        )
    assert "lead_partner" in err.value.message_dict
    assert not Recommendation.objects.filter(partnership=p).exists()
    other_round = _submitted_round(world_b)
    other = audit_finding_add(
        partnership=world_b.partnership, actor=world_b.bm, audit_round=other_round, kind="strength", text="X"
    )
    with pytest.raises(ValidationError) as err:
        audit_findings_raise(
            partnership=p,
            actor=world_a.bm,
            audit_round=audit_round,
            finding_ids=[area.pk, other.pk],
            lead_partner="health",
        )
    assert "finding_ids" in err.value.message_dict
    raised = audit_findings_raise(
        partnership=p,
        actor=world_a.bm,
        audit_round=audit_round,
        finding_ids=[area.pk, strength.pk],
        lead_partner="health",
    )
    assert len(raised) == 2
    recommendation = Recommendation.objects.get(partnership=p, text="Assessments should consider fathers")
    assert recommendation.source_kind == RecommendationSource.AUDIT_ROUND
    assert recommendation.source_id == audit_round.pk
    assert AuditFinding.objects.get(pk=area.pk).recommendation == recommendation
    with pytest.raises(ValidationError):
        audit_findings_raise(
            partnership=p, actor=world_a.bm, audit_round=audit_round, finding_ids=[area.pk], lead_partner="health"
        )


def test_findings_page_pdf_and_roles(world_a, world_b, client_for, django_assert_max_num_queries):
    audit_round = _submitted_round(world_a)
    url = reverse("audits:round_findings", kwargs={"slug": world_a.partnership.slug, "audit_round_id": audit_round.pk})
    bm = client_for(world_a.bm)
    with django_assert_max_num_queries(16):
        page = bm.get(url)
    assert page.status_code == 200
    assert b"Requires improvement" in page.content
    response = bm.post(url + "new/", {"kind": "improvement", "text": ""})
    assert response.status_code == 400
    assert "text" in response.context["finding_form"].errors
    response = bm.post(url + "new/", {"kind": "improvement", "text": "Escalate earlier"})
    assert response.status_code == 302
    finding = AuditFinding.objects.get(round=audit_round)
    response = bm.post(url + "raise/", {"finding_ids": [str(finding.pk)], "lead_partner": "police"})
    assert response.status_code == 302
    assert Recommendation.objects.get(partnership=world_a.partnership).lead_partner == "police"
    response = bm.post(url + "pdf/")
    assert response.status_code == 302
    version = DocumentVersion.objects.get(document__partnership=world_a.partnership)
    assert "Escalate earlier" in version.html
    assert client_for(world_a.scrutineer.person).get(url).status_code == 200
    assert client_for(world_a.practitioner.person).get(url).status_code == 403
    other = reverse(
        "audits:round_findings", kwargs={"slug": world_b.partnership.slug, "audit_round_id": audit_round.pk}
    )
    assert client_for(world_b.bm).get(other).status_code == 404


def test_findings_api(world_a, world_b):
    from rest_framework.test import APIClient

    from tests.conftest import login

    audit_round = _submitted_round(world_a)
    client = login(APIClient(), world_a.bm)
    url = reverse("audits_api:findings", kwargs={"slug": world_a.partnership.slug, "audit_round_id": audit_round.pk})
    data = client.get(url).json()
    voice = next(d for d in data["distributions"] if d["key"] == "voice-grade")
    assert [g["count"] for g in voice["grades"]] == [0, 1, 1, 0]
    response = client.post(url, {"kind": "improvement", "text": ""}, format="json")
    assert response.status_code == 400
    response = client.post(url, {"kind": "improvement", "text": "Share earlier"}, format="json")
    assert response.status_code == 201
    finding_id = response.json()["findings"][0]["id"]
    response = client.post(url + "raise/", {"finding_ids": [finding_id], "lead_partner": "health"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["findings"][0]["recommendation_id"] is not None
    response = client.post(url + "pdf/")
    assert response.status_code == 202
    other = reverse("audits_api:findings", kwargs={"slug": world_b.partnership.slug, "audit_round_id": audit_round.pk})
    assert login(APIClient(), world_b.bm).get(other).status_code == 404
    assert login(APIClient(), world_a.practitioner.person).get(url).status_code == 403


def test_the_findings_pdf_renders_with_weasyprint(world_a):
    from audits.services.findings import audit_findings_pdf_request
    from partnership.services.documents import document_render_version
    from tests.partnership.test_documents import _pdf_text

    audit_round = _submitted_round(world_a)
    audit_finding_add(
        partnership=world_a.partnership,
        actor=world_a.bm,
        audit_round=audit_round,
        kind="improvement",
        text="Assessments should consider fathers",
    )
    version = audit_findings_pdf_request(partnership=world_a.partnership, actor=world_a.bm, audit_round=audit_round)
    document_render_version(version_id=version.pk)  # the worker's side, run here
    version.refresh_from_db()
    assert version.state == DocumentVersion.State.READY
    text = _pdf_text(bytes(version.pdf))
    assert "Assessments should consider fathers" in text
    assert "Requires improvement" in text
    assert "3 cases screened, 2 selected" in text


@pytest.fixture
def api_for():
    from rest_framework.test import APIClient

    from tests.conftest import login

    return lambda person: login(APIClient(), person)


def _findings_url(world, audit_round, suffix=""):
    return (
        reverse("audits_api:findings", kwargs={"slug": world.partnership.slug, "audit_round_id": audit_round.pk})
        + suffix
    )


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "praise", "text": "Heard"}, "kind"),
        ({"text": "Heard"}, "kind"),
        ({"kind": "strength"}, "text"),
        ({"kind": "strength", "text": "x" * 1001}, "text"),
        ({"kind": "strength", "text": "Heard", "theme_id": "first"}, "theme_id"),
        ({"kind": "strength", "text": "Heard", "theme_id": 0}, "theme_id"),
        ({"kind": "strength", "text": "Heard", "theme_id": 2**63}, "theme_id"),
        ({"kind": "strength", "text": "Heard", "theme_id": 987654321}, "theme_id"),
    ],
)
def test_a_bad_finding_is_400_with_the_field_and_nothing_is_kept(world_a, api_for, body, field):
    audit_round = _submitted_round(world_a)
    response = api_for(world_a.bm).post(_findings_url(world_a, audit_round), body, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert not AuditFinding.objects.filter(round=audit_round).exists()


def test_another_partnerships_theme_is_refused_like_a_missing_one(world_a, world_b, api_for):
    audit_round = _submitted_round(world_a)
    learning_themes_seed(partnership=world_b.partnership)
    theirs = LearningTheme.objects.filter(partnership=world_b.partnership).first()
    body = {"kind": "strength", "text": "Heard", "theme_id": theirs.pk}
    foreign = api_for(world_a.bm).post(_findings_url(world_a, audit_round), body, format="json")
    missing = api_for(world_a.bm).post(
        _findings_url(world_a, audit_round), {**body, "theme_id": 987654321}, format="json"
    )
    assert (foreign.status_code, foreign.json()) == (missing.status_code, missing.json())
    assert foreign.status_code == 400


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"lead_partner": "health"}, "finding_ids"),
        ({"finding_ids": [], "lead_partner": "health"}, "finding_ids"),
        ({"finding_ids": "all", "lead_partner": "health"}, "finding_ids"),
        ({"finding_ids": [987654321], "lead_partner": "health"}, "finding_ids"),
        ({"finding_ids": list(range(1, 52)), "lead_partner": "health"}, "finding_ids"),
        ({"finding_ids": "OWN", "lead_partner": "fire"}, "lead_partner"),
        ({"finding_ids": "OWN"}, "lead_partner"),
    ],
)
def test_raising_with_bad_input_is_400_with_the_field_and_raises_nothing(world_a, api_for, body, field):
    audit_round = _submitted_round(world_a)
    own = audit_finding_add(
        partnership=world_a.partnership, actor=world_a.bm, audit_round=audit_round, kind="improvement", text="Share"
    )
    if body.get("finding_ids") == "OWN":
        body = {**body, "finding_ids": [own.pk]}
    response = api_for(world_a.bm).post(_findings_url(world_a, audit_round, "raise/"), body, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert not Recommendation.objects.filter(partnership=world_a.partnership).exists()


def test_raising_another_partnerships_finding_is_refused_like_a_missing_one(world_a, world_b, api_for):
    mine, theirs = _submitted_round(world_a), _submitted_round(world_b)
    foreign = audit_finding_add(
        partnership=world_b.partnership, actor=world_b.bm, audit_round=theirs, kind="improvement", text="Share"
    )
    url = _findings_url(world_a, mine, "raise/")
    answer = api_for(world_a.bm).post(url, {"finding_ids": [foreign.pk], "lead_partner": "health"}, format="json")
    missing = api_for(world_a.bm).post(url, {"finding_ids": [987654321], "lead_partner": "health"}, format="json")
    assert (
        (answer.status_code, answer.json())
        == (missing.status_code, missing.json())
        == (
            400,
            {"finding_ids": ["Choose findings of this audit from the list."]},
        )
    )
    assert not Recommendation.objects.exists()
    foreign.refresh_from_db()
    assert foreign.recommendation_id is None
