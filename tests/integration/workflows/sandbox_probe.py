"""A module with a non-deterministic call, imported by test_sandbox.py's probe workflow.

It stands in for any workflow module: loaded the way `workflows/*` are, its clock read is
refused; passed through, as `workflows/steps.py` once was, it runs unchecked.
"""

import datetime


def read_the_clock() -> str:
    return datetime.datetime.now().isoformat()
