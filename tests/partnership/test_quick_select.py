"""QuickSelect writes the same <select> as Django's Select, without a template include per option."""

from __future__ import annotations

import pytest
from django import forms
from django.test.html import parse_html

from partnership.forms.base import QuickSelect

CASES = [
    ([("", "All agencies"), (1, "Health & Care"), (2, "<script>x</script>")], 2, {"id": "id_agency"}),
    ([("", "Choose"), (1, "Q1")], None, {"id": "id_q", "aria-describedby": "id_q_hint id_q_error", "required": True}),
    ([("Schools", [(1, 'St Mary\'s "Infant"'), (2, "Oak")]), (3, "Council")], "1", {"id": "c", "disabled": False}),
    ([], "", {}),
]


@pytest.mark.parametrize(("choices", "value", "attrs"), CASES)
def test_the_same_html_as_djangos_select(choices, value, attrs):
    django_select = forms.Select(choices=choices).render("field", value, attrs)
    quick = QuickSelect(choices=choices).render("field", value, attrs)
    # The same document: Django's widgets are drawn by Jinja2 (settings.FORM_RENDERER), which writes a quote as
    # &#34; where Django's escape writes &quot;, so the parsed HTML is compared, not the text.
    assert parse_html(quick) == parse_html(django_select)


def test_a_bound_field_renders_with_its_label_link_and_choice():
    class Form(forms.Form):
        agency = forms.TypedChoiceField(coerce=int, choices=[(1, "A"), (2, "B")], widget=QuickSelect)

    html = str(Form({"agency": "2"})["agency"])
    assert html.startswith('<select name="agency" id="id_agency"')
    assert '<option value="2" selected>B</option>' in html
