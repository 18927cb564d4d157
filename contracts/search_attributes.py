"""Search attributes operators filter on in the Temporal Web UI.

They sit beside the workflow contract: the workflow upserts them, the API sets them at start,
and `claims dev` registers them with the embedded Temporal server.
"""

from __future__ import annotations

from temporalio.common import SearchAttributeKey

CLAIM_STATUS = SearchAttributeKey.for_keyword("ClaimStatus")
CLAIM_TYPE = SearchAttributeKey.for_keyword("ClaimType")
CLAIM_AMOUNT = SearchAttributeKey.for_float("ClaimAmount")
POLICY_NUMBER = SearchAttributeKey.for_keyword("PolicyNumber")
ESCALATED = SearchAttributeKey.for_bool("Escalated")
# A step has been failing transiently past the alert threshold (an outage); still retrying.
STEP_RETRYING = SearchAttributeKey.for_bool("StepRetrying")

ALL = (CLAIM_STATUS, CLAIM_TYPE, CLAIM_AMOUNT, POLICY_NUMBER, ESCALATED, STEP_RETRYING)

# The names the CLI's `--search-attribute KEY=TYPE` and `temporal operator` expect.
CLI_TYPES = {
    "ClaimStatus": "Keyword",
    "ClaimType": "Keyword",
    "ClaimAmount": "Double",
    "PolicyNumber": "Keyword",
    "Escalated": "Bool",
    "StepRetrying": "Bool",
}
