"""Forms of the business managers' administration pages.

Forms only parse and check the shape of input (required, length, a real date);
the rules of the domain (one statutory partner of each kind, roles that fit an
agency, no duplicate invitation) live in ``partnership.services`` and come back
onto the fields through ``add_service_errors``.
"""

from __future__ import annotations

from django import forms

from partnership.forms.base import AccessibleFormMixin, VersionedFormMixin, versioned_initial
from partnership.models import Agency, AgencyType, Membership, Nation, Partnership, Role, StatutoryPartner
from partnership.selectors import agency_choices
from partnership.services import REMINDER_WORKING_DAYS_MAX

NOT_A_STATUTORY_PARTNER = "Not a statutory partner"
AGENCY_ERRORS = {"required": "Choose an agency.", "invalid_choice": "Choose one of this partnership's agencies."}


class AgencyChoiceField(forms.ModelChoiceField):
    """A select of agencies that says which ones are inactive."""

    def label_from_instance(self, obj: Agency) -> str:
        return obj.name if obj.is_active else f"{obj.name} (inactive)"


class AgencyForm(AccessibleFormMixin, forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=200,
        error_messages={"required": "Enter the agency's name.", "max_length": "Use at most 200 characters."},
    )
    agency_type = forms.ChoiceField(
        label="Type of agency",
        choices=AgencyType.choices,
        error_messages={"required": "Choose the type of agency.", "invalid_choice": "Choose a type from the list."},
    )
    statutory_partner = forms.ChoiceField(
        label="Statutory partner",
        choices=[("", NOT_A_STATUTORY_PARTNER), *StatutoryPartner.choices],
        required=False,
        help_text=(
            "Only the agency that is this partnership's statutory safeguarding partner of that kind. "
            "Its type must match: the police partner is a police agency."
        ),
        error_messages={"invalid_choice": "Choose a statutory partner from the list."},
    )


class AgencyEditForm(VersionedFormMixin, AgencyForm):
    """The agency form plus ``is_active`` and the version of the agency the page showed."""

    is_active = forms.BooleanField(
        label="Active",
        required=False,
        help_text="Inactive agencies keep their history but cannot be chosen for new members or invitations.",
    )

    @classmethod
    def initial_for(cls, agency: Agency) -> dict:
        return {
            "name": agency.name,
            "agency_type": agency.agency_type,
            "statutory_partner": agency.statutory_partner,
            "is_active": agency.is_active,
            **versioned_initial(agency),
        }


class RolesField(forms.MultipleChoiceField):
    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("label", "Roles")
        kwargs.setdefault("choices", Role.choices)
        kwargs.setdefault("widget", forms.CheckboxSelectMultiple)
        kwargs.setdefault(
            "help_text",
            "A partner lead must work for the statutory partner agency of that kind.",
        )
        kwargs.setdefault(
            "error_messages",
            {"required": "Choose at least one role.", "invalid_choice": "Choose roles from the list."},
        )
        super().__init__(**kwargs)


