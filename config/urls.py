from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path

from config.health import HealthView
from tasks.views import home

urlpatterns = [
    path("", home, name="home"),
    path("admin/", admin.site.urls),
    path("health/", login_not_required(HealthView.as_view()), name="health"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("accounts.urls")),
    path("evidence/", include("evidence.urls")),
    path("", include("tasks.urls")),
    path("", include("supervision.urls")),
    path("", include("indicators.urls")),
    path("", include("funding.urls")),
    path("", include("dashboards.urls")),
    path("", include("evaluation.urls")),
]
