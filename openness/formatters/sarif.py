"""SARIF 2.1.0 for policy check reports (GitHub code scanning and other SARIF viewers): report in, string out.

A finding for a model found by ``--scan`` (or listed in ``--from-file``) is located at each file and
line that references the model; otherwise at the policy file. Exempted findings carry a SARIF
``suppressions`` entry with the exemption as justification.
"""

from __future__ import annotations

import hashlib
from typing import Any
from urllib.parse import quote

from openness import __version__
from openness.formatters import jsontext
from openness.policy.models import CHECKS, CheckReport, Finding, ModelResult

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
_LEVEL = {"error": "error", "warning": "warning", "info": "note"}
_RULE_IDS = list(CHECKS)


def _uri(path: str) -> str:
    return quote(path.replace("\\", "/"), safe="/:@-._~")


def _locations(result: ModelResult, policy_path: str) -> list[dict[str, Any]]:
    refs = result.locations or []
    if not refs:
        return [
            {
                "physicalLocation": {"artifactLocation": {"uri": _uri(policy_path)}, "region": {"startLine": 1}},
                "message": {"text": f"policy applied to {result.model}"},
            }
        ]
    out = []
    for loc in refs:
        physical: dict[str, Any] = {"artifactLocation": {"uri": _uri(loc.path)}}
        if loc.line:
            physical["region"] = {"startLine": loc.line}
        out.append({"physicalLocation": physical, "message": {"text": f"{result.model} referenced here ({loc.via or 'reference'})"}})
    return out


def _result(result: ModelResult, finding: Finding, policy_path: str) -> dict[str, Any]:
    text = f"{result.model}: {finding.message}"
    if finding.clause:
        text += f' Licence clause: "{finding.clause}"'
    if finding.resolution:
        text += f" To resolve: {finding.resolution}"
    key = f"{result.model}|{finding.check}|{finding.requirement}".encode()
    out: dict[str, Any] = {
        "ruleId": finding.check,
        "ruleIndex": _RULE_IDS.index(finding.check),
        "level": _LEVEL[finding.severity],
        "message": {"text": text},
        "locations": _locations(result, policy_path),
        "partialFingerprints": {"opennessFinding/v1": hashlib.sha256(key).hexdigest()[:32]},
        "properties": {
            "model": result.model,
            "requirement": finding.requirement,
            "severity": finding.severity,
            "clause": finding.clause,
            "exempted": finding.exempted,
        },
    }
    if finding.exempted and result.exemption:
        out["suppressions"] = [{"kind": "external", "status": "accepted", "justification": f"exemption {result.exemption}"}]
    return out


def to_sarif(report: CheckReport) -> dict[str, Any]:
    rules = [{"id": cid, "name": cid, "shortDescription": {"text": desc}} for cid, desc in CHECKS.items()]
    notifications = [
        {
            "level": "warning",
            "message": {"text": f"scan skipped the file: {p.error}"},
            "locations": [{"physicalLocation": {"artifactLocation": {"uri": _uri(p.path)}}}],
        }
        for p in report.scan_problems
    ]
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": {"name": "openness", "version": __version__, "rules": rules}},
                "invocations": [{"executionSuccessful": True, "toolExecutionNotifications": notifications}],
                "results": [_result(r, f, report.policy) for r in report.results for f in r.findings],
                "properties": {"policy": report.policy, "passed": report.passed, "checkedOn": report.checked_on.isoformat()},
            }
        ],
    }


def format_sarif(report: CheckReport) -> str:
    return jsontext.dumps(to_sarif(report), indent=2) + "\n"
