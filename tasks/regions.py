"""Regions managed in the system: the region tree, its departments and staff, loaded from a sheet.

Administrators of a region create and edit the regions and departments below it. Who may do
what (the views ask the same functions):
- the tree, its pages and everything on them: ``tasks.view_region`` and the region in the
  administrator's subtree (``tasks.access.scoped_regions``), else 404;
- create a region: ``tasks.add_region`` and the parent in the subtree (a province, with no
  parent, only a superuser);
- edit or move a region: ``tasks.change_region`` and the region strictly below the administrator's
  own (their own top region only a superuser or someone placed above it may edit);
- departments: ``tasks.add_department`` / ``change_department`` and the region in the subtree;
- placing staff: ``tasks.change_regionstaff`` and both the region and the user's current region
  (if any) in the subtree.

Every service is atomic, refuses bad input with a translated ``ValidationError`` and changes
nothing then, and writes the audit trail. ``actor=None`` (management commands) may do anything.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.roles import ADMINISTRATOR, EVALUATOR, SUPERVISOR
from audit.services import audit_record
from common.db import DryRunRollback
from common.spreadsheets import Problem, TableError, cell_text, clean_text, compact, load_grid_any
from tasks import access
from tasks.models import Department, Plan, Region, RegionStaff
from tasks.services import department_create, staff_place

Level = Region.Level
CHILD_LEVEL = {parent: level for level, parent in Region.PARENT_LEVEL.items() if parent is not None}
STAFF_ROLES = (SUPERVISOR, EVALUATOR, ADMINISTRATOR)


# --- who may do what -------------------------------------------------------------------------


def _oversees(actor: User | None, region: Region | None) -> bool:
    if actor is None:
        return region is not None
    return access.oversees_region(actor, region)


def _is_top(actor: User | None) -> bool:
    """May create regions with no parent (provinces): a superuser, or a command."""
    return actor is None or actor.is_superuser


def may_manage_regions(user: User) -> bool:
    return user.is_authenticated and user.has_perm("tasks.view_region")


def require_region_admin(user: User) -> None:
    if not may_manage_regions(user):
        raise PermissionDenied


def get_region_for_user(user: User, pk: int) -> Region:
    """The region, if ``user`` manages regions and it is in their subtree; else 404 (or 403)."""
    require_region_admin(user)
    try:
        return access.scoped_regions(user).select_related("parent").get(pk=pk)
    except Region.DoesNotExist as exc:
        raise Http404 from exc


def get_department_for_user(user: User, pk: int) -> Department:
    require_region_admin(user)
    try:
        return Department.objects.select_related("region").filter(access.region_scope_q(user)).get(pk=pk)
    except Department.DoesNotExist as exc:
        raise Http404 from exc


def can_add_region(actor: User | None, parent: Region | None) -> bool:
    if actor is not None and not actor.has_perm("tasks.add_region"):
        return False
    if parent is None:
        return _is_top(actor)
    return parent.level in CHILD_LEVEL and _oversees(actor, parent)


def can_edit_region(actor: User | None, region: Region) -> bool:
    if actor is None:
        return True
    if not (actor.has_perm("tasks.change_region") and access.oversees_region(actor, region)):
        return False
    if actor.is_superuser:
        return True
    own = access.staff_region(actor)
    return own is not None and own.pk != region.pk


def can_change_departments(actor: User | None, region: Region) -> bool:
    if actor is None:
        return True
    return actor.has_perm("tasks.change_department") and actor.has_perm("tasks.add_department") and _oversees(actor, region)


def can_place_staff(actor: User | None, region: Region) -> bool:
    if actor is None:
        return True
    return actor.has_perm("tasks.change_regionstaff") and actor.has_perm("tasks.add_regionstaff") and _oversees(actor, region)


# --- reads -----------------------------------------------------------------------------------


def region_tree(user: User) -> QuerySet[Region]:
    """The regions ``user`` oversees in tree order (path), with their numbers of departments and plans.

    Counted by subqueries, one query for any number of rows (no join that multiplies them)."""
    departments = (
        Department.objects.filter(region=OuterRef("pk"), is_active=True)
        .order_by()
        .values("region")
        .annotate(n=Count("pk"))
        .values("n")
    )
    plans = Plan.objects.filter(region=OuterRef("pk")).order_by().values("region").annotate(n=Count("pk")).values("n")
    return (
        access.scoped_regions(user)
        .annotate(
            department_count=Coalesce(Subquery(departments), 0),
            plan_count=Coalesce(Subquery(plans), 0),
        )
        .order_by("path")
    )


def parent_choices(user: User) -> QuerySet[Region]:
    """Regions that can take a region under them (not townships), in the user's subtree."""
    return access.scoped_regions(user).exclude(level=Level.TOWNSHIP).order_by("path")


