"""Issue 19, part 5: a scheme as a sheet (指标 · 分值 · 评分规则 · 参数 · 数据来源): export, import
back unchanged, all or nothing."""

import io

import pytest
from openpyxl import Workbook, load_workbook

from assessment import services
from assessment.models import SchemeItem
from assessment.sheets import scheme_import, write_scheme_sheet
from common.spreadsheets import TableError
from tests.assessment.conftest import YEAR, indicator_scheme

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def workbook(rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def shape(scheme):
    return [
        (item.kind, item.indicator_id, item.title, item.weight, item.rule, item.reference, item.floor_share, item.params, item.source)
        for item in scheme.items.order_by("position")
    ]


def test_round_trip(world, province_supervisor):
    w = world(2)
    user = province_supervisor
    scheme = indicator_scheme(w, user, rule="banded", weight=50, params="下限分位=20; 上限分位=80; 保底=0.5", source="省精防系统")
    services.item_add(scheme=scheme, kind="task_completion", weight=20, rule="stepped", params="分档=90:1,80:0.5", user=user)
    services.item_add(scheme=scheme, kind="timeliness", weight=20, rule="proportional", reference="95", user=user)
    services.item_add(scheme=scheme, kind="other", title="协调机制", weight=10, rule="judged", user=user)
    services.item_add(scheme=scheme, kind="other", title="创新工作", weight=3, rule="bonus", user=user)
    services.item_add(scheme=scheme, kind="other", title="重大事件", weight=0, rule="veto", params="最高等级=合格", user=user)
    data = write_scheme_sheet(scheme)
    rows = list(load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))
    assert rows[0] == ("指标", "分值", "评分规则", "参数", "数据来源")
    assert rows[1] == ("1 严重精神障碍患者规范管理率", 50, "分位段计分", "下限分位=20; 上限分位=80; 保底=0.6".replace("0.6", "0.5"), "省精防系统")
    other = services.scheme_create(plan=w.plan, year=YEAR + 1, title="2025年度考核", user=user)
    scheme_import(scheme=other, data=data, filename="方案.xlsx", user=user)
    assert shape(other) == shape(scheme)


def test_import_is_all_or_nothing_and_lists_every_problem(world, province_supervisor):
    w = world(2)
    scheme = indicator_scheme(w, province_supervisor)
    before = shape(scheme)
    bad = workbook([
        ["2025年度考核方案"],
        ["指标", "分值", "评分规则", "参数", "数据来源"],
        ["1", 60, "分位段计分", "下限分位=90; 上限分位=10", ""],  # bounds out of order
        ["创新工作", 2, "加分", "", ""],
        ["进度报告按时报送率", 30, "神秘规则", "", ""],  # unknown rule
        ["不存在的指标", 10, "对标计分", "", ""],  # unknown item
        ["扣分项", -1, "扣分", "", ""],  # a cap below zero
    ])
    with pytest.raises(TableError) as caught:
        scheme_import(scheme=scheme, data=bad, filename="方案.xlsx", user=province_supervisor)
    text = "\n".join(str(p) for p in caught.value.problems)
    assert "Row 3" in text and "out of order" in text
    assert "Row 5" in text and "神秘规则" in text
    assert "Row 6" in text and "不存在的指标" in text
    assert "Row 7" in text and "below zero" in text
    assert shape(scheme) == before  # nothing changed
    short = workbook([["指标", "分值", "评分规则"], ["1", 60, "对标计分"], ["重点任务完成率", 30, "比例计分封顶"]])
    with pytest.raises(TableError, match="add up to 90, not 100"):
        scheme_import(scheme=scheme, data=short, filename="方案.xlsx", user=province_supervisor)
    assert shape(scheme) == before
    good = workbook([["指标", "分值", "评分规则"], ["1", 60, "对标计分"], ["重点任务完成率", 40, "比例计分封顶"]])
    scheme_import(scheme=scheme, data=good, filename="方案.xlsx", user=province_supervisor)
    assert [(i.kind, i.weight) for i in scheme.items.order_by("position")] == [("indicator", 60), (SchemeItem.Kind.TASK_COMPLETION, 40)]


def test_import_refuses_a_signed_off_scheme(world, province_supervisor):
    w = world(1)
    w.value(w.prefectures[0], 80)
    scheme = indicator_scheme(w, province_supervisor)
    services.compute(scheme=scheme, user=province_supervisor)
    services.sign_off(scheme=scheme, user=province_supervisor)
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="signed off"):
        scheme_import(scheme=scheme, data=write_scheme_sheet(scheme), filename="x.xlsx", user=province_supervisor)
