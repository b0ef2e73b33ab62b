from django.urls import path

from meetings import views

app_name = "meetings"
urlpatterns = [
    path("meetings/", views.meeting_list, name="meeting_list"),
    path("meetings/new/", views.meeting_create, name="meeting_create"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/edit/", views.meeting_edit, name="meeting_edit"),
    path("meetings/<int:pk>/decisions/new/", views.decision_add, name="decision_add"),
    path("meetings/<int:pk>/minutes/", views.minutes_upload, name="minutes_upload"),
    path("meetings/<int:pk>/summary.pdf", views.meeting_pdf, name="meeting_pdf"),
    path("meetings/<int:pk>/import/", views.decision_import, name="decision_import"),
    path("meetings/<int:pk>/import/<str:token>/", views.decision_import_preview, name="decision_import_preview"),
    path("meetings/<int:pk>/import/<str:token>/confirm/", views.decision_import_confirm, name="decision_import_confirm"),
    path("meetings/decisions/<int:pk>/edit/", views.decision_edit, name="decision_edit"),
    path("meetings/decisions/<int:pk>/task/", views.decision_task, name="decision_task"),
    path("meetings/decisions/<int:pk>/notice/", views.decision_notice, name="decision_notice"),
]
