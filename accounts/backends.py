"""The one authentication backend: Django's ModelBackend behind django-axes' lockout check.

One backend rather than axes' usual pair (``AxesStandaloneBackend`` then ``ModelBackend``) because
Django asks for a single backend in places we rely on: ``User.objects.with_perm()`` (who holds a
permission, used for "notify every supervisor") refuses to guess between two.
"""

from axes.backends import AxesStandaloneBackend
from django.contrib.auth.backends import ModelBackend


class ThrottledModelBackend(AxesStandaloneBackend, ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        # Raises PermissionDenied (which ends the login as failed) when this user+address is locked
        # out; does nothing otherwise. Axes needs the request: authenticate(request, ...).
        AxesStandaloneBackend.authenticate(self, request, username=username, password=password, **kwargs)
        return ModelBackend.authenticate(self, request, username=username, password=password, **kwargs)
