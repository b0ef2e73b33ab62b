"""Readable, translated names for the action and state codes stored in the audit trail."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

ACTIONS = {
    "open": _("opened"),
    "submit": _("submitted"),
    "approve": _("approved"),
    "return": _("returned"),
    "reassign": _("handed over"),
    "claim": _("claimed complete"),
    "import": _("imported"),
    "status": _("status changed"),
    "progress": _("progress updated"),
    "create": _("created"),
    "evidence_attach": _("file attached"),
    "evidence_review": _("file reviewed"),
    "evidence_remove": _("file removed"),
    "close": _("closed"),
    "extend": _("due date extended"),
    "request": _("extension requested"),
    "reject": _("rejected"),
    # A context of their own: the plain words are the notice's field names (签收时间, 反馈时间).
    "acknowledge": pgettext_lazy("audit action", "acknowledged"),
    "respond": pgettext_lazy("audit action", "responded"),
    "accept": _("accepted"),
    "issue": _("issued"),
    "escalate": _("escalated"),
}


def state_label(code: str) -> str:
    """The label of a state code from any of the models' choices (codes are shared words)."""
    from supervision.models import SupervisionNotice
    from tasks.models import Contribution, KeyTask, Milestone, MilestoneClaim, Plan, ProgressReport

    if code == "closed":
        return str(_("Closed"))
    for choices in (
        ProgressReport.Status,
        Milestone.Status,
        MilestoneClaim.Status,
        Contribution.Status,
        KeyTask.Status,
        Plan.Status,
        SupervisionNotice.Status,
        SupervisionNotice.Level,
    ):
        if code in choices.values:
            return str(choices(code).label)
    return code
