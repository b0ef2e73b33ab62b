"""Every PDF the platform prints — the final report (with its chart), the bulletin, a province's
report, the notice — read back with pypdf as a reader sees it: Chinese line breaking (禁则), the
caption on its chart's page, a cover without header or page number, the column headers, 是/否,
万元 with separators, the embedded TrueType font, the metadata; in English, no Chinese interface
text."""

from __future__ import annotations

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Value
from django.db.models.functions import Concat
from django.utils import translation
from pypdf import PdfReader
from pypdf.generic import ContentStream
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm

from common import pdf as common_pdf
from evaluation.report import LIGHT_COLORS, render_bulletin, render_final_report
from evidence.services import evidence_attach
from supervision.pdf import notice_pdf
from tasks.models import Department, KeyTask, Light, Plan, PlanSection, Region
from tests.dashboards.conftest import cascade_world
from tests.evidence.files import PDF
from tests.factories import make_supervisor
from tests.pdf_world import build_world

pytestmark = pytest.mark.django_db

# The checks are on Chinese punctuation (ASCII "." also leads the table of contents' dot leaders).
NO_START = "，。、；：！？）」』”’》〉】〕〗］"
NO_END = "（「『“‘《〈【〔〖［"
CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")


# --- reading a PDF back ----------------------------------------------------------------------


def reader(data: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(data))


def fragments(data: bytes) -> list[tuple[int, str]]:
    """(page, text) of every piece of a printed line: pypdf's layout extraction, each row cut where
    a wide gap separates table columns, so that a cell's lines are read on their own."""
    found = []
    for number, page in enumerate(reader(data).pages):
        text = page.extract_text(extraction_mode="layout", layout_mode_space_vertically=False)
        for row in text.splitlines():
            found += [(number, part) for part in re.split(r"\s{2,}", row.strip()) if part]
    return found


def page_texts(data: bytes) -> list[str]:
    return [re.sub(r"\s+", "", page.extract_text()) for page in reader(data).pages]


def margin_text(page) -> list[str]:
    """Text drawn in the top 16 mm or the bottom 16 mm of a page (running header, page number)."""
    found = []

    def visit(text, cm, tm, font, size):
        y = tm[5] * cm[3] + cm[5]
        if text.strip() and (y > A4[1] - 16 * mm or y < 16 * mm):
            found.append(text.strip())

    page.extract_text(visitor_text=visit)
    return found


def fill_colours(page) -> set[tuple[float, float, float]]:
    """The fill colours of the rectangles drawn on a page (a chart's bars)."""
    colours, current = set(), None
    for operands, operator in ContentStream(page.get_contents(), page.pdf).operations:
        if operator == b"rg":
            current = tuple(round(float(v), 2) for v in operands)
        elif operator == b"re" and current is not None:
            colours.add(current)
    return colours


def rgb(colour) -> tuple[float, float, float]:
    return (round(colour.red, 2), round(colour.green, 2), round(colour.blue, 2))


def assert_line_breaking(data: bytes) -> None:
    bad = [(page + 1, text) for page, text in fragments(data) if text[0] in NO_START or text[-1] in NO_END]
    assert not bad, f"lines that start with closing or end with opening punctuation: {bad[:8]}"


# --- the documents -----------------------------------------------------------------------------


@pytest.fixture
def world(media_root):
    return build_world()


@pytest.fixture
def zh():
    with translation.override("zh-hans"):
        yield


def test_the_line_breaking_rules_themselves():
    # 10-point glyphs, 5 to a line: the break moves back rather than start a line with "，" or
    # end one with "“"; a number is not cut; closing punctuation hangs where nothing else fits.
    def lines(text, width=50):
        return [text[a:b] for a, b, _w in common_pdf.break_lines(text, [10] * len(text), [width])]

    assert lines("一二三四五，六七") == ["一二三四", "五，六七"]
    assert lines("一二三四“五”六") == ["一二三四", "“五”六"]
    assert lines("一二三“四五六") == ["一二三“四", "五六"]
    assert lines("一二12345") == ["一二", "12345"]
    assert lines("一二三四，。；：") == ["一二三", "四，。；："]  # 四 goes down with its punctuation
    assert lines("一，。；：、）", 30) == ["一，。；：", "、）"]  # nothing to move back to: "；：" hang
    for text in ["推进，落实；加强：完善（试点）", "建立“十四五”机制。健全、开展！"] * 3:
        for width in range(20, 90, 10):
            for line in lines(text, width)[1:]:
                assert line[0] not in NO_START, (text, width, lines(text, width))
            for line in lines(text, width)[:-1]:
                assert line[-1] not in NO_END, (text, width, lines(text, width))


