"""Import of the indicator sheet (主要指标表): all rows or none, every problem with its row and column."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from audit.models import AuditEntry
from indicators.models import AnnualIndicatorTarget, Indicator, IndicatorImport
from indicators.services import indicators_import
from indicators.sheet import read_indicator_sheet
from tasks.breakdown_table import TableError
from tasks.models import Department
from tasks.services import department_aliases_add
from tests.tasks.sheets import xlsx

pytestmark = pytest.mark.django_db

HEADER = ["序号", "指标名称", "指标释义", "单位", "基期值", "基期年份", "目标值", "目标年份", "比较", "属性", "责任单位",
          "2021年", "2022年", "2023年", "2024年", "2025年"]
SHORT_HEADER = ["序号", "指标名称", "单位", "基期值", "目标值", "属性", "责任单位"]


def clean_sheet() -> bytes:
    return xlsx([
        HEADER,
        [1, "严重精神障碍患者规范管理率", "规范管理患者数 ÷ 在册患者数 × 100%", "%", 75, 2020, 80, 2025, "≥", "约束性", "市卫生健康委",
         76, 77, 78, 79, 80],
        [2, "严重精神障碍患者肇事肇祸率", "", "‰", 0.5, 2020, 0.3, 2025, "≤", "约束性", "市公安局", 0.5, 0.45, 0.4, 0.35, 0.3],
        [3, "每10万人口精神科执业医师数", "", "名/10万人口", 3.2, 2020, 4.5, 2025, "", "预期性", "示范市卫生健康委员会",
         None, None, 3.8, None, 4.5],
        [4, "县级精神专科医院全覆盖", "", "是/否", "否", 2020, "是", 2025, "=", "预期性", "市卫生健康委", None, None, None, None, None],
        [5, "精神卫生工作联席会议制度", "", "定性", "", None, "建立并定期召开", 2025, "", "预期性", "市卫生健康委",
         "建立", None, None, None, "定期召开"],
    ])


def sheet(*rows, header=SHORT_HEADER) -> bytes:
    return xlsx([list(header), *rows])


def counts() -> tuple[int, int, int, int]:
    return Indicator.objects.count(), AnnualIndicatorTarget.objects.count(), Department.objects.count(), AuditEntry.objects.count()


def problems_of(data: bytes, plan, **kwargs) -> list[str]:
    before = counts()
    with translation.override("zh-hans"), pytest.raises(TableError) as info:
        indicators_import(data=data, plan=plan, **kwargs)
    assert counts() == before, "a refused import changes nothing"
    with translation.override("zh-hans"):
        return [str(p) for p in info.value.problems]


# --- success ------------------------------------------------------------------------------------


def test_a_clean_sheet_imports_every_indicator_with_its_targets(plan, dept_a, dept_b):
    result = indicators_import(data=clean_sheet(), plan=plan)
    assert result.created_indicators == 5 and result.created_targets == 14
    rate, incidents, doctors, yes_no, meeting = plan.indicators.order_by("position")
    assert (rate.code, rate.unit_kind, rate.unit_label, rate.baseline_value, rate.baseline_year) == ("1", "percent", "%", Decimal("75"), 2020)
    assert (rate.target_value, rate.comparison, rate.target_year, rate.nature, rate.department) == (Decimal("80"), "gte", 2025, "binding", dept_a)
    assert rate.definition.startswith("规范管理患者数")
    assert [(t.year, t.value) for t in rate.annual_targets.all()] == [(y, Decimal(v)) for y, v in zip(range(2021, 2026), (76, 77, 78, 79, 80), strict=True)]
    assert (incidents.unit_kind, incidents.comparison, incidents.target_value, incidents.department) == ("per_mille", "lte", Decimal("0.3"), dept_b)
    assert incidents.annual_targets.get(year=2022).value == Decimal("0.45")
    assert (doctors.unit_kind, doctors.unit_label, doctors.target_value, doctors.nature) == ("per_100k", "名/10万人口", Decimal("4.5"), "expected")
    assert sorted(doctors.annual_targets.values_list("year", flat=True)) == [2023, 2025]
    assert (yes_no.unit_kind, yes_no.baseline_value, yes_no.target_value, yes_no.comparison) == ("yes_no", Decimal(0), Decimal(1), "eq")
    assert (meeting.unit_kind, meeting.target_value, meeting.target_text, meeting.baseline_value) == ("qualitative", None, "建立并定期召开", None)
    assert dict(meeting.annual_targets.values_list("year", "text")) == {2021: "建立", 2025: "定期召开"}
    entry = AuditEntry.objects.for_object(plan).get(action="import_indicators")
    assert entry.data["indicators"] == 5


def test_a_messy_sheet_with_title_rows_signs_in_numbers_and_an_alias(plan, dept_a, dept_b):
    department_aliases_add(department=dept_a, aliases=["卫健委"])
    data = xlsx(
        [
            ["示范市精神卫生“十四五”规划主要指标", None, None, None, None, None],
            ["填报说明：数值请带单位"],
            ["指标", "单位", "基期值（2020年）", "目标值（2025年）", "属性", "责任部门"],
            ["一、服务管理", None, None, None, None, None],
            ["严重精神障碍患者规范管理率", "%", "75%", "≥80%", "约束性", "卫健委"],
            ["精神科床位超负荷运行比例", "％", "6.5%", "≤5%", " 预期性 ", "市公安局、市民政局"],
            ["注：基期为2020年数据。"],
        ],
        merges=["A1:F1", "A4:F4"],
    )
    result = indicators_import(data=data, plan=plan)
    assert result.created_indicators == 2 and result.sheet.title.startswith("示范市精神卫生")
    rate, beds = plan.indicators.order_by("position")
    assert (rate.code, rate.baseline_value, rate.target_value, rate.comparison, rate.department) == ("1", Decimal("75"), Decimal("80"), "gte", dept_a)
    assert (rate.baseline_year, rate.target_year) == (2020, 2025)
    assert (beds.code, beds.target_value, beds.comparison, beds.nature, beds.department) == ("2", Decimal("5"), "lte", "expected", dept_b)
    assert len(result.warnings) == 1 and result.warnings[0].row == 6  # two departments: the first is responsible


def test_codes_continue_after_the_plan_s_indicators(plan, dept_a):
    from tests.indicators.conftest import make_indicator

    make_indicator(plan, dept_a, code="3", name="已有指标")
    indicators_import(data=sheet(["新指标", "个", 10, 20, "预期性", "市卫生健康委"], header=SHORT_HEADER[1:]), plan=plan)
    assert plan.indicators.get(name="新指标").code == "4"


# --- refusals: message with row and column, nothing changed --------------------------------------


def test_file_level_problems_refuse_the_whole_file(plan, dept_a):
    assert [len(problems_of(data, plan)) for data in (b"%PDF-1.4", b"", xlsx([]), xlsx([["重点任务", "牵头单位"]]))] == [1, 1, 1, 1]
    assert ".xlsx" in problems_of(b"%PDF-1.4", plan)[0]


def test_not_a_spreadsheet_and_empty_and_missing_header(plan):
    with translation.override("en"):
        with pytest.raises(TableError, match="not an Excel workbook"):
            read_indicator_sheet(b"%PDF-1.4 not a workbook")
        with pytest.raises(TableError, match="The file is empty"):
            read_indicator_sheet(b"")
        with pytest.raises(TableError, match="spreadsheet is empty"):
            read_indicator_sheet(xlsx([]))
        with pytest.raises(TableError, match="No header row found"):
            read_indicator_sheet(xlsx([["重点任务", "牵头单位"], ["x", "y"]]))
        with pytest.raises(TableError, match=r"no column 属性"):
            read_indicator_sheet(xlsx([["指标名称", "单位", "基期值", "目标值", "责任单位"], ["x", "%", 1, 2, "市公安局"]]))


def test_a_non_numeric_target(plan, dept_a):
    assert problems_of(sheet([1, "规范管理率", "%", 75, "abc", "约束性", "市卫生健康委"]), plan) == ["第2行：目标值“abc”不是数字"]


def test_a_unit_sign_that_does_not_match_the_unit(plan, dept_a):
    problems = problems_of(sheet([1, "规范管理率", "%", 75, "80‰", "约束性", "市卫生健康委"]), plan)
    assert problems == ["第2行：目标值“80‰”以‰表示，但该指标的单位是%"]


def test_an_unknown_nature(plan, dept_a):
    problems = problems_of(sheet([1, "规范管理率", "%", 75, 80, "指导性", "市卫生健康委"]), plan)
    assert problems == ["第2行：属性应为“预期性”或“约束性”，而不是“指导性”"]


def test_an_unknown_department_is_refused_without_create_departments(plan, dept_a):
    data = sheet([1, "规范管理率", "%", 75, 80, "约束性", "市残联"])
    problems = problems_of(data, plan)
    assert len(problems) == 1 and problems[0].startswith("第2行：") and "市残联" in problems[0]


def test_an_unknown_department_is_created_when_asked(plan, dept_a):
    before = Department.objects.count()
    result = indicators_import(data=sheet([1, "规范管理率", "%", 75, 80, "约束性", "市残联"]), plan=plan, create_departments=True)
    assert result.created_departments == ["市残联"] and Department.objects.count() == before + 1
    assert plan.indicators.get().department.name == "市残联"


def test_duplicate_names_in_the_sheet_and_in_the_plan(plan, dept_a):
    from tests.indicators.conftest import make_indicator

    rows = ([1, "规范管理率", "%", 75, 80, "约束性", "市卫生健康委"], [2, "规范管理率", "%", 75, 80, "约束性", "市卫生健康委"])
    assert problems_of(sheet(*rows), plan) == ["第3行：指标“规范管理率”已在第2行出现"]
    make_indicator(plan, dept_a, code="7", name="规范管理率")
    problems = problems_of(sheet(rows[0], [7, "服药率", "%", 50, 60, "预期性", "市卫生健康委"]), plan)
    assert problems == ["第2行：指标“规范管理率”在该规划中已存在", "第3行：序号7在该规划中已存在"]


def test_a_year_column_outside_the_plan(plan, dept_a):
    data = sheet([1, "规范管理率", "%", 75, 80, "约束性", "市卫生健康委", 81], header=[*SHORT_HEADER, "2026年"])
    assert problems_of(data, plan) == ["“2026年”列不在规划期2021—2025年内。"]


def test_every_problem_is_reported_with_its_column(plan, dept_a):
    data = sheet(
        [1, "规范管理率", "%", "七十五", "≥80%", "约束性", "市卫生健康委"],
        [2, "", "≥80", 1, 2, "", ""],  # any unit is free text (公里 is accepted), but a target is not a unit
    )
    with translation.override("zh-hans"), pytest.raises(TableError) as info:
        indicators_import(data=data, plan=plan)
    where = [(p.row, p.column, p.column_letter) for p in info.value.problems]
    assert where == [(2, "基期值", "D"), (3, "指标名称", "B"), (3, "单位", "C"), (3, "属性", "F"), (3, "责任单位", "G")]


def test_dry_run_writes_nothing(plan, dept_a, dept_b):
    before = counts()
    result = indicators_import(data=clean_sheet(), plan=plan, dry_run=True)
    assert result.dry_run and result.created_indicators == 5
    assert counts() == before


# --- the command --------------------------------------------------------------------------------


def test_the_command(plan, dept_a, dept_b, tmp_path, capsys):
    good, bad = tmp_path / "good.xlsx", tmp_path / "bad.xlsx"
    good.write_bytes(clean_sheet())
    bad.write_bytes(sheet([1, "规范管理率", "%", 75, "abc", "约束性", "市卫生健康委"]))
    with translation.override("zh-hans"):
        call_command("import_indicators", str(good), "--plan", str(plan.pk), "--dry-run")
        assert Indicator.objects.count() == 0
        with pytest.raises(CommandError):
            call_command("import_indicators", str(bad), "--plan", str(plan.pk))
        assert "第2行：目标值“abc”不是数字" in capsys.readouterr().err
        call_command("import_indicators", str(good), "--plan", str(plan.pk))
    assert Indicator.objects.count() == 5
    assert "5项指标" in capsys.readouterr().out


# --- the web pages ------------------------------------------------------------------------------


def _upload(client, plan, data: bytes, **extra):
    return client.post(reverse("indicators:import"), {"file": SimpleUploadedFile("指标表.xlsx", data), "plan": plan.pk, **extra})


def test_the_administrator_uploads_previews_and_confirms(client, administrator, plan, dept_a, dept_b):
    client.force_login(administrator)
    assert 'id="import-link"' in client.get(reverse("indicators:indicator_list") + f"?plan={plan.pk}").content.decode()
    response = _upload(client, plan, clean_sheet())
    assert response.status_code == 302 and Indicator.objects.count() == 0
    preview = client.get(response["Location"]).content.decode()
    assert "confirm-import" in preview and "严重精神障碍患者规范管理率" in preview
    record = IndicatorImport.objects.get()
    response = client.post(reverse("indicators:import_confirm", args=[record.pk]))
    assert response.status_code == 302 and Indicator.objects.count() == 5
    record.refresh_from_db()
    assert record.status == "applied"
    client.post(reverse("indicators:import_confirm", args=[record.pk]))
    assert Indicator.objects.count() == 5, "a second confirmation imports nothing more"


def test_the_preview_lists_problems_and_offers_no_confirmation(client, administrator, plan, dept_a):
    client.force_login(administrator)
    response = _upload(client, plan, sheet([1, "规范管理率", "%", 75, "abc", "约束性", "市卫生健康委"]))
    page = client.get(response["Location"]).content.decode()
    assert "import-problems" in page and "confirm-import" not in page and "目标值" in page
    client.post(reverse("indicators:import_confirm", args=[IndicatorImport.objects.get().pk]))
    assert Indicator.objects.count() == 0


@pytest.mark.parametrize("who", ["liaison_a", "supervisor"])
def test_others_may_not_import(client, request, who, plan, dept_a, administrator):
    user = request.getfixturevalue(who)
    client.force_login(user)
    assert client.get(reverse("indicators:import")).status_code == 403
    assert _upload(client, plan, clean_sheet()).status_code == 403
    assert 'id="import-link"' not in client.get(reverse("indicators:indicator_list")).content.decode()
    client.force_login(administrator)
    _upload(client, plan, clean_sheet())
    record = IndicatorImport.objects.get()
    client.force_login(user)
    assert client.get(reverse("indicators:import_preview", args=[record.pk])).status_code == 403
    assert client.post(reverse("indicators:import_confirm", args=[record.pk])).status_code == 403
    assert Indicator.objects.count() == 0
