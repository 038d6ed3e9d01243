"""Forms of the schools register: the import upload, the search, and a school's contacts."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms

from partnership.forms.base import AccessibleFormMixin, VersionedFormMixin, versioned_initial

if TYPE_CHECKING:
    from audits.models import School

REGISTER_ACCEPT = ".csv,.xlsx"


class SchoolImportForm(AccessibleFormMixin, forms.Form):
    file = forms.FileField(
        label="Register file",
        help_text=(
            "A CSV file or an Excel workbook (.xlsx), up to 10 MB. The first row names the columns: "
            "name, URN, head and DSL email (optionally governor and governor email). "
            "A school whose URN is already on the register is updated."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": REGISTER_ACCEPT}),
        error_messages={"required": "Choose a file to upload.", "empty": "The file is empty."},
    )


class SchoolSearchForm(AccessibleFormMixin, forms.Form):
    q = forms.CharField(label="Search by name, URN or head teacher", required=False, max_length=200)


class SchoolEditForm(VersionedFormMixin, AccessibleFormMixin, forms.Form):
    head_teacher_name = forms.CharField(
        label="Head teacher",
        max_length=200,
        error_messages={"required": "Enter the head teacher's name.", "max_length": "Use at most 200 characters."},
    )
    dsl_email = forms.EmailField(
        label="Designated safeguarding lead's email",
        max_length=254,
        error_messages={
            "required": "Enter the designated safeguarding lead's email address.",
            "invalid": "Enter an email address, for example dsl@school.example.org.",
        },
    )
    governor_name = forms.CharField(
        label="Nominated governor (optional)",
        max_length=200,
        required=False,
        help_text="The governor who signs the school's safeguarding (s175) return with the head.",
        error_messages={"max_length": "Use at most 200 characters."},
    )
    governor_email = forms.EmailField(
        label="Nominated governor's email (optional)",
        max_length=254,
        required=False,
        error_messages={"invalid": "Enter an email address, for example governor@school.example.org."},
    )

    @classmethod
    def initial_for(cls, school: School) -> dict:
        return {
            "head_teacher_name": school.head_teacher_name,
            "dsl_email": school.dsl_email,
            "governor_name": school.governor_name,
            "governor_email": school.governor_email,
            **versioned_initial(school),
        }
