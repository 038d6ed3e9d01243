"""A deadline's link worked out from its subject's id is the link its loaded subject gives (issue 13).

"My tasks" builds the links of most deadlines from ids (``SubjectType.deadline_url_from_id``) and loads the subjects
of the rest. Here both ways are asked of every deadline in the whole demo (what ``bin/run`` seeds: every workflow,
every app), and of a row of every kind of subject declared with a ``page``, whether or not the demo gives it a
deadline: the two must agree wherever the id alone answers.
"""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import transaction

from partnership.models import Agency, Deadline, Membership, Partnership, Role
from partnership.selectors.tasks import my_tasks
from partnership.subjects import (
    _REGISTRY,
    SubjectLinks,
    SubjectType,
    deadline_url,
    deadline_url_from_id,
    subject_type,
    subject_type_for,
    subject_unregister,
)

# One worker for the module (``--dist loadgroup``): the demo is seeded once for it, not once in each worker its tests
# would otherwise be shared between.
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("subject_links_demo")]

DEMO_COMMANDS = (
    "seed_demo",
    "seed_demo_reviews",
    "seed_demo_action_plans",
    "seed_demo_audits",
    "seed_demo_hub",
    "seed_demo_scrutiny",
)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The whole demo, seeded once for the module and rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        for command in DEMO_COMMANDS:
            call_command(command, stdout=StringIO())
        yield
        transaction.set_rollback(True)


def _links(partnership_id: int, cache: dict[int, SubjectLinks]) -> SubjectLinks:
    if partnership_id not in cache:
        cache[partnership_id] = SubjectLinks(Partnership.objects.get(pk=partnership_id))
    return cache[partnership_id]


def test_every_demo_deadline_links_the_same_from_ids_as_from_its_subject(demo):
    links: dict[int, SubjectLinks] = {}
    answered: set[str] = set()
    deadlines = list(Deadline.objects.dangerously_unscoped().order_by("id"))
    assert len(deadlines) > 100
    for deadline in deadlines:
        from_id = deadline_url_from_id(
            _links(deadline.partnership_id, links),
            subject_type_id=deadline.subject_type_id,
            subject_id=deadline.subject_id,
            kind=deadline.kind,
        )
        if from_id is None:
            continue
        kind = "request" if deadline.kind.startswith("request.") else deadline.kind
        answered.add(f"{deadline.subject_type.model}:{kind}")
        assert from_id == deadline_url(deadline), (deadline.subject_type.model, deadline.kind)
    # The demo's deadlines reach the kinds that answer from ids, milestones and agency requests alike.
    assert {
        "action:action.due",
        "agencyannualreport:agency_annual_report",
        "auditreturn:audit_return",
        "challenge:challenge_response",
        "learningreview:lr.information",
        "learningreview:lr.report",
        "rapidreview:request",
        "rapidreview:rr.meeting",
        "rapidreview:rr.panel_submission",
        "selfassessmentreturn:sa.return",
    } <= answered, sorted(answered)


def test_every_kind_declared_with_a_page_links_the_same_from_its_id(demo):
    links: dict[int, SubjectLinks] = {}
    declared = [t for t in _REGISTRY.values() if t.page is not None]
    assert len(declared) >= 12
    for declaration in declared:
        subject = declaration.model._base_manager.order_by("id").first()
        assert subject is not None, f"the demo has no {declaration.model.__name__}"
        from_id = declaration.deadline_url_from_id(_links(subject.partnership_id, links), subject.pk, "")
        assert from_id == declaration.url(subject) == declaration.deadline_url(subject, "") != ""


def test_a_type_overriding_its_links_is_not_linked_from_its_page_route(world_a):
    # A declaration that adds to its page's link (a fragment) must say its id-built link too: without one, the
    # subject is loaded, so the link in "my tasks" is never the bare page.
    class Fragment(SubjectType[Agency]):
        page = ("partnership:agency_detail", "agency_id")

        def url(self, subject: Agency) -> str:
            return f"{super().url(subject)}#returns"

    original = subject_type_for(Agency)
    subject_unregister(Agency)
    try:
        subject_type(Agency)(Fragment)
        links = SubjectLinks(world_a.partnership)
        type_id = ContentType.objects.get_for_model(Agency).pk
        assert deadline_url_from_id(links, subject_type_id=type_id, subject_id=world_a.school.pk, kind="") is None
    finally:
        subject_unregister(Agency)
        subject_type(Agency)(type(original))


def test_my_tasks_links_demo_deadlines_without_loading_subjects_that_answer_from_ids(demo, django_assert_num_queries):
    # A business manager's tasks across the demo's workflows: the links of the kinds that answer from ids cost
    # no query, so linking them all loads only the subjects of the kinds that need theirs.
    manager_deadlines = Deadline.objects.dangerously_unscoped().filter(state=Deadline.State.OPEN)
    partnership = Partnership.objects.get(pk=manager_deadlines.values("partnership_id").first()["partnership_id"])
    membership = (
        Membership.objects.in_partnership(partnership)
        .filter(is_active=True, roles__role=Role.BUSINESS_MANAGER)
        .select_related("person")
        .prefetch_related("roles")
        .first()
    )
    tasks = my_tasks(person=membership.person, partnership=partnership, membership=membership)
    deadline_tasks = [t for t in tasks.unlinked if t.source == "deadline"]
    assert deadline_tasks
    links = SubjectLinks(partnership)
    need_subject = {
        t.deadline.subject_type_id
        for t in deadline_tasks
        if deadline_url_from_id(
            links, subject_type_id=t.deadline.subject_type_id, subject_id=t.deadline.subject_id, kind=t.deadline.kind
        )
        is None
    }
    with django_assert_num_queries(len(need_subject)):
        tasks.link(deadline_tasks)
    assert len(need_subject) < len({t.deadline.subject_type_id for t in deadline_tasks})
    assert all(task.url for task in tasks.tasks if task.source == "deadline")
