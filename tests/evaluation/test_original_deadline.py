"""Scoring keeps the original deadline: a report submitted after its period's due date but before
the extended one is on time for the work lists (``is_late`` False) and late for the evaluation
facts and the final report, which show the extension beside the original date."""

import datetime
import io
import re

import pytest
from django.utils import translation
from pypdf import PdfReader

from evaluation import services
from evaluation.facts import department_facts
from evaluation.models import Evaluation
from evaluation.report import render_final_report
from supervision.extensions import extension_approve, extension_request
from tasks import progress
from tests.progress.conftest import submitted

pytestmark = pytest.mark.django_db

D = datetime.date
SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))
ORIGINAL, EXTENDED = D(2024, 7, 10), D(2024, 7, 31)


@pytest.fixture(autouse=True)
def _media(media_root):
    return media_root


@pytest.fixture
def extended(plan, task_a, dept_a, liaison_a, liaison_b, supervisor):
    """2024 Q2 of task_a, extended from 2024-07-10 to 2024-07-31, submitted on 2024-07-20."""
    period = progress.reporting_period(plan=plan, cadence="quarterly", year=2024, number=2)
    report = progress.report_open(task=task_a, period=period, department=dept_a)
    extension = extension_request(report=report, user=liaison_a, requested_due_on=EXTENDED, reason="数据迁移延后")
    extension_approve(extension=extension, user=supervisor)
    submitted(report, liaison_a, at=datetime.datetime(2024, 7, 20, 10, 0, tzinfo=SHANGHAI))
    report.refresh_from_db()
    assert (report.due_on, report.original_due_on, report.is_late) == (EXTENDED, ORIGINAL, False)
    return report


def test_the_facts_count_it_late_and_list_the_extension(plan, dept_a, task_a, extended):
    row = next(r for r in department_facts(plan, dept_a, on=D(2025, 2, 1)).tasks if r.task == task_a)
    assert (row.reports_due, row.reports_late) == (1, 1)
    [extension] = row.extensions
    assert (extension.period, extension.original_due_on, extension.due_on, extension.late) == (extended.period, ORIGINAL, EXTENDED, True)


def test_due_counts_the_original_date_too(plan, dept_a, task_a, extended):
    row = next(r for r in department_facts(plan, dept_a, on=D(2024, 7, 15)).tasks if r.task == task_a)
    assert row.reports_due == 1  # originally due on 2024-07-10, whatever the extension


def test_a_report_submitted_before_the_original_date_is_not_late(plan, dept_a, task_a, liaison_a, supervisor):
    period = progress.reporting_period(plan=plan, cadence="quarterly", year=2024, number=2)
    report = progress.report_open(task=task_a, period=period, department=dept_a)
    submitted(report, liaison_a, at=datetime.datetime(2024, 7, 10, 23, 0, tzinfo=SHANGHAI))
    row = next(r for r in department_facts(plan, dept_a, on=D(2025, 2, 1)).tasks if r.task == task_a)
    assert (row.reports_late, row.extensions) == (0, [])


def test_the_scoring_page_shows_the_extension_beside_the_original_date(client, plan, dept_a, supervisor, evaluator, extended, task_b_only):
    evaluation = services.evaluation_create(plan=plan, kind=Evaluation.Kind.MID_TERM, title="中期评估", lead=supervisor, user=supervisor)
    assignment = services.evaluator_assign(evaluation=evaluation, evaluator=evaluator, department=dept_a, user=supervisor)
    client.force_login(evaluator)
    page = client.get(assignment.get_absolute_url()).content.decode()
    facts = page[page.index('id="task-facts"'):]
    assert "2024Q2 截止 2024-07-10（已延期至 2024-07-31）" in re.sub(r"\s+", " ", facts)
    assert "1份逾期报送" in facts


def test_the_final_report_counts_it_late_and_shows_the_extension(plan, extended):
    with translation.override("zh-hans"):
        data = render_final_report(plan, on=D(2025, 2, 1))
    text = re.sub(r"\s+", "", "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages))
    assert "逾期未报送的进展报告0份，逾期报送1份" in text
    assert "其中1份报告经批准延期" in text
    assert "截止2024-07-10（已延期至2024-07-31）" in text
