"""The product as a person meets it: one level whatever the file layout, output laid out to the
terminal, conventions (-q, -V, --color, NO_COLOR, one JSON shape, one comment rule for --from-file),
offline answers from the curated registry, and the README's sample output kept true."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from openness.cli import cli
from tests.conftest import shared_path

ROOT = Path(__file__).resolve().parent.parent
CARD = """---
license: apache-2.0
datasets: [EleutherAI/pile]
---
# Tiny model

Trained with [GPT-NeoX](https://github.com/EleutherAI/gpt-neox) on the Pile. The weights are in
model.safetensors; see the [paper](https://arxiv.org/abs/2304.01373) for the training procedure.
"""


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), env=env, color=True)  # color=True: the runner keeps what we print
    return result.exit_code, result.stdout, result.stderr


def _release(where: Path, card: str, card_name: str = "README.md") -> Path:
    where.mkdir(parents=True)
    (where / card_name).write_text(card, encoding="utf-8")
    (where / "config.json").write_text("{}")
    (where / "model.safetensors").write_bytes(b"\0")
    return where


def layouts(tmp_path: Path, card: str, org: str, name: str) -> dict[str, tuple[list[str], Path]]:
    """The same release as a person may have it on disk: each with the audit arguments it needs."""
    named = _release(tmp_path / "named" / f"{org}__{name}", card)
    # the Hub cache: snapshots hold links into ../../blobs, and the sha names the folder
    snap = tmp_path / "hub" / f"models--{org}--{name}" / "snapshots" / "0123456789abcdef0123456789abcdef01234567"
    blobs = tmp_path / "hub" / f"models--{org}--{name}" / "blobs"
    blobs.mkdir(parents=True)
    (blobs / "aa11").write_text(card, encoding="utf-8")
    snap.mkdir(parents=True)
    (snap / "README.md").symlink_to(os.path.relpath(blobs / "aa11", snap))
    (snap / "config.json").write_text("{}")
    (snap / "model.safetensors").write_bytes(b"\0")
    local_dir = _release(tmp_path / "local" / name, card)  # hf download ORG/NAME --local-dir NAME
    (local_dir / ".cache" / "huggingface" / "download").mkdir(parents=True)
    plain = _release(tmp_path / "plain" / "model", card)
    return {
        "org__name": ([str(named)], named),
        "hub-cache": ([str(snap)], snap),
        "local-dir": ([str(local_dir)], local_dir),
        "plain+id": ([str(plain), "--id", f"{org}/{name}"], plain),
    }


@pytest.mark.shared
def test_the_same_card_gets_one_level_under_four_layouts(tmp_path: Path) -> None:
    card = shared_path("fixtures", "cards", "meta-llama__Llama-3.1-8B.md").read_text(encoding="utf-8")
    found = {}
    for layout, (args, _) in layouts(tmp_path, card, "meta-llama", "Llama-3.1-8B").items():
        code, out, err = run("audit", "--offline", "--format", "json", *args)
        assert code == 0, (layout, err)
        doc = json.loads(out)[0]
        found[layout] = (doc["id"], doc["level"])
        if layout in ("hub-cache", "local-dir"):  # inferred: said on stderr, with how to override
            assert "auditing as meta-llama/Llama-3.1-8B" in err, (layout, err)
    assert set(found.values()) == {("meta-llama/Llama-3.1-8B", 2)}, found


def test_the_hub_cache_layout_gives_the_id_and_revision_not_the_sha(tmp_path: Path) -> None:
    args, _ = layouts(tmp_path, CARD, "acme", "tiny")["hub-cache"]
    code, out, err = run("audit", "--format", "json", *args)
    assert code == 0, err
    doc = json.loads(out)[0]
    assert doc["id"] == "acme/tiny" and doc["revision"] == "0123456789abcdef0123456789abcdef01234567"
    assert "read from the Hub cache layout" in err


def test_a_bare_name_says_it_has_no_organisation_and_id_fixes_it(tmp_path: Path) -> None:
    args, _ = layouts(tmp_path, CARD, "acme", "tiny-unknown-to-the-registry")["local-dir"]
    code, out, err = run("audit", "--format", "json", *args)
    assert code == 0 and json.loads(out)[0]["id"] == "tiny-unknown-to-the-registry"
    assert "no organisation in the path" in err and "--id ORG/NAME" in err
    code, out, err = run("audit", "--format", "json", *args, "--id", "acme/tiny")
    assert code == 0 and json.loads(out)[0]["id"] == "acme/tiny" and "auditing as" not in err
    code, _, err = run("audit", *args, "--id", "not an id")
    assert code == 2 and "--id must be a model id" in err
    code, _, err = run("audit", *args, *args, "--id", "acme/tiny")
    assert code == 2 and "one target" in err


# ---- the terminal


def _words(text: str) -> set[str]:
    return set(text.split())


@pytest.mark.shared
def test_text_at_80_columns_fits_and_never_wraps_mid_word(tmp_path: Path) -> None:
    cards = sorted(shared_path("fixtures", "cards").glob("*.md"))[:25]
    wide_code, wide, _ = run("audit", "--offline", *map(str, cards), env={"COLUMNS": "400"})
    code, out, _ = run("audit", "--offline", *map(str, cards), env={"COLUMNS": "80"})
    assert code == wide_code == 0
    lines = out.splitlines()
    assert len(lines) > 200 and max(len(line) for line in lines) <= 80
    # a word cut by the wrap would be a fragment the unwrapped output never contains (URLs longer
    # than a column are the only words that may be folded)
    too_long = [w for w in _words(wide) if len(w) > 40]
    fragments = {w for w in _words(out) - _words(wide) if not any(w in long for long in too_long)}
    assert fragments == set(), sorted(fragments)[:20]
    for leak in ("not found: {", '{"dataset"', '{"text"', "characters of card text", "mau_cap =", "['", "confidence 0.", "“”"):
        assert leak not in out, leak


def test_warnings_come_before_the_components(tmp_path: Path) -> None:
    d = _release(tmp_path / "acme__conflict", "---\nlicense: mit\n---\n# Model\nWeights in model.safetensors.\n")
    (d / "LICENSE").write_text(
        "Attribution-NonCommercial 4.0 International\n\nYou may not use the material for commercial purposes."
        " NonCommercial means not primarily intended for or directed towards commercial advantage or monetary compensation.\n"
    )
    code, out, _ = run("audit", str(d), env={"COLUMNS": "100"})
    assert code == 0
    lines = out.splitlines()
    first_warning = next((i for i, line in enumerate(lines) if line.lstrip().startswith("!")), None)
    first_component = next(i for i, line in enumerate(lines) if re.match(r"\s+[●◐○?] ", line))
    assert first_warning is not None and first_warning < first_component, out


def test_colour_follows_color_and_no_color(tmp_path: Path) -> None:
    d = _release(tmp_path / "acme__tiny", CARD)
    _, plain, _ = run("audit", str(d))  # not a terminal: no colour
    _, always, _ = run("--color", "always", "audit", str(d))
    _, never, _ = run("--color", "never", "audit", str(d))
    _, env_off, _ = run("audit", str(d), env={"NO_COLOR": "1", "OPENNESS_COLOR": "auto"})
    assert "\x1b[" in always
    assert "\x1b[" not in plain and "\x1b[" not in never and "\x1b[" not in env_off
    assert re.sub(r"\x1b\[[0-9;]*m", "", always).split() == never.split()


# ---- conventions


def test_version_quiet_and_json_shape(tmp_path: Path) -> None:
    code, out, _ = run("-V")
    assert code == 0 and out.startswith("openness, version ")
    d = _release(tmp_path / "acme__tiny", CARD)
    _, one, _ = run("audit", "--format", "json", str(d))
    _, two, _ = run("audit", "--format", "json", str(d), str(tmp_path / "missing"))
    assert isinstance(json.loads(one), list) and len(json.loads(one)) == 1
    assert [("error" in doc) for doc in json.loads(two)] == [False, True]
    code, _, err = run("-q", "audit", str(d), str(tmp_path / "missing"))
    assert code == 2 and err == ""  # -q: no summary on stderr; the exit code still says it


def test_audit_writes_to_o(tmp_path: Path) -> None:
    d = _release(tmp_path / "acme__tiny", CARD)
    target = tmp_path / "out" / "audit.json"
    code, out, err = run("audit", "--format", "json", str(d), "-o", str(target), "--mkdir")
    assert code == 0 and out == "" and f"wrote {target}" in err
    assert json.loads(target.read_text())[0]["id"] == "acme/tiny"


def test_from_file_comments_are_read_alike_by_audit_and_check(tmp_path: Path) -> None:
    d = _release(tmp_path / "acme__tiny", CARD)
    listing = tmp_path / "models.txt"
    listing.write_text(f"# models we use\n{d}   # the tiny one\n\n   # indented comment\n")
    code, out, err = run("audit", "--format", "jsonl", "--from-file", str(listing))
    assert code == 0, err
    assert [json.loads(line)["id"] for line in out.splitlines()] == ["acme/tiny"]
    policy = tmp_path / "policy.yaml"
    policy.write_text("requirements:\n  min_level: 0\n")
    code, out, err = run("check", "--policy", str(policy), "--format", "json", "--from-file", str(listing))
    assert code in (0, 1), err
    assert [r["model"] for r in json.loads(out)["results"]] == ["acme/tiny"]


def test_check_says_its_summary_once(tmp_path: Path) -> None:
    d = _release(tmp_path / "acme__tiny", CARD)
    policy = tmp_path / "policy.yaml"
    policy.write_text("requirements:\n  min_level: 0\n")
    _, out, err = run("check", "--policy", str(policy), str(d))
    assert (out + err).count("model(s) checked") == 1 and "model(s) checked" in err


def test_every_command_has_examples_in_its_help() -> None:
    def walk(group: object, path: list[str]) -> list[list[str]]:
        commands = getattr(group, "commands", None)
        if not commands:
            return [path]
        return [p for name, sub in commands.items() for p in walk(sub, [*path, name])]

    missing = []
    for path in walk(cli, []):
        code, out, _ = run(*path, "--help")
        if code != 0 or "Examples:" not in out:
            missing.append(" ".join(path))
    assert missing == []


# ---- offline


def test_offline_hub_id_falls_back_to_the_curated_registry(tmp_path: Path) -> None:
    env = {"XDG_CACHE_HOME": str(tmp_path / "cache")}
    code, out, err = run("audit", "--offline", "--format", "json", "meta-llama/Llama-2-7b", env=env)
    assert code == 0, err
    doc = json.loads(out)[0]
    assert doc["source"] == "registry" and doc["level"] == 1
    assert any("curated registry entry" in w and "not a fresh audit" in w for w in doc["warnings"])
    assert doc["license"]["id"] == "llama2" and doc["license"]["source"] == "registry"
    code, out, err = run("audit", "--offline", "nobody/unheard-of", env=env)
    assert code == 2 and "not in the cache" in out and "could not be audited" in err


def test_registry_diff_says_when_builds_cover_different_releases(tmp_path: Path) -> None:
    from openness.registry.history import AuditRecord, History

    path = tmp_path / "h.sqlite"
    with History(path) as history:
        for ids in (["acme/a", "acme/b"], ["acme/a", "acme/c"]):
            build_id, _ = history.start_build("k", resume=False)
            for rid in ids:
                history.record(build_id, AuditRecord(rid, rid, "ok", sha="a" * 40, level=1, license_id="mit"))
            history.finish_build(build_id)
    code, out, err = run("registry", "diff", "--history", str(path))
    assert code == 0 and "cover different releases: 1 only in the old (acme/b); 1 only in the new (acme/c); 1 compared" in err
    code, out, _ = run("registry", "diff", "--history", str(path), "--format", "json")
    assert "different releases" in json.loads(out)["coverage"]


def test_policy_key_typos_get_a_did_you_mean(tmp_path: Path) -> None:
    policy = tmp_path / "policy.yaml"
    policy.write_text("requirements:\n  min_levle: 2\ncontext:\n  territorys: [EU]\n")
    code, _, err = run("check", "--policy", str(policy), "acme/x")
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert "min_levle: did you mean 'min_level'?" in err and "territorys: did you mean 'territories'?" in err


def test_rules_validate_reports_every_error_in_one_run(tmp_path: Path) -> None:
    meta = "{{id: {id}, name: a test rule, component: {c}, status: {s}, precedence: 10}}"
    (tmp_path / "a.yaml").write_text(
        "rules:\n"
        f"  - metadata: {meta.format(id='X-ONE', c='weights', s='open')}\n    definition: {{text: '(unclosed'}}\n"
        f"  - metadata: {meta.format(id='X-TWO', c='weights', s='open')}\n    definition: {{nosuchop: 1}}\n"
        f"  - metadata: {meta.format(id='X-OK', c='weights', s='open')}\n    definition: {{text: fine}}\n"
    )
    (tmp_path / "b.yaml").write_text(
        "rules:\n"
        f"  - metadata: {meta.format(id='Y-ONE', c='wieghts', s='open')}\n    definition: {{text: x}}\n"
        f"  - metadata: {meta.format(id='Y-TWO', c='weights', s='opn')}\n    definition: {{text: x}}\n"
    )
    code, _, err = run("rules", "validate", str(tmp_path))
    assert code == 2
    errors = [line for line in err.splitlines() if line.startswith("error:")]
    assert [next(r for r in ("X-ONE", "X-TWO", "Y-ONE", "Y-TWO") if r in e) for e in errors] == ["X-ONE", "X-TWO", "Y-ONE", "Y-TWO"]
    assert "4 error(s)" in err


def _closed_port() -> str:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}"  # nothing listens there now: connections are refused


@pytest.fixture
def unreachable(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """The Hub endpoint is a port nobody listens on (the suite is offline otherwise)."""
    import huggingface_hub.constants

    for name in ("HF_HUB_OFFLINE", "OPENNESS_OFFLINE", "HF_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    # huggingface_hub reads HF_HUB_OFFLINE once, when first imported (the suite is offline then)
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", False)
    return {"HF_ENDPOINT": _closed_port()}


def test_an_unreachable_hub_fails_fast_and_says_so_once(unreachable: dict[str, str]) -> None:
    env = unreachable
    code, out, err = run("audit", "acme/one", "acme/two", "acme/three", "--concurrency", "1", env=env)
    assert code == 2
    errors = [line for line in out.splitlines() if ": error: " in line]
    assert len(errors) == 3 and all("cannot be reached" in e for e in errors)
    assert (out + err).count("--offline") == 1 and "HF_ENDPOINT" in out  # the way out, said once
    assert "gave up after" not in out  # a refused connection is not retried, and not asked again
    assert [("not tried again" in e) for e in errors] == [False, True, True]


def test_a_registry_build_that_audits_nothing_exits_non_zero(tmp_path: Path, unreachable: dict[str, str]) -> None:
    releases = tmp_path / "releases"
    releases.mkdir()
    comps = "\n".join(f"      {c}: {{status: closed}}" for c in ("technical_report", "training_code", "training_data", "data_pipeline"))
    (releases / "acme.yaml").write_text(
        "family: Acme\norganisation: Acme\nverified: 2025-01-01\nreleases:\n"
        "  - id: acme/one\n    name: One\n    hub_ids: [acme/one]\n    level: 1\n    components:\n"
        f"      weights: {{status: open}}\n{comps}\n"
    )
    env = unreachable
    code, _, err = run("registry", "build", "--registry", str(releases), "--no-history", "-o", str(tmp_path / "r.html"), env=env)
    assert code == 2 and "nothing could be audited" in err
    html = (tmp_path / "r.html").read_text()
    assert 'data-audit="skipped"' in html and "cannot be reached" in html  # a real failure, with its reason
