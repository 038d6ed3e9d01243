"""Figures kept until a partnership's records change (partnership.figures_cache): every way a tenant row is written
moves on the generation of its partnership (and only its own, where the writer names it), a write's commit moves it
again so figures read before the commit are not kept, a cache that lost its generations never meets an old key, and a
cache that cannot be reached costs the figures their keeping, never a write or a page."""

from __future__ import annotations

import itertools
from datetime import date
from pathlib import Path

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from partnership import figures_cache
from partnership.figures_cache import figures_cached
from partnership.models import Agency, Partnership
from partnership.selectors import working_day_calendar
from partnership.services.partnership_settings import closure_day_add, closure_day_remove
from reviews.models import SeriousIncident
from tests.factories import AgencyFactory, World
from tests.reviews.factories import rapid_review_make

pytestmark = pytest.mark.django_db

LOCAL = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "figures-cache-tests"}}


@pytest.fixture
def kept(settings):
    """Caching on, in this process's memory; ``kept(world)`` answers a counter's figures for its partnership: the
    same number while they are kept, the next one once they are worked out again."""
    settings.CACHES = LOCAL
    settings.FIGURES_CACHE_SECONDS = 600
    cache.clear()
    counter = itertools.count(1)

    def figures(world, parts=("counted",)):
        return figures_cached(partnership_id=world.partnership.pk, parts=parts, compute=lambda: next(counter))

    return figures


def test_figures_are_kept_for_the_same_parts_and_worked_out_for_others(world_a, kept):
    assert kept(world_a) == 1
    assert kept(world_a) == 1
    assert kept(world_a, parts=("counted", "another filter")) == 2
    assert kept(world_a, parts=("counted", "another filter")) == 2


def test_another_release_never_reads_what_this_one_kept(world_a, kept, monkeypatch):
    """A deploy changes selectors and templates: what the release before kept (pickled objects of its classes, pages
    drawn by its templates) is not served by the new one."""
    assert kept(world_a) == 1
    monkeypatch.setattr(figures_cache, "release", lambda: "next-release")
    assert kept(world_a) == 2
    assert kept(world_a) == 2


def test_the_release_is_the_projects_code_and_templates(settings, tmp_path):
    figures_cache.release.cache_clear()
    this = figures_cache.release()
    assert this == figures_cache.release()
    for folder in figures_cache._RELEASE_FOLDERS:
        (tmp_path / folder).mkdir()
    (tmp_path / "templates" / "page.html").write_text("<p>One</p>")
    settings.BASE_DIR = tmp_path
    figures_cache.release.cache_clear()
    one = figures_cache.release()
    (tmp_path / "templates" / "page.html").write_text("<p>Two</p>")
    figures_cache.release.cache_clear()
    assert figures_cache.release() not in {one, this}
    settings.BASE_DIR = Path(__file__).resolve().parents[2]
    figures_cache.release.cache_clear()
    assert figures_cache.release() == this


def test_off_they_are_worked_out_every_time(world_a, kept, settings):
    settings.FIGURES_CACHE_SECONDS = 0
    assert [kept(world_a), kept(world_a)] == [1, 2]


def test_a_row_saved_or_deleted_makes_its_own_partnerships_figures_stale_only(world_a, world_b, kept):
    assert (kept(world_a), kept(world_b)) == (1, 2)
    world_a.school.name = "Alpha Academy"
    world_a.school.save()
    assert (kept(world_a), kept(world_b)) == (3, 2)
    hospice = AgencyFactory(partnership=world_b.partnership, name="Bravo Hospice")
    assert (kept(world_a), kept(world_b)) == (3, 4)
    hospice.delete()
    assert (kept(world_a), kept(world_b)) == (3, 5)


def test_a_queryset_update_or_delete_naming_its_partnership_makes_that_ones_stale(world_a, world_b, kept):
    assert (kept(world_a), kept(world_b)) == (1, 2)
    Agency.objects.in_partnership(world_b.partnership).filter(pk=world_b.school.pk).update(name="Bravo Academy")
    assert (kept(world_a), kept(world_b)) == (1, 3)
    # Through the partnership's own related manager, and through a tenant row's.
    world_b.partnership.agencies.filter(pk=world_b.school.pk).update(name="Bravo School")
    assert (kept(world_a), kept(world_b)) == (1, 4)
    world_a.school.memberships.filter(pk=world_a.practitioner.pk).update(job_title="Teacher")
    assert (kept(world_a), kept(world_b)) == (5, 4)
    AgencyFactory(partnership=world_a.partnership, name="Alpha Hospice")
    assert (kept(world_a), kept(world_b)) == (6, 4)
    Agency.objects.filter(partnership_id__in=[world_a.partnership.pk]).filter(name="Alpha Hospice").delete()
    assert (kept(world_a), kept(world_b)) == (7, 4)


