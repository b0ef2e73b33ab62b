"""Indicator values: every state change goes through here.

Writing, submitting, reviewing and the evidence are the shared review lifecycle
(``workflows.lifecycle``) with the value's kind (``indicators.review_kinds``): it checks who may
act, refuses stale versions and rounds, writes the audit trail, moves the viewflow process and
notifies. What is the value's own is here: reading a typed figure against the indicator's unit,
the supervisor's judgement of qualitative indicators and the warning on binding indicators.
A refused call changes nothing.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from audit.services import audit_record
from common.db import DryRunRollback
from indicators import access
from indicators.attainment import AT_RISK, NOT_MET, attainment
from indicators.models import AnnualIndicatorTarget, Indicator, IndicatorValue, value_due_on
from indicators.review_kinds import INDICATOR_VALUE
from indicators.sheet import ParsedIndicator, ParsedIndicatorSheet, read_indicator_sheet
from tasks.access import can_review
from tasks.breakdown_table import Problem, TableError
from tasks.models import Plan, Region
from tasks.services import DepartmentDirectory, department_create
from workflows import lifecycle
from workflows.engine import lock_row

VALUE_FIELDS = ("value", "numerator", "denominator", "text", "source")
FRACTION_FIELDS = ("numerator", "denominator")
AGREEMENT = Decimal("0.01")  # a typed value may differ this much from what its parts give (rounding)
MAX_NUMBER = Decimal("9999999999")  # 14 digits, 4 of them decimals
RANGES = {
    Indicator.UnitKind.PERCENT: (Decimal(0), Decimal(100)),
    Indicator.UnitKind.PER_MILLE: (Decimal(0), Decimal(1000)),
}
UNIT_SIGNS = {"%": Indicator.UnitKind.PERCENT, "％": Indicator.UnitKind.PERCENT, "‰": Indicator.UnitKind.PER_MILLE}
YES = {"1", "是", "yes", "y", "true"}
NO = {"0", "否", "no", "n", "false"}


# --- validation ------------------------------------------------------------------------------


def parse_value(indicator: Indicator, raw) -> Decimal | None:
    """The number a user typed, checked against the indicator's unit; ValidationError if wrong."""
    if raw is None:
        return None
    if isinstance(raw, float):
        raw = str(raw)
    if isinstance(raw, (int, Decimal)):
        text = str(raw)
    else:
        text = str(raw).strip().replace(",", "").replace("，", "")
    if text == "":
        return None
    if indicator.unit_kind == Indicator.UnitKind.QUALITATIVE:
        raise ValidationError({"value": _("This indicator is qualitative: describe the result in words, not as a number.")})
    if indicator.unit_kind == Indicator.UnitKind.YES_NO:
        if text.lower() in YES:
            return Decimal(1)
        if text.lower() in NO:
            return Decimal(0)
        raise ValidationError({"value": _("Enter 1 (yes) or 0 (no).")})
    if text[-1] in UNIT_SIGNS:
        if UNIT_SIGNS[text[-1]] != indicator.unit_kind:
            raise ValidationError(
                {"value": _("This indicator is measured in %(unit)s, not in %(sign)s.") % {"unit": indicator.unit_display, "sign": text[-1]}}
            )
        text = text[:-1].strip()
    if indicator.unit_kind == Indicator.UnitKind.RATIO and text.startswith(("1:", "1：")):
        text = text[2:].strip()
    try:
        number = Decimal(text)
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():
        raise ValidationError({"value": _("“%(text)s” is not a number. Enter a number such as 85.5.") % {"text": str(raw)[:40]}})
    if number.as_tuple().exponent < -4 and number != number.quantize(Decimal("0.0001")):
        raise ValidationError(
            {"value": _("%(text)s is absurdly precise: give at most 4 decimal places.") % {"text": text[:40]}}
        )
    if abs(number) > MAX_NUMBER:
        raise ValidationError({"value": _("%(text)s is too large for an indicator value.") % {"text": text[:40]}})
    if number < 0:
        raise ValidationError({"value": _("An indicator value cannot be negative.")})
    low_high = RANGES.get(indicator.unit_kind)
    if low_high and not (low_high[0] <= number <= low_high[1]):
        raise ValidationError(
            {
                "value": _("A value in %(unit)s must be between %(low)s and %(high)s.")
                % {"unit": indicator.unit_display, "low": low_high[0], "high": low_high[1]}
            }
        )
    if indicator.unit_kind == Indicator.UnitKind.COUNT and number != number.to_integral_value():
        raise ValidationError({"value": _("A count is a whole number.")})
    return number.quantize(Decimal("0.0001"))


