from django.conf import settings
from django.http import Http404, HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.defaults import page_not_found


class ChineseFirstLocaleMiddleware(LocaleMiddleware):
    """zh-hans for everyone unless they chose another language with the switcher (its cookie).

    Django's own middleware would follow the browser's Accept-Language; government PCs often
    carry an English browser, and the system is meant to be read in Chinese first.
    """

    def process_request(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in dict(settings.LANGUAGES):
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class PermissionsPolicyMiddleware:
    """Send ``Permissions-Policy`` (settings.PERMISSIONS_POLICY: feature → allowed origins, [] = none)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.header = ", ".join(
            f"{feature}=({' '.join(origins)})" for feature, origins in settings.PERMISSIONS_POLICY.items()
        )

    def __call__(self, request):
        response = self.get_response(request)
        if self.header:
            response.headers.setdefault("Permissions-Policy", self.header)
        return response


class RequestSizeLimitMiddleware:
    """Answer 413 to a request whose body is larger than REQUEST_MAX_BYTES, before anything reads it.

    Django bounds the form fields of a request (DATA_UPLOAD_MAX_MEMORY_SIZE) but not its files;
    each file is checked by evidence.validation, this bounds them all together.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = settings.REQUEST_MAX_BYTES
        if length > limit:
            message = _("The request is too large: at most %(limit)d MB may be sent at once.") % {
                "limit": limit // (1024 * 1024)
            }
            return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


class FriendlyNotFoundMiddleware:
    """Under DEBUG, users who are not staff get the translated 404 page (templates/404.html), not
    Django's technical one: a liaison following a link to a task that is not theirs sees what they
    would see in production. Staff keep the technical page. (Without DEBUG Django renders 404.html
    for everyone already.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # A URL that matched nothing never reaches a view (nor process_exception): no resolver_match.
        if response.status_code == 404 and getattr(request, "resolver_match", None) is None and self._friendly(request):
            return page_not_found(request, Http404())
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, Http404) and self._friendly(request):
            return page_not_found(request, exception)
        return None

    @staticmethod
    def _friendly(request) -> bool:
        user = getattr(request, "user", None)
        return settings.DEBUG and not (user is not None and user.is_authenticated and user.is_staff)
