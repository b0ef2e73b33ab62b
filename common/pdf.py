"""Typography shared by every PDF the platform prints: the notice (督办单), the final report, the
bulletin, and whatever comes next (a meeting summary …).

- One CJK font: a TrueType font embedded as a subset (the text can be searched and copied, and
  every reader shows the same glyphs with the same widths), reportlab's built-in CID font
  STSong-Light only when no TrueType CJK font is installed (Debian: fonts-wqy-zenhei).
- Chinese line breaking (禁则): no line starts with closing punctuation (，。；：、）」』！？” …) and
  none ends with an opening one (（「『“ …); numbers and Latin words are not cut. reportlab's own
  ``wordWrap="CJK"`` knows only part of these rules (not ，；：！？” at all, nothing at the end of a
  line), so ``Para`` replaces its line breaking.
- The page furniture: a cover without running header or page number, "— N —" page numbers, and
  the document's metadata (title, author, subject, creator, language) on every PDF.
- The official-document layout of the notice (red masthead, double red rule, field table,
  signature), as public functions: ``official_masthead``, ``official_fields``,
  ``official_signature``, ``official_styles`` and ``build_official``.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from xml.sax.saxutils import escape

from django.utils import translation
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    HRFlowable,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.paragraph import ParaLines, cjkU, makeCJKParaLine

RED = colors.HexColor("#d00000")
GREY = colors.HexColor("#555555")

# --- the font ------------------------------------------------------------------------------

# TrueType CJK fonts (reportlab cannot embed CFF-outlined OpenType, e.g. Noto CJK): path, subfont.
TTF_CANDIDATES = [
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
    ("/usr/share/fonts/truetype/arphic/uming.ttc", 0),
    ("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf", 0),
]
CID_FONT = "STSong-Light"
TTF_FONT = "PlanCJK"
_font: str | None = None


def cjk_font() -> str:
    """The registered font name: an embedded TrueType CJK font if one loads, else the CID font."""
    global _font
    if _font is None:
        for path, index in TTF_CANDIDATES:
            try:
                pdfmetrics.registerFont(TTFont(TTF_FONT, path, subfontIndex=index))
            except Exception:  # missing file or outlines reportlab cannot read
                continue
            _font = TTF_FONT
            break
        else:
            if CID_FONT not in pdfmetrics.getRegisteredFontNames():
                pdfmetrics.registerFont(UnicodeCIDFont(CID_FONT))
            _font = CID_FONT
    return _font


def reset_font() -> None:
    """Look for the font again (tests that change ``TTF_CANDIDATES``)."""
    global _font
    _font = None
    _widths.cache_clear()


# --- Chinese line breaking (禁则) -----------------------------------------------------------

# May not start a line: closing brackets and quotes, stops, commas, colons, the ideographic
# iteration mark, percent signs … (GB/T 15834 and the usual 行首禁则), full- and half-width.
CANNOT_START = frozenset(
    "，。、；：！？）」』”’》〉】〕〗］｝…‥·〃々～％‰°℃"
    ",.;:!?)]}%"
)
# May not end a line: opening brackets and quotes (行尾禁则), currency signs before an amount.
CANNOT_END = frozenset("（「『“‘《〈【〔〖［｛([{￥$£")
# How far back a break moves to keep the rules before punctuation hangs in the margin instead.
MAX_PUSH_BACK = 4
_FUZZ = 1e-6


def _is_word(char: str) -> bool:
    """Part of a Latin word or a number (不可拆分), or a dash (2021–2025, ——): kept together."""
    return bool(char) and not char.isspace() and (ord(char) < 0x2000 or "\u2010" <= char <= "\u2015")


def _breakable(chars: Sequence[str], at: int) -> bool:
    """May a line end before ``chars[at]``?"""
    before, after = chars[at - 1], chars[at]
    if after in CANNOT_START or before in CANNOT_END:
        return False
    return not (_is_word(before) and _is_word(after))


def break_lines(
    chars: Sequence[str], widths: Sequence[float], max_widths: Sequence[float], hard: Iterable[int] = ()
) -> list[tuple[int, int, float]]:
    """Where to break ``chars`` (one glyph each, with its width) into lines no wider than
    ``max_widths`` (the first line's, then the others'): (start, end, width) of every line.

    Greedy: as much as fits, then the break moves back — over a Latin word or a number, and
    over punctuation that may not start or end a line — at most ``MAX_PUSH_BACK`` glyphs (a word
    as long as it takes, while the line keeps a glyph); where no break is allowed within reach,
    the closing punctuation hangs in the margin. A break after an index in ``hard`` is forced
    (``<br/>``). Spaces at a break are dropped."""
    hard = set(hard)
    lines: list[tuple[int, int, float]] = []
    count, start = len(chars), 0
    while start < count:
        limit = max_widths[min(len(lines), len(max_widths) - 1)]
        used, end, forced = 0.0, start, False
        while end < count:
            if end > start and used + widths[end] > limit + _FUZZ:
                break
            used += widths[end]
            end += 1
            if end - 1 in hard:
                forced = True
                break
        if not forced and end < count:
            end = _best_break(chars, start, end)
        stop = end
        while stop > start + 1 and chars[stop - 1].isspace():
            stop -= 1
        lines.append((start, stop, sum(widths[start:stop])))
        start = end
        while start < count and chars[start] == " " and start - 1 not in hard:
            start += 1
    return lines


def _best_break(chars: Sequence[str], start: int, end: int) -> int:
    """The break at or before ``end`` (the first glyph that did not fit) that keeps the rules."""
    if chars[end].isspace() or chars[end - 1].isspace():
        return end
    at = end
    # A Latin word or a number moves to the next line whole, unless it fills the line.
    if _is_word(chars[at]) and _is_word(chars[at - 1]):
        word = at - 1
        while word > start and _is_word(chars[word - 1]):
            word -= 1
        if word > start:
            at = word
    for candidate in range(at, max(start, at - MAX_PUSH_BACK - 1), -1):
        if candidate > start and (chars[candidate - 1].isspace() or _breakable(chars, candidate)):
            return candidate
    # Nothing within reach: let closing punctuation hang in the margin rather than start a line.
    at = end
    while at < len(chars) and chars[at] in CANNOT_START and at - end < 2:
        at += 1
    return at


@lru_cache(maxsize=16)
def _widths(font: str, size: float) -> dict[str, float]:
    return {}


def _width(char: str, font: str, size: float) -> float:
    cache = _widths(font, size)
    width = cache.get(char)
    if width is None:
        width = cache[char] = stringWidth(char, font, size)
    return width


class Para(Paragraph):
    """A Paragraph whose CJK line breaking keeps the 禁则 (see ``break_lines``); a style with
    ``wordWrap="CJK"`` uses it, any other wraps as reportlab does.

    Its lines are broken once per width: a table wraps every cell again on each split, on each
    draw and on each pass of a document with a table of contents (a province's appendix: its
    17,000 cells some six times each), and the lines depend on nothing but the width — to a
    rounding error: a table's measure of a cell and its draw differ in the 14th decimal."""

    _wrapped: dict | None = None

    def wrap(self, availWidth, availHeight):
        if self.style.wordWrap != "CJK":
            return super().wrap(availWidth, availHeight)
        if self._wrapped is None:
            self._wrapped = {}
        width = round(availWidth, 6)  # a cell's width, as a table measures it and as it draws it
        wrapped = self._wrapped.get(width)
        if wrapped is not None:
            self.width, self.height, self._wrapWidths, self.blPara = wrapped
            return self.width, self.height
        size = super().wrap(availWidth, availHeight)
        if len(self._wrapped) < 4:
            self._wrapped[width] = (self.width, self.height, self._wrapWidths, self.blPara)
        return size

    def breakLinesCJK(self, maxWidths):
        if not isinstance(maxWidths, list | tuple):
            maxWidths = [maxWidths]
        style = self.style
        self.height = 0
        frags = self.frags
        if hasattr(self, "blPara") and getattr(self, "_splitpara", 0):
            return self.blPara
        if not frags:
            return ParaLines(
                kind=0, fontSize=style.fontSize, fontName=style.fontName, textColor=style.textColor,
                lines=[], ascent=style.fontSize, descent=-0.2 * style.fontSize,
            )
        if len(frags) == 1 and not hasattr(frags[0], "cbDefn") and not style.endDots:
            frag = frags[0]
            text = frag.text if hasattr(frag, "text") else "".join(getattr(frag, "words", []))
            known = _widths(frag.fontName, frag.fontSize).get  # a glyph measured once per font and size
            widths = [known(char) or _width(char, frag.fontName, frag.fontSize) for char in text]
            lines = [
                (maxWidths[min(n, len(maxWidths) - 1)] - used, [text[a:b]])
                for n, (a, b, used) in enumerate(break_lines(text, widths, maxWidths))
            ]
            return frag.clone(kind=0, lines=lines, ascent=frag.fontSize, descent=-0.2 * frag.fontSize)
        # Several fragments (a <br/>, a change of font): glyph by glyph, as reportlab's cjkFragSplit.
        glyphs = []
        for frag in frags:
            text = frag.text if hasattr(frag, "text") else ""
            glyphs.extend([cjkU(char, frag, "utf8") for char in text] if text else [cjkU(text, frag, "utf8")])
        hard = {n for n, glyph in enumerate(glyphs) if hasattr(glyph.frag, "lineBreak")}
        auto_leading = getattr(self, "autoLeading", getattr(style, "autoLeading", ""))
        calc_bounds = auto_leading not in ("", "off")
        lines = []
        for n, (a, b, used) in enumerate(break_lines(glyphs, [g.width for g in glyphs], maxWidths, hard)):
            limit = maxWidths[min(n, len(maxWidths) - 1)]
            line_break = b - 1 in hard if b > a else False
            lines.append(makeCJKParaLine(glyphs[a:b] or glyphs[a : a + 1], limit, used, limit - used, line_break, calc_bounds))
        return ParaLines(kind=1, lines=lines)


