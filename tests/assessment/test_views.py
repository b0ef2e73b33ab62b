"""The assessment pages per role: the province's supervisors act, its evaluators read, a prefecture's
supervisor and liaisons get 404."""

import pytest

from assessment import services
from assessment.models import AssessmentScheme, RegionScore, ScoreAdjustment
from tests.assessment.conftest import indicator_scheme
from tests.factories import ProvinceFactory, make_administrator, make_evaluator, make_liaison, make_supervisor

pytestmark = pytest.mark.django_db


@pytest.fixture
def computed(world, province_supervisor):
    w = world(3)
    for prefecture, value in zip(w.prefectures, (40, 80, 60), strict=True):
        w.value(prefecture, value)
    scheme = indicator_scheme(w, province_supervisor)
    services.compute(scheme=scheme, user=province_supervisor)
    return w, scheme


def urls(w, scheme):
    return [
        f"/plans/{w.plan.pk}/assessments/",
        f"/assessments/{scheme.pk}/",
        f"/assessments/{scheme.pk}/edit/",
        f"/assessments/{scheme.pk}/ranking.xlsx",
    ]


def test_province_supervisor_sees_the_ranking_with_its_chart(en_client, computed, province_supervisor):
    w, scheme = computed
    en_client.force_login(province_supervisor)
    for url in urls(w, scheme):
        assert en_client.get(url).status_code == 200, url
    page = en_client.get(f"/assessments/{scheme.pk}/").content.decode()
    assert "<svg" in page and 'id="ranking-table"' in page and 'id="adjust-form"' in page
    assert page.index("黄石市") < page.index("十堰市") < page.index("武汉市")
    assert "<script" not in page.split('id="ranking-chart"')[1].split("</figure>")[0]


def test_province_evaluator_reads_but_does_not_act(en_client, computed):
    w, scheme = computed
    evaluator = make_evaluator("province-evaluator", region=ProvinceFactory())
    en_client.force_login(evaluator)
    for url in urls(w, scheme):
        assert en_client.get(url).status_code == 200, url
    assert 'id="adjust-form"' not in en_client.get(f"/assessments/{scheme.pk}/").content.decode()
    assert en_client.post(f"/assessments/{scheme.pk}/compute/").status_code == 403
    assert en_client.post(f"/assessments/{scheme.pk}/sign-off/", {"confirm": "on"}).status_code == 403


def test_administrator_of_the_province_reads(en_client, computed):
    w, scheme = computed
    en_client.force_login(make_administrator("province-admin", region=ProvinceFactory()))
    assert en_client.get(f"/assessments/{scheme.pk}/").status_code == 200


def test_prefecture_supervisor_cannot_see_the_provinces_assessment(en_client, computed):
    w, scheme = computed
    en_client.force_login(make_supervisor("supervisor-420100", region=w.prefectures[0].region))
    for url in urls(w, scheme):
        assert en_client.get(url).status_code == 404, url
    assert en_client.post(f"/assessments/{scheme.pk}/compute/").status_code == 404


def test_liaison_gets_404(en_client, computed):
    w, scheme = computed
    en_client.force_login(make_liaison(w.prefectures[0].department, "liaison-x"))
    for url in urls(w, scheme):
        assert en_client.get(url).status_code == 404, url


def test_supervisor_builds_computes_adjusts_and_signs_off_on_the_pages(en_client, world, province_supervisor):
    w = world(3)
    for prefecture, value in zip(w.prefectures, (40, 80, 60), strict=True):
        w.value(prefecture, value)
    en_client.force_login(province_supervisor)
    response = en_client.post(f"/plans/{w.plan.pk}/assessments/new/", {"year": 2024, "title": "2024年度考核"})
    scheme = AssessmentScheme.objects.get()
    assert response.status_code == 302
    en_client.post(f"/assessments/{scheme.pk}/items/add/", {"kind": "indicator", "indicator": w.rate.pk, "weight": "70", "rule": "target", "floor_share": "0.6"})
    # weights add up to 70: computing is refused with the reason
    response = en_client.post(f"/assessments/{scheme.pk}/compute/", follow=True)
    assert "add up to 70, not 100" in response.content.decode()
    assert not RegionScore.objects.exists()
    en_client.post(f"/assessments/{scheme.pk}/items/add/", {"kind": "timeliness", "weight": "30", "rule": "proportional", "floor_share": "0.6"})
    edit = en_client.get(f"/assessments/{scheme.pk}/edit/").content.decode()
    assert "add up to 100" in edit
    assert en_client.post(f"/assessments/{scheme.pk}/compute/").status_code == 302
    score = RegionScore.objects.get(region=w.prefectures[0].region, item__kind="indicator")
    response = en_client.post(f"/assessments/{scheme.pk}/adjust/", {"score": score.pk, "new_score": "50", "reason": ""})
    assert response.status_code == 400
    assert not ScoreAdjustment.objects.exists()
    response = en_client.post(f"/assessments/{scheme.pk}/adjust/", {"score": score.pk, "new_score": "50", "reason": "现场核查"})
    assert response.status_code == 302
    assert ScoreAdjustment.objects.get().reason == "现场核查"
    en_client.post(f"/assessments/{scheme.pk}/bonuses/add/", {"region": w.prefectures[1].region.pk, "points": "-1", "reason": "迟报"})
    assert en_client.post(f"/assessments/{scheme.pk}/sign-off/", {"confirm": "on"}).status_code == 302
    scheme.refresh_from_db()
    assert scheme.is_signed_off
    page = en_client.get(f"/assessments/{scheme.pk}/").content.decode()
    assert 'id="signed-off"' in page and 'id="adjust-form"' not in page
    assert 'id="ranking-table"' in page and "50.00 *" in page
