from django.urls import path

from evaluation import views

app_name = "evaluation"
urlpatterns = [
    path("evaluations/", views.evaluation_list, name="evaluation_list"),
    path("plans/<int:plan_pk>/evaluations/new/", views.evaluation_new, name="evaluation_new"),
    path("evaluations/<int:pk>/", views.evaluation_detail, name="evaluation_detail"),
    path("evaluations/<int:pk>/assign/", views.evaluation_assign, name="evaluation_assign"),
    path("evaluations/<int:pk>/sign-off/", views.evaluation_sign_off, name="evaluation_sign_off"),
    path("evaluations/<int:pk>/scorecards.xlsx", views.evaluation_scorecards, name="evaluation_scorecards"),
    path("evaluations/assignments/<int:pk>/", views.scoring, name="scoring"),
    path("evaluations/assignments/<int:pk>/save/", views.scoring_save, name="scoring_save"),
    path("evaluations/assignments/<int:pk>/withdraw/", views.assignment_withdraw, name="assignment_withdraw"),
    path("self-assessments/<int:pk>/", views.self_assessment_detail, name="self_assessment"),
    path("self-assessments/<int:pk>/edit/", views.self_assessment_edit, name="self_assessment_edit"),
    path("self-assessments/<int:pk>/decide/", views.self_assessment_decide, name="self_assessment_decide"),
    path(
        "self-assessments/<int:pk>/evidence/", views.self_assessment_evidence, name="self_assessment_evidence"
    ),
    path(
        "self-assessments/<int:pk>/evidence/<int:evidence_pk>/remove/",
        views.self_assessment_evidence_remove,
        name="self_assessment_evidence_remove",
    ),
    path("rubrics/<int:pk>/", views.rubric_edit, name="rubric_edit"),
    path("generated-reports/", views.report_list, name="report_list"),
    path("generated-reports/<int:pk>/", views.report_detail, name="report_detail"),
    path("generated-reports/<int:pk>/status/", views.report_status, name="report_status"),
    path("generated-reports/<int:pk>/download/", views.report_download, name="report_download"),
]