def fit(text: str, font: str, size: float, width: float) -> str:
    """``text`` cut to ``width`` points with an ellipsis (a chart's axis labels)."""
    if stringWidth(text, font, size) <= width:
        return text
    while text and stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text + "…"


def para(text, style: ParagraphStyle) -> Para:
    """Plain text (escaped; line breaks kept; a run of spaces kept as wide as it is typed, where a
    paragraph would fold it into one) as a paragraph."""
    text = re.sub(" {2,}", lambda run: "\u00a0" * len(run.group()), str(text))
    return Para(escape(text).replace("\n", "<br/>"), style)


def style(name: str, **options) -> ParagraphStyle:
    """A paragraph style in the CJK font with Chinese line breaking."""
    return ParagraphStyle(name, **{"fontName": cjk_font(), "fontSize": 10.5, "leading": 17, "wordWrap": "CJK", **options})


def parenthesized(text) -> str:
    """（text） in a Chinese document, (text) in an English one: punctuation, not words."""
    return f"（{text}）" if document_language() == "zh-CN" else f" ({text})"


def list_separator() -> str:
    """Between the items of a list in one table cell: ；in Chinese, ; in English."""
    return "；" if document_language() == "zh-CN" else "; "


# --- documents -----------------------------------------------------------------------------


def document_language() -> str:
    """The PDF's /Lang: zh-CN for a Chinese rendering, en otherwise."""
    return "zh-CN" if (translation.get_language() or "").lower().startswith("zh") else "en"


