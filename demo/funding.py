"""Demo funding lines for 2021–2025, after chapter 四(三) 保障经费投入 of the seed plan.

``seed_demo_funding(plan)`` creates each line with its ledger through ``funding.services`` (so
the rules, locks and audit trail apply). Idempotent: a line whose number exists is skipped.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from django.db import transaction

from accounts.models import User
from funding import services
from funding.models import FundingLine, LedgerEntry, Source
from tasks.models import Department, KeyTask, Plan

Kind = LedgerEntry.Kind
YEARS = range(2021, 2026)


@dataclass(frozen=True)
class DemoLine:
    key: str
    purpose: str
    source: str
    subject: str
    department: str  # department code
    tasks: tuple[str, ...]  # words of the key tasks' titles
    base: int  # allocation of 2021, in 万元
    growth: Decimal  # per year
    first_year: int = 2021


LINES = [
    DemoLine("01", "精神专科医院运行经费", Source.LOCAL_BUDGET, "2100206 精神病医院", "wsjkw", ("列入本级财政预算",), 3200, Decimal("0.06")),
    DemoLine("02", "严重精神障碍患者救治救助", Source.TRANSFER, "2101301 城乡医疗救助", "ybj", ("救治救助", "救助"), 620, Decimal("0.05")),
    DemoLine("03", "社区康复服务补助", Source.SPECIAL, "2081107 残疾人康复", "cl", ("社区康复",), 280, Decimal("0.08")),
    DemoLine("04", "精神卫生信息化建设", Source.SPECIAL, "2109901 其他卫生健康支出", "wsjkw", ("信息化建设", "电子病历"), 850, Decimal("0.00"), 2022),
    DemoLine("05", "精神卫生人才培养与岗位津贴", Source.LOCAL_BUDGET, "2100299 其他公立医院支出", "rsj", ("待遇和津贴",), 210, Decimal("0.04")),
    DemoLine("06", "社会资本投入社区康复和民办精神专科医院", Source.SOCIAL, "", "fgw", ("多元化资金筹措",), 1500, Decimal("0.10"), 2023),
]

# Share of the allocation disbursed and spent per year (2025 trails on two lines: lagging).
SPENT_SHARE = {2021: Decimal("0.97"), 2022: Decimal("0.95"), 2023: Decimal("0.96"), 2024: Decimal("0.93"), 2025: Decimal("0.88")}
LAGGING_2025 = {"04": Decimal("0.42"), "06": Decimal("0.35")}


def _wan(value: Decimal) -> Decimal:
    return (value * 10000).quantize(Decimal("0.01"))


def _tasks(plan: Plan, words: tuple[str, ...]) -> list[KeyTask]:
    for word in words:
        found = list(plan.key_tasks.filter(title__contains=word)[:2])
        if found:
            return found
    return []


def _user(username: str, fallback: User) -> User:
    return User.objects.filter(username=username, is_active=True).first() or fallback


@transaction.atomic
def seed_demo_funding(plan: Plan) -> dict[str, int]:
    """Funding lines of 2021–2025 with allocations, disbursements and expenditures. Idempotent."""
    finance = User.objects.get(username="supervisor")
    departments = {d.code: d for d in Department.objects.filter(region=plan.region)}
    created = entries = 0
    for demo in LINES:
        department = departments.get(demo.department)
        if department is None:
            continue
        for year in YEARS:
            if year < demo.first_year or not (plan.start_year <= year <= plan.end_year):
                continue
            code = f"{year}-{demo.key}"
            if FundingLine.objects.filter(plan=plan, code=code).exists():
                continue
            line = services.line_create(
                plan=plan,
                code=code,
                fiscal_year=year,
                source=demo.source,
                budget_subject=demo.subject,
                purpose=demo.purpose,
                department=department,
                tasks=_tasks(plan, demo.tasks),
                user=finance,
            )
            created += 1
            entries += _ledger(line, demo, year, finance, _user(f"liaison-{demo.department}", finance))
    return {"lines": created, "entries": entries}


def _ledger(line: FundingLine, demo: DemoLine, year: int, finance: User, liaison: User) -> int:
    allocated = _wan(Decimal(demo.base) * (1 + demo.growth) ** (year - 2021))
    spent_share = LAGGING_2025.get(demo.key, SPENT_SHARE[year]) if year == 2025 else SPENT_SHARE[year]
    doc = {
        Source.LOCAL_BUDGET: f"示财社〔{year}〕{10 + int(demo.key)}号",
        Source.TRANSFER: f"鄂财社发〔{year}〕{20 + int(demo.key)}号",
        Source.SPECIAL: f"示财社〔{year}〕{30 + int(demo.key)}号",
        Source.SOCIAL: f"示发改社会〔{year}〕{40 + int(demo.key)}号",
    }[demo.source]
    count = 0

    def record(kind, amount, month, day, number, who=finance, note=""):
        nonlocal count
        count += 1
        return services.entry_record(
            line=line, kind=kind, amount=amount, date=datetime.date(year, month, day),
            document_number=number, note=note, user=who,
        )

    record(Kind.ALLOCATION, allocated, 2, 20, doc, note="年初预算下达")
    if demo.key == "01" and year == 2023:
        record(Kind.ADJUSTMENT, _wan(Decimal(150)), 9, 15, f"示财社〔{year}〕88号", note="年中追加：精神专科医院基本建设")
        allocated += _wan(Decimal(150))
    first = (allocated * Decimal("0.6")).quantize(Decimal("0.01"))
    second = (allocated * spent_share).quantize(Decimal("0.01")) - first if spent_share > Decimal("0.6") else Decimal(0)
    record(Kind.DISBURSEMENT, first if spent_share > Decimal("0.6") else (allocated * spent_share).quantize(Decimal("0.01")), 4, 10, f"{doc}-拨1", note="第一批资金拨付")
    if second > 0:
        record(Kind.DISBURSEMENT, second, 8, 25, f"{doc}-拨2", note="第二批资金拨付")
    total = (allocated * spent_share).quantize(Decimal("0.01"))
    half = (total / 2).quantize(Decimal("0.01"), rounding=ROUND_DOWN)
    record(Kind.EXPENDITURE, half, 6, 30, f"记-{year}-{demo.key}-06", who=liaison, note="上半年支出")
    if demo.key == "02" and year == 2024:
        # The first half-year's expenditure entered twice by mistake, then reversed.
        duplicate = record(Kind.EXPENDITURE, half, 7, 2, f"记-{year}-{demo.key}-06", who=liaison, note="上半年支出")
        services.entry_reverse(entry=duplicate, user=liaison, reason="重复录入上半年支出，予以冲销", date=datetime.date(year, 7, 5))
        count += 1
    record(Kind.EXPENDITURE, total - half, 11, 30, f"记-{year}-{demo.key}-11", who=liaison, note="下半年支出")
    return count
