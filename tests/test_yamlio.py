"""The fast safe loader builds exactly what PyYAML's safe loader builds, and refuses what it refuses.

The fast constructor leans on PyYAML internals (``yaml_implicit_resolvers``, ``yaml_constructors``,
``construct_document``), so its agreement is checked against PyYAML's own loaders over every
corpus card's front matter and a list of edge and hostile documents. Run this file against each
PyYAML of pyproject's range (6.0 ... 6.0.x) before widening it, e.g.
``pip install --target /tmp/y pyyaml==6.0.1 && PYTHONPATH=/tmp/y pytest tests/test_yamlio.py``.
"""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from openness.errors import DataError
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
    # scalars an implicit resolver claims, or nearly does (the fast path skips resolvers by first character)
    "a: 012\nb: 0x1F\nc: +1\nd: -0.5\ne: 1_000\nf: .NaN\ng: -.inf\nh: 1e3\ni: 190:20:30\nj: 0b101\n",
    "a: Yes\nb: OFF\nc: y\nd: n\ne: NULL\nf: Null\ng: ''\nh: '~'\ni: =\nj: <<\n",
    "t1: 2001-12-14t21:59:43.10-05:00\nt2: 2001-12-14 21:59:43.10 -5\nt3: 2002-12-14\nt4: 2024-1-2\n",
    "~: null key\nyes: bool key\n1: int key\n1.5: float key\n2024-01-02: date key\n",
    "a: !!str 12\nb: !!int '12'\nc: !!float '1'\nd: !!null ''\ne: !!bool 'yes'\nf: !!map {x: 1}\ng: !!seq [1]\n",
    "a: &s scalar\nb: *s\nc: &m {k: &l [1, *s]}\nd: *m\ne: *l\n",
    "base: &b {x: 1}\nother: &o {y: 2}\nrun: {<<: [*b, *o], z: 3}\n",  # merge of a list
    "a: {}\nb: []\nc: [{}, [], '', ~]\nd:\n  -\n  - ''\n",
    "\ufeffkey: value\n",  # a byte-order mark
    "ключ: значение\n名前: モデル\nemoji: 🤗\n",
    "long: " + "x" * 20_000 + "\n",
    "a: |\n  block\n   text\nb: >-\n  folded\n  text\nc: 'it''s'\nd: \"tab\\there\"\n",
    "a:\n  b:\n    c: 1\n    c: 2\n  b: 3\n",  # duplicate keys, nested
    "- 1\n- a\n- [x, {y: z}]\n",  # a list at the top
    "just a string\n",
    "a: 1\n---\nb: 2\n",  # two documents: refused
    "a: *nowhere\n",  # an undefined alias: refused
    "a: [1, 2\n",  # unclosed flow: refused
    "a: b: c\n",  # a mapping value where none is allowed: refused
    "a: !!timestamp 2024-13-45\n",  # an impossible date
    "\ta: tab indent\n",
]


def load(text: str, loader: type) -> object:
    try:
        return yaml.load(text, Loader=loader)
    except (yaml.YAMLError, ValueError) as exc:  # ValueError: a date out of range
        return ("error", type(exc).__name__, str(exc))


@pytest.mark.parametrize("text", DOCUMENTS, ids=range(len(DOCUMENTS)))
def test_the_fast_loader_builds_what_pyyaml_builds(text: str) -> None:
    fast, reference = load(text, SAFE_LOADER), load(text, REFERENCE)
    if text.startswith("a: &a"):  # recursive: compare the shape, as == recurses forever
        assert isinstance(fast, dict) and fast["a"][1] is fast["a"]
        return
    assert fast == reference
    assert repr(fast) == repr(reference)  # same types too (1 == 1.0 == True would hide a difference)


def _loaded(text: str, loader: type) -> object:
    """What ``safe_load`` builds (our limits and checks first), or the error it raises."""
    if loader is SAFE_LOADER:
        try:
            return safe_load(text)
        except (yaml.YAMLError, ValueError, OverflowError, TypeError) as exc:
            return ("error", type(exc).__name__)
    try:
        return yaml.load(text, Loader=loader)
    except (yaml.YAMLError, ValueError, OverflowError, TypeError) as exc:
        return ("error", type(exc).__name__)


