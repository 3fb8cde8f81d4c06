"""The Hyperscan prefilter only skips work: with it, every text search finds exactly what Python's re finds."""

from __future__ import annotations

import json
import random
import re
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from openness.audit import Pipeline
from openness.datasets import _TRAINED_ON, _TRAINED_ON_FIRSTS, _TRAINED_ON_LEAD, _TRAINED_ON_WORDS
from openness.engine.facts import Catalogues, Facts
from openness.engine.rules import RuleSet
from openness.engine.scan import NameFinder, PatternIndex, ScanGroup, TextPattern, ascii_view, finditer_near, folded_view, prefilter
from openness.engine.scan.prefilter import OPEN_REPEATS_ABOVE, translate
from openness.engine.scan.textsearch import find_names
from openness.license.database import LicenseDatabase
from openness.release import build_release
from tests.conftest import shared_path

RULE_CASES = sorted(Path(__file__).parent.joinpath("rules").glob("*/*/README.md"))

# Characters that test the view: each class of non-ASCII character, the four that fold to ASCII
# letters under re.I, and ASCII punctuation the patterns below use.
ALPHABET = "ab kKs_-|%.,9 \n" + "\u00e9\u4e2d\u0663\u00b2\u00a0\u3000\u2014\U0001f600\u212a\u0130\u0131\u017f"
PATTERNS = [
    r"\bab\b",
    r"a\s+b",
    r"a\S*b",
    r"[^a-z]k",
    r"[^\W\d]s",
    r"\d+[%]",
    r"\D9",
    r"k\w*",
    r"\Bb",
    r"^a|b$",
    r"(?<!a)b(?=s)",
    r"a[^\n]{0,12}b",
    r"(ab|ba)[ .,]+(s|k)",
    r"[.,]\W+",
    r"s.",
    r"\w\w\w",
    r"a{2,3}",
    r"(?:a|b)+?k",
    r"[\s\d]b",
]


def spans(pattern: TextPattern, text: str) -> list[tuple[int, int]]:
    return [m.span() for m in pattern.regex.finditer(text)]


def prefiltered(pattern: TextPattern, index: PatternIndex, text: str) -> list[tuple[int, int]]:
    scanned = index.scan(ascii_view(text))
    first_end = scanned.first_end(pattern.slot)
    if first_end is None:
        return []
    start = scanned.search_start(pattern.slot, pattern.width)
    return [m.span() for m in pattern.finditer(text, folded_view(text), start)]


def test_the_view_has_one_byte_per_character_of_the_same_class() -> None:
    text = "".join(chr(c) for c in range(0x30000) if not 0xD800 <= c < 0xE000)
    view = ascii_view(text)
    assert len(view) == len(text)
    word, space = re.compile(r"\w"), re.compile(r"\s")
    for ch, byte in zip(text, view):
        b = chr(byte)
        assert bool(word.match(ch)) == bool(word.match(b)), hex(ord(ch))
        assert bool(space.match(ch)) == bool(space.match(b)), hex(ord(ch))
        if not ch.isascii() and b.isalpha():  # only the four case-folding characters become letters
            assert re.fullmatch(b, ch, re.I), hex(ord(ch))


def test_every_candidate_search_finds_what_python_finds() -> None:
    index = PatternIndex()
    patterns = [TextPattern(p, index) for p in PATTERNS]
    assert index.filtered == len(PATTERNS)  # all of them carried over
    rng = random.Random(7)
    texts = ["".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 80))) for _ in range(400)]
    texts += ["ab " * 400 + "\u00e9ab\u00a0bs \u212ab 12% \u0663\u0663%", "x" * 3000 + "a  b" + "y" * 3000]
    for text in texts:
        for pattern in patterns:
            assert prefiltered(pattern, index, text) == spans(pattern, text), (pattern.regex.pattern, text)


