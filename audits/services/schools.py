"""The schools register: importing it from a CSV or Excel file, and editing one school.

An import is all or nothing. Every row is read and checked first; if any row
is wrong, ``SchoolImportRefused`` lists every problem by line, field and
reason, and nothing is written. Otherwise rows whose URN the partnership
already has update that school, the others become new schools (an education
agency each, with its school profile). The writes are a fixed handful of bulk
statements whatever the file's length (6,000 rows: tests/benchmarks/school_import.py).
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone

from audits.models import School, SchoolImport
from audits.models.schools import URN_MESSAGE, URN_PATTERN
from audits.services.bulk_sql import db_datetime, rows_insert, rows_update
from partnership.models import Agency, AgencyType, HistoryEntry, Partnership, Person
from partnership.services.files import CSV, FILE_FIELD, XLSX, stored_file_check
from partnership.services.history import _version_check, history_record, tenant_update

# A county's register is a few hundred schools; the largest partnership has 535. The cap keeps an
# upload (or a crafted workbook that unpacks to millions of rows) from holding a worker for minutes.
MAX_ROWS = 20_000
MAX_NAME = 200
BATCH = 500

# The columns, by the names people give them (compared in lower case, punctuation as spaces).
COLUMNS: dict[str, tuple[str, frozenset[str]]] = {
    "name": ("name", frozenset({"name", "school name", "school", "establishment name", "establishmentname"})),
    "urn": ("URN", frozenset({"urn", "unique reference number"})),
    "head_teacher_name": (
        "head",
        frozenset({"head", "head teacher", "headteacher", "head teacher name", "headteacher name", "head name"}),
    ),
    "dsl_email": (
        "DSL email",
        frozenset(
            {
                "dsl email",
                "dsl e mail",
                "designated safeguarding lead email",
                "designated safeguarding lead s email",
                "dsl email address",
            }
        ),
    ),
    "governor_name": ("governor", frozenset({"governor", "governor name", "nominated governor"})),
    "governor_email": (
        "governor email",
        frozenset({"governor email", "nominated governor email", "nominated governor s email"}),
    ),
}
REQUIRED_COLUMNS = ("name", "urn", "head_teacher_name", "dsl_email")
_URN = re.compile(URN_PATTERN)
_EMAIL_COLUMNS = (("dsl_email", "designated safeguarding lead", True), ("governor_email", "governor", False))
_NOT_WORD = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class RowProblem:
    line: int
    column: str  # the column as the file's reader knows it ("URN", "DSL email"), or "file"
    message: str


class SchoolImportRefused(ValidationError):  # noqa: N818 - a refusal, raised like the services' ValidationError
    """The file cannot be imported: ``problems`` says where and why. Nothing was written."""

    def __init__(self, problems: list[RowProblem]) -> None:
        self.problems = problems
        count = len({p.line for p in problems})
        if len(problems) == 1 and problems[0].column == "file":
            message = problems[0].message
        else:
            message = (
                f"{count} row{'s' if count != 1 else ''} of the file {'have' if count != 1 else 'has'} problems, "
                "so nothing was imported. Correct them and upload the file again."
            )
        super().__init__({FILE_FIELD: [message]})


@dataclass
class SchoolRow:
    line: int
    values: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class SchoolImportResult:
    record: SchoolImport
    created: int
    updated: int
    unchanged: int


# --- Reading the file ---------------------------------------------------------------------


def _heading_key(heading: object) -> str | None:
    text = _NOT_WORD.sub(" ", str(heading or "").lower()).strip()
    return next((key for key, (_label, names) in COLUMNS.items() if text in names), None)


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a URN typed as a number comes back from Excel as 123456.0
    if isinstance(value, datetime):
        value = value.date().isoformat()
    return str(value).strip()


def _rows_from_table(table: list[tuple[int, list[object]]]) -> list[SchoolRow]:
    """Rows (line, cells) after the heading row → school rows; a missing column is a file problem."""
    while table and not any(_cell_text(c) for c in table[0][1]):
        table = table[1:]  # blank lines before the headings
    if not table:
        raise SchoolImportRefused([RowProblem(0, "file", "The file has no rows. Its first row names the columns.")])
    heading_line, headings = table[0]
    positions: dict[str, int] = {}
    for position, heading in enumerate(headings):
        key = _heading_key(heading)
        if key is not None and key not in positions:
            positions[key] = position
    missing = [COLUMNS[key][0] for key in REQUIRED_COLUMNS if key not in positions]
    if missing:
        raise SchoolImportRefused(
            [
                RowProblem(
                    heading_line,
                    "file",
                    f"The first row must name the columns name, URN, head and DSL email; "
                    f"missing: {', '.join(missing)}.",
                )
            ]
        )
    rows = []
    for line, cells in table[1:]:
        values = {key: _cell_text(cells[pos]) if pos < len(cells) else "" for key, pos in positions.items()}
        if any(values.values()):  # blank lines are skipped, not refused
            rows.append(SchoolRow(line=line, values=values))
    if len(rows) > MAX_ROWS:
        raise SchoolImportRefused([RowProblem(0, "file", f"A file can hold at most {MAX_ROWS:,} schools.")])
    return rows


def school_rows_from_csv(data: bytes) -> list[SchoolRow]:
    text = data.decode("utf-8-sig")
    reader = csv.reader(io.StringIO(text, newline=""))
    table: list[tuple[int, list[object]]] = []
    start = 1
    try:
        for cells in reader:
            table.append((start, cells))  # a quoted value can span lines: a row is named by its first
            start = reader.line_num + 1
            if len(table) > MAX_ROWS + 1:
                break
    except csv.Error as exc:
        raise SchoolImportRefused([RowProblem(start, "file", f"This line cannot be read as CSV ({exc}).")]) from exc
    return _rows_from_table(table)


def school_rows_from_xlsx(data: bytes) -> list[SchoolRow]:
    from openpyxl import load_workbook  # only imports need it

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as exc:
        raise SchoolImportRefused([RowProblem(0, "file", "This Excel file cannot be read.")]) from exc
    try:
        if not workbook.worksheets:
            raise SchoolImportRefused([RowProblem(0, "file", "The workbook has no sheets.")])
        sheet = workbook.worksheets[0]
        table: list[tuple[int, list[object]]] = []
        for line, cells in enumerate(sheet.iter_rows(max_col=len(COLUMNS) * 3, values_only=True), start=1):
            table.append((line, list(cells)))
            if len(table) > MAX_ROWS + 1:
                break
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as exc:
        raise SchoolImportRefused([RowProblem(0, "file", "This Excel file cannot be read.")]) from exc
    finally:
        workbook.close()
    return _rows_from_table(table)


def school_rows_from_upload(upload: UploadedFile | None) -> tuple[list[SchoolRow], str, str]:
    """Check an uploaded file (kernel files service: size, type by content, safe name) and read its rows."""
    data, kind, name = stored_file_check(upload)
    if kind == CSV:
        return school_rows_from_csv(data), SchoolImport.FileKind.CSV, name
    if kind == XLSX:
        return school_rows_from_xlsx(data), SchoolImport.FileKind.XLSX, name
    raise ValidationError({FILE_FIELD: ["Upload the register as a CSV file or an Excel workbook (.xlsx)."]})


# --- Checking the rows --------------------------------------------------------------------


def _check_text(row: SchoolRow, key: str, missing: str, problems: list[RowProblem]) -> None:
    value = row.values.get(key, "")
    if not value and missing:
        problems.append(RowProblem(row.line, COLUMNS[key][0], missing))
    elif len(value) > MAX_NAME:
        problems.append(RowProblem(row.line, COLUMNS[key][0], f"Use at most {MAX_NAME} characters."))


def _check_urn(row: SchoolRow, first_line_of_urn: dict[str, int], problems: list[RowProblem]) -> None:
    urn, column = row.values.get("urn", ""), COLUMNS["urn"][0]
    if not urn:
        problems.append(RowProblem(row.line, column, "Enter the school's URN."))
    elif not _URN.match(urn):
        problems.append(RowProblem(row.line, column, f"“{urn[:20]}” is not a URN. {URN_MESSAGE}"))
    elif urn in first_line_of_urn:
        problems.append(RowProblem(row.line, column, f"URN {urn} is already on line {first_line_of_urn[urn]}."))
    else:
        first_line_of_urn[urn] = row.line


def _check_emails(row: SchoolRow, problems: list[RowProblem]) -> None:
    for key, what, required in _EMAIL_COLUMNS:
        email = row.values.get(key, "")
        if not email:
            if required:
                problems.append(RowProblem(row.line, COLUMNS[key][0], f"Enter the {what}'s email address."))
            continue
        try:
            validate_email(email)
        except ValidationError:
            problems.append(RowProblem(row.line, COLUMNS[key][0], f"“{email[:60]}” is not an email address."))
    if row.values.get("governor_email") and not row.values.get("governor_name"):
        problems.append(RowProblem(row.line, COLUMNS["governor_name"][0], "Give the governor's name with their email."))


def _check_rows(rows: list[SchoolRow]) -> list[RowProblem]:
    problems: list[RowProblem] = []
    first_line_of_urn: dict[str, int] = {}
    for row in rows:
        _check_text(row, "name", "Enter the school's name.", problems)
        _check_urn(row, first_line_of_urn, problems)
        _check_text(row, "head_teacher_name", "Enter the head teacher's name.", problems)
        _check_emails(row, problems)
        _check_text(row, "governor_name", "", problems)
    return problems


# --- Writing ------------------------------------------------------------------------------


def _agency_names(
    *, partnership: Partnership, rows: list[SchoolRow], existing: dict[str, School]
) -> tuple[dict[str, str], list[RowProblem]]:
    """The agency name for each URN: the school's name, or "name (URN n)" where another agency has that name."""
    agencies_in_file = {existing[r.values["urn"]].agency_id for r in rows if r.values["urn"] in existing}
    taken = {
        name.casefold()
        for pk, name in Agency.objects.in_partnership(partnership).values_list("pk", "name")
        if pk not in agencies_in_file
    }
    repeated = Counter(r.values["name"].casefold() for r in rows)
    names: dict[str, str] = {}
    problems = []
    used: set[str] = set()
    for row in rows:
        name, urn = row.values["name"], row.values["urn"]
        chosen = name
        if name.casefold() in taken or repeated[name.casefold()] > 1:
            chosen = f"{name[: MAX_NAME - 13]} (URN {urn})"
        if chosen.casefold() in taken or chosen.casefold() in used:
            problems.append(RowProblem(row.line, COLUMNS["name"][0], f"Another agency is already called {chosen}."))
        used.add(chosen.casefold())
        names[urn] = chosen
    return names, problems


