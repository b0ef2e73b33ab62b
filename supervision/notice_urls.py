from django.urls import path

from supervision import notice_views

urlpatterns = [
    path("", notice_views.notice_list, name="notice_list"),
]
