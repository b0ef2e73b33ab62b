"""The working-day calendar's corrections: public holidays and make-up working days (调休)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarException(models.Model):
    """A day that breaks the usual rule: a public holiday, or a make-up working day (调休).

    Consulted before the ``chinese-calendar`` package, so administrators can correct it and cover
    years it does not know yet (it ships the State Council's schedule year by year).
    """

    date = models.DateField(_("date"), unique=True)
    is_working_day = models.BooleanField(
        _("working day"), help_text=_("Ticked: a make-up working day (调休). Unticked: a holiday.")
    )
    note = models.CharField(_("note"), max_length=100, blank=True, help_text=_("e.g. 国庆节, 春节调休"))

    class Meta:
        verbose_name = _("calendar exception")
        verbose_name_plural = _("calendar exceptions")
        db_table = "supervision_calendarexception"  # moved from supervision; the table kept its name
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.note}"
