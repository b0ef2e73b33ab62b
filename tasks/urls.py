from django.urls import path

from tasks import views

app_name = "tasks"
urlpatterns = [
    path("plans/", views.plan_list, name="plan_list"),
    path("plans/import/", views.plan_import_upload, name="plan_import"),
    path("plans/import/<int:pk>/", views.plan_import_preview, name="plan_import_preview"),
    path("plans/import/<int:pk>/confirm/", views.plan_import_confirm, name="plan_import_confirm"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/export.xlsx", views.plan_export_download, name="plan_export"),
    path("plans/<int:plan_pk>/tasks/", views.key_task_list, name="task_list"),
    path("tasks/<int:pk>/", views.key_task_detail, name="task_detail"),
    path("departments/", views.department_list, name="department_list"),
]
