"""The printable notice (督办单): read back with pypdf, the text a reader sees is all there."""
# ruff: noqa: F811 - the fixtures imported from notice_fixtures are redefined as test arguments

import io
import re

import pytest
from django.urls import reverse
from pypdf import PdfReader

from supervision.pdf import header_title, notice_pdf, plan_topic
from tests.factories import DepartmentFactory
from tests.supervision.notice_fixtures import REQUIREMENTS, head_a, issue, media_root, notice  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db


def text_of(data: bytes) -> str:
    """All pages' text with the line breaks and spaces of the layout taken out."""
    reader = PdfReader(io.BytesIO(data))
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))


def test_the_pdf_holds_the_reference_recipient_task_requirements_deadline_and_issuer(notice, region):
    DepartmentFactory(region=region, name="示范市卫生健康委员会督导办", short_name="督导办", is_supervising=True)
    data = notice_pdf(notice)
    assert data.startswith(b"%PDF-")
    text = text_of(data)
    for expected in [
        "示范市",  # the red header: the region …
        "督办〔2024〕1号",
        "示范市卫生健康委员会",  # the recipient
        "统筹推进精神卫生信息化建设",  # the key task
        REQUIREMENTS,
        "示范市卫生健康委员会督导办",  # the issuing unit: the supervising department
    ]:
        assert re.sub(r"\s+", "", expected) in text, expected
    reader = PdfReader(io.BytesIO(data))
    fonts = {str(font["/BaseFont"]) for page in reader.pages for font in page["/Resources"]["/Font"].values()}
    # The TrueType CJK font embedded as a subset (/AAAAAA+WenQuanYiZenHei-0), as in the reports.
    assert any(re.fullmatch(r"/[A-Z]{6}\+\S+", font) for font in fonts), fonts
    assert not any("STSong-Light" in font for font in fonts), fonts
    assert "督办〔2024〕1号" in reader.metadata.title


def test_the_header_is_the_region_and_the_plans_subject(notice):
    assert plan_topic(notice) == "精神卫生"  # from 示范市精神卫生“十四五”规划
    assert "示范市" in header_title(notice) and "精神卫生" in header_title(notice)


def test_without_a_supervising_department_the_issuer_signs(notice, supervisor):
    assert supervisor.display_name or supervisor.username
    assert str(supervisor) in "".join(PdfReader(io.BytesIO(notice_pdf(notice))).pages[0].extract_text().split())


def test_long_requirements_and_markup_like_text_are_typeset_safely(task_a, dept_a, liaison_a, supervisor):
    requirements = "\n".join(f"{n}. 落实<第{n}项>整改要求 & 报送佐证材料。" * 6 for n in range(1, 16))
    notice = issue(task_a, dept_a, supervisor, requirements=requirements)
    data = notice_pdf(notice)
    assert len(PdfReader(io.BytesIO(data)).pages) >= 2
    assert "落实<第15项>整改要求&报送佐证材料。" in text_of(data)


def test_the_pdf_is_downloaded_with_the_reference_as_its_name(client, notice, liaison_a):
    client.force_login(liaison_a)
    response = client.get(reverse("supervision:notice_pdf", args=[notice.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "filename*=UTF-8''%E7%9D%A3%E5%8A%9E" in response["Content-Disposition"]  # 督办…
    assert "督办〔2024〕1号" in text_of(response.content)