def _part_label(indicator: Indicator, field: str) -> str:
    if field == "numerator":
        return indicator.numerator_label or str(_("the numerator"))
    if indicator.denominator_label:
        return indicator.denominator_label
    return str(_("the population") if indicator.unit_kind == Indicator.UnitKind.PER_100K else _("the denominator"))


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def parse_part(indicator: Indicator, field: str, raw) -> Decimal | None:
    """A numerator or denominator as typed: a number, not negative, at most 4 decimal places."""
    if raw is None:
        return None
    text = str(raw).strip().replace(",", "").replace("，", "")
    if text == "":
        return None
    label = _part_label(indicator, field)
    try:
        number = Decimal(text)
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():
        raise ValidationError({field: _("“%(text)s” is not a number: enter %(part)s as a number.") % {"text": str(raw)[:40], "part": label}})
    if number < 0:
        raise ValidationError({field: _("%(part)s cannot be negative.") % {"part": _cap(label)}})
    # Too large first: quantizing 1e308 to 4 places overflows the context (found by the API's fuzzer).
    if number > MAX_NUMBER:
        raise ValidationError({field: _("%(text)s is too large for an indicator value.") % {"text": text[:40]}})
    if number != number.quantize(Decimal("0.0001")):
        raise ValidationError({field: _("%(text)s is absurdly precise: give at most 4 decimal places.") % {"text": text[:40]}})
    return number.quantize(Decimal("0.0001"))


def clean_fraction(indicator: Indicator, data: dict, cleaned: dict) -> None:
    """The numerator and denominator of a rate (per 100,000, 1:N): both or neither; the denominator
    (the population) above zero, the numerator not above it; the value computed from them (rounded
    to 2 places), and a typed value that disagrees refused."""
    if not indicator.has_fraction:
        return
    if not any(field in data for field in FRACTION_FIELDS):
        if "value" in data:  # a bare value replaces the parts it would contradict
            cleaned["numerator"] = cleaned["denominator"] = None
        return
    numerator = parse_part(indicator, "numerator", data.get("numerator"))
    denominator = parse_part(indicator, "denominator", data.get("denominator"))
    cleaned["numerator"], cleaned["denominator"] = numerator, denominator
    if numerator is None and denominator is None:
        return
    if numerator is None or denominator is None:
        missing = "numerator" if numerator is None else "denominator"
        raise ValidationError(
            {missing: _("Enter both %(numerator)s and %(denominator)s, or neither.")
             % {"numerator": _part_label(indicator, "numerator"), "denominator": _part_label(indicator, "denominator")}}
        )
    if denominator <= 0:
        raise ValidationError({"denominator": _("%(part)s must be greater than zero.") % {"part": _cap(_part_label(indicator, "denominator"))}})
    if numerator > denominator:
        raise ValidationError(
            {"numerator": _("%(numerator)s (%(n)s) cannot be larger than %(denominator)s (%(d)s).")
             % {"numerator": _cap(_part_label(indicator, "numerator")), "n": _plain(numerator),
                "denominator": _part_label(indicator, "denominator"), "d": _plain(denominator)}}
        )
    computed = indicator.fraction_value(numerator, denominator)
    if computed is None:  # a ratio 1:N with a numerator of 0
        raise ValidationError({"numerator": _("%(part)s must be greater than zero for a ratio.") % {"part": _cap(_part_label(indicator, "numerator"))}})
    computed = Decimal(computed).quantize(Decimal("0.01"))
    typed = cleaned.get("value")
    if typed is not None and abs(typed - computed) > AGREEMENT:
        raise ValidationError(
            {"value": _("The value %(value)s does not agree with %(numerator)s and %(denominator)s, which give %(computed)s. Leave the value empty to have it computed.")
             % {"value": _plain(typed), "numerator": _part_label(indicator, "numerator"),
                "denominator": _part_label(indicator, "denominator"), "computed": _plain(computed)}}
        )
    cleaned["value"] = parse_value(indicator, computed)


