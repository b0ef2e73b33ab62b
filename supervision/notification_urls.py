from django.urls import path

from supervision import notification_views

urlpatterns = [
    path("", notification_views.notification_list, name="notification_list"),
    path("read-all/", notification_views.notification_read_all, name="notification_read_all"),
    path("<int:pk>/read/", notification_views.notification_read, name="notification_read"),
    path("<int:pk>/open/", notification_views.notification_open, name="notification_open"),
]
