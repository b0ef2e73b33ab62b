from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "supervision"
    verbose_name = _("Supervision")

    def ready(self) -> None:
        # Who may download the files of a supervision notice's response: whoever may see the notice.
        from evidence.access import register_owner
        from supervision.models import SupervisionNotice
        from supervision.notices import visible_notices

        register_owner(SupervisionNotice, lambda user, notice: visible_notices(user).filter(pk=notice.pk).exists())
