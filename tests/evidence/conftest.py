"""Evidence tests store files in a MEDIA_ROOT of their own, so that "nothing was written" can be counted."""

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def media_root(media_root) -> Path:
    """Every test here gets its own MEDIA_ROOT (see tests/conftest.py)."""
    return media_root
