"""Computing, adjusting, bonuses, ranking and sign-off of an assessment, on a cascaded world."""

from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessment import selectors, services
from assessment.models import AssessmentScheme, RegionScore, SchemeItem, ScoreAdjustment
from audit.models import AuditEntry
from tasks.models import KeyTask, ProgressReport
from tests.assessment.conftest import YEAR, indicator_scheme

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def ranking(scheme):
    return [(row.rank, row.region.name, row.total) for row in selectors.results(scheme).rows]


def test_indicator_item_scores_each_prefecture_against_its_own_target(world, province_supervisor):
    w = world(3, targets={0: 90, 1: 80, 2: 70})
    for prefecture, value in zip(w.prefectures, (81, 80, 35), strict=True):
        w.value(prefecture, value)
    scheme = indicator_scheme(w, province_supervisor)
    services.compute(scheme=scheme, user=province_supervisor)
    assert ranking(scheme) == [(1, "黄石市", D("100.00")), (2, "武汉市", D("90.00")), (3, "十堰市", D("50.00"))]
    score = RegionScore.objects.get(scheme=scheme, region=w.prefectures[0].region)
    assert (score.raw_value, score.target) == (D("81"), D("90"))  # the raw value and target are kept


def test_weights_must_add_up_to_100(world, province_supervisor):
    w = world(2)
    scheme = indicator_scheme(w, province_supervisor, weight=60)
    services.item_add(scheme=scheme, kind=SchemeItem.Kind.TIMELINESS, weight=30, rule=SchemeItem.Rule.PROPORTIONAL, user=province_supervisor)
    with pytest.raises(ValidationError, match="add up to 90, not 100"):
        services.compute(scheme=scheme, user=province_supervisor)
    assert not RegionScore.objects.exists()
    assert AssessmentScheme.objects.get().status == AssessmentScheme.Status.DRAFT
    with pytest.raises(ValidationError, match="not 100"):
        services.sign_off(scheme=scheme, user=province_supervisor)


def test_bad_items_are_refused(world, province_supervisor):
    w = world(2)
    scheme = indicator_scheme(w, province_supervisor, weight=50)
    with pytest.raises(ValidationError, match="already an item"):
        services.item_add(scheme=scheme, kind="indicator", indicator=w.rate, weight=10, rule="target", user=province_supervisor)
    with pytest.raises(ValidationError, match="scheme's own plan"):
        services.item_add(scheme=scheme, kind="indicator", indicator=w.prefectures[0].rate, weight=10, rule="target", user=province_supervisor)
    with pytest.raises(ValidationError, match="more than 0"):
        services.item_add(scheme=scheme, kind="timeliness", weight=-5, rule="target", user=province_supervisor)
    with pytest.raises(ValidationError, match="between 0 and 1"):
        services.item_add(scheme=scheme, kind="timeliness", weight=5, rule="banded", floor_share="1.5", user=province_supervisor)
    with pytest.raises(ValidationError, match="already has an assessment scheme"):
        services.scheme_create(plan=w.plan, year=YEAR, title="again", user=province_supervisor)
    assert scheme.items.count() == 1


