from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    name = "assessment"
    verbose_name = _("Performance assessment")

    def ready(self) -> None:
        from assessment.models import AssessmentScheme
        from audit.labels import register_states

        register_states(AssessmentScheme.Status)

        from assessment import notification_messages

        notification_messages.register()

        # Files attached to a bonus or deduction, a veto or a judgement: downloadable by whoever sees
        # that prefecture's sheet.
        from assessment.access import can_view_record_files
        from assessment.models import BonusDeduction, Judgement, Veto
        from evidence.access import register_owner

        for model in (BonusDeduction, Veto, Judgement):
            register_owner(model, can_view_record_files)

        # The signed-off ranking goes into the plan's bulletin and final report (evaluation/report.py
        # knows nothing of assessments: it asks its registered section providers).
        from assessment.report_sections import bulletin_sections, final_report_sections
        from evaluation.report import register_section

        register_section("bulletin", bulletin_sections)
        register_section("final", final_report_sections)
