"""The ranking's download and ``export_assessment``: one row per prefecture, in rank order."""

import io
from decimal import Decimal as D

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from assessment import services
from tests.assessment.conftest import YEAR, indicator_scheme

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def _rows(data: bytes) -> list[tuple]:
    return list(load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))


@pytest.fixture
def computed(world, province_supervisor):
    w = world(3)
    for prefecture, value in zip(w.prefectures, (40, 80, 60), strict=True):
        w.value(prefecture, value)
    scheme = indicator_scheme(w, province_supervisor, weight=80)
    services.item_add(scheme=scheme, kind="notices_on_time", weight=20, rule="target", user=province_supervisor)
    services.compute(scheme=scheme, user=province_supervisor)
    services.bonus_add(scheme=scheme, region=w.prefectures[0].region, points="3", reason="国家级示范区", user=province_supervisor)
    services.bonus_add(scheme=scheme, region=w.prefectures[2].region, points="-2", reason="迟报", user=province_supervisor)
    return w, scheme


def test_download_has_a_header_and_one_row_per_prefecture_in_rank_order(en_client, computed, province_supervisor):
    w, scheme = computed
    client = en_client
    client.force_login(province_supervisor)
    response = client.get(f"/assessments/{scheme.pk}/ranking.xlsx")
    assert response.status_code == 200
    rows = _rows(response.content)
    assert rows[0] == ("Rank", "Prefecture", "Total", "1 严重精神障碍患者规范管理率（80）",
                       "Supervision notices answered on time（20）", "Bonus", "Deduction", "Verification deduction",
                       "Grade", "Veto", "Version", "Frozen at")
    assert [row[:3] for row in rows[1:]] == [(1, "黄石市", 100), (2, "十堰市", 78), (3, "武汉市", 63)]
    assert rows[3][5:7] == (3, 0)
    assert rows[2][5:7] == (0, 2)
    assert [row[8] for row in rows[1:]] == ["Excellent", "Pass", "Pass"]
    assert rows[1][10:] == (1, "not signed off")


def test_command_writes_the_same_file(computed, tmp_path):
    w, scheme = computed
    out = tmp_path / "ranking.xlsx"
    call_command("export_assessment", "--plan", str(w.plan.pk), "--year", str(YEAR), "-o", str(out), stdout=io.StringIO())
    rows = _rows(out.read_bytes())
    assert len(rows) == 4
    breakdown = list(load_workbook(io.BytesIO(out.read_bytes())).worksheets[1].iter_rows(values_only=True))
    assert breakdown[0][:2] == ("Prefecture", "Item") and len(breakdown) == 1 + 3 * 2  # per prefecture and item
    assert [row[1] for row in rows[1:]] == ["黄石市", "十堰市", "武汉市"]
    assert rows[1][2] == D("100") or rows[1][2] == 100


def test_command_refuses_an_unknown_scheme(computed, tmp_path):
    w, scheme = computed
    with pytest.raises(CommandError, match="no assessment scheme for 2023"):
        call_command("export_assessment", "--plan", str(w.plan.pk), "--year", "2023", "-o", str(tmp_path / "x.xlsx"))


def test_export_is_formula_safe(computed):
    w, scheme = computed
    w.rate.name = '=HYPERLINK("http://evil","点击")'
    w.rate.save(update_fields=["name"])
    region = w.prefectures[0].region
    region.name = "=1+2"
    region.save()
    from assessment.selectors import export_xlsx

    sheet = load_workbook(io.BytesIO(export_xlsx(scheme))).active
    cells = [cell for row in sheet.iter_rows() for cell in row if isinstance(cell.value, str) and cell.value.startswith("=")]
    assert cells  # the hostile texts are there …
    assert all(cell.data_type == "s" and cell.quotePrefix for cell in cells)  # … as text, not formulas
