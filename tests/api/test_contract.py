"""The API against its own schema, checked by an outside tool: schemathesis (`st run`) against a
live server, with a supervisor's token, every check, a bounded number of examples per operation.
No server error, no answer outside the declared statuses, content types and schemas, no invalid
input accepted.

It fails (never skips) when schemathesis is missing or the schema cannot be fetched."""

from __future__ import annotations

import datetime
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from funding.services import line_create
from supervision.models import SupervisionNotice
from supervision.notices import notice_issue
from tasks.progress import report_open, reporting_period
from tests.api.conftest import token_for
from tests.factories import (
    DepartmentFactory,
    KeyTaskFactory,
    PlanFactory,
    RegionFactory,
    TaskDepartmentFactory,
    make_liaison,
    make_supervisor,
)
from tests.indicators.conftest import make_indicator

pytestmark = pytest.mark.django_db(transaction=True)

MAX_EXAMPLES = int(os.environ.get("API_CONTRACT_EXAMPLES", "5"))
CONFIG = Path(__file__).with_name("schemathesis.toml")


def st_binary() -> str:
    found = Path(sys.executable).with_name("st")
    path = str(found) if found.exists() else shutil.which("st")
    assert path, "schemathesis (the `st` command) is not installed: pip install -e '.[dev]'"
    return path


def build_world():
    """One of each object the API serves, so that every answer has a body to check."""
    region = RegionFactory(name="示范市")
    lead = DepartmentFactory(region=region, name="示范市卫生健康委员会", short_name="市卫生健康委", code="wsjkw")
    police = DepartmentFactory(region=region, name="示范市公安局", short_name="市公安局", code="gaj")
    liaison = make_liaison(lead, "contract-liaison")
    make_liaison(police, "contract-police")
    supervisor = make_supervisor("contract-supervisor", region=region)
    plan = PlanFactory(region=region, title="示范市精神卫生工作规划", status="active")
    task = KeyTaskFactory(plan=plan, code="1", title="精神卫生信息化建设")
    TaskDepartmentFactory(task=task, department=lead, role="lead")
    TaskDepartmentFactory(task=task, department=police, role="cooperating")
    report = report_open(task=task, period=reporting_period(plan=plan, cadence="quarterly", year=2024, number=2), department=lead)
    notice_issue(task=task, department=lead, level=SupervisionNotice.Level.BLUE, requirements="请说明进展", user=supervisor)
    indicator = make_indicator(plan, lead)
    from indicators import services

    value = services.value_save(user=liaison, indicator=indicator, year=2024, data={"value": "78", "source": "信息系统"})
    services.value_submit(record=value, user=liaison)
    line_create(
        plan=plan, fiscal_year=2024, source="local_budget", budget_subject="2100206", purpose="精神专科医院运行经费",
        department=lead, tasks=[task], user=supervisor,
    )
    assert report is not None
    return supervisor


def run_st(live_server, raw: str, report: Path, *extra: str) -> tuple[subprocess.CompletedProcess, float]:
    command = [
        st_binary(), "--config-file", str(CONFIG), "run", f"{live_server.url}/api/schema/",
        "--url", live_server.url,
        "-H", f"Authorization: Bearer {raw}",
        "-H", "Accept-Language: zh-hans",
        "--checks", "all",
        "--max-examples", str(MAX_EXAMPLES),
        "--workers", "1",
        "--seed", "15",
        "--no-shrink",
        "--request-timeout", "30",
        "--report", "junit", "--report-junit-path", str(report),
        *extra,
    ]
    started = time.monotonic()
    result = subprocess.run(  # in the report's folder: schemathesis keeps a cache in its working directory
        command, capture_output=True, text=True, timeout=900, cwd=report.parent, env={**os.environ, "NO_COLOR": "1"}
    )
    return result, time.monotonic() - started


def test_schemathesis_finds_nothing(live_server, settings, tmp_path):
    """Two runs: every operation with the schema's examples and generated data (MAX_EXAMPLES per
    operation); then the boundary cases (schemathesis' coverage phase: each limit, each type, each
    missing field) of the operations that write. API_CONTRACT_FULL=1 runs the coverage phase on
    every operation too (about four times longer)."""
    settings.API_RATE_PER_MINUTE = 100_000  # the fuzzer is one token; the limit has its own test
    supervisor = build_world()
    raw = token_for(supervisor, lifetime=datetime.timedelta(hours=1))
    full = os.environ.get("API_CONTRACT_FULL") == "1"
    runs = {
        "generated": ["--phases", "examples,coverage,fuzzing" if full else "examples,fuzzing"],
        # bulk/ is left out here: its items are push/'s, and its own bounds (1–1,000 items) are in the first run's schema
        "boundaries of writes": [] if full else [
            "--phases", "coverage",
            "--include-path-regex", r"^/api/v1/(indicator-values/push|progress-reports/\{id\})/$",
            "--include-method-regex", "^(POST|PATCH)$",
        ],
    }
    log = []
    for name, extra in runs.items():
        if full and not extra:
            continue
        report = Path(os.environ.get("API_CONTRACT_JUNIT_DIR", tmp_path)) / f"schemathesis-{len(log)}.xml"
        result, elapsed = run_st(live_server, raw, report, *extra)
        generated = re.search(r"(\d+) generated", result.stdout)
        log.append(f"{name}: {elapsed:.1f} s, {generated.group(1) if generated else '?'} cases")
        Path(os.environ.get("API_CONTRACT_LOG", tmp_path / "st.log")).write_text(result.stdout)
        assert result.returncode == 0, (
            f"schemathesis ({name}) found problems (exit {result.returncode}):\n{result.stdout[-20000:]}\n{result.stderr[-3000:]}"
        )
        selected = re.search(r"Selected: (\d+)/(\d+)", result.stdout)
        tested = re.search(r"Tested: (\d+)", result.stdout)
        assert selected and tested and tested.group(1) == selected.group(1), f"not every operation was tested:\n{result.stdout[-3000:]}"
        if extra == runs["generated"]:
            assert int(selected.group(1)) == int(selected.group(2)) >= 26, "the schema lost operations"
    print("\nschemathesis: " + "; ".join(log))