def _plain(number: Decimal) -> str:
    return f"{number.normalize():f}"


def clean_value_data(indicator: Indicator, data: dict | None) -> dict | None:
    """The typed fields as the model keeps them: the number checked against the indicator's unit
    (or computed from its numerator and denominator), the words and the source without
    surrounding blanks."""
    if data is None:
        return None
    cleaned = {}
    if "value" in data:
        cleaned["value"] = parse_value(indicator, data["value"])
    clean_fraction(indicator, data, cleaned)
    for field in ("text", "source"):
        if field in data:
            cleaned[field] = (data[field] or "").strip()
    return cleaned


def _typed(record: IndicatorValue, user: User, data: dict | None) -> dict | None:
    # Rights first (as the lifecycle does): someone who may not write learns nothing from the figure.
    if not INDICATOR_VALUE.can_write(user, record):
        raise PermissionDenied
    return clean_value_data(record.indicator, data)


# --- reporting -------------------------------------------------------------------------------


def _check_key(indicator: Indicator, year: int, period_code: str) -> str:
    plan = indicator.plan
    if not (plan.start_year - 1 <= year <= plan.end_year):
        raise ValidationError({"year": _("Choose a year of the plan (%(first)d–%(last)d).") % {"first": plan.start_year, "last": plan.end_year}})
    code = (period_code or "").strip().upper() or str(year)
    valid = {str(year), *(f"{year}Q{n}" for n in range(1, 5)), f"{year}H1", f"{year}H2"}
    if code not in valid:
        raise ValidationError({"period_code": _("Write the period as %(year)d, %(year)dQ1–Q4 or %(year)dH1/H2.") % {"year": year}})
    return code


def value_save(
    *,
    user: User,
    indicator: Indicator | None = None,
    year: int | None = None,
    period_code: str = "",
    region: Region | None = None,
    record: IndicatorValue | None = None,
    data: dict | None = None,
    version: int | None = None,
) -> IndicatorValue:
    """Save a draft: a new value of ``indicator`` for ``year`` (period, region), or ``record`` again.

    A liaison of the responsible department only; ``version`` (what they loaded) refuses a stale save."""
    if record is None:
        if indicator is None or year is None:
            raise ValueError("Give either record or indicator and year.")
        if not access.can_report(user, indicator):
            raise PermissionDenied
        code = _check_key(indicator, year, period_code)
        region = region or indicator.plan.region
        existing = IndicatorValue.objects.filter(indicator=indicator, year=year, period_code=code, region=region).first()
        if existing is not None:
            return value_save(user=user, record=existing, data=data, version=version)
        return _value_create(indicator=indicator, year=year, code=code, region=region, user=user, data=data)
    return lifecycle.review_save(record, user=user, data=_typed(record, user, data), version=version)


