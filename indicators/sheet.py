"""主要指标表: read the Excel indicator sheet that plans circulate (no database).

The sheet is turned into plain data (:class:`ParsedIndicatorSheet`); every problem found is
collected with its row and column and raised at once as :class:`tasks.breakdown_table.TableError`.
Matching departments, checking against the plan and saving is ``indicators.services.indicators_import``.

Accepted shapes:
- title rows (merged or not) above the header row, which is found among the first 15 rows;
- header: 指标名称 (指标) · 单位 · 基期值 · 目标值 · 属性 · 责任单位 (责任部门 / 牵头单位); optional
  序号, 指标释义, 基期年份, 目标年份, 比较, 规划条款, 分子 and 分母 (what a rate is computed from,
  e.g. 规范管理患者数 / 在册患者数), 汇总方式 (累加, 存量, 比率, 不汇总) and yearly target columns
  2021年 … 2025年;
- heading rows ("一、健康水平") and notes ("注：…") between indicators are skipped;
- every worksheet: the one whose rows hold the indicator header is read (and named in a warning
  when the workbook has several); none or several → refused with the list of sheets, unless the
  caller names one (``sheet=``, the command's ``--sheet``). .xlsx, .xls and .csv (UTF-8, UTF-8
  with BOM, GBK) are read by the shared reader, ``common.spreadsheets.load_sheets`` and
  ``choose_sheet``;
- one- or two-row headers: a second header row (目标值 merged over 2021年 … 2025年, 年度目标 over
  the years, 基期值 merged over two rows) is read with the first and never imported as data;
- units as plans write them: % · ‰ · 名/10万人口 (per 10万) · 1:N (比例) · 是/否 · 定性 · counts
  (个/名/家/人/所/次/人次 …, whole numbers that add up) · any other unit (岁, 元, 张/千人, 小时 …)
  as a plain number with that unit label (``UnitKind.NUMBER``, not added up across regions);
- targets with their comparison, full-width or not: ≥ ＞ > ≤ ＜ < = 不低于 不少于 不高于 不超过
  达到 以上 以下 以内 高于 超过 低于 不足 …; the strictness is kept ("＞50%" is ``gt``, "≥50%" is
  ``gte``; 以上/以下/以内 include the number, as 民法典 第1259条 reads them); numbers may carry the
  unit sign ("80%", "4.5‰") when it matches the unit; a ratio is written 1:N (≥1:4000 compares the
  ratio: see ``indicators.attainment``);
- verbal targets: "在现有基础上提高50%" / "比2020年降低10%" are *relative* targets (the change is
  kept in ``relative_change``, the target value is baseline × (1 + change ÷ 100)); "提高5个百分点" is
  baseline + 5; "逐步提高" / "稳步提升" / "逐年下降" are "> baseline" / "< baseline" (a relative
  change of 0, strict); any other words ("持续改善", "进一步完善"), or a relative target without a
  baseline, make the indicator *qualitative*, judged by the supervisor (the unit as written is
  kept as its label), with a warning in the preview.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy
from openpyxl.utils import get_column_letter

from common.spreadsheets import (
    Problem,
    Sheet,
    TableError,
    cell_text,
    choose_sheet,
    clean_text,
    compact,
    load_sheets,
    normalize,
    sheet_read_note,
    year_of,
)
from indicators.models import Indicator
from tasks.breakdown_table import ANNOTATION_RE, split_departments

UnitKind = Indicator.UnitKind
Comparison = Indicator.Comparison
Nature = Indicator.Nature

# Header labels by the field they fill; the exact label wins, then the longest label a header starts with.
COLUMNS: dict[str, tuple[str, ...]] = {
    "code": ("序号", "编号", "指标编号"),
    "name": ("指标名称", "指标", "主要指标", "指标项"),
    "definition": ("指标释义", "指标解释", "指标说明", "释义", "计算方法"),
    "unit": ("单位", "计量单位", "指标单位"),
    "baseline": ("基期值", "基期", "基线值", "现状值"),
    "baseline_year": ("基期年份", "基期年", "基线年份"),
    "target": ("目标值", "规划目标", "目标"),
    "target_year": ("目标年份", "目标年"),
    "comparison": ("比较", "比较方式", "比较方向"),
    "nature": ("属性", "指标属性", "性质"),
    "department": ("责任单位", "责任部门", "牵头单位", "牵头部门"),
    "source_clause": ("规划条款", "对应条款", "规划依据"),
    "numerator_label": ("分子", "分子名称", "分子定义"),
    "denominator_label": ("分母", "分母名称", "分母定义"),
    "aggregation": ("汇总方式", "汇总规则", "汇总"),
}
REQUIRED = ("name", "unit", "baseline", "target", "nature", "department")

AGGREGATIONS = {
    "累加": Indicator.Aggregation.FLOW, "流量": Indicator.Aggregation.FLOW, "合计": Indicator.Aggregation.FLOW,
    "存量": Indicator.Aggregation.STOCK, "时点": Indicator.Aggregation.STOCK, "期末": Indicator.Aggregation.STOCK,
    "比率": Indicator.Aggregation.FRACTION, "分子分母": Indicator.Aggregation.FRACTION, "率": Indicator.Aggregation.FRACTION,
    "不汇总": Indicator.Aggregation.NONE, "不累加": Indicator.Aggregation.NONE,
}
MAX_PART_LABEL = 100
NATURES = {"预期性": Nature.EXPECTED, "预期": Nature.EXPECTED, "约束性": Nature.BINDING, "约束": Nature.BINDING}
# Text is NFKC-folded first (＞ → >, ＝ → =, ＜ → <); ≥ ≤ ≧ ≦ ⩾ ⩽ are not compatibility forms.
GTE_WORDS = ("≥", "≧", "⩾", ">=", "=>", "不低于", "不少于", "不小于", "大于等于", "大于或等于", "以上", "及以上", "达到", "至少", "保持")
GT_WORDS = (">", "高于", "超过", "大于", "多于")
LTE_WORDS = ("≤", "≦", "⩽", "<=", "=<", "不高于", "不超过", "不大于", "不多于", "小于等于", "小于或等于", "以下", "及以下", "以内", "控制在", "至多")
LT_WORDS = ("<", "低于", "少于", "小于", "不足", "不到", "不满")
EQ_WORDS = ("=", "==", "等于")
COMPARISON_WORDS = {
    **{w: Comparison.GTE for w in GTE_WORDS},
    **{w: Comparison.GT for w in GT_WORDS},
    **{w: Comparison.LTE for w in LTE_WORDS},
    **{w: Comparison.LT for w in LT_WORDS},
    **{w: Comparison.EQ for w in EQ_WORDS},
}
WEAK_PREFIXES = {"达到", "保持", "控制在"}  # "达到90%以上", "控制在5%以内": the word after decides
_PREFIXES = sorted((w for w in COMPARISON_WORDS if w not in {"以上", "及以上", "以下", "及以下", "以内"}), key=len, reverse=True)
PREFIX_RE = re.compile(r"^(" + "|".join(re.escape(w) for w in _PREFIXES) + r")\s*")
SUFFIX_RE = re.compile(r"\s*(及以上|及以下|以上|以下|以内)$")
# Relative targets: "在现有基础上提高50%", "比2020年降低10%", "较基期提高5个百分点".
UP_WORDS, DOWN_WORDS = ("提高", "提升", "增长", "增加", "上升"), ("降低", "下降", "减少", "减低")
RELATIVE_RE = re.compile(
    r"(" + "|".join(UP_WORDS + DOWN_WORDS) + r")了?\s*(\d+(?:\.\d+)?)\s*(%|个百分点)\s*(以上|及以上|左右)?$"
)
DIRECTION_RE = re.compile(r"^(逐步|稳步|逐年|不断|持续|进一步|有所|明显|显著|继续)*(" + "|".join(UP_WORDS + DOWN_WORDS) + r")$")
COUNT_WORDS = ("个", "名", "家", "人", "所", "张", "次", "项", "床", "台", "支", "座", "户", "间", "辆", "万人", "人次", "支队伍")
COUNT_RE = re.compile(r"(万)?(个|名|家|人|所|张|次|项|床|台|支|座|户|间|辆|人次|支队伍|件|例|场|期|批|类|种|篇|部|门)")
EMPTY_MARKS = {"—", "-", "--", "——", "/", "无"}
YEAR_CELL_RE = re.compile(r"^(20\d\d)\s*年?$")
HEADING_RE = re.compile(r"^([一二三四五六七八九十]+\s*[、.．]|[（(]\s*[一二三四五六七八九十]+\s*[)）]|(注|备注|说明)\s*[:：])")
SIGNS = {"%": UnitKind.PERCENT, "‰": UnitKind.PER_MILLE}
HEADER_SEARCH_ROWS = 20
MAX_NAME = 200
MAX_UNIT = 30
MAX_TEXT = 300


@dataclass
class ParsedIndicator:
    row: int
    code: str  # "" when the sheet has no 序号 column: the importer numbers it
    name: str
    unit_kind: str
    unit_label: str = ""
    definition: str = ""
    baseline_value: Decimal | None = None
    baseline_year: int | None = None
    target_value: Decimal | None = None
    target_text: str = ""
    comparison: str = Comparison.GTE
    target_year: int | None = None
    nature: str = Nature.EXPECTED
    department_name: str = ""
    source_clause: str = ""
    numerator_label: str = ""
    denominator_label: str = ""
    aggregation: str = ""
    annual_targets: dict[int, tuple[Decimal | None, str]] = field(default_factory=dict)
    relative_change: Decimal | None = None  # 在现有基础上提高50% → 50; 逐步提高 → 0


@dataclass
class ParsedIndicatorSheet:
    title: str
    sheet_name: str
    indicators: list[ParsedIndicator]
    years: list[int]
    year_labels: dict[int, str] = field(default_factory=dict)  # year → header as written
    warnings: list[Problem] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict)  # field → header label as written
    letters: dict[str, str] = field(default_factory=dict)  # field → column letter


class _CellError(Exception):
    def __init__(self, message: str | Promise):
        super().__init__(str(message))
        self.message = message


def _match_header(text: str) -> str | None:
    label = ANNOTATION_RE.sub("", compact(text))
    if not label:
        return None
    for field_name, labels in COLUMNS.items():
        if label in labels:
            return field_name
    candidates = sorted(((c, f) for f, labels in COLUMNS.items() for c in labels), key=lambda cf: -len(cf[0]))
    return next((f for c, f in candidates if label.startswith(c)), None)


def _text_at(row: list[Any], col: int) -> str:
    return cell_text(row[col]) if col < len(row) else ""


def _is_subheader(grid: list[list[Any]], index: int) -> bool:
    """Whether the row under the header row ``index`` is a second header row: under the 指标名称
    column it is empty or repeats the label (merged over both rows), and somewhere it names a
    column or a year that the row above does not (目标值 merged over 2021年 … 2025年)."""
    if index + 1 >= len(grid):
        return False
    top, below = grid[index], grid[index + 1]
    name_col = next((c for c, v in enumerate(top) if _match_header(cell_text(v)) == "name"), None)
    if name_col is None or _text_at(below, name_col) not in {"", _text_at(top, name_col)}:
        return False
    for col, value in enumerate(below):
        text = cell_text(value)
        if text and text != _text_at(top, col) and (year_of(text) is not None or _match_header(text)):
            return True
    return False


def _header_labels(grid: list[list[Any]], index: int) -> tuple[list[str], int]:
    """The label of each column (from one or two header rows) and the index of the first data row."""
    top = grid[index]
    if not _is_subheader(grid, index):
        return [cell_text(v) for v in top], index + 1
    below = grid[index + 1]
    labels = []
    for col in range(max(len(top), len(below))):
        upper, lower = _text_at(top, col), _text_at(below, col)
        if lower and lower != upper and (year_of(lower) is not None or _match_header(lower)):
            labels.append(lower)
        else:
            labels.append(upper or lower)
    return labels, index + 2


def _find_header(grid: list[list[Any]]) -> int | None:
    for index in range(min(len(grid), HEADER_SEARCH_ROWS)):
        labels, _start = _header_labels(grid, index)
        fields = {_match_header(text) for text in labels if text}
        if {"name", "department"} <= fields and {"unit", "target"} & fields:
            return index
    return None


def parse_unit(text: str) -> tuple[str, str] | None:
    """The unit kind and label of a 单位 cell, or None if it is not a unit.

    The unit is free text: a known kind is recognised (%, ‰, per 10万, 1:N, counts, 是/否, 定性);
    any other unit (岁, 元, 张/千人, 小时) is a plain number with that label. A cell that is a
    number or holds a comparison sign is not a unit (a target in the wrong column)."""
    unit = re.sub(r"\s+", "", normalize(text))
    if not unit:
        return None
    if re.fullmatch(r"[\d.,]+", unit) or re.search(r"[<>=≥≤≧≦⩾⩽]", unit):
        return None
    if "定性" in unit:
        return UnitKind.QUALITATIVE, ""
    if unit in {"是/否", "是否", "是或否", "是/否(是=1)", "有/无", "有无"}:
        return UnitKind.YES_NO, ""
    if "/10万" in unit or "10万人" in unit or "/十万" in unit or "十万人" in unit or unit in {"1/10万", "每10万"}:
        return UnitKind.PER_100K, unit
    if "‰" in unit or unit in {"千分比", "千分率"}:
        return UnitKind.PER_MILLE, "‰"
    if "%" in unit or unit in {"百分比", "百分率"}:
        return UnitKind.PERCENT, "%"
    if re.fullmatch(r"1:[nNxX]|比例|比值|比|1:\d+(\.\d+)?", unit):
        return UnitKind.RATIO, ""
    if unit in COUNT_WORDS or COUNT_RE.fullmatch(unit):
        return UnitKind.COUNT, unit
    return UnitKind.NUMBER, unit


def _probe(kind: str, label: str) -> Indicator:
    return Indicator(unit_kind=kind, unit_label=label)


def parse_number(raw: Any, kind: str, label: str, column: str) -> Decimal | None:
    """A number cell checked against the unit; None when empty. Raises _CellError."""
    from indicators.services import parse_value

    text = normalize(raw).replace(",", "").replace(" ", "")
    if not text or text in EMPTY_MARKS:
        return None
    shown = normalize(raw)[:40]
    if kind == UnitKind.QUALITATIVE:
        return None
    if kind == UnitKind.YES_NO:
        if text in {"是", "否", "1", "0"}:
            return Decimal(1) if text in {"是", "1"} else Decimal(0)
        raise _CellError(gettext_lazy("%(column)s “%(value)s” must be 是 or 否") % {"column": column, "value": shown})
    sign = text[-1]
    if sign in SIGNS:
        if SIGNS[sign] != kind:
            raise _CellError(
                gettext_lazy("%(column)s “%(value)s” is given in %(sign)s but the indicator is measured in %(unit)s")
                % {"column": column, "value": shown, "sign": sign, "unit": _probe(kind, label).unit_display or label}
            )
        text = text[:-1]
    elif label and text.endswith(label) and len(text) > len(label):
        text = text[: -len(label)]
    if kind == UnitKind.RATIO and text.startswith("1:"):
        text = text[2:]
    try:
        number = Decimal(text)
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():
        raise _CellError(gettext_lazy("%(column)s “%(value)s” is not a number") % {"column": column, "value": shown})
    try:
        return parse_value(_probe(kind, label), text)
    except ValidationError as exc:
        raise _CellError(
            gettext_lazy("%(column)s “%(value)s”: %(reason)s") % {"column": column, "value": shown, "reason": " ".join(exc.messages)}
        ) from exc


def split_comparison(text: str) -> tuple[str | None, str]:
    """(the comparison or None, the rest) of a target such as "≥80%", "＞50%", "≤ 5‰", "80%以上",
    "达到90%以上", "控制在5%以内", "不低于1:4000". A sign before and a word after that contradict
    each other ("≥5%以下") give (None, the text): the number is then refused as written."""
    text = normalize(text)
    prefix = suffix = None
    rest = text
    if m := PREFIX_RE.match(rest):
        prefix, rest = m.group(1), rest[m.end() :].strip()
    if m := SUFFIX_RE.search(rest):
        suffix, rest = m.group(1), rest[: m.start()].strip()
    if prefix and suffix:
        if prefix in WEAK_PREFIXES or COMPARISON_WORDS[prefix] == COMPARISON_WORDS[suffix]:
            return COMPARISON_WORDS[suffix], rest
        return None, text
    word = prefix or suffix
    return (COMPARISON_WORDS[word] if word else None), rest


@dataclass
class VerbalTarget:
    """A target in words: relative to the baseline (``change`` % or ``points``), or judged."""

    comparison: str
    change: Decimal | None = None  # relative change in %, 0 for 逐步提高
    points: Decimal | None = None  # 提高5个百分点
    judged: bool = False


VERBAL_RE = re.compile(r"^[\u3400-\u9fff（）()、，,。；;：:\s]{2,}$")


def verbal_target(text: str) -> VerbalTarget | None:
    """What a target written in words means, or None when it is not one we read."""
    words = compact(text)
    if m := RELATIVE_RE.search(words):
        up = m.group(1) in UP_WORDS
        number = Decimal(m.group(2))
        comparison = Comparison.GTE if up else Comparison.LTE
        if m.group(3) == "%":
            return VerbalTarget(comparison, change=number if up else -number)
        return VerbalTarget(comparison, points=number if up else -number)
    if m := DIRECTION_RE.match(words):
        return VerbalTarget(Comparison.GT if m.group(2) in UP_WORDS else Comparison.LT, change=Decimal(0))
    if VERBAL_RE.match(text):
        return VerbalTarget(Comparison.GTE, judged=True)
    return None


def _parse_year(raw: Any) -> int | None:
    if isinstance(raw, (int, float)) and float(raw).is_integer() and 2000 <= int(raw) <= 2100:
        return int(raw)
    text = re.sub(r"\s+", "", normalize(raw))
    if not text:
        return None
    if m := YEAR_CELL_RE.match(text):
        return int(m.group(1))
    raise ValueError(text)


def _year_in_label(text: str) -> int | None:
    m = re.search(r"(20\d\d)\s*年", normalize(text))
    return int(m.group(1)) if m else None


def _verbal(item: ParsedIndicator, verbal: VerbalTarget, text: str, unit_text: str, column_comparison: str | None, column: str):
    """Store a target in words on ``item``: relative to its baseline, or judged (qualitative).
    Returns the warning (judged) or the problem (a relative target out of the unit's range)."""
    item.target_text = text[:MAX_TEXT]
    base = item.baseline_value
    if verbal.judged or base is None or item.unit_kind == UnitKind.RATIO:
        reason = (
            gettext_lazy("%(column)s “%(value)s” is a target in words: the indicator is kept as qualitative (unit %(unit)s), judged by the supervisor.")
            if verbal.judged or item.unit_kind == UnitKind.RATIO
            else gettext_lazy(
                "%(column)s “%(value)s” is relative to the baseline, but there is no baseline value: the indicator is kept as qualitative (unit %(unit)s), judged by the supervisor."
            )
        )
        item.unit_kind, item.unit_label = UnitKind.QUALITATIVE, unit_text[:MAX_UNIT]
        item.baseline_value, item.comparison = None, Comparison.GTE
        return reason % {"column": column, "value": text[:40], "unit": unit_text[:MAX_UNIT]}
    item.comparison = column_comparison or verbal.comparison
    if verbal.change is not None:
        item.relative_change = verbal.change
        target = base * (1 + verbal.change / 100)
    else:
        target = base + (verbal.points or 0)
    target = target.quantize(Decimal("0.0001"))
    bounds = {UnitKind.PERCENT: (0, 100), UnitKind.PER_MILLE: (0, 1000)}.get(item.unit_kind)
    if target < 0 or (bounds and not bounds[0] <= target <= bounds[1]):
        return gettext_lazy("%(column)s “%(value)s” gives %(target)s from the baseline %(base)s, outside what the unit allows") % {
            "column": column,
            "value": text[:40],
            "target": f"{target.normalize():f}",
            "base": f"{base.normalize():f}",
        }
    item.target_value = target
    return ""


def _sheet_header(sheet: Sheet) -> int | None:
    return _find_header(sheet.grid) if not sheet.is_empty else None


def read_indicator_sheet(data: bytes, filename: str = "", sheet: str = "") -> ParsedIndicatorSheet:
    """Parse an indicator sheet. Raises :class:`TableError` listing every problem found.

    ``filename`` tells a .csv from a workbook (bytes without a name must be a workbook);
    ``sheet`` names the worksheet to read (else the one holding the indicator table)."""
    sheets = load_sheets(data, filename)
    missing = Problem(
        gettext_lazy(
            "No header row found: the indicator sheet needs a row with the columns 指标名称, 单位, 基期值, 目标值, 属性 and 责任单位."
        )
    )
    chosen, header_index = choose_sheet(sheets, _sheet_header, name=sheet or None, missing=missing)
    sheet_name, grid = chosen.name, chosen.grid
    header_labels, first_data_row = _header_labels(grid, header_index)
    note = sheet_read_note(chosen, sheets)
    sheet_warnings: list[Problem] = [note] if note else []
    title = next((cell_text(v) for row in grid[:header_index] for v in row if cell_text(v)), "")
    columns: dict[str, int] = {}
    labels: dict[str, str] = {}
    header_years: dict[str, int] = {}
    year_columns: dict[int, int] = {}
    year_labels: dict[int, str] = {}
    for col, text in enumerate(header_labels):
        if not text:
            continue
        if (year := year_of(text)) is not None:
            if year not in year_columns:
                year_columns[year], year_labels[year] = col, compact(text)
            continue
        field_name = _match_header(text)
        if field_name and field_name not in columns:
            columns[field_name] = col
            labels[field_name] = ANNOTATION_RE.sub("", compact(text))
            if (year := _year_in_label(text)) is not None:
                header_years[field_name] = year  # 基期值（2020年）, 目标值（2025年）
    letters = {name: get_column_letter(col + 1) for name, col in columns.items()}
    missing = [COLUMNS[name][0] for name in REQUIRED if name not in columns]
    if missing:
        raise TableError(
            [
                Problem(
                    gettext_lazy("The header row (row %(row)d) has no column %(columns)s.")
                    % {"row": header_index + 1, "columns": "、".join(missing)}
                )
            ]
        )

    problems: list[Problem] = []
    warnings: list[Problem] = sheet_warnings
    indicators: list[ParsedIndicator] = []
    seen_codes: dict[str, int] = {}
    seen_names: dict[str, int] = {}

    def cell(row: list[Any], name: str) -> Any:
        col = columns.get(name)
        return row[col] if col is not None and col < len(row) else None

    def problem(row_number: int, name: str, message: str | Promise) -> None:
        problems.append(Problem(message=message, row=row_number, column=labels.get(name, ""), column_letter=letters.get(name, "")))

    def empty(row_number: int, name: str) -> None:
        problem(row_number, name, gettext_lazy("%(column)s is empty") % {"column": labels[name]})

    for index in range(first_data_row, len(grid)):
        row = grid[index]
        row_number = index + 1
        texts = [clean_text(v) for v in row]
        filled = [t for t in texts if t]
        if not filled:
            continue
        if len(set(filled)) == 1 and (
            len(filled) > 1 or HEADING_RE.match(filled[0]) or (not clean_text(cell(row, "name")) and not re.fullmatch(r"[\d.]+", filled[0]))
        ):
            continue  # a heading (一、…, merged across the row or alone in it) or a note
        errors_before = len(problems)

        name = clean_text(cell(row, "name"))
        if not name:
            empty(row_number, "name")
        elif len(name) > MAX_NAME:
            problem(row_number, "name", gettext_lazy("%(column)s is longer than %(max)d characters") % {"column": labels["name"], "max": MAX_NAME})
        elif name in seen_names:
            problem(
                row_number,
                "name",
                gettext_lazy("the indicator “%(name)s” is already in row %(other)d") % {"name": name, "other": seen_names[name]},
            )
        else:
            seen_names[name] = row_number

        code = cell_text(cell(row, "code"))
        if "code" in columns:
            if not code:
                empty(row_number, "code")
            elif len(code) > 20:
                problem(row_number, "code", gettext_lazy("the number %(code)s is longer than 20 characters") % {"code": code})
            elif code in seen_codes:
                problem(
                    row_number,
                    "code",
                    gettext_lazy("the number %(code)s is already used in row %(other)d") % {"code": code, "other": seen_codes[code]},
                )
            else:
                seen_codes[code] = row_number

        unit_text = clean_text(cell(row, "unit"))
        unit = parse_unit(unit_text) if unit_text else None
        if not unit_text:
            empty(row_number, "unit")
        elif unit is None:
            problem(
                row_number,
                "unit",
                gettext_lazy("%(column)s “%(value)s” is not a unit we know (e.g. %%, ‰, 个, 名/10万人口, 1:N, 是/否, 定性)")
                % {"column": labels["unit"], "value": unit_text[:30]},
            )
        elif len(unit[1]) > MAX_UNIT:
            problem(row_number, "unit", gettext_lazy("%(column)s is longer than %(max)d characters") % {"column": labels["unit"], "max": MAX_UNIT})
        kind, label = unit or ("", "")

        item = ParsedIndicator(row=row_number, code=code, name=name, unit_kind=kind, unit_label=label)
        item.definition = clean_text(cell(row, "definition"))
        item.source_clause = clean_text(cell(row, "source_clause"))
        for part in ("numerator_label", "denominator_label"):
            text = clean_text(cell(row, part))
            if len(text) > MAX_PART_LABEL:
                problem(row_number, part, gettext_lazy("%(column)s is longer than %(max)d characters") % {"column": labels[part], "max": MAX_PART_LABEL})
            setattr(item, part, text[:MAX_PART_LABEL])
        aggregation_text = re.sub(r"\s+", "", normalize(cell(row, "aggregation")))
        if aggregation_text:
            if aggregation_text in AGGREGATIONS:
                item.aggregation = AGGREGATIONS[aggregation_text]
            else:
                problem(
                    row_number,
                    "aggregation",
                    gettext_lazy("%(column)s must be 累加, 存量, 比率 or 不汇总, not “%(value)s”")
                    % {"column": labels["aggregation"], "value": aggregation_text[:20]},
                )

        # Comparison: the 比较 column, else the sign before (or the word after) the target.
        comparison_text = re.sub(r"\s+", "", normalize(cell(row, "comparison")))
        column_comparison = None
        if comparison_text:
            column_comparison = COMPARISON_WORDS.get(comparison_text)
            if column_comparison is None:
                problem(
                    row_number,
                    "comparison",
                    gettext_lazy("%(column)s must be ≥, >, ≤, < or =, not “%(value)s”")
                    % {"column": labels["comparison"], "value": comparison_text[:20]},
                )
        raw_target = cell(row, "target")
        target_text = clean_text(raw_target)
        prefix, rest = split_comparison(target_text)
        if prefix and column_comparison and prefix != column_comparison:
            problem(
                row_number,
                "target",
                gettext_lazy("%(column)s “%(value)s” contradicts the comparison %(comparison)s")
                % {"column": labels["target"], "value": target_text[:40], "comparison": comparison_text},
            )
        item.comparison = column_comparison or prefix or Comparison.GTE

        if unit is not None and kind != UnitKind.QUALITATIVE:
            try:
                item.baseline_value = parse_number(cell(row, "baseline"), kind, label, labels["baseline"])
            except _CellError as exc:
                problem(row_number, "baseline", exc.message)

        if not target_text:
            empty(row_number, "target")
        elif unit is not None:
            if kind == UnitKind.QUALITATIVE:
                if len(target_text) > MAX_TEXT:
                    problem(row_number, "target", gettext_lazy("%(column)s is longer than %(max)d characters") % {"column": labels["target"], "max": MAX_TEXT})
                item.target_text = target_text
            else:
                try:
                    item.target_value = parse_number(rest if prefix else raw_target, kind, label, labels["target"])
                except _CellError as exc:
                    verbal = verbal_target(target_text) if kind != UnitKind.YES_NO else None
                    if verbal is None:
                        problem(row_number, "target", exc.message)
                    else:
                        message = _verbal(item, verbal, target_text, unit_text, column_comparison, labels["target"])
                        if item.unit_kind == UnitKind.QUALITATIVE:
                            kind = UnitKind.QUALITATIVE  # the year cells are kept as words too
                            warnings.append(Problem(message, row=row_number, column=labels["target"], column_letter=letters["target"]))
                        elif message:
                            problem(row_number, "target", message)
                else:
                    if item.target_value is None:
                        empty(row_number, "target")

        for name_of_year, attribute in (("baseline_year", "baseline_year"), ("target_year", "target_year")):
            raw_year = cell(row, name_of_year)
            try:
                year = _parse_year(raw_year)
            except ValueError:
                problem(
                    row_number,
                    name_of_year,
                    gettext_lazy("%(column)s “%(value)s” is not a year") % {"column": labels[name_of_year], "value": normalize(raw_year)[:20]},
                )
                continue
            if year is None:
                year = header_years.get("baseline" if attribute == "baseline_year" else "target")
            setattr(item, attribute, year)

        nature_text = re.sub(r"\s+", "", normalize(cell(row, "nature")))
        if not nature_text:
            empty(row_number, "nature")
        elif nature_text not in NATURES:
            problem(
                row_number,
                "nature",
                gettext_lazy("%(column)s must be 预期性 or 约束性, not “%(value)s”") % {"column": labels["nature"], "value": nature_text[:20]},
            )
        else:
            item.nature = NATURES[nature_text]

        names, generic = split_departments(cell(row, "department"))
        if not names and not generic:
            empty(row_number, "department")
        elif not names:
            problem(
                row_number,
                "department",
                gettext_lazy("%(column)s “%(value)s” names no department") % {"column": labels["department"], "value": generic[:40]},
            )
        else:
            item.department_name = names[0]
            if len(names) > 1:
                warnings.append(
                    Problem(
                        gettext_lazy("several departments are named; the first, %(name)s, is made responsible") % {"name": names[0]},
                        row=row_number,
                        column=labels["department"],
                        column_letter=letters["department"],
                    )
                )

        for year, col in year_columns.items():
            raw = row[col] if col < len(row) else None
            text = clean_text(raw)
            if not text or normalize(text) in EMPTY_MARKS or unit is None:
                continue
            year_label = year_labels[year]
            if kind == UnitKind.QUALITATIVE:
                item.annual_targets[year] = (None, text[:MAX_TEXT])
                continue
            _sign, rest_of_year = split_comparison(text)
            try:
                value = parse_number(rest_of_year, kind, label, year_label)
            except _CellError as exc:
                if kind != UnitKind.YES_NO and verbal_target(text) is not None:
                    item.annual_targets[year] = (None, text[:MAX_TEXT])  # 逐步提高 in a year's column: kept as words
                    continue
                problems.append(Problem(exc.message, row=row_number, column=year_label, column_letter=get_column_letter(col + 1)))
                continue
            if value is not None:
                item.annual_targets[year] = (value, "")

        if len(problems) == errors_before:
            indicators.append(item)

    if not indicators and not problems:
        problems.append(Problem(gettext_lazy("The sheet has a header but no indicator rows.")))
    if problems:
        raise TableError(problems)
    return ParsedIndicatorSheet(
        title=title,
        sheet_name=sheet_name,
        indicators=indicators,
        years=sorted(year_columns),
        year_labels=year_labels,
        warnings=warnings,
        labels=labels,
        letters=letters,
    )
