"""A province's final report and bulletin (issue 14): per prefecture and per section, evidence
counted with the list left in the system, every task and file name only with task detail; a
bounded number of queries whatever the number of prefectures and tasks."""

import datetime
import io
import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from evaluation.models import GeneratedReport
from evaluation.report import render_bulletin, render_final_report
from evidence.services import evidence_attach
from supervision.models import SupervisionNotice
from tasks.models import MilestoneClaim, ProgressReport
from tests.dashboards.conftest import cascade_world
from tests.evidence.files import PDF
from tests.factories import KeyTaskFactory, PlanFactory, make_supervisor

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english", "media_root")]
ON = datetime.date(2021, 12, 31)
FILE = "武汉市心理援助热线年度总结.pdf"


def text(data: bytes) -> str:
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages))


def attach(report: ProgressReport, name: str, user) -> None:
    evidence_attach(owner=report, upload=SimpleUploadedFile(name, PDF, content_type="application/pdf"), user=user)


@pytest.fixture
def province():
    """Three prefectures × 4 cascaded tasks, two quarters of reports; two files on one report of
    武汉市 and one on a report of 黄石市; one overdue draft in 十堰市; a red notice in 黄石市."""
    world = cascade_world(3, tasks=4, quarters=2)
    supervisor = make_supervisor("province-report-supervisor", region=world.province)
    wuhan, huangshi, shiyan = (world.child_task(world.province_tasks[0], p) for p in world.prefectures)
    attach(wuhan.reports.order_by("period__starts_on").first(), FILE, supervisor)
    attach(wuhan.reports.order_by("period__starts_on").first(), "第二份佐证.pdf", supervisor)
    attach(huangshi.reports.order_by("period__starts_on").first(), "黄石佐证.pdf", supervisor)
    late = shiyan.reports.order_by("period__starts_on").last()
    ProgressReport.objects.filter(pk=late.pk).update(status=ProgressReport.Status.DRAFT, round=0)
    SupervisionNotice.objects.create(
        year=2021, number=1, task=huangshi, department=world.departments[world.prefectures[1].pk][0],
        level=SupervisionNotice.Level.RED, requirements="按期报送。", response_due_on=datetime.date(2021, 7, 15),
        issued_by=supervisor, issued_at=datetime.datetime(2021, 4, 20, 9, tzinfo=datetime.UTC),
    )
    world.supervisor = supervisor
    return world


def test_the_final_report_sums_per_prefecture_and_counts_the_evidence_without_naming_it(province):
    found = text(render_final_report(province.plan, on=ON))
    for name in ("武汉市", "黄石市", "十堰市"):
        assert name in found
    assert "handeddownto3prefectures" in found
    assert "theyhold12keytasks" in found  # 3 prefectures × 4 tasks, not the province's 4 handed-down ones twice
    assert "3.1Byprefecture" in found and "3.2Bysection" in found and "第1章" in found
    assert "3evidencefilesback2ofthe12keytasks." in found
    # 武汉市: 4 tasks, 1 with evidence, 2 files, listed at its plan's task list
    wuhan_plan = province.child_plans[0]
    assert f"武汉市412{reverse('tasks:task_list', args=[wuhan_plan.pk])}" in found
    assert FILE.removesuffix(".pdf") not in found and "第二份佐证" not in found
    assert "Appendix" not in found
    assert "省级重点任务2" not in found  # no row per task


def test_with_task_detail_the_appendix_lists_every_task_and_file(province):
    found = text(render_final_report(province.plan, on=ON, with_task_detail=True))
    assert "Appendix.Keytasksandtheirevidencefiles,byprefecture" in found
    appendix = found.split("Appendix.Keytasksandtheirevidencefiles,byprefecture")[-1]
    assert FILE.removesuffix(".pdf") in appendix and "黄石佐证" in appendix
    assert appendix.index("武汉市") < appendix.index("黄石市") < appendix.index("十堰市")
    assert appendix.count("省级重点任务2") == 3  # once per prefecture


