from django.urls import path

from indicators import cascade_views, views

app_name = "indicators"
urlpatterns = [
    path("indicators/", views.indicator_list, name="indicator_list"),
    path("indicators/import/", views.indicator_import_upload, name="import"),
    path("indicators/import/<int:pk>/", views.indicator_import_preview, name="import_preview"),
    path("indicators/import/<int:pk>/confirm/", views.indicator_import_confirm, name="import_confirm"),
    path("indicators/completeness/", views.completeness, name="completeness"),
    path("indicators/<int:pk>/", views.indicator_detail, name="indicator_detail"),
    path("indicators/<int:pk>/values/new/", views.value_new, name="value_new"),
    path("indicators/<int:pk>/edit/", views.indicator_definition_edit, name="indicator_definition"),
    path("indicators/<int:pk>/regions/", views.region_comparison, name="region_comparison"),
    path("indicators/<int:pk>/region-targets/", views.region_targets_edit, name="region_targets"),
    path("indicators/<int:pk>/region-targets/upload/", views.region_targets_upload, name="region_targets_upload"),
    path("indicators/<int:pk>/region-targets/sheet/", views.region_targets_sheet, name="region_targets_sheet"),
    path("indicator-values/<int:pk>/", views.value_detail, name="value_detail"),
    path("indicator-values/<int:pk>/edit/", views.value_edit, name="value_edit"),
    path("indicator-values/<int:pk>/decide/", views.value_decide, name="value_decide"),
    path("indicator-values/<int:pk>/judge/", views.value_judge, name="value_judge"),
    path("indicator-values/<int:pk>/evidence/", views.value_evidence_upload, name="value_evidence_upload"),
    path(
        "indicator-values/<int:pk>/evidence/<int:evidence_pk>/remove/", views.value_evidence_remove, name="value_evidence_remove"
    ),
    path("plans/<int:pk>/cascade/indicators/", cascade_views.cascade_indicators_page, name="cascade"),
]
