from django.utils.functional import SimpleLazyObject

from accounts.services import user_roles


def roles(request):
    """``user_roles`` in every template, queried only when a template reads it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"user_roles": frozenset()}
    return {"user_roles": SimpleLazyObject(lambda: user_roles(user))}
