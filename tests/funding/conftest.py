import datetime
from decimal import Decimal

import pytest

from funding import services
from funding.models import LedgerEntry

Kind = LedgerEntry.Kind
D = Decimal


@pytest.fixture
def line(plan, dept_a, supervisor, task_a):
    return services.line_create(
        plan=plan, fiscal_year=2024, source="local_budget", budget_subject="2100206 精神病医院",
        purpose="精神专科医院运行经费", department=dept_a, tasks=[task_a], user=supervisor,
    )


@pytest.fixture
def record(supervisor):
    """record(line, kind, amount, **kwargs) as the supervisor, dated 2024-06-01 unless told."""

    def _record(line, kind, amount, *, user=None, date=datetime.date(2024, 6, 1), **kwargs):
        return services.entry_record(
            line=line, kind=kind, amount=amount, date=date, document_number=kwargs.pop("document_number", "示财社〔2024〕1号"),
            user=user or supervisor, **kwargs,
        )

    return _record


@pytest.fixture
def funded(line, record):
    """Allocated 100,000.00, disbursed 60,000.00, spent 40,000.00."""
    record(line, Kind.ALLOCATION, D("100000.00"))
    record(line, Kind.DISBURSEMENT, D("60000.00"))
    record(line, Kind.EXPENDITURE, D("40000.00"))
    return line


@pytest.fixture(autouse=True)
def english_messages():
    """Messages are lazy and rendered when a test reads them: read them in English."""
    from django.utils import translation

    with translation.override("en"):
        yield