def staff_candidates(actor: User) -> QuerySet[User]:
    """Supervisors, evaluators and administrators the actor may place: unplaced or in their subtree."""
    users = (
        User.objects.filter(is_active=True, groups__name__in=STAFF_ROLES).distinct().select_related("region_staff__region")
    )
    if actor.is_superuser:
        return users.order_by("username")
    own = access.staff_region(actor)
    if own is None:
        return users.none()
    return users.filter(
        Q(region_staff__isnull=True) | Q(region_staff__region__path__startswith=own.path)
    ).order_by("username")


def region_ancestors(user: User, region: Region) -> list[Region]:
    """The regions above ``region`` that ``user`` oversees, top first (for the breadcrumb)."""
    ids = [int(part) for part in region.path.strip("/").split("/")[:-1] if part]
    return list(access.scoped_regions(user).filter(pk__in=ids).order_by("path"))


def region_staff(region: Region) -> QuerySet[RegionStaff]:
    return RegionStaff.objects.filter(region=region).select_related("user").order_by("user__username")


def region_label(region: Region) -> str:
    return f"{region.name}（{region.code}）" if region.code else region.name


# --- codes and levels ------------------------------------------------------------------------


def code_problem(code: str, level: str | None) -> str | None:
    """Why ``code`` is not a division code for ``level`` (None when it is, or when it is empty)."""
    if not code:
        return None
    if not re.fullmatch(r"\d{6}|\d{9}|\d{12}", code):
        return str(_("The division code “%(code)s” is not 6 digits (GB/T 2260), or 9 or 12 for a township.") % {"code": code})
    if level == Level.TOWNSHIP and len(code) == 6:
        return str(_("A township's division code has 9 or 12 digits, not “%(code)s”.") % {"code": code})
    if level in (Level.PROVINCE, Level.PREFECTURE, Level.COUNTY) and len(code) != 6:
        return str(
            _("A %(level)s's division code has 6 digits (GB/T 2260), not “%(code)s”.")
            % {"level": Level(level).label, "code": code}
        )
    return None


def level_from_code(code: str) -> str | None:
    """The level a GB/T 2260 code suggests: XX0000 a province, XXXX00 a prefecture, else a county."""
    if len(code) in (9, 12):
        return Level.TOWNSHIP
    if len(code) != 6:
        return None
    if code.endswith("0000"):
        return Level.PROVINCE
    if code.endswith("00"):
        return Level.PREFECTURE
    return Level.COUNTY


def level_problem(level: str, parent: Region | None, parent_level: str | None = None) -> str | None:
    """Why a ``level`` region cannot hang under ``parent`` (or a parent of ``parent_level``)."""
    parent_level = parent.level if parent is not None else parent_level
    expected = Region.PARENT_LEVEL.get(level)
    if parent_level is None:
        if expected is None:
            return None
        return str(_("A %(level)s must belong to a %(parent_level)s.") % {"level": Level(level).label, "parent_level": Level(expected).label})
    if expected == parent_level:
        return None
    below = CHILD_LEVEL.get(parent_level)
    if below is None:
        return str(_("Nothing can be placed under a %(parent_level)s.") % {"parent_level": Level(parent_level).label})
    return str(
        _("A %(parent_level)s cannot have a %(level)s under it: the regions below a %(parent_level)s are %(child_level)s regions.")
        % {"parent_level": Level(parent_level).label, "level": Level(level).label, "child_level": Level(below).label}
    )


def _sibling_named(name: str, parent: Region | None, exclude: Region | None = None) -> bool:
    siblings = Region.objects.filter(parent=parent, name=name)
    if exclude is not None:
        siblings = siblings.exclude(pk=exclude.pk)
    return siblings.exists()


def _code_taken(code: str, exclude: Region | None = None) -> Region | None:
    if not code:
        return None
    regions = Region.objects.filter(code=code)
    if exclude is not None:
        regions = regions.exclude(pk=exclude.pk)
    return regions.first()


# --- regions ---------------------------------------------------------------------------------


