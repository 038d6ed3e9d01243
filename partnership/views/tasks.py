"""The "my tasks" page: a member's due and overdue deadlines in this partnership."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from partnership.access import partnership_view
from partnership.models import Role
from partnership.selectors.deadlines import tasks_for_person


@require_GET
@partnership_view()
def my_tasks(request: HttpRequest) -> HttpResponse:
    """Every member has one; business managers also see the deadlines no one else can act on."""
    tasks = tasks_for_person(person=request.user, partnership=request.partnership, today=timezone.localdate())
    context = {
        "overdue": [t for t in tasks if t.overdue],
        "due": [t for t in tasks if not t.overdue],
        "today": timezone.localdate(),
        "is_business_manager": request.membership.has_role(Role.BUSINESS_MANAGER),
    }
    return render(request, "partnership/my_tasks.html", context)
