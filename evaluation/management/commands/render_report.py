"""Render the final assessment report or a period's supervision bulletin to a PDF file.

python manage.py render_report final --plan 1 -o report.pdf
python manage.py render_report bulletin --plan 1 --period 2024Q2 -o bulletin.pdf
python manage.py render_report final --plan 1 --with-task-detail -o report-with-tasks.pdf
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from evaluation.report import PeriodError, parse_period, render_bulletin, render_final_report
from tasks.models import Plan


class Command(BaseCommand):
    help = "Render the final assessment report or a supervision bulletin of a plan to a PDF file."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=["final", "bulletin"])
        parser.add_argument("--plan", type=int, required=True, help="The plan's id.")
        parser.add_argument("--period", help="For a bulletin: 2024Q2, 2024H1 or 2024.")
        parser.add_argument("-o", "--output", required=True, help="The PDF file to write.")
        parser.add_argument(
            "--with-task-detail",
            action="store_true",
            help="Add every key task and the names of its evidence files (a province's report otherwise sums them).",
        )

    def handle(self, *args, kind, plan, period, output, with_task_detail, **options):
        found = Plan.objects.filter(pk=plan).first()
        if found is None:
            raise CommandError(_("There is no plan with id %(id)s.") % {"id": plan})
        if kind == "bulletin":
            if not period:
                raise CommandError(_("A bulletin needs --period, e.g. 2024Q2."))
            try:
                parse_period(period)
            except PeriodError as error:
                raise CommandError(str(error)) from error
            data = render_bulletin(found, period, with_task_detail=with_task_detail)
        else:
            data = render_final_report(found, with_task_detail=with_task_detail)
        Path(output).write_bytes(data)
        self.stdout.write(_("Wrote %(path)s (%(size)d bytes).") % {"path": output, "size": len(data)})
