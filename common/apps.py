from functools import lru_cache

from django.apps import AppConfig


class CommonConfig(AppConfig):
    """The platform's shared helpers (no models). ``ready`` makes django-tables2 remember the
    signatures of the render methods it calls for every cell."""

    name = "common"

    def ready(self) -> None:
        from django_tables2 import utils

        if getattr(utils.signature, "remembered", False):
            return
        read = utils.signature

        @lru_cache(maxsize=4096)
        def of_function(function, bound: bool):
            return read(function.__get__(object()) if bound else function)

        def signature(fn):
            # django-tables2 asks inspect.signature() for each cell it renders (a fifth of a list
            # page's time); the answer depends only on the function, so it is read once.
            function = getattr(fn, "__func__", None)
            if function is None:
                return read(fn)
            return of_function(function, True)

        signature.remembered = True
        utils.signature = signature
