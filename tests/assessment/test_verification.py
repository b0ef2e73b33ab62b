"""Issue 19, parts 3 and 4: sampled on-site verification (抽查) from a recorded seed, the discrepancy
flow (verified value replaces the reported one, a deduction, the prefecture's one response),
self-assessment beside the verified score, and a sample of the prefectures assessed."""

from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from assessment import selectors, services, verification
from assessment.models import RegionScore, Sample, SampledItem
from evidence.services import evidence_attach
from notifications.models import Notification
from tests.assessment.conftest import indicator_scheme
from tests.factories import make_supervisor

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
PDF = b"%PDF-1.4\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n"


@pytest.fixture
def sampled_world(world, province_supervisor):
    w = world(3, tasks_per_prefecture=3)
    for prefecture, value in zip(w.prefectures, (85, 80, 60), strict=True):
        w.value(prefecture, value)
    a = w.prefectures[0]
    for task in a.tasks:
        for quarter in (1, 2, 3, 4):
            report = w.report(a, task, quarter)
            if quarter % 2:
                evidence_attach(owner=report, upload=SimpleUploadedFile(f"台账{task.pk}-{quarter}.pdf", PDF), user=province_supervisor)
    scheme = indicator_scheme(w, province_supervisor, weight=80)
    services.item_add(scheme=scheme, kind="task_completion", weight=20, rule="proportional", user=province_supervisor)
    services.scheme_settings(scheme=scheme, discrepancy_points="2", user=province_supervisor)
    scheme.refresh_from_db()
    return w, scheme


def drawn(sample):
    return sorted((row.source, row.label) for row in sample.items.all())


def test_the_sample_is_reproducible_from_its_recorded_seed(sampled_world, province_supervisor):
    w, scheme = sampled_world
    region = w.prefectures[0].region
    sample = verification.draw(scheme=scheme, region=region, reports_each=2, files_each=1, seed=424242, user=province_supervisor)
    assert sample.seed == 424242
    rows = drawn(sample)
    # per task: 2 of its 4 approved reports and 1 of its 2 files; the indicator: its one value
    assert sum(source == "report" for source, _label in rows) == 6
    assert sum(source == "evidence" for source, _label in rows) == 3
    assert sum(source == "value" for source, _label in rows) == 1
    with pytest.raises(ValidationError, match="drawn already"):
        verification.draw(scheme=scheme, region=region, reports_each=2, files_each=1, user=province_supervisor)
    sample.delete()
    again = verification.draw(scheme=scheme, region=region, reports_each=2, files_each=1, seed=424242, user=province_supervisor)
    assert drawn(again) == rows  # the same seed draws the same items
    again.delete()
    other = verification.draw(scheme=scheme, region=region, reports_each=2, files_each=1, seed=7, user=province_supervisor)
    assert drawn(other) != rows


def test_sampling_more_than_exist_is_refused(sampled_world, province_supervisor):
    w, scheme = sampled_world
    with pytest.raises(ValidationError, match="Cannot draw 5 approved reports per indicator or task: there are at most 4"):
        verification.draw(scheme=scheme, region=w.prefectures[0].region, reports_each=5, files_each=0, user=province_supervisor)
    with pytest.raises(ValidationError, match="Cannot draw 1 evidence files"):
        verification.draw(scheme=scheme, region=w.prefectures[1].region, reports_each=1, files_each=1, user=province_supervisor)
    assert not Sample.objects.exists()


