"""The demo accounts on the login page, only when ``SHOW_DEMO_ACCOUNTS`` (DEBUG) is on."""

from django import template
from django.conf import settings

from demo.plan import DEMO_PASSWORD, demo_accounts

register = template.Library()


@register.inclusion_tag("demo/demo_accounts.html")
def demo_account_list() -> dict:
    if not settings.SHOW_DEMO_ACCOUNTS:
        return {"demo_accounts": []}
    return {"demo_accounts": demo_accounts(), "demo_password": DEMO_PASSWORD}
