"""The Celery app. Settings come from Django's (CELERY_*); tasks are discovered in every app."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("plan_supervisor")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
