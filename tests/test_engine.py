"""The rule engine: schema validation with clear errors, operators, precedence and explain."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from openness.cli import cli
from openness.engine.facts import Catalogues, Facts, leading_space, stripped_length
from openness.engine.rules import RuleSet, load_rule_file, validate_directory
from openness.engine.scan import TextPattern, folded_view
from openness.engine.scan.textsearch import required_literals
from openness.errors import RuleError
from openness.models import Component, Status
from openness.release import build_release


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


RULE = """rules:
  - metadata: {{id: {id}, name: A test rule, component: {component}, status: {status}, precedence: {precedence}}}
    definition: {definition}
"""


def rule(**kw: object) -> str:
    base = {"id": "T-ONE", "component": "training_code", "status": "open", "precedence": 50, "definition": '{text: "gpt-neox"}'}
    base.update(kw)
    return RULE.format(**base)


@pytest.mark.parametrize(
    "text, fragment",
    [
        (rule(component="nonsense"), "rule T-ONE rules.0.metadata.component"),
        (rule(id="lowercase"), "rules.0.metadata.id"),
        (rule(definition="{bogus: 1}"), "rule T-ONE: definition: unknown operator 'bogus'"),
        (rule(definition='{text: "(unclosed"}'), "definition.text.pattern: invalid regular expression"),
        (rule(definition="{all: []}"), "definition.all: expected a non-empty list"),
        (rule(definition="{dataset: {availability: maybe}}"), "dataset.availability: expected statuses"),
        (rule(definition="{at_least: {n: 3, of: [{tag: a}]}}"), "at_least: 'of' must list at least n=3"),
        ("rules: [\n", "invalid YAML"),
    ],
)
def test_malformed_rules_name_file_rule_and_key(tmp_path: Path, text: str, fragment: str) -> None:
    path = write(tmp_path, "bad.yaml", text)
    with pytest.raises(RuleError) as exc:
        load_rule_file(path)
    assert str(path) in str(exc.value) and fragment in str(exc.value)


def test_validate_directory_reports_every_bad_file(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", rule(component="nope"))
    write(tmp_path, "b.yaml", rule(id="T-TWO", definition="{bogus: 1}"))
    write(tmp_path, "c.yaml", rule(id="T-THREE"))
    write(tmp_path, "d.yaml", rule(id="T-THREE"))
    checked, errors = validate_directory(tmp_path)
    assert checked == 4 and len(errors) == 3
    assert any("duplicate id" in e for e in errors)


def test_bundled_rules_validate() -> None:
    checked, errors = validate_directory()
    assert checked >= 5 and errors == []


def test_cli_rules_validate_exit_codes(tmp_path: Path) -> None:
    assert CliRunner().invoke(cli, ["rules", "validate"]).exit_code == 0
    write(tmp_path, "bad.yaml", rule(definition="{bogus: 1}"))
    result = CliRunner().invoke(cli, ["rules", "validate", str(tmp_path)])
    assert result.exit_code == 2 and "unknown operator 'bogus'" in result.stderr


def test_user_rules_join_the_bundled_ones_and_precedence_decides(tmp_path: Path) -> None:
    write(tmp_path, "mine.yaml", rule(id="USER-NEOX", status="closed", precedence=999, definition='{text: "gpt-neox"}'))
    rules = RuleSet.load([tmp_path])
    release = build_release("x/y", "---\nlicense: mit\n---\nTrained with [GPT-NeoX](https://github.com/EleutherAI/gpt-neox)\n")
    verdict = rules.evaluate(Facts(release, Catalogues.load()), explain=True)[Component.TRAINING_CODE]
    assert verdict.status == Status.CLOSED and verdict.rules_fired[0].rule == "USER-NEOX"
    assert any(h.rule == "OPN-CODE-TRAINING-FRAMEWORK" and not h.won for h in verdict.rules_fired)


def test_equal_precedence_goes_to_the_less_open_status(tmp_path: Path) -> None:
    write(tmp_path, "tie.yaml", rule(id="T-OPEN", status="open") + rule(id="T-PART", status="partial").replace("rules:\n", ""))
    rules = RuleSet.load([tmp_path], bundled=False)
    verdict = rules.evaluate(Facts(build_release("x/y", "uses gpt-neox"), Catalogues.load()))[Component.TRAINING_CODE]
    assert verdict.status == Status.PARTIAL
    assert verdict.evidence and verdict.evidence[0].excerpt == "uses gpt-neox"


def test_not_and_at_least(tmp_path: Path) -> None:
    definition = "{all: [{at_least: {n: 2, of: [{text: alpha}, {text: beta}, {text: gamma}]}}, {not: {text: delta}}]}"
    write(tmp_path, "r.yaml", rule(definition=definition))
    rules = RuleSet.load([tmp_path], bundled=False)

    def status(text: str) -> Status:
        return rules.evaluate(Facts(build_release("x/y", text), Catalogues.load()))[Component.TRAINING_CODE].status

    assert status("alpha gamma") == Status.OPEN
    assert status("alpha only") == Status.UNKNOWN
    assert status("alpha beta delta") == Status.UNKNOWN


def test_duplicate_rule_ids_across_directories_are_an_error(tmp_path: Path) -> None:
    write(tmp_path, "dup.yaml", rule(id="OPN-WEIGHTS-FILES", component="weights"))
    with pytest.raises(RuleError, match="duplicate id"):
        RuleSet.load([tmp_path])


def test_literal_prefilter_finds_what_a_plain_search_finds() -> None:
    text = "We used the AdamW optimizer.\nThe Learning Rate was 3e-4; lr schedule cosine.\n" * 3
    for pattern in [r"\badam\w*|optimi[sz]er", r"learning[ -]rate|\blr\b", r"^the learning", r"cosine"]:
        fast = [m.span() for m in TextPattern(pattern).finditer(text, folded_view(text))]
        slow = [m.span() for m in re.compile(pattern, re.I | re.M).finditer(text)]
        assert fast == slow, pattern
        first = TextPattern(pattern).search(text * 20)  # a long text of its own: gated by its literals
        assert first is not None and first.span() == slow[0], pattern
    assert TextPattern("institutional e-?mail").search("x" * 5000) is None
    # Either side of the gap is a valid required set; each literal is lower-cased and minimal.
    assert required_literals(r"(download|released?)\b[^\n]{0,80}\b(weights|checkpoints?)") in (
        (b"download", b"release"),
        (b"checkpoint", b"weights"),
    )
    assert required_literals(r"\d+\s*(b|t)") is None


def test_stripped_length_and_leading_space_agree_with_str_strip() -> None:
    """Counted without copying the text: the same white space as ``str.strip`` (Unicode's, \\x1c-\\x1f, NEL)."""
    rng = random.Random(1)
    pieces = [" ", "\t", "\n", "\u00a0", "\u2003", "\x1c", "\x85", "\u200b", "a", "\u00e9", "\u4e2d"]
    for _ in range(5000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 12)))
        assert stripped_length(text) == len(text.strip()), repr(text)
        assert text[leading_space(text) :] == text.lstrip(), repr(text)


def test_rules_validate_without_a_directory_checks_every_bundled_rule_file() -> None:
    from openness.resources import data_dir
    from openness.rule_files import validate_bundled

    checked, errors = validate_bundled()
    root = data_dir("rules")
    expected = sum(len(list((root / d).glob("*.yaml"))) for d in ("openness", "papers", "frameworks", "usage"))
    assert errors == [] and checked == expected and len(list((root / "frameworks").glob("*.yaml"))) >= 3
    result = CliRunner().invoke(cli, ["rules", "validate"])
    assert result.exit_code == 0 and f"{expected} rule file(s) checked" in result.stderr
