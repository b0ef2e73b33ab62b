from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from common.spreadsheets import TableError
from tasks.models import Region
from tasks.regions import regions_import


class Command(BaseCommand):
    help = "Load regions from a sheet (代码 · 名称 · 上级 [· 级别]; .xlsx, .xls or .csv): all rows or none."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--under", default="", help="division code (or name) of the region rows without a parent go under")
        parser.add_argument("--dry-run", action="store_true", help="only validate; write nothing")

    def handle(self, *args, **options):
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(_("No such file: %(path)s") % {"path": path})
        under = None
        if options["under"]:
            matches = list(Region.objects.filter(code=options["under"])[:1]) or list(
                Region.objects.filter(name=options["under"])[:2]
            )
            if len(matches) != 1:
                raise CommandError(_("Unknown region “%(region)s” (give its name or division code).") % {"region": options["under"]})
            under = matches[0]
        try:
            result = regions_import(
                data=path.read_bytes(), filename=path.name, actor=None, under=under, dry_run=options["dry_run"]
            )
        except TableError as exc:
            raise CommandError("\n".join(str(p) for p in exc.problems)) from exc
        if result.problems:
            raise CommandError(
                "\n".join([_("Nothing was imported:"), *(str(p) for p in result.problems)])
            )
        summary = _("%(created)d regions created, %(updated)d updated, %(unchanged)d unchanged.") % {
            "created": result.created,
            "updated": result.updated,
            "unchanged": result.unchanged,
        }
        if result.dry_run:
            summary = _("Dry run, nothing written: %(summary)s") % {"summary": summary}
        self.stdout.write(self.style.SUCCESS(summary))
