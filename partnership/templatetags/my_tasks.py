"""The "my tasks" tables' rows, written in one call per table.

A business manager's page shows up to 150 tasks (three sections of 50). As a template loop, each row's two
includes, two date filters and four tests were over a third of the page's server time (issue 13); written here
the HTML is the same, escaped the same way (Django's ``escape`` is the standard library's ``html.escape``, as
``audits_matrix`` and ``scrutiny_tables`` call it).
"""

from __future__ import annotations

from datetime import date
from html import escape

from django import template
from django.utils.safestring import mark_safe

from partnership.date_words import weekday_day_month_year
from partnership.selectors.tasks import Task

register = template.Library()


@register.simple_tag
def task_rows(tasks, section: str) -> str:
    """The rows of one section's table: ``overdue`` (was due, by how much), ``due`` (due, time left) or
    ``waiting`` (the kind of work), each with the task's title linked to where it is done."""
    write = _SECTIONS[section]
    # Safe: every value is escaped as it is written.
    return mark_safe("\n".join([write(task) for task in tasks]))


def _overdue_row(task: Task) -> str:
    late = task.working_days_overdue
    by = f" by {late} working day{_plural(late)}" if late else ""
    return _row(
        task,
        _due_on(task.due_on),
        f'<td><strong class="tag tag-warning">Overdue</strong>{by}</td>',
        f"<td>{_assignee(task)}</td>",
    )


def _due_row(task: Task) -> str:
    if task.due_today:
        left = "<strong>Due today</strong>"
    elif not task.working_days_left:
        left = "No working days left"
    else:
        left = f"{task.working_days_left} working day{_plural(task.working_days_left)} left"
    return _row(task, _due_on(task.due_on), f"<td>{left}</td>", f"<td>{_assignee(task)}</td>")


def _waiting_row(task: Task) -> str:
    return _row(task, f"<td>{escape(task.kind_label)}</td>")


_SECTIONS = {"overdue": _overdue_row, "due": _due_row, "waiting": _waiting_row}


def _row(task: Task, *cells: str) -> str:
    title = escape(task.title)
    if task.url:
        title = f'<a href="{escape(task.url)}">{title}</a>'
    return (
        f'<tr data-testid="task" data-task-source="{escape(task.source)}">'
        f'<th scope="row">{title}</th>{"".join(cells)}</tr>'
    )


def _due_on(day: date) -> str:
    # "Monday 7 December 2026", as the date filter's "l j F Y" writes it.
    return f'<td><time datetime="{day.isoformat()}">{weekday_day_month_year(day)}</time></td>'


def _assignee(task: Task) -> str:
    if task.assigned_to_you:
        return "You"
    if task.assignee_label:
        return f"{escape(task.assignee_label)} (no longer a member: for the business managers)"
    return "No one: for the business managers"


def _plural(count: int) -> str:
    return "" if count == 1 else "s"
