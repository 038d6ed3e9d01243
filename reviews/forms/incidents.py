"""Forms of the serious incident pages: the notification, its children, editing it, correcting a child.

They check the shape of input (required, a real date, a choice from the list);
the rules (dates in order, at most four children, this partnership's agencies)
live in ``reviews.services.incidents`` and come back onto the fields.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from partnership.forms.base import AccessibleFormMixin, VersionedFormMixin, add_service_errors, versioned_initial
from partnership.models import Agency, Partnership
from partnership.selectors import agency_choices
from reviews.models import MAX_CHILDREN_PER_INCIDENT, Child, HarmOutcome, SeriousIncident
from reviews.selectors.incidents import incident_agency_choices
from reviews.services.incidents import (
    CHILD_ADDRESS_MAX_LENGTH,
    CHILD_NAME_MAX_LENGTH,
    NO_CHILDREN,
    TOO_MANY_CHILDREN,
    ChildIdentity,
)

DATE_HINT = "For example, 27 3 2026 (your browser may offer a calendar)."
DATE_ERRORS = {"invalid": "Enter a real date."}


def _date_field(label: str, *, required: bool = True, help_text: str = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={**DATE_ERRORS, "required": f"Enter the {label[:1].lower()}{label[1:]}."},
    )


class AgencyCheckboxes(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Agency) -> str:
        return obj.name


class IncidentForm(AccessibleFormMixin, forms.Form):
    """The facts of a serious incident notification (the children are a formset beside it)."""

    reference = forms.CharField(
        label="Reference (optional)",
        required=False,
        max_length=SeriousIncident._meta.get_field("reference").max_length,
        help_text=(
            "Leave it empty to number the incident automatically, next in the partnership's own series "
            "(set in Settings)."
        ),
        error_messages={"max_length": "Use at most %(limit_value)d characters."},
    )
    incident_on = _date_field("Date of the incident")
    la_aware_on = _date_field("Date the local authority became aware")
    panel_notified_on = _date_field(
        "Date the national Panel was notified",
        help_text="The rapid review's 15 working days count from this date. More than 5 working days "
        "after the local authority became aware is flagged as late.",
    )
    outcome = forms.ChoiceField(
        label="Did the child die or suffer serious harm?",
        choices=HarmOutcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose death or serious harm."},
    )
    child_looked_after = forms.BooleanField(label="A looked-after child", required=False)
    summary = forms.CharField(
        label="What happened (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="No names, dates of birth or addresses here: those go with each child below, encrypted.",
    )
    referring_agency = forms.ModelChoiceField(
        label="Referring agency",
        queryset=Agency.objects.none(),
        empty_label="Choose the agency",
        error_messages={
            "required": "Choose the agency that made the referral.",
            "invalid_choice": "Choose one of this partnership's agencies.",
        },
    )
    agencies = AgencyCheckboxes(
        label="Agencies involved",
        queryset=Agency.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="They will be asked for information and told the outcome. The referring agency is always included.",
        error_messages={"invalid_choice": "Choose only this partnership's agencies."},
    )

    def __init__(self, *args, partnership: Partnership, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        agencies = agency_choices(partnership=partnership)
        self.fields["referring_agency"].queryset = agencies
        self.fields["agencies"].queryset = agencies


class IncidentEditForm(VersionedFormMixin, IncidentForm):
    """The same facts, changed from a page that carries the version it showed."""

    def __init__(self, *args, incident: SeriousIncident | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reference"].required = True
        self.fields["reference"].label = "Reference"
        self.fields["reference"].help_text = ""
        self.fields["reference"].error_messages["required"] = "Enter a reference."
        if incident is not None:
            # An agency made inactive since stays choosable for the incident that already names it.
            agencies = incident_agency_choices(incident=incident)
            self.fields["referring_agency"].queryset = agencies
            self.fields["agencies"].queryset = agencies

    @staticmethod
    def initial_for(incident: SeriousIncident) -> dict:
        return {
            "reference": incident.reference,
            "incident_on": incident.incident_on,
            "la_aware_on": incident.la_aware_on,
            "panel_notified_on": incident.panel_notified_on,
            "outcome": incident.outcome,
            "child_looked_after": incident.child_looked_after,
            "summary": incident.summary,
            "referring_agency": incident.referring_agency_id,
            "agencies": [a.pk for a in incident.agencies.all()],
            **versioned_initial(incident),
        }


class ChildForm(AccessibleFormMixin, forms.Form):
    """One child. Their identity is encrypted when saved and shown only to those allowed."""

    name = forms.CharField(
        label="Full name",
        required=True,
        max_length=CHILD_NAME_MAX_LENGTH,
        error_messages={"required": "Enter the child's name.", "max_length": "Use at most %(limit_value)d characters."},
    )
    date_of_birth = _date_field("Date of birth (optional)", required=False)
    address = forms.CharField(
        label="Address (optional)",
        required=False,
        max_length=CHILD_ADDRESS_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": "Use at most %(limit_value)d characters."},
    )


class ChildIdentityForm(VersionedFormMixin, ChildForm):
    """A child's identity corrected from a page that carries the version it showed."""

    @staticmethod
    def initial_for(identity: ChildIdentity, child: Child) -> dict:
        return {
            "name": identity.name,
            "date_of_birth": identity.date_of_birth,
            "address": identity.address,
            **versioned_initial(child),
        }


