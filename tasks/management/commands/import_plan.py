from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from tasks.breakdown_table import TableError
from tasks.models import Region
from tasks.services import ImportOptions, plan_import


class Command(BaseCommand):
    help = "Import a task breakdown table (任务分工表, .xlsx, .xls or .csv): all rows or none."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--plan", type=int, help="add the tasks to this existing plan (id)")
        parser.add_argument("--title", default="", help="title of the new plan")
        parser.add_argument("--region", default="", help="region of the new plan: name or division code")
        parser.add_argument("--start", type=int, help="first year of the new plan")
        parser.add_argument("--end", type=int, help="last year of the new plan")
        parser.add_argument("--create-departments", action="store_true", help="create departments not in the directory")
        parser.add_argument("--dry-run", action="store_true", help="only validate; write nothing")
        parser.add_argument("--sheet", default="", help="the worksheet to read (default: the one that holds the table)")

    def handle(self, *args, **options):
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(_("No such file: %(path)s") % {"path": path})
        region_id = None
        if options["plan"] is None:
            region = Region.objects.filter(code=options["region"]).first() or Region.objects.filter(
                name=options["region"]
            ).first()
            if region is None:
                raise CommandError(_("Unknown region “%(region)s” (give its name or division code).") % {"region": options["region"]})
            region_id = region.pk
        try:
            result = plan_import(
                data=path.read_bytes(),
                options=ImportOptions(
                    plan_id=options["plan"],
                    title=options["title"],
                    region_id=region_id,
                    start_year=options["start"],
                    end_year=options["end"],
                    create_departments=options["create_departments"],
                    dry_run=options["dry_run"],
                    filename=path.name,
                    sheet=options["sheet"],
                ),
            )
        except TableError as exc:
            for problem in exc.problems:
                self.stderr.write(str(problem))
            raise CommandError(_("Nothing was imported: %(count)d problem(s).") % {"count": len(exc.problems)}) from exc
        if result.table.sheet_name and len(result.table.sheets) > 1:
            self.stdout.write(_("Sheet read: “%(sheet)s”.") % {"sheet": result.table.sheet_name})
        for warning in result.warnings:
            self.stdout.write(self.style.WARNING(str(warning)))
        counts = {
            "tasks": result.created_tasks,
            "sections": result.created_sections,
            "milestones": result.created_milestones,
            "departments": len(result.created_departments),
        }
        if result.dry_run:
            self.stdout.write(
                _("Dry run, nothing written: %(tasks)d tasks, %(sections)d sections, %(milestones)d milestones, %(departments)d new departments would be imported.")
                % counts
            )
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    _("Imported into “%(plan)s” (id %(id)d): %(tasks)d tasks, %(sections)d sections, %(milestones)d milestones, %(departments)d new departments.")
                    % {**counts, "plan": result.plan, "id": result.plan.pk}
                )
            )
