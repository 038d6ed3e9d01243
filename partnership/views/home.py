from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from partnership.access import partnership_view
from partnership.kept_pages import render_kept
from partnership.selectors import memberships_for_person, statutory_partners
from partnership.selectors.overview import end_of_week, overview_sections
from partnership.selectors.tasks import my_tasks

# The overview lists the first few of each section (templates/partnership/home.html slices the same number).
TASKS_SHOWN = 5


@require_GET
def health(request: HttpRequest) -> HttpResponse:
    """No database, no template: the container health check and the benchmarks' baseline."""
    return HttpResponse("ok", content_type="text/plain")


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Go straight to the only partnership, or let the person choose."""
    memberships = list(memberships_for_person(person=request.user))
    if len(memberships) == 1:
        return redirect("partnership:home", slug=memberships[0].partnership.slug)
    return render(request, "partnership/choose.html", {"memberships": memberships})


@partnership_view()
def partnership_home(request: HttpRequest) -> HttpResponse:
    """Each role's start: what is overdue, due this week and waiting for me; the figures the role may see."""
    # What waits for the reader and the figures they may see change only with the partnership's records and the day:
    # the body is kept for its reader (partnership.kept_pages).
    return render_kept(
        request, "partnership/home.html", body_template="partnership/_home_body.html", context=lambda: _home(request)
    )


def _home(request: HttpRequest) -> dict:
    today = timezone.localdate()
    tasks = my_tasks(person=request.user, partnership=request.partnership, today=today, membership=request.membership)
    week_ends = end_of_week(today)
    overdue, due_this_week, waiting = tasks.overdue, tasks.due_within(week_ends), tasks.waiting
    # The page shows the first five of each: their links in one batch, not the hundreds of a business manager's.
    tasks.link(*(section.window(0, TASKS_SHOWN) for section in (overdue, due_this_week, waiting)))
    return {
        "today": today,
        "overdue": overdue,
        "due_this_week": due_this_week,
        "due_later": len(tasks.due) - len(due_this_week),
        "waiting": waiting,
        "sections": overview_sections(membership=request.membership, today=today),
        "statutory_partners": statutory_partners(partnership=request.partnership),
    }
