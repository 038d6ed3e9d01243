"""The "my tasks" page: everything waiting for a member in this partnership, whatever its kind."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from partnership.access import partnership_view
from partnership.models import Role
from partnership.selectors.tasks import my_tasks as my_tasks_select


@require_GET
@partnership_view()
def my_tasks(request: HttpRequest) -> HttpResponse:
    """Every member has one; business managers also see the deadlines no one else can act on."""
    today = timezone.localdate()
    tasks = my_tasks_select(
        person=request.user, partnership=request.partnership, today=today, membership=request.membership
    )
    context = {
        "overdue": tasks.overdue,
        "due": tasks.due,
        "waiting": tasks.waiting,
        "today": today,
        "is_business_manager": request.membership.has_role(Role.BUSINESS_MANAGER),
    }
    return render(request, "partnership/my_tasks.html", context)