def _value_create(*, indicator, year, code, region, user, data) -> IndicatorValue:
    record = IndicatorValue(
        indicator=indicator, year=year, period_code=code, region=region, reported_by=user, due_on=value_due_on(year, code)
    )
    for field, value in (clean_value_data(indicator, data) or {}).items():
        setattr(record, field, value)
    record.full_clean(exclude=["indicator", "region", "reported_by", "decided_by", "judged_by", "value"])
    try:
        with transaction.atomic():
            record.save()
            lifecycle.review_open(record, user=user, comment=code)
    except IntegrityError as exc:
        raise ValidationError(_("Someone else has just started this value: reload the page.")) from exc
    return record


def value_submit(
    *, record: IndicatorValue, user: User, version: int | None = None, data: dict | None = None, at: datetime.datetime | None = None
) -> IndicatorValue:
    """Submit for review (saving ``data`` first). A late value is accepted and marked late."""
    return lifecycle.review_submit(record, user=user, data=_typed(record, user, data), version=version, at=at)


def value_approve(
    *,
    record: IndicatorValue,
    user: User,
    comment: str = "",
    at: datetime.datetime | None = None,
    round: int | None = None,
    accept_pending_evidence: bool = False,
) -> IndicatorValue:
    """Approve: the value becomes final and counts for attainment (binding indicators may warn).
    ``round`` is the submission the supervisor read."""
    return lifecycle.review_decide(
        record, user=user, approve=True, reason=comment, at=at, round=round, accept_pending_evidence=accept_pending_evidence
    )


def value_return(
    *, record: IndicatorValue, user: User, reason: str, at: datetime.datetime | None = None, round: int | None = None
) -> IndicatorValue:
    """Return to the department with a required reason; they revise and submit again."""
    return lifecycle.review_decide(record, user=user, approve=False, reason=reason, at=at, round=round)


@transaction.atomic
def value_judge(*, record: IndicatorValue, user: User, judgement: str, comment: str, at=None) -> IndicatorValue:
    """A supervisor records whether a qualitative indicator's target is met, with a comment."""
    if not can_review(user):
        raise PermissionDenied
    record = lock_row(IndicatorValue, record.pk)
    if record.indicator.is_numeric:
        raise ValidationError(_("Only qualitative indicators are judged; a numeric value is measured against its target."))
    if record.status not in {IndicatorValue.Status.SUBMITTED, IndicatorValue.Status.APPROVED}:
        raise ValidationError(_("Judge a value once it has been submitted."))
    if judgement not in IndicatorValue.Judgement.values:
        raise ValidationError({"judgement": _("Choose met or not met.")})
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": _("Explain the judgement.")})
    previous = record.supervisor_judgement
    record.supervisor_judgement, record.judgement_comment = judgement, comment
    record.judged_by, record.judged_at = user, at or timezone.now()
    record.save(update_fields=["supervisor_judgement", "judgement_comment", "judged_by", "judged_at", "updated_at"])
    audit_record(subject=record, actor=user, action="judge", from_state=previous, to_state=judgement, comment=comment, at=at)
    if record.status == IndicatorValue.Status.APPROVED:
        warn_if_binding_at_risk(record=record, at=at)
    return record


def value_attach_evidence(
    *, record: IndicatorValue, user: User, uploads: Iterable, data: dict | None = None, version: int | None = None
) -> list:
    """Attach files to a draft or returned value, saving the typed ``data`` first."""
    return lifecycle.review_attach_evidence(record, user=user, uploads=uploads, data=_typed(record, user, data), version=version)


def value_remove_evidence(
    *, record: IndicatorValue, user: User, evidence, data: dict | None = None, version: int | None = None
) -> IndicatorValue:
    """Remove a file from a draft or returned value, saving the typed ``data`` first."""
    return lifecycle.review_remove_evidence(record, user=user, evidence=evidence, data=_typed(record, user, data), version=version)


# --- the indicator's definition: how it aggregates, what its rate is made of -------------------


DEFINITION_FIELDS = ("definition", "aggregation", "numerator_label", "denominator_label")


