"""gunicorn's settings (``gunicorn --config config/gunicorn.conf.py config.wsgi``), from the environment."""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "4"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))  # report generation runs in Celery, not here
graceful_timeout = 30
max_requests = 2000  # recycle workers now and then
max_requests_jitter = 200
accesslog = "-"
errorlog = "-"
# nginx on the same machine sets X-Forwarded-Proto / X-Forwarded-For; trust them only from it.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


def post_worker_init(worker):
    """The worker has loaded Django: load the URLconf too (every view, form and template tag module
    behind it), then move everything alive to the permanent generation (``gc.freeze``). A full
    collection then walks only what the requests create, not the whole application again: on the
    report page and its submission (bench/load.py) the collector took ≈ 6 ms a submission, in
    pauses of ≈ 130 ms that every request queued at that worker waited out; frozen, ≈ 2 ms."""
    import gc

    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - imports the views
    gc.collect()
    gc.freeze()
