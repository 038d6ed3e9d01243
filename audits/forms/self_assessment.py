"""Forms of the self-assessment pages: shapes only; the rules come back from the services."""

from __future__ import annotations

from django import forms

from audits.selectors.compliance_matrix import MatrixFilters
from audits.services.self_assessment import GOVERNOR, HEAD, answer_field
from partnership.forms.base import AccessibleFormMixin
from partnership.services.files import ACCEPT_ATTRIBUTE, ACCEPTED_HINT

DATE_ERRORS = {"required": "Enter the date.", "invalid": "Enter a real date, for example 27 3 2027."}
STATE_CHOICES = [
    ("", "Any state"),
    ("draft", "In progress"),
    ("awaiting_signatures", "Awaiting signatures"),
    ("submitted", "Submitted"),
    ("moderated", "Moderated"),
]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class CycleForm(AccessibleFormMixin, forms.Form):
    version = forms.TypedChoiceField(
        label="Template",
        coerce=int,
        help_text="A published Section 11 template asks every agency; a section 175 template every school.",
        error_messages={"required": "Choose the template.", "invalid_choice": "Choose a template from the list."},
    )
    year = forms.IntegerField(
        label="Year",
        min_value=2000,
        max_value=2100,
        error_messages={
            "required": "Enter the year the self-assessment covers.",
            "invalid": "Enter a year, for example 2026.",
            "min_value": "Enter a year between 2000 and 2100.",
            "max_value": "Enter a year between 2000 and 2100.",
        },
    )
    title = forms.CharField(
        label="Title (optional)",
        required=False,
        max_length=200,
        help_text="For example “Section 11 self-assessment 2026”. Left empty, it is made from the template and year.",
        error_messages={"max_length": "Use at most 200 characters."},
    )
    opens_on = forms.DateField(label="Opens on", widget=DateInput, error_messages=DATE_ERRORS)
    due_on = forms.DateField(
        label="Returns due on",
        widget=DateInput,
        help_text="Agency leads are reminded before this date; overdue returns are escalated.",
        error_messages=DATE_ERRORS,
    )

    def __init__(self, *args, versions: list, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["version"].choices = [("", "Choose a template")] + [
            (v.pk, f"{v.template.name} (version {v.number})") for v in versions
        ]


class ReturnFilterForm(AccessibleFormMixin, forms.Form):
    state = forms.ChoiceField(label="State", choices=STATE_CHOICES, required=False)
    q = forms.CharField(label="Agency or school (name or URN)", required=False, max_length=200)


class ReturnAnswersForm(AccessibleFormMixin, forms.Form):
    """Every question of every standard of a return, named ``answer_<question key>``."""

    edit_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    # Sent by the button pressed (Save draft, Submit), not drawn as a field.
    intent = forms.ChoiceField(choices=[("save", "Save draft"), ("submit", "Submit")], required=False)

    def __init__(self, *args, standards: list, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.standards = standards
        for view in standards:
            for question in view.questions:
                name = answer_field(question.key)
                if question.kind == "grade":
                    field = forms.TypedChoiceField(
                        choices=[("", "Not scored yet")] + [(o.value, o.label) for o in question.scale.options.all()],
                        coerce=int,
                        empty_value=None,
                    )
                elif question.kind == "yes_partly_no":
                    field = forms.ChoiceField(
                        choices=[("", "Not answered yet"), ("yes", "Yes"), ("partly", "Partly"), ("no", "No")]
                    )
                elif question.kind == "number":
                    field = forms.IntegerField(min_value=0)
                elif question.kind == "text":
                    field = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), max_length=10_000)
                else:
                    continue  # evidence is uploaded on the standard's page
                field.required = False
                field.label = question.text
                field.help_text = question.guidance
                field.initial = view.standard.answers.get(question.key)
                self.fields[name] = field
        self._describe_widgets()

    def answer_fields(self, view) -> list:
        return [self[answer_field(q.key)] for q in view.questions if answer_field(q.key) in self.fields]

    def answers(self) -> dict:
        return {
            name.removeprefix("answer_"): value
            for name, value in self.cleaned_data.items()
            if name.startswith("answer_")
        }


class SignForm(AccessibleFormMixin, forms.Form):
    edit_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    signer = forms.ChoiceField(
        label="Who is signing",
        choices=[(HEAD, "The head teacher"), (GOVERNOR, "The nominated governor")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose who is signing."},
    )
    name = forms.CharField(
        label="Their full name",
        max_length=200,
        help_text="As the schools register has it.",
        error_messages={"required": "Type the signer's name."},
    )
    confirmed = forms.BooleanField(
        label="They have read this return and agree that it is a true account of the school's arrangements",
        required=False,
    )


class SendBackForm(AccessibleFormMixin, forms.Form):
    reason = forms.CharField(
        label="Why it is sent back",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=500,
        help_text="The agency's lead reads this.",
        error_messages={"required": "Say why the return is sent back.", "max_length": "Use at most 500 characters."},
    )


class GapActionForm(AccessibleFormMixin, forms.Form):
    action = forms.CharField(
        label="What will be done",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=1000,
        error_messages={"required": "Say what will be done.", "max_length": "Use at most 1,000 characters."},
    )
    owner = forms.CharField(
        label="Owner",
        max_length=200,
        help_text="A role or a name in the agency.",
        error_messages={"required": "Say who owns the action.", "max_length": "Use at most 200 characters."},
    )
    due_on = forms.DateField(label="Due on", widget=DateInput, error_messages=DATE_ERRORS)


class EvidenceForm(AccessibleFormMixin, forms.Form):
    file = forms.FileField(
        label="Evidence file",
        help_text=f"{ACCEPTED_HINT}. Do not upload children's or families' personal details.",
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT_ATTRIBUTE}),
        error_messages={"required": "Choose a file to upload.", "empty": "The file is empty."},
    )


class MatrixFilterForm(AccessibleFormMixin, forms.Form):
    """The compliance matrix's filters (GET): a name or URN, a state, a low score in one standard or any, and
    which score is read (the agency's own or the moderated one)."""

    q = forms.CharField(label="Agency or school (name or URN)", required=False, max_length=200)
    state = forms.ChoiceField(label="State", choices=STATE_CHOICES, required=False)
    standard = forms.ChoiceField(label="Standard", required=False)
    at_most = forms.TypedChoiceField(label="Scored at most", coerce=int, empty_value=None, required=False)
    basis = forms.ChoiceField(
        label="Score read",
        choices=[("self", "Self score"), ("moderated", "Moderated score")],
        required=False,
        help_text="The score compared with last cycle's and with “Scored at most”.",
    )

    def __init__(self, *args, standards: list, legend: list, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.standards, self.legend = standards, legend
        self.fields["standard"].choices = [("", "Any standard")] + [(s.key, s.title) for s in standards]
        self.fields["at_most"].choices = [("", "Any score")] + [
            (str(o.value), f"{o.label if str(o.value) in o.label else f'{o.label} ({o.value})'} or lower")
            for o in legend
        ]
        for name in ("standard", "at_most", "state", "basis"):
            self.fields[name].error_messages["invalid_choice"] = "Choose one of the options."

    def filters(self) -> MatrixFilters:
        if not self.is_valid():
            return MatrixFilters()
        data = self.cleaned_data
        return MatrixFilters(
            search=data["q"],
            state=data["state"],
            standard=data["standard"],
            at_most=data["at_most"],
            basis=data["basis"] or "self",
        )
