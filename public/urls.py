from django.urls import path

from public import views

app_name = "public"
urlpatterns = [
    path("", views.public_index, name="index"),
    path("language/", views.public_language, name="language"),
    path("<int:pk>/", views.public_plan, name="plan"),
    path("<int:pk>/data.json", views.public_plan_json, name="plan_json"),
    path("<int:pk>/tasks.csv", views.public_tasks_csv, name="tasks_csv"),
    path("<int:pk>/indicators.csv", views.public_indicators_csv, name="indicators_csv"),
    path("<int:pk>/publish/", views.plan_publish, name="publish"),
]