def test_task_completion_timeliness_and_notices(world, province_supervisor):
    w = world(3, tasks_per_prefecture=2)
    a, b, c = w.prefectures
    # a: both tasks on track, reports on time, notice answered in time
    for task in a.tasks:
        w.report(a, task, 4)
    w.notice(a, answered_days_late=0)
    # b: one task behind, one of two reports late, one of two notices answered late
    w.report(b, b.tasks[0], 4, assessment=ProgressReport.Assessment.BEHIND)
    w.report(b, b.tasks[1], 4, late=True)
    w.notice(b, answered_days_late=0)
    w.notice(b, answered_days_late=3)
    # c: one task completed (no report), the other's report never submitted and past due; no notice
    KeyTask.objects.filter(pk=c.tasks[0].pk).update(status=KeyTask.Status.COMPLETED)
    w.report(c, c.tasks[1], 4, submitted=False, approved=False)
    scheme = services.scheme_create(plan=w.plan, year=YEAR, title="考核", user=province_supervisor)
    for kind in ("task_completion", "timeliness", "notices_on_time"):
        services.item_add(scheme=scheme, kind=kind, weight=D("33.33") if kind != "notices_on_time" else D("33.34"), rule="proportional", user=province_supervisor)
    services.compute(scheme=scheme, user=province_supervisor)
    raw = {(s.region.name, s.item.kind): (s.raw_value, s.score) for s in RegionScore.objects.select_related("region", "item")}
    assert raw[("武汉市", "task_completion")] == (D("100"), D("33.33"))
    assert raw[("黄石市", "task_completion")] == (D("50"), D("16.67"))
    assert raw[("十堰市", "task_completion")] == (D("50"), D("16.67"))
    assert raw[("黄石市", "timeliness")] == (D("50"), D("16.67"))
    assert raw[("十堰市", "timeliness")] == (D("0"), D("0.00"))  # due, never submitted
    assert raw[("黄石市", "notices_on_time")] == (D("50"), D("16.67"))
    assert raw[("十堰市", "notices_on_time")] == (None, D("33.34"))  # no notice issued: full marks
    assert ranking(scheme)[0] == (1, "武汉市", D("100.00"))


def test_adjustment_needs_a_reason_and_is_audited(world, province_supervisor):
    w = world(2)
    w.value(w.prefectures[0], 40)
    w.value(w.prefectures[1], 80)
    scheme = indicator_scheme(w, province_supervisor)
    services.compute(scheme=scheme, user=province_supervisor)
    score = RegionScore.objects.get(region=w.prefectures[0].region)
    with pytest.raises(ValidationError, match="Give the reason"):
        services.score_adjust(score=score, new_score="60", reason="  ", user=province_supervisor)
    with pytest.raises(ValidationError, match="between 0 and the item's 100 points"):
        services.score_adjust(score=score, new_score="120", reason="x", user=province_supervisor)
    assert not ScoreAdjustment.objects.exists()
    services.score_adjust(score=score, new_score="60", reason="抽查核实：漏报一季度数据", user=province_supervisor)
    entry = AuditEntry.objects.filter(action="score").get()
    assert (entry.from_state, entry.to_state, entry.comment) == ("50.00", "60", "抽查核实：漏报一季度数据")
    assert ranking(scheme) == [(1, "黄石市", D("100.00")), (2, "武汉市", D("60"))]
    # computing again keeps the supervisor's adjustment
    services.compute(scheme=scheme, user=province_supervisor)
    assert ranking(scheme)[1] == (2, "武汉市", D("60"))


def test_equal_totals_share_a_rank(world, province_supervisor):
    w = world(4)
    for prefecture, value in zip(w.prefectures, (80, 60, 60, 40), strict=True):
        w.value(prefecture, value)
    scheme = indicator_scheme(w, province_supervisor)
    services.compute(scheme=scheme, user=province_supervisor)
    assert [rank for rank, _name, _total in ranking(scheme)] == [1, 2, 2, 4]


def test_bonus_and_deduction_with_reasons(world, province_supervisor):
    w = world(3)
    for prefecture in w.prefectures:
        w.value(prefecture, 80)
    scheme = indicator_scheme(w, province_supervisor)
    services.compute(scheme=scheme, user=province_supervisor)
    a, b, c = w.prefectures
    services.bonus_add(scheme=scheme, region=b.region, points="2.5", reason="国家级示范区", user=province_supervisor)
    services.bonus_add(scheme=scheme, region=a.region, points="-5", reason="发生肇事肇祸案件", user=province_supervisor)
    with pytest.raises(ValidationError, match="Give the reason"):
        services.bonus_add(scheme=scheme, region=c.region, points="1", reason="", user=province_supervisor)
    with pytest.raises(ValidationError, match="positive for a bonus"):
        services.bonus_add(scheme=scheme, region=c.region, points="0", reason="x", user=province_supervisor)
    with pytest.raises(ValidationError, match="not cascaded"):
        services.bonus_add(scheme=scheme, region=w.province, points="1", reason="x", user=province_supervisor)
    rows = {row.region.name: row for row in selectors.results(scheme).rows}
    assert (rows["黄石市"].rank, rows["黄石市"].total, rows["黄石市"].bonus) == (1, D("102.50"), D("2.5"))
    assert (rows["武汉市"].rank, rows["武汉市"].total, rows["武汉市"].deduction) == (3, D("95.00"), D("5"))


