"""The evaluator's facts give funding in 万元 with separators, as finance writes it (not 27910000.00)."""

from decimal import Decimal
from types import SimpleNamespace

from django.template.loader import render_to_string


def test_funding_facts_are_in_ten_thousand_yuan(english):
    task = SimpleNamespace(pk=1, code="1", title="任务", get_absolute_url=lambda: "/tasks/1/")
    row = SimpleNamespace(
        task=task, role="lead", approved_percent=None, reports_approved=0, reports_due=0, reports_late=0, extensions=[],
        milestones_on_time=0, milestones_approved=0, milestones=0, milestones_overdue=0, notices=0,
        funding_lines=1, execution_rate=Decimal("85.5"), spent=Decimal("27910000"), allocated=Decimal("32640000"),
    )
    html = render_to_string("evaluation/_facts.html", {"facts": SimpleNamespace(on="2025-12-31", tasks=[row])})
    assert "2,791.00 / 3,264.00 (10,000 yuan)" in html and "27910000" not in html
