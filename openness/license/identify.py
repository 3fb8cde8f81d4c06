"""Identify a licence text against the database by its fingerprints, with a confidence.

Every entry lists short distinctive phrases. The text is normalised once (see
:mod:`openness.license.normalize`) and each phrase is a plain substring check, so one text costs a
few hundred ``in`` tests. An entry's score is the share of its phrases found; close versions
(Llama 3 / 3.1 / 3.2 / 3.3 / 4) differ in at least one phrase, so the right one scores highest.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal

from openness.license.clauses import detect_terms
from openness.license.database import LicenseDatabase, LicenseEntry
from openness.license.models import LicenseTerm
from openness.license.normalize import plain, tokens_of_plain

MIN_SCORE = 0.6  # more than half of an entry's phrases
AMBIGUITY_PENALTY = 0.6

Part = Literal["license", "use-policy", "unknown"]


@dataclass(frozen=True)
class TextMatch:
    """What a text is: a database entry (or None), how sure we are, and why."""

    entry: LicenseEntry | None
    confidence: float
    evidence: list[str] = field(default_factory=list)
    part: Part = "unknown"
    terms: list[LicenseTerm] = field(default_factory=list)  # generic clause detection, unrecognised texts only

    def __iter__(self) -> Iterator[object]:
        """Unpacks as ``entry, confidence, evidence``."""
        return iter((self.entry, self.confidence, self.evidence))


@lru_cache(maxsize=8192)
def _words(phrase: str) -> frozenset[str]:
    return frozenset(phrase.split())


def _score(text: str, words: set[str], phrases: tuple[str, ...]) -> tuple[int, list[str]]:
    """Phrases found in ``text``; a phrase with a word the text lacks is skipped before the substring search."""
    hits = [p for p in phrases if _words(p) <= words and p in text]
    return len(hits), hits


def identify_text(text: str, db: LicenseDatabase) -> TextMatch:
    """Which licence (or companion use policy) ``text`` is; unrecognised texts get generic terms."""
    flat = plain(text)
    norm = tokens_of_plain(flat)
    if len(norm.split()) < 3:
        return TextMatch(None, 0.0, ["text is empty or too short to identify"], "unknown")
    words = set(norm.split())
    ranked: list[tuple[float, int, Part, LicenseEntry, list[str], int]] = []
    for entry, licence_phrases, policy_phrases in db.fingerprint_index:
        parts: tuple[tuple[Part, tuple[str, ...]], ...] = (("license", licence_phrases), ("use-policy", policy_phrases))
        for part, phrases in parts:
            if not phrases:
                continue
            n, hits = _score(norm, words, phrases)
            if n:
                ranked.append((n / len(phrases), n, part, entry, hits, len(phrases)))
    # Best score first; then more phrases matched; then a licence over a policy.
    ranked.sort(key=lambda r: (-r[0], -r[1], r[2] != "license", r[3].id))
    if not ranked or ranked[0][0] < MIN_SCORE:
        evidence = ["no fingerprint set matched"]
        if ranked:
            score, n, part, entry, _, _ = ranked[0]
            evidence = [f"closest: {entry.id} ({part}) with {n} phrase(s), score {score:.2f} < {MIN_SCORE}"]
        return TextMatch(None, 0.0, evidence, "unknown", detect_terms(text))
    score, n, part, entry, hits, total = ranked[0]
    confidence = score
    evidence = [f"{n}/{total} fingerprint phrase(s) of {entry.id}{' use policy' if part == 'use-policy' else ''} found"]
    evidence += [f"phrase: '{h.strip()}'" for h in hits[:3]]
    rivals = [r for r in ranked[1:] if r[0] == score and r[1] == n and r[3].id != entry.id]
    if rivals:
        confidence *= AMBIGUITY_PENALTY
        evidence.append("as good a match: " + ", ".join(r[3].id for r in rivals[:3]))
    elif len(ranked) > 1 and ranked[1][3].id != entry.id:
        evidence.append(f"runner-up: {ranked[1][3].id} (score {ranked[1][0]:.2f})")
    return TextMatch(entry, round(confidence, 3), evidence, part)
