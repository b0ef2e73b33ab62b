from django.urls import path

from assessment import views

app_name = "assessment"
urlpatterns = [
    path("plans/<int:plan_pk>/assessments/", views.scheme_list, name="scheme_list"),
    path("plans/<int:plan_pk>/assessments/new/", views.scheme_create, name="scheme_create"),
    path("assessments/<int:pk>/", views.results, name="results"),
    path("assessments/<int:pk>/edit/", views.scheme_edit, name="scheme_edit"),
    path("assessments/<int:pk>/title/", views.scheme_title, name="scheme_title"),
    path("assessments/<int:pk>/items/add/", views.item_add, name="item_add"),
    path("assessments/items/<int:pk>/", views.item_edit, name="item_edit"),
    path("assessments/items/<int:pk>/remove/", views.item_remove, name="item_remove"),
    path("assessments/<int:pk>/bonuses/add/", views.bonus_add, name="bonus_add"),
    path("assessments/bonuses/<int:pk>/remove/", views.bonus_remove, name="bonus_remove"),
    path("assessments/<int:pk>/compute/", views.compute, name="compute"),
    path("assessments/<int:pk>/adjust/", views.adjust, name="adjust"),
    path("assessments/<int:pk>/sign-off/", views.sign_off, name="sign_off"),
    path("assessments/<int:pk>/ranking.xlsx", views.export, name="export"),
]
