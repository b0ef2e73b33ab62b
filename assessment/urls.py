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
    # issue 19
    path("assessments/mine/", views.mine, name="mine"),
    path("assessments/<int:pk>/settings/", views.settings_save, name="settings"),
    path("assessments/<int:pk>/vetoes/add/", views.veto_add, name="veto_add"),
    path("assessments/vetoes/<int:pk>/remove/", views.veto_remove, name="veto_remove"),
    path("assessments/<int:pk>/scheme.xlsx", views.scheme_sheet, name="scheme_sheet"),
    path("assessments/<int:pk>/scheme/import/", views.scheme_import, name="scheme_import"),
    path("assessments/<int:pk>/prefectures/choose/", views.choose_prefectures, name="choose"),
    path("assessments/<int:pk>/rerun/", views.rerun, name="rerun"),
    path("assessments/<int:pk>/differences/", views.differences, name="differences"),
    path("assessments/<int:pk>/prefectures/<int:region_pk>/", views.prefecture, name="prefecture"),
    path("assessments/<int:pk>/prefectures/<int:region_pk>/self/", views.self_assess, name="self_assess"),
    path("assessments/<int:pk>/prefectures/<int:region_pk>/judge/", views.judge, name="judge"),
    path("assessments/<int:pk>/prefectures/<int:region_pk>/sample/", views.sample_draw, name="sample"),
    path("assessments/sampled/<int:pk>/check/", views.sampled_check, name="sampled_check"),
    path("assessments/sampled/<int:pk>/respond/", views.sampled_respond, name="sampled_respond"),
]