def can_edit_definition(user: User, indicator: Indicator) -> bool:
    """Administrators (``tasks.change_annualtarget``) overseeing the plan's region."""
    from tasks.access import oversees_region

    return user.is_active and user.has_perm("tasks.change_annualtarget") and oversees_region(user, indicator.plan.region)


def check_aggregation(indicator: Indicator, aggregation: str) -> None:
    """A rate is never summed; a count, a yes/no or words have no numerator and denominator."""
    if not aggregation or aggregation == Indicator.Aggregation.NONE:
        return
    fraction_unit = indicator.unit_kind in Indicator.FRACTION_UNITS
    if aggregation == Indicator.Aggregation.FRACTION and not fraction_unit:
        raise ValidationError(
            {"aggregation": _("%(unit)s values have no numerator and denominator: choose another aggregation.")
             % {"unit": indicator.get_unit_kind_display()}}
        )
    if aggregation in (Indicator.Aggregation.FLOW, Indicator.Aggregation.STOCK) and indicator.unit_kind != Indicator.UnitKind.COUNT:
        raise ValidationError(
            {"aggregation": _("Only counts add up; %(unit)s values are computed from summed numerators and denominators or not aggregated.")
             % {"unit": indicator.get_unit_kind_display()}}
        )


@transaction.atomic
def indicator_definition_update(*, indicator: Indicator, actor: User, data: dict) -> Indicator:
    """Change how ``indicator`` is defined and aggregates. The aggregation and the parts' labels
    carry down to its cascaded copies (a roll-up needs every level to aggregate alike). Audited."""
    if not can_edit_definition(actor, indicator):
        raise PermissionDenied
    indicator = lock_row(Indicator, indicator.pk)
    cleaned = {field: (data.get(field) or "").strip() for field in DEFINITION_FIELDS if field in data}
    if "aggregation" in cleaned and cleaned["aggregation"] not in {"", *Indicator.Aggregation.values}:
        raise ValidationError({"aggregation": _("Choose one of the aggregations offered.")})
    check_aggregation(indicator, cleaned.get("aggregation", indicator.aggregation))
    before = {field: getattr(indicator, field) for field in cleaned}
    for field, value in cleaned.items():
        setattr(indicator, field, value)
    indicator.full_clean(validate_constraints=False)
    changed = {field: value for field, value in cleaned.items() if before[field] != value}
    if not changed:
        return indicator
    indicator.save(update_fields=list(changed))
    inherited = {field: value for field, value in changed.items() if field != "definition"}
    level, copies = [indicator.pk], 0
    while inherited and level:
        below = list(Indicator.objects.filter(parent_id__in=level).values_list("pk", flat=True))
        copies += Indicator.objects.filter(pk__in=below).update(**inherited)
        level = below
    audit_record(
        subject=indicator,
        actor=actor,
        action="update",
        comment=", ".join(sorted(changed)),
        data={"before": {f: before[f] for f in changed}, "after": changed, "cascaded_copies": copies},
    )
    return indicator


# --- warnings --------------------------------------------------------------------------------


def warn_if_binding_at_risk(*, record: IndicatorValue, at: datetime.datetime | None = None) -> bool:
    """An approved value that leaves a binding indicator at risk or not met warns every supervisor,
    once per indicator and year. Called by the flow after approval. True if a warning went out."""
    from notifications.models import Notification
    from notifications.services import notify
    from supervision.notices import supervisors
    from supervision.sweep import claim_alert

    indicator = Indicator.objects.prefetch_related("annual_targets").get(pk=record.indicator_id)
    if indicator.nature != Indicator.Nature.BINDING:
        return False
    state = attainment(indicator, record.year, record)
    if state not in {AT_RISK, NOT_MET}:
        return False
    now = at or timezone.now()
    if not claim_alert(indicator, "indicator-warning", datetime.date(record.year, 12, 31), now):
        return False
    if indicator.unit_kind == Indicator.UnitKind.YES_NO:  # "yes"/"no", shown in the reader's language
        value = "—" if record.value is None else ("yes" if record.value == 1 else "no")
        target = "—" if indicator.target_value is None else ("yes" if indicator.target_value == 1 else "no")
    else:
        value, target = record.display, indicator.target_display
    notify(
        users=supervisors(indicator.plan.region),
        kind=Notification.Kind.INFO,
        message="indicators.binding.at_risk" if state == AT_RISK else "indicators.binding.not_met",
        params={
            "name": indicator.name,
            "year": record.year,
            "value": value,
            "target": target,
            "department": str(indicator.department) if indicator.department_id else "—",
        },
        url=indicator.get_absolute_url(),
        at=now,
    )
    audit_record(subject=indicator, action="warn", to_state=state, comment=str(record.year), at=now)
    return True


