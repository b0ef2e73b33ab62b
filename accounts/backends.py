"""The one authentication backend: Django's ModelBackend behind django-axes' lockout check.

One backend rather than axes' usual pair (``AxesStandaloneBackend`` then ``ModelBackend``) because
Django asks for a single backend in places we rely on: ``User.objects.with_perm()`` (who holds a
permission, used for "notify every supervisor") refuses to guess between two.

Every page starts by loading the signed-in user and their permissions, so both are one query each:

- ``get_user`` loads the user with what the page chrome shows about them (their region, the unread
  notification count, whether they head a department): apps add those with
  :func:`register_user_query` rather than each running its own query on every page;
- ``get_all_permissions`` reads the user's own and their roles' permissions, and the role names,
  in one query (Django's ModelBackend runs two, and ``user_roles`` a third).
"""

from __future__ import annotations

from collections.abc import Callable

from axes.backends import AxesStandaloneBackend
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.db.models import QuerySet, Value

_USER_QUERY: list[Callable[[QuerySet], QuerySet]] = []


def register_user_query(extend: Callable[[QuerySet], QuerySet]) -> None:
    """Add to the query that loads the signed-in user on every request (``select_related`` of
    what every page needs about them, or an annotation). Registered in an app's ``ready``."""
    if extend not in _USER_QUERY:
        _USER_QUERY.append(extend)


class ThrottledModelBackend(AxesStandaloneBackend, ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        # Raises PermissionDenied (which ends the login as failed) when this user+address is locked
        # out; does nothing otherwise. Axes needs the request: authenticate(request, ...).
        AxesStandaloneBackend.authenticate(self, request, username=username, password=password, **kwargs)
        return ModelBackend.authenticate(self, request, username=username, password=password, **kwargs)

    def get_user(self, user_id):
        queryset = get_user_model()._default_manager.all()
        for extend in _USER_QUERY:
            queryset = extend(queryset)
        try:
            user = queryset.get(pk=user_id)
        except get_user_model().DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None or user_obj.is_superuser:
            return super().get_all_permissions(user_obj, obj)
        if not hasattr(user_obj, "_perm_cache"):
            roles = Group.objects.filter(user=user_obj).values_list(
                "name", "permissions__content_type__app_label", "permissions__codename"
            ).order_by()
            own = Permission.objects.filter(user=user_obj).values_list(Value(""), "content_type__app_label", "codename").order_by()
            names, permissions = set(), set()
            for role, app_label, codename in roles.union(own, all=True):
                if role:
                    names.add(role)
                if codename:
                    permissions.add(f"{app_label}.{codename}")
            user_obj._perm_cache = permissions
            user_obj._role_names = frozenset(names)
        return user_obj._perm_cache
