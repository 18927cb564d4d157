"""Pure claims domain: models, policy rules and routing. No I/O lives here.

Nothing in this package imports fastapi, temporalio or sqlalchemy, so the same code runs inside
the Temporal workflow sandbox, the API and plain unit tests.
"""
