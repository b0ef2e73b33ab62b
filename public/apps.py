from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicConfig(AppConfig):
    name = "public"
    verbose_name = _("Public pages")

    def ready(self) -> None:
        from audit.labels import register_states
        from public import invalidation
        from public.models import PublicationState

        invalidation.connect()
        register_states(PublicationState)
