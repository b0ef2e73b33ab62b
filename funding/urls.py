from django.urls import path

from funding import views

app_name = "funding"
urlpatterns = [
    path("funding/", views.line_list, name="line_list"),
    path("funding/new/", views.line_new, name="line_new"),
    path("funding/lines/<int:pk>/", views.line_detail, name="line_detail"),
    path("funding/lines/<int:pk>/entries/", views.entry_new, name="entry_new"),
    path("funding/lines/<int:pk>/reverse/", views.entry_reverse, name="entry_reverse"),
]
