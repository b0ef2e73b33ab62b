from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_roles(sender, **kwargs):
    # The groups come from a migration; this keeps them right after a flush (transactional
    # tests) and repairs any hand edits to their permissions on every migrate.
    from django.apps import apps

    from accounts.roles import sync_role_groups

    sync_role_groups(apps)


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts and roles")

    def ready(self) -> None:
        post_migrate.connect(_sync_roles, sender=self, dispatch_uid="accounts.sync_roles")