def test_the_bulletin_has_a_row_per_prefecture_and_lists_only_with_task_detail(province):
    plain = text(render_bulletin(province.plan, "2021Q2", on=ON))
    assert "1.Progressreportsbyprefecture" in plain and "2.Tasklightsbyprefecture" in plain
    assert all(p.name in plain for p in province.prefectures)
    assert "1report(s)ofthisperiodareoverdue" in plain
    assert "省级重点任务1" not in plain and "督办〔2021〕1号" not in plain
    detailed = text(render_bulletin(province.plan, "2021Q2", on=ON, with_task_detail=True))
    assert "省级重点任务1" in detailed and "督办〔2021〕1号" in detailed


def _queries(render) -> int:
    with CaptureQueriesContext(connection) as captured:
        render()
    return len(captured.captured_queries)


@pytest.mark.parametrize("with_task_detail", [False, True])
def test_the_number_of_queries_does_not_grow_with_prefectures_or_tasks(with_task_detail):
    small = cascade_world(2, tasks=3, quarters=2)
    large = cascade_world(6, tasks=8, quarters=3)
    supervisor = make_supervisor("queries-supervisor", region=large.province)
    for world in (small, large):
        for task in world.child_tasks[:: len(world.province_tasks)]:
            attach(task.reports.first(), "佐证.pdf", supervisor)
    ContentType.objects.get_for_models(ProgressReport, MilestoneClaim, SupervisionNotice)  # cached, as in a worker

    def final(world):
        return lambda: render_final_report(world.plan, on=ON, with_task_detail=with_task_detail)

    def bulletin(world):
        return lambda: render_bulletin(world.plan, "2021Q2", on=ON, with_task_detail=with_task_detail)

    for render in (final, bulletin):
        few, many = _queries(render(small)), _queries(render(large))
        assert few == many, (render.__name__, few, many)
        assert many <= 40


def test_a_city_plan_counts_evidence_per_task_and_names_files_only_with_task_detail():
    plan = PlanFactory(title="示范市测试规划")
    task = KeyTaskFactory(plan=plan, title="建设心理援助热线")
    supervisor = make_supervisor("city-report-supervisor")
    period = plan.periods.create(
        cadence="quarterly", year=2021, number=1, starts_on=datetime.date(2021, 1, 1), ends_on=datetime.date(2021, 3, 31),
        due_on=datetime.date(2021, 4, 10), contribution_due_on=datetime.date(2021, 4, 5),
    )
    department = plan.region.departments.create(code="wsjkw", name="示范市卫生健康委员会")
    report = ProgressReport.objects.create(task=task, period=period, department=department, due_on=period.due_on)
    attach(report, FILE, supervisor)

    plain = text(render_final_report(plan, on=ON))
    assert "建设心理援助热线" in plain and reverse("tasks:task_detail", args=[task.pk]) in plain
    assert FILE.removesuffix(".pdf") not in plain
    assert FILE.removesuffix(".pdf") in text(render_final_report(plan, on=ON, with_task_detail=True))


def test_the_command_takes_with_task_detail(province, tmp_path):
    plain, detailed = tmp_path / "plain.pdf", tmp_path / "detailed.pdf"
    call_command("render_report", "final", "--plan", str(province.plan.pk), "-o", str(plain))
    call_command("render_report", "final", "--plan", str(province.plan.pk), "--with-task-detail", "-o", str(detailed))
    assert FILE.removesuffix(".pdf") not in text(plain.read_bytes())
    assert FILE.removesuffix(".pdf") in text(detailed.read_bytes())


def test_the_web_form_asks_for_task_detail(province, en_client, django_capture_on_commit_callbacks):
    client = en_client
    client.force_login(province.supervisor)
    url = reverse("evaluation:report_list")
    assert 'name="with_task_detail"' in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"plan": province.plan.pk, "kind": "final", "with_task_detail": "on"})
    report = GeneratedReport.objects.get()
    assert report.with_task_detail and report.status == GeneratedReport.Status.DONE
    assert "with task detail" in str(report)
    assert "Final assessment report with task detail" in client.get(url).content.decode()  # the list says which
    download = client.get(reverse("evaluation:report_download", args=[report.pk]))
    assert FILE.removesuffix(".pdf") in text(b"".join(download.streaming_content))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"plan": province.plan.pk, "kind": "final"})
    plain = GeneratedReport.objects.get(version=2)
    assert not plain.with_task_detail
    download = client.get(reverse("evaluation:report_download", args=[plain.pk]))
    assert FILE.removesuffix(".pdf") not in text(b"".join(download.streaming_content))