def test_a_wider_candidate_than_the_pattern_does_not_stop_the_search() -> None:
    """A long bounded repeat is scanned as unbounded, so the scan's first candidate may be no match
    at all; the real match, far later, is still found."""
    index = PatternIndex()
    bound = OPEN_REPEATS_ABOVE + 1
    pattern = TextPattern(rf"(full|all)[^\n]{{0,{bound}}}training data", index)
    false_lead = "full" + " word" * (bound // 5 + 2) + " training data.\n"
    filler = "\n".join("unrelated line of text" for _ in range(80))
    for text in (false_lead + filler + "\nall the training data\n" + filler, false_lead + filler):
        assert index.scan(ascii_view(text)).first_end(pattern.slot) == len(false_lead) - 2
        assert prefiltered(pattern, index, text) == spans(pattern, text)


def test_a_match_far_longer_than_the_distance_to_its_literals_is_found() -> None:
    """A table row of hundreds of characters whose only required literal, '|', is at its two ends."""
    index = PatternIndex()
    pattern = TextPattern(r"^\|[^\n]*\|[^\n]*\b\d+\s*(%|b\b)[^\n]*\|\s*$", index)
    assert pattern.literals == (b"|",)
    row = "| Web | " + "filtered and deduplicated pages, " * 25 + "| 670 B |"
    text = "# Data\n\n" + "\n".join([row] * 3) + "\n"
    assert len(spans(pattern, text)) == 3
    assert prefiltered(pattern, index, text) == spans(pattern, text)
    assert [m.span() for m in pattern.finditer(text, folded_view(text))] == spans(pattern, text)


START_WORDS = [
    "new",
    "New",
    "NEW",
    "data",
    "additional",
    "gpu",
    "GPUs",
    "pre",
    "-",
    "training",
    " ",
    "  ",
    "\n",
    "x",
    "\u00e9",
    "\u212a",
    "\u017f",
    "\u0130",
    "kit",
    "sKip",
    "[",
    "source ",
    "Code",
    "](",
]
START_PATTERNS = [
    r"(additional|new)\s+(\w+\s+){0,2}data",
    r"\bgpus?\b",
    r"(pre-?)?training (data|new)",
    r"skip|new\b|kit",
    r"\bnew(?= data)",
    r"^new|\bdata$",
    r"(new)?? ?data",
    r"new (pre-?)?data|\[(source )?code\]\(",  # a run that goes on into an optional part
]


def test_matches_tried_only_where_a_start_literal_is_are_python_s() -> None:
    """A pattern whose matches all begin with known literals is tried only where one occurs in the
    folded view: the same matches as Python's own search, for any pos and endpos, whatever the case
    or the characters (K, ſ, İ fold to ASCII letters under re.I)."""
    patterns = [TextPattern(p) for p in START_PATTERNS]
    assert all(p.starts for p in patterns)
    rng = random.Random(5)
    for _ in range(1500):
        text = "".join(rng.choice(START_WORDS) for _ in range(rng.randint(0, 40)))
        folded = folded_view(text)
        pos = rng.randint(0, len(text))
        endpos = rng.randint(pos, len(text))
        for pattern in patterns:
            want = [m.span() for m in pattern.regex.finditer(text, pos, endpos)]
            assert [m.span() for m in pattern._finditer(text, folded, pos, endpos)] == want, (pattern.regex.pattern, text, pos, endpos)
            assert [m.span() for m in pattern.finditer(text, folded)] == spans(pattern, text), (pattern.regex.pattern, text)


PROSE_WORDS = ["trained", "Train", "ing", " on ", " using ", "the ", "Fine-", "fine", "TUNED", "further ", "jointly ", "re-", "pre",
               "learn", "t", "distilled", " version of ", "[x/y]", "(https://h.co/x)", "GLUE", " MRPC", "data", " set", ", and ",
               "\u212a", "\u0131", "\u017f", "\u00e9", "-", "\n", " ", "For the ", "fine-tuning", ", we used ", "FOR ", "I use "]  # fmt: skip


def near_matches(text: str) -> list[tuple[tuple[int, int], tuple[str | None, ...]]]:
    """The matches tried near the verbs, the same with and without the first-letter filter."""
    found = [(m.span(), m.groups()) for m in finditer_near(_TRAINED_ON, text, folded_view(text), _TRAINED_ON_WORDS, _TRAINED_ON_LEAD)]
    filtered = finditer_near(_TRAINED_ON, text, folded_view(text), _TRAINED_ON_WORDS, _TRAINED_ON_LEAD, _TRAINED_ON_FIRSTS)
    assert [(m.span(), m.groups()) for m in filtered] == found
    return found


def test_a_pattern_tried_only_near_its_words_finds_what_python_finds() -> None:
    """The training-sentence pattern of the dataset catalogue is tried only near its verbs: the same
    matches as Python's own search over the whole text, whatever the case or the characters."""
    rng = random.Random(11)
    matched = 0
    for _ in range(3000):
        text = "".join(rng.choice(PROSE_WORDS) for _ in range(rng.randint(0, 30)))
        found = near_matches(text)
        assert found == [(m.span(), m.groups()) for m in _TRAINED_ON.finditer(text)], text
        matched += bool(found)
    assert matched  # the texts exercise matches, not only their absence


@pytest.mark.shared
def test_a_pattern_tried_only_near_its_words_finds_what_python_finds_on_real_cards() -> None:
    for path in sorted(shared_path("corpus", "cards").glob("*.md"))[::4]:
        text = path.read_text(encoding="utf-8", errors="replace")
        assert near_matches(text) == [(m.span(), m.groups()) for m in _TRAINED_ON.finditer(text)], path.name


def test_the_scan_bounds_where_the_first_match_is() -> None:
    index = PatternIndex()
    bounded, unbounded = TextPattern(r"model\s{1,3}weights", index), TextPattern(r"weights\s+are", index)
    absent = index.add("absent words")
    text = "x" * 500 + "model  weights are\u00a0 are\n weights \t are"
    scanned = index.scan(ascii_view(text))
    first = bounded.regex.search(text)
    assert first is not None and scanned.first_end(bounded.slot) == first.end()
    assert 0 < scanned.search_start(bounded.slot, bounded.width) <= first.start()
    second = unbounded.regex.search(text)
    assert second is not None and scanned.search_start(unbounded.slot, unbounded.width) == second.start()
    assert scanned.first_end(absent) is None


def test_row_scans_tell_which_headings_and_links_can_match() -> None:
    """Headings and links are scanned as one view, a row per line; every row the regex matches is
    among those the scan names (checked on fuzzed headings and link targets)."""
    rng = random.Random(11)
    words = ["".join(rng.choice(ALPHABET.replace("\n", "")) for _ in range(rng.randint(1, 12))).strip() or "x" for _ in range(60)]
    card = "".join(f"## {w}\ntext\n" for w in words) + "".join(f"see https://example.org/{w.replace(' ', '_')}\n" for w in words)
    release = build_release("acme/m", card)
    facts = Facts(release, Catalogues.load())
    headings, links = PatternIndex(subject="headings", every_match=True), PatternIndex(subject="links", every_match=True)
    compiled = [(re.compile(p, re.I | re.M), headings.add(p), links.add(p)) for p in PATTERNS]
    told = 0
    for regex, heading_slot, link_slot in compiled:
        matching = {i for i, s in enumerate(release.sections) if s.heading and regex.search(s.heading)}
        linked = {i for i, link in enumerate(release.links) if regex.search(link.url) or regex.search(link.target)}
        for rows, truth in ((facts.rows(headings, heading_slot), matching), (facts.rows(links, link_slot), linked)):
            if rows is not None:  # None: too many candidates to list (e.g. \w\w\w in every URL), all rows are searched
                told += 1
                assert truth <= rows, regex.pattern
    assert told > len(PATTERNS)


def test_a_scan_group_answers_as_its_members_do() -> None:
    first, second = PatternIndex(), PatternIndex(flags=re.I)
    slots = [(first, first.add(p)) for p in PATTERNS] + [(second, second.add(re.escape(w))) for w in ("ab", "k s", "9%", "\u00e9")]
    group = ScanGroup((first, second))
    rng = random.Random(5)
    for _ in range(300):
        view = ascii_view("".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 60))))
        joint = dict(zip(group.members, group.scan(view)))
        alone = {index: index.scan(view) for index in group.members}
        for index, slot in slots:
            assert joint[index].first_end(slot) == alone[index].first_end(slot)
    with pytest.raises(ValueError):
        ScanGroup((PatternIndex(every_match=True),))


