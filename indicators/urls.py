from django.urls import path

from indicators import views

app_name = "indicators"
urlpatterns = [
    path("indicators/", views.indicator_list, name="indicator_list"),
    path("indicators/import/", views.indicator_import_upload, name="import"),
    path("indicators/import/<int:pk>/", views.indicator_import_preview, name="import_preview"),
    path("indicators/import/<int:pk>/confirm/", views.indicator_import_confirm, name="import_confirm"),
    path("indicators/completeness/", views.completeness, name="completeness"),
    path("indicators/<int:pk>/", views.indicator_detail, name="indicator_detail"),
    path("indicator-values/<int:pk>/", views.value_detail, name="value_detail"),
]
