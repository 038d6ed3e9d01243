"""The "my tasks" rows written by ``task_rows`` are the HTML the template loop wrote, for every kind of row."""

from datetime import date

import pytest
from django.template import Context, Template

from partnership.selectors.tasks import Task
from partnership.templatetags.my_tasks import task_rows

TODAY = date(2026, 12, 7)  # a Monday

# The template loop's rows as they were, the reference the tag must match.
TITLE = '{% if task.url %}<a href="{{ task.url }}">{{ task.title }}</a>{% else %}{{ task.title }}{% endif %}'
ASSIGNEE = (
    "{% if task.assigned_to_you %}You{% elif task.assignee_label %}{{ task.assignee_label }} (no longer a member: "
    "for the business managers){% else %}No one: for the business managers{% endif %}"
)
LOOPS = {
    "overdue": (
        '<tr data-testid="task" data-task-source="{{ task.source }}"><th scope="row">' + TITLE + "</th>"
        '<td><time datetime="{{ task.due_on|date:\'Y-m-d\' }}">{{ task.due_on|date:"l j F Y" }}</time></td>'
        '<td><strong class="tag tag-warning">Overdue</strong>{% if task.working_days_overdue %} by '
        "{{ task.working_days_overdue }} working day{{ task.working_days_overdue|pluralize }}{% endif %}</td>"
        "<td>" + ASSIGNEE + "</td></tr>"
    ),
    "due": (
        '<tr data-testid="task" data-task-source="{{ task.source }}"><th scope="row">' + TITLE + "</th>"
        '<td><time datetime="{{ task.due_on|date:\'Y-m-d\' }}">{{ task.due_on|date:"l j F Y" }}</time></td>'
        "<td>{% if task.due_today %}<strong>Due today</strong>{% elif not task.working_days_left %}No working days "
        "left{% else %}{{ task.working_days_left }} working day{{ task.working_days_left|pluralize }} left{% endif %}"
        "</td><td>" + ASSIGNEE + "</td></tr>"
    ),
    "waiting": (
        '<tr data-testid="task" data-task-source="{{ task.source }}"><th scope="row">' + TITLE + "</th>"
        "<td>{{ task.kind_label }}</td></tr>"
    ),
}


def _task(**kwargs) -> Task:
    defaults = {"source": "deadline", "kind_label": "Deadline", "title": "Return", "url": "/p/x/r/1/", "today": TODAY}
    return Task(**{**defaults, **kwargs})


CASES = {
    "overdue": [
        _task(due_on=date(2026, 12, 4), working_days_left=-1),
        _task(due_on=date(2026, 11, 2), working_days_left=-25, assigned_to_you=False),
        # Fell on a Sunday: past only by a non-working day, so no "by" at all.
        _task(due_on=date(2026, 12, 6), working_days_left=0, title='Tom & "Jerry" <b>', url=""),
        _task(due_on=date(2026, 2, 28), working_days_left=-200, assigned_to_you=False, assignee_label="A <Leaver>"),
    ],
    "due": [
        _task(due_on=TODAY, working_days_left=0),
        _task(due_on=date(2026, 12, 8), working_days_left=1, source="sign_off", url="/a?b=1&c=2"),
        _task(due_on=date(2027, 1, 1), working_days_left=15, assigned_to_you=False),
        _task(due_on=date(2026, 12, 12), working_days_left=0),
    ],
    "waiting": [
        _task(kind_label="Sign-off", source="sign_off", title="Sign off for the police lead: <RR 3>"),
        _task(kind_label="Sign & send", url=""),
    ],
}


@pytest.mark.parametrize("section", sorted(CASES))
def test_rows_are_the_template_loops(section):
    tasks = CASES[section]
    expected = Template("{% for task in tasks %}" + LOOPS[section] + "{% endfor %}").render(Context({"tasks": tasks}))

    assert task_rows(tasks, section).replace("\n", "") == expected


def test_titles_and_links_are_escaped():
    html = task_rows([_task(title="<script>x</script>", url='/x" onclick="y', due_on=TODAY)], "due")

    assert "<script>" not in html
    assert "&lt;script&gt;x&lt;/script&gt;" in html
    assert 'href="/x&quot; onclick=&quot;y"' in html


def test_an_empty_section_writes_nothing():
    assert task_rows([], "overdue") == ""