def test_a_pattern_with_too_many_candidates_may_match_any_row() -> None:
    index = PatternIndex(subject="headings", every_match=True)
    slot = index.add(r"\w")
    scanned = index.scan(ascii_view("\n".join(["heading"] * 100)))
    assert scanned.first_end(slot) == 1
    assert scanned.every_end(slot) is None  # past the limit: unknown, so every row is searched


@pytest.mark.parametrize(
    "pattern",
    [r"(a)\1", "\u6a21\u578b", r"a*", r"(?-i:Model)", r"(?s)a.b", r"(?(1)a|b)"],
    ids=["backreference", "non-ascii", "empty-match", "scoped-flag", "dotall", "conditional"],
)
def test_patterns_that_cannot_be_carried_over_always_run(pattern: str) -> None:
    assert translate(pattern) is None
    index = PatternIndex()
    slot = index.add(pattern)
    assert index.scan(ascii_view("no match here")).first_end(slot) == 0  # 0: not filtered, search it


def test_every_shipped_text_pattern_is_prefiltered() -> None:
    rules = RuleSet.load()
    assert len(rules.texts) > 40
    assert rules.texts.filtered == len(rules.texts)


def test_names_are_found_whole_word_and_confirmed_on_the_text() -> None:
    finder = NameFinder({"the pile": "pile", "c4": "c4", "dolma": "dolma"})
    text = "Trained on The\u00a0Pile, c4ai and C4. Dolma-like data; the pile again"
    assert [(entry, words) for entry, words, _ in finder.find(text)] == [("c4", "C4"), ("pile", "the pile")]
    # A character whose lower case is longer (İ -> i̇) no longer shifts the offsets.
    text = "\u0130stanbul uses C4"
    assert find_names(text, folded_view(text), ["c4"]) == [("C4", 14)]
    # A non-ASCII name is looked for in the lower-cased text, with the same whole-word rule.
    text = "not xm\u00e9lange but M\u00e9lange"
    assert find_names(text, folded_view(text), ["m\u00e9lange"]) == [("M\u00e9lange", 17)]


