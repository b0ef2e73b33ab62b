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

        # The signed-off ranking goes into the plan's bulletin and final report (evaluation/report.py
        # knows nothing of assessments: it asks its registered section providers).
        from assessment.report_sections import bulletin_sections, final_report_sections
        from evaluation.report import register_section

        register_section("bulletin", bulletin_sections)
        register_section("final", final_report_sections)
