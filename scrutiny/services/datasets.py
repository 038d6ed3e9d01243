"""Writes of the quarterly data sets: define and edit indicators, enter figures on a form or from a CSV or Excel
upload, and write an agency's analysis of its quarter.

Who writes what: the business managers define the indicators and enter any agency's figures (and the whole
partnership's); an agency lead enters their own agency's figures and analysis; everyone else, the independent
scrutineer included, only reads (``PermissionDenied``).

An upload is imported whole or not at all: every row is checked first, and any bad row refuses the file with one
message per problem, ``line N: ...``. Every row written leaves a history row, and an edit from an out-of-date read
is refused (``stale``: the kernel's ``_version_check``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from partnership.models import Agency, HistoryEntry, Membership, Partnership, Person
from partnership.services.files import CSV, FILE_FIELD, XLSX, stored_file_check
from partnership.services.history import (
    _version_check,
    history_rows,
    tenant_create,
    tenant_delete,
    tenant_update,
)
from partnership.tabular import ImportRefusedError, header_columns, parse_value, refuse_if_errors, table_lines
from scrutiny.models import AgencyAnalysis, Indicator, IndicatorValue
from scrutiny.quarters import quarter_label, quarter_parse
from scrutiny.selectors.datasets import DATASET_MANAGE_ROLES, can_enter_for

VALUE_LIMIT = Decimal(10) ** 14
MAX_ROWS = 5000
NAME_MAX, THEME_MAX, UNIT_MAX, DEFINITION_MAX, ANALYSIS_MAX = 200, 100, 40, 2000, 10000
UPLOAD_COLUMNS = {
    "indicator": "indicator",
    "indicator name": "indicator",
    "name": "indicator",
    "quarter": "quarter",
    "period": "quarter",
    "value": "value",
    "agency": "agency",
}
UPLOAD_REQUIRED = {"indicator": "indicator", "quarter": "quarter", "value": "value"}


def _manager_only(membership: Membership) -> None:
    if not membership.has_role(*DATASET_MANAGE_ROLES):
        raise PermissionDenied("Only the business managers define the data set's indicators.")


def _number(raw: object, *, field: str, errors: dict[str, list[str]], required: bool) -> Decimal | None:
    if raw in (None, ""):
        if required:
            errors[field] = ["Enter a number."]
        return None
    number = raw if isinstance(raw, Decimal) else parse_value(str(raw))
    if number is None or not number.is_finite():
        errors[field] = [f"'{str(raw)[:40]}' is not a number."]
        return None
    if abs(number) >= VALUE_LIMIT:
        errors[field] = ["The number is too large."]
        return None
    return number.quantize(Decimal("0.0001"))


# --- Indicators ---------------------------------------------------------------------------------------------


def _thresholds(data: dict, direction: str, errors: dict[str, list[str]]) -> tuple[Decimal | None, Decimal | None]:
    """The amber and red thresholds, red no better than amber by the good direction."""
    amber = _number(data.get("amber_threshold"), field="amber_threshold", errors=errors, required=False)
    red = _number(data.get("red_threshold"), field="red_threshold", errors=errors, required=False)
    if amber is not None and red is not None:
        if direction == Indicator.Direction.UP and red > amber:
            errors["red_threshold"] = ["Where higher is better, the red threshold cannot be above the amber one."]
        if direction == Indicator.Direction.DOWN and red < amber:
            errors["red_threshold"] = ["Where lower is better, the red threshold cannot be below the amber one."]
    return amber, red


def _indicator_fields(*, partnership: Partnership, data: dict, exclude: int | None = None) -> dict:
    errors: dict[str, list[str]] = {}
    name = " ".join(str(data.get("name") or "").split())
    theme = " ".join(str(data.get("theme") or "").split())
    unit = " ".join(str(data.get("unit") or "").split())
    definition = str(data.get("definition") or "").strip()
    part = data.get("part")
    direction = data.get("good_direction")
    if part not in Indicator.Part.values:
        errors["part"] = ["Choose Part A (multi-agency) or Part B (themed)."]
    if not name:
        errors["name"] = ["Enter the indicator's name."]
    elif len(name) > NAME_MAX:
        errors["name"] = [f"Use at most {NAME_MAX} characters."]
    elif Indicator.objects.in_partnership(partnership).filter(name__iexact=name).exclude(pk=exclude or 0).exists():
        errors["name"] = ["The data set already has an indicator of this name."]
    if part == Indicator.Part.B and not theme:
        errors["theme"] = ["Enter the theme this Part B indicator belongs to, for example Domestic abuse."]
    elif len(theme) > THEME_MAX:
        errors["theme"] = [f"Use at most {THEME_MAX} characters."]
    if len(unit) > UNIT_MAX:
        errors["unit"] = [f"Use at most {UNIT_MAX} characters."]
    if len(definition) > DEFINITION_MAX:
        errors["definition"] = [f"Use at most {DEFINITION_MAX} characters."]
    if direction not in Indicator.Direction.values:
        errors["good_direction"] = ["Choose whether a higher or a lower figure is better."]
    amber, red = _thresholds(data, direction, errors)
    order = data.get("order", 0)
    if not isinstance(order, int) or not 0 <= order <= 10000:
        errors["order"] = ["Enter a whole number from 0 to 10000."]
    if errors:
        raise ValidationError(errors)
    return {
        "part": part,
        "theme": theme if part == Indicator.Part.B else "",
        "name": name,
        "definition": definition,
        "unit": unit,
        "good_direction": direction,
        "amber_threshold": amber,
        "red_threshold": red,
        "active": bool(data.get("active", True)),
        "order": order,
    }


@transaction.atomic
def indicator_create(*, partnership: Partnership, actor: Person, membership: Membership, **data) -> Indicator:
    """Add an indicator to the partnership's data set (business managers)."""
    _manager_only(membership)
    fields = _indicator_fields(partnership=partnership, data=data)
    return tenant_create(partnership=partnership, actor=actor, instance=Indicator(partnership=partnership, **fields))


