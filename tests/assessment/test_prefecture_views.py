"""Issue 19 pages: a prefecture's sheet, its sample and self-assessment; another prefecture's staff
get 404; the province draws, checks and signs off; the scheme sheet downloads and imports."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from assessment import services
from assessment.models import AssessmentScheme, SampledItem, SelfScore
from tests.assessment.conftest import indicator_scheme
from tests.factories import make_supervisor

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(world, province_supervisor):
    w = world(3)
    for prefecture, value in zip(w.prefectures, (85, 80, 60), strict=True):
        w.value(prefecture, value)
    scheme = indicator_scheme(w, province_supervisor)
    services.compute(scheme=scheme, user=province_supervisor)
    return w, scheme


def test_prefecture_sees_its_own_sheet_and_not_another(en_client, setup):
    w, scheme = setup
    a, b = w.prefectures[0].region, w.prefectures[1].region
    en_client.force_login(make_supervisor("sup-a", region=a))
    page = en_client.get(f"/assessments/{scheme.pk}/prefectures/{a.pk}/")
    assert page.status_code == 200
    assert 'id="self-form"' in page.content.decode() and 'id="sample-form"' not in page.content.decode()
    assert en_client.get(f"/assessments/{scheme.pk}/prefectures/{b.pk}/").status_code == 404
    assert en_client.get(f"/assessments/{scheme.pk}/").status_code == 404  # not the province's ranking
    assert scheme.title in en_client.get("/assessments/mine/").content.decode()
    item = scheme.items.get()
    response = en_client.post(f"/assessments/{scheme.pk}/prefectures/{a.pk}/self/", {f"self-item_{item.pk}": "95"})
    assert response.status_code == 302
    assert SelfScore.objects.get(region=a).points == 95
    assert en_client.post(f"/assessments/{scheme.pk}/prefectures/{b.pk}/self/", {f"self-item_{item.pk}": "95"}).status_code == 404
    assert en_client.post(f"/assessments/{scheme.pk}/prefectures/{a.pk}/sample/", {"reports_each": 1, "files_each": 0}).status_code == 403


def test_another_prefectures_sample_is_404(en_client, setup, province_supervisor):
    w, scheme = setup
    a, b = w.prefectures[0].region, w.prefectures[1].region
    en_client.force_login(province_supervisor)
    response = en_client.post(f"/assessments/{scheme.pk}/prefectures/{a.pk}/sample/", {"reports_each": 1, "files_each": 0, "seed": 5})
    assert response.status_code == 302
    sampled = SampledItem.objects.get()
    en_client.force_login(make_supervisor("sup-b", region=b))
    assert en_client.post(f"/assessments/sampled/{sampled.pk}/respond/", {"response": "x"}).status_code == 404
    assert en_client.post(f"/assessments/sampled/{sampled.pk}/check/", {"status": "confirmed"}).status_code == 404


def test_sampling_more_than_exist_shows_the_message(en_client, setup, province_supervisor):
    w, scheme = setup
    a = w.prefectures[0].region
    en_client.force_login(province_supervisor)
    response = en_client.post(f"/assessments/{scheme.pk}/prefectures/{a.pk}/sample/", {"reports_each": 3, "files_each": 0}, follow=True)
    assert "Cannot draw 3 approved reports" in response.content.decode()
    assert not SampledItem.objects.exists()


def test_scheme_sheet_download_and_bad_import(en_client, setup, province_supervisor):
    w, scheme = setup
    en_client.force_login(province_supervisor)
    response = en_client.get(f"/assessments/{scheme.pk}/scheme.xlsx")
    assert response.status_code == 200
    book = Workbook()
    book.active.append(["指标", "分值", "评分规则"])
    book.active.append(["1", 90, "对标计分"])
    buffer = io.BytesIO()
    book.save(buffer)
    upload = SimpleUploadedFile("方案.xlsx", buffer.getvalue())
    page = en_client.post(f"/assessments/{scheme.pk}/scheme/import/", {"file": upload}, follow=True).content.decode()
    assert "Nothing was imported" in page and "add up to 90, not 100" in page
    assert scheme.items.get().weight == 100
    assert AssessmentScheme.objects.get().status == "computed"


def test_signed_off_pages_offer_no_change_and_a_rerun(en_client, setup, province_supervisor):
    w, scheme = setup
    services.sign_off(scheme=scheme, user=province_supervisor)
    en_client.force_login(province_supervisor)
    page = en_client.get(f"/assessments/{scheme.pk}/").content.decode()
    assert 'id="rerun"' in page and 'id="compute"' not in page
    response = en_client.post(f"/assessments/{scheme.pk}/settings/", {"total_points": "100", "excellent_from": "95", "good_from": "80", "pass_from": "60", "discrepancy_points": "1"}, follow=True)
    assert "signed off" in response.content.decode()
    response = en_client.post(f"/assessments/{scheme.pk}/rerun/")
    new = AssessmentScheme.objects.get(version=2)
    assert response.status_code == 302 and response["Location"] == f"/assessments/{new.pk}/differences/"
    assert en_client.get(f"/assessments/{new.pk}/differences/").status_code == 200


def test_the_evidence_of_a_judgement_and_a_veto_is_listed_and_downloaded_only_by_those_who_see_the_sheet(
    en_client, media_root, setup, province_supervisor
):
    w, scheme = setup
    a, b = w.prefectures[0].region, w.prefectures[1].region
    judged = services.item_add(scheme=scheme, kind="other", title="建立协调机制", weight=10, rule="judged", user=province_supervisor)
    pdf = b"%PDF-1.4\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n"
    services.judge(
        scheme=scheme, item=judged, region=a, met=True, note="见文件", user=province_supervisor,
        evidence=[SimpleUploadedFile("协调机制文件.pdf", pdf, content_type="application/pdf")],
    )
    en_client.force_login(province_supervisor)
    page = en_client.get(f"/assessments/{scheme.pk}/prefectures/{a.pk}/").content.decode()
    assert 'id="judgement-list"' in page and "协调机制文件.pdf" in page
    link = page[page.index("/evidence/", page.index('id="judgement-list"')) :].split('"')[0]
    assert en_client.get(link).status_code == 200  # the province
    en_client.force_login(make_supervisor("sup-a2", region=a))
    assert "协调机制文件.pdf" in en_client.get(f"/assessments/{scheme.pk}/prefectures/{a.pk}/").content.decode()
    assert en_client.get(link).status_code == 200  # the prefecture it is about
    en_client.force_login(make_supervisor("sup-b2", region=b))
    assert en_client.get(link).status_code == 404  # another prefecture
