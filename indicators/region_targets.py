"""Annual targets per region (分解落实年度任务): a province indicator's target for each region it was
cascaded to, per year of the plan — set in one grid (rows = regions, columns = years) or from a
sheet of the same grid (地区 · 代码 · 2021年 … 2025年).

A region's targets are the ``AnnualIndicatorTarget`` rows of its cascaded copy of the indicator
(``Indicator.parent``); until set, they are the province's (the cascade copies them). Setting the
target of the copy's target year also sets the copy's final target (``target_value``), which is
what attainment measures that year against.

Who: staff overseeing the province plan's region who review (``tasks.review_progressreport``,
supervisors) or administer targets (``tasks.change_annualtarget``, administrators).
All or nothing: one missing, negative or unreadable target, or one unknown region, and nothing is
changed. Every change is audited on the province indicator.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from audit.services import audit_record
from common.spreadsheets import Problem, TableError, cell_text, compact, load_grid, normalize, year_of
from indicators.models import AnnualIndicatorTarget, Indicator
from tasks.access import oversees_region
from tasks.models import Region

REGION_HEADERS = ("地区", "地区名称", "市州", "县区", "区划", "名称", "单位")
CODE_HEADERS = ("代码", "区划代码", "行政区划代码")


def can_set_region_targets(user: User, indicator: Indicator) -> bool:
    """Supervisors (review) and administrators (change annual targets) of the indicator's region or above."""
    return (
        user.is_authenticated
        and user.is_active
        and (user.has_perm("tasks.review_progressreport") or user.has_perm("tasks.change_annualtarget"))
        and oversees_region(user, indicator.plan.region)
    )


@dataclass
class GridRow:
    region: Region
    indicator: Indicator  # the region's cascaded copy
    targets: dict[int, Decimal | None]  # year → its target now
    initial: dict[int, Decimal | None] = field(default_factory=dict)  # year → shown: its target, else the province's


@dataclass
class TargetGrid:
    indicator: Indicator
    years: list[int]
    defaults: dict[int, Decimal | None]  # year → the province's own target
    rows: list[GridRow] = field(default_factory=list)


def _own_targets(indicator: Indicator, years) -> dict[int, Decimal | None]:
    """Year → the target in force for ``indicator`` (annual targets read from a prefetch)."""
    annual = {t.year: t.value for t in indicator.annual_targets.all()}
    return {
        year: indicator.target_value if year == indicator.target_year and indicator.target_value is not None else annual.get(year)
        for year in years
    }


def target_grid(indicator: Indicator) -> TargetGrid:
    """The regions ``indicator`` was cascaded to, each with its targets per plan year (2 queries)."""
    indicator = Indicator.objects.select_related("plan").prefetch_related("annual_targets").get(pk=indicator.pk)
    years = list(indicator.plan.years)
    grid = TargetGrid(indicator=indicator, years=years, defaults=_own_targets(indicator, years))
    children = (
        indicator.cascaded_indicators.select_related("plan__region")
        .prefetch_related("annual_targets")
        .order_by("plan__region__code", "plan__region__name", "pk")
    )
    for child in children:
        targets = _own_targets(child, years)
        initial = {year: grid.defaults[year] if targets[year] is None else targets[year] for year in years}
        grid.rows.append(GridRow(region=child.plan.region, indicator=child, targets=targets, initial=initial))
    return grid


def _check(indicator: Indicator) -> None:
    if not indicator.is_numeric:
        raise ValidationError(_("Targets in words are not split per region: this indicator is qualitative."))


def parse_target(indicator: Indicator, raw) -> Decimal:
    """One cell of the grid; ValidationError with the reason."""
    from indicators.services import parse_value

    if raw is None or str(raw).strip() in {"", "—", "-", "/"}:
        raise ValidationError(_("the target is missing"))
    text = str(raw).strip()
    if text.startswith("-") and re.fullmatch(r"-\s*[\d.,]+\s*[%‰]?", text):
        raise ValidationError(_("a target cannot be negative"))
    try:
        value = parse_value(indicator, raw)
    except ValidationError as exc:
        raise ValidationError(" ".join(exc.messages)) from exc
    if value is None:
        raise ValidationError(_("the target is missing"))
    return value