@transaction.atomic
def indicator_update(
    *,
    partnership: Partnership,
    actor: Person,
    membership: Membership,
    indicator: Indicator,
    expected_updated_at: datetime | None,
    **data,
) -> Indicator:
    """Change an indicator's definition or thresholds (business managers); its figures stay and are flagged by
    the new thresholds from then on. Retire it with ``active`` false: its figures stay readable."""
    _manager_only(membership)
    locked = Indicator.objects.in_partnership(partnership).select_for_update().filter(pk=indicator.pk).first()
    if locked is None:
        raise ValidationError("No such indicator in this partnership.")
    _version_check(instance=locked, expected_updated_at=expected_updated_at, what="this indicator")
    fields = _indicator_fields(partnership=partnership, data=data, exclude=locked.pk)
    tenant_update(partnership=partnership, actor=actor, instance=locked, data=fields)
    return locked


# --- Figures on a form --------------------------------------------------------------------------------------


def _entry_check(membership: Membership, agency: Agency | None) -> None:
    if not can_enter_for(membership, agency):
        raise PermissionDenied(
            "Only the business managers enter the whole partnership's figures."
            if agency is None
            else f"Only the business managers and {agency.name}'s lead enter {agency.name}'s figures."
        )


def agency_get(*, partnership: Partnership, agency_id: int | None) -> Agency | None:
    """The partnership's agency of that id (None for None); another partnership's is a field error, as a missing one."""
    if agency_id is None:
        return None
    agency = Agency.objects.in_partnership(partnership).filter(pk=agency_id).first()
    if agency is None:
        raise ValidationError({"agency_id": ["Choose one of the partnership's agencies, or none."]})
    return agency


def quarter_version(*, partnership: Partnership, agency: Agency | None, quarter: date) -> datetime | None:
    """The version of one agency's figures for one quarter: the newest change among them (None when none)."""
    return (
        IndicatorValue.objects.in_partnership(partnership)
        .filter(agency=agency, quarter=quarter)
        .aggregate(newest=Max("updated_at"))["newest"]
    )


@dataclass(frozen=True)
class EntryResult:
    added: int
    updated: int
    removed: int
    unchanged: int


