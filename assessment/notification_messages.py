"""The notifications of the on-site verification (抽查), registered from ``AssessmentConfig.ready()``:
the prefecture hears of a discrepancy found in its sample; the province hears of its response."""

from django.utils.translation import gettext_lazy as _

from notifications.messages import register_message


def register() -> None:
    register_message(
        "assessment.sample.discrepancy",
        title=_("On-site check found a discrepancy: %(scheme)s"),
        body=_("%(item)s: %(note)s. You may respond once before the assessment is signed off."),
    )
    register_message(
        "assessment.sample.responded",
        title=_("%(region)s responded to a discrepancy: %(scheme)s"),
        body="%(response)s",
    )