@transaction.atomic
def region_create(
    *, actor: User | None, parent: Region | None, name: str, code: str = "", level: str | None = None
) -> Region:
    """A region under ``parent``; its level follows from the parent's (a chosen one must agree)."""
    if not can_add_region(actor, parent):
        raise PermissionDenied
    name, code = clean_text(name), (code or "").strip()
    errors: dict[str, list[str]] = {}
    expected = CHILD_LEVEL.get(parent.level) if parent is not None else Level.PROVINCE
    level = level or expected
    if expected is None or level not in Level.values:
        errors.setdefault("level", []).append(str(_("Choose a level.")))
    elif (problem := level_problem(level, parent)) is not None:
        errors.setdefault("level", []).append(problem)
    if not name:
        errors.setdefault("name", []).append(str(_("Give the region a name.")))
    elif _sibling_named(name, parent):
        errors.setdefault("name", []).append(str(_("A region named “%(name)s” already exists there.") % {"name": name}))
    if (problem := code_problem(code, level)) is not None:
        errors.setdefault("code", []).append(problem)
    elif (other := _code_taken(code)) is not None:
        errors.setdefault("code", []).append(
            str(_("The division code %(code)s is already used by %(region)s.") % {"code": code, "region": other.name})
        )
    if errors:
        raise ValidationError(errors)
    region = Region(parent=parent, name=name, code=code, level=level)
    region.full_clean()
    region.save()
    audit_record(
        subject=region,
        actor=actor,
        action="create",
        to_state=level,
        comment=region_label(region),
        data={"parent": parent.pk if parent else None},
    )
    return region


@transaction.atomic
def region_update(*, actor: User | None, region: Region, name: str, code: str = "", parent: Region | None = None) -> Region:
    """Rename, recode or move a region. A moved region keeps its level: its new parent must be of
    the level above it and inside the actor's subtree; the paths below it are rewritten."""
    region = Region.objects.select_for_update().get(pk=region.pk)
    if not can_edit_region(actor, region):
        raise PermissionDenied
    name, code = clean_text(name), (code or "").strip()
    errors: dict[str, list[str]] = {}
    if parent is not None and parent.pk != region.parent_id:
        parent = Region.objects.select_for_update().get(pk=parent.pk)
        if region.contains(parent):
            errors.setdefault("parent", []).append(str(_("A region cannot be placed under itself or a region below it.")))
        elif not _oversees(actor, parent):
            errors.setdefault("parent", []).append(str(_("Choose a region you administer.")))
        elif (problem := level_problem(region.level, parent)) is not None:
            errors.setdefault("parent", []).append(problem)
    elif parent is None:
        parent = region.parent
    if not name:
        errors.setdefault("name", []).append(str(_("Give the region a name.")))
    elif "parent" not in errors and _sibling_named(name, parent, exclude=region):
        errors.setdefault("name", []).append(str(_("A region named “%(name)s” already exists there.") % {"name": name}))
    if (problem := code_problem(code, region.level)) is not None:
        errors.setdefault("code", []).append(problem)
    elif (other := _code_taken(code, exclude=region)) is not None:
        errors.setdefault("code", []).append(
            str(_("The division code %(code)s is already used by %(region)s.") % {"code": code, "region": other.name})
        )
    if errors:
        raise ValidationError(errors)
    before = {"name": region.name, "code": region.code, "parent": region.parent_id}
    region.name, region.code, region.parent = name, code, parent
    after = {"name": region.name, "code": region.code, "parent": region.parent_id}
    if before == after:
        return region
    region.full_clean()
    region.save()
    audit_record(
        subject=region,
        actor=actor,
        action="move" if before["parent"] != after["parent"] else "change",
        from_state=before["name"],
        to_state=region.name,
        data={"before": before, "after": after},
    )
    return region


# --- departments ------------------------------------------------------------------------------


