"""/health/ for the load balancer and monitoring (django-health-check).

Checks the database, the cache, the file storage (MEDIA_ROOT: write, read, delete) and, when
CELERY_BROKER_URL names a Redis, the broker. 200 when every check passes, 500 otherwise, with the
failing component named (HTML for people, ``?format=json`` or ``Accept: application/json`` for
machines). Open to anonymous callers; it names components (``Database(alias='default')``,
``Redis(host='127.0.0.1', port=6379, db=0)``) and generic errors, never credentials or paths.
"""

from datetime import timedelta
from functools import partial

from django.conf import settings
from health_check.views import HealthCheckView


def _redis_client(url: str, timeout: float):
    from redis.asyncio import Redis

    return Redis.from_url(url, socket_connect_timeout=timeout, socket_timeout=timeout)


def health_checks() -> list:
    timeout = timedelta(seconds=settings.HEALTH_CHECK_TIMEOUT_SECONDS)
    checks: list = [
        "health_check.checks.Database",
        ("health_check.checks.Cache", {"timeout": timeout}),
        "health_check.checks.Storage",
    ]
    broker = settings.CELERY_BROKER_URL or ""
    if broker.startswith(("redis://", "rediss://", "unix://")):
        from health_check.contrib.redis import Redis

        client_factory = partial(_redis_client, broker, timeout.total_seconds())
        checks.append((Redis, {"client_factory": client_factory}))
    return checks


class HealthView(HealthCheckView):
    template_name = "health_check/index.html"

    def get_checks(self):
        # Read the settings on every request (deployments and tests change them).
        self.checks = health_checks()
        return super().get_checks()
