from django.urls import path

from tasks import cascade_views, period_views, progress_views, views

app_name = "tasks"
urlpatterns = [
    path("plans/", views.plan_list, name="plan_list"),
    path("plans/import/", views.plan_import_upload, name="plan_import"),
    path("plans/import/<int:pk>/", views.plan_import_preview, name="plan_import_preview"),
    path("plans/import/<int:pk>/confirm/", views.plan_import_confirm, name="plan_import_confirm"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/export.xlsx", views.plan_export_download, name="plan_export"),
    path("plans/<int:pk>/cascade/tasks/", cascade_views.cascade_tasks, name="cascade_tasks"),
    path("plans/<int:plan_pk>/tasks/", views.key_task_list, name="task_list"),
    path("plans/<int:plan_pk>/periods/", period_views.period_list, name="period_list"),
    path("periods/<int:pk>/close/", period_views.period_close, name="period_close"),
    path("periods/<int:pk>/reopen/", period_views.period_reopen, name="period_reopen"),
    path("tasks/<int:pk>/", views.key_task_detail, name="task_detail"),
    path("departments/", views.department_list, name="department_list"),
    path("work/archive/", progress_views.archive, name="archive"),
    path("reports/<int:pk>/", progress_views.report_detail, name="report_detail"),
    path("reports/<int:pk>/edit/", progress_views.report_edit, name="report_edit"),
    path("reports/<int:pk>/decide/", progress_views.report_decide, name="report_decide"),
    path("reports/<int:pk>/reassign/", progress_views.report_reassign, name="report_reassign"),
    path("reports/<int:pk>/evidence/", progress_views.report_evidence_upload, name="report_evidence_upload"),
    path("reports/<int:pk>/evidence/<int:evidence_pk>/remove/", progress_views.report_evidence_remove, name="report_evidence_remove"),
    path("contributions/<int:pk>/", progress_views.contribution_detail, name="contribution_detail"),
    path("contributions/<int:pk>/edit/", progress_views.contribution_edit, name="contribution_edit"),
    path("contributions/<int:pk>/decide/", progress_views.contribution_decide, name="contribution_decide"),
    path("milestones/<int:pk>/claim/", progress_views.milestone_claim_new, name="milestone_claim_new"),
    path("claims/<int:pk>/", progress_views.milestone_claim_detail, name="milestone_claim_detail"),
    path("claims/<int:pk>/revise/", progress_views.milestone_claim_revise, name="milestone_claim_revise"),
    path("claims/<int:pk>/decide/", progress_views.milestone_claim_decide, name="milestone_claim_decide"),
]
