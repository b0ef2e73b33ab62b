from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from config.health import HealthView
from tasks.views import home

urlpatterns = [
    path("", home, name="home"),
    path("admin/", admin.site.urls),
    path("health/", login_not_required(HealthView.as_view()), name="health"),
    # The language switcher works before logging in too (login and lockout pages).
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    # 政务公开: no login. Early in the list: the public pages are the busiest, and every pattern
    # tried before a match costs each request (a third of its CPU when it came last).
    path("public/", include("public.urls")),
    path("accounts/", include("accounts.urls")),
    path("evidence/", include("evidence.urls")),
    path("notifications/", include("notifications.urls")),
    path("review/", include("workflows.urls")),
    path("", include("inbox.urls")),
    path("", include("tasks.urls")),
    path("", include("supervision.urls")),
    path("", include("indicators.urls")),
    path("", include("funding.urls")),
    path("", include("dashboards.urls")),
    path("", include("evaluation.urls")),
    path("", include("assessment.urls")),
    path("", include("exports.urls")),
    path("", include("meetings.urls")),  # joint meetings (联席会议)
    # The header's search (issue 16, item 6).
    path("", include("search.urls")),
    # --- JSON API (issue 15): /api/v1/…, /api/schema/, /api/docs/ ---
    path("api/", include("api.urls")),
]
