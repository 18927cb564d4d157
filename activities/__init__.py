"""Side effects of a claim: records (Postgres), assessment (litellm), payment, notification.

What crosses Temporal (their inputs and results) is in `contracts/`, not here.
"""
