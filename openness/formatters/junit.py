"""JUnit XML for policy check reports (CI test tabs): one test case per model, failures list its findings."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from openness.formatters.check import ordered
from openness.policy.models import CheckReport, ModelResult

# Characters XML 1.0 cannot carry, even escaped.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _x(text: object) -> str:
    return _XML_INVALID.sub("", str(text))


def _body(result: ModelResult, failing_only: bool) -> str:
    lines = []
    for f in ordered(result.findings):
        if failing_only and (f.exempted or f.severity == "info"):
            continue
        mark = " (exempt)" if f.exempted else ""
        lines.append(f"[{f.severity}] {f.check}{mark}: {f.message}")
        if f.clause:
            lines.append(f"    clause: {f.clause}")
        if f.resolution and not f.exempted:
            lines.append(f"    resolve: {f.resolution}")
    return _x("\n".join(lines))


def format_junit(report: CheckReport) -> str:
    failures = sum(not r.passed and r.verified for r in report.results)
    errors = sum(not r.passed and not r.verified for r in report.results)
    suites = ET.Element("testsuites", name="openness check", tests=str(len(report.results)), failures=str(failures), errors=str(errors))
    suite = ET.SubElement(
        suites,
        "testsuite",
        name=_x(f"policy {report.policy}"),
        tests=str(len(report.results)),
        failures=str(failures),
        errors=str(errors),
        skipped="0",
        timestamp=report.checked_on.isoformat(),
    )
    for r in report.results:
        case = ET.SubElement(suite, "testcase", classname="openness.policy", name=_x(r.model))
        if not r.passed:
            tag = "failure" if r.verified else "error"
            worst = next((f for f in ordered(r.findings) if not f.exempted), None)
            node = ET.SubElement(case, tag, message=_x(worst.message if worst else "failed"), type=worst.check if worst else "policy")
            node.text = _body(r, failing_only=True)
        notes = _body(r, failing_only=False)
        if r.exemption:
            notes = _x(f"exempt: {r.exemption}\n") + notes
        if notes:
            ET.SubElement(case, "system-out").text = notes
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"
