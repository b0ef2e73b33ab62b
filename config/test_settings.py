"""Test settings: the production settings with fast hashing, eager Celery and a temporary MEDIA_ROOT."""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "test-secret-key")

from config.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CELERY_TASK_ALWAYS_EAGER = True
CELERY_BROKER_URL = ""
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="plansup-media-"))  # noqa: F405
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
ALLOWED_HOSTS = ["*"]
LOGGING = {"version": 1, "disable_existing_loggers": False}
STATIC_ROOT = Path(tempfile.mkdtemp(prefix="plansup-static-"))  # noqa: F405
WHITENOISE_USE_FINDERS = True
# A file, not memory, so that the integration test's Celery worker (another process) shares it.
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    # One file per process, so that parallel runs (xdist workers, two terminals) never share one.
    DATABASES["default"]["TEST"] = {"NAME": str(Path(tempfile.gettempdir()) / f"plansup-test-{os.getpid()}.sqlite3")}  # noqa: F405
