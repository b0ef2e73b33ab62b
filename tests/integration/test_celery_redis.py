"""A real Redis broker, a real Celery worker with beat: the scheduled sweep reminds once.

Needs Redis on 127.0.0.1:6379 (REDIS_URL overrides). Under CI=true a missing Redis is a failure,
not a skip.
"""

import datetime
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

import pytest
from django.db import connection
from django.utils import timezone

from notifications.models import Notification
from supervision.models import DeadlineAlert
from tasks import progress

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/15")

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def _require_redis() -> None:
    url = urlparse(REDIS_URL)
    try:
        socket.create_connection((url.hostname, url.port or 6379), timeout=2).close()
    except OSError:
        message = f"Redis is not reachable at {url.hostname}:{url.port}"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)


def _database_url() -> str:
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    user, host, port = settings["USER"] or "postgres", settings["HOST"] or "127.0.0.1", settings["PORT"] or 5432
    password = f":{settings['PASSWORD']}" if settings["PASSWORD"] else ""
    return f"postgres://{user}{password}@{host}:{port}/{settings['NAME']}"


def _flush_redis() -> None:
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()


def test_the_scheduled_sweep_sends_a_reminder_exactly_once(plan, task_a, dept_a, liaison_a, tmp_path):
    _require_redis()
    if connection.vendor == "sqlite" and connection.settings_dict["NAME"].startswith("file:memorydb"):
        pytest.fail("the SQLite test database must be a file for the worker to share it")
    _flush_redis()
    today = timezone.localdate()
    period = progress.reporting_period(plan=plan, cadence="quarterly", year=today.year, number=(today.month - 1) // 3 + 1)
    report = progress.report_open(task=task_a, period=period, department=dept_a)
    report.due_on = today + datetime.timedelta(days=7)  # due in a week: the 7-day reminder is due now
    report.save(update_fields=["due_on"])

    log = tmp_path / "worker.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "SECRET_KEY": "integration-test",
        "DEBUG": "0",
        "DATABASE_URL": _database_url(),
        "DATABASE_CONN_MAX_AGE": "0",
        "CELERY_BROKER_URL": REDIS_URL,
        "SWEEP_INTERVAL_SECONDS": "1",
        "CELERY_BEAT_SCHEDULE_FILENAME": str(tmp_path / "beat-schedule"),
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    }
    command = [sys.executable, "-m", "celery", "-A", "config", "worker", "--beat", "--pool=solo", "--loglevel=INFO", "--without-mingle", "--without-gossip"]
    with open(log, "w") as out:
        worker = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and not Notification.objects.filter(user=liaison_a).exists():
                assert worker.poll() is None, log.read_text()[-3000:]
                time.sleep(0.5)
            assert Notification.objects.filter(user=liaison_a).exists(), log.read_text()[-3000:]
            # Let beat run the sweep several more times: nothing more may be sent.
            runs_before = log.read_text().count("supervision.tasks.sweep_deadlines[")
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and log.read_text().count("supervision.tasks.sweep_deadlines[") < runs_before + 6:
                time.sleep(0.5)
            assert log.read_text().count("supervision.tasks.sweep_deadlines[") >= runs_before + 6, log.read_text()[-3000:]
        finally:
            worker.terminate()
            try:
                worker.wait(timeout=15)
            except subprocess.TimeoutExpired:
                worker.kill()
    assert Notification.objects.filter(user=liaison_a, kind="reminder").count() == 1
    assert DeadlineAlert.objects.filter(kind="remind-7").count() == 1
