"""Settings come from the environment: checked in a fresh interpreter per case."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROBE = (
    "import json, django; from django.conf import settings; django.setup();"
    "print(json.dumps({'engine': settings.DATABASES['default']['ENGINE'], 'name': str(settings.DATABASES['default']['NAME']),"
    "'eager': settings.CELERY_TASK_ALWAYS_EAGER, 'lang': settings.LANGUAGE_CODE, 'tz': settings.TIME_ZONE,"
    "'hosts': settings.ALLOWED_HOSTS, 'media': str(settings.MEDIA_ROOT), 'email_host': settings.EMAIL_HOST,"
    "'sessions': settings.SESSION_ENGINE}))"
)


def _settings(**env):
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "CELERY_BROKER_URL", "SECRET_KEY", "DEBUG", "CACHE_URL"}}
    clean.update(env, DJANGO_SETTINGS_MODULE="config.settings")
    result = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=clean, capture_output=True, text=True)
    return result


def test_secret_key_is_required_when_debug_is_off():
    result = _settings(DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_defaults_are_sqlite_in_the_project_eager_celery_chinese_and_shanghai_time():
    result = _settings(DEBUG="1")
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["engine"] == "django.db.backends.sqlite3"
    assert values["name"] == str(ROOT / "db.sqlite3")
    assert values["eager"] is True
    assert values["lang"] == "zh-hans" and values["tz"] == "Asia/Shanghai"


def test_everything_else_comes_from_the_environment(tmp_path):
    result = _settings(
        SECRET_KEY="x" * 50,
        DATABASE_URL="postgres://u:p@db.internal:5432/plans",
        CELERY_BROKER_URL="redis://127.0.0.1:6379/0",
        ALLOWED_HOSTS="plan.example.gov.cn,10.0.0.5",
        MEDIA_ROOT=str(tmp_path),
        EMAIL_HOST="mail.example.gov.cn",
    )
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["engine"] == "django.db.backends.postgresql" and values["name"] == "plans"
    assert values["eager"] is False
    assert values["hosts"] == ["plan.example.gov.cn", "10.0.0.5"]
    assert values["media"] == str(tmp_path)
    assert values["email_host"] == "mail.example.gov.cn"


def test_a_secret_may_come_from_a_file(tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("from-a-file-" + "y" * 40)
    result = _settings(SECRET_KEY_FILE=str(secret))
    assert result.returncode == 0, result.stderr


def test_size_limits_come_from_the_environment():
    probe = (
        "import json, django; from django.conf import settings; django.setup();"
        "print(json.dumps([settings.UPLOAD_MAX_BYTES, settings.REQUEST_MAX_BYTES, settings.DATA_UPLOAD_MAX_MEMORY_SIZE,"
        " settings.FILE_UPLOAD_MAX_MEMORY_SIZE, settings.IMPORT_MAX_BYTES, settings.IMPORT_MAX_ROWS, settings.UNCOMPRESSED_MAX_BYTES]))"
    )
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "CELERY_BROKER_URL", "SECRET_KEY"}}
    clean.update(
        DEBUG="1", DJANGO_SETTINGS_MODULE="config.settings", UPLOAD_MAX_MB="5", REQUEST_MAX_MB="30",
        DATA_UPLOAD_MAX_MEMORY_SIZE="1000", FILE_UPLOAD_MAX_MEMORY_SIZE="2000", IMPORT_MAX_MB="3",
        IMPORT_MAX_ROWS="700", UNCOMPRESSED_MAX_MB="50",
    )
    result = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env=clean, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    mb = 1024 * 1024
    assert json.loads(result.stdout) == [5 * mb, 30 * mb, 1000, 2000, 3 * mb, 700, 50 * mb]


def test_sessions_are_read_from_the_cache_only_when_every_worker_shares_it():
    shared = json.loads(_settings(DEBUG="1", CACHE_URL="redis://127.0.0.1:6379/1").stdout)
    assert shared["sessions"] == "django.contrib.sessions.backends.cached_db"
    alone = json.loads(_settings(DEBUG="1").stdout)  # a per-process cache would keep a logged-out session alive
    assert alone["sessions"] == "django.contrib.sessions.backends.db"