_SCHOOL_FIELDS = ("name", "head_teacher_name", "dsl_email", "governor_name", "governor_email")


def _apply_to_existing(
    *, rows: list[SchoolRow], existing: dict[str, School], names: dict[str, str], now: datetime
) -> tuple[list[tuple[School, dict]], list[Agency]]:
    """Set the file's values on the schools already registered; those that changed, with their changes."""
    changed_schools: list[tuple[School, dict]] = []
    changed_agencies: list[Agency] = []
    for row in rows:
        school = existing.get(row.values["urn"])
        if school is None:
            continue
        changes = {}
        for name in _SCHOOL_FIELDS:
            if name in row.values and getattr(school, name) != row.values[name]:
                changes[name] = {"from": getattr(school, name), "to": row.values[name]}
                setattr(school, name, row.values[name])
        if school.agency.name != names[school.urn]:
            changes["agency"] = {"from": school.agency.name, "to": names[school.urn]}
            school.agency.name = names[school.urn]
            school.agency.updated_at = now
            changed_agencies.append(school.agency)
        if changes:
            school.updated_at = now
            changed_schools.append((school, changes))
    return changed_schools, changed_agencies


def _rename_agencies(*, partnership: Partnership, agencies: list[Agency], now: datetime) -> None:
    """Give the agencies their new names; the old ones are freed first, so two schools may swap names."""
    if not agencies:
        return
    rows_update(
        model=Agency, partnership_id=partnership.pk, fields=["name"], rows=[(a.pk, f"~import~{a.pk}") for a in agencies]
    )
    rows_update(
        model=Agency,
        partnership_id=partnership.pk,
        fields=["name"],
        rows=[(a.pk, a.name) for a in agencies],
        also_set={"updated_at": db_datetime(now)},
    )


