"""The ranking as a horizontal bar chart (server-rendered SVG, common.charts' helper)."""

from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from assessment.selectors import Results
from common.charts import Series, bar_chart


def ranking_chart(result: Results) -> SafeString:
    return bar_chart(
        title=_("Total score by prefecture, %(year)d") % {"year": result.scheme.year},
        categories=[f"{row.rank}. {row.region.name}" for row in result.rows],
        series=[Series(name=_("Total score"), values=[row.total for row in result.rows])],
    )
