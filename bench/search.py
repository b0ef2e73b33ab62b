"""Benchmark: the header's search (``search``) on the national dataset of ``bench/pages.py``.

    BENCH_SCALE=0.05 DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_pages python bench/pages.py   # builds it
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_pages python bench/search.py

For the province's supervisor, a department's liaison and a superuser (every region), and for a
few queries — a word every key task has (精神卫生), two characters (no trigram: 精神), a rare title,
a notice number — one line per kind: its query's execution and planning time (median of 5,
``EXPLAIN ANALYZE``), whether
it read a trigram index, and whether it read a big table sequentially. ``BENCH_EXPLAIN=1`` prints
the plans.
"""

from __future__ import annotations

import os
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("SECRET_KEY", "bench-search")
os.environ["DEBUG"] = "0"

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

from accounts.models import User  # noqa: E402
from search import selectors  # noqa: E402

QUERIES = ("精神卫生", "精神", "重点任务37：", "督办〔2024〕12号", "卫生健康委")
BIG = ("tasks_progressreport", "supervision_supervisionnotice", "tasks_keytask")
RUNS = 5


def _explain(sql: str, params) -> tuple[float, float, str]:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, TIMING OFF) " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    ms = float(plan.rsplit("Execution Time: ", 1)[1].split(" ")[0])
    planning = float(plan.rsplit("Planning Time: ", 1)[1].split(" ")[0])
    return ms, planning, plan


def main() -> None:
    if connection.vendor != "postgresql":
        sys.exit("bench/search.py measures PostgreSQL: set DATABASE_URL.")
    users = {
        "province-supervisor": User.objects.get(username="bench-supervisor"),
        "liaison": User.objects.get(username="bench-liaison"),
        "superuser": User.objects.filter(is_superuser=True).first(),
    }
    with connection.cursor() as cursor:
        cursor.execute("SELECT relname, reltuples::bigint FROM pg_class WHERE relname = ANY(%s)", [list(BIG)])
        print("rows", dict(cursor.fetchall()))
        cursor.execute("SELECT show_trgm('精神卫生')")
        print("show_trgm('精神卫生')", cursor.fetchone()[0])
    for role, user in users.items():
        if user is None:
            continue
        for q in QUERIES:
            total = total_planning = 0.0
            for kind in selectors.KINDS:
                group = selectors.group(kind, user, q)
                query = selectors.group_rows(kind, user, q)
                sql, params = query.query.sql_with_params()
                times, plannings, plan = [], [], ""
                for _ in range(RUNS):
                    ms, planning, plan = _explain(sql, params)
                    times.append(ms)
                    plannings.append(planning)
                ms, planning = statistics.median(times), statistics.median(plannings)
                total += ms
                total_planning += planning
                trigram = "trgm" in plan
                seq = [t for t in BIG if f"Seq Scan on {t}" in plan]
                print(
                    f"SEARCH role={role} q={q} kind={kind.key} count={group.count}{'+' if group.capped else ''} "
                    f"ms={ms:.1f} planning_ms={planning:.1f} trigram_index={'yes' if trigram else 'no'} seq_scan={','.join(seq) or '-'}"
                )
                if os.environ.get("BENCH_EXPLAIN"):
                    print("\n".join("      " + line for line in plan.splitlines()))
            print(f"TOTAL role={role} q={q} ms={total:.1f} planning_ms={total_planning:.1f}")


if __name__ == "__main__":
    main()