class BaseChildFormSet(forms.BaseFormSet):
    def clean(self) -> None:
        # Counted here as well as in the service, so the refusal reads the same however the fifth row came.
        if len(self.filled_forms()) > MAX_CHILDREN_PER_INCIDENT:
            raise ValidationError(TOO_MANY_CHILDREN)
        if not self.filled_forms():
            raise ValidationError(NO_CHILDREN)

    def filled_forms(self) -> list[ChildForm]:
        """The rows someone typed into (blank spare rows are ignored)."""
        return [f for f in self.forms if f.has_changed()]

    def children_data(self) -> list[dict]:
        return [
            {
                "name": f.cleaned_data.get("name", ""),
                "date_of_birth": f.cleaned_data.get("date_of_birth"),
                "address": f.cleaned_data.get("address", ""),
            }
            for f in self.filled_forms()
        ]


# Four rows are drawn; a fifth can only come from a crafted request, and is refused with the same message.
ChildFormSet = forms.formset_factory(
    ChildForm,
    formset=BaseChildFormSet,
    extra=MAX_CHILDREN_PER_INCIDENT,
    max_num=MAX_CHILDREN_PER_INCIDENT + 1,
    absolute_max=MAX_CHILDREN_PER_INCIDENT + 1,
)


def add_incident_errors(form: IncidentForm, formset: BaseChildFormSet | None, error: ValidationError) -> None:
    """A service's refusal onto the incident form and the children's rows (``children.<i>.<field>``)."""
    if formset is None or not hasattr(error, "error_dict"):
        add_service_errors(form, error)
        return
    own: dict[str, list[str]] = {}
    filled = formset.filled_forms()
    for key, messages in error.message_dict.items():
        if key == "children":
            formset._non_form_errors = formset.error_class(
                [*formset.non_form_errors(), *messages], error_class="nonform"
            )
        elif key.startswith("children."):
            _, index, field = key.split(".", 2)
            row = filled[int(index)] if int(index) < len(filled) else None
            if row is not None:
                row.add_error(field if field in row.fields else None, messages)
                row._describe_widgets()
        else:
            own[key] = messages
    if own:
        add_service_errors(form, ValidationError(own))


def error_list(form: forms.Form, formset: BaseChildFormSet | None = None) -> list[tuple[str, str]]:
    """Every problem on the page as (anchor, message), for the error summary."""
    items: list[tuple[str, str]] = [("", e) for e in form.non_field_errors()]
    for field in form:
        anchor = field.id_for_label or f"{field.auto_id}_0"
        items.extend((anchor, e) for e in field.errors)
    if formset is not None:
        items.extend(("children-heading", e) for e in formset.non_form_errors())
        for number, row in enumerate(formset.forms, start=1):
            items.extend(("", f"Child {number}: {e}") for e in row.non_field_errors())
            for field in row:
                items.extend((field.id_for_label, f"Child {number}: {e}") for e in field.errors)
    return items