def region_targets_set(*, indicator: Indicator, values: dict[tuple[int, int], Any], actor: User) -> int:
    """Set each cascaded region's target per year from ``values`` ((copy id, year) → as typed).

    Every region of the grid and every year must be given. Returns the number of targets changed.
    Raises ValidationError listing every bad cell ("示范市 2024: the target is missing"); nothing is
    changed then.
    """
    if not can_set_region_targets(actor, indicator):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied
    _check(indicator)
    with transaction.atomic():
        indicator = Indicator.objects.select_for_update().get(pk=indicator.pk)
        grid = target_grid(indicator)
        errors: list[str] = []
        parsed: dict[tuple[int, int], Decimal] = {}
        for row in grid.rows:
            for year in grid.years:
                try:
                    parsed[(row.indicator.pk, year)] = parse_target(indicator, values.get((row.indicator.pk, year)))
                except ValidationError as exc:
                    errors.append(
                        str(_("%(region)s %(year)d: %(reason)s") % {"region": row.region.name, "year": year, "reason": " ".join(exc.messages)})
                    )
        if errors:
            raise ValidationError(errors)
        changes: dict[str, dict[str, str]] = {}
        for row in grid.rows:
            child = row.indicator
            existing = {t.year: t for t in child.annual_targets.all()}
            for year in grid.years:
                value = parsed[(child.pk, year)]
                if row.targets.get(year) == value:
                    continue
                changes.setdefault(row.region.name, {})[str(year)] = f"{value.normalize():f}"
                annual = existing.get(year)
                if annual is None:
                    AnnualIndicatorTarget.objects.create(indicator=child, year=year, value=value)
                elif annual.value != value:
                    annual.value = value
                    annual.save(update_fields=["value"])
                if year == child.target_year and child.target_value != value:
                    child.target_value = value
                    child.save(update_fields=["target_value"])
        count = sum(len(years) for years in changes.values())
        if count:
            audit_record(
                subject=indicator,
                actor=actor,
                action="set_region_targets",
                comment=str(_("%(count)d targets of %(regions)d regions") % {"count": count, "regions": len(changes)}),
                data={"targets": changes},
            )
    return count


# --- the sheet of the grid -------------------------------------------------------------------


@dataclass
class TargetSheet:
    values: dict[tuple[int, int], Any]  # (copy id, year) → cell as written
    regions: int  # how many of the grid's regions the sheet gives
    problems: list[Problem] = field(default_factory=list)


def grid_rows(grid: TargetGrid) -> list[list[Any]]:
    """The grid as a sheet (the template to fill in, and the current targets)."""
    rows: list[list[Any]] = [["地区", "代码", *(f"{year}年" for year in grid.years)]]
    for row in grid.rows:
        rows.append([row.region.name, row.region.code, *(row.initial.get(year) for year in grid.years)])
    return rows


def read_target_sheet(data: bytes, grid: TargetGrid) -> TargetSheet:
    """The targets a sheet gives for the grid's regions. Raises TableError when the sheet cannot be
    read at all (no header, no year columns); problems of single rows are collected."""
    _check(grid.indicator)
    _name, cells, _spans = load_grid(data)
    header_index = None
    for index, row in enumerate(cells[:10]):
        texts = [compact(cell_text(v)) for v in row]
        if any(t in REGION_HEADERS or t.endswith("（地区）") or t in CODE_HEADERS for t in texts) and any(year_of(t) for t in texts if t):
            header_index = index
            break
    if header_index is None:
        raise TableError([Problem(_("No header row found: the sheet needs a column 地区 (or 代码) and year columns such as 2024年."))])
    name_col = code_col = None
    year_cols: dict[int, int] = {}
    for col, value in enumerate(cells[header_index]):
        text = compact(cell_text(value))
        if not text:
            continue
        if (year := year_of(text)) is not None:
            year_cols.setdefault(year, col)
        elif text in CODE_HEADERS:
            code_col = col
        elif text in REGION_HEADERS or text.endswith("（地区）") or text.endswith("(地区)"):
            name_col = col
    problems: list[Problem] = []
    outside = [year for year in year_cols if year not in grid.years]
    for year in outside:
        problems.append(Problem(_("The column %(year)d年 lies outside the plan period %(start)d–%(end)d.")
                                % {"year": year, "start": grid.years[0], "end": grid.years[-1]}))
    by_code = {row.region.code: row for row in grid.rows if row.region.code}
    by_name = {normalize(row.region.name): row for row in grid.rows}
    values: dict[tuple[int, int], Any] = {}
    seen: dict[int, int] = {}
    for index in range(header_index + 1, len(cells)):
        row = cells[index]
        number = index + 1
        name = normalize(row[name_col]) if name_col is not None and name_col < len(row) else ""
        code = cell_text(row[code_col]) if code_col is not None and code_col < len(row) else ""
        if not name and not code:
            continue
        match = by_code.get(code) if code else None
        if match is None and name:
            match = by_name.get(name)
        if match is None:
            problems.append(Problem(_("the region “%(name)s” is not one this indicator was assigned to") % {"name": name or code}, row=number))
            continue
        if match.indicator.pk in seen:
            problems.append(Problem(_("%(region)s is already in row %(other)d") % {"region": match.region.name, "other": seen[match.indicator.pk]}, row=number))
            continue
        seen[match.indicator.pk] = number
        for year in grid.years:
            col = year_cols.get(year)
            raw = row[col] if col is not None and col < len(row) else None
            if col is None:
                raw = match.initial.get(year)  # a year the sheet leaves out keeps its target
            try:
                parse_target(grid.indicator, raw)
            except ValidationError as exc:
                problems.append(Problem(_("%(year)d年: %(reason)s") % {"year": year, "reason": " ".join(exc.messages)}, row=number, column=f"{year}年"))
            values[(match.indicator.pk, year)] = raw
    if not seen and not problems:
        problems.append(Problem(_("The sheet names none of the regions this indicator was assigned to.")))
    for grid_row in grid.rows:  # regions the sheet leaves out keep their targets
        if grid_row.indicator.pk not in seen:
            for year in grid.years:
                values[(grid_row.indicator.pk, year)] = grid_row.initial.get(year)
    return TargetSheet(values=values, regions=len(seen), problems=problems)
