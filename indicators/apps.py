from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    name = "indicators"
    verbose_name = _("Main indicators")

    def ready(self) -> None:
        # Who may download a value's files: whoever may see the value.
        from evidence.access import register_owner
        from indicators import access
        from indicators.models import IndicatorValue

        register_owner(IndicatorValue, access.can_view_value)

        from indicators.review_kinds import INDICATOR_VALUE
        from workflows.lifecycle import register_kind

        register_kind(INDICATOR_VALUE)

        from indicators import notification_messages

        notification_messages.register()