def _history_rows(
    *,
    partnership: Partnership,
    actor_id: int | None,
    file_name: str,
    now: datetime,
    entries: list[tuple[int, str, str, dict]],
) -> None:
    """One history row per school created or changed: (school id, its name, action, changes)."""
    content_type_id = ContentType.objects.get_for_model(School).pk
    reason = f"Imported from {file_name}"[:500]
    at = db_datetime(now)
    rows_insert(
        model=HistoryEntry,
        fields=[
            "partnership",
            "content_type",
            "object_id",
            "object_repr",
            "action",
            "actor",
            "changes",
            "reason",
            "at",
        ],
        rows=[
            (partnership.pk, content_type_id, pk, label[:200], action, actor_id, json.dumps(changes), reason, at)
            for pk, label, action, changes in entries
        ],
    )


def _write(
    *,
    partnership: Partnership,
    new_rows: list[SchoolRow],
    names: dict[str, str],
    changed_schools: list[tuple[School, dict]],
    changed_agencies: list[Agency],
    now: datetime,
) -> dict[str, int]:
    """The import's statements; returns the new schools' ids by URN."""
    at = db_datetime(now)
    _rename_agencies(partnership=partnership, agencies=changed_agencies, now=now)
    if changed_schools:
        rows_update(
            model=School,
            partnership_id=partnership.pk,
            fields=_SCHOOL_FIELDS,
            rows=[(s.pk, *(getattr(s, name) for name in _SCHOOL_FIELDS)) for s, _ in changed_schools],
            also_set={"updated_at": at},
        )
    if not new_rows:
        return {}
    rows_insert(
        model=Agency,
        fields=["partnership", "name", "agency_type", "statutory_partner", "is_active", "created_at", "updated_at"],
        rows=[(partnership.pk, names[r.values["urn"]], AgencyType.EDUCATION.value, "", True, at, at) for r in new_rows],
    )
    new_names = {names[r.values["urn"]] for r in new_rows}
    agency_ids = {
        name: pk
        for name, pk in Agency.objects.in_partnership(partnership).values_list("name", "pk")
        if name in new_names
    }
    rows_insert(
        model=School,
        fields=["partnership", "agency", "urn", *_SCHOOL_FIELDS, "created_at", "updated_at"],
        rows=[
            (
                partnership.pk,
                agency_ids[names[r.values["urn"]]],
                r.values["urn"],
                *(r.values.get(name, "") for name in _SCHOOL_FIELDS),
                at,
                at,
            )
            for r in new_rows
        ],
    )
    new_urns = {r.values["urn"] for r in new_rows}
    return {
        urn: pk for urn, pk in School.objects.in_partnership(partnership).values_list("urn", "pk") if urn in new_urns
    }


