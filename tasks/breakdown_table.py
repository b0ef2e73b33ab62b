"""任务分工表: read and write the Excel task breakdown table that governments circulate.

Reading turns a workbook into plain data (:class:`ParsedTable`) and a list of problems, each
with its row and column; it touches no database. Matching departments and saving is
``tasks.services.plan_import``. Writing produces the same layout, so that importing an export
reproduces the plan.

Accepted shapes (all seen in real tables):
- one or two title rows ("XX市精神卫生工作任务分工表") above the header row;
- header synonyms: 具体内容 / 工作措施 / 主要内容, 牵头单位 / 牵头部门 / 责任单位 …, annotations such as
  "牵头单位（排在首位的为主要牵头单位）";
- optional 章节 column, yearly target columns (2021年 … 2025年, also under a merged "年度目标" header);
- section rows ("一、完善服务体系" spanning the whole row) between tasks;
- merged cells spanning several rows (the value applies to each row; a 序号 merged over several
  rows gives each row its own task numbered 3.1, 3.2 …);
- several departments in one cell separated by 、，,；; or new lines (outside brackets only), kept
  verbatim; generic names (各区县人民政府, 各县（市、区）人民政府) kept whole as text;
- .xlsx, .xls or .csv; the table on any worksheet; a one- or two-row header (责任单位 over
  牵头单位 | 配合单位) anywhere in the first 15 rows;
- deadlines as real dates, "2025年底前", "2023年6月底前", "2021—2025年", "至2020年", "2019年底前(完成试点)",
  "长期坚持", "每年", "每季度"; other text (试点验收前) kept and the task flagged as needing a date.
"""

from __future__ import annotations

import calendar
import datetime
import io
import re
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from common.exports import neutralise_sheet
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
    year_of,
)

# Header labels, by the field they fill. The first label is the one we write.
COLUMNS: dict[str, tuple[str, ...]] = {
    "code": ("序号", "编号", "任务编号"),
    "section": ("章节", "所属章节", "规划章节", "任务类别"),
    "title": ("重点任务", "任务名称", "主要任务", "工作任务", "重点工作", "议定事项", "会议议定事项"),
    "content": ("具体内容", "工作措施", "主要内容", "任务内容", "具体措施", "工作内容"),
    "lead": ("牵头单位", "牵头部门", "责任单位", "责任部门", "主责单位", "主责部门", "牵头责任单位", "主要责任单位"),
    "cooperating": ("配合单位", "配合部门", "协同单位", "参与单位", "协办单位", "协办部门", "参与部门", "配合责任单位"),
    "deadline": ("完成时限", "完成时间", "时间节点", "时限要求", "完成期限", "时间安排"),
    "start": ("开始时间", "起始时间"),
    "cadence": ("报告周期", "填报周期", "报送频次"),
    "milestones": ("阶段节点", "里程碑", "节点目标"),
    "source_clause": ("规划条款", "规划依据", "对应条款", "政策依据"),
}
YEARLY_GROUP_LABELS = ("年度目标", "分年度目标", "年度任务", "分年度任务")
REQUIRED = ("lead",)

CADENCE_WORDS = {
    "月": "monthly",
    "月度": "monthly",
    "每月": "monthly",
    "季": "quarterly",
    "季度": "quarterly",
    "每季度": "quarterly",
    "半年": "half_yearly",
    "每半年": "half_yearly",
    "年": "yearly",
    "年度": "yearly",
    "每年": "yearly",
}
CADENCE_LABELS = {"monthly": "月度", "quarterly": "季度", "half_yearly": "半年", "yearly": "年度"}

ONGOING_WORDS = ("长期坚持", "持续推进", "持续开展", "长期", "常态化", "持续")
RECURRING = {"每月": "monthly", "每季度": "quarterly", "每半年": "half_yearly", "每年": "yearly"}

CN_NUMERAL = "一二三四五六七八九十"
CHAPTER_RE = re.compile(rf"^([{CN_NUMERAL}]+)\s*[、.．]\s*(.+)$", re.S)
SECTION_RE = re.compile(rf"^[（(]\s*([{CN_NUMERAL}]+)\s*[)）]\s*(.+)$", re.S)
DEPARTMENT_SPLIT_RE = re.compile(r"[、，,；;\n/／\s]+")
ANNOTATION_RE = re.compile(r"[（(][^（）()]*[)）]")
GENERIC_DEPARTMENT_RE = re.compile(r"^各|相关部门$|有关部门$|相关单位$|有关单位$|成员单位$")
SEPARATOR = " / "

