"""A hub cycle's checklist rows written by ``checklist_rows`` are the HTML the template loop wrote."""

import re
from datetime import UTC, date, datetime
from types import SimpleNamespace

import pytest
from django.template import Context, Template

from learninghub.templatetags.hub_checklist import checklist_rows
from partnership.models import Person

# The template loop as it was (templates/learninghub/cycles/detail.html before the tag), the reference.
LOOP = """{% for t in view.tasks %}
      <tr id="task-{{ t.pk }}" data-testid="task">
        <th scope="row">{{ t.text }}</th>
        <td>{{ t.owner_label }}
          {% if manages and is_active and not t.done_at %}<br><a href="{{ t.assign_url }}" data-testid="assign">Give to a member<span class="visually-hidden">: {{ t.text }}</span></a>{% endif %}
        </td>
        <td>{{ t.due_on|date:"j M Y" }}</td>
        <td>
          {% if t.done_at %}<span class="tag tag-success">Done</span> <span class="secondary">{{ t.done_at|date:"j M Y" }}{% if t.done_by %}, {{ t.done_by.full_name|default:t.done_by.email }}{% endif %}</span>{% else %}<span class="tag">Open</span>{% endif %}
          {% if is_active and t.pk in page.tickable %}
          <form method="post" action="{{ t.tick_url }}" class="inline-form">
            {% csrf_token %}
            <input type="hidden" name="done" value="{% if t.done_at %}0{% else %}1{% endif %}">
            <button type="submit" class="button button-secondary" data-testid="tick">{% if t.done_at %}Mark as not done{% else %}Mark as done{% endif %}<span class="visually-hidden">: {{ t.text }}</span></button>
          </form>
          {% endif %}
        </td>
      </tr>
      {% endfor %}"""  # noqa: E501 (the loop exactly as it was)

TAG = (
    "{% load hub_checklist %}{% checklist_rows view.tasks manages=manages is_active=is_active tickable=page.tickable %}"
)


def _task(pk, **kwargs):
    defaults = {"text": f"Task {pk}", "owner_label": "Any police lead", "due_on": date(2026, 12, 7), "done_at": None,
                "done_by": None, "assign_url": f"/assign/{pk}/", "tick_url": f"/tick/{pk}/?a=1&b=2"}  # fmt: skip
    return SimpleNamespace(pk=pk, **{**defaults, **kwargs})


TASKS = [
    _task(1),
    _task(2, text='Book the <room> & "chairs"', owner_label="Ann <Lee>"),
    # Done late on a summer evening (UTC): the next day in London.
    _task(3, done_at=datetime(2026, 7, 1, 23, 30, tzinfo=UTC), done_by=Person(full_name="Bo Chan")),
    _task(4, done_at=datetime(2026, 1, 5, 9, 0, tzinfo=UTC), done_by=Person(full_name="", email="c@d.example")),
    _task(5, done_at=datetime(2026, 2, 5, 9, 0, tzinfo=UTC), owner_label=""),
]


def _same_html(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r">\s+", ">", re.sub(r"\s+<", "<", html))).strip()


@pytest.mark.parametrize("manages", [True, False])
@pytest.mark.parametrize("is_active", [True, False])
def test_rows_are_the_template_loops(manages, is_active):
    values = {"view": {"tasks": TASKS}, "manages": manages, "is_active": is_active, "page": {"tickable": {1, 3, 5}}}
    # As on a page, every form writes the request's one CSRF token.
    context = {**values, "csrf_token": "t0ken"}

    expected = Template(LOOP).render(Context(context))
    written = Template(TAG).render(Context(context))

    assert _same_html(written) == _same_html(expected)
    assert written.count('data-testid="tick"') == (3 if is_active else 0)
    assert written.count('data-testid="assign"') == (2 if manages and is_active else 0)


def test_values_are_escaped():
    written = checklist_rows({"csrf_token": "t"}, TASKS[1:2], manages=True, is_active=True, tickable={2})

    assert "&lt;room&gt; &amp; &quot;chairs&quot;" in written
    assert "Ann &lt;Lee&gt;" in written
    assert 'action="/tick/2/?a=1&amp;b=2"' in written