@transaction.atomic
def quarter_values_enter(
    *,
    partnership: Partnership,
    actor: Person,
    membership: Membership,
    agency: Agency | None,
    quarter: date,
    values: dict[int, str],
    read_version: datetime | None,
    check_version: bool = True,
) -> EntryResult:
    """Save one agency's (or the partnership's) figures for one quarter from the entry form: ``values`` maps each
    indicator's id to what was typed; a blank removes a figure that was there.

    ``read_version`` is ``quarter_version`` as the form read it: if any of these figures changed since, nothing is
    saved (``stale``). Every bad figure is reported on its indicator's field (``value_<id>``).
    """
    _entry_check(membership, agency)
    existing = {
        v.indicator_id: v
        for v in IndicatorValue.objects.in_partnership(partnership)
        .select_for_update()
        .filter(agency=agency, quarter=quarter)
        .order_by("pk")
    }
    newest = max((v.updated_at for v in existing.values()), default=None)
    if check_version and newest != read_version:
        raise ValidationError(
            "Someone else changed these figures while you were editing them. Their figures are shown below and "
            "yours are still in the form: check them, then save again.",
            code="stale",
        )
    indicators = {i.pk: i for i in Indicator.objects.in_partnership(partnership).filter(pk__in=list(values))}
    errors: dict[str, list[str]] = {}
    numbers: dict[int, Decimal | None] = {}
    for indicator_id, raw in values.items():
        if indicator_id not in indicators:
            errors[f"value_{indicator_id}"] = ["No such indicator in this partnership."]
            continue
        numbers[indicator_id] = _number(
            str(raw or "").strip(), field=f"value_{indicator_id}", errors=errors, required=False
        )
    if errors:
        raise ValidationError(errors)
    added = updated = removed = unchanged = 0
    now = timezone.now()
    for indicator_id, number in numbers.items():
        current = existing.get(indicator_id)
        if current is None and number is None:
            continue
        if current is None:
            tenant_create(
                partnership=partnership,
                actor=actor,
                instance=IndicatorValue(
                    partnership=partnership,
                    indicator=indicators[indicator_id],
                    agency=agency,
                    quarter=quarter,
                    value=number,
                    entered_by=actor,
                    entered_at=now,
                ),
            )
            added += 1
        elif number is None:
            tenant_delete(partnership=partnership, actor=actor, instance=current, reason="Cleared on the entry form")
            removed += 1
        elif tenant_update(
            partnership=partnership,
            actor=actor,
            instance=current,
            data={"value": number, "entered_by": actor, "entered_at": now},
        ).get("value"):
            updated += 1
        else:
            unchanged += 1
    return EntryResult(added=added, updated=updated, removed=removed, unchanged=unchanged)


# --- One figure (the API) -----------------------------------------------------------------------------------


@transaction.atomic
def value_create(
    *,
    partnership: Partnership,
    actor: Person,
    membership: Membership,
    indicator_id: int,
    agency_id: int | None,
    quarter: date,
    value: str,
) -> IndicatorValue:
    """Add one figure; a figure already there for the indicator, agency and quarter is a field error (change it
    instead, with its version)."""
    errors: dict[str, list[str]] = {}
    indicator = Indicator.objects.in_partnership(partnership).filter(pk=indicator_id).first()
    if indicator is None:
        errors["indicator_id"] = ["Choose one of the partnership's indicators."]
    agency = None
    try:
        agency = agency_get(partnership=partnership, agency_id=agency_id)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    number = _number(value, field="value", errors=errors, required=True)
    if errors:
        raise ValidationError(errors)
    _entry_check(membership, agency)
    if (
        IndicatorValue.objects.in_partnership(partnership)
        .filter(indicator=indicator, agency=agency, quarter=quarter)
        .exists()
    ):
        raise ValidationError(
            {"quarter": [f"{indicator.name} already has a figure for {quarter_label(quarter)}: change that one."]}
        )
    return tenant_create(
        partnership=partnership,
        actor=actor,
        instance=IndicatorValue(
            partnership=partnership,
            indicator=indicator,
            agency=agency,
            quarter=quarter,
            value=number,
            entered_by=actor,
            entered_at=timezone.now(),
        ),
    )


@transaction.atomic
def value_update(
    *,
    partnership: Partnership,
    actor: Person,
    membership: Membership,
    figure: IndicatorValue,
    value: str,
    expected_updated_at: datetime | None,
) -> IndicatorValue:
    locked = IndicatorValue.objects.in_partnership(partnership).select_for_update().filter(pk=figure.pk).first()
    if locked is None:
        raise ValidationError("No such figure in this partnership.")
    _entry_check(membership, agency_get(partnership=partnership, agency_id=locked.agency_id))
    _version_check(instance=locked, expected_updated_at=expected_updated_at, what="this figure")
    errors: dict[str, list[str]] = {}
    number = _number(value, field="value", errors=errors, required=True)
    if errors:
        raise ValidationError(errors)
    tenant_update(
        partnership=partnership,
        actor=actor,
        instance=locked,
        data={"value": number, "entered_by": actor, "entered_at": timezone.now()},
    )
    return locked


