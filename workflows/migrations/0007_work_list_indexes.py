"""Indexes on the engine's tables for the work lists (``inbox.selectors``), which read open tasks
by owner and open processes by the department of their subject (issue 14: a country's 816,000
reports leave 5 million engine tasks, of which the open ones are a few per cent).

- ``workflow_task_open_owner``: a user's open tasks (我的待办), without reading their finished ones;
- ``workflow_process_department``: processes by the department in their listing data and their
  status (the review queue and the unassigned writing steps of a department), and
  ``workflow_task_open_unassigned``: the open unassigned human tasks by process, covering what the
  queue filters on (an index-only scan), on PostgreSQL; on SQLite the lists are small enough to be
  read without them.

The statistics object tells PostgreSQL's planner how the open human tasks' columns go together
(it otherwise multiplies their selectivities and expects a hundredth of the rows).
"""

from django.db import migrations


def forwards(apps, schema_editor):
    run = schema_editor.execute
    run(
        "CREATE INDEX IF NOT EXISTS workflow_task_open_owner ON viewflow_task (owner_id) "
        "WHERE status IN ('NEW', 'ASSIGNED', 'STARTED')"
    )
    if schema_editor.connection.vendor == "postgresql":
        run(
            "CREATE INDEX IF NOT EXISTS workflow_process_department "
            "ON viewflow_process (((data ->> 'department_id')::integer), status)"
        )
        # The review queue's open, unassigned human tasks, read by process without touching the
        # table (the columns it filters on are in the index).
        run(
            "CREATE INDEX IF NOT EXISTS workflow_task_open_unassigned ON viewflow_task (process_id) "
            "INCLUDE (owner_permission, flow_task) "
            "WHERE owner_id IS NULL AND status IN ('NEW', 'ASSIGNED', 'STARTED') AND flow_task_type = 'HUMAN'"
        )
        run(
            "CREATE STATISTICS IF NOT EXISTS workflow_task_open_stats (mcv) "
            "ON status, flow_task_type, owner_permission, (owner_id IS NULL) FROM viewflow_task"
        )


def backwards(apps, schema_editor):
    run = schema_editor.execute
    run("DROP INDEX IF EXISTS workflow_task_open_owner")
    if schema_editor.connection.vendor == "postgresql":
        run("DROP INDEX IF EXISTS workflow_process_department")
        run("DROP INDEX IF EXISTS workflow_task_open_unassigned")
        run("DROP STATISTICS IF EXISTS workflow_task_open_stats")


class Migration(migrations.Migration):
    dependencies = [
        ("workflows", "0006_extension_request_process"),
        ("viewflow", "0015_task_scheduled"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
