"""The department filters read their options as rows (common.filters.RowChoiceFilter): the same
options as a model choice filter, one query, and the chosen department still checked."""

import django_filters
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from common.filters import RowChoiceFilter
from tasks.models import Department, ProgressReport
from tests.factories import DepartmentFactory, RegionFactory

pytestmark = pytest.mark.django_db


class ReportsByDepartment(django_filters.FilterSet):
    department = RowChoiceFilter(queryset=Department.objects.none(), empty_label="全部")

    class Meta:
        model = ProgressReport
        fields = ["department"]

    def __init__(self, *args, region, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["department"].queryset = Department.objects.filter(region=region).order_by("position")


def _options(filterset):
    return [(str(value), str(label)) for value, label in filterset.form.fields["department"].choices]


def test_the_options_are_the_departments_as_they_print():
    region = RegionFactory()
    shortened = DepartmentFactory(region=region, name="示范市卫生健康委员会", short_name="市卫健委", position=1)
    unshortened = DepartmentFactory(region=region, name="示范市公安局", short_name="", position=2)
    filterset = ReportsByDepartment(queryset=ProgressReport.objects.all(), region=region)

    options = _options(filterset)

    assert options == [("", "全部"), (str(shortened.pk), str(shortened)), (str(unshortened.pk), str(unshortened))]
    assert [label for _, label in options[1:]] == ["市卫健委", "示范市公安局"]


def test_the_options_are_one_query_however_many_departments():
    region = RegionFactory()
    DepartmentFactory.create_batch(30, region=region)
    filterset = ReportsByDepartment(queryset=ProgressReport.objects.all(), region=region)

    with CaptureQueriesContext(connection) as queries:
        html = str(filterset.form["department"])

    assert len(queries) == 1
    assert html.count("<option") == 31


def test_a_department_outside_the_choices_is_refused_and_a_chosen_one_reaches_the_filter_as_itself():
    region, elsewhere = RegionFactory(), RegionFactory()
    own, foreign = DepartmentFactory(region=region), DepartmentFactory(region=elsewhere)

    refused = ReportsByDepartment({"department": foreign.pk}, queryset=ProgressReport.objects.all(), region=region)
    chosen = ReportsByDepartment({"department": own.pk}, queryset=ProgressReport.objects.all(), region=region)

    assert not refused.is_valid() and "department" in refused.errors
    assert chosen.is_valid() and chosen.form.cleaned_data["department"] == own
    assert f'<option value="{own.pk}" selected>' in str(chosen.form["department"])
