from django.urls import include, path

app_name = "supervision"
urlpatterns = [
    path("notices/", include("supervision.notice_urls")),
    path("extensions/", include("supervision.extension_urls")),
]
