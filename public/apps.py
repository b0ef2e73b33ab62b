from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicConfig(AppConfig):
    name = "public"
    verbose_name = _("Public pages")

    def ready(self) -> None:
        from public import invalidation

        invalidation.connect()
