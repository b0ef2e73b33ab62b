"""Reads of funding lines: totals and rates computed by the database (no Python loops).

- allocated = Σ allocations + Σ adjustments; disbursed = Σ disbursements; spent = Σ expenditures
  (reversals included: they carry the negated amount of their kind); missing sums are 0;
- ``execution_rate`` = spent ÷ allocated × 100 and ``disbursement_rate`` = disbursed ÷ allocated
  × 100, in percent (floats); None when nothing is allocated (shown as —);
- a line *lags* on a date when its execution rate trails, by more than its ``execution_margin``
  (percentage points, default 20), either the elapsed share of its fiscal year or the average
  progress of the key tasks it pays for. A line with nothing allocated never lags.
"""

from __future__ import annotations

import calendar
import datetime
from decimal import Decimal
from typing import Literal

from django.db.models import (
    Avg,
    BooleanField,
    Case,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    FloatField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone

from accounts.models import User
from funding import access
from funding.models import FundingLine, LedgerEntry, Source
from tasks.models import Plan

Kind = LedgerEntry.Kind
MONEY = DecimalField(max_digits=18, decimal_places=2)
ZERO = Value(Decimal("0.00"), output_field=MONEY)
ALLOCATED_KINDS = (Kind.ALLOCATION, Kind.ADJUSTMENT)


def ledger_sum(kinds, prefix: str = "entries__") -> Coalesce:
    return Coalesce(Sum(f"{prefix}amount", filter=Q(**{f"{prefix}kind__in": list(kinds)}), output_field=MONEY), ZERO)


def percent_of(numerator: str, denominator: str = "allocated") -> Case:
    return Case(
        When(
            **{f"{denominator}__gt": 0},
            then=ExpressionWrapper(
                Cast(F(numerator), FloatField()) * Value(100.0) / Cast(F(denominator), FloatField()),
                output_field=FloatField(),
            ),
        ),
        default=Value(None, output_field=FloatField()),
        output_field=FloatField(),
    )


def with_totals(lines: QuerySet[FundingLine]) -> QuerySet[FundingLine]:
    """``allocated``, ``disbursed``, ``spent`` and both rates on each line (one GROUP BY)."""
    return lines.annotate(
        allocated=ledger_sum(ALLOCATED_KINDS),
        disbursed=ledger_sum([Kind.DISBURSEMENT]),
        spent=ledger_sum([Kind.EXPENDITURE]),
    ).annotate(execution_rate=percent_of("spent"), disbursement_rate=percent_of("disbursed"))


def elapsed_share(year: int, on: datetime.date) -> float:
    """Share of ``year`` elapsed at the end of ``on``, in percent (0 before it, 100 after)."""
    if on.year < year:
        return 0.0
    if on.year > year:
        return 100.0
    days = 366 if calendar.isleap(year) else 365
    return (on.timetuple().tm_yday) * 100.0 / days


def with_lagging(lines: QuerySet[FundingLine], *, years, on: datetime.date) -> QuerySet[FundingLine]:
    """Adds ``year_elapsed``, ``task_progress`` (average, None without tasks) and ``is_lagging``.

    ``lines`` must carry the totals (``with_totals``); ``years`` are the fiscal years that may occur."""
    elapsed = Case(
        *[When(fiscal_year=year, then=Value(elapsed_share(year, on))) for year in years],
        default=Value(100.0 if on.year > max(years, default=on.year) else 0.0),
        output_field=FloatField(),
    )
    through = FundingLine.tasks.through
    progress = (
        through.objects.filter(fundingline_id=OuterRef("pk"))
        .values("fundingline_id")
        .annotate(average=Avg(Cast("keytask__progress", FloatField())))
        .values("average")
    )
    trails = Q(execution_rate__lt=F("year_elapsed") - F("execution_margin")) | Q(
        task_progress__isnull=False, execution_rate__lt=F("task_progress") - F("execution_margin")
    )
    return lines.annotate(
        year_elapsed=elapsed, task_progress=Subquery(progress, output_field=FloatField())
    ).annotate(
        is_lagging=Case(When(Q(allocated__gt=0) & trails, then=Value(True)), default=Value(False), output_field=BooleanField())
    )


def _plan_years(plan: Plan) -> range:
    return range(plan.start_year - 1, plan.end_year + 2)


def plan_lines(*, user: User, plan: Plan) -> QuerySet[FundingLine]:
    """The lines of ``plan`` the user may see, without their figures: what a list filters, counts
    and totals. The figures (``with_figures``) are a GROUP BY whose SQL takes Django about 5 ms to
    write; counting or totalling through them wrote it twice more for nothing."""
    return access.visible_lines(user).filter(plan=plan).select_related("department", "plan")


def with_figures(lines: QuerySet[FundingLine], *, plan: Plan, on: datetime.date | None = None) -> QuerySet[FundingLine]:
    """``lines`` (of ``plan``) with totals, rates and the lagging flag; lines that have them already
    (filtered on the flag) are returned as they are."""
    if "is_lagging" in lines.query.annotations:
        return lines
    return with_lagging(with_totals(lines), years=_plan_years(plan), on=on or timezone.localdate())


def lines_total(lines: QuerySet[FundingLine]) -> dict:
    """The totals of ``lines`` (a table's filtered lines, on every page): ``allocated``, ``disbursed``,
    ``spent`` and both rates, summed by the database over their ledgers in one query."""
    totals = LedgerEntry.objects.filter(line__in=lines.values("pk")).aggregate(
        allocated=ledger_sum(ALLOCATED_KINDS, prefix=""),
        disbursed=ledger_sum([Kind.DISBURSEMENT], prefix=""),
        spent=ledger_sum([Kind.EXPENDITURE], prefix=""),
    )
    allocated = totals["allocated"]
    totals["execution_rate"] = float(totals["spent"] * 100 / allocated) if allocated > 0 else None
    totals["disbursement_rate"] = float(totals["disbursed"] * 100 / allocated) if allocated > 0 else None
    return totals


def line_totals(*, line: FundingLine, on: datetime.date | None = None) -> FundingLine:
    """One line (already checked by the gatekeeper) with its totals, rates and lagging flag."""
    lines = FundingLine.objects.filter(pk=line.pk).select_related("department", "plan")
    return with_lagging(with_totals(lines), years=_plan_years(line.plan), on=on or timezone.localdate()).get()


def lagging_lines(*, plan: Plan, on: datetime.date, user: User | None = None) -> QuerySet[FundingLine]:
    """The lines of ``plan`` that lag on ``on`` (all of them, or those ``user`` may see)."""
    lines = (access.visible_lines(user) if user is not None else FundingLine.objects.all()).filter(plan=plan)
    lines = lines.select_related("department", "plan")
    return with_lagging(with_totals(lines), years=_plan_years(plan), on=on).filter(is_lagging=True)


GROUPS = {"source": ("source",), "department": ("department", "department__name", "department__short_name"), "year": ("fiscal_year",)}


def execution_by(*, user: User, plan: Plan, by: Literal["source", "department", "year"]) -> list[dict]:
    """Totals and rates of the lines the user may see, grouped by source, department or fiscal year.

    Each row: ``key`` (source code, department id or year), ``label``, ``lines`` (count),
    ``allocated``, ``disbursed``, ``spent`` (Decimal), ``execution_rate``, ``disbursement_rate``
    (percent or None). Ordered by the key."""
    if by not in GROUPS:
        raise ValueError(f"execution_by: by must be one of {sorted(GROUPS)}")
    fields = GROUPS[by]
    rows = (
        access.visible_lines(user)
        .filter(plan=plan)
        .values(*fields)
        .annotate(
            lines=Count("pk", distinct=True),
            allocated=ledger_sum(ALLOCATED_KINDS),
            disbursed=ledger_sum([Kind.DISBURSEMENT]),
            spent=ledger_sum([Kind.EXPENDITURE]),
        )
        .annotate(execution_rate=percent_of("spent"), disbursement_rate=percent_of("disbursed"))
        .order_by(*fields[:1])
    )
    labels = dict(Source.choices)
    result = []
    for row in rows:  # labelling only; the numbers come from the database
        key = row[fields[0]]
        if by == "source":
            label = str(labels.get(key, key))
        elif by == "department":
            label = row["department__short_name"] or row["department__name"]
        else:
            label = str(key)
        result.append(
            {
                "key": key,
                "label": label,
                "lines": row["lines"],
                "allocated": row["allocated"],
                "disbursed": row["disbursed"],
                "spent": row["spent"],
                "execution_rate": row["execution_rate"],
                "disbursement_rate": row["disbursement_rate"],
            }
        )
    return result


def ledger(*, line: FundingLine) -> QuerySet[LedgerEntry]:
    """The line's entries in order (date, then as recorded), with who recorded them and what they reverse."""
    return line.entries.select_related("recorded_by", "reverses").prefetch_related("reversals").order_by("date", "pk")
