"""The URLs of ``bench/pages.py``: the product's own, plus a bench-only admin site whose
changelists show exactly the rows of the page being compared.

The admin is timed as a page, like the product's pages: through the test client, the middleware,
the session and the signed-in user. ``show(model, queryset)`` says which rows the next changelist
of ``model`` lists; each model keeps the columns and filters of its ModelAdmin in the product (or
the columns ``bench/pages.py`` gives the models the product keeps out of the admin).
"""

from django.contrib import admin
from django.urls import include, path

PER_PAGE = 25
ROWS: dict = {}


class BenchAdminSite(admin.AdminSite):
    site_url = None


site = BenchAdminSite(name="bench_admin")


def register(model, registered: type[admin.ModelAdmin]) -> None:
    class RowsAdmin(registered):
        list_per_page = PER_PAGE

        def get_queryset(self, request):
            return ROWS[model]

    site.register(model, RowsAdmin)


def show(model, queryset) -> str:
    """The changelist URL of ``model``, listing ``queryset``."""
    ROWS[model] = queryset
    return f"/bench-admin/{model._meta.app_label}/{model._meta.model_name}/"


def __getattr__(name):
    # The URL patterns are read at the first request, after the models are registered: the admin
    # site builds its URLs from what is registered when it is first asked.
    if name == "urlpatterns":
        return [path("bench-admin/", site.urls), path("", include("config.urls"))]
    raise AttributeError(name)
