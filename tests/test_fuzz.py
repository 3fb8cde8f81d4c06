"""Property and fuzz tests (Hypothesis) over what reads untrusted text: the card parser, the
front-matter loader, the licence clause reader, the policy loader and the scan (issue 13, "Keep it
fixed"). Each property says what may come out (a result, or the reader's own typed error), never a
crash; examples are few and there is no per-example deadline, so the default run stays quick."""

from __future__ import annotations

import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from openness.card import parse_card, split_front_matter
from openness.errors import OpennessError, PolicyError
from openness.license.clauses import MAX_FIGURE, detect_terms, parse_number
from openness.policy.load import load_policy_text
from openness.scan import configs, python
from openness.yamlio import YamlLimitError, safe_load
from tests import hostile

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True)

# Text with what hostile cards are made of: YAML punctuation, aliases, markdown, controls, bidi,
# surrogate-free astral characters, long digit runs.
PIECES = st.sampled_from(
    [
        "---\n", "...\n", "&a ", "*a ", "[", "]", "{", "}", ": ", "- ", "\n", "  ", "#", "```", "<h2>", "</h2>",
        "license: ", "datasets:", "base_model: ", "https://github.com/a/b", "https://arxiv.org/abs/2402.00838",
        "huggingface.co/datasets/x/y", "monthly active users", "million", "hundred", "$", "9" * 50, "0000-01-01",
        "\x1b[31m", "\u202e", "\u0085", "\ufeff", "\x00", "\t", "!!python/object:os.system", "<<: *a", "? ", "|", ">",
    ]
)  # fmt: skip
HOSTILE_TEXT = st.lists(st.one_of(PIECES, st.text(max_size=20)), max_size=40).map("".join)


@FUZZ
@given(HOSTILE_TEXT)
@example(hostile.card(hostile.alias_bomb()))
@example(hostile.card(f"n: {hostile.HUGE_INT}\n"))
@example("---\n" + "- " * 500 + "x\n---\n")
def test_a_card_always_parses(text: str) -> None:
    card = parse_card(text)
    assert isinstance(card.metadata, dict)
    assert all(isinstance(k, str) for k in card.metadata)
    assert all(isinstance(w, str) and "\n" not in w for w in card.warnings)


@FUZZ
@given(HOSTILE_TEXT)
def test_front_matter_never_raises_and_the_body_is_the_rest(text: str) -> None:
    metadata, body, line, _ = split_front_matter(text)
    assert isinstance(metadata, dict) and line >= 1
    assert text.endswith(body) or not body


@FUZZ
@given(HOSTILE_TEXT)
def test_the_yaml_loader_returns_data_or_a_yaml_error(text: str) -> None:
    try:
        safe_load(text)
    except yaml.YAMLError:
        pass


@FUZZ
@given(st.integers(min_value=1, max_value=12), st.integers(min_value=2, max_value=12))
def test_alias_expansion_is_refused_exactly_past_the_limit(levels: int, width: int) -> None:
    from openness.yamlio import MAX_EXPANDED_NODES

    text = hostile.alias_bomb(levels, width)
    sizes = [1 + width]  # l0: the list and its scalars
    for _ in range(1, levels):
        sizes.append(1 + width * sizes[-1])  # each alias counts the whole list it names
    expanded = 1 + sum(1 + size for size in sizes)  # the root mapping, each key and its value
    try:
        data = safe_load(text)
    except YamlLimitError as exc:
        assert expanded > MAX_EXPANDED_NODES and "aliases" in str(exc)
    else:
        assert expanded <= MAX_EXPANDED_NODES and len(data) == levels


@FUZZ
@given(HOSTILE_TEXT)
@example(f"If monthly active users exceed {hostile.HUGE_FIGURE} monthly active users, ask.")
@example(f"monthly active users above {hostile.WORDS_FIGURE} million")
def test_the_licence_clause_reader_never_raises_and_caps_are_real_numbers(text: str) -> None:
    for term in detect_terms(text):
        if term.type in ("mau_cap", "revenue_cap") and isinstance(term.value, (int, float)) and not isinstance(term.value, bool):
            assert 0 <= term.value <= MAX_FIGURE


@FUZZ
@given(st.text(alphabet="0123456789,. kmbKMB-onetwhudrsiyl", max_size=80))
def test_numbers_parse_to_bounded_ints_or_none(text: str) -> None:
    value = parse_number(text)
    assert value is None or 0 <= value <= MAX_FIGURE


@FUZZ
@given(HOSTILE_TEXT)
@example("requirements: {min_level: true}\n")
@example("exemptions:\n- {model: a/b, reason: r, approver: a, expires: 0000-01-01}\n")
def test_the_policy_loader_returns_a_policy_or_a_policy_error(text: str) -> None:
    try:
        load_policy_text(text)
    except PolicyError as exc:
        assert "\n" not in str(exc)


@FUZZ
@given(st.one_of(HOSTILE_TEXT, st.text(alphabet="()[]{}+-*/'\"=:.,\n abcf_", max_size=300)))
@example(hostile.EXPRESSION_PY)
def test_the_python_scan_returns_hits_or_a_parse_error(text: str) -> None:
    try:
        hits = python.find_models(text, "x.py")
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return
    assert all(h.line >= 1 for h in hits)


@FUZZ
@given(HOSTILE_TEXT, st.sampled_from(["c.yaml", "c.json"]))
def test_the_config_scan_returns_hits_or_a_parse_error(text: str, name: str) -> None:
    try:
        configs.find_models(text, name)
    except (ValueError, RecursionError, OpennessError):
        pass
