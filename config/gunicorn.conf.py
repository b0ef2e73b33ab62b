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
