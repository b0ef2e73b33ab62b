import django_filters
from django.utils.translation import gettext_lazy as _

from meetings.models import Meeting


class MeetingFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=Meeting.Kind.choices, empty_label=_("All"))
    year = django_filters.NumberFilter(label=_("Year"), field_name="held_on__year")

    class Meta:
        model = Meeting
        fields = ["kind", "year"]