# --- import of an indicator sheet ------------------------------------------------------------


@dataclass
class IndicatorImportResult:
    plan: Plan
    sheet: ParsedIndicatorSheet
    indicators: list[Indicator] = dataclass_field(default_factory=list)
    created_targets: int = 0
    created_departments: list[str] = dataclass_field(default_factory=list)
    unknown_departments: list[str] = dataclass_field(default_factory=list)
    warnings: list[Problem] = dataclass_field(default_factory=list)
    dry_run: bool = False

    @property
    def created_indicators(self) -> int:
        return len(self.indicators)


def indicators_import(
    *,
    data: bytes,
    plan: Plan | int,
    create_departments: bool = False,
    dry_run: bool = False,
    actor: User | None = None,
    filename: str = "",
    sheet_name: str = "",
) -> IndicatorImportResult:
    """Import an indicator sheet (主要指标表) into ``plan``: all rows or none.

    Raises :class:`TableError` listing every problem (nothing is written then). With ``dry_run``
    everything is checked against the database, then rolled back. ``filename`` tells a .csv or
    .xls from an .xlsx; ``sheet_name`` chooses the worksheet (else the one holding the table).
    """
    sheet = read_indicator_sheet(data, filename=filename, sheet=sheet_name)
    result: IndicatorImportResult | None = None
    try:
        with transaction.atomic():
            result = _import_sheet(sheet, plan.pk if isinstance(plan, Plan) else plan, create_departments, actor)
            if dry_run:
                raise DryRunRollback
    except DryRunRollback:
        assert result is not None
        result.dry_run = True
    assert result is not None
    return result


