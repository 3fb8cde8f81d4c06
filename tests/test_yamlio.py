"""The fast safe loader builds exactly what PyYAML's safe loader builds, and refuses what it refuses."""

from __future__ import annotations

import datetime

import pytest
import yaml

from openness.errors import RuleError
from openness.yamlio import MAX_DEPTH, SAFE_LOADER, YamlLimitError, load_yaml_text, safe_load

REFERENCE = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the loader ours builds on (errors worded alike)

DOCUMENTS = [
    "license: apache-2.0\ntags: [a, b]\nlanguage:\n- en\n- fr\n",
    "n: 12\nf: 1.5e3\nyes_: yes\nno_: No\nnull_: ~\nempty:\nday: 2024-01-02\noct: 0o17\ninf: .inf\n",
    "model-index:\n- name: m\n  results:\n  - task: {type: text-generation}\n    metrics: [{value: 71.2}]\n",
    "base: &b {lr: 0.1, steps: 10}\nrun:\n  <<: *b\n  steps: 20\n",  # merge key
    "a: &x [1, 2]\nb: *x\n",  # shared alias
    "a: &a [1, *a]\n",  # recursive alias
    "? [1, 2]\n: tuple key\n",  # a complex key (PyYAML makes it a tuple)
    "s: !!set {a, b}\no: !!omap [a: 1, b: 2]\np: !!pairs [a: 1, a: 2]\nbin: !!binary aGk=\n",
    "dup: 1\ndup: 2\n",
    "'quoted': 'true'\n\"n\": \"12\"\nplain: true\n",
    "x: " + "[" * 300 + "]" * 300 + "\n",  # deep nesting
    "",
]


def load(text: str, loader: type) -> object:
    try:
        return yaml.load(text, Loader=loader)
    except yaml.YAMLError as exc:
        return ("error", type(exc).__name__, str(exc))


@pytest.mark.parametrize("text", DOCUMENTS, ids=range(len(DOCUMENTS)))
def test_the_fast_loader_builds_what_pyyaml_builds(text: str) -> None:
    fast, reference = load(text, SAFE_LOADER), load(text, REFERENCE)
    if text.startswith("a: &a"):  # recursive: compare the shape, as == recurses forever
        assert isinstance(fast, dict) and fast["a"][1] is fast["a"]
        return
    assert fast == reference
    assert repr(fast) == repr(reference)  # same types too (1 == 1.0 == True would hide a difference)


@pytest.mark.parametrize(
    "text",
    [
        "x: " + "[" * (MAX_DEPTH + 5) + "]" * (MAX_DEPTH + 5) + "\n",  # flow nesting
        "- " * (MAX_DEPTH + 5) + "x\n",  # block nesting
    ],
    ids=["flow", "block"],
)
def test_nesting_deeper_than_our_limit_is_refused_by_us(text: str) -> None:
    """Our limit, not PyYAML's (which differs between versions), decides: the error is ours."""
    with pytest.raises(YamlLimitError, match="deeper than"):
        safe_load(text)


def test_nesting_up_to_our_limit_is_built() -> None:
    depth = MAX_DEPTH - 2
    doc = safe_load("x: " + "[" * depth + "]" * depth + "\n")
    seen, node = 0, doc["x"]
    while node:
        seen, node = seen + 1, node[0]
    assert seen == depth - 1


def test_an_alias_bomb_is_refused_before_it_is_expanded() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 10)]
    bomb = "\n".join(lines) + "\n"  # ~600 bytes, 10**10 nodes once expanded
    assert len(bomb) < 1000
    with pytest.raises(YamlLimitError, match="expands to more than"):
        safe_load(bomb)
    with pytest.raises(RuleError, match="expands to more than"):
        load_yaml_text(bomb, "bomb.yaml")


def test_shared_aliases_below_the_limit_are_built() -> None:
    doc = safe_load("a: &a [1, 2, 3]\nb: [*a, *a, *a]\n")
    assert doc["b"] == [[1, 2, 3]] * 3 and doc["b"][0] is doc["a"]


def test_aliases_are_shared_and_scalars_typed() -> None:
    doc = yaml.load("a: &x [1]\nb: *x\nd: 2024-01-02\n", Loader=SAFE_LOADER)
    assert doc["a"] is doc["b"]
    assert doc["d"] == datetime.date(2024, 1, 2)


@pytest.mark.parametrize(
    "text",
    ["x: !!python/object/apply:os.system ['echo hi']\n", "? [a, [b]]\n: v\n", "? {a: 1}\n: v\n", "x: !custom 1\n"],
)
def test_what_the_safe_loader_refuses_is_refused(text: str) -> None:
    assert load(text, SAFE_LOADER) == load(text, REFERENCE)
    assert load(text, SAFE_LOADER)[0] == "error"  # type: ignore[index]


@pytest.mark.parametrize("depth", [MAX_DEPTH - 1, MAX_DEPTH, MAX_DEPTH + 1])
@pytest.mark.parametrize("width", [1, 3])
def test_the_tree_check_agrees_with_the_graph_check(depth: int, width: int) -> None:
    """Documents without anchors take the one-visit tree check: it refuses exactly what the graph check refuses."""
    import yaml

    from openness.yamlio import check_node_graph, check_node_tree

    text = "x: " + "[" * depth + ", ".join(["a"] * width) + "]" * depth + "\n"
    node = yaml.compose(text, Loader=SAFE_LOADER)
    outcomes = []
    for check in (check_node_graph, check_node_tree):
        for limit in (10, 10_000):
            try:
                check(node, max_nodes=limit)
                outcomes.append("ok")
            except YamlLimitError as exc:
                outcomes.append(str(exc))
    assert outcomes[:2] == outcomes[2:]
    assert ("deeper than" in outcomes[1]) == (depth + 2 > MAX_DEPTH)
