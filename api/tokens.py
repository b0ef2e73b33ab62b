"""Creating, checking and revoking API tokens. A token is ``ps_<prefix>_<secret>``: shown once,
stored as its SHA-256 digest (a token is random, so a fast digest is enough: nothing to brute-force)."""

from __future__ import annotations

import datetime
import hashlib
import re
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from api.models import ApiToken
from audit.services import audit_record

DURATION = re.compile(r"^(?P<number>\d{1,4})(?P<unit>[dhw])$")


def digest_of(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def parse_duration(text: str) -> datetime.timedelta:
    """``90d``, ``12w``, ``24h``."""
    match = DURATION.match((text or "").strip().lower())
    if not match or int(match["number"]) == 0:
        raise ValidationError({"expires": _("Give the lifetime as a number of days, weeks or hours, e.g. 90d, 12w or 24h.")})
    unit = {"d": "days", "w": "weeks", "h": "hours"}[match["unit"]]
    return datetime.timedelta(**{unit: int(match["number"])})


@transaction.atomic
def token_create(
    *,
    user,
    name: str,
    created_by=None,
    kind: str = ApiToken.Kind.PERSONAL,
    region=None,
    department=None,
    lifetime: datetime.timedelta | None = None,
    now: datetime.datetime | None = None,
) -> tuple[ApiToken, str]:
    """A new token for ``user``; returns it and the raw token (the only time anyone sees it)."""
    now = now or timezone.now()
    if kind == ApiToken.Kind.SYSTEM and region is None:
        raise ValidationError({"region": _("A system token is scoped to a region: choose one.")})
    if department is not None and region is not None and not region.contains(department.region):
        raise ValidationError({"department": _("The department is not in the token's region.")})
    if department is not None and region is None:
        region = department.region
    prefix = secrets.token_hex(4)
    raw = f"ps_{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(
        user=user,
        kind=kind,
        name=name.strip()[:100] or str(_("API token")),
        prefix=prefix,
        digest=digest_of(raw),
        region=region,
        department=department,
        expires_at=now + (lifetime or datetime.timedelta(days=settings.API_TOKEN_DEFAULT_DAYS)),
        created_by=created_by,
        created_at=now,
    )
    audit_record(
        subject=token, actor=created_by, action="create", to_state="active",
        data={"user": user.username, "kind": kind, "expires_at": token.expires_at.isoformat(),
              "region": region.pk if region else None, "department": department.pk if department else None},
        at=now,
    )
    return token, raw


def token_lookup(raw: str) -> ApiToken | None:
    """The token a raw string names (valid or not), or None."""
    if not raw or not raw.startswith("ps_") or len(raw) > 200:
        return None
    return ApiToken.objects.select_related("user", "region", "department").filter(digest=digest_of(raw)).first()


@transaction.atomic
def token_revoke(*, token: ApiToken, user=None, now: datetime.datetime | None = None) -> ApiToken:
    """Revoke at once: the next call with it is refused. Audited; revoking twice changes nothing."""
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is not None:
        return token
    token.revoked_at, token.revoked_by = now or timezone.now(), user
    token.save(update_fields=["revoked_at", "revoked_by"])
    audit_record(subject=token, actor=user, action="revoke", from_state="active", to_state="revoked", at=token.revoked_at)
    return token
