"""Framework verdicts (rules/frameworks): every criterion on constructed evidence (pass, fail, review),
the known public results, every registry release, loading errors, and the audit command."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from openness.audit import Auditor, AuditSettings
from openness.cli import cli
from openness.errors import DataError, InputError
from openness.frameworks.evaluate import Context, decide
from openness.frameworks.evidence import ComponentFacts, DatasetFacts, EvidenceRecord
from openness.frameworks.judge import Frameworks
from openness.frameworks.load import load_framework_file, load_frameworks
from openness.frameworks.models import Check, Criterion
from openness.frameworks.verdicts import Outcome
from openness.license.assess import report_for_entry
from openness.license.database import LicenseDatabase
from openness.license.models import LicenseReport, LicenseTerm
from openness.models import Component, Status
from openness.registry.store import Registry
from tests.conftest import shared_path

FW = Frameworks.load()
DB = LicenseDatabase.load()
SPECS = {s.framework.id: s for s in FW.specs}
CRITERIA = [(fid, c) for fid, s in SPECS.items() for c in s.criteria]

# Evidence that makes each kind of check pass, fail or need review.
OPEN_CODE = "https://github.com/EleutherAI/gpt-neox"  # catalogued Apache-2.0
CUSTOM_CODE = "https://github.com/meta-llama/llama"  # catalogued under the Llama 2 licence
UNKNOWN_CODE = "https://github.com/nobody/not-catalogued"


def licence(key: str | None) -> LicenseReport | None:
    if key is None:
        return LicenseReport(id=None, declared="some-custom-licence", recognised=False)
    entry = DB.get(key)
    assert entry is not None, key
    lic = report_for_entry(entry, "metadata", 1.0)
    lic.terms = []  # terms are set by the check under test
    return lic


def open_record() -> EvidenceRecord:
    """Everything open, under a licence every framework accepts (CC0 for data and documents)."""
    comps = {c.value: ComponentFacts(Status.OPEN, "constructed", [OPEN_CODE], [OPEN_CODE]) for c in Component}
    return EvidenceRecord("acme/open", "audit", comps, licence("apache-2.0"), [DatasetFacts("acme-data", "CC0-1.0", "open")])


def _apply(rec: EvidenceRecord, check: Check, outcome: Outcome) -> bool:
    """Change ``rec`` so that ``check`` decides ``outcome``; False when the check cannot give it."""
    if check.component is not None:
        c = check.component
        choices = {"pass": c.passes, "review": c.review, "fail": [s for s in Status if s not in c.passes and s not in c.review]}[outcome]
        if not choices:
            return False
        rec.components[c.name.value].status = choices[0]
        return True
    if check.licence is not None:
        lc = check.licence
        if outcome == "pass":
            rec.licence = licence("apache-2.0" if lc.accept in (None, "code", "document") else "cc0-1.0")
        elif outcome == "fail":
            if lc.otherwise != "fail":
                return False
            rec.licence = licence("llama3.1")
        else:
            rec.licence = licence(None) if lc.otherwise == "fail" else licence("llama3.1")
        return True
    if check.terms is not None:
        kinds = {"pass": [None], "fail": check.terms.fail, "review": check.terms.review}[outcome]
        if not kinds:
            return False
        lic = rec.licence or licence("apache-2.0")
        assert lic is not None
        lic.recognised = True
        lic.terms = [] if kinds[0] is None else [LicenseTerm(type=kinds[0], clause=f"constructed {kinds[0]} clause", source="test")]
        rec.licence = lic
        return True
    if check.linked_code_licence is not None:
        url = {"pass": OPEN_CODE, "fail": CUSTOM_CODE, "review": UNKNOWN_CODE}[outcome]
        rec.components[check.linked_code_licence.component.value].urls = [url]
        return True
    if check.dataset_licences is not None:
        lic_id = {"pass": "CC0-1.0", "fail": "CC-BY-NC-4.0", "review": "mixed (per source)"}[outcome]
        rec.datasets = [DatasetFacts("acme-data", lic_id, "open")]
        return True
    if check.human_review is not None:
        return outcome == "review"
    parts = check.all if check.all is not None else check.any
    assert parts is not None
    if (check.all is not None and outcome == "pass") or (check.any is not None and outcome == "fail"):
        return all(_apply(rec, p, outcome) for p in parts)
    # all: one part gives the outcome, the others something no worse; any: one part gives it, the others no better
    rank = {"fail": 0, "review": 1, "pass": 2}
    if check.all is not None:
        others = [o for o in ("pass", "review") if rank[o] >= rank[outcome]]
    else:
        others = [o for o in ("fail", "review") if rank[o] <= rank[outcome]]
    for i, part in enumerate(parts):
        for other in others:
            trial = copy.deepcopy(rec)
            if all(_apply(trial, p, other) for j, p in enumerate(parts) if j != i) and _apply(trial, part, outcome):  # type: ignore[arg-type]
                rec.__dict__.update(trial.__dict__)
                return True
    return False


@pytest.mark.parametrize("outcome", ["pass", "fail", "review"])
@pytest.mark.parametrize(("fid", "criterion"), CRITERIA, ids=[c.id for _, c in CRITERIA])
def test_every_criterion_decides_from_its_evidence(fid: str, criterion: Criterion, outcome: Outcome) -> None:
    rec = open_record()
    if not _apply(rec, criterion.decide, outcome):
        pytest.skip(f"{criterion.id} cannot {outcome} by construction (e.g. a human-review criterion never passes)")
    spec = SPECS[fid]
    d = decide(rec, criterion.decide, Context(spec, FW.code, DB))
    assert d.outcome == outcome, d.reason
    assert d.reason
    assert d.human_review == (outcome == "review")
    verdict = FW.judge_record(rec)[fid]
    result = next(c for c in verdict.criteria if c.id == criterion.id)
    assert result.outcome == outcome
    if outcome == "fail":
        assert (criterion.clause in verdict.failed and verdict.outcome == "fail") or spec.grades


def test_every_criterion_can_fail_or_needs_review_and_human_review_never_passes() -> None:
    for fid, c in CRITERIA:
        outcomes = {o for o in ("pass", "fail", "review") if _apply(open_record(), c.decide, o)}  # type: ignore[arg-type]
        assert outcomes - {"pass"}, f"{fid} {c.id} can only pass"
        if c.decide.human_review is not None:
            assert outcomes == {"review"}


def test_a_failing_term_is_quoted_with_its_clause() -> None:
    rec = open_record()
    assert rec.licence is not None
    rec.licence.terms = [
        LicenseTerm(type="mau_cap", value=700_000_000, clause="greater than 700 million monthly active users", source="llama3.1")
    ]
    eu = FW.judge_record(rec)["eu-ai-act"]
    crit = next(c for c in eu.criteria if c.id == "EU-NO-USER-THRESHOLD")
    assert crit.outcome == "fail" and "700 million" in crit.evidence[0]
    assert any("Art. 53(2)" in f and "threshold" in f for f in eu.failed)
    assert eu.outcome == "fail"


def test_mof_class_is_the_highest_one_whose_criteria_all_pass() -> None:
    rec = open_record()
    mof = FW.judge_record(rec)["mof"]
    assert mof.grade == "Class I (Open Science)" or mof.grade_pending_review == "Class I (Open Science)"
    rec.components["intermediate_checkpoints"].status = Status.CLOSED
    mof = FW.judge_record(rec)["mof"]
    assert mof.grade == "Class II (Open Tooling)" and mof.grade_pending_review is None
    rec.components["training_code"].status = Status.PARTIAL  # review, not fail
    mof = FW.judge_record(rec)["mof"]
    assert mof.grade == "Class III (Open Model)" and mof.grade_pending_review == "Class II (Open Tooling)"
    rec.licence = licence("llama3.1")
    mof = FW.judge_record(rec)["mof"]
    assert mof.grade is None and mof.outcome == "fail"


def test_eu_duties_are_listed_and_the_summary_template_prefilled() -> None:
    rec = open_record()
    rec.base_models = ["acme/base"]
    rec.card = {"languages": ["en"], "modalities": ["text-generation"]}
    eu = FW.judge_record(rec)["eu-ai-act"]
    assert {d.id for d in eu.duties} == {"EU-DUTY-COPYRIGHT-POLICY", "EU-DUTY-TRAINING-SUMMARY"}
    assert eu.prefill["verified"] is False
    assert eu.prefill["model_dependencies"] == ["acme/base"] and eu.prefill["languages"] == ["en"]
    assert eu.prefill["public_datasets"] == ["acme-data"]
    rec.components["training_content_summary"].status = Status.CLOSED
    summary = next(d for d in FW.judge_record(rec)["eu-ai-act"].duties if d.id == "EU-DUTY-TRAINING-SUMMARY")
    assert summary.outcome == "fail"


# ---- known public results -------------------------------------------------------------------------

REGISTRY = Registry.load()


def curated(release_id: str) -> dict[str, object]:
    entry = REGISTRY.find(release_id)
    assert entry is not None, release_id
    return {k: v for k, v in FW.judge_curated(entry).items()}


@pytest.mark.parametrize("release_id", ["EleutherAI/pythia-6.9b", "allenai/OLMo-7B"])
def test_pythia_and_olmo_pass_osaid_from_the_registry(release_id: str) -> None:
    assert curated(release_id)["osaid"].outcome == "pass"  # type: ignore[attr-defined]


@pytest.mark.parametrize("release_id", ["meta-llama/Llama-2-7b", "mistralai/Mixtral-8x7B-v0.1"])
def test_llama2_and_mixtral_fail_osaid_from_the_registry(release_id: str) -> None:
    v = curated(release_id)["osaid"]
    assert v.outcome == "fail" and v.failed  # type: ignore[attr-defined]


@pytest.mark.parametrize("release_id", ["meta-llama/Llama-2-7b", "meta-llama/Llama-3.1-8B"])
def test_llamas_mau_cap_fails_the_eu_exemption_naming_the_paragraph(release_id: str) -> None:
    v = curated(release_id)["eu-ai-act"]
    crit = next(c for c in v.criteria if c.id == "EU-NO-USER-THRESHOLD")  # type: ignore[attr-defined]
    assert crit.outcome == "fail" and "mau_cap" in crit.reason and crit.clause.startswith("Art. 53(2)")


def test_every_registry_release_gets_all_three_verdicts() -> None:
    entries = [rel for _, fam in REGISTRY.families for rel in fam.releases]
    assert len(entries) > 100
    for rel in entries:
        verdicts = FW.judge_curated(rel)
        assert set(verdicts) == {"mof", "osaid", "eu-ai-act"}, rel.id
        for v in verdicts.values():
            assert v.evidence_source == "curated" and v.summary and v.criteria
            assert all(c.outcome == "pass" or c.reason for c in v.criteria)


@pytest.mark.shared
@pytest.mark.parametrize(
    ("card", "osaid", "eu"),
    [
        ("EleutherAI__pythia-6.9b.md", "pass", "review"),
        ("allenai__OLMo-7B.md", "pass", "review"),
        ("meta-llama__Llama-3.1-8B.md", "fail", "fail"),
    ],
)
def test_known_results_from_the_audited_cards(card: str, osaid: str, eu: str) -> None:
    auditor = Auditor.from_settings(AuditSettings(offline=True, frameworks=["all"]))
    report = auditor.audit(str(shared_path("fixtures", "cards", card)))
    assert report.frameworks["osaid"].outcome == osaid
    assert report.frameworks["eu-ai-act"].outcome == eu
    assert report.frameworks["mof"].evidence_source == "audit"


# ---- loading ----------------------------------------------------------------------------------------


def test_bundled_frameworks_load() -> None:
    assert set(load_frameworks()) == {"mof", "osaid", "eu-ai-act"}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["criteria"].append(dict(d["criteria"][0])), "duplicate id"),
        (lambda d: d["criteria"][0]["decide"].update({"human_review": "x"}), "exactly one key"),
        (lambda d: d["criteria"][0]["decide"].update({"component": {"name": "no_such"}}), "criteria.0.decide"),
        (lambda d: d["criteria"][0].update({"grade": "class-x"}), "grade 'class-x'"),
        (lambda d: d.pop("framework"), "framework"),
    ],
)
def test_bad_framework_files_name_the_file_and_key(tmp_path: Path, change: object, message: str) -> None:
    import yaml

    from openness.resources import data_dir

    doc = yaml.safe_load((data_dir("rules") / "frameworks" / "mof.yaml").read_text())
    change(doc)  # type: ignore[operator]
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(doc))
    with pytest.raises(DataError) as err:
        load_framework_file(path)
    assert str(path) in str(err.value) and message in str(err.value)


def test_unknown_framework_name_is_an_input_error() -> None:
    with pytest.raises(InputError, match="unknown framework 'mofx'"):
        Frameworks.load(["mofx"])


# ---- the audit command -------------------------------------------------------------------------------

CARD = """---
license: apache-2.0
datasets: [EleutherAI/pile]
library_name: transformers
---
# Tiny model

