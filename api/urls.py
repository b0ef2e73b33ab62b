from django.urls import include, path
from rest_framework.routers import SimpleRouter

from api import views

app_name = "api"

router = SimpleRouter(use_regex_path=False)
router.register("plans", views.PlanViewSet, basename="plan")
router.register("sections", views.SectionViewSet, basename="section")
router.register("tasks", views.KeyTaskViewSet, basename="task")
router.register("periods", views.PeriodViewSet, basename="period")
router.register("progress-reports", views.ProgressReportViewSet, basename="report")
router.register("notices", views.NoticeViewSet, basename="notice")
router.register("indicators", views.IndicatorViewSet, basename="indicator")
router.register("indicator-values", views.IndicatorValueViewSet, basename="value")
router.register("funding-lines", views.FundingLineViewSet, basename="funding-line")
router.register("evaluations", views.EvaluationViewSet, basename="evaluation")
router.register("departments", views.DepartmentViewSet, basename="department")

urlpatterns = [
    path("v1/me/", views.MeView.as_view(), name="me"),
    path("v1/", include(router.urls)),
    path("schema/", views.SchemaView.as_view(), name="schema"),
    path("docs/", views.DocsView.as_view(), name="docs"),
]
