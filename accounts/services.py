from django.contrib.auth.models import Group
from django.db import transaction

from accounts.models import User
from accounts.roles import ADMINISTRATOR, ROLE_PERMISSIONS


def user_roles(user: User) -> frozenset[str]:
    """The role names of a user, cached on the instance for the request (the authentication
    backend reads them with the permissions: ``accounts.backends``)."""
    cached = getattr(user, "_role_names", None)
    if cached is None and user.is_active and not user.is_superuser:
        user.get_all_permissions()
        cached = getattr(user, "_role_names", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        user._role_names = cached
    return cached


@transaction.atomic
def user_create(*, username: str, password: str, role: str, display_name: str = "", email: str = "") -> User:
    """Create a user in one role. Administrators get the Django admin (is_staff)."""
    if role not in ROLE_PERMISSIONS:
        raise ValueError(f"unknown role {role!r}")
    user = User(username=username, display_name=display_name, email=email, is_staff=role == ADMINISTRATOR)
    user.set_password(password)
    user.full_clean()
    user.save()
    user.groups.add(Group.objects.get(name=role))
    return user