Trained with [GPT-NeoX](https://github.com/EleutherAI/gpt-neox) on the Pile.

## Uses
Research on language models.

## Limitations
It makes things up.
"""


def test_audit_frameworks_in_json_text_and_markdown(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text(CARD)
    runner = CliRunner()
    res = runner.invoke(cli, ["audit", str(tmp_path), "--format", "json", "--frameworks", "osaid,eu-ai-act", "--offline"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)[0]  # always a list
    assert set(data["frameworks"]) == {"osaid", "eu-ai-act"}
    assert data["frameworks"]["osaid"]["criteria"][0]["id"].startswith("OSAID-")
    text = runner.invoke(cli, ["audit", str(tmp_path), "--frameworks", "all", "--offline"]).stdout
    assert "frameworks:" in text and "Model Openness Framework" in text and "OSAID-" in text
    md = runner.invoke(cli, ["audit", str(tmp_path), "--format", "markdown", "--frameworks", "mof", "--offline"]).stdout
    assert "| framework | verdict | summary |" in md
    plain = json.loads(runner.invoke(cli, ["audit", str(tmp_path), "--format", "json", "--offline"]).stdout)[0]
    assert plain["frameworks"] == {}


def test_audit_with_an_unknown_framework_fails_in_one_line(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text(CARD)
    res = CliRunner().invoke(cli, ["audit", str(tmp_path), "--frameworks", "nope", "--offline"])
    assert res.exit_code == 2 and "unknown framework 'nope'" in res.stderr and "Traceback" not in res.output


def test_registry_report_has_a_column_and_a_filter_per_framework() -> None:
    from openness.formatters.report_html import format_report_html
    from openness.formatters.report_markdown import format_report_markdown
    from openness.registry.build import build_report

    report = build_report(REGISTRY, None, only=["EleutherAI/pythia-6.9b", "meta-llama/Llama-2-7b"], frameworks=FW)
    assert all(set(r.frameworks) == {"mof", "osaid", "eu-ai-act"} for r in report.releases)
    html = format_report_html(report)
    assert '<select id="fw">' in html and 'value="osaid:fail"' in html
    assert 'data-id="EleutherAI/pythia-6.9b"' in html
    pythia_row = html.split('data-id="EleutherAI/pythia-6.9b"', 1)[1].split("</tr>", 1)[0]
    llama_row = html.split('data-id="meta-llama/Llama-2-7b"', 1)[1].split("</tr>", 1)[0]
    assert 'data-fw-osaid="pass"' in pythia_row and 'data-fw-osaid="fail"' in llama_row
    assert 'data-fw-eu-ai-act="fail"' in llama_row and "EU-NO-USER-THRESHOLD" in llama_row
    md = format_report_markdown(report)
    assert "| MOF | OSAID | EU 53(2) | verdict |" in md  # the last column says re-audited, curated, skipped or API only
    import csv
    import io

    from openness.formatters.report_csv import format_report_csv

    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(format_report_csv(report)))}
    assert rows["meta-llama/Llama-2-7b"]["framework_osaid"] == "fail" and rows["EleutherAI/pythia-6.9b"]["framework_osaid"] == "pass"
    assert json.loads(report.model_dump_json())["releases"][0]["frameworks"]


def test_rules_frameworks_lists_every_criterion_and_how_it_is_decided(tmp_path: Path) -> None:
    res = CliRunner().invoke(cli, ["rules", "frameworks"])
    assert res.exit_code == 0, res.output
    for _, c in CRITERIA:
        assert c.id in res.stdout
    assert "decided by: terms: fail on mau_cap, revenue_cap" in res.stdout
    (tmp_path / "bad.yaml").write_text("framework: {id: x}\ncriteria: []\n")
    bad = CliRunner().invoke(cli, ["rules", "frameworks", str(tmp_path)])
    assert bad.exit_code == 2 and "bad.yaml" in bad.stderr and "Traceback" not in bad.output
