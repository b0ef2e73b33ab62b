from django.urls import path

from dashboards import views

app_name = "dashboards"
urlpatterns = [
    path("plans/<int:pk>/dashboard/", views.plan_dashboard, name="plan"),
    path("plans/<int:pk>/dashboard/funding/", views.funding_dashboard, name="funding"),
    path("plans/<int:pk>/dashboard/indicators/", views.indicator_dashboard, name="indicators"),
    path("plans/<int:pk>/dashboard/regions/", views.region_matrix, name="regions"),
    path("plans/<int:pk>/dashboard/regions/<int:region_pk>/", views.region_tasks, name="region"),
]
