"""Rewrite the listing data of every running process (what 我的待办 and the queues read).

Idempotent; the release script runs it after ``migrate`` so that processes started before an
upgrade appear in the work lists."""

from django.core.management.base import BaseCommand
from viewflow.workflow.models import Process
from viewflow.workflow.status import PROCESS

from workflows.listing import listing_write


class Command(BaseCommand):
    help = "Rewrite the work lists' data of every running process."

    def handle(self, *args, **options):
        count = 0
        for process in Process.objects.filter(status=PROCESS.NEW).iterator():
            listing_write(process)
            count += 1
        self.stdout.write(f"{count} running processes listed.")
