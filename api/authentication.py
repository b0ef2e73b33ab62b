"""Who is calling: a token (``Authorization: Bearer ps_…``) or the signed-in browser (session, CSRF)."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from api.models import ApiToken
from api.tokens import token_lookup

# last_used_at is written at most this often per token (a busy sync would write it on every call).
LAST_USED_GRANULARITY_SECONDS = 60


class TokenProblem(exceptions.AuthenticationFailed):
    """401 with a code saying why: unknown, expired, revoked, or the account is disabled."""


class ApiTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() not in (b"bearer", b"token"):
            return None
        if len(header) != 2:
            raise TokenProblem(_("Send the token as “Authorization: Bearer <token>”."), code="token_malformed")
        try:
            raw = header[1].decode()
        except UnicodeError as exc:
            raise TokenProblem(_("The token is not valid."), code="token_invalid") from exc
        token = token_lookup(raw)
        if token is None:
            raise TokenProblem(_("The token is not valid."), code="token_invalid")
        now = timezone.now()
        if token.revoked_at is not None:
            raise TokenProblem(_("The token has been revoked."), code="token_revoked")
        if token.expires_at <= now:
            raise TokenProblem(_("The token has expired."), code="token_expired")
        if not token.user.is_active:
            raise TokenProblem(_("The token's account is disabled."), code="account_disabled")
        if token.last_used_at is None or (now - token.last_used_at).total_seconds() > LAST_USED_GRANULARITY_SECONDS:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.user._api_token = token  # the scope (api.scope) narrows to the token's region
        return token.user, token

    def authenticate_header(self, request):
        return 'Bearer realm="api"'


class BrowserSessionAuthentication(authentication.SessionAuthentication):
    """The signed-in browser (the documentation page's "try it out"); unsafe methods need the CSRF token."""
