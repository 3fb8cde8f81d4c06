"""Registry builds: real audits of local cards, history, resume, failure isolation, diff."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from openness.audit import Auditor, AuditSettings
from openness.cli import cli
from openness.models import AuditError, OpennessReport
from openness.registry.build import build_report
from openness.registry.diff import diff_history, diff_snapshots
from openness.registry.history import AuditRecord, History
from openness.registry.store import Registry

CARD = """---
license: apache-2.0
---
# {name}

A small test model. Weights in model.safetensors.
"""


def entry(rid: str, hub: str, level: int = 1, api_only: bool = False) -> str:
    w = "closed" if api_only else "open"
    hub_line = "    api_only: true\n    hub_ids: []\n" if api_only else f'    hub_ids: ["{hub}"]\n'
    return f"""
  - id: {rid}
    name: {rid.split("/")[-1]}
{hub_line}    level: {level if not api_only else 0}
    license: apache-2.0
    components:
      weights: {{status: {w}, evidence: ["https://example.org/{rid}/weights"]}}
      technical_report: {{status: partial, evidence: ["https://example.org/{rid}/report"]}}
      training_code: {{status: closed, evidence: ["https://example.org/{rid}"]}}
      training_data: {{status: closed, evidence: ["https://example.org/{rid}"]}}
      data_pipeline: {{status: closed, evidence: ["https://example.org/{rid}"]}}
