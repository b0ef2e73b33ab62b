"""API tokens, the record of every API call, and the pushes an external system made.

A token acts for its user (a person, or a *system account* an administrator made for an external
platform) and never sees more than the user would on the pages: ``api.scope`` reads through the
same gatekeepers (``tasks.access`` and each app's access module) and narrows the result to the
token's region and, optionally, department. The token itself is shown once; only its SHA-256
digest is stored.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ApiToken(models.Model):
    class Kind(models.TextChoices):
        PERSONAL = "personal", _("Personal token")
        SYSTEM = "system", _("System token")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("account")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.PERSONAL)
    name = models.CharField(_("name"), max_length=100, help_text=_("What the token is for, e.g. 省严重精神障碍信息系统."))
    prefix = models.CharField(_("prefix"), max_length=12, db_index=True, editable=False)
    digest = models.CharField(_("digest"), max_length=64, unique=True, editable=False)
    region = models.ForeignKey(
        "tasks.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("region"),
        help_text=_("The token sees this region and the regions below it only (required for system tokens)."),
    )
    department = models.ForeignKey(
        "tasks.Department",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("department"),
        help_text=_("Optional: the token sees and writes this department's work only."),
    )
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("revoked by")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind="system") | models.Q(region__isnull=False), name="api_system_token_has_region"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def is_valid(self, now=None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and self.expires_at > now


class ApiCall(models.Model):
    """One API call: who (token, account), when, what (method, path, query), the answer's status."""

    token = models.ForeignKey(ApiToken, on_delete=models.SET_NULL, null=True, blank=True, related_name="calls", verbose_name=_("token"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("account")
    )
    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    method = models.CharField(_("method"), max_length=10)
    path = models.CharField(_("path"), max_length=300)
    query = models.CharField(_("query"), max_length=500, blank=True)
    status = models.PositiveSmallIntegerField(_("status"))
    address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), default=0)
    summary = models.CharField(_("summary"), max_length=300, blank=True, help_text=_("What a write changed."))

    class Meta:
        verbose_name = _("API call")
        verbose_name_plural = _("API calls")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["token", "at"]), models.Index(fields=["user", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.method} {self.path} {self.status}"


class ValuePush(models.Model):
    """An indicator value pushed by an external system, keyed by the account and its ``external_id``:
    the same push again changes nothing; the same id with other content is refused."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("account"))
    external_id = models.CharField(_("external id"), max_length=100)
    content_hash = models.CharField(_("content hash"), max_length=64)
    value = models.ForeignKey("indicators.IndicatorValue", on_delete=models.PROTECT, related_name="+", verbose_name=_("indicator value"))
    token = models.ForeignKey(ApiToken, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("token"))
    at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        verbose_name = _("indicator value push")
        verbose_name_plural = _("indicator value pushes")
        ordering = ["-at"]
        constraints = [models.UniqueConstraint(fields=["user", "external_id"], name="api_value_push_external_id_unique")]

    def __str__(self) -> str:
        return self.external_id
