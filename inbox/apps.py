from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _with_headship(users):
    """Whether the signed-in user heads a department (the menu's department queue), read with them."""
    from django.db.models import Exists, OuterRef

    from tasks.models import Membership

    heads = Membership.objects.filter(user=OuterRef("pk"), role=Membership.Role.HEAD, is_active=True)
    return users.annotate(heads_a_department=Exists(heads))


class InboxConfig(AppConfig):
    name = "inbox"
    verbose_name = _("Inbox and review queue")

    def ready(self) -> None:
        from accounts.backends import register_user_query

        register_user_query(_with_headship)
