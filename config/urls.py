from django.contrib import admin
from django.urls import include, path

from tasks.views import home

urlpatterns = [
    path("", home, name="home"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
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
]