def test_an_update_that_changes_nothing_keeps_them(world_a, kept):
    assert kept(world_a) == 1
    Agency.objects.in_partnership(world_a.partnership).filter(name="No such agency").update(name="x")
    assert kept(world_a) == 1


def test_a_write_naming_no_partnership_makes_every_partnerships_stale(world_a, world_b, kept):
    assert (kept(world_a), kept(world_b)) == (1, 2)
    # Across partnerships, as a sweep writes: the writer cannot say whose figures moved.
    Agency.objects.dangerously_unscoped().filter(pk=world_a.school.pk).update(name="Alpha Academy")
    assert (kept(world_a), kept(world_b)) == (3, 4)


def test_rows_made_or_changed_in_bulk_make_their_partnerships_stale(world_a, world_b, kept):
    assert (kept(world_a), kept(world_b)) == (1, 2)
    Agency.objects.bulk_create([Agency(partnership=world_b.partnership, name="Bravo Nursery")])
    assert (kept(world_a), kept(world_b)) == (1, 3)
    world_a.school.name = "Alpha Academy"
    Agency.objects.bulk_update([world_a.school], ["name"])
    assert (kept(world_a), kept(world_b)) == (4, 3)


def test_a_link_between_rows_or_the_partnerships_own_settings_make_them_stale(world_a, world_b, kept):
    incident = SeriousIncident.objects.get(pk=rapid_review_make(world_a).incident_id)
    assert (kept(world_a), kept(world_b)) == (1, 2)
    incident.agencies.add(world_a.police)
    assert (kept(world_a), kept(world_b)) == (3, 2)
    incident.agencies.remove(world_a.police)
    assert (kept(world_a), kept(world_b)) == (4, 2)
    # The nation decides the bank holidays every working-day figure counts.
    Partnership.objects.filter(pk=world_b.partnership.pk).first().save()
    assert (kept(world_a), kept(world_b)) == (4, 5)


@pytest.mark.django_db(transaction=True)
def test_figures_read_before_a_write_commits_are_not_kept_after_it(kept):
    world = World("Alpha")
    assert kept(world) == 1
    with transaction.atomic():
        world.school.name = "Alpha Academy"
        world.school.save()
        # Another reader, not seeing the write yet, works the figures out from the rows as they were and keeps them
        # under the generation the write moved to.
        assert kept(world) == 2
        world.council.save()  # a second write in the transaction: still one more move, at its commit
        assert kept(world) == 3
        assert kept(world) == 3
    assert kept(world) == 4


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_savepoint_leaves_the_transactions_commit_to_move_them(kept):
    world = World("Alpha")
    with transaction.atomic():
        try:
            with transaction.atomic():
                world.school.save()
                raise RuntimeError("refused")
        except RuntimeError:
            pass
        assert kept(world) == 1
        world.council.save()
        assert kept(world) == 2
    assert kept(world) == 3


def test_a_cache_that_lost_its_generations_never_serves_what_it_kept_before(world_a, kept):
    assert kept(world_a) == 1
    cache.delete_many(["figures:generation:all", f"figures:generation:p{world_a.partnership.pk}"])
    assert kept(world_a) == 2
    assert kept(world_a) == 2


def test_an_unreachable_cache_works_the_figures_out_and_never_fails_a_write(world_a, kept, settings):
    # A Redis that is not there (nothing listens on port 1): refused at once.
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}
    }
    assert [kept(world_a), kept(world_a)] == [1, 2]
    world_a.school.name = "Alpha Academy"
    world_a.school.save()
    Agency.objects.in_partnership(world_a.partnership).filter(pk=world_a.school.pk).update(name="Alpha School")
    assert Agency.objects.in_partnership(world_a.partnership).get(pk=world_a.school.pk).name == "Alpha School"


def test_a_partnerships_closure_days_are_kept_until_they_change(world_a, world_b, kept):
    # 2027-03-03 is a Wednesday, a working day in England.
    day = date(2027, 3, 3)
    assert working_day_calendar(partnership=world_a.partnership).is_working_day(day)
    with CaptureQueriesContext(connection) as again:
        assert working_day_calendar(partnership=world_a.partnership).is_working_day(day)
    assert len(again) == 0
    closed = closure_day_add(partnership=world_a.partnership, actor=world_a.bm, day=day, reason="Training day")
    assert not working_day_calendar(partnership=world_a.partnership).is_working_day(day)
    # Another partnership's closure is not this one's, and leaves this one's kept.
    closure_day_add(partnership=world_b.partnership, actor=world_b.bm, day=date(2027, 3, 4), reason="Move")
    assert working_day_calendar(partnership=world_a.partnership).is_working_day(date(2027, 3, 4))
    closure_day_remove(partnership=world_a.partnership, actor=world_a.bm, closure_day=closed)
    assert working_day_calendar(partnership=world_a.partnership).is_working_day(day)
