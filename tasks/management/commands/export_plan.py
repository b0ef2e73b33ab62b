from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from tasks.models import Plan
from tasks.services import plan_export


class Command(BaseCommand):
    help = "Export a plan's key tasks as a task breakdown table (.xlsx)."

    def add_arguments(self, parser):
        parser.add_argument("plan_id", type=int)
        parser.add_argument("file", type=Path)

    def handle(self, *args, **options):
        plan = Plan.objects.filter(pk=options["plan_id"]).first()
        if plan is None:
            raise CommandError(_("There is no plan with the id %(id)s.") % {"id": options["plan_id"]})
        options["file"].write_bytes(plan_export(plan=plan))
        self.stdout.write(self.style.SUCCESS(_("Exported %(count)d tasks to %(file)s") % {"count": plan.key_tasks.count(), "file": options["file"]}))
