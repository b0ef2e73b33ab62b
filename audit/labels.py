"""Readable, translated names for the action and state codes stored in the audit trail."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# A context of their own: the plain words are also field names (签发时间, 签收时间 …).
ACTIONS = {
    "open": pgettext_lazy("audit action", "opened"),
    "submit": pgettext_lazy("audit action", "submitted"),
    "approve": pgettext_lazy("audit action", "approved"),
    "return": pgettext_lazy("audit action", "returned"),
    "reassign": pgettext_lazy("audit action", "handed over"),
    "claim": pgettext_lazy("audit action", "claimed complete"),
    "import": pgettext_lazy("audit action", "imported"),
    "status": pgettext_lazy("audit action", "status changed"),
    "progress": pgettext_lazy("audit action", "progress updated"),
    "create": pgettext_lazy("audit action", "created"),
    "evidence_attach": pgettext_lazy("audit action", "file attached"),
    "evidence_review": pgettext_lazy("audit action", "file reviewed"),
    "evidence_remove": pgettext_lazy("audit action", "file removed"),
    "close": pgettext_lazy("audit action", "closed"),
    "reopen": pgettext_lazy("audit action", "reopened"),
    "extend": pgettext_lazy("audit action", "due date extended"),
    "request": pgettext_lazy("audit action", "extension requested"),
    "reject": pgettext_lazy("audit action", "rejected"),
    "acknowledge": pgettext_lazy("audit action", "acknowledged"),
    "respond": pgettext_lazy("audit action", "responded"),
    "accept": pgettext_lazy("audit action", "accepted"),
    "issue": pgettext_lazy("audit action", "issued"),
    "escalate": pgettext_lazy("audit action", "escalated"),
    "save": pgettext_lazy("audit action", "saved"),
    "change": pgettext_lazy("audit action", "changed"),
    "assign_evaluator": pgettext_lazy("audit action", "evaluator assigned"),
    "unassign_evaluator": pgettext_lazy("audit action", "evaluator withdrawn"),
    "start_scoring": pgettext_lazy("audit action", "scoring started"),
    "score": pgettext_lazy("audit action", "scored"),
    "submit_scores": pgettext_lazy("audit action", "scores submitted"),
    "sign_off": pgettext_lazy("audit action", "signed off"),
    "request_report": pgettext_lazy("audit action", "report requested"),
    "generate": pgettext_lazy("audit action", "report generated"),
    "fail": pgettext_lazy("audit action", "generation failed"),
    "download": pgettext_lazy("audit action", "downloaded"),
    "request_export": pgettext_lazy("audit action", "export requested"),
    "export_ready": pgettext_lazy("audit action", "export prepared"),
    # public pages (政务公开)
    "publish": pgettext_lazy("audit action", "published"),
    "unpublish": pgettext_lazy("audit action", "withdrawn from publication"),
}


# The state choices of every audited model, registered by each app in its ``ready()``.
_STATE_CHOICES: list = []


def register_states(*choices) -> None:
    """Let the audit trail name these states (``TextChoices`` classes) in the reader's language."""
    for choice in choices:
        if choice not in _STATE_CHOICES:
            _STATE_CHOICES.append(choice)


def state_label(code: str) -> str:
    """The label of a state code from any registered model's choices (codes are shared words)."""
    if code == "closed":
        return str(_("Closed"))
    for choices in _STATE_CHOICES:
        if code in choices.values:
            return str(choices(code).label)
    return code
