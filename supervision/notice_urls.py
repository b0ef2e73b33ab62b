from django.urls import path

from supervision import notice_views

urlpatterns = [
    path("", notice_views.notice_list, name="notice_list"),
    path("new/", notice_views.notice_new, name="notice_new"),
    path("<int:pk>/", notice_views.notice_detail, name="notice_detail"),
    path("<int:pk>/acknowledge/", notice_views.notice_acknowledge, name="notice_acknowledge"),
    path("<int:pk>/respond/", notice_views.notice_respond, name="notice_respond"),
    path("<int:pk>/evidence/", notice_views.notice_evidence_upload, name="notice_evidence_upload"),
    path("<int:pk>/evidence/<int:evidence_pk>/remove/", notice_views.notice_evidence_remove, name="notice_evidence_remove"),
    path("<int:pk>/decide/", notice_views.notice_decide, name="notice_decide"),
    path("<int:pk>/pdf/", notice_views.notice_pdf_download, name="notice_pdf"),
]
