"""The API's endpoints: one viewset per kind of object, reading through ``api.scope`` (the pages'
gatekeepers), and the writes an external system is the natural source of."""

from __future__ import annotations

import datetime

from django.contrib.auth.decorators import login_not_required
from django.db.models import Prefetch
from django.utils import translation
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from django_filters import CharFilter
from drf_spectacular.renderers import OpenApiJsonRenderer, OpenApiYamlRenderer
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from drf_spectacular.views import SpectacularAPIView
from rest_framework import serializers as drf_serializers
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from api import docs, filters, scope
from api import serializers as s
from api.base import ApiViewMixin, language_of
from api.problems import Conflict
from api.services import value_push, values_push_bulk
from indicators.attainment import statuses_of
from indicators.models import AnnualIndicatorTarget
from tasks import access, progress
from tasks.models import TaskDepartment


class ReadViewSet(ApiViewMixin, viewsets.ReadOnlyModelViewSet):
    # Any text in the id's place reaches the view (and gets a problem-details 404), not Django's page.
    lookup_value_converter = "str"
    scoped = None  # a function of ``api.scope``: user → queryset

    def get_queryset(self):
        return self.load(type(self).scoped(self.request.user)).order_by("pk")

    def filter_queryset(self, queryset):
        refuse_blank_parameters(self.request, getattr(self, "filterset_class", None))
        return super().filter_queryset(queryset)

    def load(self, queryset):
        return queryset

    def retrieve(self, request, *args, **kwargs):
        obj = self.get_object()
        self.last_modified = getattr(obj, "updated_at", None)
        return Response(self.get_serializer(obj).data)


def refuse_blank_parameters(request, filterset_class) -> None:
    """``?year=`` or ``?updated_since=`` is not "no filter" but a value that is not a year or a
    moment: refused (400), as a value of the wrong type is. Free-text filters may be empty."""
    names = ["limit", "year"]
    if filterset_class is not None:
        names += [name for name, f in filterset_class.base_filters.items() if not isinstance(f, CharFilter)]
    blank = {name: [_("This parameter may not be blank.")] for name in names if request.query_params.get(name, None) == ""}
    if blank:
        raise ValidationError(blank)


@extend_schema_view(list=docs.listing("plans"), retrieve=docs.detail("plans"))
class PlanViewSet(ReadViewSet):
    serializer_class = s.PlanSerializer
    filterset_class = filters.PlanFilterSet
    scoped = scope.plans


@extend_schema_view(list=docs.listing("sections"), retrieve=docs.detail("sections"))
class SectionViewSet(ReadViewSet):
    serializer_class = s.SectionSerializer
    filterset_class = filters.SectionFilterSet
    scoped = scope.sections


@extend_schema_view(list=docs.listing("tasks"), retrieve=docs.detail("tasks"))
class KeyTaskViewSet(ReadViewSet):
    serializer_class = s.KeyTaskSerializer
    filterset_class = filters.KeyTaskFilterSet
    scoped = scope.key_tasks

    def load(self, queryset):
        links = TaskDepartment.objects.select_related("department").order_by("role", "position")
        return queryset.prefetch_related(Prefetch("task_departments", queryset=links))


@extend_schema_view(list=docs.listing("periods"), retrieve=docs.detail("periods"))
class PeriodViewSet(ReadViewSet):
    serializer_class = s.PeriodSerializer
    filterset_class = filters.PeriodFilterSet
    scoped = scope.periods


@extend_schema_view(
    list=docs.listing("progress-reports"),
    retrieve=docs.detail("progress-reports"),
    partial_update=docs.report_draft(),
)
class ProgressReportViewSet(ReadViewSet):
    serializer_class = s.ProgressReportSerializer
    filterset_class = filters.ReportFilterSet
    scoped = scope.reports
    http_method_names = ["get", "patch", "head", "options"]

    def partial_update(self, request, *args, **kwargs):
        """Save the draft's content as its liaison would on the page (``tasks.progress.report_save``).
        Submitting stays a person's act, on the page."""
        report = self.get_object()
        draft = s.ProgressReportDraftSerializer(data=request.data)
        draft.is_valid(raise_exception=True)
        data = dict(draft.validated_data)
        version = data.pop("version")
        if not access.is_report_assignee(request.user, report):
            raise PermissionDenied
        if not report.is_editable:
            raise Conflict({"status": [docs.REPORT_LOCKED]}, code="report_locked")
        if version != report.version:
            raise Conflict({"version": [docs.STALE_VERSION]}, code="stale_version")
        report = progress.report_save(report=report, user=request.user, data=data, version=version)
        self.call_summary = f"report {report.pk} draft v{report.version}"
        return Response(s.ProgressReportSerializer(report).data)


@extend_schema_view(list=docs.listing("notices"), retrieve=docs.detail("notices"))
class NoticeViewSet(ReadViewSet):
    serializer_class = s.NoticeSerializer
    filterset_class = filters.NoticeFilterSet
    scoped = scope.notices_of


YEAR = OpenApiParameter(
    "year", {"type": "integer", "minimum": 2000, "maximum": 2100}, description="评价达标情况的年度（缺省为今年）· The year whose attainment is shown (default: this year).",
)


