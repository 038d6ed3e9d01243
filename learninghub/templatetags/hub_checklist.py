"""A hub cycle's checklist rows (``learninghub/cycles/detail.html``), written in one call per phase.

A cycle's checklist is 30 to 40 tasks, each with its owner, its due date, when and by whom it was done, and for
those who may tick it a form. As a template loop its variables, date filters and forms were the largest part of
drawing the cycle's page after its history (issue 13). Written here the HTML is the same, escaped the same way
(Django's ``escape`` is the standard library's ``html.escape``), and ``tests/learninghub/test_checklist_rows.py``
checks it against the loop it replaced.
"""

from __future__ import annotations

from html import escape

from django import template
from django.template.defaulttags import CsrfTokenNode
from django.utils import timezone
from django.utils.safestring import mark_safe

from partnership.date_words import day_short_month_year

register = template.Library()


@register.simple_tag(takes_context=True)
def checklist_rows(context, tasks, *, manages: bool, is_active: bool, tickable) -> str:
    """Each task: its text; its owner (and, for a manager of an active cycle, a link to give it to a member until
    it is done); its due date; done or open; and, for a task in ``tickable`` of an active cycle, the form that marks
    it done (or not done again)."""
    # The page's one CSRF token field, written once for every form on it.
    csrf = CsrfTokenNode().render(context) if is_active else ""
    # Safe: every value is escaped as it is written.
    return mark_safe("\n".join([_row(t, manages and is_active, is_active and t.pk in tickable, csrf) for t in tasks]))


def _row(task, can_assign: bool, can_tick: bool, csrf: str) -> str:
    text = escape(task.text)
    owner = escape(task.owner_label)
    if can_assign and not task.done_at:
        owner += (
            f'<br><a href="{escape(task.assign_url)}" data-testid="assign">Give to a member'
            f'<span class="visually-hidden">: {text}</span></a>'
        )
    if task.done_at:
        done = f'<span class="tag tag-success">Done</span> <span class="secondary">{_day(task.done_at)}'
        if task.done_by:
            done += f", {escape(task.done_by.full_name or task.done_by.email)}"
        done += "</span>"
    else:
        done = '<span class="tag">Open</span>'
    if can_tick:
        value, label = ("0", "Mark as not done") if task.done_at else ("1", "Mark as done")
        done += (
            f'<form method="post" action="{escape(task.tick_url)}" class="inline-form">{csrf}'
            f'<input type="hidden" name="done" value="{value}">'
            f'<button type="submit" class="button button-secondary" data-testid="tick">{label}'
            f'<span class="visually-hidden">: {text}</span></button></form>'
        )
    return (
        f'<tr id="task-{task.pk}" data-testid="task"><th scope="row">{text}</th><td>{owner}</td>'
        f"<td>{_day(task.due_on)}</td><td>{done}</td></tr>"
    )


def _day(value) -> str:
    # The date filter's "j M Y", in the site's time zone for a moment (when a task was done).
    if hasattr(value, "hour"):
        value = timezone.localtime(value)
    return day_short_month_year(value)