def metadata(*, title: str, author: str, subject: str) -> dict:
    """The document information every PDF carries (SimpleDocTemplate's keyword arguments)."""
    return {
        "title": title,
        "author": author,
        "subject": subject,
        "creator": str(_("Plan Supervisor")),
        "lang": document_language(),
    }


def page_number(canvas, number: int, *, y: float = 10 * mm, prefix: str = "") -> None:
    """"— N —" centred at the foot of the page, as official documents number their pages."""
    canvas.saveState()
    canvas.setFont(cjk_font(), 9)
    canvas.setFillColor(GREY)
    canvas.drawCentredString(A4[0] / 2, y, f"{prefix}— {number} —")
    canvas.restoreState()


def running_header(canvas, text: str, *, left: float = 20 * mm, right: float = 20 * mm) -> None:
    """The document's title over a thin rule at the top of a page."""
    canvas.saveState()
    canvas.setFont(cjk_font(), 8)
    canvas.setFillColor(GREY)
    canvas.setStrokeColor(GREY)
    canvas.drawString(left, A4[1] - 12 * mm, text)
    canvas.setLineWidth(0.4)
    canvas.line(left, A4[1] - 13.5 * mm, A4[0] - right, A4[1] - 13.5 * mm)
    canvas.restoreState()


class MultiPassDocument(SimpleDocTemplate):
    """A document typeset in several passes (``multiBuild``: a table of contents) that does not
    keep every page's leftover of a long table until the end of the pass.

    reportlab notes each flowable it moves to the next page, to clear the mark before the next
    pass; the rest of a table split at a page's foot is such a flowable, made afresh on every
    page and in every pass: the notes kept each of them (with its rows, styles and spans) alive
    to the end of the pass — a province's appendix, 450 pages, held some 110 MB so. The notes
    on tables that are not in the story are dropped: nothing uses them again."""

    def multiBuild(self, story, **options):
        self._story_ids = _flowable_ids(story)
        try:
            return super().multiBuild(story, **options)
        finally:
            del self._story_ids

    @property
    def _multiBuildEdits(self):
        return self.__dict__.get("_edits")

    @_multiBuildEdits.setter
    def _multiBuildEdits(self, note: Callable[[tuple], None]) -> None:
        def kept(edit: tuple) -> None:
            if not isinstance(edit[1], Table) or id(edit[1]) in self._story_ids:
                note(edit)

        self.__dict__["_edits"] = kept

    @_multiBuildEdits.deleter
    def _multiBuildEdits(self) -> None:
        self.__dict__.pop("_edits", None)