def _import_sheet(sheet: ParsedIndicatorSheet, plan_id: int, create_departments: bool, actor: User | None) -> IndicatorImportResult:
    plan = Plan.objects.select_for_update().select_related("region").filter(pk=plan_id).first()
    if plan is None:
        raise TableError([Problem(_("There is no plan with the id %(id)s.") % {"id": plan_id})])
    if plan.status == Plan.Status.CLOSED:
        raise TableError([Problem(_("The plan “%(plan)s” is closed; indicators cannot be added.") % {"plan": plan})])
    result = IndicatorImportResult(plan=plan, sheet=sheet, warnings=list(sheet.warnings))
    problems: list[Problem] = []
    labels = sheet.labels

    def problem(item: ParsedIndicator, name: str, message) -> None:
        problems.append(Problem(message, row=item.row, column=labels.get(name, ""), column_letter=sheet.letters.get(name, "")))

    for year in sheet.years:
        if year not in plan.years:
            problems.append(
                Problem(
                    _("The column %(column)s lies outside the plan period %(start)d–%(end)d.")
                    % {"column": sheet.year_labels[year], "start": plan.start_year, "end": plan.end_year},
                    column=sheet.year_labels[year],
                )
            )
    existing = list(plan.indicators.values_list("code", "name"))
    existing_codes, existing_names = {c for c, _n in existing}, {n for _c, n in existing}
    numbers = [int(c) for c in existing_codes if c.isdigit()]
    next_number = max(numbers, default=0) + 1
    directory = DepartmentDirectory(plan.region)
    unknown: dict[str, int] = {}
    for item in sheet.indicators:
        if not item.code:
            while str(next_number) in existing_codes:
                next_number += 1
            item.code = str(next_number)
            next_number += 1
        elif item.code in existing_codes:
            problem(item, "code", _("the number %(code)s already exists in the plan") % {"code": item.code})
        if item.name in existing_names:
            problem(item, "name", _("the indicator “%(name)s” already exists in the plan") % {"name": item.name})
        item.target_year = item.target_year or plan.end_year
        if item.target_year not in plan.years:
            problem(
                item,
                "target_year",
                _("the target year %(year)d lies outside the plan period %(start)d–%(end)d")
                % {"year": item.target_year, "start": plan.start_year, "end": plan.end_year},
            )
        if item.baseline_year is None and item.baseline_value is not None:
            item.baseline_year = plan.start_year - 1
        if item.baseline_year is not None and item.baseline_year >= item.target_year:
            problem(
                item,
                "baseline_year",
                _("the baseline year %(year)d is not before the target year %(target)d") % {"year": item.baseline_year, "target": item.target_year},
            )
        if len(found := directory.matches(item.department_name)) > 1:  # two directory entries: never one silently
            problem(
                item,
                "department",
                _(
                    "“%(name)s” matches more than one department: %(departments)s. Give the cell the full name, "
                    "or correct the directory's short names and aliases."
                )
                % {"name": item.department_name, "departments": "、".join(f"“{d.name}”" for d in found)},
            )
        elif not found:
            unknown.setdefault(item.department_name, item.row)
    result.unknown_departments = list(unknown)
    if unknown and not create_departments:
        for name, row in unknown.items():
            problems.append(
                Problem(
                    _("the department “%(name)s” is not in the directory (add it, give it an alias, or let the import create it)") % {"name": name},
                    row=row,
                    column=labels.get("department", ""),
                    column_letter=sheet.letters.get("department", ""),
                )
            )
    if problems:
        raise TableError(problems)

    for name, row in unknown.items():
        if directory.find(name) is not None:  # another spelling of one created above
            continue
        try:
            department = department_create(region=plan.region, name=name, actor=actor)
        except ValidationError as exc:
            problems.append(
                Problem(
                    _("the department “%(name)s” cannot be created: %(reason)s") % {"name": name, "reason": " ".join(exc.messages)},
                    row=row,
                    column=labels.get("department", ""),
                    column_letter=sheet.letters.get("department", ""),
                )
            )
            continue
        directory.add(department, name)
        result.created_departments.append(name)
    if problems:
        raise TableError(problems)

    position = (plan.indicators.aggregate(m=Max("position"))["m"] or 0) + 1
    targets: list[AnnualIndicatorTarget] = []
    for item in sheet.indicators:
        indicator = Indicator(
            plan=plan,
            code=item.code,
            name=item.name,
            definition=item.definition,
            unit_kind=item.unit_kind,
            unit_label=item.unit_label,
            baseline_value=item.baseline_value,
            baseline_year=item.baseline_year,
            target_value=item.target_value,
            target_text=item.target_text,
            relative_change=item.relative_change,
            comparison=item.comparison,
            target_year=item.target_year,
            nature=item.nature,
            department=directory.find(item.department_name),
            source_clause=item.source_clause,
            numerator_label=item.numerator_label,
            denominator_label=item.denominator_label,
            aggregation=item.aggregation,
            position=position,
        )
        try:
            indicator.full_clean(validate_constraints=False)
        except ValidationError as exc:  # a last guard: the sheet reader checks each of these
            problems.append(Problem(" ".join(exc.messages), row=item.row))
            continue
        indicator.save()
        indicator.annual_count = len(item.annual_targets)
        position += 1
        result.indicators.append(indicator)
        targets.extend(
            AnnualIndicatorTarget(indicator=indicator, year=year, value=value, text=text) for year, (value, text) in sorted(item.annual_targets.items())
        )
    if problems:
        raise TableError(problems)
    AnnualIndicatorTarget.objects.bulk_create(targets)
    result.created_targets = len(targets)
    audit_record(
        subject=plan,
        actor=actor,
        action="import_indicators",
        to_state=plan.status,
        comment=sheet.title[:200],
        data={
            "indicators": result.created_indicators,
            "annual_targets": result.created_targets,
            "departments_created": result.created_departments,
        },
    )
    return result