class MemberForm(VersionedFormMixin, AccessibleFormMixin, forms.Form):
    """A member's agency, job title and roles in this partnership, and the version of the member the page showed."""

    agency = AgencyChoiceField(
        label="Agency",
        queryset=Agency.objects.none(),
        empty_label=None,
        error_messages=AGENCY_ERRORS,
    )
    job_title = forms.CharField(
        label="Job title",
        max_length=200,
        required=False,
        error_messages={"max_length": "Use at most 200 characters."},
    )
    roles = RolesField()

    def __init__(self, *args, partnership: Partnership, current_agency: Agency | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agency_choices(partnership=partnership, keep=current_agency)

    @classmethod
    def initial_for(cls, membership: Membership) -> dict:
        return {
            "agency": membership.agency_id,
            "job_title": membership.job_title,
            "roles": sorted(membership.role_set),
            **versioned_initial(membership),
        }


class MemberDeactivateForm(AccessibleFormMixin, forms.Form):
    reason = forms.CharField(
        label="Reason (optional)",
        max_length=500,
        required=False,
        help_text="Kept in the member's history, for example 'Left the council in March'.",
        error_messages={"max_length": "Use at most 500 characters."},
    )

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("prefix", "deactivate")
        super().__init__(*args, **kwargs)


class InvitationForm(AccessibleFormMixin, forms.Form):
    email = forms.CharField(
        label="Email address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        error_messages={
            "required": "Enter the person's email address.",
            "max_length": "Use at most 254 characters.",
        },
    )
    full_name = forms.CharField(
        label="Full name",
        max_length=200,
        error_messages={"required": "Enter the person's full name.", "max_length": "Use at most 200 characters."},
    )
    agency = AgencyChoiceField(
        label="Agency",
        queryset=Agency.objects.none(),
        empty_label="Choose an agency",
        error_messages=AGENCY_ERRORS,
    )
    roles = RolesField()

    def __init__(self, *args, partnership: Partnership, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agency_choices(partnership=partnership)


class PartnershipSettingsForm(VersionedFormMixin, AccessibleFormMixin, forms.Form):
    """The partnership's name, nation and reminder days, and the version of the settings the page showed."""

    name = forms.CharField(
        label="Partnership name",
        max_length=200,
        error_messages={"required": "Enter the partnership's name.", "max_length": "Use at most 200 characters."},
    )
    nation = forms.ChoiceField(
        label="Bank holidays",
        choices=Nation.choices,
        widget=forms.RadioSelect,
        help_text="Whose bank holidays count when working days are added up. Changing it changes every deadline.",
        error_messages={
            "required": "Choose England, Wales, Scotland or Northern Ireland.",
            "invalid_choice": "Choose England, Wales, Scotland or Northern Ireland.",
        },
    )

    reminder_working_days = forms.IntegerField(
        label="Reminders, in working days before the due date",
        min_value=0,
        max_value=REMINDER_WORKING_DAYS_MAX,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        help_text=(
            f"From 0 (on the day itself) to {REMINDER_WORKING_DAYS_MAX}. Everyone with a deadline gets an email "
            "reminder this many working days before it is due; changing it moves every open deadline's reminder."
        ),
        error_messages={
            "required": f"Enter a number of working days from 0 to {REMINDER_WORKING_DAYS_MAX}.",
            "invalid": f"Enter a whole number of working days from 0 to {REMINDER_WORKING_DAYS_MAX}, like 2.",
            "min_value": f"Enter a number of working days from 0 to {REMINDER_WORKING_DAYS_MAX}.",
            "max_value": f"Enter a number of working days from 0 to {REMINDER_WORKING_DAYS_MAX}.",
        },
    )

    incident_reference_pattern = forms.CharField(
        label="Serious incident references",
        max_length=20,
        required=False,
        help_text=(
            "The pattern of your own series: {number} is the running number, {year} the year of the notification "
            "(optional: without it the numbers run on across years). For example ASH-SI-{number} or SI-{year}-{number}."
        ),
        error_messages={
            "required": "Enter a pattern, for example ASH-SI-{number}.",
            "max_length": "Use at most 20 characters.",
        },
    )
    learning_review_reference_pattern = forms.CharField(
        label="Learning review references",
        max_length=20,
        required=False,
        help_text="The same, for learning reviews: for example LR-{year}-{number}.",
        error_messages={
            "required": "Enter a pattern, for example LR-{year}-{number}.",
            "max_length": "Use at most 20 characters.",
        },
    )

    @classmethod
    def initial_for(cls, partnership: Partnership) -> dict:
        return {
            "name": partnership.name,
            "nation": partnership.nation,
            "reminder_working_days": partnership.reminder_working_days,
            "incident_reference_pattern": partnership.incident_reference_pattern,
            "learning_review_reference_pattern": partnership.learning_review_reference_pattern,
            **versioned_initial(partnership),
        }


class ClosureDayForm(AccessibleFormMixin, forms.Form):
    date = forms.DateField(
        label="Date",
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="For example, 24/12/2026: day, month and year.",
        error_messages={
            "required": "Enter the date of the closure day.",
            "invalid": "Enter a real date, like 2026-12-24",
        },
    )
    reason = forms.CharField(
        label="Reason (optional)",
        max_length=200,
        required=False,
        help_text="For example, 'Council winter closure'.",
        error_messages={"max_length": "Use at most 200 characters."},
    )

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("prefix", "closure")
        super().__init__(*args, **kwargs)


MEMBER_STATUS_CHOICES = [("", "Everyone"), ("active", "Active"), ("inactive", "Inactive")]


class MemberFilterForm(AccessibleFormMixin, forms.Form):
    """The member list's search box and status filter (GET)."""

    q = forms.CharField(label="Name or email", max_length=200, required=False)
    status = forms.ChoiceField(label="Status", choices=MEMBER_STATUS_CHOICES, required=False)

    def filters(self) -> dict:
        """Keyword arguments for ``membership_list``; anything malformed is ignored."""
        if not self.is_valid():
            return {}
        status = self.cleaned_data["status"]
        return {
            "search": self.cleaned_data["q"].strip(),
            "include_inactive": status != "active",
            "inactive_only": status == "inactive",
        }


class AccessGrantItemForm(AccessibleFormMixin, forms.Form):
    """Step one of sharing: which item (the fields offered depend on its kind)."""

    item = forms.ChoiceField(label="What to share", help_text="Only items of kinds that can be shared are listed.")

    def __init__(self, *args, choices, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = [("", "Choose an item"), *choices]


class AccessGrantForm(AccessibleFormMixin, forms.Form):
    """Step two: what of the item, to whom, through which collaboration, until when, and why."""

    item = forms.CharField(widget=forms.HiddenInput)
    fields_shown = forms.MultipleChoiceField(
        label="What they will see",
        widget=forms.CheckboxSelectMultiple,
        help_text="Nothing else of the item is shown. They can only read it.",
    )
    grantee_email = forms.EmailField(
        label="Email address of the person",
        help_text="A member of this partnership, or of a partnership in the collaboration chosen below.",
    )
    collaboration = forms.ChoiceField(label="Shared through", required=False)
    ends_on = forms.DateField(
        label="Sharing ends on",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="The last day they can see it; a year at most.",
    )
    purpose = forms.CharField(
        label="Why it is shared",
        max_length=200,
        help_text="They see this; it is recorded in the item's history.",
    )

    def __init__(self, *args, field_choices, collaborations, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["fields_shown"].choices = field_choices
        self.collaborations = {str(c.pk): c for c in collaborations}
        self.fields["collaboration"].choices = [("", "No collaboration: a member of this partnership")] + [
            (pk, c.name) for pk, c in self.collaborations.items()
        ]

    def clean_collaboration(self):
        return self.collaborations.get(self.cleaned_data.get("collaboration") or "")


class AccessGrantRevokeForm(AccessibleFormMixin, forms.Form):
    reason = forms.CharField(label="Why it is revoked (optional)", max_length=200, required=False)


class ServiceAccountForm(AccessibleFormMixin, forms.Form):
    """A program's own membership: its name, the agency that runs it, its roles."""

    name = forms.CharField(
        label="Name of the program",
        max_length=200,
        help_text="For example 'Children's social care case system'. Shown in history wherever it acts.",
    )
    agency = AgencyChoiceField(
        label="Agency that runs it", queryset=Agency.objects.none(), empty_label=None, error_messages=AGENCY_ERRORS
    )
    roles = RolesField(help_text="Give it only what it needs. A partner lead must belong to that partner's agency.")

    def __init__(self, *args, partnership: Partnership, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agency_choices(partnership=partnership)


class ServiceAccountTokenForm(AccessibleFormMixin, forms.Form):
    name = forms.CharField(label="Token name", max_length=100, help_text="For example 'Production' or 'Test'.")
    days = forms.TypedChoiceField(
        label="How long it lasts",
        coerce=int,
        widget=forms.RadioSelect,
        initial=90,
        choices=[(30, "30 days"), (90, "90 days"), (365, "A year")],
    )

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("prefix", "token")
        super().__init__(*args, **kwargs)