def _check_department(
    *, region: Region, name: str, code: str, is_supervising: bool, exclude: Department | None = None
) -> None:
    errors: dict[str, list[str]] = {}
    others = Department.objects.filter(region=region)
    if exclude is not None:
        others = others.exclude(pk=exclude.pk)
    if not name:
        errors.setdefault("name", []).append(str(_("Give the department a name.")))
    elif others.filter(name=name).exists():
        errors.setdefault("name", []).append(
            str(_("%(region)s already has a department named “%(name)s”.") % {"region": region.name, "name": name})
        )
    if code and others.filter(code=code).exists():
        errors.setdefault("code", []).append(
            str(_("%(region)s already has a department with the code “%(code)s”.") % {"region": region.name, "code": code})
        )
    if is_supervising:
        current = others.filter(is_supervising=True, is_active=True).first()
        if current is not None:
            errors.setdefault("is_supervising", []).append(
                str(
                    _("%(region)s already has a supervising department (%(department)s); a region has at most one.")
                    % {"region": region.name, "department": current.name}
                )
            )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def region_department_create(
    *,
    actor: User | None,
    region: Region,
    name: str,
    short_name: str = "",
    code: str = "",
    is_supervising: bool = False,
) -> Department:
    """A department of ``region``; without a code it gets one made up (``department_create``)."""
    region = Region.objects.select_for_update().get(pk=region.pk)  # one supervising department at a time
    if not can_change_departments(actor, region):
        raise PermissionDenied
    name, short_name, code = clean_text(name), clean_text(short_name), (code or "").strip()
    _check_department(region=region, name=name, code=code, is_supervising=is_supervising)
    department = department_create(region=region, name=name, actor=actor, comment=str(_("Created on the region page")))
    changed = []
    if short_name != department.short_name:
        department.short_name, changed = short_name, [*changed, "short_name"]
    if code and code != department.code:
        department.code, changed = code, [*changed, "code"]
    if is_supervising:
        department.is_supervising, changed = True, [*changed, "is_supervising"]
    if changed:
        department.full_clean()
        department.save(update_fields=changed)
    return department


@transaction.atomic
def region_department_update(
    *,
    actor: User | None,
    department: Department,
    name: str,
    short_name: str = "",
    code: str = "",
    is_supervising: bool = False,
) -> Department:
    region = Region.objects.select_for_update().get(pk=department.region_id)
    department = Department.objects.select_for_update().get(pk=department.pk)
    if not can_change_departments(actor, region):
        raise PermissionDenied
    name, short_name, code = clean_text(name), clean_text(short_name), (code or "").strip() or department.code
    _check_department(region=region, name=name, code=code, is_supervising=is_supervising, exclude=department)
    before = {"name": department.name, "short_name": department.short_name, "code": department.code, "is_supervising": department.is_supervising}
    department.name, department.short_name, department.code, department.is_supervising = name, short_name, code, is_supervising
    after = {"name": department.name, "short_name": department.short_name, "code": department.code, "is_supervising": department.is_supervising}
    if before == after:
        return department
    department.full_clean()
    department.save(update_fields=["name", "short_name", "code", "is_supervising"])
    audit_record(subject=department, actor=actor, action="change", from_state=before["name"], to_state=name, data={"before": before, "after": after})
    return department


@transaction.atomic
def region_department_set_active(*, actor: User | None, department: Department, active: bool) -> Department:
    """Deactivate (or reactivate) a department: it keeps its history but takes no new work."""
    region = Region.objects.select_for_update().get(pk=department.region_id)
    department = Department.objects.select_for_update().get(pk=department.pk)
    if not can_change_departments(actor, region):
        raise PermissionDenied
    if department.is_active == active:
        return department
    if active and department.is_supervising:
        _check_department(region=region, name=department.name, code=department.code, is_supervising=True, exclude=department)
    department.is_active = active
    department.save(update_fields=["is_active"])
    audit_record(
        subject=department,
        actor=actor,
        action="activate" if active else "deactivate",
        from_state="inactive" if active else "active",
        to_state="active" if active else "inactive",
    )
    return department


# --- staff -----------------------------------------------------------------------------------


@transaction.atomic
def region_staff_place(*, actor: User | None, user: User, region: Region) -> RegionStaff:
    """Place a supervisor, evaluator or administrator in ``region`` (audited by ``staff_place``)."""
    if not can_place_staff(actor, region):
        raise PermissionDenied
    if not user.is_active or not user.groups.filter(name__in=STAFF_ROLES).exists():
        raise ValidationError({"user": [str(_("Only supervisors, evaluators and administrators are placed in a region."))]})
    current = RegionStaff.objects.select_related("region").filter(user=user).first()
    if current is not None and actor is not None and not _oversees(actor, current.region):
        raise ValidationError({"user": [str(_("%(user)s serves a region you do not administer.") % {"user": user})]})
    return staff_place(user=user, region=region, actor=actor)


# --- loading regions from a sheet (代码 · 名称 · 上级) --------------------------------------------

