from django.urls import path

from dashboards import views

app_name = "dashboards"
urlpatterns = [
    path("plans/<int:pk>/dashboard/", views.plan_dashboard, name="plan"),
    path("plans/<int:pk>/dashboard/funding/", views.funding_dashboard, name="funding"),
    path("plans/<int:pk>/dashboard/indicators/", views.indicator_dashboard, name="indicators"),
]
