"""Write a plan's assessment ranking of a year to an Excel file (the download button's file).

python manage.py export_assessment --plan 3 --year 2024 -o ranking.xlsx
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from assessment.models import AssessmentScheme
from assessment.selectors import export_xlsx


class Command(BaseCommand):
    help = "Write a plan's assessment ranking of a year (one row per prefecture) to an Excel file."

    def add_arguments(self, parser):
        parser.add_argument("--plan", type=int, required=True, help="The plan's id.")
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("-o", "--output", required=True, help="The .xlsx file to write.")

    def handle(self, *args, plan: int, year: int, output: str, **options):
        scheme = AssessmentScheme.objects.filter(plan_id=plan, year=year).first()
        if scheme is None:
            raise CommandError(f"Plan {plan} has no assessment scheme for {year}.")
        if not scheme.scores.exists():
            raise CommandError(f"The {year} assessment of plan {plan} has not been computed yet.")
        Path(output).write_bytes(export_xlsx(scheme))
        self.stdout.write(f"{output}: {scheme.title} ({scheme.get_status_display()})")
