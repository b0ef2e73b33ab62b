from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundingConfig(AppConfig):
    name = "funding"
    verbose_name = _("Funding")

    def ready(self) -> None:
        # Who may download the files of a ledger entry: whoever may see its funding line.
        from evidence.access import register_owner
        from funding import access
        from funding.models import LedgerEntry

        register_owner(LedgerEntry, lambda user, entry: access.visible_lines(user).filter(pk=entry.line_id).exists())
