import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from tasks.progress import periods_open


class Command(BaseCommand):
    help = "Open the reporting periods that have begun: a report per key task, a contribution per co-operating department."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="open as of this day (YYYY-MM-DD; default today)")

    def handle(self, *args, **options):
        on = None
        if options["date"]:
            try:
                on = datetime.date.fromisoformat(options["date"])
            except ValueError as exc:
                raise CommandError(_("--date must be a date such as 2025-04-01.")) from exc
        result = periods_open(on=on)
        self.stdout.write(
            _("Opened %(reports)d reports and %(contributions)d contributions; %(skipped)d tasks have no named lead department.")
            % {"reports": result.reports, "contributions": result.contributions, "skipped": result.skipped_without_department}
        )
