"""Issue 19, part 1: rule types chosen per item with their parameters kept beside each score,
bonus/deduction items with caps, a veto capping the grade, and the bad input refused."""

from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError

from assessment import selectors, services
from assessment.models import AssessmentScheme, BonusDeduction, RegionScore, SchemeItem, Veto
from tests.assessment.conftest import indicator_scheme

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def rows(scheme):
    scheme.refresh_from_db()
    return {row.region.name: row for row in selectors.results(scheme).rows}


def test_threshold_and_stepped_items_keep_their_parameters_beside_the_score(world, province_supervisor):
    w = world(3)
    for prefecture, value in zip(w.prefectures, (92, 85, 79), strict=True):
        w.value(prefecture, value)
    scheme = indicator_scheme(w, province_supervisor, rule="stepped", weight=60, params="分档=90:1,80:0.5")
    services.item_add(scheme=scheme, kind="timeliness", weight=40, rule="threshold", params="达标值=90", user=province_supervisor)
    services.compute(scheme=scheme, user=province_supervisor)
    score = {s.region.name: s for s in RegionScore.objects.filter(item__kind="indicator").select_related("region", "item")}
    assert [score[name].score for name in ("武汉市", "黄石市", "十堰市")] == [D("60.00"), D("30.00"), D("0.00")]
    assert score["黄石市"].params["steps"] == [["90", "1"], ["80", "0.5"]]
    text = selectors.working(score["黄石市"].item, score["黄石市"])
    assert "85" in text and "≥90: 100%" in text and "30 of 60" in text
    # no report due in the year: nothing to count, full marks on the threshold item
    assert rows(scheme)["武汉市"].total == D("100.00")


def test_banded_item_uses_its_percentiles_and_shows_them(world, province_supervisor):
    w = world(5)
    for prefecture, value in zip(w.prefectures, (50, 60, 70, 80, 90), strict=True):
        w.value(prefecture, value)
    scheme = indicator_scheme(w, province_supervisor, rule="banded", params="下限分位=25; 上限分位=75; 保底=0.5")
    services.compute(scheme=scheme, user=province_supervisor)
    score = {s.region.name: s for s in RegionScore.objects.select_related("region", "item")}
    assert score["黄石市"].score == D("50.00")  # at P25 = 60: the floor
    assert score["十堰市"].score == D("75.00")  # 70: half way between 60 and 80
    assert score["宜昌市"].score == D("100.00")  # at P75 = 80: full
    assert (score["十堰市"].params["p_low"], score["十堰市"].params["p_high"]) == ("60.0000", "80.0000")
    assert "P25 = 60, P75 = 80, floor 50%" in selectors.working(score["十堰市"].item, score["十堰市"])


def test_judged_item_scores_the_supervisors_yes_or_no(world, province_supervisor):
    w = world(2)
    scheme = indicator_scheme(w, province_supervisor, weight=90)
    item = services.item_add(scheme=scheme, kind="other", title="建立精神卫生工作协调机制", weight=10, rule="judged", user=province_supervisor)
    services.judge(scheme=scheme, item=item, region=w.prefectures[0].region, met=True, note="见文件", user=province_supervisor)
    services.judge(scheme=scheme, item=item, region=w.prefectures[1].region, met=False, note="", user=province_supervisor)
    services.compute(scheme=scheme, user=province_supervisor)
    judged = {s.region.name: s.score for s in RegionScore.objects.filter(item=item).select_related("region")}
    assert judged == {"武汉市": D("10.00"), "黄石市": D("0.00")}


def test_bonus_and_deduction_items_are_capped_per_item_and_per_prefecture(world, province_supervisor):
    w = world(2)
    for prefecture in w.prefectures:
        w.value(prefecture, 80)
    scheme = indicator_scheme(w, province_supervisor)
    bonus = services.item_add(scheme=scheme, kind="other", title="创新工作", weight=3, rule="bonus", user=province_supervisor)
    minus = services.item_add(scheme=scheme, kind="other", title="工作失误", weight=5, rule="deduction", user=province_supervisor)
    services.scheme_settings(scheme=scheme, bonus_cap="4", deduction_cap="10", user=province_supervisor)
    services.compute(scheme=scheme, user=province_supervisor)
    a = w.prefectures[0].region
    for reason in ("国家级示范区", "省级经验推广"):
        services.bonus_add(scheme=scheme, item=bonus, region=a, points="2", reason=reason, user=province_supervisor)
    services.bonus_add(scheme=scheme, region=a, points="2", reason="其他加分", user=province_supervisor)
    services.bonus_add(scheme=scheme, item=minus, region=a, points="1.5", reason="迟报", user=province_supervisor)  # sign from the item
    assert BonusDeduction.objects.get(item=minus).points == D("-1.5")
    row = rows(scheme)["武汉市"]
    assert (row.bonus, row.deduction) == (D("4"), D("1.5"))  # 4 on the item capped at 3, +2 other, capped at 4
    assert row.total == D("102.50")
    assert sum(item.in_total for item in scheme.items.all()) == 1  # bonus items are outside the 100 points