def test_sign_off_freezes_the_ranking(world, province_supervisor):
    w = world(3)
    for prefecture, value in zip(w.prefectures, (80, 70, 60), strict=True):
        w.value(prefecture, value)
    scheme = indicator_scheme(w, province_supervisor)
    services.compute(scheme=scheme, user=province_supervisor)
    services.sign_off(scheme=scheme, user=province_supervisor)
    before = ranking(scheme)
    w.value(w.prefectures[2], 99)  # a later correction of the tracked value
    with pytest.raises(ValidationError, match="signed off"):
        services.compute(scheme=scheme, user=province_supervisor)
    score = RegionScore.objects.get(region=w.prefectures[0].region)
    with pytest.raises(ValidationError, match="signed off"):
        services.score_adjust(score=score, new_score="1", reason="x", user=province_supervisor)
    with pytest.raises(ValidationError, match="signed off"):
        services.bonus_add(scheme=scheme, region=w.prefectures[0].region, points="1", reason="x", user=province_supervisor)
    assert ranking(scheme) == before
    assert before[0][1] == "武汉市"


def test_sign_off_needs_computed_scores(world, province_supervisor):
    w = world(2)
    scheme = indicator_scheme(w, province_supervisor)
    with pytest.raises(ValidationError, match="Compute the scores"):
        services.sign_off(scheme=scheme, user=province_supervisor)


def test_changing_items_asks_for_a_new_computation(world, province_supervisor):
    w = world(2)
    scheme = indicator_scheme(w, province_supervisor)
    services.compute(scheme=scheme, user=province_supervisor)
    item = scheme.items.get()
    services.item_edit(item=item, weight=100, rule="banded", user=province_supervisor)
    scheme.refresh_from_db()
    assert scheme.status == AssessmentScheme.Status.DRAFT


def _compute_queries(world, user, n):
    w = world(n, tasks_per_prefecture=2, suffix=str(n))
    for index, prefecture in enumerate(w.prefectures):
        w.value(prefecture, 50 + index)
        w.report(prefecture, prefecture.tasks[0], 4, late=index % 2 == 0)
        w.notice(prefecture, answered_days_late=index % 3)
    scheme = indicator_scheme(w, user, weight=40)
    for kind, rule in (("task_completion", "proportional"), ("timeliness", "banded"), ("notices_on_time", "yes_no")):
        services.item_add(scheme=scheme, kind=kind, weight=20, rule=rule, user=user)
    with CaptureQueriesContext(connection) as queries:
        services.compute(scheme=scheme, user=user)
    assert RegionScore.objects.filter(scheme=scheme).count() == 4 * n
    with CaptureQueriesContext(connection) as reads:
        assert len(selectors.results(scheme).rows) == n
    return len(queries), len(reads)


def test_compute_queries_do_not_grow_with_prefectures(world, province_supervisor):
    small = _compute_queries(world, province_supervisor, 3)
    large = _compute_queries(world, province_supervisor, 17)
    assert small == large


def test_demo_assessment_is_computed_signed_off_and_idempotent(world, province_supervisor):
    from assessment.demo import seed_demo_assessment

    w = world(3)
    for prefecture, value in zip(w.prefectures, (40, 80, 60), strict=True):
        w.value(prefecture, value)
    scheme = seed_demo_assessment(w.plan, province_supervisor)
    assert scheme.is_signed_off
    assert services.weights_total(scheme.items.all()) == 100
    assert [row.region.name for row in selectors.results(scheme).rows][0] == "黄石市"
    assert seed_demo_assessment(w.plan, province_supervisor).pk == scheme.pk
