from django.urls import path

from supervision import extension_views

urlpatterns = [
    path("", extension_views.extension_list, name="extension_list"),
    path("new/<int:report_id>/", extension_views.extension_new, name="extension_new"),
    path("<int:pk>/", extension_views.extension_detail, name="extension_detail"),
    path("<int:pk>/decide/", extension_views.extension_decide, name="extension_decide"),
]
