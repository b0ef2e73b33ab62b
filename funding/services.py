"""Writes on funding lines and their ledgers. Views, the demo seeding and commands call these.

Each service checks who may act (``funding.access``), validates, runs in one transaction and
writes the audit trail. The ledger rules:

- allocated = allocations + adjustments; disbursed = disbursements; spent = expenditures;
- an entry may not take disbursed above allocated, nor spent above disbursed (an allocation cut,
  an adjustment down, or a reversal counts too), unless it carries an ``over_limit_reason``: the
  explicit, audited override;
- allocations, disbursements and expenditures are positive; adjustments are positive or negative
  but not zero; reversals carry the negated amount of the entry they reverse;
- at most two decimals (fen), at most 10^12 yuan;
- an entry's date lies within its line's fiscal year ± one year (a reversal's date is on or after
  the entry it reverses: corrections may come late);
- the line's row is locked (SELECT … FOR UPDATE) before its totals are read, so two entries
  recorded at the same moment cannot together break a rule.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.numberformat import format as number_format
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from audit.services import audit_record
from evidence.services import evidence_attach
from funding import access
from funding.models import DEFAULT_EXECUTION_MARGIN, FundingLine, LedgerEntry, Source
from tasks.models import Department, KeyTask, Plan

Kind = LedgerEntry.Kind
MAX_AMOUNT = Decimal(10) ** 12
ALLOCATED_KINDS = (Kind.ALLOCATION, Kind.ADJUSTMENT)


def yuan(value: Decimal) -> str:
    """1234567.5 → "1,234,567.50" (grouped by thousands, as finance writes it in every language)."""
    return number_format(value, ".", 2, grouping=3, thousand_sep=",", force_grouping=True)


# --- funding lines -------------------------------------------------------------------------


def _next_code(plan: Plan, fiscal_year: int) -> str:
    count = FundingLine.objects.filter(plan=plan, fiscal_year=fiscal_year).count()
    while True:
        count += 1
        code = f"{fiscal_year}-{count:03d}"
        if not FundingLine.objects.filter(plan=plan, code=code).exists():
            return code


@transaction.atomic
def line_create(
    *,
    plan: Plan,
    fiscal_year: int,
    source: str,
    purpose: str,
    department: Department,
    user: User,
    budget_subject: str = "",
    tasks: Iterable[KeyTask] = (),
    code: str = "",
    execution_margin: int = DEFAULT_EXECUTION_MARGIN,
) -> FundingLine:
    """Create a funding line (supervisors and administrators). ``code`` empty: ``<year>-NNN``."""
    access.require_line_create(user)
    errors: dict[str, list] = {}
    purpose = (purpose or "").strip()
    code = (code or "").strip()
    tasks = list(tasks)
    if not purpose:
        errors.setdefault("purpose", []).append(_("Say what the money is for."))
    if fiscal_year is None or not (plan.start_year <= fiscal_year <= plan.end_year):
        errors.setdefault("fiscal_year", []).append(
            _("The fiscal year must lie within the plan (%(start)s–%(end)s).") % {"start": plan.start_year, "end": plan.end_year}
        )
    if source not in Source.values:
        errors.setdefault("source", []).append(_("Choose a source of funds."))
    if department.region_id != plan.region_id:
        errors.setdefault("department", []).append(_("The department must belong to the plan's region."))
    if any(task.plan_id != plan.pk for task in tasks):
        errors.setdefault("tasks", []).append(_("The key tasks must belong to the plan."))
    if not (0 <= execution_margin <= 100):
        errors.setdefault("execution_margin", []).append(_("The margin is between 0 and 100 percentage points."))
    if code and FundingLine.objects.filter(plan=plan, code=code).exists():
        errors.setdefault("code", []).append(_("The plan already has a funding line numbered %(code)s.") % {"code": code})
    if errors:
        raise ValidationError(errors)
    line = FundingLine.objects.create(
        plan=plan,
        code=code or _next_code(plan, fiscal_year),
        fiscal_year=fiscal_year,
        source=source,
        budget_subject=(budget_subject or "").strip(),
        purpose=purpose,
        department=department,
        execution_margin=execution_margin,
        created_by=user,
    )
    if tasks:
        line.tasks.set(tasks)
    audit_record(
        subject=line,
        actor=user,
        action="funding_line_create",
        to_state=line.source,
        comment=line.purpose,
        data={"fiscal_year": fiscal_year, "department": department.pk, "tasks": [t.pk for t in tasks], "code": line.code},
    )
    return line


# --- ledger entries ------------------------------------------------------------------------


def _totals(line: FundingLine) -> dict[str, Decimal]:
    from funding.selectors import with_totals

    row = with_totals(FundingLine.objects.filter(pk=line.pk)).values("allocated", "disbursed", "spent").get()
    return {key: Decimal(value) for key, value in row.items()}


def _parse_amount(amount) -> Decimal:
    if isinstance(amount, float):
        amount = str(amount)
    try:
        value = Decimal(amount) if not isinstance(amount, Decimal) else amount
    except (InvalidOperation, TypeError, ValueError) as exc:
        raise ValidationError({"amount": [_("Enter the amount as a number of yuan, e.g. 12500.00.")]}) from exc
    if not value.is_finite():
        raise ValidationError({"amount": [_("Enter the amount as a number of yuan, e.g. 12500.00.")]})
    return value


def _check_amount(kind: str, amount: Decimal) -> None:
    if abs(amount) > MAX_AMOUNT:
        raise ValidationError(
            {"amount": [_("The amount is implausibly large (more than 1,000,000,000,000 yuan); check the unit.")]}
        )
    if amount.as_tuple().exponent < -2 and amount != amount.quantize(Decimal("0.01")):
        raise ValidationError({"amount": [_("Amounts are in yuan with at most two decimals (fen).")]})
    if kind == Kind.ADJUSTMENT:
        if amount == 0:
            raise ValidationError({"amount": [_("An adjustment must change the allocation: enter a non-zero amount.")]})
    elif amount <= 0:
        raise ValidationError(
            {"amount": [_("The amount must be positive. To correct an entry, reverse it; to reduce the allocation, record an adjustment.")]}
        )


def _check_limits(line: FundingLine, kind: str, amount: Decimal, over_limit_reason: str) -> dict:
    """Refuse an entry that takes disbursed above allocated or spent above disbursed (unless flagged).

    Only an entry that makes a gap worse is refused: a line already over (by an earlier override)
    still takes allocations and reversals of expenditures. Returns the totals before and after."""
    before = _totals(line)
    after = dict(before)
    key = {Kind.ALLOCATION: "allocated", Kind.ADJUSTMENT: "allocated", Kind.DISBURSEMENT: "disbursed", Kind.EXPENDITURE: "spent"}[kind]
    after[key] += amount
    problems = []
    if after["disbursed"] > after["allocated"] and (after["disbursed"] - after["allocated"]) > (before["disbursed"] - before["allocated"]):
        problems.append(
            _("Disbursements (%(disbursed)s yuan) would exceed the allocation (%(allocated)s yuan).")
            % {"disbursed": yuan(after["disbursed"]), "allocated": yuan(after["allocated"])}
        )
    if after["spent"] > after["disbursed"] and (after["spent"] - after["disbursed"]) > (before["spent"] - before["disbursed"]):
        problems.append(
            _("Expenditure (%(spent)s yuan) would exceed the disbursements (%(disbursed)s yuan).")
            % {"spent": yuan(after["spent"]), "disbursed": yuan(after["disbursed"])}
        )
    if problems and not over_limit_reason:
        problems.append(_("Nothing was recorded. If this is intended, give the reason for exceeding the limit."))
        raise ValidationError({"amount": problems})
    return {"before": before, "after": after, "over_limit": bool(problems)}


def _lock(line: FundingLine) -> FundingLine:
    # The line's row serialises every entry on it (PostgreSQL; SQLite serialises writers anyway).
    return FundingLine.objects.select_for_update().select_related("plan").get(pk=line.pk)


def _attach(entry: LedgerEntry, uploads: Sequence[UploadedFile], user: User) -> None:
    for upload in uploads:
        evidence_attach(owner=entry, upload=upload, user=user)


def _audit(entry: LedgerEntry, user: User, action: str, checked: dict, comment: str) -> None:
    audit_record(
        subject=entry.line,
        actor=user,
        action=action,
        to_state=entry.kind,
        comment=comment,
        data={
            "entry": entry.pk,
            "kind": entry.kind,
            "amount": str(entry.amount),
            "date": entry.date.isoformat(),
            "document_number": entry.document_number,
            "reverses": entry.reverses_id,
            "over_limit": checked["over_limit"],
            "over_limit_reason": entry.over_limit_reason,
            "totals_after": {key: str(value) for key, value in checked["after"].items()},
        },
    )


@transaction.atomic
def entry_record(
    *,
    line: FundingLine,
    kind: str,
    amount: Decimal | str | int,
    date: datetime.date,
    document_number: str,
    user: User,
    note: str = "",
    over_limit_reason: str = "",
    uploads: Sequence[UploadedFile] = (),
) -> LedgerEntry:
    """Record one ledger entry (with its attachments). Raises ValidationError and writes nothing
    if refused; PermissionDenied if ``user`` may not record this kind on this line."""
    if kind not in Kind.values:
        raise ValidationError({"kind": [_("Choose the kind of entry.")]})
    if not access.can_record(user, line, kind):
        raise PermissionDenied
    document_number = (document_number or "").strip()
    over_limit_reason = (over_limit_reason or "").strip()
    errors: dict[str, list] = {}
    if amount is None or amount == "":
        errors["amount"] = [_("Enter the amount.")]
    if date is None:
        errors["date"] = [_("Enter the date.")]
    if not document_number:
        errors["document_number"] = [_("Enter the document number (文号) or voucher number.")]
    if errors:
        raise ValidationError(errors)
    value = _parse_amount(amount)
    _check_amount(kind, value)
    line = _lock(line)
    if not (line.fiscal_year - 1 <= date.year <= line.fiscal_year + 1):
        raise ValidationError(
            {"date": [_("The date must lie within the fiscal year %(year)s, or the year before or after.") % {"year": line.fiscal_year}]}
        )
    checked = _check_limits(line, kind, value, over_limit_reason)
    entry = LedgerEntry.objects.create(
        line=line,
        kind=kind,
        amount=value.quantize(Decimal("0.01")),
        date=date,
        document_number=document_number,
        note=(note or "").strip(),
        over_limit_reason=over_limit_reason,
        recorded_by=user,
    )
    _attach(entry, uploads, user)
    _audit(entry, user, "ledger_record", checked, over_limit_reason or entry.note)
    return entry


@transaction.atomic
def entry_reverse(
    *,
    entry: LedgerEntry,
    user: User,
    reason: str,
    date: datetime.date | None = None,
    over_limit_reason: str = "",
) -> LedgerEntry:
    """Correct a mistaken entry by a reversing one (same kind, negated amount). Once per entry;
    a reversal is not reversed (record the right entry instead). ``date`` defaults to today."""
    if not access.can_record(user, entry.line, entry.kind):
        raise PermissionDenied
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Give the reason for reversing the entry.")]})
    line = _lock(entry.line)
    entry = LedgerEntry.objects.get(pk=entry.pk)
    if entry.reverses_id is not None:
        raise ValidationError(_("A reversing entry cannot itself be reversed; record the right entry instead."))
    if LedgerEntry.objects.filter(reverses=entry).exists():
        raise ValidationError(_("This entry has already been reversed."))
    date = date or timezone.localdate()
    if date < entry.date:
        raise ValidationError({"date": [_("A reversal cannot be dated before the entry it reverses.")]})
    checked = _check_limits(line, entry.kind, -entry.amount, (over_limit_reason or "").strip())
    try:
        with transaction.atomic():
            reversal = LedgerEntry.objects.create(
                line=line,
                kind=entry.kind,
                amount=-entry.amount,
                date=date,
                document_number=entry.document_number,
                note=reason,
                over_limit_reason=(over_limit_reason or "").strip(),
                reverses=entry,
                recorded_by=user,
            )
    except IntegrityError as exc:  # the unique constraint: reversed meanwhile
        raise ValidationError(_("This entry has already been reversed.")) from exc
    _audit(reversal, user, "ledger_reverse", checked, reason)
    return reversal
