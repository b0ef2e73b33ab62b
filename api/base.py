"""What every API view shares: token or session sign-in (not the pages' login redirect), the
caller's language from Accept-Language, a bounded body, ETag/Last-Modified with conditional GET,
and one audit row (``ApiCall``) per call."""

from __future__ import annotations

import hashlib
import time

from django.conf import settings
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response
from django.utils.http import http_date, quote_etag
from django.utils.translation import gettext_lazy as _
from django.utils.translation.trans_real import parse_accept_lang_header

from api.models import ApiCall
from api.problems import TooLarge


def language_of(request) -> str:
    """The first language of Accept-Language we have (zh-hans when none: Chinese first)."""
    supported = dict(settings.LANGUAGES)
    for code, _quality in parse_accept_lang_header(request.META.get("HTTP_ACCEPT_LANGUAGE", "")):
        if code == "*":
            break
        try:
            variant = translation.get_supported_language_variant(code)
        except LookupError:
            if code.lower().startswith("zh"):
                return "zh-hans"
            continue
        if variant in supported:
            return variant
    return settings.LANGUAGE_CODE


class ApiViewMixin:
    last_modified = None  # a detail view sets it from the object's ``updated_at``

    @classmethod
    def as_view(cls, *args, **kwargs):
        view = super().as_view(*args, **kwargs)
        view.login_required = False  # the API answers 401 itself (LoginRequiredMiddleware would redirect)
        return view

    def initial(self, request, *args, **kwargs):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.API_BODY_MAX_BYTES:
            raise TooLarge(_("The request body is too large: at most %(kb)d KB.") % {"kb": settings.API_BODY_MAX_BYTES // 1024})
        super().initial(request, *args, **kwargs)

    def dispatch(self, request, *args, **kwargs):
        started = time.monotonic()
        translation.activate(language_of(request))
        response = super().dispatch(request, *args, **kwargs)
        response.setdefault("Content-Language", translation.get_language())
        response = self._conditional(request, response)
        self._record(request, response, started)
        return response

    def _conditional(self, request, response):
        if request.method not in ("GET", "HEAD") or response.status_code != 200 or not hasattr(response, "render"):
            return response
        response.render()
        etag = quote_etag(hashlib.sha256(response.content).hexdigest()[:32])
        response["ETag"] = etag
        stamp = None
        if self.last_modified is not None:
            stamp = int(self.last_modified.timestamp())
            response["Last-Modified"] = http_date(stamp)
        response["Cache-Control"] = "private, no-cache"
        response["Vary"] = "Authorization, Cookie, Accept-Language"
        return get_conditional_response(request, etag=etag, last_modified=stamp, response=response)

    def _record(self, request, response, started) -> None:
        drf_request = getattr(self, "request", None)
        user = getattr(drf_request, "_user", None)
        token = getattr(drf_request, "_auth", None)
        ApiCall.objects.create(
            token=token if hasattr(token, "digest") else None,
            user=user if user is not None and user.is_authenticated else None,
            at=timezone.now(),
            method=request.method[:10],
            path=request.path[:300],
            query=request.META.get("QUERY_STRING", "")[:500],
            status=response.status_code,
            address=request.META.get("REMOTE_ADDR") or None,
            duration_ms=int((time.monotonic() - started) * 1000),
            summary=getattr(self, "call_summary", "")[:300],
        )
