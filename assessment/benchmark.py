"""Benchmark callables of the assessment (for bench/assessment.py and the province benchmark):
time and query count of computing a year's scores and of the export. Not a timed test."""

from __future__ import annotations

import time
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessment import selectors, services
from assessment.models import AssessmentScheme, SchemeItem
from tasks.models import Plan


def bench_scheme(plan: Plan, year: int, user) -> AssessmentScheme:
    """The plan's scheme of ``year``, or a new one: every numeric indicator (target rule) and the
    three shares, the 100 points spread evenly."""
    scheme = AssessmentScheme.objects.filter(plan=plan, year=year).first()
    if scheme is not None:
        return scheme
    scheme = services.scheme_create(plan=plan, year=year, title=f"{year}年度市州考核（基准）", user=user)
    indicators = [i for i in plan.indicators.order_by("position", "pk") if i.is_numeric]
    kinds = [(SchemeItem.Kind.INDICATOR, i) for i in indicators] + [(k, None) for k in services.SHARE_KINDS]
    share = (Decimal(100) / len(kinds)).quantize(Decimal("0.01"), rounding="ROUND_DOWN")
    for index, (kind, indicator) in enumerate(kinds):
        weight = share if index < len(kinds) - 1 else Decimal(100) - share * (len(kinds) - 1)
        rule = SchemeItem.Rule.BANDED if index % 2 else SchemeItem.Rule.TARGET
        services.item_add(scheme=scheme, kind=kind, indicator=indicator, weight=weight, rule=rule, user=user)
    return scheme


def assessment_bench(plan: Plan, year: int, user) -> list[str]:
    """Lines to print: the computation and the export, each with its time and query count."""
    scheme = bench_scheme(plan, year, user)
    lines = []
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        services.compute(scheme=scheme, user=user)
        elapsed = time.perf_counter() - started
    prefectures = scheme.scores.values("region").distinct().count()
    lines.append(
        f"assessment compute  {elapsed * 1000:.0f} ms, {len(queries.captured_queries)} queries "
        f"({prefectures} prefectures × {scheme.items.count()} items)"
    )
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        data = selectors.export_xlsx(scheme)
        elapsed = time.perf_counter() - started
    lines.append(
        f"assessment export   {elapsed * 1000:.0f} ms, {len(queries.captured_queries)} queries, {len(data) / 1024:.0f} KiB"
    )
    return lines
