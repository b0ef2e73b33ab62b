"""Fixtures of the API tests: tests/conftest.py's cast (示范市, its health commission ``dept_a``
and police ``dept_b``, their liaisons, the staff) with tokens, and a client that sends them."""

from __future__ import annotations

import datetime

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from api.models import ApiToken
from api.tokens import token_create
from tests.indicators.conftest import make_indicator


@pytest.fixture(autouse=True)
def fresh_throttle():
    cache.clear()  # the rate limit counts per token in the cache; tokens' ids repeat across tests
    yield
    cache.clear()


def token_for(user, **kwargs) -> str:
    return token_create(user=user, name=f"test {user.username}", **kwargs)[1]


def client_with(raw: str | None, language: str = "en") -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE=language)
    if raw:
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


@pytest.fixture
def rate(plan, dept_a):
    """规范管理率 ≥ 80 % (binding), dept_a responsible."""
    return make_indicator(plan, dept_a)


@pytest.fixture
def liaison_token(liaison_a):
    return token_for(liaison_a)


@pytest.fixture
def system_account(dept_a, region):
    """The provincial information system's account: a liaison of the health commission, with a
    system token scoped to 示范市 and the commission."""
    from tests.factories import make_liaison

    user = make_liaison(dept_a, "smd-system")
    raw = token_for(user, kind=ApiToken.Kind.SYSTEM, region=region, department=dept_a, lifetime=datetime.timedelta(days=90))
    return user, raw


@pytest.fixture
def system_client(system_account):
    return client_with(system_account[1])