# Header labels by the field they fill; matched after annotations in brackets are dropped.
SHEET_COLUMNS: dict[str, tuple[str, ...]] = {
    "code": ("代码", "行政区划代码", "区划代码", "编码", "区划编码", "行政区划编码", "地区代码", "统计用区划代码", "code"),
    "name": ("名称", "区划名称", "行政区划名称", "地区名称", "地名", "单位名称", "name"),
    "parent": ("上级", "上级代码", "上级名称", "上级区划", "上级区划代码", "上级区划名称", "所属上级", "隶属", "parent"),
    "level": ("级别", "层级", "区划级别", "行政级别", "类型", "level"),
}
ANNOTATION_RE = re.compile(r"[（(][^）)]*[）)]|[*＊:：]")

LEVEL_WORDS = {
    Level.PROVINCE: ("省", "省级", "省份", "省区", "自治区", "直辖市", "province"),
    Level.PREFECTURE: ("市", "市州", "市级", "地级", "地级市", "地区", "州", "盟", "市(州)", "prefecture"),
    Level.COUNTY: ("县", "区", "县区", "县级", "县市区", "县(市、区)", "县(市区)", "县级市", "旗", "county"),
    Level.TOWNSHIP: ("乡", "镇", "乡镇", "乡级", "街道", "乡镇街道", "乡(镇、街道)", "township"),
}


def _match_column(text: str) -> str | None:
    key = ANNOTATION_RE.sub("", compact(text)).lower()
    if not key:
        return None
    for name, labels in SHEET_COLUMNS.items():
        if key in labels:
            return name
    if "上级" in key or "隶属" in key:
        return "parent"
    if "级别" in key or "层级" in key:
        return "level"
    if "代码" in key or "编码" in key:
        return "code"
    if "名称" in key:
        return "name"
    return None


def _header_fields(cells: list[str]) -> dict[str, int]:
    fields: dict[str, int] = {}
    for col, text in enumerate(cells):
        name = _match_column(text)
        if name and name not in fields:
            fields[name] = col
    return fields


def _looks_like_data(row: list[Any]) -> bool:
    return any(re.fullmatch(r"\d{6,12}", cell_text(v)) for v in row)


def _find_header(grid: list[list[Any]]) -> tuple[int, int, dict[str, int], list[str]] | None:
    """(header row index, first data row index, fields → columns, labels) for a one- or two-row header."""
    for index, row in enumerate(grid[:15]):
        single = [cell_text(v) for v in row]
        best = (index, index + 1, _header_fields(single), single)
        if index + 1 < len(grid) and not _looks_like_data(grid[index + 1]):
            below = [cell_text(v) for v in grid[index + 1]]
            combined = [a if a == b else a + b for a, b in zip(single, below, strict=False)]
            fields = _header_fields(combined)
            if len(fields) > len(best[2]) and "name" in fields:
                best = (index, index + 2, fields, combined)
        if "name" in best[2] and ({"code", "parent"} & set(best[2])):
            return best
    return None


def _level_of(text: str) -> str | None:
    key = re.sub(r"\s+", "", text).lower()
    key = key.replace("（", "(").replace("）", ")").replace("级", "级")
    for level, words in LEVEL_WORDS.items():
        if key in words:
            return level
    return None


@dataclass
class SheetRow:
    row: int
    code: str
    name: str
    parent_text: str
    level_text: str


@dataclass
class RegionSheet:
    title: str
    rows: list[SheetRow]
    labels: dict[str, str]


def read_region_sheet(data: bytes, filename: str = "") -> RegionSheet:
    """The rows of a region sheet (代码 · 名称 · 上级 [· 级别]), without touching the database."""
    _sheet, grid, _spans = load_grid_any(data, filename)
    found = _find_header(grid)
    if found is None:
        raise TableError(
            [Problem(_("No header row found: the sheet needs the columns 代码, 名称 and 上级 (the parent's code or name)."))]
        )
    header_index, first_data, columns, header = found
    labels = {name: ANNOTATION_RE.sub("", compact(header[col])) for name, col in columns.items()}

    def cell(row: list[Any], name: str) -> Any:
        col = columns.get(name)
        return row[col] if col is not None and col < len(row) else None

    def code_of(value: Any) -> str:
        text = cell_text(value)
        return text[:-2] if re.fullmatch(r"\d+\.0", text) else text

    rows = []
    for index in range(first_data, len(grid)):
        row = grid[index]
        if not any(cell_text(v) for v in row):
            continue
        name = clean_text(cell(row, "name"))
        code = code_of(cell(row, "code"))
        texts = {cell_text(v) for v in row if cell_text(v)}
        if len(texts) == 1 and re.match(r"^(注|备注|说明)[:：]", next(iter(texts))):
            continue
        rows.append(
            SheetRow(
                row=index + 1,
                code=re.sub(r"\s+", "", code),
                name=name,
                parent_text=code_of(cell(row, "parent")),
                level_text=cell_text(cell(row, "level")),
            )
        )
    title = next((clean_text(v) for r in grid[:header_index] for v in r if clean_text(v)), "")
    return RegionSheet(title=title, rows=rows, labels=labels)


