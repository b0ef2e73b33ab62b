from django.urls import path

from workflows import views

app_name = "review"
urlpatterns = [
    path("<slug:kind>/<int:pk>/evidence/<int:evidence_pk>/decide/", views.evidence_decide, name="evidence_decide"),
    path("<slug:kind>/<int:pk>/accept/", views.accept, name="accept"),
    path("accept-many/", views.accept_many, name="accept_many"),
]
