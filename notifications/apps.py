from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _with_unread_count(users):
    """The header bell's count, read with the signed-in user (``accounts.backends``)."""
    from django.db.models import Count, IntegerField, OuterRef, Subquery
    from django.db.models.functions import Coalesce

    from notifications.models import Notification

    unread = Notification.objects.filter(user=OuterRef("pk"), read_at__isnull=True).values("user").annotate(n=Count("pk")).values("n")
    return users.annotate(unread_notification_count=Coalesce(Subquery(unread, output_field=IntegerField()), 0))


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from accounts.backends import register_user_query

        register_user_query(_with_unread_count)
