"""A history table's rows (``includes/history.html``), written in one call.

Fifteen pages show an object's history, up to 50 rows each with its field changes. As a template loop, each row's
dozen variables, two date filters and nested loop of changes were the largest part of drawing the hub cycle's page
(issue 13). Written here the HTML is the same, escaped the same way (Django's ``escape`` is the standard library's
``html.escape``, as ``audits_matrix`` and ``scrutiny_tables`` call it), and times are in the site's time zone, as
the date filter shows them.
"""

from __future__ import annotations

from html import escape

from django import template
from django.utils import timezone
from django.utils.safestring import mark_safe

from partnership.date_words import short_day_month_year_time

register = template.Library()


@register.simple_tag
def history_rows(history, show_object=False) -> str:
    """Each entry: when, who (or "Learning Loop (automatic)"), the item when ``show_object``, what happened
    with its reason, and each changed field "from → to" (only "to" for a creation, only "from" for a deletion)."""
    # Safe: every value is escaped as it is written.
    return mark_safe("\n".join([_row(entry, show_object) for entry in history]))


def _row(entry, show_object: bool) -> str:
    at = timezone.localtime(entry.at)
    when = f'<time datetime="{at.isoformat()}">{short_day_month_year_time(at)}</time>'
    actor = entry.actor
    who = escape(actor.full_name or actor.email) if actor is not None else "Learning Loop (automatic)"
    item = f"<td>{escape(entry.object_repr)}</td>" if show_object else ""
    what = escape(str(entry.get_action_display()))
    if entry.reason:
        what += f'<br><span class="secondary">Reason: {escape(entry.reason)}</span>'
    return f"<tr><td>{when}</td><td>{who}</td>{item}<td>{what}</td><td>{_changes(entry)}</td></tr>"


def _changes(entry) -> str:
    if not getattr(entry, "field_changes", None):
        return '<span class="secondary">No field details</span>'
    items = []
    for change in entry.field_changes:
        if entry.action == "created":
            shown = escape(change.after)
        elif entry.action == "deleted":
            shown = escape(change.before)
        else:
            shown = (
                f'{escape(change.before)} <span aria-hidden="true">→</span><span class="visually-hidden">changed to'
                f"</span> {escape(change.after)}"
            )
        items.append(f"<li><strong>{escape(change.label)}:</strong> {shown}</li>")
    return f'<ul class="history-changes">{"".join(items)}</ul>'
