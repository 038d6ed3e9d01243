"""A paginator that counts with the page: one query, not two (issue 13).

Django's ``Paginator.get_page`` asks for ``COUNT(*)`` first (to check the page
number) and then for the page's rows, so a filter that is costly to evaluate
(a member search: people matching a name or email, joined to the partnership's
members) runs twice. Here the page's rows carry the total as a window,
``COUNT(*) OVER ()``, which the database computes over the same filtered rows
before the ``LIMIT``: one evaluation of the filter. PostgreSQL and SQLite (3.25
and later) both have window functions.

Only when the page asked for is empty (past the end, or nothing matches) does it
fall back to Django's way: count, then the last page that exists.
"""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.db.models import Count, QuerySet, Window

_TOTAL = "_paginator_total"
# A first row beyond this is past the end of any list we keep: answered by counting first, without asking the
# database for an offset it may not hold (SQLite refuses one beyond 64 bits).
LARGEST_OFFSET_READ = 10**9


class OneQueryPaginator(Paginator):
    """``Paginator`` over a queryset whose ``get_page`` reads the rows and the count in one query."""

    def __init__(self, object_list: QuerySet, per_page: int) -> None:
        # No orphans: a page's rows are exactly the LIMIT/OFFSET slice (Django's default too).
        super().__init__(object_list, per_page)

    def get_page(self, number) -> Page:
        try:
            number = int(number)
        except (TypeError, ValueError):
            number = 1  # as Django: not a number is the first page
        bottom = (number - 1) * self.per_page
        if number < 1 or bottom > LARGEST_OFFSET_READ:
            return super().get_page(number)  # as Django: the last page
        rows = list(self.object_list.annotate(**{_TOTAL: Window(Count("*"))})[bottom : bottom + self.per_page])
        if not rows:
            # Past the last page or nothing at all: Django's own answer (the count, then the last page).
            return super().get_page(number)
        # ``count`` is a cached_property: setting it here is what spares Django's COUNT(*) query.
        self.count = getattr(rows[0], _TOTAL)
        return self._get_page(rows, number, self)
