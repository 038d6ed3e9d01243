"""Writes of a cycle's delivery plan: start it, enter or upload indicators, add measures, guidance and evidence,
save a version.

Every change goes through the plan: it is locked, checked against the version the person read (``stale`` when
someone else changed the plan since: the kernel's ``_version_check``), changed only while the cycle is in
progress, and its ``updated_at`` moves, so the next edit from an older page is refused in turn. Every row written
leaves a history row. A saved version is a snapshot no service changes or deletes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator
from django.db import transaction

from learninghub.models import (
    DeliveryPlan,
    EvidenceSource,
    HubCycle,
    PlanIndicator,
    PlanItem,
    PlanItemKind,
    PlanVersion,
)
from learninghub.selectors.plans import (
    audit_round_choices,
    earlier_cycle_choices,
    plan_current_content,
    self_assessment_choices,
)
from learninghub.services.plan_import import (
    NAME_MAX,
    PERIOD_MAX,
    UNIT_MAX,
    VALUE_LIMIT,
    ImportRefusedError,
    indicator_rows_read,
    parse_value,
)
from partnership.models import Agency, HistoryEntry, Partnership, Person
from partnership.services.files import CSV, FILE_FIELD, XLSX, stored_file_check
from partnership.services.history import _version_check, history_rows, tenant_create, tenant_delete, tenant_update

LABEL_MAX = 100


def _locked_plan(*, partnership: Partnership, plan: DeliveryPlan, expected_updated_at: datetime | None) -> DeliveryPlan:
    locked = DeliveryPlan.objects.in_partnership(partnership).select_for_update().filter(pk=plan.pk).first()
    if locked is None:
        raise ValidationError("No such delivery plan in this partnership.")
    _version_check(instance=locked, expected_updated_at=expected_updated_at, what="the delivery plan")
    cycle = HubCycle.objects.in_partnership(partnership).get(pk=locked.cycle_id)
    if cycle.state != HubCycle.State.ACTIVE:
        raise ValidationError(
            f"This cycle is {cycle.get_state_display().lower()}: its delivery plan can no longer change."
        )
    return locked


def _touch(plan: DeliveryPlan) -> None:
    plan.save(update_fields=["updated_at"])


@transaction.atomic
def delivery_plan_start(*, partnership: Partnership, actor: Person, cycle: HubCycle) -> DeliveryPlan:
    """The cycle's delivery plan, started now if it has none (so starting twice is harmless). Only while the
    cycle is in progress."""
    locked = HubCycle.objects.in_partnership(partnership).select_for_update().filter(pk=cycle.pk).first()
    if locked is None:
        raise ValidationError("No such learning hub cycle in this partnership.")
    existing = DeliveryPlan.objects.in_partnership(partnership).filter(cycle=locked).first()
    if existing is not None:
        return existing
    if locked.state != HubCycle.State.ACTIVE:
        raise ValidationError(f"This cycle is {locked.get_state_display().lower()}: it can no longer change.")
    return tenant_create(
        partnership=partnership, actor=actor, instance=DeliveryPlan(partnership=partnership, cycle=locked)
    )


# --- Indicators ---------------------------------------------------------------------------------------------


def _agency(*, partnership: Partnership, agency_id: int | None) -> Agency | None:
    if agency_id is None:
        return None
    agency = Agency.objects.in_partnership(partnership).filter(pk=agency_id).first()
    if agency is None:
        raise ValidationError({"agency_id": ["Choose one of the partnership's agencies, or none."]})
    return agency


def _indicator_fields(
    *, partnership: Partnership, name: str, unit: str, period_label: str, value: Decimal | str | None, agency_id
) -> dict:
    errors: dict[str, list[str]] = {}
    name, unit, period_label = (" ".join((text or "").split()) for text in (name, unit, period_label))
    if not name:
        errors["name"] = ["Enter the indicator's name."]
    elif len(name) > NAME_MAX:
        errors["name"] = [f"Use at most {NAME_MAX} characters."]
    if len(unit) > UNIT_MAX:
        errors["unit"] = [f"Use at most {UNIT_MAX} characters."]
    if not period_label:
        errors["period_label"] = ["Enter the period, for example 2025-26 Q1."]
    elif len(period_label) > PERIOD_MAX:
        errors["period_label"] = [f"Use at most {PERIOD_MAX} characters."]
    number = value if isinstance(value, Decimal) else (parse_value(str(value)) if value not in (None, "") else None)
    if value in (None, ""):
        errors["value"] = ["Enter the value."]
    elif number is None or not number.is_finite():
        errors["value"] = [f"'{str(value)[:40]}' is not a number."]
    elif abs(number) >= VALUE_LIMIT:
        errors["value"] = ["The value is too large."]
    agency = None
    try:
        agency = _agency(partnership=partnership, agency_id=agency_id)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    return {
        "name": name,
        "unit": unit,
        "period_label": period_label,
        "value": number.quantize(Decimal("0.0001")),
        "agency": agency,
    }


def _same_figure(*, partnership: Partnership, plan: DeliveryPlan, data: dict, exclude: int | None = None) -> bool:
    rows = PlanIndicator.objects.in_partnership(partnership).filter(
        plan=plan, name__iexact=data["name"], period_label__iexact=data["period_label"], agency=data["agency"]
    )
    if exclude is not None:
        rows = rows.exclude(pk=exclude)
    return rows.exists()


_DUPLICATE = "The plan already has this indicator for this period (and agency): change that figure instead."


@transaction.atomic
def plan_indicator_add(
    *,
    partnership: Partnership,
    actor: Person,
    plan: DeliveryPlan,
    name: str,
    period_label: str,
    value: Decimal | str | None,
    unit: str = "",
    agency_id: int | None = None,
    expected_updated_at: datetime | None = None,
) -> PlanIndicator:
    """Add one figure: an indicator's value for a period (and an agency, or the whole partnership).
    ``ValidationError`` by field; the same indicator, period and agency twice is refused on ``period_label``."""
    locked = _locked_plan(partnership=partnership, plan=plan, expected_updated_at=expected_updated_at)
    data = _indicator_fields(
        partnership=partnership, name=name, unit=unit, period_label=period_label, value=value, agency_id=agency_id
    )
    if _same_figure(partnership=partnership, plan=locked, data=data):
        raise ValidationError({"period_label": [_DUPLICATE]})
    last = PlanIndicator.objects.in_partnership(partnership).filter(plan=locked).order_by("-position").first()
    indicator = tenant_create(
        partnership=partnership,
        actor=actor,
        instance=PlanIndicator(
            partnership=partnership, plan=locked, position=(last.position + 1) if last else 0, **data
        ),
    )
    _touch(locked)
    return indicator


@transaction.atomic
def plan_indicator_update(
    *,
    partnership: Partnership,
    actor: Person,
    plan: DeliveryPlan,
    indicator: PlanIndicator,
    name: str,
    period_label: str,
    value: Decimal | str | None,
    unit: str = "",
    agency_id: int | None = None,
    expected_updated_at: datetime | None = None,
) -> PlanIndicator:
    """Change one figure (``ValidationError`` by field, ``stale`` when the plan changed since it was read)."""
    locked = _locked_plan(partnership=partnership, plan=plan, expected_updated_at=expected_updated_at)
    row = PlanIndicator.objects.in_partnership(partnership).filter(plan=locked, pk=indicator.pk).first()
    if row is None:
        raise ValidationError("No such indicator in this plan.")
    data = _indicator_fields(
        partnership=partnership, name=name, unit=unit, period_label=period_label, value=value, agency_id=agency_id
    )
    if _same_figure(partnership=partnership, plan=locked, data=data, exclude=row.pk):
        raise ValidationError({"period_label": [_DUPLICATE]})
    if tenant_update(partnership=partnership, actor=actor, instance=row, data=data):
        _touch(locked)
    return row


@transaction.atomic
def plan_indicator_delete(
    *,
    partnership: Partnership,
    actor: Person,
    plan: DeliveryPlan,
    indicator: PlanIndicator,
    expected_updated_at: datetime | None = None,
) -> None:
    """Remove one figure (saved versions keep it)."""
    locked = _locked_plan(partnership=partnership, plan=plan, expected_updated_at=expected_updated_at)
    row = PlanIndicator.objects.in_partnership(partnership).filter(plan=locked, pk=indicator.pk).first()
    if row is None:
        raise ValidationError("No such indicator in this plan.")
    tenant_delete(partnership=partnership, actor=actor, instance=row)
    _touch(locked)


@dataclass(frozen=True)
class ImportResult:
    added: int
    updated: int
    unchanged: int


@transaction.atomic
def plan_indicators_import(
    *,
    partnership: Partnership,
    actor: Person,
    plan: DeliveryPlan,
    upload: UploadedFile | None,
    expected_updated_at: datetime | None = None,
) -> ImportResult:
    """Import a CSV or Excel (.xlsx) table of figures: every row, or none.

    The file is checked as every upload is (``stored_file_check``: size, type judged by content), then must be a
    CSV or a workbook. Each row adds a figure, or gives a figure the plan already holds (same indicator, period
    and agency) its new value. Any bad row refuses the whole file: ``ValidationError`` on ``file`` with one
    message per problem, ``line N: ...``; nothing is written then. The file itself is not kept.
    """
    locked = _locked_plan(partnership=partnership, plan=plan, expected_updated_at=expected_updated_at)
    data, kind, _name = stored_file_check(upload)
    if kind not in (CSV, XLSX):
        raise ValidationError({FILE_FIELD: ["Upload a CSV file or an Excel workbook (.xlsx)."]})
    agencies = {
        name.lower(): pk
        for pk, name in Agency.objects.in_partnership(partnership).values_list("pk", "name").order_by("pk")
    }
    try:
        rows = indicator_rows_read(data=data, is_xlsx=kind == XLSX, agencies=agencies)
    except ImportRefusedError as exc:
        raise ValidationError({FILE_FIELD: exc.errors}) from exc

    existing = {
        (i.name.lower(), i.period_label.lower(), i.agency_id): i
        for i in PlanIndicator.objects.in_partnership(partnership).filter(plan=locked)
    }
    position = max((i.position for i in existing.values()), default=-1) + 1
    new: list[PlanIndicator] = []
    updated = unchanged = 0
    for row in rows:
        current = existing.get((row.name.lower(), row.period_label.lower(), row.agency_id))
        if current is None:
            new.append(
                PlanIndicator(
                    partnership=partnership,
                    plan=locked,
                    name=row.name,
                    unit=row.unit,
                    period_label=row.period_label,
                    value=row.value,
                    agency_id=row.agency_id,
                    position=position,
                )
            )
            position += 1
        elif tenant_update(
            partnership=partnership,
            actor=actor,
            instance=current,
            data={"value": row.value, "unit": row.unit or current.unit},
            reason="Imported from a file",
        ):
            updated += 1
        else:
            unchanged += 1
    created = PlanIndicator.objects.in_partnership(partnership).bulk_create(new)
    HistoryEntry.objects.in_partnership(partnership).bulk_create(
        history_rows(partnership=partnership, actor=actor, instances=created)
    )
    if created or updated:
        _touch(locked)
    return ImportResult(added=len(created), updated=updated, unchanged=unchanged)


# --- Measures, guidance, evidence ---------------------------------------------------------------------------


def _link(
    *,
    partnership: Partnership,
    cycle: HubCycle,
    earlier_cycle_id: int | None,
    self_assessment_id: int | None,
    audit_round_id: int | None,
) -> dict:
    """The records named, each found in the partnership (another partnership's id is as missing)."""
    named = [x for x in (earlier_cycle_id, self_assessment_id, audit_round_id) if x is not None]
    if len(named) > 1:
        raise ValidationError({"link": ["Link one record at most."]})
    found: dict = {"earlier_cycle": None, "self_assessment": None, "audit_round": None}
    if earlier_cycle_id is not None:
        found["earlier_cycle"] = (
            earlier_cycle_choices(partnership=partnership, cycle=cycle).filter(pk=earlier_cycle_id).first()
        )
        if found["earlier_cycle"] is None:
            raise ValidationError({"earlier_cycle_id": ["Choose one of the partnership's earlier hub cycles."]})
    if self_assessment_id is not None:
        found["self_assessment"] = (
            self_assessment_choices(partnership=partnership).filter(pk=self_assessment_id).first()
        )
        if found["self_assessment"] is None:
            raise ValidationError({"self_assessment_id": ["Choose one of the partnership's self-assessments."]})
    if audit_round_id is not None:
        found["audit_round"] = audit_round_choices(partnership=partnership).filter(pk=audit_round_id).first()
        if found["audit_round"] is None:
            raise ValidationError({"audit_round_id": ["Choose one of the partnership's case audits."]})
    return found


_SOURCE_OF_LINK = {
    "earlier_cycle": EvidenceSource.EARLIER_HUB,
    "self_assessment": EvidenceSource.SELF_ASSESSMENT,
    "audit_round": EvidenceSource.CASE_AUDIT,
}
_url_validator = URLValidator(schemes=["http", "https"])


def _item_text(*, kind: str, title: str, detail: str, url: str, citation: str) -> tuple[dict, dict]:
    """The item's words, cleaned, and the errors on them."""
    errors: dict[str, list[str]] = {}
    title = " ".join((title or "").split())
    citation = " ".join((citation or "").split())
    url = (url or "").strip()
    detail = (detail or "").strip()
    if kind not in PlanItemKind.values:
        errors["kind"] = ["Choose a measure, guidance or evidence."]
    if not title:
        errors["title"] = ["Enter a title."]
    elif len(title) > 300:
        errors["title"] = ["Use at most 300 characters."]
    if len(citation) > 300:
        errors["citation"] = ["Use at most 300 characters."]
    if len(detail) > 5000:
        errors["detail"] = ["Use at most 5,000 characters."]
    if url:
        try:
            if len(url) > 500:
                raise ValidationError("too long")
            _url_validator(url)
        except ValidationError:
            errors["url"] = ["Enter a web address starting https:// (at most 500 characters)."]
    if kind == PlanItemKind.GUIDANCE and not url and not citation and "url" not in errors:
        errors["url"] = ["Give the guidance's web address, or a citation below."]
    return {"kind": kind, "title": title, "detail": detail, "url": url, "citation": citation}, errors


def _evidence_source(*, source: str, links: dict, errors: dict) -> str:
    """The evidence's source: the one chosen, which must agree with a linked record's (or follows it)."""
    if source and source not in EvidenceSource.values:
        errors["source"] = ["Choose where the evidence comes from."]
        return ""
    linked = next((name for name, row in links.items() if row is not None), None)
    if linked:
        if source and source != _SOURCE_OF_LINK[linked]:
            errors["source"] = [
                f"A linked {linked.replace('_', ' ')} is evidence of the kind “{_SOURCE_OF_LINK[linked].label}”."
            ]
        return _SOURCE_OF_LINK[linked]
    if not source:
        errors["source"] = ["Choose where the evidence comes from."]
    return source


def _item_fields(
    *,
    partnership: Partnership,
    cycle: HubCycle,
    kind: str,
    title: str,
    detail: str,
    url: str,
    citation: str,
    source: str,
    earlier_cycle_id: int | None,
    self_assessment_id: int | None,
    audit_round_id: int | None,
) -> dict:
    data, errors = _item_text(kind=kind, title=title, detail=detail, url=url, citation=citation)
    links: dict = {"earlier_cycle": None, "self_assessment": None, "audit_round": None}
    source = source or ""
    if kind == PlanItemKind.EVIDENCE:
        try:
            links = _link(
                partnership=partnership,
                cycle=cycle,
                earlier_cycle_id=earlier_cycle_id,
                self_assessment_id=self_assessment_id,
                audit_round_id=audit_round_id,
            )
        except ValidationError as exc:
            errors.update(exc.message_dict)  # the record named is the problem, not the source it implies
        else:
            source = _evidence_source(source=source, links=links, errors=errors)
    else:
        if source:
            errors["source"] = ["Only evidence has a source."]
        if any(x is not None for x in (earlier_cycle_id, self_assessment_id, audit_round_id)):
            errors["link"] = ["Only evidence links to a record."]
    if errors:
        raise ValidationError(errors)
    return {**data, "source": source, **links}


@transaction.atomic
def plan_item_add(
    *,
    partnership: Partnership,
    actor: Person,
    plan: DeliveryPlan,
    kind: str,
    title: str,
    detail: str = "",
    url: str = "",
    citation: str = "",
    source: str = "",
    earlier_cycle_id: int | None = None,
    self_assessment_id: int | None = None,
    audit_round_id: int | None = None,
    expected_updated_at: datetime | None = None,
) -> PlanItem:
    """Add a success or impact measure, a reference to guidance (a title with a web address or a citation), or a
    piece of evidence (where it comes from; linked to an earlier hub cycle, a self-assessment or a case audit of
    the partnership where the product holds it, the source following the link). ``ValidationError`` by field;
    another partnership's record is refused as a missing one."""
    locked = _locked_plan(partnership=partnership, plan=plan, expected_updated_at=expected_updated_at)
    cycle = HubCycle.objects.in_partnership(partnership).get(pk=locked.cycle_id)
    data = _item_fields(
        partnership=partnership,
        cycle=cycle,
        kind=kind,
        title=title,
        detail=detail,
        url=url,
        citation=citation,
        source=source,
        earlier_cycle_id=earlier_cycle_id,
        self_assessment_id=self_assessment_id,
        audit_round_id=audit_round_id,
    )
    last = PlanItem.objects.in_partnership(partnership).filter(plan=locked).order_by("-position").first()
    item = tenant_create(
        partnership=partnership,
        actor=actor,
        instance=PlanItem(partnership=partnership, plan=locked, position=(last.position + 1) if last else 0, **data),
    )
    _touch(locked)
    return item


@transaction.atomic
def plan_item_update(
    *,
    partnership: Partnership,
    actor: Person,
    plan: DeliveryPlan,
    item: PlanItem,
    title: str,
    detail: str = "",
    url: str = "",
    citation: str = "",
    source: str = "",
    earlier_cycle_id: int | None = None,
    self_assessment_id: int | None = None,
    audit_round_id: int | None = None,
    expected_updated_at: datetime | None = None,
) -> PlanItem:
    """Change a measure, reference or piece of evidence (its kind stays). As ``plan_item_add``."""
    locked = _locked_plan(partnership=partnership, plan=plan, expected_updated_at=expected_updated_at)
    row = PlanItem.objects.in_partnership(partnership).filter(plan=locked, pk=item.pk).first()
    if row is None:
        raise ValidationError("No such item in this plan.")
    cycle = HubCycle.objects.in_partnership(partnership).get(pk=locked.cycle_id)
    data = _item_fields(
        partnership=partnership,
        cycle=cycle,
        kind=row.kind,
        title=title,
        detail=detail,
        url=url,
        citation=citation,
        source=source,
        earlier_cycle_id=earlier_cycle_id,
        self_assessment_id=self_assessment_id,
        audit_round_id=audit_round_id,
    )
    if tenant_update(partnership=partnership, actor=actor, instance=row, data=data):
        _touch(locked)
    return row


@transaction.atomic
def plan_item_delete(
    *,
    partnership: Partnership,
    actor: Person,
    plan: DeliveryPlan,
    item: PlanItem,
    expected_updated_at: datetime | None = None,
) -> None:
    """Remove a measure, reference or piece of evidence (saved versions keep it)."""
    locked = _locked_plan(partnership=partnership, plan=plan, expected_updated_at=expected_updated_at)
    row = PlanItem.objects.in_partnership(partnership).filter(plan=locked, pk=item.pk).first()
    if row is None:
        raise ValidationError("No such item in this plan.")
    tenant_delete(partnership=partnership, actor=actor, instance=row)
    _touch(locked)


# --- Versions -----------------------------------------------------------------------------------------------


@transaction.atomic
def plan_version_save(
    *,
    partnership: Partnership,
    actor: Person,
    plan: DeliveryPlan,
    label: str,
    expected_updated_at: datetime | None = None,
) -> PlanVersion:
    """Save the plan as it stands as the next version (``Month 1``, ``Month 4``...): a snapshot of its figures
    and items that no service changes afterwards. Refused when stale: a version must be what the person saw."""
    locked = _locked_plan(partnership=partnership, plan=plan, expected_updated_at=expected_updated_at)
    label = " ".join((label or "").split())
    if not label:
        raise ValidationError({"label": ["Name the version, for example Month 1."]})
    if len(label) > LABEL_MAX:
        raise ValidationError({"label": [f"Use at most {LABEL_MAX} characters."]})
    last = PlanVersion.objects.in_partnership(partnership).filter(plan=locked).order_by("-number").first()
    return tenant_create(
        partnership=partnership,
        actor=actor,
        instance=PlanVersion(
            partnership=partnership,
            plan=locked,
            number=(last.number + 1) if last else 1,
            label=label,
            content=plan_current_content(partnership=partnership, plan=locked),
            saved_by=actor,
        ),
    )


__all__ = [
    "ImportResult",
    "delivery_plan_start",
    "plan_indicator_add",
    "plan_indicator_delete",
    "plan_indicator_update",
    "plan_indicators_import",
    "plan_item_add",
    "plan_item_delete",
    "plan_item_update",
    "plan_version_save",
]
