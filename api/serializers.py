"""What the API answers: plain JSON of the objects the pages show (ids for links, codes for choices)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.fields import NumberOrStringField, StrictBooleanField, StrictCharField, StrictIntegerField
from evaluation.models import Evaluation
from funding.models import FundingLine
from indicators.attainment import STATES, attainment
from indicators.models import AnnualIndicatorTarget, Indicator, IndicatorValue
from supervision.models import SupervisionNotice
from tasks.models import (
    Department,
    KeyTask,
    Plan,
    PlanSection,
    ProgressReport,
    Region,
    ReportingPeriod,
    TaskDepartment,
)

DECIMAL = {"max_digits": 14, "decimal_places": 4, "coerce_to_string": True}


class RegionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ["id", "code", "name", "level", "parent"]


class DepartmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Department
        fields = ["id", "code", "name", "short_name", "region", "is_active"]


class PlanSerializer(serializers.ModelSerializer):
    region = RegionSerializer(read_only=True)

    class Meta:
        model = Plan
        fields = ["id", "title", "region", "parent", "start_year", "end_year", "status", "created_at", "updated_at"]


class SectionSerializer(serializers.ModelSerializer):
    class Meta:
        model = PlanSection
        fields = ["id", "plan", "parent", "code", "title", "position"]


class TaskDepartmentSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(source="department_id")
    name = serializers.CharField(source="department.name")
    short_name = serializers.CharField(source="department.short_name")

    class Meta:
        model = TaskDepartment
        fields = ["id", "name", "short_name", "role"]


class KeyTaskSerializer(serializers.ModelSerializer):
    departments = TaskDepartmentSerializer(source="task_departments", many=True, read_only=True)

    class Meta:
        model = KeyTask
        fields = [
            "id", "plan", "section", "parent", "code", "title", "content", "lead_text", "cooperating_text",
            "departments", "start_date", "due_date", "deadline_text", "is_ongoing", "cadence", "status",
            "progress", "light", "updated_at",
        ]


class PeriodSerializer(serializers.ModelSerializer):
    label = serializers.CharField(read_only=True)
    is_closed = serializers.SerializerMethodField()

    class Meta:
        model = ReportingPeriod
        fields = ["id", "plan", "cadence", "year", "number", "label", "starts_on", "ends_on", "due_on", "contribution_due_on", "is_closed", "closed_at"]

    def get_is_closed(self, period) -> bool:
        return period.closed_at is not None


class ProgressReportSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProgressReport
        fields = [
            "id", "task", "period", "department", "assignee", "status", "due_on", "percent_complete", "assessment",
            "achievements", "problems", "next_steps", "missing_contributions_reason", "round", "version",
            "is_late", "submitted_at", "decided_at", "return_reason", "created_at", "updated_at",
        ]


class ProgressReportDraftSerializer(serializers.Serializer):
    """A draft's content; ``version`` is the one read (a stale save is refused with 409)."""

    version = StrictIntegerField(min_value=0, max_value=2_147_483_647)
    percent_complete = StrictIntegerField(min_value=0, max_value=100, required=False)
    assessment = serializers.ChoiceField(choices=ProgressReport.Assessment.choices, required=False)
    achievements = StrictCharField(max_length=5000, required=False, allow_blank=True)
    problems = StrictCharField(max_length=3000, required=False, allow_blank=True)
    next_steps = StrictCharField(max_length=3000, required=False, allow_blank=True)
    missing_contributions_reason = StrictCharField(max_length=1000, required=False, allow_blank=True)


class NoticeSerializer(serializers.ModelSerializer):
    reference = serializers.CharField(read_only=True)

    class Meta:
        model = SupervisionNotice
        fields = [
            "id", "reference", "year", "number", "task", "department", "report", "level", "requirements",
            "response_due_on", "status", "issued_at", "acknowledged_at", "response", "responded_at", "decided_at",
        ]


class AnnualTargetSerializer(serializers.ModelSerializer):
    value = serializers.DecimalField(**DECIMAL, allow_null=True)

    class Meta:
        model = AnnualIndicatorTarget
        fields = ["year", "value", "text"]


class IndicatorSerializer(serializers.ModelSerializer):
    annual_targets = AnnualTargetSerializer(many=True, read_only=True)
    baseline_value = serializers.DecimalField(**DECIMAL, allow_null=True)
    target_value = serializers.DecimalField(**DECIMAL, allow_null=True)
    target_display = serializers.CharField(read_only=True)
    attainment = serializers.SerializerMethodField()

    class Meta:
        model = Indicator
        fields = [
            "id", "plan", "parent", "code", "name", "definition", "unit_kind", "unit_label", "baseline_value",
            "baseline_year", "target_value", "target_text", "target_display", "comparison", "target_year", "nature",
            "aggregation_rule", "numerator_label", "denominator_label", "department", "annual_targets", "attainment",
        ]

    @extend_schema_field(
        {
            "type": "object",
            "nullable": True,
            "properties": {
                "year": {"type": "integer"},
                "value": {"type": "string", "nullable": True, "format": "decimal"},
                "target": {"type": "string", "nullable": True, "format": "decimal"},
                "attainment": {"type": "string", "enum": list(STATES)},
            },
        }
    )
    def get_attainment(self, indicator):
        """The latest approved value of the plan's region in the year asked for (?year=), and its attainment."""
        status = self.context.get("statuses", {}).get(indicator.pk)
        if status is None:
            return None
        return {
            "year": status.year,
            "value": None if status.value is None or status.value.value is None else str(status.value.value),
            "target": None if status.target is None else str(status.target),
            "attainment": status.attainment,
        }


