"""`python -m tests.support.variant_worker`: a real claims worker process running build B.

The same process as `claims worker --queue claims` (settings from CLAIMS_*), whose code is
tests/support/variant_workflow.py instead of ClaimWorkflow: what a new release's image is.
"""

from __future__ import annotations

import sys

from tests.support.variant_workflow import ScreenedClaimWorkflow
from workers import claims_worker

if __name__ == "__main__":
    setattr(claims_worker, "ClaimWorkflow", ScreenedClaimWorkflow)  # noqa: B010 - this process is build B
    from cli.main import main

    sys.exit(main(["worker", "--queue", "claims"]))
