"""Side effects of a claim: records (Postgres), assessment (litellm), payment, notification.

Keep this package's `__init__` import-free: the workflow sandbox imports `activities.contracts`.
"""
