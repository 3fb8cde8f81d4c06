"""Pre-adoption compliance: policy files, the pure evaluation of a model against one, exemptions."""

from openness.policy.check import check_models, outcome
from openness.policy.evaluate import evaluate
from openness.policy.load import load_policy, load_policy_text, parse_policy, validate_license_ids
from openness.policy.models import (
    CHECKS,
    CheckReport,
    Exemption,
    Finding,
    ModelResult,
    Policy,
    Requirements,
    UseContext,
)

__all__ = [
    "CHECKS",
    "CheckReport",
    "Exemption",
    "Finding",
    "ModelResult",
    "Policy",
    "Requirements",
    "UseContext",
    "check_models",
    "evaluate",
    "load_policy",
    "load_policy_text",
    "outcome",
    "parse_policy",
    "validate_license_ids",
]