def test_the_final_report_reads_like_a_printed_report(zh, media_root):
    # Ten lead departments put the chart at the foot of page 4: a caption not kept with it would
    # be printed on the next page (measured when this test was written).
    world = build_world(departments=10)
    data = render_final_report(world.plan)
    assert_line_breaking(data)
    pdf = reader(data)
    pages = page_texts(data)

    # The cover: the title, and neither the running header nor a page number; later pages have both.
    assert "终期评估报告" in pages[0]
    assert margin_text(pdf.pages[0]) == []
    assert any("— 2 —" in text for text in margin_text(pdf.pages[1]))
    assert any(world.plan.title[:6] in text for text in margin_text(pdf.pages[2]))

    # 图1 on the page of its chart (the bars in the lights' colours).
    caption = [n for n, text in enumerate(pages) if "图1" in text]
    bars = [n for n, page in enumerate(pdf.pages) if rgb(LIGHT_COLORS[Light.GREEN]) in fill_colours(page)]
    assert len(caption) == 1 and caption == bars, (caption, bars)

    text = "".join(pages)
    # The count of tasks is headed 重点任务, never the engine's 流程环节.
    assert "牵头单位重点任务已完成平均进度" in text and "流程环节" not in text
    assert "是(2024)" in text and "否(2020)" in text  # the yes/no indicator in words
    assert "下达（万元）" in text and "1,234.57" in text  # 12,345,678.90 yuan

    assert pdf.metadata.title.startswith(world.plan.title) and "终期评估报告" in pdf.metadata.title
    assert pdf.metadata.author == "示范市卫生健康委员会"
    assert pdf.metadata.subject == "终期评估报告"
    assert pdf.metadata.creator == "规划督导平台"
    assert pdf.trailer["/Root"]["/Lang"] == "zh-CN"


def test_the_bulletin_breaks_lines_and_numbers_its_pages(world, zh):
    data = render_bulletin(world.plan, "2024Q2")
    assert_line_breaking(data)
    pdf = reader(data)
    assert "督查通报" in page_texts(data)[0]
    assert not [text for text in margin_text(pdf.pages[0]) if world.plan.title[:6] in text]  # no header over the title
    assert "— 1 —" in margin_text(pdf.pages[0])
    assert world.notice.reference in "".join(page_texts(data))
    assert "建立精神卫生工作联席会议制度2024年度是" in "".join(page_texts(data))  # the approved yes/no value: 是, not 1
    assert pdf.metadata.subject == "督查通报 2024Q2" and pdf.trailer["/Root"]["/Lang"] == "zh-CN"


def test_a_provinces_final_report_keeps_its_chart_with_its_caption(zh, media_root):
    province = cascade_world(3, tasks=4, quarters=2)
    data = render_final_report(province.plan)
    assert_line_breaking(data)
    pdf = reader(data)
    pages = page_texts(data)
    assert margin_text(pdf.pages[0]) == []
    caption = [n for n, text in enumerate(pages) if "图1" in text]
    bars = [n for n, page in enumerate(pdf.pages) if rgb(LIGHT_COLORS[Light.GREEN]) in fill_colours(page)]
    assert len(caption) == 1 and caption == bars, (caption, bars)
    text = "".join(pages)
    assert "市州重点任务已完成平均进度" in text and "流程环节" not in text


