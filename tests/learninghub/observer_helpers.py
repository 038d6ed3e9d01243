"""Makers of the learning hub observers' tests: a collaboration, and an observer of another partnership."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from learninghub.services.observers import hub_observer_invite
from partnership.models import Collaboration


def forum_make(*partnerships, name="Tri-borough forum", slug="tri-borough") -> Collaboration:
    forum = Collaboration.objects.create(name=name, slug=slug)
    forum.partnerships.add(*partnerships)
    return forum


def observer_invite(host, cycle, person, forum, *, days=60, **overrides):
    arguments = {
        "partnership": host.partnership,
        "actor": host.bm,
        "cycle": cycle,
        "grantee_email": person.email,
        "collaboration_id": forum.pk,
        "ends_on": timezone.localdate() + timedelta(days=days),
    } | overrides
    return hub_observer_invite(**arguments)
