from django.urls import path

from evidence import views

app_name = "evidence"
urlpatterns = [
    path("download/<uuid:public_id>/", views.download, name="download"),
]
