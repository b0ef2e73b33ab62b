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
from django.db import connections, router
from django.db.models import QuerySet, Value

_USER_QUERY: list[Callable[[QuerySet], QuerySet]] = []


def register_user_query(extend: Callable[[QuerySet], QuerySet]) -> None:
    """Add to the query that loads the signed-in user on every request (``select_related`` of
    what every page needs about them, or an annotation). Registered in an app's ``ready``."""
    if extend not in _USER_QUERY:
        _USER_QUERY.append(extend)


def _user_query() -> QuerySet:
    """The query that loads the signed-in user, built once (its annotations' subqueries cost a
    millisecond to resolve on every request otherwise); each request filters a clone of it."""
    global _USER_QUERYSET
    if _USER_QUERYSET is None or _USER_QUERYSET[0] != len(_USER_QUERY):
        queryset = get_user_model()._default_manager.all()
        for extend in _USER_QUERY:
            queryset = extend(queryset)
        _USER_QUERYSET = (len(_USER_QUERY), queryset)
    return _USER_QUERYSET[1]


_USER_QUERYSET: tuple[int, QuerySet] | None = None
_PERMISSION_SQL: tuple[str, tuple] | None = None
_SOMEONE = -7  # stands for the user while the permission query is compiled once


def _permission_rows(user_id: int) -> list[tuple[str, str | None, str | None]]:
    """(role name, app label, codename) of the user's roles' and own permissions: one UNION query,
    compiled once and run with the user's id (compiling it took half a millisecond a request)."""
    global _PERMISSION_SQL
    if _PERMISSION_SQL is None:
        roles = Group.objects.filter(user=_SOMEONE).values_list(
            "name", "permissions__content_type__app_label", "permissions__codename"
        ).order_by()
        own = Permission.objects.filter(user=_SOMEONE).values_list(Value(""), "content_type__app_label", "codename").order_by()
        _PERMISSION_SQL = roles.union(own, all=True).query.sql_with_params()
    sql, params = _PERMISSION_SQL
    with connections[router.db_for_read(Group)].cursor() as cursor:
        cursor.execute(sql, [user_id if value == _SOMEONE else value for value in params])
        return cursor.fetchall()


class ThrottledModelBackend(AxesStandaloneBackend, ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        # Raises PermissionDenied (which ends the login as failed) when this user+address is locked
        # out; does nothing otherwise. Axes needs the request: authenticate(request, ...).
        AxesStandaloneBackend.authenticate(self, request, username=username, password=password, **kwargs)
        return ModelBackend.authenticate(self, request, username=username, password=password, **kwargs)

    def get_user(self, user_id):
        try:
            user = _user_query().get(pk=user_id)
        except get_user_model().DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None or user_obj.is_superuser:
            return super().get_all_permissions(user_obj, obj)
        if not hasattr(user_obj, "_perm_cache"):
            names, permissions = set(), set()
            for role, app_label, codename in _permission_rows(user_obj.pk):
                if role:
                    names.add(role)
                if codename:
                    permissions.add(f"{app_label}.{codename}")
            user_obj._perm_cache = permissions
            user_obj._role_names = frozenset(names)
        return user_obj._perm_cache