def test_a_provinces_appendix_wraps_file_names_as_chinese_text_under_the_right_contents_pages(zh, media_root):
    # Enough tasks for an appendix of several pages, and on one task twelve files whose names run
    # over four lines: each name is read whole, no line starts with "；".
    province = cascade_world(3, tasks=30, quarters=1)
    supervisor = make_supervisor("appendix-supervisor", region=province.province)
    report = province.child_tasks[0].reports.get()
    names = [f"第{n + 1}份佐证材料（心理援助热线2021年度总结）.pdf" for n in range(12)]
    for name in names:
        evidence_attach(owner=report, upload=SimpleUploadedFile(name, PDF, content_type="application/pdf"), user=supervisor)
    data = render_final_report(province.plan, with_task_detail=True)
    assert_line_breaking(data)
    pages = page_texts(data)
    text = "".join(pages)
    assert all(name.replace(" ", "") in text for name in names)

    # The contents give every prefecture's part of the appendix the page it starts on.
    contents = pages[1]  # each entry read as: dot leader, page, heading
    for plan in province.child_plans:
        heading = f"{plan.region.name}（/plans/{plan.pk}/tasks/）"
        listed = int(re.search(r"(\d+)" + re.escape(heading), contents)[1])
        assert heading in pages[listed - 1], (heading, listed)
        assert heading not in "".join(pages[2 : listed - 1]), (heading, listed)


def _fonts(data: bytes) -> list:
    fonts = []
    for page in reader(data).pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            fonts.append(font.get_object())
    return fonts


def test_the_notice_embeds_its_truetype_font_and_breaks_lines(world, zh):
    data = notice_pdf(world.notice)
    assert_line_breaking(data)
    used = [font for font in _fonts(data) if font["/Subtype"] != "/Type1"]
    assert used, "no CJK font"
    for font in used:
        assert font["/Subtype"] == "/TrueType", font  # not the CID font STSong-Light (/Type0), left to the reader
        assert "/FontFile2" in font["/FontDescriptor"], font["/BaseFont"]
    assert not [font for font in _fonts(data) if font["/Subtype"] == "/Type0"]
    text = "".join(page_texts(data))
    assert "示范市第4局（综合执法）" in text and "示范市卫生健康委员会" in text
    pdf = reader(data)
    assert pdf.metadata.title == f"{world.notice.reference} 示范市精神卫生工作督办单"
    assert pdf.metadata.author == "示范市卫生健康委员会"
    assert pdf.trailer["/Root"]["/Lang"] == "zh-CN"
    assert "— 1 —" in " ".join(margin_text(pdf.pages[0]))


@pytest.mark.parametrize("kind", ["final", "bulletin", "province", "notice"])
def test_in_english_no_chinese_interface_text(kind, media_root):
    with translation.override("en"):
        if kind == "province":
            cascade_world(2, tasks=2, quarters=1)
            # cascade_world writes its data in Chinese: English data, so that any Chinese left is the interface's.
            Region.objects.update(name=Concat(Value("Region "), "code"))
            Plan.objects.update(title=Concat(Value("Plan "), "pk"))
            PlanSection.objects.update(title=Concat(Value("Chapter "), "pk"))
            KeyTask.objects.update(title=Concat(Value("Task "), "code"))
            Department.objects.update(name=Concat(Value("Department "), "pk"), short_name="")
            data = render_final_report(Plan.objects.get(parent=None, region__level=Region.Level.PROVINCE))
        else:
            world = build_world(english=True)
            data = {
                "final": lambda: render_final_report(world.plan),
                "bulletin": lambda: render_bulletin(world.plan, "2024Q2"),
                "notice": lambda: notice_pdf(world.notice),
            }[kind]()
    text = "\n".join(page.extract_text() for page in reader(data).pages)
    if kind in ("notice", "bulletin"):
        text = text.replace(world.notice.reference, "")  # 督办〔2024〕N号: the notice's official number
    leaks = sorted({line for line in text.splitlines() if CJK.search(line)})
    assert not leaks, leaks
    assert reader(data).trailer["/Root"]["/Lang"] == "en"
    if kind == "final":
        assert "Yes (2024)" in text.replace("\n", " ") or "Yes(2024)" in text.replace(" ", "")
        assert "Allocated (10k yuan)" in re.sub(r"\s+", " ", text) and "1,234.57" in text


def test_every_pdf_says_who_made_it(world, zh):
    for data in [render_final_report(world.plan), render_bulletin(world.plan, "2024Q2"), notice_pdf(world.notice)]:
        info = reader(data).metadata
        assert info.title and info.author and info.subject and info.creator == "规划督导平台"