def _flowable_ids(flowables: Iterable) -> set[int]:
    """The ids of ``flowables`` and of those they hold (KeepTogether …)."""
    ids: set[int] = set()
    stack = list(flowables)
    while stack:
        flowable = stack.pop()
        ids.add(id(flowable))
        content = getattr(flowable, "_content", None)
        if isinstance(content, list | tuple):
            stack.extend(content)
    return ids


def build(
    story: list,
    *,
    title: str,
    author: str,
    subject: str,
    on_first_page: Callable | None = None,
    on_later_pages: Callable | None = None,
    document_class: type[SimpleDocTemplate] = SimpleDocTemplate,
    margins: tuple[float, float, float, float] = (20 * mm, 20 * mm, 20 * mm, 18 * mm),
    multi: bool = False,
    progress: Callable[[str, int], None] | None = None,
) -> bytes:
    """Typeset ``story`` on A4 with the document's metadata; margins are left, right, top, bottom."""
    left, right, top, bottom = margins
    buffer = io.BytesIO()
    document = document_class(
        buffer,
        pagesize=A4,
        leftMargin=left,
        rightMargin=right,
        topMargin=top,
        bottomMargin=bottom,
        initialFontName=cjk_font(),  # no stray Helvetica (unembedded) on every page
        **metadata(title=title, author=author, subject=subject),
    )
    if progress is not None:
        document.setProgressCallBack(progress)
    nothing = lambda canvas, doc: None  # noqa: E731
    pages = {"onFirstPage": on_first_page or nothing, "onLaterPages": on_later_pages or nothing}
    if multi:
        document.multiBuild(story, **pages)
    else:
        document.build(story, **pages)
    return buffer.getvalue()