@transaction.atomic
def value_delete(
    *,
    partnership: Partnership,
    actor: Person,
    membership: Membership,
    figure: IndicatorValue,
    expected_updated_at: datetime | None,
) -> None:
    locked = IndicatorValue.objects.in_partnership(partnership).select_for_update().filter(pk=figure.pk).first()
    if locked is None:
        raise ValidationError("No such figure in this partnership.")
    _entry_check(membership, agency_get(partnership=partnership, agency_id=locked.agency_id))
    _version_check(instance=locked, expected_updated_at=expected_updated_at, what="this figure")
    tenant_delete(partnership=partnership, actor=actor, instance=locked)


# --- Figures from a file ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportResult:
    added: int
    updated: int
    unchanged: int


@dataclass(frozen=True)
class _Row:
    line: int
    indicator: Indicator
    agency_id: int | None
    quarter: date
    value: Decimal


def _row_problems(cells: dict[str, str], *, indicators: dict, agencies: dict, membership: Membership) -> tuple:
    """One line's problems, and what it names: (problems, indicator, quarter, value, agency)."""
    problems: list[str] = []
    name, quarter_text, agency_name = cells["indicator"], cells["quarter"], cells.get("agency", "")
    indicator = indicators.get(name.lower()) if name else None
    if not name:
        problems.append("enter the indicator's name")
    elif indicator is None:
        problems.append(f"indicator '{name[:80]}' is not one of the data set's indicators")
    elif not indicator.active:
        problems.append(f"indicator '{indicator.name}' is no longer collected")
    quarter = quarter_parse(quarter_text) if quarter_text else None
    if not quarter_text:
        problems.append("enter the quarter (for example 2025-26 Q1, or its first day 2025-04-01)")
    elif quarter is None:
        problems.append(f"quarter '{quarter_text[:40]}' is not a quarter (write 2025-26 Q1, or 2025-04-01)")
    value_errors: dict[str, list[str]] = {}
    value = _number(cells["value"], field="value", errors=value_errors, required=True)
    if value_errors:
        problems.append(
            "enter a value"
            if not cells["value"]
            else f"value '{cells['value'][:40]}' is not a number"
            if value is None and "too large" not in value_errors["value"][0]
            else f"value '{cells['value'][:40]}' is too large"
        )
    agency = agencies.get(agency_name.lower()) if agency_name else None
    if agency_name and agency is None:
        problems.append(f"agency '{agency_name[:80]}' is not one of the partnership's agencies")
    elif not problems and not can_enter_for(membership, agency):
        whose = agency.name if agency is not None else "the whole partnership"
        problems.append(f"you may not enter {whose}'s figures")
    return problems, indicator, quarter, value, agency


def _rows_read(*, data: bytes, is_xlsx: bool, partnership: Partnership, membership: Membership) -> list[_Row]:
    lines = table_lines(
        data=data,
        is_xlsx=is_xlsx,
        max_rows=MAX_ROWS,
        empty_message="The file has no rows: put the column names on line 1 and one figure on each line after.",
    )
    columns = header_columns(lines[0], known=UPLOAD_COLUMNS, required=UPLOAD_REQUIRED)
    indicators = {i.name.lower(): i for i in Indicator.objects.in_partnership(partnership)}
    agencies = {a.name.lower(): a for a in Agency.objects.in_partnership(partnership)}
    rows: list[_Row] = []
    errors: list[str] = []
    seen: dict[tuple, int] = {}
    for number, line in enumerate(lines[1:], start=2):
        if not any(line):
            continue
        cells = {key: (line[index].strip() if index < len(line) else "") for key, index in columns.items()}
        problems, indicator, quarter, value, agency = _row_problems(
            cells, indicators=indicators, agencies=agencies, membership=membership
        )
        key = (indicator.pk if indicator else None, agency.pk if agency else None, quarter)
        if not problems and key in seen:
            problems.append(f"{indicator.name} for {quarter_label(quarter)} is already on line {seen[key]}")
        errors.extend(f"line {number}: {problem}" for problem in problems)
        if not problems:
            seen[key] = number
            rows.append(_Row(number, indicator, agency.pk if agency else None, quarter, value))
    refuse_if_errors(errors)
    if not rows:
        raise ImportRefusedError(["The file has column names but no figures."])
    return rows


