"""Guards for the policy node: personal-data masking, injection detection, rate limiting.

Importing this package is cheap: presidio is imported and the PII analyzer built on the first
`find_pii`/`mask_pii` call, or at start-up through `warm_up()`.
"""

from agent.guard.injection import RISK_FLAGS, detect_risks
from agent.guard.ratelimit import RateLimiter
from store.privacy import PiiSpan, find_pii, mask_identity, mask_pii, warm_up

__all__ = [
    "RISK_FLAGS",
    "PiiSpan",
    "RateLimiter",
    "detect_risks",
    "find_pii",
    "mask_identity",
    "mask_pii",
    "warm_up",
]