@dataclass
class ImportRow:
    """One sheet row as the import understood it (what the preview shows)."""

    row: int
    code: str
    name: str
    level: str | None = None
    parent_label: str = ""
    action: str = ""  # create / update / unchanged
    region: Region | None = None  # the existing region, for an update
    changes: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    # resolved parent: an existing region or another row of the sheet
    parent_region: Region | None = None
    parent_row: ImportRow | None = None

    @property
    def level_label(self) -> str:
        return Level(self.level).label if self.level else ""


@dataclass
class RegionImportResult:
    title: str
    rows: list[ImportRow]
    problems: list[Problem]
    created: int = 0
    updated: int = 0
    dry_run: bool = False
    applied: bool = False

    @property
    def unchanged(self) -> int:
        return sum(1 for r in self.rows if r.action == "unchanged")


def regions_import(
    *, data: bytes, filename: str = "", actor: User | None, under: Region | None = None, dry_run: bool = False
) -> RegionImportResult:
    """Load regions from a sheet: all rows or none.

    A row's parent is found by the 上级 cell (a code or a name: of another row or of a region in
    the actor's subtree); an empty 上级 means the region its code belongs to (420100 → 420000) if
    there is one, else ``under``. The level comes from a 级别 cell, else from the parent, else from
    the code. A code already in the system updates that region (name, parent). Raises
    :class:`TableError` when the sheet cannot be read; problems in rows are returned per row and
    then nothing is written.
    """
    sheet = read_region_sheet(data, filename)
    if actor is not None and not actor.has_perm("tasks.add_region"):
        raise PermissionDenied
    if under is not None and not _oversees(actor, under):
        raise PermissionDenied
    result: RegionImportResult | None = None
    try:
        with transaction.atomic():
            result = _import_rows(sheet, actor=actor, under=under)
            if dry_run or result.problems:
                raise DryRunRollback
            result.applied = True
    except DryRunRollback:
        assert result is not None
        result.dry_run = dry_run
    assert result is not None
    return result


