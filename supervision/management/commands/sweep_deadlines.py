import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from supervision.sweep import sweep_deadlines


class Command(BaseCommand):
    help = "Send reminders and overdue notices, raise and escalate supervision notices, close reporting periods, update the lights."

    def add_arguments(self, parser):
        parser.add_argument("--now", help="sweep as if it were this moment (ISO 8601, e.g. 2025-07-01T09:00)")

    def handle(self, *args, **options):
        now = None
        if options["now"]:
            try:
                now = datetime.datetime.fromisoformat(options["now"])
            except ValueError as exc:
                raise CommandError(_("--now must be a date and time such as 2025-07-01T09:00.")) from exc
            if timezone.is_naive(now):
                now = timezone.make_aware(now)
        result = sweep_deadlines(now=now)
        self.stdout.write(
            _(
                "Reminders: %(reminders)d · overdue: %(overdue)d · contribution reminders: %(contribution_reminders)d · "
                "notice reminders: %(notice_reminders)d · escalated: %(escalated)d · automatic notices: %(auto_notices)d "
                "(refused: %(auto_notices_refused)d) · lights changed: %(lights_changed)d"
            )
            % result.as_dict()
        )
        self.stdout.write(_("Reporting periods closed: %(periods_closed)d") % result.as_dict())
