# Every reviewable flow now shares the review lifecycle's node names (workflows.review):
# write → review → is_approved → apply_approval → end. Rename the nodes of existing tasks.
from django.db import migrations

RENAMES = {
    "workflows/progress_report.flows.ProgressReportFlow": {"draft": "write", "record_progress": "apply_approval"},
    "workflows/milestone.flows.MilestoneFlow": {
        "claim": "open",
        "verify": "review",
        "revise": "write",
        "record_completion": "apply_approval",
    },
    "workflows/indicator_value.flows.IndicatorValueFlow": {"draft": "write", "check_binding": "apply_approval"},
    "workflows/notice.flows.NoticeFlow": {"respond": "write", "is_accepted": "is_approved", "close": "apply_approval"},
    "workflows/evaluation.flows.SelfAssessmentFlow": {"is_accepted": "is_approved"},
}


def rename(apps, schema_editor, *, backwards=False):
    Task = apps.get_model("viewflow", "Task")
    for flow_class, names in RENAMES.items():
        for old, new in names.items():
            before, after = (new, old) if backwards else (old, new)
            Task.objects.filter(flow_task=f"{flow_class}.{before}").update(flow_task=f"{flow_class}.{after}")


def forwards(apps, schema_editor):
    rename(apps, schema_editor)


def backwards(apps, schema_editor):
    rename(apps, schema_editor, backwards=True)


class Migration(migrations.Migration):
    dependencies = [("workflows", "0004_evaluation_processes"), ("viewflow", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