def test_discrepancy_flow(sampled_world, province_supervisor):
    w, scheme = sampled_world
    a = w.prefectures[0].region
    services.compute(scheme=scheme, user=province_supervisor)
    first = {row.region.name: row for row in selectors.results(scheme).rows}["武汉市"]
    assert first.total == D("100.00")
    sample = verification.draw(scheme=scheme, region=a, reports_each=1, files_each=0, seed=1, user=province_supervisor)
    value = sample.items.get(source="value")
    report = sample.items.filter(source="report").first()
    assert value.reported_value == D("85")
    prefecture_user = make_supervisor("sup-wuhan", region=a)
    boss = make_supervisor("boss", region=w.province)
    with pytest.raises(ValidationError, match="verified on site"):
        verification.check(sampled=value, status="discrepancy", note="台账不符", user=province_supervisor)
    with pytest.raises(ValidationError, match="what the discrepancy is"):
        verification.check(sampled=value, status="discrepancy", corrected_value="60", user=province_supervisor)
    verification.check(sampled=value, status="discrepancy", corrected_value="60", note="抽查台账仅能核实60%", user=province_supervisor)
    verification.check(sampled=report, status="confirmed", user=province_supervisor)
    # the prefecture's supervisors hear of it, and answer once; the province hears of the answer
    assert Notification.objects.filter(user=prefecture_user, message="assessment.sample.discrepancy").count() == 1
    assert not Notification.objects.filter(user=province_supervisor, message="assessment.sample.discrepancy").exists()
    verification.respond(sampled=value, response="部分患者随访记录在县级系统中", user=prefecture_user)
    assert Notification.objects.filter(user=boss, message="assessment.sample.responded").count() == 1
    with pytest.raises(ValidationError, match="responded already"):
        verification.respond(sampled=value, response="再次申诉", user=prefecture_user)
    with pytest.raises(ValidationError, match="Only a discrepancy"):
        verification.respond(sampled=report, response="x", user=prefecture_user)
    services.compute(scheme=scheme, user=province_supervisor)
    score = RegionScore.objects.get(scheme=scheme, region=a, item__kind="indicator")
    assert (score.raw_value, score.reported_value, score.score) == (D("60"), D("85"), D("60.00"))  # 60 ÷ 80 × 80
    row = {row.region.name: row for row in selectors.results(scheme).rows}["武汉市"]
    assert (row.discrepancies, row.verification, row.total) == (1, D("2"), D("78.00"))
    assert "verified 60 replaces reported 85" in selectors.working(score.item, score)
    services.sign_off(scheme=scheme, user=province_supervisor)
    with pytest.raises(ValidationError, match="signed off"):
        verification.check(sampled=report, status="discrepancy", note="x", user=province_supervisor)
    assert SampledItem.objects.get(pk=report.pk).status == "confirmed"


def test_self_assessment_beside_the_verified_score(sampled_world, province_supervisor):
    w, scheme = sampled_world
    a = w.prefectures[2].region
    items = list(scheme.items.order_by("position"))
    services.self_score(scheme=scheme, region=a, scores={items[0]: "80", items[1]: "20"}, user=province_supervisor)
    with pytest.raises(ValidationError, match="between 0 and 80"):
        services.self_score(scheme=scheme, region=a, scores={items[0]: "81"}, user=province_supervisor)
    services.compute(scheme=scheme, user=province_supervisor)
    table = selectors.breakdown_rows(scheme)
    mine = [row for row in table[1:] if row[0] == "十堰市"]
    assert [(row[8], row[9], row[10]) for row in mine] == [(D("80"), D("60.00"), D("-20.00")), (D("20"), D("0.00"), D("-20.00"))]  # no task done


def test_a_sample_of_the_prefectures_at_least_a_third(world, province_supervisor):
    w = world(7)
    for prefecture in w.prefectures:
        w.value(prefecture, 80)
    scheme = indicator_scheme(w, province_supervisor)
    with pytest.raises(ValidationError, match="between 3 \\(a third\\) and 7"):
        verification.choose_prefectures(scheme=scheme, count=2, user=province_supervisor)
    chosen = verification.choose_prefectures(scheme=scheme, count=3, seed=2024, user=province_supervisor)
    assert chosen == verification.choose_prefectures(scheme=scheme, count=3, seed=2024, user=province_supervisor)
    services.compute(scheme=scheme, user=province_supervisor)
    assert sorted(row.region.pk for row in selectors.results(scheme).rows) == sorted(r.pk for r in chosen)
