"""Benchmark: the province's view of a cascaded plan (issue 11): the task matrix and its export,
one prefecture's tasks, the indicator comparison, the assessment's computation and its export.

    make bench                      # SQLite scratch file: 17 prefectures × 120 tasks × 5 years of quarterly reports
    BENCH_PREFECTURES=17 BENCH_TASKS=120 DATABASE_URL=postgres://postgres@127.0.0.1:5432/plansupervisor_bench python bench/province.py

Prints the build time, then for each measured section its time and number of queries (after one
warm-up run). Uses its own database: a scratch SQLite file by default, or DATABASE_URL (which it
migrates and fills: give it a database you can throw away).

To add a figure: append a builder to BUILD (it gets the ``Bench`` and adds data, e.g. indicators)
and a ``(name, callable)`` to SECTIONS (the callable gets the ``Bench``; whatever it returns with a
``__len__`` is printed as its size). Every section is measured the same way, in one loop.
"""

from __future__ import annotations

import datetime
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench.scratch import django_setup  # noqa: E402

# The pages are rendered through the test client: plain static files (no manifest to build).
scratch = django_setup(DEBUG="1")

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402

from accounts.models import User  # noqa: E402
from tasks.models import ProgressReport  # noqa: E402
from tests.dashboards.conftest import CascadeWorld, cascade_world  # noqa: E402
from tests.factories import make_supervisor  # noqa: E402

PREFECTURES = int(os.environ.get("BENCH_PREFECTURES", "17"))
TASKS = int(os.environ.get("BENCH_TASKS", "120"))
YEARS = int(os.environ.get("BENCH_YEARS", "5"))


@dataclass
class Bench:
    """What every section may use: the cascaded province, its supervisor and a client logged in as them."""

    world: CascadeWorld
    supervisor: User
    client: Client
    extra: dict[str, Any] = field(default_factory=dict)  # for the builders others add


def _get(bench: Bench, url: str, **params) -> bytes:
    response = bench.client.get(url, params)
    if response.status_code != 200:
        raise RuntimeError(f"{url} answered {response.status_code}")
    return response.getvalue() if response.streaming else response.content  # exports stream


def matrix_page(bench: Bench) -> bytes:
    return _get(bench, reverse("dashboards:regions", args=[bench.world.plan.pk]))


def matrix_export(bench: Bench) -> bytes:
    return _get(bench, reverse("dashboards:regions", args=[bench.world.plan.pk]), _export="xlsx")


def region_page(bench: Bench) -> bytes:
    return _get(bench, reverse("dashboards:region", args=[bench.world.plan.pk, bench.world.prefectures[0].pk]))


INDICATORS = int(os.environ.get("BENCH_INDICATORS", "40"))


def indicators(bench: Bench) -> None:
    """40 indicators of the province plan (rates with numerator and denominator), cascaded to every
    prefecture with its own annual targets and five years of approved annual values."""
    from indicators.models import AnnualIndicatorTarget, Indicator, IndicatorValue
    from tasks.models import Department

    world = bench.world
    years = range(world.plan.start_year, world.plan.end_year + 1)
    health = Department.objects.create(region=world.province, code="bench-wsjkw", name="湖北省卫生健康委员会", is_supervising=True)
    parents = Indicator.objects.bulk_create(
        Indicator(
            plan=world.plan, code=str(n + 1), name=f"指标{n + 1}", unit_kind="percent", baseline_value=Decimal(60),
            baseline_year=2020, target_value=Decimal(90), target_year=world.plan.end_year, position=n, department=health,
        )
        for n in range(INDICATORS)
    )
    for p, plan in enumerate(world.child_plans):
        department = world.departments[plan.region_id][0]
        children = Indicator.objects.bulk_create(
            Indicator(
                plan=plan, parent=i, code=i.code, name=i.name, unit_kind="percent", baseline_value=Decimal(60), baseline_year=2020,
                target_value=Decimal(90), target_year=world.plan.end_year, position=i.position, department=department,
            )
            for i in parents
        )
        AnnualIndicatorTarget.objects.bulk_create(
            AnnualIndicatorTarget(indicator=c, year=y, value=Decimal(70 + (y - years[0]) * 5 - p % 3)) for c in children for y in years
        )
        IndicatorValue.objects.bulk_create(
            IndicatorValue(
                indicator=c, year=y, period_code=str(y), region=plan.region, numerator=Decimal(600 + (y - years[0]) * 50 + (n + p) % 200),
                denominator=Decimal(1000), value=Decimal(60 + (y - years[0]) * 5) + Decimal((n + p) % 200) / 10,
                status="approved", due_on=datetime.date(y + 1, 3, 31),
            )
            for n, c in enumerate(children)
            for y in years
        )
    bench.extra["indicator"] = parents[0]


def indicator_comparison(bench: Bench) -> bytes:
    return _get(bench, reverse("indicators:region_comparison", args=[bench.extra["indicator"].pk]), year=2024)


def assessment_compute(bench: Bench):
    from assessment import services
    from assessment.benchmark import bench_scheme

    scheme = bench.extra.get("scheme") or bench_scheme(bench.world.plan, 2024, bench.supervisor)
    bench.extra["scheme"] = scheme
    services.compute(scheme=scheme, user=bench.supervisor)
    return scheme.scores.values("region").distinct()


def assessment_export(bench: Bench) -> bytes:
    return _get(bench, reverse("assessment:export", args=[bench.extra["scheme"].pk]))


BUILD: list[Callable[[Bench], None]] = [indicators]
SECTIONS: list[tuple[str, Callable[[Bench], Any]]] = [
    ("task matrix page", matrix_page),
    ("task matrix export (xlsx)", matrix_export),
    ("one prefecture's tasks", region_page),
    ("indicator comparison page", indicator_comparison),
    ("assessment computation", assessment_compute),
    ("assessment export (xlsx)", assessment_export),
]


def _size(result: Any) -> str:
    if isinstance(result, bytes | str):
        return f", {len(result) / 1024:.0f} KiB"
    if hasattr(result, "__len__"):
        return f", {len(result)} rows"
    return ""


def main() -> None:
    call_command("migrate", verbosity=0)
    setup_test_environment()  # the test client's host, and e-mail kept in memory
    started = time.perf_counter()
    world = cascade_world(PREFECTURES, tasks=TASKS, quarters=4 * YEARS)
    supervisor = make_supervisor("bench-province-supervisor", region=world.province)
    client = Client()
    client.force_login(supervisor)
    bench = Bench(world=world, supervisor=supervisor, client=client)
    for build in BUILD:
        build(bench)
    built = time.perf_counter() - started

    print(f"database            {connection.vendor} ({'scratch file' if scratch else os.environ['DATABASE_URL']})")
    print(
        f"province            {PREFECTURES} prefectures × {TASKS} cascaded tasks, "
        f"{ProgressReport.objects.count():,} quarterly reports over {YEARS} years, {INDICATORS} indicators"
    )
    print(f"built in            {built:.1f} s")
    for name, section in SECTIONS:
        section(bench)  # warm-up: templates, translations, the session
        with CaptureQueriesContext(connection) as queries:
            t0 = time.perf_counter()
            result = section(bench)
            elapsed = time.perf_counter() - t0
        print(f"{name:<28}{elapsed * 1000:>7.0f} ms, {len(queries.captured_queries)} queries{_size(result)}")


if __name__ == "__main__":
    main()
