"""Hostile input in every path that reads it: refused or skipped with a clear warning, never a crash,
a hang or a lost batch (issue 13, items 2, 3, 8 and 11). Payloads come from ``tests/hostile.py``."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from openness.cli import cli
from openness.scan import scan_path
from tests import hostile
from tests.fakehub import FakeHub, fake_hub, hub_env  # noqa: F401 - fixtures

ROOT = Path(__file__).resolve().parent.parent
POLICY = ROOT / "examples" / "policies" / "startup-commercial.yaml"


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result.exit_code, result.stdout, result.stderr


def jsonl(stdout: str) -> dict[str, dict[str, object]]:
    return {obj["id"]: obj for obj in map(json.loads, stdout.splitlines())}


@pytest.fixture
def ok_card(tmp_path: Path) -> Path:
    path = tmp_path / "acme__fine.md"
    path.write_text(hostile.card("license: apache-2.0\n"))
    return path


# ---------------------------------------------------------------- 2. alias bombs, in every path


def test_an_alias_bomb_in_a_card_is_refused_and_its_metadata_ignored(tmp_path: Path, ok_card: Path) -> None:
    bomb = tmp_path / "acme__bomb.md"
    bomb.write_text(hostile.card(hostile.alias_bomb() + "license: mit\n"))
    code, out, _ = invoke("audit", str(bomb), str(ok_card), "--format", "jsonl")
    assert code == 0
    reports = jsonl(out)
    assert any("YAML front matter refused" in w and "aliases" in w and "metadata ignored" in w for w in reports["acme/bomb"]["warnings"])
    assert reports["acme/bomb"]["license"]["id"] != "mit"  # the metadata was not used
    assert reports["acme/fine"]["license"]["id"] == "apache-2.0"


def test_an_alias_bomb_in_a_hub_readme_during_registry_build_still_writes_the_report(hub_env: FakeHub, tmp_path: Path) -> None:
    registry = tmp_path / "releases"
    registry.mkdir()
    (registry / "acme.yaml").write_text(
        "family: Acme\norganisation: Acme\nverified: 2026-11-01\nreleases:\n"
        "  - id: acme/bomb\n    name: Bomb\n    hub_ids: [acme/bomb]\n    level: 0\n    license: mit\n"
        "    components:\n"
        + "".join(
            f"      {c}: {{status: closed, evidence: ['https://huggingface.co/acme/bomb']}}\n"
            for c in ("weights", "technical_report", "training_code", "training_data", "data_pipeline")
        )
    )
    hub_env.add_model("acme/bomb", {"README.md": hostile.card(hostile.alias_bomb() + "license: mit\n"), "model.safetensors": b"\0"})
    out = tmp_path / "report.json"
    code, _, err = invoke(
        "registry", "build", "--registry", str(registry), "--history", str(tmp_path / "h.sqlite"),
        "--cache", str(tmp_path / "c.sqlite"), "--endpoint", hub_env.url, "-o", str(out),
    )  # fmt: skip
    assert code == 0, err
    release = json.loads(out.read_text())["releases"][0]
    assert any("YAML front matter refused" in w for w in release["computed"]["warnings"])


def test_an_alias_bomb_in_a_scanned_yaml_config_is_one_skipped_file(tmp_path: Path) -> None:
    (tmp_path / "bomb.yaml").write_text(hostile.alias_bomb() + "model_id: acme/hidden\n")
    (tmp_path / "good.yaml").write_text("model_id: acme/visible\n")
    result = scan_path(tmp_path)
    assert [r.model for r in result.references] == ["acme/visible"]
    [problem] = result.problems
    assert problem.path.endswith("bomb.yaml") and "aliases" in problem.error and "refused" in problem.error


def test_an_alias_bomb_in_a_rule_file_fails_rules_validate_with_one_line(tmp_path: Path) -> None:
    (tmp_path / "bomb.yaml").write_text(hostile.alias_bomb())
    code, _, err = invoke("rules", "validate", str(tmp_path))
    assert code == 2
    assert "bomb.yaml" in err and "refused" in err and "Traceback" not in err


def test_an_alias_bomb_in_a_policy_file_is_a_policy_error(tmp_path: Path, ok_card: Path) -> None:
    policy = tmp_path / "policy.yaml"
    policy.write_text(hostile.alias_bomb())
    code, _, err = invoke("check", str(ok_card), "--policy", str(policy))
    assert code == 2
    assert err.count("\n") == 1 and "policy.yaml" in err and "refused" in err


def test_duplicate_keys_warn_in_a_card_and_are_an_error_in_a_policy(tmp_path: Path, ok_card: Path) -> None:
    dup = tmp_path / "acme__dup.md"
    dup.write_text(hostile.card("license: mit\nlicense: apache-2.0\n"))
    code, out, _ = invoke("audit", str(dup), "--format", "json")
    assert code == 0
    assert (
        "front matter: duplicate key 'license' (line 3); the last value is used (the Hub rejects duplicate keys)"
        in json.loads(out)[0]["warnings"]
    )
    policy = tmp_path / "policy.yaml"
    policy.write_text(POLICY.read_text() + "\nrequirements: {}\n")
    code, _, err = invoke("check", str(ok_card), "--policy", str(policy))
    assert code == 2 and "duplicate key 'requirements'" in err


# ---------------------------------------------------------------- 3. one bad target never costs the batch


def test_a_5000_digit_integer_in_front_matter_is_refused_not_a_crash(tmp_path: Path, ok_card: Path) -> None:
    bad = tmp_path / "acme__bigint.md"
    bad.write_text(hostile.card(f"license: mit\ndownloads: {hostile.HUGE_INT}\n"))
    code, out, _ = invoke("audit", str(bad), str(ok_card), "--format", "jsonl")
    assert code == 0
    reports = jsonl(out)
    assert any("an integer of 5,000 characters" in w for w in reports["acme/bigint"]["warnings"])
    assert reports["acme/fine"]["level"] is not None


@pytest.mark.parametrize(
    "clause",
    [
        f"If the monthly active users exceed {hostile.HUGE_FIGURE} monthly active users, you must request a licence.",
        f"If annual revenue exceeds ${hostile.HUGE_FIGURE} million you must request a licence.",
        f"If the monthly active users exceed {hostile.WORDS_FIGURE} million monthly active users, you must request a licence.",
    ],
    ids=["mau-digits", "revenue-digits", "mau-words"],
)
def test_absurd_figures_in_licence_text_are_unreadable_not_an_overflow(tmp_path: Path, ok_card: Path, clause: str) -> None:
    model = tmp_path / "acme__caps"
    model.mkdir()
    (model / "README.md").write_text(hostile.card("license: other\n"))
    (model / "LICENSE").write_text(f"Acme Licence.\n\n{clause}\n")
    code, out, err = invoke("audit", str(model), str(ok_card), "--format", "jsonl")
    assert code == 0, err
    reports = jsonl(out)
    terms = reports["acme/caps"]["license"]["terms"]
    assert not any(t["type"] in ("mau_cap", "revenue_cap") and isinstance(t["value"], int) for t in terms)
    assert reports["acme/fine"]["level"] is not None


def test_a_lone_surrogate_in_the_hubs_json_is_cached_and_audited(hub_env: FakeHub, tmp_path: Path) -> None:
    hub_env.add_model("acme/odd", {"README.md": "---\nlicense: mit\n---\n# Odd\n"}, cardData={"license": "mit", "note": "a\ud800b"})
    cache = tmp_path / "c.sqlite"
    args = ["audit", "acme/odd", "acme/open-7b", "--cache", str(cache), "--endpoint", hub_env.url, "--format", "jsonl"]
    code, out, err = invoke(*args)
    assert code == 0, err
    assert set(jsonl(out)) == {"acme/odd", "acme/open-7b"}
    assert "could not be written" not in out + err
    code, out, err = invoke(*args, "--offline")  # it was cached
    assert code == 0, err
    assert jsonl(out)["acme/odd"]["license"]["id"] == "mit"


def test_a_100k_deep_carddata_is_that_targets_error(hub_env: FakeHub, tmp_path: Path) -> None:
    hub_env.fault(
        r"^/api/models/acme/deep",
        body=('{"id": "acme/deep", "sha": "' + "1" * 40 + '", "cardData": ' + hostile.deep_json(100_000) + "}").encode(),
        times=-1,
    )
    hub_env.add_model("acme/deep", {"README.md": "# deep\n"})
    code, out, err = invoke(
        "audit", "acme/deep", "acme/open-7b", "--cache", str(tmp_path / "c.sqlite"), "--endpoint", hub_env.url, "--format", "jsonl"
    )
    assert code == 2, err
    reports = jsonl(out)
    assert reports["acme/deep"]["kind"] in ("SourceError", "InputError") and "deep" in str(reports["acme/deep"]["error"])
    assert reports["acme/open-7b"]["level"] is not None


def test_a_memory_error_on_a_scanned_py_is_one_skipped_file(tmp_path: Path) -> None:
    (tmp_path / "huge.py").write_text(hostile.EXPRESSION_PY)
    (tmp_path / "ok.py").write_text('AutoModel.from_pretrained("acme/visible")\n')
    result = scan_path(tmp_path)
    assert [r.model for r in result.references] == ["acme/visible"]
    assert [p.error for p in result.problems] == ["too large to parse in memory; skipped"]


def test_a_1100_deep_tree_is_walked_by_scan_and_by_a_model_directory(tmp_path: Path) -> None:
    try:
        hostile.deep_dirs(tmp_path / "code", 1100, "deep.py", 'AutoModel.from_pretrained("acme/deep-down")\n')
        assert [r.model for r in scan_path(tmp_path / "code").references] == ["acme/deep-down"]
        model = tmp_path / "acme__tree"
        model.mkdir()
        (model / "README.md").write_text(hostile.card("license: mit\n"))
        hostile.deep_dirs(model / "sub", 1100, "weights.safetensors", "x")
        code, out, err = invoke("audit", str(model), "--format", "json")
        assert code == 0, err
        assert json.loads(out)[0]["components"]["weights"]["status"] == "open"
    finally:  # pytest's own clean-up of tmp_path would recurse past the limit
        hostile.remove_deep(tmp_path / "code")
        hostile.remove_deep(tmp_path / "acme__tree")


@pytest.mark.parametrize(
    "record",
    [
        {"siblings": 5},
        {"siblings": [1, {"x": 2}]},
        {"tags": {"a": 1}},
        {"cardData": ["not", "a", "map"]},
        {"gated": [1]},
        {"baseModels": "acme/base"},
    ],
    ids=["siblings-int", "siblings-mixed", "tags-map", "carddata-list", "gated-list", "basemodels-str"],
)
def test_wrong_typed_json_in_the_cache_is_ignored_with_a_warning(hub_env: FakeHub, tmp_path: Path, record: dict[str, object]) -> None:
    cache = tmp_path / "c.sqlite"
    args = ["audit", "acme/open-7b", "--cache", str(cache), "--endpoint", hub_env.url, "--format", "json"]
    assert invoke(*args)[0] == 0
    db = sqlite3.connect(cache)
    [(body,)] = db.execute("SELECT body FROM models").fetchall()
    db.execute("UPDATE models SET body = ?", (json.dumps({**json.loads(body), **record}),))
    db.commit()
    db.close()
    code, out, err = invoke(*args, "--offline")
    assert code == 2, out  # offline, the damaged entry is not used: the target's own error, one line
    assert "not in the cache" in err or "could not be audited" in err
    code, out, err = invoke(*args)  # online: fresh data replace it
    assert code == 0, err
    assert json.loads(out)[0]["level"] is not None


def test_audit_and_check_keep_every_other_targets_result_and_sarif(tmp_path: Path, ok_card: Path) -> None:
    bad = tmp_path / "acme__caps"
    bad.mkdir()
    (bad / "README.md").write_text(hostile.card(f"license: other\nn: {hostile.HUGE_INT}\n"))
    (bad / "LICENSE").write_text(f"If the monthly active users exceed {hostile.HUGE_FIGURE} monthly active users, ask.\n")
    sarif = tmp_path / "out.sarif"
    code, _, err = invoke("check", str(bad), str(ok_card), "--policy", str(POLICY), "--format", "sarif", "-o", str(sarif))
    assert code in (0, 1, 2) and code != 3, err
    assert "internal error" not in err
    assert len(json.loads(sarif.read_text())["runs"][0]["results"]) >= 1


# ---------------------------------------------------------------- 8. special files


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_fifos_in_a_scanned_tree_and_a_model_directory_are_not_read(tmp_path: Path) -> None:
    code_dir = tmp_path / "code"
    code_dir.mkdir()
    os.mkfifo(code_dir / "trap.py")
    (code_dir / "ok.py").write_text('AutoModel.from_pretrained("acme/visible")\n')
    assert [r.model for r in scan_path(code_dir).references] == ["acme/visible"]
    model = tmp_path / "acme__fifo"
    model.mkdir()
    (model / "README.md").write_text(hostile.card("license: mit\n"))
    os.mkfifo(model / "LICENSE")
    code, out, err = invoke("audit", str(model), "--format", "json")
    assert code == 0, err
    assert any("LICENSE is not a regular file" in w for w in json.loads(out)[0]["warnings"])


def test_a_licence_symlink_pointing_outside_the_model_directory_is_not_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET: Apache License Version 2.0 sentinel-7f3a\n")
    model = tmp_path / "acme__link"
    model.mkdir()
    (model / "README.md").write_text(hostile.card("license: mit\n"))
    (model / "LICENSE").symlink_to(secret)
    code, out, err = invoke("audit", str(model), "--format", "json")
    assert code == 0, err
    assert "sentinel-7f3a" not in out
    assert any("LICENSE points outside" in w for w in json.loads(out)[0]["warnings"])


def test_a_licence_symlink_inside_the_model_directory_is_read(tmp_path: Path) -> None:
    model = tmp_path / "acme__inlink"
    (model / "docs").mkdir(parents=True)
    (model / "README.md").write_text(hostile.card("license: apache-2.0\n"))
    (model / "docs" / "licence.txt").write_text((ROOT / "tests/fixtures/hub/models/acme/open-7b/files/LICENSE").read_text())
    (model / "LICENSE").symlink_to(Path("docs") / "licence.txt")
    code, out, err = invoke("audit", str(model), "--format", "json")
    assert code == 0, err
    assert not any("points outside" in w for w in json.loads(out)[0]["warnings"])
    assert json.loads(out)[0]["license"]["id"] == "apache-2.0"


# ---------------------------------------------------------------- 11. lesser


def test_a_utf16_card_is_read_not_refused_as_binary(tmp_path: Path) -> None:
    path = tmp_path / "acme__utf16.md"
    path.write_bytes(hostile.card("license: mit\n").encode("utf-16"))
    code, out, err = invoke("audit", str(path), "--format", "json")
    assert code == 0, err
    report = json.loads(out)[0]
    assert report["license"]["id"] == "mit"
    assert "acme__utf16.md is UTF-16; decoded" in report["warnings"]


# ---------------------------------------------------------------- 7. a read-only cache


@contextlib.contextmanager
def read_only(path: Path) -> Iterator[None]:
    """Make ``path`` unwritable even for root (``chattr +i``), or by mode for anyone else."""
    if os.geteuid() == 0:
        if shutil.which("chattr") is None or subprocess.run(["chattr", "+i", str(path)], capture_output=True, check=False).returncode:
            pytest.skip("running as root and the file system cannot make a file immutable")
        try:
            yield
        finally:
            subprocess.run(["chattr", "-i", str(path)], check=False)
    else:
        path.chmod(0o444)
        path.parent.chmod(0o555)
        try:
            yield
        finally:
            path.parent.chmod(0o755)
            path.chmod(0o644)


def test_a_read_only_cache_is_read_with_a_warning_and_never_moved(hub_env: FakeHub, tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    cache_dir.mkdir()
    cache = cache_dir / "hub.sqlite"
    args = ["audit", "acme/open-7b", "--cache", str(cache), "--endpoint", hub_env.url, "--format", "json"]
    assert invoke(*args)[0] == 0
    before = cache.read_bytes()
    with read_only(cache):
        code, out, err = invoke(*args, "--offline")  # answered from the read-only cache
        assert code == 0, err
        assert f"cache {cache} is read-only: read, not updated" in json.loads(out)[0]["warnings"]
        code, out, err = invoke(*args)  # online: fresh data, nothing written
        assert code == 0, err
    assert sorted(p.name for p in cache_dir.iterdir()) == ["hub.sqlite"]  # not moved aside, not replaced
    assert cache.read_bytes() == before


# ---------------------------------------------------------------- 10. concurrent builds on one history


def test_a_second_build_on_the_same_history_fails_clearly_while_the_first_runs(tmp_path: Path) -> None:
    from openness.errors import InputError
    from openness.registry.history import History

    path = tmp_path / "history.sqlite"
    first = History(path)
    build_id, resumed = first.start_build("key")
    assert resumed is False
    second = History(path)
    with pytest.raises(InputError, match="another registry build is using the history"):
        second.start_build("key")
    code, _, err = invoke("registry", "build", "--offline", "--history", str(path), "-o", str(tmp_path / "r.md"))
    assert code == 2 and "another registry build is using the history" in err
    assert not (tmp_path / "r.md").exists()
    first.close()  # the first build stops without finishing (as if killed): the next one resumes it
    assert second.start_build("key") == (build_id, True)
    second.close()


# ---------------------------------------------------------------- 11. lesser, each reproduced


def test_a_policy_file_of_unbounded_size_is_refused_at_the_cap(ok_card: Path) -> None:
    code, _, err = invoke("check", str(ok_card), "--policy", "/dev/zero")
    assert code == 2 and "larger than 5,000,000 bytes; not read" in err


@pytest.mark.parametrize(
    "text, message",
    [
        ("exemptions:\n- {model: acme/*, reason: r, approver: a, expires: 0000-01-01}\n", "a value cannot be read"),
        (f"context: {{monthly_active_users: {hostile.HUGE_INT}}}\n", "an integer of 5,000 characters"),
        ("requirements: {min_level: true}\n", "requirements.min_level"),
        ("context: {monthly_active_users: true}\n", "context.monthly_active_users"),
    ],
    ids=["year-zero", "huge-mau", "min-level-bool", "mau-bool"],
)
def test_policy_values_that_crashed_or_were_misread_are_one_line_errors(tmp_path: Path, ok_card: Path, text: str, message: str) -> None:
    policy = tmp_path / "policy.yaml"
    policy.write_text(text)
    code, _, err = invoke("check", str(ok_card), "--policy", str(policy))
    assert code == 2, err
    assert message in err and err.count("\n") == 1 and "internal error" not in err


def test_c1_controls_and_bidi_overrides_are_escaped_in_json_output(tmp_path: Path) -> None:
    path = tmp_path / "acme__bidi.md"
    path.write_text(hostile.card("license: mit\n", "# Model \u202egnp.exe\u009b31m\n\nTrained on \u2066data\u2069.\n"))
    code, out, err = invoke("audit", str(path), "--format", "json")
    assert code == 0, err
    assert not any(ch in out for ch in "\u202e\u009b\u2066\u2069")
    assert "\\u202e" in out or "\\u009b" in out  # escaped, not dropped: the value is the same
    json.loads(out)


def test_csv_cells_that_a_spreadsheet_could_run_are_defused() -> None:
    from openness.formatters.report_csv import _cell

    for payload in ("=1+1", " =1+1", "\t=1+1", "\uff1dcmd()", "+1", "-1", "@SUM(A1)", "\r=1"):
        assert _cell(payload).startswith("'"), payload
    assert _cell("apache-2.0") == "apache-2.0"


def test_a_hub_sibling_named_dotdot_licence_is_skipped_not_fatal(hub_env: FakeHub, tmp_path: Path) -> None:
    hub_env.add_model("acme/dotdot", {"README.md": hostile.card("license: mit\n"), "model.safetensors": b"\0"})
    hub_env.models["acme/dotdot"].info["siblings"].append({"rfilename": "../LICENSE"})
    code, out, err = invoke("audit", "acme/dotdot", "--cache", str(tmp_path / "c.sqlite"), "--endpoint", hub_env.url, "--format", "json")
    assert code == 0, err
    assert any("not plain paths inside the repo" in w and "../LICENSE" in w for w in json.loads(out)[0]["warnings"])
    assert hub_env.count(r"\.\./LICENSE|/LICENSE$") == 0


def test_a_utf16_readme_on_the_hub_is_read(hub_env: FakeHub, tmp_path: Path) -> None:
    hub_env.add_model(
        "acme/utf16", {"README.md": hostile.card("license: mit\n", "# Sixteen\n").encode("utf-16"), "model.safetensors": b"\0"}
    )
    code, out, err = invoke("audit", "acme/utf16", "--cache", str(tmp_path / "c.sqlite"), "--endpoint", hub_env.url, "--format", "json")
    assert code == 0, err
    report = json.loads(out)[0]
    assert "README.md is UTF-16; decoded" in report["warnings"] and report["license"]["id"] == "mit"


@pytest.fixture(scope="module")
def built_history(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A history holding one complete offline build of the bundled registry."""
    path = tmp_path_factory.mktemp("history") / "h.sqlite"
    code, _, err = invoke(
        "registry", "build", "--offline", "--history", str(path), "--cache", str(path.with_name("c.sqlite")), "-o", str(path.with_name("r.json"))
    )  # fmt: skip
    assert code == 0, err
    return path


@pytest.mark.parametrize(
    "doc",
    [{"releases": [1, 2]}, {"releases": [{"id": "acme/x", "computed": "L5"}]}, {"releases": [{"computed": {"level": 1}}]}],
    ids=["ints", "computed-str", "no-id"],
)
def test_a_wrong_typed_diff_baseline_is_an_error_not_zero_changes(built_history: Path, tmp_path: Path, doc: dict[str, object]) -> None:
    baseline = tmp_path / "old.json"
    baseline.write_text(json.dumps(doc))
    code, _, err = invoke("registry", "diff", "--history", str(built_history), "--baseline", str(baseline))
    assert code == 2, err
    assert "old.json: releases.0:" in err and "0 change(s)" not in err