"""


@pytest.fixture
def small_registry(tmp_path: Path) -> Path:
    """A registry whose 'Hub ids' are local card files, so the real Auditor audits them offline."""
    cards = tmp_path / "cards"
    cards.mkdir()
    for name in ("alpha", "beta"):
        (cards / f"acme__{name}.md").write_text(CARD.format(name=name), encoding="utf-8")
    releases = tmp_path / "releases"
    releases.mkdir()
    body = (
        entry("acme/alpha", str(cards / "acme__alpha.md"))
        + entry("acme/beta", str(cards / "acme__beta.md"))
        + entry("acme/missing", "acme-org/not-on-this-machine")
        + entry("acme/api", "", api_only=True)
    )
    (releases / "acme.yaml").write_text("family: Acme\norganisation: Acme\nverified: 2025-01-01\nreleases:\n" + body, encoding="utf-8")
    return releases


class CountingAuditor:
    """Wraps the real Auditor and remembers what it was asked to audit."""

    def __init__(self, inner: Auditor, explode_on: str | None = None) -> None:
        self.inner = inner
        self.targets: list[str] = []
        self.explode_on = explode_on

    def audit_many(self, targets: Iterable[str]) -> Iterator[OpennessReport | AuditError]:
        for target in targets:
            self.targets.append(target)
            if self.explode_on and target.endswith(self.explode_on):
                raise RuntimeError("auditor crashed")
            yield from self.inner.audit_many([target])


@pytest.fixture
def auditor() -> Auditor:
    return Auditor.from_settings(AuditSettings(offline=True))


def test_build_audits_skips_and_compares(small_registry: Path, auditor: Auditor, tmp_path: Path) -> None:
    with History(tmp_path / "h.sqlite") as history:
        report = build_report(Registry.load(small_registry), auditor, history=history)
        stored = history.audits(report.build_id or 0)
    by_id = {r.id: r for r in report.releases}
    assert by_id["acme/alpha"].audit == "ok" and by_id["acme/alpha"].level_source == "computed"
    assert by_id["acme/alpha"].level == by_id["acme/alpha"].computed["level"]  # type: ignore[index]
    # offline and never cached: nothing failed, the curated verdict is the content ("skipped" is for real failures)
    assert by_id["acme/missing"].audit == "curated"
    assert "acme-org/not-on-this-machine" in by_id["acme/missing"].audit_reason
    assert by_id["acme/missing"].level_source == "curated" and by_id["acme/missing"].level == 1
    assert by_id["acme/api"].audit == "api-only" and by_id["acme/api"].level == 0
    # computed differs from curated: each disagreement carries both sides' evidence
    alpha = by_id["acme/alpha"]
    if alpha.level != 1:
        level = next(d for d in alpha.disagreements if d.field == "level")
        assert level.curated == "L1" and level.computed.startswith(f"L{alpha.level}")
    for d in alpha.disagreements:
        if d.field in ("weights", "technical_report"):
            assert d.curated_evidence and d.curated_evidence[0].startswith("https://example.org/acme/alpha")
    assert set(stored) == {"acme/alpha", "acme/beta", "acme/missing"}
    assert stored["acme/alpha"].outcome == "ok" and stored["acme/alpha"].report is not None
    assert stored["acme/missing"].outcome == "curated"


def test_one_crash_never_stops_the_rest(small_registry: Path, auditor: Auditor) -> None:
    crashing = CountingAuditor(auditor, explode_on="acme__beta.md")
    report = build_report(Registry.load(small_registry), crashing)
    by_id = {r.id: r for r in report.releases}
    assert by_id["acme/beta"].audit == "error" and "auditor crashed" in by_id["acme/beta"].audit_reason
    assert by_id["acme/alpha"].audit == "ok"
    assert len(report.releases) == 4


def test_interrupted_build_resumes(small_registry: Path, auditor: Auditor, tmp_path: Path) -> None:
    registry = Registry.load(small_registry)
    with History(tmp_path / "h.sqlite") as history:
        # an earlier run audited alpha, then was interrupted (the build never finished)
        first = CountingAuditor(auditor)
        partial = build_report(registry, first, history=history, only=["acme/alpha"])
        assert first.targets and partial.build_id is not None
        from openness.registry.build import build_key, select

        build_id, resumed = history.start_build(build_key(select(registry), False), resume=False)
        assert not resumed
        alpha = history.audits(partial.build_id)["acme/alpha"]
        history.record(build_id, alpha)  # what the interrupted build had done
        second = CountingAuditor(auditor)
        report = build_report(registry, second, history=history)
        assert report.resumed and report.build_id == build_id
        assert all(not t.endswith("acme__alpha.md") for t in second.targets)
        assert any(t.endswith("acme__beta.md") for t in second.targets)
        assert {r.id: r.audit for r in report.releases}["acme/alpha"] == "ok"
        assert history.builds()[-1].id == build_id  # now finished
        third = CountingAuditor(auditor)
        build_report(registry, third, history=history)
        assert len(third.targets) == 3  # a finished build is not resumed


def _record(rid: str, license_id: str, level: int = 1, sha: str = "a" * 40, gated: bool = False) -> AuditRecord:
    return AuditRecord(rid, rid, "ok", sha=sha, level=level, license_id=license_id, gated=gated)


def test_diff_reports_a_changed_licence_between_two_builds(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite"
    with History(path) as history:
        for lic, level, gated in (("llama3", 1, False), ("llama3.1", 2, True)):
            build_id, _ = history.start_build("k", resume=False)
            history.record(build_id, _record("meta/x", lic, level, gated=gated))
            history.record(build_id, _record("acme/same", "mit"))
            history.finish_build(build_id)
        _, _, changes = diff_history(history)
    kinds = {(c.release_id, c.kind, c.before, c.after) for c in changes}
    assert ("meta/x", "licence changed", "llama3", "llama3.1") in kinds
    assert ("meta/x", "level changed", "L1", "L2") in kinds
    assert ("meta/x", "newly gated", "false", "true") in kinds
    assert not any(c.release_id == "acme/same" for c in changes)

    result = CliRunner().invoke(cli, ["registry", "diff", "--history", str(path)])
    assert result.exit_code == 1, result.output
    assert "meta/x: licence changed: llama3 -> llama3.1" in result.output
    as_json = CliRunner().invoke(cli, ["registry", "diff", "--history", str(path), "--format", "json"])
    doc = json.loads(as_json.stdout)
    assert doc["schema_version"] and {c["kind"] for c in doc["changes"]} >= {"licence changed"}
    before = CliRunner().invoke(cli, ["registry", "diff", "--history", str(path), "--since", "1999-01-01"])
    assert before.exit_code == 2 and "no complete build" in before.output


def test_diff_new_revision_and_no_change() -> None:
    old = {"a": _record("a", "mit", sha="1" * 40)}
    assert diff_snapshots(old, {"a": _record("a", "mit", sha="1" * 40)}) == []
    (change,) = diff_snapshots(old, {"a": _record("a", "mit", sha="2" * 40)})
    assert change.kind == "new revision"
    skipped = AuditRecord("a", "a", "skipped", "offline")
    assert diff_snapshots(old, {"a": skipped}) == []


def test_cli_build_offline_then_diff_against_baseline(small_registry: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    hist = tmp_path / "h.sqlite"
    out_json, out_html, out_csv = tmp_path / "r.json", tmp_path / "r.html", tmp_path / "r.csv"
    args = ["registry", "build", "--offline", "--registry", str(small_registry), "--history", str(hist)]
    first = runner.invoke(cli, [*args, "-o", str(out_json), "-o", str(out_html), "-o", str(out_csv)])
    assert first.exit_code == 0, first.output
    doc = json.loads(out_json.read_text(encoding="utf-8"))
    assert doc["schema_version"] and len(doc["releases"]) == 4
    rel = {r["id"]: r for r in doc["releases"]}
    assert set(rel["acme/alpha"]) >= {"id", "level", "curated", "computed", "level_source", "disagreements"}
    assert rel["acme/missing"]["computed"] is None and rel["acme/missing"]["level_source"] == "curated"
    assert out_html.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert out_csv.read_text(encoding="utf-8").count("\n") == 5
    second = runner.invoke(cli, [*args])
    assert second.exit_code == 0 and "| acme/alpha |" in second.stdout
    same = runner.invoke(cli, ["registry", "diff", "--history", str(hist), "--baseline", str(out_json)])
    assert same.exit_code == 0, same.output
    assert "0 change(s)" in same.output
    # edit the baseline as if the licence had been different then
    rel["acme/alpha"]["computed"]["license"] = {"id": "llama2", "terms": []}
    out_json.write_text(json.dumps(doc), encoding="utf-8")
    changed = runner.invoke(cli, ["registry", "diff", "--history", str(hist), "--baseline", str(out_json)])
    assert changed.exit_code == 1 and "acme/alpha: licence changed: llama2 ->" in changed.output


def test_cli_build_bad_inputs(tmp_path: Path) -> None:
    runner = CliRunner()
    unknown = runner.invoke(cli, ["registry", "build", "--offline", "--no-history", "--only", "nobody/nothing"])
    assert unknown.exit_code == 2 and "not in the registry: nobody/nothing" in unknown.output
    ext = runner.invoke(cli, ["registry", "build", "--offline", "--no-history", "-o", str(tmp_path / "r.txt")])
    assert ext.exit_code == 2 and "--format" in ext.output
    bad_baseline = tmp_path / "b.json"
    bad_baseline.write_text("{not json", encoding="utf-8")
    hist = tmp_path / "h.sqlite"
    with History(hist) as h:
        b, _ = h.start_build("k")
        h.finish_build(b)
    res = runner.invoke(cli, ["registry", "diff", "--history", str(hist), "--baseline", str(bad_baseline)])
    assert res.exit_code == 2 and "not a JSON registry report" in res.output and "Traceback" not in res.output