def report_styles() -> dict[str, ParagraphStyle]:
    """The styles of the reports (final report, bulletin): cover, headings, body, table cells,
    figure captions, table of contents."""
    return {
        "cover": style("cover", fontSize=26, leading=36, alignment=TA_CENTER),
        "subtitle": style("subtitle", fontSize=15, leading=24, alignment=TA_CENTER, textColor=GREY),
        "h1": style("h1", fontSize=16, leading=24, spaceBefore=8, spaceAfter=6, keepWithNext=1),
        "h2": style("h2", fontSize=12.5, leading=20, spaceBefore=6, spaceAfter=4, keepWithNext=1),
        # Chinese paragraphs open with a two-character indent; English ones are set flush.
        "body": style("body", firstLineIndent=21 if document_language() == "zh-CN" else 0),
        "note": style("note"),
        "missing": style("missing", textColor=GREY),
        "caption": style("caption", fontSize=10, leading=16, alignment=TA_CENTER, spaceBefore=2, spaceAfter=6),
        "head": style("head", fontSize=9, leading=12, alignment=TA_CENTER),
        "cell": style("cell", fontSize=9, leading=12),
        "number": style("number", fontSize=9, leading=12, alignment=TA_RIGHT),
        # Lists of file names.
        "small": style("small", fontSize=7.5, leading=10, textColor=GREY),
        "toc": style("toc", fontSize=12, leading=20),
    }


# --- the official-document layout (督办单 and its siblings) ----------------------------------


def official_styles() -> dict[str, ParagraphStyle]:
    """The styles of the notice: red masthead, reference, recipient, body (two-character
    indent), field table, signature."""
    return {
        "header": style("header", fontSize=26, leading=34, textColor=RED, alignment=TA_CENTER),
        "reference": style("reference", fontSize=13, leading=20, alignment=TA_CENTER),
        "meta": style("meta", fontSize=11, leading=20, alignment=TA_RIGHT, textColor=GREY),
        "recipient": style("recipient", fontSize=14, leading=24),
        "title": style("title", fontSize=15, leading=24, alignment=TA_CENTER),
        "heading": style("heading", fontSize=13, leading=24, spaceBefore=4),
        "body": style("body", fontSize=13, leading=24, firstLineIndent=26),
        "label": style("label", fontSize=11, leading=16),
        "cell": style("cell", fontSize=11, leading=16),
        "sign": style("sign", fontSize=13, leading=22, alignment=TA_RIGHT),
    }


def official_masthead(header: str, reference: str, styles: dict | None = None) -> list:
    """The red header (the issuing region and the kind of document), the reference number and
    the double red rule under them."""
    s = styles or official_styles()
    return [
        para(header, s["header"]),
        Spacer(1, 4 * mm),
        para(reference, s["reference"]),
        Spacer(1, 2 * mm),
        HRFlowable(width="100%", thickness=2, color=RED, spaceBefore=1 * mm, spaceAfter=1 * mm),
        HRFlowable(width="100%", thickness=0.6, color=RED, spaceAfter=3 * mm),
    ]


def official_fields(rows: Sequence[tuple[str, str]], styles: dict | None = None) -> Table:
    """A two-column table of labels and values, ruled, the labels on grey."""
    s = styles or official_styles()
    table = Table(
        [[para(label, s["label"]), para(value, s["cell"])] for label, value in rows],
        colWidths=[32 * mm, None],
    )
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#f3f3f3")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
    return table


def official_signature(unit: str, date: str, styles: dict | None = None) -> list:
    """The issuing unit and the date, right-aligned at the end of the document."""
    s = styles or official_styles()
    return [KeepTogether([Spacer(1, 12 * mm), para(unit, s["sign"]), para(date, s["sign"])])]


OFFICIAL_MARGINS = (26 * mm, 26 * mm, 25 * mm, 25 * mm)


def build_official(story: list, *, title: str, author: str, subject: str, footer: str = "") -> bytes:
    """An official document (notice, meeting summary …): A4 with the notice's margins, every page
    numbered "— N —" (after ``footer``, e.g. the reference number)."""

    def decorate(canvas, doc):
        page_number(canvas, doc.page, y=12 * mm, prefix=f"{footer}  " if footer else "")

    return build(
        story, title=title, author=author, subject=subject, on_first_page=decorate, on_later_pages=decorate,
        margins=OFFICIAL_MARGINS,
    )