MAX_TITLE = 300
MAX_DEPARTMENT = 100


@dataclass
class CellSplit:
    """How a department cell was split: the names (verbatim, whitespace normalised only), the
    generic parts (各县（市、区）人民政府, 各相关部门) and whether the reader is unsure, in which case
    the preview asks the administrator to check (and may correct) the split."""

    text: str  # the cell as written
    names: list[str] = field(default_factory=list)
    generic: list[str] = field(default_factory=list)
    cooperating: list[str] = field(default_factory=list)  # names marked （配合） in a lead cell
    unsure: bool = False
    corrected: bool = False

    @property
    def pieces(self) -> list[str]:
        return [*self.names, *self.generic, *self.cooperating]

    @property
    def editable(self) -> str:
        """The split as the preview's correction form shows it: one name a line, （配合） kept."""
        return "\n".join([*self.names, *self.generic, *[f"{name}（配合）" for name in self.cooperating]])


@dataclass
class ParsedMilestone:
    title: str
    due_date: datetime.date
    evidence_required: str = ""


@dataclass
class ParsedTask:
    row: int
    code: str
    title: str
    content: str = ""
    section_path: list[tuple[str, str]] = field(default_factory=list)  # [(code, title), …] from chapter down
    lead_names: list[str] = field(default_factory=list)
    lead_text: str = ""
    cooperating_names: list[str] = field(default_factory=list)
    cooperating_text: str = ""
    deadline_text: str = ""
    start_date: datetime.date | None = None
    due_date: datetime.date | None = None  # None: the plan's last day
    is_ongoing: bool = False
    cadence: str = ""  # "" = the default (quarterly)
    annual_targets: dict[int, str] = field(default_factory=dict)
    milestones: list[ParsedMilestone] = field(default_factory=list)
    source_clause: str = ""
    columns: dict[str, str] = field(default_factory=dict)  # field → column letter, for messages
    deadline_undated: bool = False  # the 完成时限 is text no date can be read from (试点验收前): to be dated later
    splits: dict[str, CellSplit] = field(default_factory=dict)  # "lead"/"cooperating" → how the cell was split


@dataclass
class ParsedTable:
    title: str
    sheet_name: str
    tasks: list[ParsedTask]
    years: list[int]
    warnings: list[Problem] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict)  # field → header label as written
    sheets: list[str] = field(default_factory=list)  # every sheet of the workbook
    header_rows: int = 1





# --- deadlines -----------------------------------------------------------------------------


