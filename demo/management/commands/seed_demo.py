from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from demo.plan import DEMO_PASSWORD, seed_demo, seed_demo_activity


class Command(BaseCommand):
    help = "Load the demo plan, its departments and one account per role (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--no-activity", action="store_true", help="only the plan and accounts: no progress reports, no demo province")

    def handle(self, *args, **options):
        summary = seed_demo()
        from public import demo as public_demo  # 政务公开: the demo plan's public page

        public_demo.seed(summary.plan)
        if not options["no_activity"]:
            counts = seed_demo_activity(summary.plan)
            from meetings.demo import seed as seed_meetings  # joint meetings (联席会议)
            seed_meetings(summary.plan)
            if counts:
                self.stdout.write(
                    _("Progress reports: %(approved)d approved, %(submitted)d awaiting review, %(returned)d returned, %(draft)d drafts, %(late)d late.")
                    % counts
                )
        from demo.province import seed_province_demo

        province = {} if options["no_activity"] else seed_province_demo()
        if province:
            self.stdout.write(
                _("Province demo: %(prefectures)d prefectures, %(tasks)d cascaded key tasks, %(indicators)d indicators, %(values)d values.")
                % province
            )
        if summary.created:
            self.stdout.write(self.style.SUCCESS(_("Demo plan created: %(plan)s") % {"plan": summary.plan}))
        else:
            self.stdout.write(_("Demo plan already present: %(plan)s") % {"plan": summary.plan})
        self.stdout.write(
            _("Demo accounts (password %(password)s): %(users)s")
            % {"password": DEMO_PASSWORD, "users": ", ".join(summary.users)}
        )
