from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from indicators.services import indicators_import
from tasks.breakdown_table import TableError
from tasks.models import Plan


class Command(BaseCommand):
    help = "Import an indicator sheet (主要指标表, .xlsx, .xls or .csv) into a plan: all rows or none."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--plan", type=int, required=True, help="the plan (id) the indicators belong to")
        parser.add_argument("--create-departments", action="store_true", help="create departments not in the directory")
        parser.add_argument("--dry-run", action="store_true", help="only validate; write nothing")
        parser.add_argument("--sheet", default="", help="the worksheet to read (default: the one holding the indicator table)")

    def handle(self, *args, **options):
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(_("No such file: %(path)s") % {"path": path})
        plan = Plan.objects.filter(pk=options["plan"]).first()
        if plan is None:
            raise CommandError(_("There is no plan with the id %(id)s.") % {"id": options["plan"]})
        try:
            result = indicators_import(
                data=path.read_bytes(),
                plan=plan,
                create_departments=options["create_departments"],
                dry_run=options["dry_run"],
                filename=path.name,
                sheet_name=options["sheet"],
            )
        except TableError as exc:
            for problem in exc.problems:
                self.stderr.write(str(problem))
            raise CommandError(_("Nothing was imported: %(count)d problem(s).") % {"count": len(exc.problems)}) from exc
        for warning in result.warnings:
            self.stdout.write(self.style.WARNING(str(warning)))
        counts = {
            "indicators": result.created_indicators,
            "targets": result.created_targets,
            "departments": len(result.created_departments),
            "plan": plan,
            "id": plan.pk,
        }
        if result.dry_run:
            self.stdout.write(
                _("Dry run, nothing written: %(indicators)d indicators, %(targets)d annual targets, %(departments)d new departments would be imported into “%(plan)s”.")
                % counts
            )
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    _("Imported into “%(plan)s” (id %(id)d): %(indicators)d indicators, %(targets)d annual targets, %(departments)d new departments.")
                    % counts
                )
            )