@transaction.atomic
def values_import(
    *, partnership: Partnership, actor: Person, membership: Membership, upload: UploadedFile | None
) -> ImportResult:
    """Import figures from a CSV file or an Excel workbook (.xlsx): every row, or none.

    Line 1 names the columns: ``indicator``, ``quarter`` (``2025-26 Q1`` or any day in it), ``value`` and
    ``agency`` (blank for the whole partnership). A row for a figure already held gives it the new value. Any bad
    row refuses the whole file: ``ValidationError`` on ``file``, one message per problem, ``line N: ...``. The
    file itself is not kept.
    """
    if not membership.has_role(*DATASET_MANAGE_ROLES) and not can_enter_for(membership, membership.agency):
        raise PermissionDenied("Your roles in this partnership do not include entering figures.")
    data, kind, _name = stored_file_check(upload)
    if kind not in (CSV, XLSX):
        raise ValidationError({FILE_FIELD: ["Upload a CSV file or an Excel workbook (.xlsx)."]})
    try:
        rows = _rows_read(data=data, is_xlsx=kind == XLSX, partnership=partnership, membership=membership)
    except ImportRefusedError as exc:
        raise ValidationError({FILE_FIELD: exc.errors}) from exc
    quarters = {row.quarter for row in rows}
    existing = {
        (v.indicator_id, v.agency_id, v.quarter): v
        for v in IndicatorValue.objects.in_partnership(partnership)
        .select_for_update()
        .filter(quarter__in=quarters, indicator_id__in={row.indicator.pk for row in rows})
    }
    now = timezone.now()
    new: list[IndicatorValue] = []
    updated = unchanged = 0
    for row in rows:
        current = existing.get((row.indicator.pk, row.agency_id, row.quarter))
        if current is None:
            new.append(
                IndicatorValue(
                    partnership=partnership,
                    indicator=row.indicator,
                    agency_id=row.agency_id,
                    quarter=row.quarter,
                    value=row.value,
                    entered_by=actor,
                    entered_at=now,
                )
            )
        elif current.value != row.value:
            tenant_update(
                partnership=partnership,
                actor=actor,
                instance=current,
                data={"value": row.value, "entered_by": actor, "entered_at": now},
                reason="Imported from a file",
            )
            updated += 1
        else:
            unchanged += 1
    created = IndicatorValue.objects.in_partnership(partnership).bulk_create(new)
    HistoryEntry.objects.in_partnership(partnership).bulk_create(
        history_rows(partnership=partnership, actor=actor, instances=created)
    )
    return ImportResult(added=len(created), updated=updated, unchanged=unchanged)


# --- An agency's analysis -----------------------------------------------------------------------------------


@transaction.atomic
def analysis_save(
    *,
    partnership: Partnership,
    actor: Person,
    membership: Membership,
    agency: Agency,
    quarter: date,
    text: str,
    expected_updated_at: datetime | None,
    check_version: bool = True,
) -> AgencyAnalysis:
    """Write or rewrite an agency's analysis of its figures for a quarter (its lead, or a business manager).

    ``expected_updated_at`` is the analysis's version as read, None when there was none: an analysis someone
    else wrote or changed since is not overwritten (``stale``)."""
    _entry_check(membership, agency)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": ["Write the agency's analysis of its figures."]})
    if len(text) > ANALYSIS_MAX:
        raise ValidationError({"text": [f"Use at most {ANALYSIS_MAX} characters."]})
    current = (
        AgencyAnalysis.objects.in_partnership(partnership)
        .select_for_update()
        .filter(agency=agency, quarter=quarter)
        .first()
    )
    if check_version and (current.updated_at if current else None) != expected_updated_at:
        raise ValidationError(
            "Someone else changed this analysis while you were editing it. Theirs is shown below and yours is "
            "still in the form: check it, then save again.",
            code="stale",
        )
    if current is None:
        return tenant_create(
            partnership=partnership,
            actor=actor,
            instance=AgencyAnalysis(
                partnership=partnership, agency=agency, quarter=quarter, text=text, written_by=actor
            ),
        )
    tenant_update(partnership=partnership, actor=actor, instance=current, data={"text": text, "written_by": actor})
    return current