class IndicatorValueSerializer(serializers.ModelSerializer):
    value = serializers.DecimalField(**DECIMAL, allow_null=True)
    numerator = serializers.DecimalField(**DECIMAL, allow_null=True)
    denominator = serializers.DecimalField(**DECIMAL, allow_null=True)
    attainment = serializers.SerializerMethodField()

    class Meta:
        model = IndicatorValue
        fields = [
            "id", "indicator", "year", "period_code", "region", "value", "numerator", "denominator", "text", "source",
            "status", "due_on", "is_late", "round", "version", "submitted_at", "decided_at", "return_reason",
            "supervisor_judgement", "attainment", "created_at", "updated_at",
        ]

    @extend_schema_field(serializers.ChoiceField(choices=[(s, s) for s in STATES], allow_null=True))
    def get_attainment(self, record) -> str | None:
        """Against the year's target, for approved values (null otherwise)."""
        if record.status != IndicatorValue.Status.APPROVED:
            return None
        return attainment(record.indicator, record.year, record.value, record.supervisor_judgement)


class FundingLineSerializer(serializers.ModelSerializer):
    allocated = serializers.DecimalField(max_digits=16, decimal_places=2, read_only=True)
    disbursed = serializers.DecimalField(max_digits=16, decimal_places=2, read_only=True)
    spent = serializers.DecimalField(max_digits=16, decimal_places=2, read_only=True)
    execution_rate = serializers.FloatField(read_only=True, allow_null=True)
    disbursement_rate = serializers.FloatField(read_only=True, allow_null=True)

    class Meta:
        model = FundingLine
        fields = [
            "id", "plan", "code", "fiscal_year", "source", "budget_subject", "purpose", "department", "tasks",
            "allocated", "disbursed", "spent", "execution_rate", "disbursement_rate", "created_at",
        ]


class EvaluationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Evaluation
        fields = ["id", "plan", "kind", "title", "status", "signed_off_at", "conclusion", "created_at"]


class DepartmentResultSerializer(serializers.Serializer):
    department = serializers.IntegerField(source="department.pk")
    department_name = serializers.CharField(source="department.name")
    weighted_total = serializers.DecimalField(max_digits=8, decimal_places=2)
    complete = serializers.BooleanField()


class EvaluationDetailSerializer(EvaluationSerializer):
    """With the consolidated results per department (``evaluation.services.consolidate``): the
    weighted total on a 0–100 scale, as the evaluation's results page shows them once signed off."""

    results = serializers.SerializerMethodField()

    class Meta(EvaluationSerializer.Meta):
        fields = [*EvaluationSerializer.Meta.fields, "results"]

    @extend_schema_field(DepartmentResultSerializer(many=True))
    def get_results(self, evaluation):
        from evaluation.services import consolidate

        return DepartmentResultSerializer(consolidate(evaluation), many=True).data


# --- pushing indicator values ----------------------------------------------------------------


class ValuePushSerializer(serializers.Serializer):
    """One value from an external system. ``external_id`` makes the push idempotent."""

    external_id = StrictCharField(
        max_length=100, help_text="外部系统中该数值的唯一标识 · The value's id in the sending system (idempotency key)."
    )
    indicator = StrictIntegerField(min_value=1, max_value=2_147_483_647, help_text="指标 id · Indicator id.")
    region = StrictIntegerField(
        min_value=1, max_value=2_147_483_647, required=False,
        help_text="行政区划 id，缺省为规划所属地区 · Region id; default: the plan's region.",
    )
    year = StrictIntegerField(min_value=2000, max_value=2100, help_text="年度 · Year.")
    period_code = StrictCharField(
        max_length=8, required=False, allow_blank=True,
        help_text="2024、2024Q1–Q4 或 2024H1/H2；缺省为全年 · 2024, 2024Q1–Q4 or 2024H1/H2; default: the year.",
    )
    value = NumberOrStringField(
        help_text="按指标单位的数值，如 85.5 或 \"85.5%\" · The figure in the indicator's unit, e.g. 85.5 or \"85.5%\"."
    )
    numerator = NumberOrStringField(help_text="分子（率类指标）· Numerator (rates).")
    denominator = NumberOrStringField(help_text="分母（率类指标）· Denominator (rates).")
    text = StrictCharField(max_length=3000, required=False, allow_blank=True, help_text="定性指标的文字 · Words (qualitative indicators).")
    source = StrictCharField(max_length=300, help_text="数据来源 · Where the figure comes from.")
    submit = StrictBooleanField(
        default=True, help_text="保存后提交审核（缺省）· Submit for review after saving (default); false keeps a draft.",
    )


class ValuePushResultSerializer(serializers.Serializer):
    external_id = serializers.CharField()
    outcome = serializers.ChoiceField(choices=[("created", "created"), ("updated", "updated"), ("unchanged", "unchanged")])
    value = IndicatorValueSerializer()


class BulkPushSerializer(serializers.Serializer):
    items = ValuePushSerializer(many=True, min_length=1, max_length=1000)


class BulkPushResultSerializer(serializers.Serializer):
    results = ValuePushResultSerializer(many=True)
