"""Issue 19, part 2: signing off freezes every value, target and parameter; a later correction does
not change the signed-off score or ranking; a re-run is a new version, both kept, differences listed;
the sheet and the PDF carry the version and the freeze time."""

import io
import re

import pytest
from django.core.exceptions import ValidationError
from openpyxl import load_workbook
from pypdf import PdfReader

from assessment import selectors, services
from assessment.models import AssessmentScheme
from evaluation.report import render_final_report
from tests.assessment.conftest import indicator_scheme

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def signed(world, province_supervisor):
    w = world(3)
    for prefecture, value in zip(w.prefectures, (40, 80, 60), strict=True):
        w.value(prefecture, value)
    scheme = indicator_scheme(w, province_supervisor, rule="banded", params="保底=0.5")
    services.compute(scheme=scheme, user=province_supervisor)
    return w, services.sign_off(scheme=scheme, user=province_supervisor)


def ranking(scheme):
    return [(row.rank, row.region.name, row.total, row.grade) for row in selectors.results(scheme).rows]


def test_a_correction_after_sign_off_leaves_the_frozen_scores(signed, province_supervisor):
    w, scheme = signed
    before = ranking(scheme)
    assert scheme.snapshot["rows"][0]["name"] == "黄石市"
    assert scheme.snapshot["items"][0]["params"] == "下限分位=10; 上限分位=90; 保底=0.5"
    cell = scheme.snapshot["rows"][2]["cells"][str(scheme.items.get().pk)]
    assert (cell["value"], cell["params"]["p_low"]) == ("40.0000", "44.0000")
    w.value(w.prefectures[0], 95)  # 武汉市's figure corrected upwards
    assert ranking(scheme) == before  # the score stays
    with pytest.raises(ValidationError, match="signed off"):
        services.compute(scheme=scheme, user=province_supervisor)
    with pytest.raises(ValidationError, match="signed off"):
        services.item_edit(item=scheme.items.get(), weight=100, rule="target", user=province_supervisor)
    assert ranking(scheme) == before


def test_a_rerun_is_a_new_version_with_the_differences_listed(signed, province_supervisor):
    w, old = signed
    w.value(w.prefectures[0], 95)
    new = services.rerun(scheme=old, user=province_supervisor)
    assert (new.version, new.previous, new.status) == (2, old, AssessmentScheme.Status.COMPUTED)
    assert AssessmentScheme.objects.filter(plan=w.plan, year=2024).count() == 2  # both kept
    assert ranking(new)[0][1] == "武汉市" and ranking(old)[0][1] == "黄石市"
    found = {(d.region, d.what): (d.before, d.after) for d in selectors.differences(new)}
    assert found[("武汉市", "Rank")] == (3, 1)
    assert found[("武汉市", "1 严重精神障碍患者规范管理率")] == ("50", "100")
    notes = {d.what: d.note for d in selectors.differences(new) if d.region == "武汉市"}
    assert notes["1 严重精神障碍患者规范管理率"] == "value 40.0000 → 95.0000"  # the value behind the score, beside the label
    assert notes["Total"] == ""
    assert found[("武汉市", "Total")] == ("50", "100")
    assert ("黄石市", "Rank") in found  # pushed down from first
    with pytest.raises(ValidationError, match="re-run already"):
        services.rerun(scheme=old, user=province_supervisor)
    with pytest.raises(ValidationError, match="Only a signed-off"):
        services.rerun(scheme=new, user=province_supervisor)


def test_the_sheet_and_the_pdf_carry_the_version_and_the_freeze_time(signed, province_supervisor):
    w, scheme = signed
    frozen = selectors.frozen_text(scheme)
    book = load_workbook(io.BytesIO(selectors.export_xlsx(scheme)))
    ranking_sheet, breakdown = book.worksheets
    first = list(ranking_sheet.iter_rows(values_only=True))
    assert first[1][-2:] == (1, frozen)
    rows = list(breakdown.iter_rows(values_only=True))
    assert rows[0][:4] == ("Prefecture", "Item", "Points", "Scoring rule")
    assert len(rows) == 4  # one row per prefecture and item
    pdf = re.sub(r"\s+", "", "".join(page.extract_text() for page in PdfReader(io.BytesIO(render_final_report(w.plan))).pages))
    assert "version1,frozenat" + frozen.replace(" ", "") in pdf


def test_a_rerun_keeps_the_evidence_of_its_judgements(world, province_supervisor, media_root):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from assessment.models import Judgement
    from evidence.services import evidence_of_each

    w = world(2)
    for prefecture, value in zip(w.prefectures, (80, 60), strict=True):
        w.value(prefecture, value)
    scheme = indicator_scheme(w, province_supervisor, weight=90)
    item = services.item_add(scheme=scheme, kind="other", title="建立协调机制", weight=10, rule="judged", user=province_supervisor)
    pdf = b"%PDF-1.4\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n"
    services.judge(
        scheme=scheme, item=item, region=w.prefectures[0].region, met=True, note="见文件", user=province_supervisor,
        evidence=[SimpleUploadedFile("协调机制文件.pdf", pdf, content_type="application/pdf")],
    )
    services.compute(scheme=scheme, user=province_supervisor)
    old = services.sign_off(scheme=scheme, user=province_supervisor)
    new = services.rerun(scheme=old, user=province_supervisor)
    judgements = {j.scheme_id: j for j in Judgement.objects.filter(region=w.prefectures[0].region)}
    files = evidence_of_each([judgements[old.pk], judgements[new.pk]])
    assert [f.original_name for f in files[judgements[new.pk].pk]] == ["协调机制文件.pdf"]
    assert files[judgements[new.pk].pk][0].file.read() == pdf  # the same stored bytes
    assert [f.original_name for f in files[judgements[old.pk].pk]] == ["协调机制文件.pdf"]  # the frozen version keeps its own
