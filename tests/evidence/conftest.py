"""Evidence tests store files in a MEDIA_ROOT of their own, so that "nothing was written" can be counted."""

from pathlib import Path

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path) -> Path:
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = root
    return root


@pytest.fixture
def english():
    """Messages are asserted in English (the zh-hans catalogue translates them)."""
    with translation.override("en"):
        yield
