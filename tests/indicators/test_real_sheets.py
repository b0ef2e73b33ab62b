"""Indicator sheets as plans write them (issue 12, item 5): free-text units, strict and non-strict
targets written every way, 1:N ratios compared on the ratio, verbal targets, every worksheet,
two-row headers, .xls and GBK .csv."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation
from openpyxl import Workbook

from indicators.attainment import AT_RISK, MET, NOT_MET, ON_TRACK, attainment, reaches
from indicators.models import Indicator
from indicators.services import indicators_import
from indicators.sheet import parse_unit, read_indicator_sheet, split_comparison, verbal_target
from tasks.breakdown_table import TableError
from tests.indicators.conftest import make_indicator
from tests.tasks.sheets import xlsx

pytestmark = pytest.mark.django_db

HEADER = ["序号", "指标名称", "单位", "基期值", "目标值", "属性", "责任单位"]
FIXTURES = Path(__file__).parent / "fixtures"
C = Indicator.Comparison


def sheet(*rows, header=HEADER) -> bytes:
    return xlsx([list(header), *rows])


@pytest.fixture
def import_row(plan, dept_a):
    codes = iter(range(1, 100))

    def run(unit, base, target, name="指标"):
        row = [next(codes), name, unit, base, target, "预期性", "市卫生健康委"]
        result = indicators_import(data=sheet(row), plan=plan)
        indicator = result.indicators[0]
        indicator.refresh_from_db()
        return indicator, result

    return run


# --- units: free text, a known kind recognised ----------------------------------------------------


@pytest.mark.parametrize(
    "unit, kind, label",
    [
        ("%", "percent", "%"),
        ("％", "percent", "%"),
        ("‰", "per_mille", "‰"),
        ("名/10万人口", "per_100k", "名/10万人口"),
        ("1/10万", "per_100k", "1/10万"),
        ("1:N", "ratio", ""),
        ("比例", "ratio", ""),
        ("是/否", "yes_no", ""),
        ("定性", "qualitative", ""),
        ("家", "count", "家"),
        ("次", "count", "次"),
        ("人次", "count", "人次"),
        ("万人次", "count", "万人次"),
        ("岁", "number", "岁"),
        ("元", "number", "元"),
        ("张/千人", "number", "张/千人"),
        ("小时", "number", "小时"),
    ],
)
def test_units_are_free_text_with_known_kinds(unit, kind, label):
    assert parse_unit(unit) == (kind, label)


@pytest.mark.parametrize("cell", ["≥80", "80", "＞50%"])
def test_a_target_in_the_unit_column_is_not_a_unit(cell):
    assert parse_unit(cell) is None


def test_plain_numbers_keep_their_unit_and_do_not_add_up(import_row):
    years, _ = import_row("岁", 78.3, "≥79.5岁", name="人均预期寿命")
    assert (years.unit_kind, years.unit_label, years.baseline_value, years.target_value) == ("number", "岁", Decimal("78.3"), Decimal("79.5"))
    assert years.aggregation_rule == Indicator.Aggregation.NONE  # ages are not summed across regions
    assert years.format_number(Decimal("79.5")) == "79.5 岁"
    beds, _ = import_row("张/千人", 6.2, "7.5", name="每千人口医疗卫生机构床位数")
    assert (beds.unit_kind, beds.unit_label, beds.target_value) == ("number", "张/千人", Decimal("7.5"))
    visits, _ = import_row("人次", 1000, 1500, name="心理援助热线服务")
    assert (visits.unit_kind, visits.aggregation_rule) == ("count", Indicator.Aggregation.FLOW)


# --- targets: every way of writing the comparison, strictness kept -------------------------------------


@pytest.mark.parametrize(
    "text, comparison, rest",
    [
        ("≥80%", C.GTE, "80%"),
        ("＞80%", C.GT, "80%"),
        (">80%", C.GT, "80%"),
        ("> 80%", C.GT, "80%"),
        ("≤5‰", C.LTE, "5‰"),
        ("＜5‰", C.LT, "5‰"),
        ("<5‰", C.LT, "5‰"),
        ("＝100%", C.EQ, "100%"),
        ("=100%", C.EQ, "100%"),
        ("＞＝80", C.GTE, "80"),
        ("不低于80%", C.GTE, "80%"),
        ("不高于5%", C.LTE, "5%"),
        ("达到90%", C.GTE, "90%"),
        ("达到90%以上", C.GTE, "90%"),
        ("80%以上", C.GTE, "80%"),
        ("80％以上", C.GTE, "80%"),
        ("5%以下", C.LTE, "5%"),
        ("控制在5%以内", C.LTE, "5%"),
        ("高于80%", C.GT, "80%"),
        ("超过80%", C.GT, "80%"),
        ("低于5%", C.LT, "5%"),
        ("不足5%", C.LT, "5%"),
        ("80%", None, "80%"),
    ],
)
def test_comparisons_full_width_or_not(text, comparison, rest):
    assert split_comparison(text) == (comparison, rest)


def test_contradicting_sign_and_word_are_refused_as_written(plan, dept_a):
    assert split_comparison("≥5%以下") == (None, "≥5%以下")
    with translation.override("zh-hans"), pytest.raises(TableError) as info:
        indicators_import(data=sheet([1, "失访率", "%", 8, "≥5%以下", "约束性", "市卫生健康委"]), plan=plan)
    assert "≥5%以下" in str(info.value.problems[0])


def test_strict_targets_are_kept_and_the_bar_itself_does_not_meet_them(import_row):
    strict, _ = import_row("%", 40, "＞50%", name="知晓率")
    assert (strict.comparison, strict.target_value, strict.target_display) == ("gt", Decimal(50), "> 50%")
    assert attainment(strict, 2025, Decimal(50)) == NOT_MET
    assert attainment(strict, 2025, Decimal("50.01")) == MET
    loose, _ = import_row("%", 40, "≥50%", name="就诊率")
    assert loose.comparison == "gte" and attainment(loose, 2025, Decimal(50)) == MET
    below, _ = import_row("‰", 5, "<3‰", name="肇事肇祸率")
    assert below.comparison == "lt"
    assert attainment(below, 2025, Decimal(3)) == NOT_MET and attainment(below, 2025, Decimal("2.9")) == MET
    at_most, _ = import_row("‰", 5, "3‰以下", name="复发率")
    assert at_most.comparison == "lte" and attainment(at_most, 2025, Decimal(3)) == MET


def test_a_strict_target_on_the_line_is_on_track(plan, dept_a):
    indicator = make_indicator(plan, dept_a, comparison=C.GT, baseline_value=Decimal(40), target_value=Decimal(50), annual=None)
    assert attainment(indicator, 2023, Decimal(46)) == ON_TRACK  # the line 40 → 50 is 46 in 2023
    assert attainment(indicator, 2023, Decimal(45)) == AT_RISK


def test_the_comparison_column_takes_gt_and_lt(plan, dept_a):
    header = ["序号", "指标名称", "单位", "基期值", "目标值", "比较", "属性", "责任单位"]
    result = indicators_import(
        data=sheet([1, "知晓率", "%", 40, 50, "＞", "预期性", "市卫生健康委"], [2, "复发率", "%", 9, 5, "<", "预期性", "市卫生健康委"], header=header),
        plan=plan,
    )
    assert [i.comparison for i in result.indicators] == ["gt", "lt"]


# --- 1:N: compared on the ratio, both directions ----------------------------------------------------


def test_at_least_one_per_n_is_met_by_a_smaller_n(import_row):
    """The rule: a ratio "1:N" is stored as N and the comparison is about 1/N, so "≥1:4000" (at
    least one teacher per 4 000 students) is met when N ≤ 4000: 1:3000 is better than 1:4000."""
    teachers, _ = import_row("比例", "1:5000", "≥1:4000", name="心理健康教师与学生比")
    assert (teachers.unit_kind, teachers.comparison, teachers.baseline_value, teachers.target_value) == ("ratio", "gte", Decimal(5000), Decimal(4000))
    assert teachers.target_display == "≥ 1:4000"  # as the plan wrote it
    assert teachers.value_comparison == "lte" and teachers.lower_is_better
    assert attainment(teachers, 2025, Decimal(3000)) == MET
    assert attainment(teachers, 2025, Decimal(4000)) == MET
    assert attainment(teachers, 2025, Decimal(5000)) == NOT_MET
    assert reaches(teachers, Decimal(3000), Decimal(4000)) is True


def test_at_most_one_per_n_is_met_by_a_larger_n(import_row):
    """The mirror: "≤1:4000" (at most one per 4 000) is met when N ≥ 4000."""
    ratio, _ = import_row("1:N", "1:3000", "不高于1:4000", name="某比")
    assert (ratio.comparison, ratio.target_value, ratio.lower_is_better) == ("lte", Decimal(4000), False)
    assert attainment(ratio, 2025, Decimal(5000)) == MET
    assert attainment(ratio, 2025, Decimal(3000)) == NOT_MET


def test_a_strict_ratio(import_row):
    ratio, _ = import_row("比例", "1:5000", "＞1:4000", name="严格比")
    assert ratio.comparison == "gt" and ratio.value_comparison == "lt"
    assert attainment(ratio, 2025, Decimal(4000)) == NOT_MET
    assert attainment(ratio, 2025, Decimal(3999)) == MET


def test_the_assessment_scores_a_ratio_lower_n_as_better():
    from assessment import rules

    # "≥1:4000": lower_is_better on N; 1:3000 gets full marks, 1:8000 half.
    assert rules.target_score(Decimal(3000), Decimal(4000), Decimal(10), lower_is_better=True) == Decimal(10)
    assert rules.target_score(Decimal(8000), Decimal(4000), Decimal(10), lower_is_better=True) == Decimal(5)
    assert rules.reaches(Decimal(50), Decimal(50), strict=True) is False
    assert rules.reaches(Decimal(50), Decimal(50)) is True


# --- verbal targets ---------------------------------------------------------------------------------


def test_verbal_target_kinds():
    assert verbal_target("在现有基础上提高50%").change == Decimal(50)
    assert verbal_target("比2020年降低10%").change == Decimal(-10)
    assert verbal_target("较基期提高5个百分点").points == Decimal(5)
    assert verbal_target("逐步提高").comparison == C.GT and verbal_target("逐步提高").change == 0
    assert verbal_target("稳步下降").comparison == C.LT
    assert verbal_target("持续改善").judged
    assert verbal_target("abc") is None


def test_a_relative_target_is_measured_against_the_baseline(import_row):
    indicator, _ = import_row("人次", 1000, "在现有基础上提高50%", name="心理咨询服务人次")
    assert (indicator.relative_change, indicator.target_value, indicator.comparison) == (Decimal(50), Decimal(1500), "gte")
    assert indicator.target_text == "在现有基础上提高50%"
    assert indicator.relative_target() == Decimal(1500)
    assert "在现有基础上提高50%" in indicator.target_display
    assert attainment(indicator, 2025, Decimal(1500)) == MET
    assert attainment(indicator, 2025, Decimal(1400)) == NOT_MET
    down, _ = import_row("%", 8, "比2020年降低25%", name="失访率")
    assert (down.relative_change, down.target_value, down.comparison) == (Decimal(-25), Decimal(6), "lte")
    points, _ = import_row("%", 60, "提高5个百分点", name="覆盖率")
    assert (points.relative_change, points.target_value) == (None, Decimal(65))


def test_gradual_improvement_means_better_than_the_baseline(import_row):
    indicator, _ = import_row("%", 60, "逐步提高", name="就诊率")
    assert (indicator.comparison, indicator.target_value, indicator.relative_change) == ("gt", Decimal(60), Decimal(0))
    assert attainment(indicator, 2025, Decimal(60)) == NOT_MET
    assert attainment(indicator, 2025, Decimal("60.5")) == MET


def test_words_without_a_measure_are_judged_by_the_supervisor(import_row):
    indicator, result = import_row("%", 60, "持续改善", name="服务质量")
    assert (indicator.unit_kind, indicator.unit_label, indicator.target_text, indicator.target_value) == ("qualitative", "%", "持续改善", None)
    assert any("持续改善" in str(w) for w in result.warnings)
    no_base, result = import_row("%", "", "逐步提高", name="无基期")
    assert no_base.unit_kind == "qualitative" and any("逐步提高" in str(w) for w in result.warnings)


def test_a_relative_target_beyond_the_unit_is_refused(plan, dept_a):
    with translation.override("zh-hans"), pytest.raises(TableError) as info:
        indicators_import(data=sheet([1, "规范管理率", "%", 80, "在现有基础上提高50%", "约束性", "市卫生健康委"]), plan=plan)
    assert "在现有基础上提高50%" in str(info.value.problems[0])
    assert not Indicator.objects.exists()


# --- worksheets, headers, formats -----------------------------------------------------------------------


def workbook(*sheets: tuple[str, list[list]], merges: dict[str, list[str]] | None = None) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets:
        ws = book.create_sheet(title)
        for row in rows:
            ws.append(row)
        for cells in (merges or {}).get(title, []):
            ws.merge_cells(cells)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


ROW = [1, "规范管理率", "%", 75, "≥80%", "约束性", "市卫生健康委"]


def test_the_table_is_found_behind_a_cover_sheet(plan, dept_a):
    data = workbook(("说明", [["填表说明"], ["请按要求填写"]]), ("主要指标", [HEADER, ROW]))
    result = indicators_import(data=data, plan=plan)
    assert result.sheet.sheet_name == "主要指标" and result.created_indicators == 1
    assert any("主要指标" in str(w) and "说明" in str(w) for w in result.warnings)


def test_no_table_or_several_tables_are_refused_with_the_sheets(plan, dept_a):
    with translation.override("en"):
        with pytest.raises(TableError) as info:
            read_indicator_sheet(workbook(("说明", [["填表说明"]]), ("附件", [["x"]])))
        assert "No header row found" in str(info.value) and "说明" in str(info.value) and "附件" in str(info.value)
        twice = workbook(("2021", [HEADER, ROW]), ("2022", [HEADER, ROW]))
        with pytest.raises(TableError, match="Several sheets"):
            read_indicator_sheet(twice)
        assert read_indicator_sheet(twice, sheet="2022").sheet_name == "2022"
        with pytest.raises(TableError, match="no sheet"):
            read_indicator_sheet(twice, sheet="2023")


def test_the_command_takes_a_sheet(plan, dept_a, tmp_path):
    path = tmp_path / "指标.xlsx"
    path.write_bytes(workbook(("2021", [HEADER, ROW]), ("2022", [HEADER, ROW])))
    with pytest.raises(CommandError):
        call_command("import_indicators", str(path), "--plan", str(plan.pk))
    assert not Indicator.objects.exists()
    call_command("import_indicators", str(path), "--plan", str(plan.pk), "--sheet", "2022")
    assert Indicator.objects.count() == 1


def test_a_two_row_header_with_year_columns_under_a_merged_group(plan, dept_a):
    top = ["序号", "指标名称", "单位", "基期值", "目标值", "属性", "责任单位", "年度目标", None, None]
    below = [None, None, None, None, None, None, None, "2021年", "2022年", "2023年"]
    merges = ["A1:A2", "B1:B2", "C1:C2", "D1:D2", "E1:E2", "F1:F2", "G1:G2", "H1:J1"]
    data = xlsx([top, below, [*ROW, 76, 77, 78]], merges=merges)
    parsed = read_indicator_sheet(data)
    assert [i.name for i in parsed.indicators] == ["规范管理率"], "the sub-header row is never data"
    assert parsed.years == [2021, 2022, 2023]
    assert parsed.indicators[0].annual_targets[2022] == (Decimal(77), "")


def test_a_two_row_header_with_a_group_over_lead_and_partners(plan, dept_a):
    top = ["序号", "指标名称", "单位", "基期值", "目标值", "属性", "责任单位", None]
    below = [None, None, None, None, None, None, "牵头单位", "配合单位"]
    merges = ["A1:A2", "B1:B2", "C1:C2", "D1:D2", "E1:E2", "F1:F2", "G1:H1"]
    data = xlsx([top, below, [*ROW, "市公安局"]], merges=merges)
    parsed = read_indicator_sheet(data)
    assert [(i.name, i.department_name) for i in parsed.indicators] == [("规范管理率", "市卫生健康委")]


def test_an_old_excel_file(plan, dept_a):
    data = (FIXTURES / "indicators.xls").read_bytes()  # written by xlwt: merged title, ＞, 1:N, 岁
    result = indicators_import(data=data, plan=plan, filename="指标.xls")
    by_name = {i.name: i for i in result.indicators}
    assert by_name["严重精神障碍患者规范管理率"].comparison == "gt"
    teachers = by_name["心理健康教师与学生比"]
    assert (teachers.unit_kind, teachers.comparison, teachers.target_value, teachers.baseline_value) == ("ratio", "gte", Decimal(4000), Decimal(5000))
    assert (by_name["人均预期寿命"].unit_kind, by_name["人均预期寿命"].target_value) == ("number", Decimal("79.5"))


def _csv(rows, encoding: str) -> bytes:
    return "\r\n".join(",".join(str(v) for v in row) for row in rows).encode(encoding)


@pytest.mark.parametrize("encoding", ["gbk", "utf-8-sig", "utf-8"])
def test_csv_in_gbk_and_utf8(plan, dept_a, encoding):
    rows = [HEADER, [1, "规范管理率", "%", 75, "＞80%", "约束性", "市卫生健康委"], [2, "心理健康教师与学生比", "比例", "1:5000", "≥1:4000", "预期性", "市卫生健康委"]]
    result = indicators_import(data=_csv(rows, encoding), plan=plan, filename="指标.csv")
    assert [(i.name, i.comparison, i.target_value) for i in result.indicators] == [
        ("规范管理率", "gt", Decimal(80)),
        ("心理健康教师与学生比", "gte", Decimal(4000)),
    ]


def test_the_web_upload_takes_csv_and_a_sheet(client, administrator, plan, dept_a):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from indicators.models import IndicatorImport

    client.force_login(administrator)
    rows = [HEADER, [1, "规范管理率", "%", 75, "＞80%", "约束性", "市卫生健康委"]]
    response = client.post(reverse("indicators:import"), {"file": SimpleUploadedFile("指标.csv", _csv(rows, "gbk")), "plan": plan.pk})
    assert response.status_code == 302
    assert "confirm-import" in client.get(response["Location"]).content.decode()
    data = workbook(("2021", [HEADER, ROW]), ("2022", [HEADER, ROW]))
    response = client.post(reverse("indicators:import"), {"file": SimpleUploadedFile("指标.xlsx", data), "plan": plan.pk, "sheet": "2022"})
    assert IndicatorImport.objects.get(sheet="2022")
    assert "confirm-import" in client.get(response["Location"]).content.decode()


# --- export → import round trip ---------------------------------------------------------------------------

FIELDS = ("code", "name", "definition", "unit_kind", "unit_label", "baseline_value", "baseline_year", "target_value", "target_text",
          "relative_change", "comparison", "target_year", "nature", "aggregation", "numerator_label", "denominator_label")


def _shape(plan):
    return [
        (tuple(getattr(i, f) for f in FIELDS), i.department.name, sorted((a.year, a.value, a.text) for a in i.annual_targets.all()))
        for i in plan.indicators.order_by("position")
    ]


def test_export_then_import_reproduces_every_shape(plan, dept_a, dept_b, tmp_path):
    from tests.factories import PlanFactory

    header = [*HEADER, "指标释义", "汇总方式", "2021年", "2025年"]
    rows = [
        [1, "规范管理率", "%", 75, "＞80%", "约束性", "市卫生健康委", "规范管理患者数 ÷ 在册患者数", "", 76, 80],
        [2, "肇事肇祸率", "‰", 0.5, "≤0.3‰", "约束性", "市公安局", "", "", "", ""],
        [3, "心理健康教师与学生比", "比例", "1:5000", "≥1:4000", "预期性", "市卫生健康委", "", "", "1:4800", "1:4000"],
        [4, "人均预期寿命", "岁", 78.3, "79.5", "预期性", "市卫生健康委", "", "", "", ""],
        [5, "每千人口床位数", "张/千人", 6.2, "7.5", "预期性", "市卫生健康委", "", "存量", "", ""],
        [6, "心理咨询服务人次", "人次", 1000, "在现有基础上提高50%", "预期性", "市卫生健康委", "", "", "逐步提高", ""],
        [7, "就诊率", "%", 60, "逐步提高", "预期性", "市卫生健康委", "", "", "", ""],
        [8, "服务质量", "%", 60, "持续改善", "预期性", "市卫生健康委", "", "", "", ""],
        [9, "县级专科医院全覆盖", "是/否", "否", "＝是", "预期性", "市卫生健康委", "", "", "", "是"],
        [10, "联席会议制度", "定性", "", "建立并定期召开", "预期性", "市卫生健康委", "", "", "建立", ""],
        [11, "精神科医师数", "名/10万人口", 3.2, "≥4.5", "预期性", "市公安局", "", "", "", ""],
        [12, "失访率", "%", 8, "<5%", "约束性", "市卫生健康委", "", "", "", ""],
    ]
    indicators_import(data=xlsx([header, *rows]), plan=plan)
    first = _shape(plan)
    path = tmp_path / "指标.xlsx"
    call_command("export_indicators", str(plan.pk), str(path))
    other = PlanFactory(region=plan.region, title="另一规划")
    call_command("import_indicators", str(path), "--plan", str(other.pk))
    assert _shape(other) == first
    again = tmp_path / "again.xlsx"
    call_command("export_indicators", str(other.pk), str(again))
    assert read_indicator_sheet(again.read_bytes()).indicators[2].comparison == "gte"


def test_an_old_excel_file_with_a_cover_sheet_and_a_two_row_header(plan, dept_a):
    data = (FIXTURES / "indicators-cover.xls").read_bytes()  # xlwt: 填表说明 first; 年度目标 merged over the years
    result = indicators_import(data=data, plan=plan, filename="指标.xls")
    assert result.sheet.sheet_name == "主要指标"
    beds = result.indicators[0]
    assert (beds.name, beds.unit_kind, beds.unit_label, beds.target_value) == ("每千人口床位数", "number", "张/千人", Decimal("7.5"))
    assert sorted(beds.annual_targets.values_list("year", "value")) == [(2021, Decimal("6.5")), (2022, Decimal("6.8")), (2023, Decimal(7))]


def test_a_password_protected_workbook_says_so(plan):
    from common.spreadsheets import OLE2_SIGNATURE

    data = OLE2_SIGNATURE + b"\x00" * 504 + "EncryptionInfo".encode("utf-16-le") + b"\x00" * 100
    with translation.override("en"), pytest.raises(TableError, match="protected with a password"):
        read_indicator_sheet(data, "指标.xlsx")
