from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from tasks.demo import DEMO_PASSWORD, seed_demo


class Command(BaseCommand):
    help = "Load the demo plan, its departments and one account per role (idempotent)."

    def handle(self, *args, **options):
        summary = seed_demo()
        if summary.created:
            self.stdout.write(self.style.SUCCESS(_("Demo plan created: %(plan)s") % {"plan": summary.plan}))
        else:
            self.stdout.write(_("Demo plan already present: %(plan)s") % {"plan": summary.plan})
        self.stdout.write(
            _("Demo accounts (password %(password)s): %(users)s")
            % {"password": DEMO_PASSWORD, "users": ", ".join(summary.users)}
        )