# --- export of an indicator sheet (the layout the import reads back) ----------------------------------------

EXPORT_HEADER = ["序号", "指标名称", "指标释义", "单位", "基期值", "基期年份", "目标值", "目标年份", "比较", "属性", "责任单位",
                 "规划条款", "分子", "分母", "汇总方式"]
EXPORT_UNITS = {"percent": "%", "per_mille": "‰", "per_100k": "/10万", "ratio": "1:N", "count": "个", "yes_no": "是/否", "qualitative": "定性"}
EXPORT_AGGREGATIONS = {"flow": "累加", "stock": "存量", "fraction": "比率", "none": "不汇总"}
EXPORT_NATURES = {"expected": "预期性", "binding": "约束性"}


def _export_number(indicator: Indicator, number: Decimal | None) -> str:
    if number is None:
        return ""
    text = f"{number.normalize():f}"
    kind = indicator.unit_kind
    if kind == Indicator.UnitKind.YES_NO:
        return "是" if number == 1 else "否"
    if kind == Indicator.UnitKind.RATIO:
        return f"1:{text}"
    if kind == Indicator.UnitKind.PERCENT:
        return f"{text}%"
    if kind == Indicator.UnitKind.PER_MILLE:
        return f"{text}‰"
    return text


def indicator_sheet_rows(plan: Plan) -> list[list]:
    """The plan's indicators in the layout ``indicators.sheet`` reads: the comparison in its own
    column (≥ > ≤ < =), a target in words (在现有基础上提高50%, 逐步提高) written as words so that the
    import measures it against the baseline again, one column per year of the plan."""
    years = list(plan.years)
    rows: list[list] = [[*EXPORT_HEADER, *(f"{year}年" for year in years)]]
    indicators = plan.indicators.select_related("department").prefetch_related("annual_targets").order_by("position", "pk")
    for indicator in indicators:
        numeric = indicator.is_numeric
        unit = indicator.unit_label if indicator.unit_kind in {"count", "number", "per_100k", "qualitative"} and indicator.unit_label else ""
        unit = unit or EXPORT_UNITS.get(indicator.unit_kind, "")
        if numeric and indicator.target_text:
            target = indicator.target_text
        elif numeric:
            target = _export_number(indicator, indicator.target_value)
        else:
            target = indicator.target_text
        annual = {a.year: (a.text or _export_number(indicator, a.value)) for a in indicator.annual_targets.all()}
        rows.append(
            [
                indicator.code,
                indicator.name,
                indicator.definition,
                unit,
                _export_number(indicator, indicator.baseline_value) if numeric else "",
                indicator.baseline_year or "",
                target,
                indicator.target_year,
                indicator.get_comparison_display() if numeric else "",
                EXPORT_NATURES.get(indicator.nature, ""),
                indicator.department.name,
                indicator.source_clause,
                indicator.numerator_label,
                indicator.denominator_label,
                EXPORT_AGGREGATIONS.get(indicator.aggregation, ""),
                *(annual.get(year, "") for year in years),
            ]
        )
    return rows


def indicators_export(plan: Plan) -> bytes:
    """The plan's indicator sheet (.xlsx); importing it into another plan reproduces the indicators."""
    from common.exports import xlsx_bytes

    return xlsx_bytes(indicator_sheet_rows(plan), title="主要指标")
