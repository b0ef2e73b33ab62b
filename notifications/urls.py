from django.urls import path

from notifications import views

app_name = "notifications"
urlpatterns = [
    path("", views.notification_list, name="notification_list"),
    path("read-all/", views.notification_read_all, name="notification_read_all"),
    path("<int:pk>/read/", views.notification_read, name="notification_read"),
    path("<int:pk>/open/", views.notification_open, name="notification_open"),
]
