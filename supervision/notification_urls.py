from django.urls import path

from supervision import notification_views

urlpatterns = [
    path("", notification_views.notification_list, name="notification_list"),
]
