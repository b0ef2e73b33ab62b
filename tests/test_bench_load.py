"""bench/load.py's core against a live server, so that the load benchmark cannot rot: the data
opened through ``periods_open``, liaisons logging in and submitting through the report form as a
browser does, and the database check that every report was submitted and its process moved on."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest
from django.db import connection

from tasks.models import ProgressReport

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def load():
    spec = importlib.util.spec_from_file_location("bench_load", ROOT / "bench" / "load.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_load"] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    yield module
    del sys.modules["bench_load"]


def test_a_liaison_submits_two_reports_through_the_form(load, live_server):
    liaisons = load.build_load_data(users=1, per_user=2)
    (liaison,) = liaisons
    assert len(liaison.report_ids) == 2

    submissions, elapsed = load.run_load(live_server.url, liaisons)

    assert [s.error for s in submissions] == ["", ""]
    assert all(s.ms > 0 and len(s.page_ms) == 2 for s in submissions)
    assert load.verify_submitted(liaisons) == {}
    reports = ProgressReport.objects.filter(pk__in=liaison.report_ids)
    assert {(r.status, r.submitted_by.username, r.percent_complete) for r in reports} == {
        (ProgressReport.Status.SUBMITTED, liaison.username, 60)
    }
    figures = load.summary(submissions, elapsed, users=1, db_problems={})
    assert figures["submissions"] == 2 and figures["errors"] == 0 and figures["p95_ms"] >= figures["p50_ms"] > 0


def test_a_report_not_submitted_is_counted_as_an_error(load, live_server):
    """The database check is what catches a submission that answered 302 but changed nothing."""
    liaisons = load.build_load_data(users=1, per_user=1)

    problems = load.verify_submitted(liaisons)

    (report_id,) = liaisons[0].report_ids
    assert problems == {report_id: "status draft"}
    failed = load.Submission(liaisons[0].username, report_id, error="submitting answered 500")
    assert load.summary([failed], 1.0, users=1, db_problems=problems)["errors"] == 1


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite takes one writer at a time")
def test_liaisons_submitting_at_once_with_contributions_and_evidence(load, live_server):
    liaisons = load.build_load_data(users=3, per_user=1)

    submissions, _elapsed = load.run_load(live_server.url, liaisons, evidence=True)

    assert [s.error for s in submissions] == ["", "", ""]
    assert load.verify_submitted(liaisons) == {}
    for report in ProgressReport.objects.filter(pk__in=[pk for liaison in liaisons for pk in liaison.report_ids]):
        assert report.submissions.get().content["evidence"][0]["name"] == "工作总结.pdf"


def test_percentile_is_nearest_rank(load):
    values = [float(n) for n in range(1, 101)]
    assert (load.percentile(values, 50), load.percentile(values, 95), load.percentile([], 95)) == (50.0, 95.0, 0.0)