@transaction.atomic
def school_import(
    *, partnership: Partnership, actor: Person | None, rows: list[SchoolRow], file_name: str, file_kind: str
) -> SchoolImportResult:
    """Create or update (by URN) every school of ``rows``, or nothing.

    Raises ``SchoolImportRefused`` listing every bad row (line, column, reason)
    and writes nothing. Otherwise creates an education agency and a school for
    each new URN, updates the schools whose details changed (a governor column
    left out of the file leaves the governor as it was), records history for
    each created or changed school and one ``SchoolImport`` row. The number of
    queries does not depend on the number of rows beyond the bulk statements' batches.
    """
    problems = _check_rows(rows)
    if problems:
        raise SchoolImportRefused(problems)
    for row in rows:
        row.values["dsl_email"] = row.values["dsl_email"].lower()
        if "governor_email" in row.values:
            row.values["governor_email"] = row.values["governor_email"].lower()

    existing = {
        s.urn: s
        for s in School.objects.in_partnership(partnership).select_related("agency").select_for_update(of=("self",))
    }
    agency_names, problems = _agency_names(partnership=partnership, rows=rows, existing=existing)
    if problems:
        raise SchoolImportRefused(problems)

    now = timezone.now()
    new_rows = [r for r in rows if r.values["urn"] not in existing]
    changed_schools, changed_agencies = _apply_to_existing(rows=rows, existing=existing, names=agency_names, now=now)
    try:
        with transaction.atomic():
            created = _write(
                partnership=partnership,
                new_rows=new_rows,
                names=agency_names,
                changed_schools=changed_schools,
                changed_agencies=changed_agencies,
                now=now,
            )
    except IntegrityError as exc:  # another import or edit got there first
        raise ValidationError(
            {FILE_FIELD: ["The register changed while the file was being imported. Upload it again."]}
        ) from exc

    actor_id = actor.pk if actor is not None and actor.is_authenticated else None
    _history_rows(
        partnership=partnership,
        actor_id=actor_id,
        file_name=file_name,
        now=now,
        entries=[
            (
                created[r.values["urn"]],
                f"{r.values['name']} (URN {r.values['urn']})",
                HistoryEntry.Action.CREATED.value,
                {name: {"from": None, "to": r.values.get(name, "")} for name in ("urn", *_SCHOOL_FIELDS)},
            )
            for r in new_rows
        ]
        + [(s.pk, str(s), HistoryEntry.Action.UPDATED.value, changes) for s, changes in changed_schools],
    )
    record = SchoolImport.objects.create(
        partnership=partnership,
        file_name=file_name[:200],
        file_kind=file_kind,
        rows=len(rows),
        created=len(new_rows),
        updated=len(changed_schools),
        unchanged=len(rows) - len(new_rows) - len(changed_schools),
        imported_by_id=actor_id,
        at=now,
    )
    history_record(partnership=partnership, actor=actor, instance=record, action=HistoryEntry.Action.CREATED)
    return SchoolImportResult(record=record, created=record.created, updated=record.updated, unchanged=record.unchanged)