def _end_of_month(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


@dataclass
class Deadline:
    due_date: datetime.date | None
    start_date: datetime.date | None = None
    is_ongoing: bool = False
    cadence: str = ""
    note: str = ""  # the bracketed note after a date, e.g. 完成试点 in 2019年底前(完成试点)


_LEADING_WORDS_RE = re.compile(r"^(?:截至|截止到|截止|至|到|于|在)(?=20\d\d)")
_NOTE_RE = re.compile(r"^(?P<when>.+?)[(\[【](?P<note>[^()\[\]【】]*)[)\]】]$")
_DATE_RE = re.compile(r"^(20\d\d)[-/.年](\d{1,2})(?:[-/.月](\d{1,2})日?)?(?:月)?(?:底|末)?(?:前|以前|之前)?$")
_YEAR_RE = re.compile(r"^(20\d\d)年?(?:底|末|年底|年末)?(?:前|以前|之前)?(?:完成)?$")
_HALF_RE = re.compile(r"^(20\d\d)年?(上|下)半年(?:前|以前|之前)?(?:完成)?$")
_QUARTER_RE = re.compile(r"^(20\d\d)年?(?:第)?([一二三四1-4])季度(?:末)?(?:前|以前|之前)?(?:完成)?$")
_RANGE_RE = re.compile(r"^(20\d\d)年?\s*[-—–~～至到]+\s*(20\d\d)年?(?:底|末)?(?:前)?$")


def parse_deadline(value: Any) -> Deadline:
    """A 完成时限 cell as dates. Raises ValueError when the text says no date we know."""
    if isinstance(value, datetime.datetime):
        return Deadline(due_date=value.date())
    if isinstance(value, datetime.date):
        return Deadline(due_date=value)
    text = compact(value)
    if not text:
        return Deadline(due_date=None)
    if m := _NOTE_RE.match(text):
        deadline = parse_deadline(m.group("when"))
        deadline.note = m.group("note")
        return deadline
    text = _LEADING_WORDS_RE.sub("", text)
    for word, cadence in RECURRING.items():
        if text.startswith(word):
            return Deadline(due_date=None, is_ongoing=True, cadence=cadence)
    if any(text.startswith(word) for word in ONGOING_WORDS):
        return Deadline(due_date=None, is_ongoing=True)
    if m := _RANGE_RE.match(text):
        first, last = int(m.group(1)), int(m.group(2))
        if last < first:
            raise ValueError(text)
        return Deadline(start_date=datetime.date(first, 1, 1), due_date=datetime.date(last, 12, 31))
    if m := _YEAR_RE.match(text):
        return Deadline(due_date=datetime.date(int(m.group(1)), 12, 31))
    if m := _HALF_RE.match(text):
        year = int(m.group(1))
        return Deadline(due_date=_end_of_month(year, 6 if m.group(2) == "上" else 12))
    if m := _QUARTER_RE.match(text):
        quarter = "一二三四".find(m.group(2)) + 1 or int(m.group(2))
        return Deadline(due_date=_end_of_month(int(m.group(1)), quarter * 3))
    if m := _DATE_RE.match(text):
        year, month = int(m.group(1)), int(m.group(2))
        if not 1 <= month <= 12:
            raise ValueError(text)
        if m.group(3):
            return Deadline(due_date=datetime.date(year, month, int(m.group(3))))
        return Deadline(due_date=_end_of_month(year, month))
    raise ValueError(text)


def format_date(value: datetime.date) -> str:
    return f"{value.year}年{value.month}月{value.day}日"


# --- departments ---------------------------------------------------------------------------


OPEN_BRACKETS, CLOSE_BRACKETS = "（(【[〔", "）)】]〕"
LIST_SEPARATORS = "、，,；;\n/／"
# Annotations, not names: （牵头）, （配合）, （排名第一为牵头单位）, （排在首位的为主要牵头单位） …
ROLE_ANNOTATION_RE = re.compile(
    r"[（(【\[]\s*(?P<word>牵头(?:单位|部门)?|主责|负责|配合(?:单位|部门)?|协办|参与|协同"
    r"|(?:排名|排在|列)(?:第一|首位|第1)[^）)】\]]*|按职责分工负责|按职责负责|分别负责)\s*[）)】\]]\s*$"
)
COOPERATING_WORDS = ("配合", "协办", "参与", "协同")
# A department or unit name ends like this (局, 委, 办公室, 人民政府, 中心 …).
NAME_END_RE = re.compile(r"[局委办厅院会部心府司团站所处室社行组队馆校署台联协盟科]$")
# A place word before a space (市 民政局, 示范市 卫健委): part of the name, not a name on its own.
PLACE_RE = re.compile(r"^(?:.{0,8}?)(?:省|市|州|盟|县|区|旗|镇|乡|街道)$")
CJK_SPACE_RE = re.compile(r"(?<=[^\x00-\x7f])\s+|\s+(?=[^\x00-\x7f])")


def tidy_name(text: str) -> str:
    """Whitespace normalised only: none between Chinese characters (市 民政局 → 市民政局), single
    spaces elsewhere. Nothing else of the name changes."""
    return re.sub(r"\s+", " ", CJK_SPACE_RE.sub("", text)).strip()


def _pieces_at_depth_zero(text: str) -> tuple[list[tuple[str, str]], bool]:
    """``text`` cut at the list separators outside brackets: [(piece, separator before it)], and
    whether the brackets were unbalanced."""
    pieces: list[tuple[str, str]] = []
    depth, current, separator = 0, "", ""
    unbalanced = False
    for char in text:
        if char in OPEN_BRACKETS:
            depth += 1
        elif char in CLOSE_BRACKETS:
            if depth == 0:
                unbalanced = True
            depth = max(depth - 1, 0)
        if depth == 0 and char in LIST_SEPARATORS:
            pieces.append((current, separator))
            current, separator = "", char
            continue
        current += char
    pieces.append((current, separator))
    return pieces, unbalanced or depth != 0


def _split_on_spaces(piece: str) -> tuple[list[str], bool]:
    """A piece with spaces outside brackets: several names only where every part looks like a
    whole name (民政局 财政局); a place word (市 民政局) is joined to what follows. Returns the
    parts and whether the reader is unsure."""
    words, depth, current = [], 0, ""
    for char in piece:
        if char in OPEN_BRACKETS:
            depth += 1
        elif char in CLOSE_BRACKETS:
            depth = max(depth - 1, 0)
        if depth == 0 and char.isspace():
            if current:
                words.append(current)
            current = ""
            continue
        current += char
    if current:
        words.append(current)
    if len(words) <= 1:
        return [piece], False
    # A place word (市, 示范市) belongs to the word after it: 市 民政局 is one name.
    merged: list[str] = []
    carry = ""
    for word in words:
        word = f"{carry} {word}" if carry else word
        carry = ""
        if PLACE_RE.match(word) and not NAME_END_RE.search(word):
            carry = word
            continue
        merged.append(word)
    if carry:
        merged.append(carry)
    parts: list[str] = []
    unsure = False
    for word in merged:
        if parts and not (_looks_like_name(parts[-1]) and _looks_like_name(word)):
            parts[-1] += " " + word  # not two whole names: kept together, and the preview asks
            unsure = True
            continue
        parts.append(word)
    return parts, unsure


def _bare(name: str) -> str:
    """The name without trailing annotations: what _looks_like_name judges."""
    while (m := ROLE_ANNOTATION_RE.search(name)) is not None:
        name = name[: m.start()].rstrip()
    return name.removesuffix("等")


def _looks_like_name(text: str) -> bool:
    bare = _bare(text)
    return len(compact(bare)) >= 2 and (NAME_END_RE.search(bare) is not None or GENERIC_DEPARTMENT_RE.search(compact(bare)) is not None)


def _is_generic(name: str) -> bool:
    return GENERIC_DEPARTMENT_RE.search(compact(name)) is not None


def split_cell(value: Any) -> CellSplit:
    """A department cell as a list of names, verbatim.

    Split on 、，,；; / and new lines only outside brackets (各县（市、区）人民政府 stays whole), and
    on spaces only between whole names; a piece that is not a name on its own (a lone 市) stays
    joined to its neighbour and the split is marked unsure. Role annotations such as （牵头）,
    （配合）, （排名第一为牵头单位） are taken off; any other bracketed part belongs to the name.
    """
    text = clean_text(value)
    result = CellSplit(text=text)
    if not text:
        return result
    pieces, unbalanced = _pieces_at_depth_zero(text)
    result.unsure = unbalanced
    joined: list[str] = []
    pending = ""
    for piece, separator in pieces:
        piece = piece.strip()
        if not piece:
            continue
        if pending:
            piece = pending + separator + piece
            pending = ""
        if len(compact(_bare(piece))) <= 1 or (PLACE_RE.match(_bare(piece)) and not NAME_END_RE.search(piece)):
            pending = piece  # 市、县卫生健康委: 市 is no name on its own
            result.unsure = True
            continue
        joined.append(piece)
    if pending:
        joined.append(pending)  # kept as written; the split is already marked unsure
    for piece in joined:
        parts, unsure = _split_on_spaces(piece)
        result.unsure = result.unsure or unsure
        for part in parts:
            role = ""
            name = part
            while (m := ROLE_ANNOTATION_RE.search(name)) is not None:
                if any(word in m.group("word") for word in COOPERATING_WORDS):
                    role = "cooperating"
                name = name[: m.start()].rstrip()
            name = tidy_name(name.removesuffix("等").rstrip())
            if not name:
                continue
            if _is_generic(name):
                target = result.generic
            elif role == "cooperating":
                target = result.cooperating
            else:
                target = result.names
            if name not in target:
                target.append(name)
    return result


def split_from_correction(text: str, pieces: list[str]) -> tuple[CellSplit, list[str]]:
    """The administrator's split of a cell: each piece must be written in the cell (verbatim,
    whitespace aside). Returns the split and the pieces that are not in the cell."""
    squeezed = re.sub(r"\s+", "", text)
    result = CellSplit(text=text, corrected=True)
    wrong = []
    for piece in pieces:
        name, role = piece.strip(), ""
        while (m := ROLE_ANNOTATION_RE.search(name)) is not None:
            role = "cooperating" if any(word in m.group("word") for word in COOPERATING_WORDS) else role
            name = name[: m.start()].rstrip()
        name = tidy_name(name)
        if not name:
            continue
        if re.sub(r"\s+", "", name) not in squeezed:
            wrong.append(piece)
            continue
        target = result.generic if _is_generic(name) else result.cooperating if role else result.names
        if name not in target:
            target.append(name)
    return result, wrong


def split_departments(value: Any) -> tuple[list[str], str]:
    """A department cell as (named departments in order, generic text such as 各相关部门)."""
    split = split_cell(value)
    return [*split.names, *split.cooperating], "、".join(split.generic)


# --- reading -------------------------------------------------------------------------------


def _match_header(text: str) -> str | None:
    label = ANNOTATION_RE.sub("", compact(text))
    for field_name, labels in COLUMNS.items():
        if any(label == candidate or (label.startswith(candidate) and len(label) <= len(candidate) + 4) for candidate in labels):
            return field_name
    return None


def _is_header_label(text: str) -> bool:
    return bool(text) and (
        _match_header(text) is not None
        or year_of(text) is not None
        or ANNOTATION_RE.sub("", compact(text)) in YEARLY_GROUP_LABELS
    )


def _is_subheader(top: list[Any], sub: list[Any]) -> bool:
    """Whether ``sub`` is the second row of a two-row header: every cell in it is either the
    top cell merged down (完成时限 over two rows) or a header label of its own (牵头单位 | 配合单位
    under 责任单位, 2021年 … under 年度目标), and at least one is such a label."""
    if sum(_is_header_label(cell_text(v)) for v in dict.fromkeys(cell_text(v) for v in top)) < 2:
        return False  # the row above is a title, not the top of a header
    labelled = False
    for col, value in enumerate(sub):
        text = cell_text(value)
        if not text:
            continue
        above = cell_text(top[col]) if col < len(top) else ""
        if text == above:
            continue
        if not _is_header_label(text):
            return False
        labelled = True
    return labelled


def _header_labels(grid: list[list[Any]], index: int, rows: int) -> list[str]:
    """The header label of each column: the lower row's where it has its own, else the top row's."""
    top = grid[index]
    if rows == 1:
        return [cell_text(v) for v in top]
    sub = grid[index + 1]
    labels = []
    for col in range(max(len(top), len(sub))):
        above = cell_text(top[col]) if col < len(top) else ""
        below = cell_text(sub[col]) if col < len(sub) else ""
        labels.append(below if below and below != above else above)
    return labels


def _find_header(grid: list[list[Any]]) -> tuple[int, int] | None:
    """(index of the header row, 1 or 2 header rows), looking in the first 15 rows."""
    for index, row in enumerate(grid[:15]):
        rows = 2 if index + 1 < len(grid) and _is_subheader(row, grid[index + 1]) else 1
        fields = {_match_header(text) for text in _header_labels(grid, index, rows) if text}
        if rows == 2:
            fields |= {_match_header(cell_text(v)) for v in row if cell_text(v)}
        if "lead" in fields and ({"title", "content"} & fields):
            return index, rows
    return None


def _sheet_header(sheet: Sheet) -> tuple[int, int] | None:
    return _find_header(sheet.grid) if not sheet.is_empty else None


def read_breakdown_table(
    data: bytes, filename: str = "", *, sheet: str | None = None, splits: dict[str, list[str]] | None = None
) -> ParsedTable:
    """Parse a task breakdown table (.xlsx, .xls or .csv). Raises :class:`TableError` listing every
    problem found.

    Every worksheet is searched for the table; ``sheet`` names the one to use. ``splits``
    corrects how department cells are split: {"<row>:lead" or "<row>:cooperating": [names]}.
    """
    if not data:
        raise TableError([Problem(gettext_lazy("The file is empty."))])
    sheets = load_sheets(data, filename)
    missing = Problem(
        gettext_lazy("No header row found: the table needs a row with the columns 重点任务 (or 具体内容) and 牵头单位.")
    )
    chosen, (header_index, header_rows) = choose_sheet(sheets, _sheet_header, name=sheet, missing=missing)
    sheet_name, grid, spans = chosen.name, chosen.grid, chosen.spans
    splits = splits or {}

    table_title = next((cell_text(v) for row in grid[:header_index] for v in row if cell_text(v)), "")
    header = _header_labels(grid, header_index, header_rows)
    columns: dict[str, int] = {}
    labels: dict[str, str] = {}
    year_columns: dict[int, int] = {}
    problems: list[Problem] = []
    group_columns: list[int] = []
    for col, text in enumerate(header):
        if not text:
            continue
        if (year := year_of(text)) is not None:
            year_columns.setdefault(year, col)
            continue
        if ANNOTATION_RE.sub("", compact(text)) in YEARLY_GROUP_LABELS:
            group_columns.append(col)
            continue
        field_name = _match_header(text)
        if field_name and field_name not in columns:
            columns[field_name] = col
            labels[field_name] = ANNOTATION_RE.sub("", compact(text))
    first_data = header_index + header_rows
    # A merged "年度目标" header with the years in the row below it (a header read as one row).
    if group_columns and first_data < len(grid):
        for col in group_columns:
            if (year := year_of(cell_text(grid[first_data][col]))) is not None:
                year_columns.setdefault(year, col)
        if year_columns:
            first_data += 1

    tasks: list[ParsedTask] = []
    warnings: list[Problem] = []
    chapter: tuple[str, str] | None = None
    section: tuple[str, str] | None = None
    merged_code_counter: dict[tuple[int, str], int] = {}
    seen_codes: dict[str, int] = {}
    code_col = columns.get("code")

    def cell(row: list[Any], name: str) -> Any:
        col = columns.get(name)
        return row[col] if col is not None and col < len(row) else None

    def letter(name: str) -> str:
        return get_column_letter(columns[name] + 1) if name in columns else ""

    def problem(row_number: int, name: str, message: str | Promise) -> Problem:
        return Problem(message=message, row=row_number, column=labels.get(name, ""), column_letter=letter(name))

    for index in range(first_data, len(grid)):
        row = grid[index]
        row_number = index + 1
        texts = [clean_text(v) for v in row]
        distinct = {t for t in texts if t}
        if not distinct:
            continue
        if _match_header(cell_text(cell(row, "lead"))) is not None and sum(_is_header_label(t) for t in distinct) >= 2:
            warnings.append(Problem(gettext_lazy("This row repeats the header and is not imported."), row=row_number))
            continue
        only = next(iter(distinct)) if len(distinct) == 1 else None
        code_text = cell_text(cell(row, "code"))
        if only is not None or (
            code_text and re.fullmatch(rf"[{CN_NUMERAL}]+|[（(][{CN_NUMERAL}]+[)）]", code_text)
            and not cell_text(cell(row, "lead"))
        ):
            heading = only if only is not None else " ".join(t for t in texts if t)
            heading = re.sub(rf"^([{CN_NUMERAL}]+)\s+", r"\1、", heading)
            if m := CHAPTER_RE.match(heading):
                chapter, section = (f"{m.group(1)}、", m.group(2).strip()), None
                continue
            if m := SECTION_RE.match(heading):
                section = (f"（{m.group(1)}）", m.group(2).strip())
                continue
            if only is not None and re.match(r"^(注|备注|说明)[:：]", only):
                continue
            if only is not None and code_col is not None and texts[code_col] == only:
                pass  # a task row with nothing but a number: reported below as missing fields
            elif only is not None:
                problems.append(
                    Problem(
                        gettext_lazy("This row has a single value and is neither a chapter heading (一、…) nor a section heading (（一）…)."),
                        row=row_number,
                    )
                )
                continue

        # The code: merged over several rows → one task per row, numbered 3.1, 3.2 …
        code = code_text
        if code_col is not None and (span := spans.get((index, code_col))):
            key = (code_col, code)
            merged_code_counter[key] = merged_code_counter.get(key, 0) + 1
            if span > 1 and code:
                code = f"{code}.{merged_code_counter[key]}"
        if not code:
            if code_col is not None:
                problems.append(problem(row_number, "code", gettext_lazy("%(column)s is empty") % {"column": labels["code"]}))
                continue
            code = str(len(tasks) + 1)
        if len(code) > 20:
            problems.append(problem(row_number, "code", gettext_lazy("the number %(code)s is longer than 20 characters") % {"code": code}))
            continue
        if code in seen_codes:
            problems.append(
                problem(
                    row_number,
                    "code",
                    gettext_lazy("the number %(code)s is already used in row %(other)d") % {"code": code, "other": seen_codes[code]},
                )
            )  # and the rest of the row is still checked, so every problem is reported at once
        else:
            seen_codes[code] = row_number

        task = ParsedTask(row=row_number, code=code, title="")
        task.columns = {name: letter(name) for name in columns}
        title = clean_text(cell(row, "title"))
        content = clean_text(cell(row, "content"))
        if not title and content:
            title = re.split(r"[。；;]", content, maxsplit=1)[0][:60]
        if not title:
            label = labels.get("title") or labels.get("content", "")
            problems.append(problem(row_number, "title" if "title" in columns else "content", gettext_lazy("%(column)s is empty") % {"column": label}))
        elif len(title) > MAX_TITLE:
            problems.append(problem(row_number, "title", gettext_lazy("%(column)s is longer than %(max)d characters") % {"column": labels.get("title", ""), "max": MAX_TITLE}))
        task.title, task.content = title, content if content != title else ""

        # Sections: a 章节 column wins over section rows above.
        section_text = clean_text(cell(row, "section"))
        if section_text:
            task.section_path = _parse_section_path(section_text)
        else:
            task.section_path = [part for part in (chapter, section) if part]

        for name in ("lead", "cooperating"):
            raw = cell(row, name)
            key = f"{row_number}:{name}"
            if key in splits:
                split, wrong = split_from_correction(clean_text(raw), splits[key])
                for piece in wrong:
                    problems.append(
                        problem(
                            row_number,
                            name,
                            gettext_lazy("the corrected name “%(name)s” is not written in the cell “%(cell)s”")
                            % {"name": piece, "cell": clean_text(raw)},
                        )
                    )
            else:
                split = split_cell(raw)
                if split.unsure:
                    warnings.append(
                        problem(
                            row_number,
                            name,
                            gettext_lazy("check how the cell “%(cell)s” is split into names: read as %(names)s")
                            % {"cell": split.text, "names": " | ".join(split.pieces)},
                        )
                    )
            task.splits[name] = split
        lead, cooperating = task.splits["lead"], task.splits["cooperating"]
        task.lead_names, task.lead_text = list(lead.names), "、".join(lead.generic)
        if not task.lead_names and not task.lead_text:
            task.lead_names = list(lead.cooperating)  # every name marked （配合）: still the ones answerable
            lead.names, lead.cooperating = lead.cooperating, []
        if not task.lead_names and not task.lead_text:
            problems.append(problem(row_number, "lead", gettext_lazy("%(column)s is empty") % {"column": labels["lead"]}))
        task.cooperating_names = [n for n in [*lead.cooperating, *cooperating.names] if n not in task.lead_names]
        task.cooperating_names = list(dict.fromkeys(task.cooperating_names))
        task.cooperating_text = "、".join(cooperating.generic)
        for name in task.lead_names + task.cooperating_names:
            if len(name) > MAX_DEPARTMENT:
                problems.append(problem(row_number, "lead", gettext_lazy("the department name %(name)s is too long") % {"name": name[:30] + "…"}))

        raw_deadline = cell(row, "deadline")
        as_written = "" if isinstance(raw_deadline, datetime.date) else clean_text(raw_deadline)
        task.deadline_text = as_written
        try:
            deadline = parse_deadline(raw_deadline)
        except ValueError:
            # Text no date can be read from (试点验收前): kept as written, the task marked to be dated later.
            task.deadline_undated = True
            warnings.append(
                problem(
                    row_number,
                    "deadline",
                    gettext_lazy("%(column)s “%(value)s” gives no date: imported as written, and the task is marked “needs a date” for a supervisor to date later")
                    % {"column": labels["deadline"], "value": as_written},
                )
            )
        else:
            task.due_date, task.start_date = deadline.due_date, deadline.start_date
            task.is_ongoing, task.cadence = deadline.is_ongoing, deadline.cadence
            if deadline.due_date is None and not deadline.is_ongoing:
                if "deadline" in columns:  # refused only when the cell is empty
                    problems.append(problem(row_number, "deadline", gettext_lazy("%(column)s is empty") % {"column": labels["deadline"]}))
                else:
                    warnings.append(Problem(gettext_lazy("no deadline: the end of the plan period is used"), row=row_number))
        raw_start = cell(row, "start")
        if cell_text(raw_start):
            try:
                task.start_date = parse_deadline(raw_start).due_date if isinstance(raw_start, datetime.date) else _parse_exact_date(raw_start)
            except ValueError:
                problems.append(problem(row_number, "start", gettext_lazy("%(column)s “%(value)s” is not a date") % {"column": labels["start"], "value": cell_text(raw_start)}))

        cadence_text = compact(cell(row, "cadence"))
        if cadence_text:
            if cadence_text not in CADENCE_WORDS:
                problems.append(problem(row_number, "cadence", gettext_lazy("%(column)s must be one of 月度, 季度, 半年, 年度") % {"column": labels["cadence"]}))
            else:
                task.cadence = CADENCE_WORDS[cadence_text]

        for year, col in year_columns.items():
            text = clean_text(row[col]) if col < len(row) else ""
            if text and normalize(text) not in {"—", "-", "/"}:
                task.annual_targets[year] = text

        for line in clean_text(cell(row, "milestones")).split("\n"):
            if not line.strip():
                continue
            try:
                task.milestones.append(_parse_milestone(line))
            except ValueError:
                problems.append(
                    problem(
                        row_number,
                        "milestones",
                        gettext_lazy("the milestone “%(value)s” must be written as 2023年6月底前：title（佐证：evidence）") % {"value": line[:40]},
                    )
                )
        task.source_clause = clean_text(cell(row, "source_clause"))
        tasks.append(task)

    if not tasks and not problems:
        problems.append(Problem(gettext_lazy("The table has a header but no task rows.")))
    if problems:
        raise TableError(problems)
    return ParsedTable(
        title=table_title,
        sheet_name=sheet_name,
        tasks=tasks,
        years=sorted(year_columns),
        warnings=warnings,
        labels=labels,
        sheets=[s.name for s in sheets],
        header_rows=header_rows,
    )


def _parse_exact_date(value: Any) -> datetime.date:
    deadline = parse_deadline(value)
    if deadline.due_date is None:
        raise ValueError(value)
    return deadline.due_date


def _parse_section_path(text: str) -> list[tuple[str, str]]:
    path = []
    for part in re.split(r"\s*[/／>›]\s*|\n", text):
        part = part.strip()
        if not part:
            continue
        if m := CHAPTER_RE.match(part):
            path.append((f"{m.group(1)}、", m.group(2).strip()))
        elif m := SECTION_RE.match(part):
            path.append((f"（{m.group(1)}）", m.group(2).strip()))
        else:
            path.append(("", part))
    return path


_MILESTONE_RE = re.compile(r"^(?P<when>[^:：]+)[:：](?P<title>.+?)(?:[（(]佐证[:：](?P<evidence>.+)[)）])?$")


def _parse_milestone(line: str) -> ParsedMilestone:
    m = _MILESTONE_RE.match(line.strip())
    if not m:
        raise ValueError(line)
    deadline = parse_deadline(m.group("when"))
    if deadline.due_date is None:
        raise ValueError(line)
    return ParsedMilestone(
        title=m.group("title").strip(), due_date=deadline.due_date, evidence_required=(m.group("evidence") or "").strip()
    )


# --- writing -------------------------------------------------------------------------------


@dataclass
class TableRow:
    """One task as the writer needs it (built from the database by the caller)."""

    code: str
    section_path: list[tuple[str, str]]
    title: str
    content: str
    lead: str
    cooperating: str
    deadline: str | datetime.date
    start: datetime.date | None
    cadence: str
    milestones: list[ParsedMilestone]
    source_clause: str
    annual_targets: dict[int, str]


def write_breakdown_table(*, title: str, years: list[int], rows: list[TableRow]) -> bytes:
    """The task breakdown table as an .xlsx workbook, in the layout :func:`read_breakdown_table` reads."""
    headers = [
        COLUMNS["code"][0],
        COLUMNS["section"][0],
        COLUMNS["title"][0],
        COLUMNS["content"][0],
        "牵头单位（排在首位的为主要牵头单位）",
        COLUMNS["cooperating"][0],
        COLUMNS["deadline"][0],
        COLUMNS["start"][0],
        COLUMNS["cadence"][0],
        COLUMNS["milestones"][0],
        COLUMNS["source_clause"][0],
        *[f"{year}年" for year in years],
    ]
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "任务分工表"
    sheet.append([title])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
    sheet["A1"].font = Font(size=16, bold=True)
    sheet["A1"].alignment = Alignment(horizontal="center")
    sheet.append(headers)
    thin = Side(style="thin", color="999999")
    for col in range(1, len(headers) + 1):
        header_cell = sheet.cell(2, col)
        header_cell.font = Font(bold=True)
        header_cell.fill = PatternFill("solid", fgColor="DDEBF7")
        header_cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        header_cell.border = Border(top=thin, bottom=thin, left=thin, right=thin)
    for row in rows:
        sheet.append(
            [
                row.code,
                SEPARATOR.join(f"{code}{text}" for code, text in row.section_path),
                row.title,
                row.content,
                row.lead,
                row.cooperating,
                row.deadline,
                row.start,
                CADENCE_LABELS.get(row.cadence, ""),
                "\n".join(
                    f"{m.due_date.isoformat()}：{m.title}" + (f"（佐证：{m.evidence_required}）" if m.evidence_required else "")
                    for m in row.milestones
                ),
                row.source_clause,
                *[row.annual_targets.get(year, "") for year in years],
            ]
        )
        for col in range(1, len(headers) + 1):
            data_cell = sheet.cell(sheet.max_row, col)
            data_cell.alignment = Alignment(vertical="top", wrap_text=True)
            data_cell.border = Border(top=thin, bottom=thin, left=thin, right=thin)
            if isinstance(data_cell.value, datetime.date):
                data_cell.number_format = "yyyy-mm-dd"
    widths = [8, 24, 28, 48, 22, 28, 14, 12, 10, 36, 36] + [18] * len(years)
    for col, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(col)].width = width
    sheet.freeze_panes = "A3"
    neutralise_sheet(sheet)  # stored text that looks like a formula stays text
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
