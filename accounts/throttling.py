"""The client address that login throttling (django-axes) counts failures against."""

from django.conf import settings


def client_ip(request) -> str:
    """The address of the client.

    Behind the reverse proxy (``BEHIND_PROXY=1``) every request comes from the proxy, so the
    client is the last address the proxy appended to ``X-Forwarded-For`` (nginx:
    ``proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for``). Only the last one: the
    ones before it come from the client and can be forged. Otherwise ``REMOTE_ADDR``.
    """
    if settings.BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        last = forwarded.rsplit(",", 1)[-1].strip()
        if last:
            return last
    return request.META.get("REMOTE_ADDR", "")


def lockout_response(request, original_response=None, credentials=None):
    """The page a locked-out login attempt gets (429): translated, in the login page's layout."""
    from axes.helpers import get_client_username, get_cool_off, get_failure_limit
    from django.shortcuts import render

    cool_off = get_cool_off(request)
    context = {
        "failure_limit": get_failure_limit(request, credentials),
        "username": get_client_username(request, credentials) or "",
        "cooloff_minutes": int(cool_off.total_seconds() // 60) if cool_off else None,
    }
    return render(request, "registration/lockout.html", context, status=settings.AXES_HTTP_RESPONSE_CODE)