def test_the_fast_loader_agrees_with_pyyaml_on_every_corpus_card(shared: Path) -> None:
    """Every corpus card's front matter (as the card parser cuts it) builds the same Python value,
    of the same types, as PyYAML's C loader with PyYAML's constructor and its pure-Python SafeLoader build."""
    from openness.card import front_matter_source

    cards = sorted((shared / "corpus" / "cards").glob("*.md"))
    if not cards:
        pytest.skip("no corpus cards")
    compared = 0
    for path in cards:
        source = front_matter_source(path.read_text(encoding="utf-8", errors="replace"))
        if source is None:
            continue
        ours = _loaded(source, SAFE_LOADER)
        if isinstance(ours, tuple) and ours[1] == "YamlLimitError":
            continue  # refused by our limits before PyYAML would build it
        # PyYAML's C parser with PyYAML's own SafeConstructor: the same nodes, built by PyYAML.
        theirs = _loaded(source, REFERENCE)
        if isinstance(ours, tuple) or isinstance(theirs, tuple):  # errors: both refuse
            assert ours == theirs, path.name
            continue
        assert repr(ours) == repr(theirs), path.name  # equal, and of the same types
        # PyYAML's pure-Python SafeLoader, wherever its own parser accepts the text (libyaml also
        # accepts a few things it does not, e.g. a tab after a value: a parser difference).
        pure = _loaded(source, yaml.SafeLoader)
        if not isinstance(pure, tuple):
            assert repr(ours) == repr(pure), path.name
            compared += 1
    assert compared > len(cards) // 2  # most cards have front matter


@pytest.mark.parametrize("text", DOCUMENTS, ids=range(len(DOCUMENTS)))
def test_the_fast_loader_agrees_with_pyyamls_pure_python_safe_loader(text: str) -> None:
    """The same edge documents against PyYAML's own SafeLoader (not the C loader ours builds on)."""
    ours, theirs = load(text, SAFE_LOADER), load(text, yaml.SafeLoader)
    if text.startswith("a: &a"):
        assert isinstance(ours, dict) and ours["a"][1] is ours["a"]
        return
    if isinstance(ours, tuple) or isinstance(theirs, tuple):  # both refuse; the C and Python parsers word it apart
        assert isinstance(ours, tuple) and isinstance(theirs, tuple) and ours[0] == theirs[0] == "error"
        return
    assert repr(ours) == repr(theirs)


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
    with pytest.raises(DataError, match="expands to more than"):
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


# Block-style front matter the line reader takes (openness.yamlio._subset_load), and documents it
# must leave to the full path; both kinds must come out as PyYAML builds them.
SUBSET_DOCUMENTS = [
    "license: apache-2.0\ntags:\n- translation\n- generated_from_trainer\n",
    "      tags:\n      - unity-ml-agents\n      library_name: ml-agents\n",  # the whole document indented
    "model-index:\n- name: m\n  results:\n  - task:\n      type: text-generation\n    metrics:\n    - type: acc\n      value: 71.2\n",
    "a:\n  b:\n    c: 1\n  d: [] # a comment\ne: {}\nf:\ng: ''\nh: 'it''s # not a comment'\ni: \"say: yes\"\n",
    "n: 12\nf: 1.5e3\nb: yes\nnone: ~\nday: 2024-01-02\noct: 0o17\nsex: 190:20:30\nneg: -1\nword: -foo\n",
    "# a comment first\nurl: https://example.com/a#frag\nc: C# and F#\nsp: a  b   c\ntrail: x   \n",
    "list:\n-\n- a\n-   b\nnested:\n  - k: v\n    k2: v2\n  - plain\n",
    "- a\n- b: c\n",  # a list at the top
    "Type: x\nTrue_ish: y\n",  # keys an implicit resolver looks at, and leaves as strings
]
NOT_SUBSET_DOCUMENTS = [
    "a: b: c\n",  # an error, worded by the parser
    "description: a plain\n  scalar over two lines\n",
    "a: |\n  block\n",
    "a: &x 1\nb: *x\n",
    "a: !!str 1\n",
    "a: [1, 2]\n",
    "dup: 1\ndup: 2\n",  # duplicate keys: the full path warns of them
    "1: int key\n",
    "yes: bool key\n",
    "a: 'unclosed\n",
    'a: "esc\\tape"\n',
    "\ta: tab\n",
    "ключ: значение\n",
    "a:\n  - x\n   - y\n",  # indentation that places nothing
    "a: 1\n- b\n",
    "key:value\n",
    "- - nested\n",
    "a: " + "9" * 150 + "\n",  # an integer longer than our limit: refused by the full path
    "x:\n" + "".join("  " * i + f"k{i}:\n" for i in range(1, 60)) + "  " * 60 + "v: 1\n",  # deeper than the subset reads
    "just a string\n",
    "",
]


