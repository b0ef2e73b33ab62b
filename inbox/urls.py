from django.urls import path

from inbox import views

app_name = "inbox"
urlpatterns = [
    path("work/", views.inbox, name="inbox"),
    path("work/queue/", views.queue, name="queue"),
    path("work/department/", views.department_queue, name="department"),
]
