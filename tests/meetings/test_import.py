"""Decisions imported from a sheet (序号 · 议定事项 · 责任单位 · 完成时限) with the task-breakdown
reader: .xlsx, GBK csv, a two-row header behind a cover sheet; every problem listed and nothing
written when one row is bad; the reader's doubts asked in the preview, never guessed."""

from __future__ import annotations

import datetime
import io

import pytest
from openpyxl import Workbook

from common.spreadsheets import TableError
from meetings import services
from meetings.models import Decision, DecisionDepartment

pytestmark = pytest.mark.django_db

HEADER = ["序号", "议定事项", "责任单位", "完成时限"]


def xlsx(*sheets: tuple[str, list[list]], merges: dict[str, list[str]] | None = None) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets:
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
        for cell_range in (merges or {}).get(title, []):
            sheet.merge_cells(cell_range)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def imported(meeting) -> list[tuple]:
    return [
        (d.number, d.text, d.deadline, [link.department.name for link in d.decision_departments.order_by("position")])
        for d in Decision.objects.filter(meeting=meeting).order_by("number")
    ]


def test_an_xlsx_sheet_of_decisions(meeting, supervisor, dept_a, dept_b):
    data = xlsx(("议定事项", [
        ["2024年第一次联席会议议定事项分解表"],
        HEADER,
        [1, "建立患者信息共享机制", "市卫生健康委（牵头）、市公安局", "2024年底前"],
        [2, "完善心理援助热线", "示范市卫生健康委员会", "2024年6月底前"],
    ]))
    result = services.decisions_import(meeting=meeting, data=data, filename="议定事项.xlsx", actor=supervisor)
    assert result.applied
    assert imported(meeting) == [
        (1, "建立患者信息共享机制", datetime.date(2024, 12, 31), ["示范市卫生健康委员会", "示范市公安局"]),
        (2, "完善心理援助热线", datetime.date(2024, 6, 30), ["示范市卫生健康委员会"]),
    ]


def test_a_gbk_csv_sheet_of_decisions(meeting, supervisor, dept_a, dept_b):
    text = "序号,议定事项,责任单位,完成时限\r\n1,落实肇事肇祸患者应急处置,\"市公安局、市卫生健康委\",2024年9月底前\r\n"
    result = services.decisions_import(meeting=meeting, data=text.encode("gbk"), filename="decisions.csv", actor=supervisor)
    assert result.applied
    assert imported(meeting) == [(1, "落实肇事肇祸患者应急处置", datetime.date(2024, 9, 30), ["示范市公安局", "示范市卫生健康委员会"])]


def test_a_two_row_header_behind_a_cover_sheet(meeting, supervisor, dept_a, dept_b):
    data = xlsx(
        ("封面", [["示范市精神卫生工作联席会议"], ["2024年3月"]]),
        ("分解表", [
            ["序号", "议定事项", "责任单位", None, "完成时限"],
            [None, None, "牵头单位", "配合单位", None],
            [1, "建立患者信息共享机制", "市卫生健康委", "市公安局", "2024年底前"],
        ]),
        merges={"分解表": ["A1:A2", "B1:B2", "C1:D1", "E1:E2"]},
    )
    result = services.decisions_import(meeting=meeting, data=data, filename="decisions.xlsx", actor=supervisor)
    assert result.sheet == "分解表"
    assert imported(meeting) == [(1, "建立患者信息共享机制", datetime.date(2024, 12, 31), ["示范市卫生健康委员会", "示范市公安局"])]


def test_bad_rows_are_all_listed_and_nothing_is_imported(meeting, supervisor, dept_a, english):
    data = xlsx(("Sheet", [
        HEADER,
        [1, "合格事项", "市卫生健康委", "2024年底前"],
        [2, "时限早于会议", "市卫生健康委", "2023年底前"],
        [3, "不存在的单位", "示范市不存在局", "2024年底前"],
        [4, "没有时限", "市卫生健康委", "长期坚持"],
    ]))
    with pytest.raises(TableError) as caught:
        services.decisions_import(meeting=meeting, data=data, filename="bad.xlsx", actor=supervisor)
    messages = [str(p) for p in caught.value.problems]
    assert any("row 3" in m.lower() and "before the meeting" in m for m in messages), messages
    assert any("row 4" in m.lower() and "示范市不存在局" in m for m in messages), messages
    assert any("row 5" in m.lower() and "gives no date" in m for m in messages), messages
    assert Decision.objects.count() == 0 and DecisionDepartment.objects.count() == 0


def test_a_row_without_a_responsible_department_refuses_the_sheet(meeting, supervisor, dept_a):
    data = xlsx(("Sheet", [HEADER, [1, "合格事项", "市卫生健康委", "2024年底前"], [2, "无责任单位", None, "2024年底前"]]))
    with pytest.raises(TableError):
        services.decisions_import(meeting=meeting, data=data, filename="bad.xlsx", actor=supervisor)
    assert Decision.objects.count() == 0


def test_the_preview_asks_and_the_import_waits_for_the_answer(en_client, meeting, supervisor, dept_a):
    data = xlsx(("Sheet", [HEADER, [1, "建立联席会议制度", "市卫生健康委、各相关部门", "2024年底前"]]))
    en_client.force_login(supervisor)
    upload = io.BytesIO(data)
    upload.name = "议定事项.xlsx"
    response = en_client.post(f"/meetings/{meeting.pk}/import/", {"file": upload})
    assert response.status_code == 302
    preview_url = response.url
    preview = en_client.get(preview_url).content.decode()
    assert "各相关部门" in preview and 'id="import-questions"' in preview
    assert Decision.objects.count() == 0  # the preview writes nothing

    refused = en_client.post(preview_url + "confirm/", follow=True).content.decode()
    assert "Answer the questions first" in refused
    assert Decision.objects.count() == 0

    en_client.post(preview_url + "confirm/", {"checked": "1"})
    assert imported(meeting) == [(1, "建立联席会议制度", datetime.date(2024, 12, 31), ["示范市卫生健康委员会"])]


def test_a_bad_sheet_is_shown_in_the_preview_and_cannot_be_confirmed(en_client, meeting, supervisor, dept_a):
    data = xlsx(("Sheet", [HEADER, [1, "不存在的单位", "示范市不存在局", "2024年底前"]]))
    en_client.force_login(supervisor)
    upload = io.BytesIO(data)
    upload.name = "bad.xlsx"
    preview_url = en_client.post(f"/meetings/{meeting.pk}/import/", {"file": upload}).url
    assert "示范市不存在局" in en_client.get(preview_url).content.decode()
    response = en_client.post(preview_url + "confirm/", {"checked": "1"}, follow=True)
    assert "nothing was imported" in response.content.decode()
    assert Decision.objects.count() == 0


def test_an_old_xls_sheet_of_decisions(meeting, supervisor, dept_a, dept_b):
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("议定事项")
    for r, row in enumerate([HEADER, [1, "建立患者信息共享机制", "市卫生健康委（牵头）、市公安局（配合）", "2024年底前"]]):
        for c, value in enumerate(row):
            sheet.write(r, c, value)
    buffer = io.BytesIO()
    book.save(buffer)
    services.decisions_import(meeting=meeting, data=buffer.getvalue(), filename="议定事项.xls", actor=supervisor)
    assert imported(meeting) == [(1, "建立患者信息共享机制", datetime.date(2024, 12, 31), ["示范市卫生健康委员会", "示范市公安局"])]
