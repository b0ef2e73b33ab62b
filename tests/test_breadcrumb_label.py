"""Landmarks are named in the reader's language: the breadcrumb is 导航路径 in Chinese, Breadcrumb in English."""

import pytest
from django.conf import settings
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("language", "label"), [("zh-hans", "导航路径"), ("en", "Breadcrumb")])
def test_the_breadcrumb_is_named_in_the_readers_language(plan, supervisor, language, label):
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    client.force_login(supervisor)
    assert f'aria-label="{label}"' in client.get(plan.get_absolute_url()).content.decode()
