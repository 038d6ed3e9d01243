"""Collaborations share chosen items explicitly; nothing else crosses between partnerships."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from partnership.models import Agency, Collaboration, HistoryEntry
from partnership.selectors import collaborations_for_partnership, shared_with_partnership
from partnership.services_collaboration import collaboration_share_item, collaboration_unshare_item
from tests.factories import World

pytestmark = pytest.mark.django_db


@pytest.fixture
def forum(world_a, world_b):
    forum = Collaboration.objects.create(name="Tri-borough forum", slug="tri-borough")
    forum.partnerships.add(world_a.partnership, world_b.partnership)
    return forum


def test_nothing_is_shared_until_chosen(forum, world_a, world_b):
    assert list(shared_with_partnership(partnership=world_b.partnership, model=Agency)) == []


def test_a_shared_item_is_visible_to_the_collaboration_only(forum, world_a, world_b):
    outsider = World("Outsider")
    collaboration_share_item(
        collaboration=forum, partnership=world_a.partnership, actor=world_a.bm, item=world_a.school
    )
    assert list(shared_with_partnership(partnership=world_b.partnership, model=Agency)) == [world_a.school]
    assert list(shared_with_partnership(partnership=outsider.partnership, model=Agency)) == []
    assert HistoryEntry.objects.filter(
        partnership=world_a.partnership, object_id=str(world_a.school.pk), changes__has_key="shared with"
    ).exists()


def test_sharing_twice_keeps_one_share_and_unsharing_removes_it(forum, world_a, world_b):
    for _ in range(2):
        collaboration_share_item(
            collaboration=forum, partnership=world_a.partnership, actor=world_a.bm, item=world_a.school
        )
    assert forum.shares.count() == 1
    collaboration_unshare_item(
        collaboration=forum, partnership=world_a.partnership, actor=world_a.bm, item=world_a.school
    )
    assert list(shared_with_partnership(partnership=world_b.partnership, model=Agency)) == []


def test_a_partnership_cannot_share_another_partnerships_item(forum, world_a, world_b):
    with pytest.raises(ValidationError):
        collaboration_share_item(
            collaboration=forum, partnership=world_b.partnership, actor=world_b.bm, item=world_a.school
        )
    assert forum.shares.count() == 0


def test_only_members_of_the_collaboration_can_share_into_it(forum, world_a):
    outsider = World("Outsider")
    with pytest.raises(ValidationError) as excinfo:
        collaboration_share_item(
            collaboration=forum, partnership=outsider.partnership, actor=outsider.bm, item=outsider.school
        )
    assert "collaboration" in excinfo.value.message_dict


def test_collaborations_for_partnership(forum, world_a):
    assert list(collaborations_for_partnership(partnership=world_a.partnership)) == [forum]