def _import_rows(sheet: RegionSheet, *, actor: User | None, under: Region | None) -> RegionImportResult:
    scope = access.scoped_regions(actor) if actor is not None else Region.objects.all()
    rows = [ImportRow(row=r.row, code=r.code, name=r.name) for r in sheet.rows]
    specs = {id(row): spec for row, spec in zip(rows, sheet.rows, strict=True)}
    label = sheet.labels.get

    def problem(row: ImportRow, message, column: str = "") -> None:
        row.problems.append(Problem(message, row=row.row, column=label(column, "")))

    # Existing regions the sheet names by code, and those it may name as parents.
    codes = {r.code for r in rows if r.code} | {s.parent_text for s in sheet.rows if s.parent_text.isdigit()}
    codes |= {_code_parent(r.code) for r in rows if _code_parent(r.code)}
    by_code = {region.code: region for region in Region.objects.filter(code__in=codes).select_related("parent")}
    in_scope = set(scope.filter(pk__in=[r.pk for r in by_code.values()]).values_list("pk", flat=True))
    names = {s.parent_text for s in sheet.rows if s.parent_text and not s.parent_text.isdigit()}
    existing_by_name: dict[str, list[Region]] = {}
    for region in scope.filter(name__in=names):
        existing_by_name.setdefault(region.name, []).append(region)

    # Codes and names in the sheet.
    rows_by_code: dict[str, ImportRow] = {}
    rows_by_name: dict[str, list[ImportRow]] = {}
    for row in rows:
        if not row.name:
            problem(row, _("the name is empty"), "name")
        if row.code:
            if (message := code_problem(row.code, None)) is not None:
                problem(row, message, "code")
            elif row.code in rows_by_code:
                problem(row, _("the code %(code)s is also on row %(other)d") % {"code": row.code, "other": rows_by_code[row.code].row}, "code")
            else:
                rows_by_code[row.code] = row
        if row.name:
            rows_by_name.setdefault(row.name, []).append(row)

    # Existing regions and parents.
    for row in rows:
        spec = specs[id(row)]
        if row.code and (existing := by_code.get(row.code)) is not None:
            if existing.pk in in_scope:
                row.region = existing
            else:
                problem(row, _("the code %(code)s belongs to %(region)s, which you do not administer") % {"code": row.code, "region": existing.name}, "code")
        parent_text = spec.parent_text
        if parent_text:
            if parent_text.isdigit():
                if parent_text in rows_by_code:
                    row.parent_row = rows_by_code[parent_text]
                elif parent_text in by_code:
                    row.parent_region = by_code[parent_text]
                else:
                    problem(row, _("the parent %(parent)s is neither in the sheet nor in the system") % {"parent": parent_text}, "parent")
            else:
                in_sheet = rows_by_name.get(parent_text, [])
                in_db = existing_by_name.get(parent_text, [])
                if len(in_sheet) == 1:
                    row.parent_row = in_sheet[0]
                elif len(in_sheet) > 1 or len(in_db) > 1:
                    problem(row, _("several regions are named “%(parent)s”: give the parent's code") % {"parent": parent_text}, "parent")
                elif in_db:
                    row.parent_region = in_db[0]
                else:
                    problem(row, _("the parent “%(parent)s” is neither in the sheet nor among your regions") % {"parent": parent_text}, "parent")
        else:
            implied = _code_parent(row.code)
            if implied and implied in rows_by_code:
                row.parent_row = rows_by_code[implied]
            elif implied and implied in by_code:
                row.parent_region = by_code[implied]
            elif row.region is not None and row.region.parent_id and under is None:
                row.parent_region = row.region.parent
            else:
                row.parent_region = under
        if row.parent_row is row:
            problem(row, _("a region cannot be its own parent"), "parent")
            row.parent_row = None
        if row.region is not None and row.parent_region is not None and row.parent_region.pk == row.region.pk:
            row.parent_region = row.region.parent  # the sheet lists the region it is loaded under
        if row.region is not None and row.parent_region is not None and row.region.contains(row.parent_region):
            problem(row, _("a region cannot be placed under itself or a region below it"), "parent")
        level_text = spec.level_text
        if level_text:
            row.level = _level_of(level_text)
            if row.level is None:
                problem(row, _("the level “%(level)s” is not one of 省, 市州, 县区, 乡镇") % {"level": level_text}, "level")

    # Levels: from the 级别 column, else from the parent, else from the code. Parents first.
    _resolve_levels(rows)
    for row in rows:
        if row.level is None:
            if not row.problems:
                problem(row, _("the level cannot be told: add a 级别 column or give the parent"), "level")
            continue
        parent_level = row.parent_row.level if row.parent_row is not None else (row.parent_region.level if row.parent_region else None)
        has_parent = row.parent_row is not None or row.parent_region is not None
        if has_parent and parent_level is None:
            continue  # the parent row's own problem is reported there
        if (message := level_problem(row.level, None, parent_level)) is not None:
            problem(row, message, "parent" if has_parent else "level")
        if not has_parent and actor is not None and not actor.is_superuser:
            problem(row, _("a region without a parent is outside the regions you administer"), "parent")
        if (message := code_problem(row.code, row.level)) is not None and row.code and not any(
            p.column == label("code", "") for p in row.problems
        ):
            problem(row, message, "code")
        if row.region is not None and row.region.level != row.level:
            problem(
                row,
                _("%(region)s is a %(level)s; the sheet cannot make it a %(new_level)s")
                % {"region": row.region.name, "level": row.region.get_level_display(), "new_level": Level(row.level).label},
                "level",
            )
        row.parent_label = _parent_label(row)

    # What changes, and whether the actor may change it.
    sheet_regions = {row.region.pk for row in rows if row.region is not None}
    for row in rows:
        parent_obj = row.parent_row.region if row.parent_row is not None else row.parent_region
        new_parent = row.parent_row is not None and row.parent_row.region is None
        if row.region is None:
            row.action = "create"
        else:
            if row.name and row.name != row.region.name:
                row.changes.append(f"{row.region.name} → {row.name}")
            if new_parent or (parent_obj is not None and parent_obj.pk != row.region.parent_id):
                row.changes.append(f"{row.region.parent.name if row.region.parent else '—'} → {_parent_label(row)}")
            row.action = "update" if row.changes else "unchanged"
            if row.changes and not can_edit_region(actor, row.region):
                problem(row, _("you may not change %(region)s") % {"region": row.region.name}, "name")
        if row.action != "unchanged" and row.parent_region is not None and not _oversees(actor, row.parent_region):
            problem(row, _("%(parent)s is outside the regions you administer") % {"parent": row.parent_region.name}, "parent")
        # Names unique among siblings (the sheet's and the system's).
        if row.name and row.action != "unchanged":
            clash = Region.objects.filter(parent=parent_obj, name=row.name).exclude(pk__in=sheet_regions)
            if not new_parent and clash.exists():
                problem(row, _("%(parent)s already has a region named “%(name)s”") % {"parent": _parent_label(row) or "—", "name": row.name}, "name")
    seen: dict[tuple[Any, str], ImportRow] = {}
    for row in rows:
        if row.name:
            parent_key = ("row", id(row.parent_row)) if row.parent_row is not None else ("region", row.parent_region.pk if row.parent_region else None)
            if (parent_key, row.name) in seen:
                problem(row, _("“%(name)s” is also on row %(other)d under the same parent") % {"name": row.name, "other": seen[(parent_key, row.name)].row}, "name")
            seen[(parent_key, row.name)] = row

    problems = [p for row in rows for p in row.problems]
    if not rows:
        problems.append(Problem(_("The sheet has no rows below its header.")))
    result = RegionImportResult(title=sheet.title, rows=rows, problems=problems)
    if problems:
        return result
    _apply(rows, actor, result)
    return result


