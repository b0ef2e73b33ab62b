"""The signed-off ranking in the plan's bulletin and final report: one row per prefecture."""

import io
import re

import pytest
from pypdf import PdfReader

from assessment import services
from evaluation.report import render_bulletin, render_final_report
from tests.assessment.conftest import indicator_scheme

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def text(data: bytes) -> str:
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages))


@pytest.fixture
def scheme(world, province_supervisor):
    w = world(3, tasks_per_prefecture=3)
    for prefecture, value in zip(w.prefectures, (40, 80, 60), strict=True):
        w.value(prefecture, value)
    scheme = indicator_scheme(w, province_supervisor)
    services.compute(scheme=scheme, user=province_supervisor)
    return scheme


def test_a_computed_but_unsigned_ranking_is_not_published(scheme):
    assert "Performanceassessment" not in text(render_bulletin(scheme.plan, "2024Q4"))


def test_bulletin_and_final_report_carry_the_signed_off_ranking(scheme, province_supervisor):
    services.sign_off(scheme=scheme, user=province_supervisor)
    for data in (render_bulletin(scheme.plan, "2025Q1"), render_final_report(scheme.plan)):
        found = text(data)
        assert "Performanceassessmentoftheprefectures,2024" in found
        section = found.split("Performanceassessmentoftheprefectures,2024")[-1]
        assert section.index("黄石市") < section.index("十堰市") < section.index("武汉市")
        assert section.count("黄石市") == 1  # one row per prefecture, not per task
    assert "Performanceassessment" not in text(render_bulletin(scheme.plan, "2023Q4"))  # not yet then
