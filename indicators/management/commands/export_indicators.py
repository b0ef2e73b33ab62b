from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from indicators.services import indicators_export
from tasks.models import Plan


class Command(BaseCommand):
    help = "Export a plan's indicators as an indicator sheet (主要指标表, .xlsx) that import_indicators reads back."

    def add_arguments(self, parser):
        parser.add_argument("plan_id", type=int)
        parser.add_argument("file", type=Path)

    def handle(self, *args, **options):
        plan = Plan.objects.filter(pk=options["plan_id"]).first()
        if plan is None:
            raise CommandError(_("There is no plan with the id %(id)s.") % {"id": options["plan_id"]})
        options["file"].write_bytes(indicators_export(plan))
        self.stdout.write(
            self.style.SUCCESS(_("Exported %(count)d indicators to %(file)s") % {"count": plan.indicators.count(), "file": options["file"]})
        )
