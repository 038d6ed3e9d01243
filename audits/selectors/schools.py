"""Reads of the schools register, each with what its page needs already joined."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from audits.models import School, SchoolImport
from partnership.models import Partnership


def school_list(*, partnership: Partnership, search: str = "") -> QuerySet[School]:
    """The partnership's schools by name; ``search`` matches the name, the URN or the head teacher."""
    schools = School.objects.in_partnership(partnership).select_related("agency").order_by("name", "urn")
    search = search.strip()
    if search:
        schools = schools.filter(Q(name__icontains=search) | Q(urn=search) | Q(head_teacher_name__icontains=search))
    return schools


def school_get(*, partnership: Partnership, school_id: int) -> School:
    """One school of the partnership; another partnership's school is missing (404) like one that never was."""
    school = School.objects.in_partnership(partnership).select_related("agency").filter(pk=school_id).first()
    if school is None:
        raise Http404("No such school.")
    return school


def school_import_list(*, partnership: Partnership, limit: int = 10) -> list[SchoolImport]:
    """The newest imports of the register, with who made them."""
    return list(SchoolImport.objects.in_partnership(partnership).select_related("imported_by")[:limit])
