"""An assessment scheme as a sheet (考核方案表): 指标 · 分值 · 评分规则 · 参数 · 数据来源, one row per item.

Read with the project's one spreadsheet reader (``common.spreadsheets``, the reader of the plan
import in ``tasks/``): .xlsx, .xls or .csv, any sheet holding the header. The import is all or
nothing: every problem of every row is listed (``TableError``) and nothing changes; when the table
is clean, the scheme's items are replaced by the sheet's in one transaction. Writing produces the
same layout, so that an exported scheme reads back unchanged.

- 指标: an indicator of the plan (its code, or code and name as exported), one of the items computed
  from the tracked data (重点任务完成率, 进度报告按时报送率, 督办通知按时回复率, or their English
  names), or — for judged, bonus, deduction and veto items — the item's own title;
- 分值: the points (a bonus or deduction item: its cap; a veto: 0 or empty);
- 评分规则: one of the words in ``RULE_WORDS`` (or the rule's code);
- 参数: ``assessment.params`` (参考值=90; 分档=90:1,80:0.5; …);
- 数据来源: free text.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assessment.models import AssessmentScheme, SchemeItem
from assessment.selectors import item_params
from audit.services import audit_record
from common.exports import xlsx_bytes
from common.spreadsheets import Problem, TableError, cell_text, choose_sheet, compact, load_sheets

HEADERS = {"指标": "item", "考核指标": "item", "分值": "weight", "评分规则": "rule", "计分规则": "rule", "参数": "params", "数据来源": "source"}
COLUMNS = ["指标", "分值", "评分规则", "参数", "数据来源"]
RULE_WORDS = {
    SchemeItem.Rule.TARGET: "对标计分",
    SchemeItem.Rule.PROPORTIONAL: "比例计分封顶",
    SchemeItem.Rule.THRESHOLD: "达标计分",
    SchemeItem.Rule.STEPPED: "分档计分",
    SchemeItem.Rule.BANDED: "分位段计分",
    SchemeItem.Rule.YES_NO: "是否达标",
    SchemeItem.Rule.JUDGED: "现场评定",
    SchemeItem.Rule.BONUS: "加分",
    SchemeItem.Rule.DEDUCTION: "扣分",
    SchemeItem.Rule.VETO: "一票否决",
}
KIND_WORDS = {
    SchemeItem.Kind.TASK_COMPLETION: "重点任务完成率",
    SchemeItem.Kind.TIMELINESS: "进度报告按时报送率",
    SchemeItem.Kind.NOTICES_ON_TIME: "督办通知按时回复率",
}
MAX_ROWS = 200


def _item_name(item: SchemeItem) -> str:
    if item.kind in KIND_WORDS:
        return KIND_WORDS[item.kind]
    return item.label


def write_scheme_sheet(scheme: AssessmentScheme) -> bytes:
    rows: list[list] = [COLUMNS]
    for item in scheme.items.select_related("indicator").order_by("position", "pk"):
        rows.append([_item_name(item), item.weight, RULE_WORDS[item.rule], item_params(item), item.source])
    return xlsx_bytes(rows, title="考核方案")


def _header(sheet) -> tuple[int, dict[str, int]] | None:
    for index, row in enumerate(sheet.grid[:20]):
        found = {}
        for col, value in enumerate(row):
            key = HEADERS.get(compact(cell_text(value)))
            if key and key not in found:
                found[key] = col
        if {"item", "weight", "rule"} <= found.keys():
            return index, found
    return None


def _kind_of(text: str) -> str | None:
    key = compact(text)
    for kind, word in KIND_WORDS.items():
        if key in (word, kind):
            return kind
    for kind in KIND_WORDS:
        for language in ("en", "zh-hans"):
            with translation.override(language):
                if key == compact(str(SchemeItem.Kind(kind).label)):
                    return kind
    return None


def _rule_of(text: str) -> str | None:
    key = compact(text)
    for rule, word in RULE_WORDS.items():
        if key in (word, rule):
            return rule
    return None


def read_scheme_sheet(scheme: AssessmentScheme, data: bytes, filename: str = "") -> tuple[list[dict], list[Problem]]:
    """The items of the sheet as keyword arguments of ``services._clean_item``, and the problems of
    the rows that could not be read (an unreadable file or no header: TableError)."""
    sheets = load_sheets(data, filename)
    missing = Problem(gettext_lazy("No header row found: the scheme sheet needs the columns 指标, 分值 and 评分规则."))
    chosen, (header_index, columns) = choose_sheet(sheets, _header, missing=missing)
    indicators = list(scheme.plan.indicators.all())
    by_code = {compact(i.code): i for i in indicators}
    by_label = {compact(f"{i.code} {i.name}"): i for i in indicators} | {compact(i.name): i for i in indicators}
    problems: list[Problem] = []
    parsed: list[dict] = []
    body = chosen.grid[header_index + 1 :]
    if len(body) > MAX_ROWS:
        raise TableError([Problem(gettext_lazy("The scheme has more than %(count)d rows.") % {"count": MAX_ROWS})])
    for offset, row in enumerate(body):
        number = header_index + 2 + offset

        def text(key: str, row=row) -> str:
            col = columns.get(key)
            return cell_text(row[col]) if col is not None and col < len(row) else ""

        name, weight_text, rule_text = text("item"), text("weight"), text("rule")
        if not (name or weight_text or rule_text or text("params")):
            continue
        rule = _rule_of(rule_text)
        if rule is None:
            problems.append(Problem(_("Unknown scoring rule “%(rule)s”: use one of %(rules)s.") % {"rule": rule_text, "rules": "、".join(RULE_WORDS.values())}, row=number))
            continue
        if not name:
            problems.append(Problem(_("The item has no name."), row=number))
            continue
        try:
            weight = Decimal(weight_text) if weight_text else (Decimal(0) if rule == SchemeItem.Rule.VETO else None)
        except InvalidOperation:
            weight = None
        if weight is None:
            problems.append(Problem(_("The points “%(value)s” are not a number.") % {"value": weight_text}, row=number))
            continue
        indicator = by_label.get(compact(name)) or by_code.get(compact(name.split(" ")[0]))
        kind = _kind_of(name)
        if indicator is not None and rule not in SchemeItem.NOT_IN_TOTAL and rule != SchemeItem.Rule.JUDGED:
            values = {"kind": SchemeItem.Kind.INDICATOR, "indicator": indicator, "title": ""}
        elif kind is not None:
            values = {"kind": kind, "indicator": None, "title": ""}
        elif rule in SchemeItem.NOT_IN_TOTAL or rule == SchemeItem.Rule.JUDGED:
            values = {"kind": SchemeItem.Kind.OTHER, "indicator": None, "title": name}
        else:
            problems.append(Problem(_("“%(name)s” is no indicator of the plan nor an item computed from the tracked data.") % {"name": name}, row=number))
            continue
        parsed.append({**values, "weight": weight, "rule": rule, "params_text": text("params"), "source": text("source"), "row": number})
    if not parsed and not problems:
        problems.append(Problem(gettext_lazy("The sheet lists no item.")))
    return parsed, problems


@transaction.atomic
def scheme_import(*, scheme: AssessmentScheme, data: bytes, filename: str = "", user) -> list[SchemeItem]:
    """Replace the scheme's items by the sheet's, all or nothing (TableError lists every problem)."""
    from assessment import services

    scheme = services._locked(scheme)
    parsed, problems = read_scheme_sheet(scheme, data, filename)
    scheme.items.all().delete()
    created: list[SchemeItem] = []
    for position, row in enumerate(parsed, start=1):
        number = row.pop("row")
        try:
            values = services._clean_item(scheme, reference=None, floor_share=None, **row)
        except ValidationError as exc:
            messages = exc.messages
            problems.extend(Problem(message, row=number) for message in messages)
            continue
        created.append(SchemeItem.objects.create(scheme=scheme, position=position, **values))
    problems.sort(key=lambda problem: problem.row or 0)
    if not problems:
        try:
            services.check_weights(created, scheme.total_points)
        except ValidationError as exc:
            problems.extend(Problem(message) for message in exc.messages)
    if problems:
        raise TableError(problems)  # the transaction rolls back: the old items stay
    services._back_to_draft(scheme, user)
    audit_record(subject=scheme, actor=user, action="import", comment=filename, data={"items": len(created)})
    return created