@extend_schema_view(
    list=docs.listing("indicators", parameters=[YEAR]), retrieve=docs.detail("indicators", parameters=[YEAR])
)
class IndicatorViewSet(ReadViewSet):
    serializer_class = s.IndicatorSerializer
    filterset_class = filters.IndicatorFilterSet
    scoped = scope.indicators

    def load(self, queryset):
        targets = AnnualIndicatorTarget.objects.order_by("year")
        return queryset.select_related("plan", "department").prefetch_related(Prefetch("annual_targets", queryset=targets))

    def year(self) -> int:
        raw = self.request.query_params.get("year")
        if raw is None:
            return datetime.date.today().year
        field = drf_serializers.IntegerField(min_value=2000, max_value=2100)
        try:
            return field.run_validation(raw)
        except ValidationError as exc:
            raise ValidationError({"year": exc.detail}) from exc

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["statuses"] = getattr(self, "_statuses", {})
        return context

    def list(self, request, *args, **kwargs):
        year = self.year()
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        self._statuses = statuses_of(page, year)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, *args, **kwargs):
        year = self.year()
        indicator = self.get_object()
        self._statuses = statuses_of([indicator], year)
        return Response(self.get_serializer(indicator).data)


@extend_schema_view(list=docs.listing("indicator-values"), retrieve=docs.detail("indicator-values"))
class IndicatorValueViewSet(ReadViewSet):
    serializer_class = s.IndicatorValueSerializer
    filterset_class = filters.ValueFilterSet
    scoped = scope.values

    def load(self, queryset):
        return queryset.select_related("indicator").prefetch_related("indicator__annual_targets")

    @docs.push()
    @action(detail=False, methods=["post"], url_path="push")
    def push(self, request):
        item = s.ValuePushSerializer(data=request.data)
        item.is_valid(raise_exception=True)
        result = value_push(user=request.user, item=item.validated_data, token=scope.token_of(request.user))
        self.call_summary = f"push {result.external_id}: {result.outcome} value {result.value.pk}"
        body = s.ValuePushResultSerializer(result).data
        return Response(body, status=status.HTTP_201_CREATED if result.outcome == "created" else status.HTTP_200_OK)

    @docs.bulk()
    @action(detail=False, methods=["post"], url_path="bulk")
    def bulk(self, request):
        batch = s.BulkPushSerializer(data=request.data)
        batch.is_valid(raise_exception=True)
        results = values_push_bulk(user=request.user, items=batch.validated_data["items"], token=scope.token_of(request.user))
        counts = {outcome: sum(r.outcome == outcome for r in results) for outcome in ("created", "updated", "unchanged")}
        self.call_summary = "bulk: " + ", ".join(f"{k} {v}" for k, v in counts.items())
        return Response(s.BulkPushResultSerializer({"results": results}).data)


@extend_schema_view(list=docs.listing("funding-lines"), retrieve=docs.detail("funding-lines"))
class FundingLineViewSet(ReadViewSet):
    serializer_class = s.FundingLineSerializer
    filterset_class = filters.FundingLineFilterSet
    scoped = scope.funding_lines

    def load(self, queryset):
        return queryset.prefetch_related("tasks")


@extend_schema_view(list=docs.listing("evaluations"), retrieve=docs.detail("evaluations"))
class EvaluationViewSet(ReadViewSet):
    serializer_class = s.EvaluationSerializer
    filterset_class = filters.EvaluationFilterSet
    scoped = scope.evaluations

    def get_serializer_class(self):
        return s.EvaluationDetailSerializer if self.action == "retrieve" else s.EvaluationSerializer


@extend_schema_view(list=docs.listing("departments"), retrieve=docs.detail("departments"))
class DepartmentViewSet(ReadViewSet):
    serializer_class = s.DepartmentSerializer
    scoped = scope.departments


class MeView(ApiViewMixin, APIView):
    @extend_schema(
        operation_id="me",
        tags=["account"],
        summary="当前账号与令牌范围 · The calling account and its token's scope",
        description="调用者是谁、令牌的有效期与范围。· Who is calling, and the token's lifetime and scope.",
        responses=inline_serializer(
            "Me",
            {
                "username": drf_serializers.CharField(),
                "name": drf_serializers.CharField(),
                "token": inline_serializer(
                    "TokenScope",
                    {
                        "name": drf_serializers.CharField(),
                        "kind": drf_serializers.CharField(),
                        "region": drf_serializers.IntegerField(allow_null=True),
                        "department": drf_serializers.IntegerField(allow_null=True),
                        "expires_at": drf_serializers.DateTimeField(),
                    },
                    allow_null=True,
                ),
            },
        ),
    )
    def get(self, request):
        token = scope.token_of(request.user)
        return Response(
            {
                "username": request.user.username,
                "name": str(request.user),
                "token": None if token is None else {
                    "name": token.name, "kind": token.kind, "region": token.region_id,
                    "department": token.department_id, "expires_at": token.expires_at,
                },
            }
        )


class SchemaJsonRenderer(OpenApiJsonRenderer):
    media_type = "application/json"  # what HTTP clients ask for (the OpenAPI media type works too)


class SchemaView(SpectacularAPIView):
    """The OpenAPI 3 schema (JSON; YAML with ?format=yaml). Public: it describes, it shows no data.
    Generated once per process and language (it changes only with the code)."""

    renderer_classes = [SchemaJsonRenderer, OpenApiJsonRenderer, OpenApiYamlRenderer]
    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = []
    generated: dict[str, dict] = {}

    def dispatch(self, request, *args, **kwargs):
        translation.activate(language_of(request))  # field texts follow Accept-Language (or ?lang=)
        return super().dispatch(request, *args, **kwargs)

    def _get_schema_response(self, request):
        language = translation.get_language()
        if language not in self.generated:
            self.generated[language] = super()._get_schema_response(request).data
        return Response(self.generated[language], headers={"Content-Disposition": 'inline; filename="plan-supervisor-api.json"'})

    @classmethod
    def as_view(cls, *args, **kwargs):
        view = super().as_view(*args, **kwargs)
        view.login_required = False
        return view


@method_decorator(login_not_required, name="dispatch")
class DocsView(TemplateView):
    """Swagger UI from our own static files (drf-spectacular-sidecar); no CDN, no inline script."""

    template_name = "api/docs.html"
