"""站内通知: notifications to users, rendered in the reader's language, e-mailed once."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from notifications.messages import render


class Notification(models.Model):
    """站内通知: one message to one user, in the notification centre and (once) by e-mail.

    Written in the same transaction as the action that causes it, so it is never lost; the
    e-mail goes out afterwards, by a Celery job that claims the row first (sent once)."""

    class Kind(models.TextChoices):
        REMINDER = "reminder", _("Reminder")
        OVERDUE = "overdue", _("Overdue")
        NOTICE = "notice", _("Supervision notice")
        ESCALATION = "escalation", _("Escalation")
        EXTENSION = "extension", _("Extension request")
        INFO = "info", _("Information")
        REVIEW = "review", pgettext_lazy("notification kind", "Review")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("user")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    message = models.CharField(
        _("message key"), max_length=100, blank=True, help_text=_("Rendered in the reader's language when shown.")
    )
    params = models.JSONField(_("message parameters"), default=dict, blank=True)
    # The finished text of notifications made before messages had keys (message == ""): shown as
    # stored, since free text cannot be translated afterwards. Left blank on new notifications.
    legacy_title = models.CharField(_("title"), max_length=200, blank=True)
    legacy_body = models.TextField(_("message"), blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    send_email = models.BooleanField(
        _("e-mail it"), default=False, help_text=_("Reminders go out in the daily digest instead.")
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    email_claimed_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        db_table = "supervision_notification"  # moved from supervision; the table kept its name
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["user", "read_at"], name="supervision_user_id_25aba3_idx"),
            models.Index(fields=["send_email", "emailed_at"], name="notification_unsent"),
        ]

    def __str__(self) -> str:
        return self.display_title

    def rendered(self) -> tuple[str, str]:
        """(title, body) in the active language; an old row (no key) shows its stored text, and a
        key no longer registered shows the stored text or, failing that, the key itself."""
        if self.message:
            title, body = render(self.message, self.params)
            if title or body:
                return title, body
            return self.legacy_title or self.message, self.legacy_body
        return self.legacy_title, self.legacy_body

    def rendered_html(self) -> tuple[str, str]:
        """(title, body) as safe HTML for the notification centre: the parameters (names, titles,
        typed text) and an old row's stored text marked lang="zh" when Chinese (common ui.data)."""
        from common.templatetags.ui import data

        if self.message:
            title, body = render(self.message, self.params, mark=data)
            if title or body:
                return title, body
            return data(self.legacy_title or self.message), data(self.legacy_body)
        return data(self.legacy_title), data(self.legacy_body)

    @property
    def display_title(self) -> str:
        return self.rendered()[0]

    @property
    def display_body(self) -> str:
        return self.rendered()[1]
