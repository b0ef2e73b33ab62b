import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from supervision.sweep import digest_send


class Command(BaseCommand):
    help = "E-mail each user one digest of their due-soon and overdue items (once a day)."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="the digest's day (YYYY-MM-DD; default today)")

    def handle(self, *args, **options):
        on = None
        if options["date"]:
            try:
                on = datetime.date.fromisoformat(options["date"])
            except ValueError as exc:
                raise CommandError(_("--date must be a date such as 2025-04-01.")) from exc
        self.stdout.write(_("Digests sent: %(count)d") % {"count": digest_send(on=on)})
