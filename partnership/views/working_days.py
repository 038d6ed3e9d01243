"""The working days page: any member can ask which date working day N falls on, or how many
working days lie between two dates, by their partnership's calendar."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from partnership.access import partnership_view
from partnership.forms.base import add_service_errors
from partnership.forms.working_days import WorkingDaysForm
from partnership.models import Role
from partnership.selectors import working_day_calendar
from partnership.working_days import MAX_WORKING_DAYS, WorkingDayCalendar


@dataclass(frozen=True)
class WorkingDaysAnswer:
    start: date
    end: date
    days: int
    # The non-working days after the start date up to the end date, with why.
    skipped: list[tuple[date, str]]
    asked_for_days: bool


def _answer(calendar: WorkingDayCalendar, *, start: date, days: int | None, end: date | None) -> WorkingDaysAnswer:
    """Raises ValueError (with a message for people) when the calendar cannot answer."""
    asked_for_days = days is not None
    if asked_for_days:
        end = calendar.add_working_days(start, days)
    else:
        days = calendar.working_days_between(start, end)
        if days > MAX_WORKING_DAYS:
            raise ValueError(f"Choose an end date at most {MAX_WORKING_DAYS} working days after the start date.")
    skipped = calendar.non_working_days(start + timedelta(days=1), end) if end > start else []
    return WorkingDaysAnswer(start=start, end=end, days=days, skipped=skipped, asked_for_days=asked_for_days)


@require_GET
@partnership_view()
def working_days(request: HttpRequest) -> HttpResponse:
    """A GET form, so an answer is a link that can be shared."""
    calendar = working_day_calendar(partnership=request.partnership)
    asked = any(name in request.GET for name in ("start", "days", "end"))
    form = WorkingDaysForm(request.GET if asked else None)
    answer = None
    if asked and form.is_valid():
        data = form.cleaned_data
        try:
            answer = _answer(calendar, start=data["start"], days=data["days"], end=data["end"])
        except ValueError as exc:
            # The form has checked both dates; what is left is a count that runs past the
            # calendar's last year, or an end date too many working days away.
            field = "days" if data["days"] is not None else "end"
            add_service_errors(form, ValidationError({field: [str(exc)]}))
        else:
            # Show the dates as the date pickers expect them (a shared link may say 03/04/2023).
            form = WorkingDaysForm(initial=data)
    context = {
        "form": form,
        "result": answer,
        "nation": request.partnership.get_nation_display(),
        "closure_days": sorted(calendar.closure_reasons.items()),
        "can_manage_closures": request.membership.has_role(Role.BUSINESS_MANAGER),
    }
    return render(request, "partnership/working_days.html", context, status=400 if form.errors else 200)