def test_scans_from_many_threads_agree() -> None:
    index = PatternIndex()
    patterns = [TextPattern(p, index) for p in PATTERNS]
    rng = random.Random(3)
    texts = ["".join(rng.choice(ALPHABET) for _ in range(200)) for _ in range(200)]

    def run(text: str) -> list[list[tuple[int, int]]]:
        return [prefiltered(p, index, text) for p in patterns]

    expected = [[spans(p, t) for p in patterns] for t in texts]
    with ThreadPoolExecutor(max_workers=4) as pool:
        assert list(pool.map(run, texts)) == expected


def test_compiled_databases_are_cached_on_disk_and_rebuilt_when_unreadable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    unique = f"cache test {random.Random().random()}"  # a pattern set no other test compiles

    def first_end() -> int | None:
        index = PatternIndex()
        slot = index.add(unique)
        return index.scan(ascii_view(f"say {unique}!")).first_end(slot)

    assert first_end() == 4 + len(unique)
    files = list((tmp_path / "openness" / "prefilter").glob("*.hsdb"))
    assert len(files) == 1
    prefilter._DATABASES.clear()  # a new process: only the file is left
    assert first_end() == 4 + len(unique)
    files[0].write_bytes(b"0\ngarbage")  # a damaged or foreign file is compiled again
    prefilter._DATABASES.clear()
    assert first_end() == 4 + len(unique)


def reports(cards: list[tuple[str, str]], prefilter_on: bool) -> list[str]:
    """The reports with every speed-up (``prefilter_on``), or with plain ``re`` for every pattern."""
    pipeline = Pipeline(RuleSet.load(prefilter=prefilter_on), Catalogues.load(), None, LicenseDatabase.load())
    return [json.dumps(pipeline.run(build_release(name, text)).model_dump(mode="json"), sort_keys=True) for name, text in cards]


def test_reports_are_those_of_plain_re() -> None:
    cards = [(p.parent.name, p.read_text(encoding="utf-8")) for p in RULE_CASES]
    assert len(cards) >= 20
    assert reports(cards, True) == reports(cards, False)


@pytest.mark.shared
def test_reports_on_real_cards_are_those_of_plain_re() -> None:
    folder = shared_path("fixtures", "cards")
    corpus = sorted(shared_path("corpus", "cards").glob("*.md"))[::20]
    cards = [(p.stem, p.read_text(encoding="utf-8", errors="replace")) for p in [*sorted(folder.glob("*.md")), *corpus]]
    assert reports(cards, True) == reports(cards, False)


def test_without_hyperscan_every_pattern_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(prefilter, "_hs", None)  # the library's own fallback, as on a platform without wheels
    index = PatternIndex()
    pattern = TextPattern(r"weights\s+are", index)
    assert index.filtered == 0
    text = "the weights  are open"
    assert prefiltered(pattern, index, text) == spans(pattern, text)
    assert sys.modules["openness.engine.scan.prefilter"] is prefilter
