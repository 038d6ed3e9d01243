"""``seed_demo_review_history``: ten years of closed reviews in both demo partnerships, once."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from partnership.demo import demo_seed
from reviews.demo.history import HISTORY_PREFIX
from reviews.models import RapidReview

pytestmark = pytest.mark.django_db


def test_the_command_fills_both_partnerships_once():
    with pytest.raises(CommandError, match="run seed_demo"):
        call_command("seed_demo_review_history", stdout=StringIO())
    demo_seed()
    out = StringIO()
    call_command("seed_demo_review_history", stdout=out)
    history = RapidReview.objects.filter(incident__reference__startswith=HISTORY_PREFIX)
    partnerships = set(history.values_list("partnership__slug", flat=True))
    assert len(partnerships) == 2
    count = history.count()
    assert count >= 80  # at least one a quarter for ten years in each
    call_command("seed_demo_review_history", stdout=out)
    assert history.count() == count
    assert "no past rapid reviews added" in out.getvalue()