def _code_parent(code: str) -> str:
    """The code of the region a GB/T 2260 code belongs to: 420102 → 420100, 420100 → 420000."""
    if len(code) != 6 or not code.isdigit():
        return ""
    if code.endswith("0000"):
        return ""
    if code.endswith("00"):
        return code[:2] + "0000"
    return code[:4] + "00"


def _resolve_levels(rows: list[ImportRow]) -> None:
    for _round in range(5):  # at most four levels deep
        changed = False
        for row in rows:
            if row.level is not None:
                continue
            parent_level = None
            if row.parent_row is not None:
                parent_level = row.parent_row.level
                if parent_level is None:
                    continue
            elif row.parent_region is not None:
                parent_level = row.parent_region.level
            if parent_level is not None:
                row.level = CHILD_LEVEL.get(parent_level)
            elif row.region is not None:
                row.level = row.region.level
            else:
                row.level = level_from_code(row.code)
            changed = changed or row.level is not None
        if not changed:
            break


def _parent_label(row: ImportRow) -> str:
    if row.parent_row is not None:
        return f"{row.parent_row.name}（{row.parent_row.code}）" if row.parent_row.code else row.parent_row.name
    if row.parent_region is not None:
        return region_label(row.parent_region)
    return ""


def _apply(rows: list[ImportRow], actor: User | None, result: RegionImportResult) -> None:
    """Create and update, parents before children (rows may list a child above its parent)."""
    done: set[int] = set()
    pending = list(rows)
    while pending:
        progress = False
        for row in list(pending):
            if row.parent_row is not None and id(row.parent_row) not in done:
                continue
            parent = row.parent_row.region if row.parent_row is not None else row.parent_region
            if row.region is None:
                region = Region(parent=parent, name=row.name, code=row.code, level=row.level)
                region.full_clean()
                region.save()
                audit_record(subject=region, actor=actor, action="create", to_state=region.level, comment=region_label(region), data={"import": True})
                row.region = region
                result.created += 1
            elif row.action == "update":
                region = row.region
                before = {"name": region.name, "parent": region.parent_id}
                region.name = row.name
                if parent is not None:
                    region.parent = parent
                region.full_clean()
                region.save()
                audit_record(
                    subject=region, actor=actor, action="change", from_state=before["name"], to_state=region.name,
                    data={"before": before, "after": {"name": region.name, "parent": region.parent_id}, "import": True},
                )
                result.updated += 1
            done.add(id(row))
            pending.remove(row)
            progress = True
        if not progress:  # a cycle among the rows: refuse them
            for row in pending:
                row.problems.append(Problem(_("the parents of these rows form a circle"), row=row.row))
            result.problems.extend(p for row in pending for p in row.problems)
            return