def test_a_veto_caps_the_grade_whatever_the_points(world, province_supervisor):
    w = world(2)
    for prefecture in w.prefectures:
        w.value(prefecture, 95)
    scheme = indicator_scheme(w, province_supervisor)
    veto = services.item_add(scheme=scheme, kind="other", title="重大肇事肇祸事件", weight=0, rule="veto", params="最高等级=合格", user=province_supervisor)
    services.compute(scheme=scheme, user=province_supervisor)
    notice = w.notice(w.prefectures[0])
    services.veto_add(scheme=scheme, item=veto, region=w.prefectures[0].region, incident="发生严重精神障碍患者肇事肇祸案件", notice=notice, user=province_supervisor)
    result = rows(scheme)
    assert (result["武汉市"].total, result["武汉市"].grade) == (D("100.00"), "pass")
    assert result["武汉市"].vetoes[0].notice == notice  # the incident linked
    assert result["黄石市"].grade == "excellent"
    with pytest.raises(ValidationError, match="Describe the incident"):
        services.veto_add(scheme=scheme, item=veto, region=w.prefectures[1].region, incident=" ", user=province_supervisor)
    assert Veto.objects.count() == 1


def test_grade_cut_offs_are_configurable(world, province_supervisor):
    w = world(2)
    w.value(w.prefectures[0], 68)
    w.value(w.prefectures[1], 80)
    scheme = indicator_scheme(w, province_supervisor)
    services.compute(scheme=scheme, user=province_supervisor)
    assert {n: r.grade_label for n, r in rows(scheme).items()} == {"武汉市": "Good", "黄石市": "Excellent"}
    services.scheme_settings(scheme=scheme, excellent_from="95", good_from="85", pass_from="70", user=province_supervisor)
    assert {n: r.grade for n, r in rows(scheme).items()} == {"武汉市": "good", "黄石市": "excellent"}


def test_bad_input_is_refused_with_a_clear_message_and_nothing_changes(world, province_supervisor):
    w = world(2)
    scheme = indicator_scheme(w, province_supervisor, weight=60)
    before = list(scheme.items.values_list("pk", "weight", "params"))
    with pytest.raises(ValidationError, match="add up to 60, not 100"):
        services.compute(scheme=scheme, user=province_supervisor)
    with pytest.raises(ValidationError, match="cannot be below zero"):
        services.item_add(scheme=scheme, kind="other", title="加分", weight=-1, rule="bonus", user=province_supervisor)
    with pytest.raises(ValidationError, match="cannot be below zero"):
        services.scheme_settings(scheme=scheme, bonus_cap="-2", user=province_supervisor)
    with pytest.raises(ValidationError, match="percentile bounds are out of order"):
        services.item_add(scheme=scheme, kind="timeliness", weight=40, rule="banded", params="下限分位=90; 上限分位=10", user=province_supervisor)
    with pytest.raises(ValidationError, match="needs its bar"):
        services.item_add(scheme=scheme, kind="timeliness", weight=40, rule="threshold", user=province_supervisor)
    with pytest.raises(ValidationError, match="total points must be more than 0"):
        services.scheme_settings(scheme=scheme, total_points="0", user=province_supervisor)
    with pytest.raises(ValidationError, match="cut-offs must fall"):
        services.scheme_settings(scheme=scheme, excellent_from="70", good_from="80", user=province_supervisor)
    bonus = services.item_add(scheme=scheme, kind="other", title="加分", weight=2, rule="bonus", user=province_supervisor)
    with pytest.raises(ValidationError, match="Give the reason"):
        services.bonus_add(scheme=scheme, item=bonus, region=w.prefectures[0].region, points="1", reason="", user=province_supervisor)
    assert list(scheme.items.exclude(pk=bonus.pk).values_list("pk", "weight", "params")) == before
    assert not BonusDeduction.objects.exists()
    scheme.refresh_from_db()
    assert (scheme.bonus_cap, scheme.excellent_from, scheme.status) == (None, D(90), AssessmentScheme.Status.DRAFT)


def test_scheme_total_other_than_100(world, province_supervisor):
    w = world(1)
    w.value(w.prefectures[0], 80)
    scheme = indicator_scheme(w, province_supervisor, weight=100)
    services.scheme_settings(scheme=scheme, total_points="120", excellent_from="108", good_from="96", pass_from="72", user=province_supervisor)
    with pytest.raises(ValidationError, match="add up to 100, not 120"):
        services.compute(scheme=scheme, user=province_supervisor)
    services.item_add(scheme=scheme, kind=SchemeItem.Kind.TIMELINESS, weight=20, rule="proportional", user=province_supervisor)
    services.compute(scheme=scheme, user=province_supervisor)
    assert rows(scheme)["武汉市"].total == D("120.00")
