"""The "my tasks" page: everything waiting for a member in this partnership, whatever its kind."""

from __future__ import annotations

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from partnership.access import partnership_view
from partnership.kept_pages import render_kept
from partnership.models import Role
from partnership.selectors.tasks import my_tasks as my_tasks_select

# Each section a page at a time: a business manager of a large partnership has hundreds of open deadlines, and
# drawing them all was half the page's time (issue 13). 25, as every other list of the product pages.
TASKS_PER_PAGE = 25


@require_GET
@partnership_view()
def my_tasks(request: HttpRequest) -> HttpResponse:
    """Every member has one; business managers also see the deadlines no one else can act on."""
    # The reader's tasks change only with the partnership's records and the day: the body is kept for its reader and
    # pages (partnership.kept_pages).
    return render_kept(
        request,
        "partnership/my_tasks.html",
        body_template="partnership/_my_tasks_body.html",
        context=lambda: _tasks(request),
    )


def _tasks(request: HttpRequest) -> dict:
    today = timezone.localdate()
    tasks = my_tasks_select(
        person=request.user, partnership=request.partnership, today=today, membership=request.membership
    )
    # Each section pages on its own (``overdue_page``, ``due_page``, ``waiting_page``); a number past the end is the
    # last page, not an error, as on every list. The links of the three pages shown are worked out in one batch.
    sections = {"overdue": tasks.overdue, "due": tasks.due, "waiting": tasks.waiting}
    paginators = {name: Paginator(section, TASKS_PER_PAGE) for name, section in sections.items()}
    numbers = {name: _page_number(paginators[name], request.GET.get(f"{name}_page")) for name in sections}
    tasks.link(
        *(section.window((numbers[name] - 1) * TASKS_PER_PAGE, numbers[name] * TASKS_PER_PAGE)
          for name, section in sections.items())
    )  # fmt: skip
    return {
        **{name: paginators[name].page(numbers[name]) for name in sections},
        "today": today,
        "is_business_manager": request.membership.has_role(Role.BUSINESS_MANAGER),
    }


def _page_number(paginator: Paginator, asked: str | None) -> int:
    """The page ``Paginator.get_page`` would give, found without reading the page."""
    try:
        return paginator.validate_number(asked)
    except PageNotAnInteger:
        return 1
    except EmptyPage:
        return paginator.num_pages
