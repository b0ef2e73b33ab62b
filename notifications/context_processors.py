from django.utils.functional import SimpleLazyObject


def notifications(request):
    """The unread count for the header bell, queried only when a page shows it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"unread_notifications": 0}
    from notifications.services import unread_count

    counted = getattr(user, "unread_notification_count", None)  # read with the user (notifications.apps)
    if counted is not None:
        return {"unread_notifications": counted}
    return {"unread_notifications": SimpleLazyObject(lambda: unread_count(user))}
