"""The plan (regions, departments, plans, key tasks) and its progress (periods, reports, claims)."""

from tasks.models.plan import (
    AnnualTarget,
    Department,
    DepartmentAlias,
    KeyTask,
    Light,
    Membership,
    Milestone,
    Plan,
    PlanImport,
    PlanSection,
    Region,
    RegionStaff,
    TaskDepartment,
)
from tasks.models.progress import (
    LATE_AGAINST_ORIGINAL,
    Contribution,
    MilestoneClaim,
    ProgressReport,
    ReportingPeriod,
    ReportSubmission,
    overdue_condition,
)

__all__ = [
    "LATE_AGAINST_ORIGINAL",
    "AnnualTarget",
    "Contribution",
    "Department",
    "DepartmentAlias",
    "KeyTask",
    "Light",
    "Membership",
    "Milestone",
    "MilestoneClaim",
    "Plan",
    "PlanImport",
    "PlanSection",
    "ProgressReport",
    "Region",
    "RegionStaff",
    "ReportSubmission",
    "ReportingPeriod",
    "TaskDepartment",
    "overdue_condition",
]