@transaction.atomic
def school_update(
    *,
    partnership: Partnership,
    actor: Person,
    school: School,
    head_teacher_name: str,
    dsl_email: str,
    governor_name: str = "",
    governor_email: str = "",
    expected_updated_at: datetime | None = None,
) -> dict:
    """Change a school's contacts (its head, designated safeguarding lead and nominated governor).

    With ``expected_updated_at``, a change made from an out-of-date page is
    refused (code ``stale``) and nothing is written. The name and URN come from the register's import.
    """
    school = School.objects.in_partnership(partnership).select_for_update().get(pk=school.pk)
    _version_check(instance=school, expected_updated_at=expected_updated_at, what="this school")
    errors: dict[str, list[str]] = {}
    if not head_teacher_name.strip():
        errors["head_teacher_name"] = ["Enter the head teacher's name."]
    if governor_email.strip() and not governor_name.strip():
        errors["governor_name"] = ["Give the governor's name with their email."]
    if governor_name.strip() and not governor_email.strip():
        errors["governor_email"] = ["Enter the governor's email address: they sign the school's returns."]
    if errors:
        raise ValidationError(errors)
    return tenant_update(
        partnership=partnership,
        actor=actor,
        instance=school,
        data={
            "head_teacher_name": head_teacher_name.strip(),
            "dsl_email": dsl_email.strip().lower(),
            "governor_name": governor_name.strip(),
            "governor_email": governor_email.strip().lower(),
        },
    )
