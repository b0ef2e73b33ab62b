"""The final assessment report and the quarterly bulletin: read back with pypdf, the data is there."""

import io
import os
import re

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation
from pypdf import PdfReader

from common import pdf as common_pdf
from demo.plan import seed_demo, seed_demo_activity
from evaluation.report import PeriodError, parse_period, render_bulletin, render_final_report
from indicators.models import Indicator
from tasks.models import KeyTask
from tests.factories import PlanFactory


def text_of(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo plan with a year of activity, rendered once for the module (seeding takes seconds)."""
    with django_db_blocker.unblock():
        plan = seed_demo().plan
        seed_demo_activity(plan)
        with translation.override("zh-hans"):
            result = {
                "plan": plan,
                "final": render_final_report(plan),
                "bulletin": render_bulletin(plan, "2025Q4"),
                "indicator": Indicator.objects.filter(plan=plan).order_by("position", "pk").first(),
                "task": KeyTask.objects.filter(plan=plan)
                .prefetch_related("task_departments__department")
                .order_by("position")
                .first(),
                "tasks": KeyTask.objects.filter(plan=plan).count(),
            }
        yield result
        # The module's data is left to the session database's teardown (seed_demo is idempotent).


def test_final_report_holds_the_plan_indicators_departments_and_numbers(demo):
    data = demo["final"]
    assert data.startswith(b"%PDF-")
    text = text_of(data)
    assert re.sub(r"\s+", "", demo["plan"].title) in text
    assert "终期评估报告" in text
    assert demo["indicator"] is not None and re.sub(r"\s+", "", demo["indicator"].name)[:12] in text
    department = demo["task"].task_departments.all()[0].department
    assert (department.short_name or department.name) in text
    assert f"{demo['tasks']}" in text
    assert len(PdfReader(io.BytesIO(data)).pages) >= 4


def test_bulletin_for_a_quarter_names_the_period_and_departments(demo):
    text = text_of(demo["bulletin"])
    assert "2025Q4" in text
    assert "督查通报" in text
    department = demo["task"].task_departments.all()[0].department
    assert department.name in text


@pytest.mark.django_db
def test_a_plan_with_no_data_still_renders_and_says_what_is_missing():
    plan = PlanFactory()
    with translation.override("zh-hans"):
        text = text_of(render_final_report(plan))
        bulletin = text_of(render_bulletin(plan, "2024Q2"))
    assert plan.title in text
    for missing in ["暂无指标数据", "暂无重点任务数据", "暂无资金数据"]:
        assert missing in text, missing
    assert "2024Q2" in bulletin


def test_periods_are_parsed_or_refused():
    assert (parse_period("2024Q2").starts_on.isoformat(), parse_period("2024Q2").ends_on.isoformat()) == (
        "2024-04-01",
        "2024-06-30",
    )
    assert parse_period("2025q4").ends_on.isoformat() == "2025-12-31"
    assert parse_period("2024H1").ends_on.isoformat() == "2024-06-30"
    assert parse_period("2024").starts_on.isoformat() == "2024-01-01"
    for bad in ["2024Q5", "24Q1", "2024-Q1", "", "2024H3"]:
        with pytest.raises(PeriodError):
            parse_period(bad)


@pytest.mark.django_db
def test_the_command_writes_a_file_and_refuses_bad_input(tmp_path):
    plan = PlanFactory()
    target = tmp_path / "final.pdf"
    call_command("render_report", "final", "--plan", str(plan.pk), "-o", str(target))
    assert target.read_bytes().startswith(b"%PDF-")
    bulletin = tmp_path / "bulletin.pdf"
    call_command(
        "render_report", "bulletin", "--plan", str(plan.pk), "--period", "2024Q2", "-o", str(bulletin)
    )
    assert bulletin.exists()
    with pytest.raises(CommandError, match="2024Q9"):
        call_command(
            "render_report", "bulletin", "--plan", str(plan.pk), "--period", "2024Q9", "-o", str(bulletin)
        )
    with pytest.raises(CommandError, match="period"):
        call_command("render_report", "bulletin", "--plan", str(plan.pk), "-o", str(bulletin))
    with pytest.raises(CommandError, match=str(plan.pk + 1000)):
        call_command("render_report", "final", "--plan", str(plan.pk + 1000), "-o", str(target))


def _fonts(data: bytes) -> set[str]:
    names = set()
    for page in PdfReader(io.BytesIO(data)).pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            names.add(str(font.get_object()["/BaseFont"]))
    return names


@pytest.mark.django_db
def test_a_truetype_cjk_font_is_embedded_when_the_machine_has_one():
    installed = [path for path, _index in common_pdf.TTF_CANDIDATES if os.path.exists(path)]
    if not installed:
        pytest.fail(
            "No TrueType CJK font on this machine: apt-get install -y fonts-wqy-zenhei (.ci/run does)"
        )
    common_pdf.reset_font()
    plan = PlanFactory(title="字体嵌入测试规划")
    data = render_final_report(plan)
    # A subset of the TrueType font, embedded: /AAAAAA+WenQuanYiZenHei (or the installed one's name).
    assert any(re.fullmatch(r"/[A-Z]{6}\+\S+", name) for name in _fonts(data)), _fonts(data)
    assert not any("STSong-Light" in name for name in _fonts(data))
    assert "字体嵌入测试规划" in text_of(data)


@pytest.mark.django_db
def test_without_a_truetype_font_the_builtin_cid_font_is_used_and_text_still_extracts(monkeypatch):
    monkeypatch.setattr(common_pdf, "TTF_CANDIDATES", [])
    common_pdf.reset_font()
    try:
        plan = PlanFactory(title="内置字体测试规划")
        data = render_final_report(plan)
    finally:
        common_pdf.reset_font()  # the next test finds the installed font again
    assert any("STSong-Light" in name for name in _fonts(data))
    assert "内置字体测试规划" in text_of(data)


def test_yes_no_indicators_read_as_words_in_the_final_report(demo):
    # 建立精神卫生工作联席会议制度 (yes/no) was met in 2024: 是, not 1.
    assert "是(2024)" in text_of(demo["final"])


def test_the_evaluations_chart_is_captioned_on_its_page(demo):
    from reportlab.lib import colors

    from evaluation.models import Evaluation
    from tests.test_pdf_typography import fill_colours, page_texts, reader, rgb

    evaluation = Evaluation.objects.get(plan=demo["plan"], status=Evaluation.Status.SIGNED_OFF)
    with translation.override("zh-hans"):
        caption = translation.gettext("Figure %(number)d. Weighted totals by department, %(evaluation)s") % {
            "number": 2,
            "evaluation": evaluation.title,
        }
    blue = rgb(colors.HexColor("#0d6efd"))  # the bars of the scores chart
    pages = page_texts(demo["final"])
    captioned = [n for n, text in enumerate(pages) if re.sub(r"\s+", "", caption) in text]
    bars = [n for n, page in enumerate(reader(demo["final"]).pages) if blue in fill_colours(page)]
    assert len(captioned) == 1 and captioned == bars, (captioned, bars)