@pytest.mark.parametrize("text", SUBSET_DOCUMENTS + NOT_SUBSET_DOCUMENTS, ids=range(len(SUBSET_DOCUMENTS + NOT_SUBSET_DOCUMENTS)))
def test_the_line_reader_reads_its_subset_as_pyyaml_does_and_leaves_the_rest(text: str) -> None:
    from openness.yamlio import _NotPlain, _subset_load

    try:
        subset: object = _subset_load(text)
    except _NotPlain:
        subset = _NotPlain
    assert (subset is not _NotPlain) == (text in SUBSET_DOCUMENTS)
    if subset is not _NotPlain:
        assert repr(subset) == repr(yaml.load(text, Loader=REFERENCE))  # equal, and of the same types
        assert repr(subset) == repr(yaml.load(text, Loader=yaml.SafeLoader))
    ours, theirs = _loaded(text, SAFE_LOADER), _loaded(text, REFERENCE)
    if not (isinstance(ours, tuple) and ours[1] == "YamlLimitError"):
        assert repr(ours) == repr(theirs)
    duplicates: list[str] = []
    if text.startswith("dup:"):
        safe_load(text, duplicates)
        assert duplicates  # warned by the full path


def test_front_matter_read_again_is_a_copy() -> None:
    """A process keeps front matter it read (templates recur); each card gets its own copy to change."""
    from openness.card import split_front_matter

    card = "---\nlicense: mit\ntags:\n- a\nmodel-index:\n- name: x\n---\nbody\n"
    first = split_front_matter(card)[0]
    first["tags"].append("changed")
    first["model-index"][0]["name"] = "changed"
    again = split_front_matter(card)[0]
    assert again == {"license": "mit", "tags": ["a"], "model-index": [{"name": "x"}]}


# Scalars near the subset's edges: typed ones, indicators, quotes, comments, colons and dashes.
_SCALAR_WORDS = st.sampled_from(
    ["a", "b c", "1", "-1", "1.5", "1e3", "0o17", "0x1F", "yes", "No", "null", "~", "true", "2024-01-02", "12:30",
     "-x", "- x", "x:", "a: b", "#c", "a #c", "a#c", "'q'", "'it''s'", '"d"', '"a: b"', "[]", "{}", "[a]", "&x", "*x",
     "!t", "|", ">", "%", "@", "`", "?", "?x", ",", "http://h/a#f", "C#", "  ", ""]
)  # fmt: skip
_KEYS = st.sampled_from(["a", "b", "k1", "license", "model-index", "name", "1", "yes", "a b", "x.y", "a/b", "-", "~", "Type"])


def _block(depth: int) -> st.SearchStrategy[list[str]]:
    """Lines of a block document (mappings and sequences), indented, with scalars near the edges."""

    def entry(indent: int, d: int) -> st.SearchStrategy[list[str]]:
        pad = " " * indent
        scalar_line = st.tuples(_KEYS, _SCALAR_WORDS).map(lambda kv: [f"{pad}{kv[0]}: {kv[1]}".rstrip()])
        item_line = _SCALAR_WORDS.map(lambda v: [f"{pad}- {v}".rstrip()])
        comment = st.just([f"{pad}# note"])
        if d == 0:
            return st.one_of(scalar_line, item_line, comment)
        nested = st.tuples(_KEYS, st.sampled_from([2, 4]), st.lists(st.deferred(lambda: entry(indent + 2, d - 1)), min_size=1, max_size=3))
        nested_map = nested.map(lambda t: [f"{pad}{t[0]}:", *[line for part in t[2] for line in part]])
        return st.one_of(scalar_line, item_line, comment, nested_map)

    return st.lists(entry(0, depth), min_size=0, max_size=6).map(lambda parts: [line for part in parts for line in part])


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_block(3))
def test_the_line_reader_agrees_with_pyyaml_on_generated_block_documents(lines: list[str]) -> None:
    """Whatever block document it is given, the front-matter loader builds what PyYAML builds, or
    refuses what PyYAML refuses: the line reader either reads a document exactly or leaves it."""
    text = "\n".join(lines) + "\n"
    ours, theirs = _loaded(text, SAFE_LOADER), _loaded(text, REFERENCE)
    if isinstance(ours, tuple) and ours[0] == "error":
        assert isinstance(theirs, tuple) or ours[1] == "YamlLimitError", text  # our limits may refuse more, never less
    else:
        assert repr(ours) == repr(theirs), text
