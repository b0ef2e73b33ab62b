"""The notifications supervision sends (notices, extensions, the deadline sweep), registered from
``SupervisionConfig.ready()``. Keys: ``supervision.<subject>.<event>``.

Parameters are names and codes: ``reference`` (督办〔2024〕12号), ``task`` (a key task's title,
or "code title"), ``department``, ``user``; free text the users wrote (``requirements``,
``response``, ``reason``, ``comment``); ``period`` as a period code (2024Q2, shown as the period's
label in the reader's language); ``level`` as a notice level code (shown as its label); dates as
ISO strings — shown as the reader's language writes dates for notices and extensions, kept as
ISO dates (as they always were) in the sweep's reminders.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext_lazy as _

from notifications.messages import choice_label, iso_date, register_message

PERIOD_CODE = re.compile(r"^(\d{4})(?:([QHM])(\d{1,2}))?$")


def period_label(code: str) -> str:
    """A reporting period's code (2024Q2, 2024H1, 2024M07, 2024) as its label in the active
    language (2024年第2季度 / 2024 Q2): ``ReportingPeriod.label`` of an unsaved period."""
    from tasks.models import KeyTask, ReportingPeriod

    found = PERIOD_CODE.match(str(code))
    if found is None:
        return str(code)
    year, letter, number = found.groups()
    cadence = {
        "Q": KeyTask.Cadence.QUARTERLY,
        "H": KeyTask.Cadence.HALF_YEARLY,
        "M": KeyTask.Cadence.MONTHLY,
        None: KeyTask.Cadence.YEARLY,
    }[letter]
    return str(ReportingPeriod(cadence=cadence, year=int(year), number=int(number or 1)).label)


def register() -> None:
    from supervision.models import SupervisionNotice

    # --- supervision notices (督办单) ---
    register_message(
        "supervision.notice.issued",
        title=_("Supervision notice %(reference)s: %(task)s"),
        body=_("%(requirements)s\n\nAcknowledge it and respond by %(date)s."),
        formats={"date": iso_date},
    )
    register_message(
        "supervision.notice.acknowledged",
        title=_("%(department)s acknowledged notice %(reference)s"),
    )
    # No longer sent: a submitted answer is the lifecycle's ``review.notice_answer.submitted``.
    # Kept so that the notifications stored before still read as they did.
    register_message(
        "supervision.notice.responded",
        title=_("%(department)s responded to notice %(reference)s"),
        body="%(response)s",
    )
    # Sent instead of the lifecycle's ``review.notice_answer.returned``: it also gives the fresh
    # date by which to answer again (``supervision.notices.notice_apply_return``).
    register_message(
        "supervision.notice.returned",
        title=_("Notice %(reference)s: the response was returned"),
        body=_("%(reason)s\n\nRespond again by %(date)s."),
        formats={"date": iso_date},
    )
    register_message(
        "supervision.notice.closed",
        title=_("Notice %(reference)s: the response was accepted and the notice closed"),
        body="%(task)s",
    )
    register_message(
        "supervision.notice.escalated",
        title=_("Notice %(reference)s escalated to %(level)s: %(department)s has not answered"),
        body=_("Key task: %(task)s\nThe answer was due on %(old)s; it is now due on %(new)s."),
        formats={"level": choice_label(SupervisionNotice.Level), "old": iso_date, "new": iso_date},
    )
    register_message(
        "supervision.notice.due_soon",
        title=_("%(reference)s must be answered by %(date)s"),
    )

    # --- extension requests (延期申请) ---
    register_message(
        "supervision.extension.requested",
        title=_("Extension requested: %(task)s · %(period)s"),
        body=_("%(user)s (%(department)s) asks to move the due date from %(from)s to %(to)s. Reason: %(reason)s"),
        formats={"period": period_label, "from": iso_date, "to": iso_date},
    )
    register_message(
        "supervision.extension.granted",
        title=_("Extension granted: %(task)s · %(period)s is now due %(due)s"),
        body="%(comment)s",
        formats={"period": period_label, "due": iso_date},
    )
    register_message(
        "supervision.extension.refused",
        title=_("Extension refused: %(task)s · %(period)s stays due %(due)s"),
        body="%(reason)s",
        formats={"period": period_label, "due": iso_date},
    )

    # --- the deadline sweep (催办) ---
    register_message(
        "supervision.report.due_soon",
        title=_("Report due in %(days)d day(s): %(task)s (%(period)s)"),
        body=_("Due on %(date)s."),
        formats={"period": period_label},
    )
    register_message(
        "supervision.report.overdue",
        title=_("Report overdue: %(task)s (%(period)s)"),
        body=_("It was due on %(date)s and has not been submitted."),
        formats={"period": period_label},
    )
    register_message(
        "supervision.contribution.due_soon",
        title=_("Contribution due on %(date)s: %(task)s"),
    )
