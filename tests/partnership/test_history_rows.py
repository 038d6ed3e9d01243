"""A history table's rows written by ``history_rows`` are the HTML the template loop wrote, for every kind of row."""

import re
from datetime import UTC, datetime

import pytest
from django.template import Context, Template

from partnership.models import HistoryEntry, Person
from partnership.selectors import FieldChange
from partnership.templatetags.history_rows import history_rows

# The template loop as it was (templates/includes/history.html before the tag), the reference the tag must match.
LOOP = """{% for entry in history %}<tr>
  <td><time datetime="{{ entry.at|date:'c' }}">{{ entry.at|date:"j M Y, H:i" }}</time></td>
  <td>{% if entry.actor %}{{ entry.actor.full_name|default:entry.actor.email }}{% else %}Learning Loop (automatic){% endif %}</td>
  {% if show_object %}<td>{{ entry.object_repr }}</td>{% endif %}
  <td>{{ entry.get_action_display }}{% if entry.reason %}<br><span class="secondary">Reason: {{ entry.reason }}</span>{% endif %}</td>
  <td>
    {% if entry.field_changes %}
    <ul class="history-changes">
      {% for change in entry.field_changes %}
      <li>
        <strong>{{ change.label }}:</strong>
        {% if entry.action == "created" %}{{ change.after }}
        {% elif entry.action == "deleted" %}{{ change.before }}
        {% else %}{{ change.before }} <span aria-hidden="true">→</span><span class="visually-hidden">changed to</span> {{ change.after }}{% endif %}
      </li>
      {% endfor %}
    </ul>
    {% else %}<span class="secondary">No field details</span>{% endif %}
  </td>
</tr>{% endfor %}"""  # noqa: E501 (the loop exactly as it was)


def _entry(action, *, at, actor=None, reason="", changes=(), object_repr="Cycle <1>"):
    entry = HistoryEntry(action=action, at=at, actor=actor, reason=reason, object_repr=object_repr)
    entry.field_changes = [FieldChange(label, before, after) for label, before, after in changes]
    return entry


def _same_html(html: str) -> str:
    # The loop's indentation and line breaks are not part of what is shown.
    return re.sub(r"\s+", " ", re.sub(r">\s+", ">", re.sub(r"\s+<", "<", html))).strip()


ENTRIES = [
    # British Summer Time: shown an hour on from UTC, as the date filter shows it.
    _entry("updated", at=datetime(2026, 7, 1, 23, 30, 5, 123456, tzinfo=UTC), actor=Person(full_name="Ann <Lee>"),
           changes=[("Title", "Old & tired", "New"), ("Due on", "(none)", "7 December 2026")]),
    _entry("created", at=datetime(2026, 1, 9, 8, 5, tzinfo=UTC), actor=Person(full_name="", email="a@b.example"),
           changes=[("Text", "(none)", "Check \"this\"")]),
    _entry("deleted", at=datetime(2026, 9, 30, 12, 0, tzinfo=UTC), changes=[("Text", "Gone", "(none)")]),
    _entry("updated", at=datetime(2026, 3, 29, 1, 0, tzinfo=UTC), reason="Asked by the <chair>", changes=[]),
]  # fmt: skip


@pytest.mark.parametrize("show_object", [True, False])
def test_rows_are_the_template_loops(show_object):
    expected = Template(LOOP).render(Context({"history": ENTRIES, "show_object": show_object}))

    assert _same_html(history_rows(ENTRIES, show_object)) == _same_html(expected)


def test_times_are_the_sites_and_values_escaped():
    html = history_rows(ENTRIES[:1], True)

    assert '<time datetime="2026-07-02T00:30:05.123456+01:00">2 Jul 2026, 00:30</time>' in html
    assert "Ann &lt;Lee&gt;" in html
    assert "Cycle &lt;1&gt;" in html
    assert "Old &amp; tired" in html
