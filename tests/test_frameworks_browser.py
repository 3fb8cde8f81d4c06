"""The registry report's framework filter in a real headless Chromium."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from openness.formatters.report_html import format_report_html
from openness.frameworks.judge import Frameworks
from openness.registry.build import build_report
from openness.registry.store import Registry
from tests.test_report_browser import chromium, run

pytestmark = pytest.mark.browser
__all__ = ["chromium"]


def test_framework_filter_shows_only_matching_rows(chromium: str, tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    page.write_text(format_report_html(build_report(Registry.load(), None, frameworks=Frameworks.load())), encoding="utf-8")
    dom, console = run(chromium, tmp_path, page.as_uri() + "#fw=osaid:pass", "--dump-dom")
    assert console == [], console
    rows = re.findall(r'<tr data-id="([^"]*)"[^>]*?data-fw-osaid="(\w+)"[^>]*?(class="hidden")?>', dom)
    assert len(rows) > 100
    visible = [(rid, outcome) for rid, outcome, hidden in rows if not hidden]
    assert visible and all(outcome == "pass" for _, outcome in visible)
    assert "EleutherAI/pythia-6.9b" in dict(visible)
    assert all(hidden for rid, outcome, hidden in rows if outcome != "pass")
