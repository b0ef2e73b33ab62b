# The lifecycle is tested on its first subject, the progress report: reuse that cast.
from tests.progress.conftest import (  # noqa: F401
    contribution,
    head_a,
    liaison_a2,
    media_root,
    milestone,
    period,
    report,
)
