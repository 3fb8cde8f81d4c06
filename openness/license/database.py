"""The licence database: one YAML file per licence under ``rules/licenses/``, validated on load.

Adding a licence is adding a file: its Hub ids, names, fingerprints and terms are all data.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, TypeAdapter, ValidationError, field_validator, model_validator

from openness.errors import DataError
from openness.license.models import Category, LicenseTerm
from openness.license.normalize import tokens
from openness.memo import Memo
from openness.resources import data_dir
from openness.yamlio import format_validation_error, load_yaml_file

CLAUSE_MAX = 200
MIN_FINGERPRINT_WORDS = 3
_ID = re.compile(r"^[a-z0-9][a-z0-9.+_-]*$")

# Terms whose presence makes a licence restrictive for an adopter (see docs/licenses.md).
RESTRICTIVE_TERMS = frozenset(
    {
        "mau_cap",
        "revenue_cap",
        "non_commercial",
        "research_only",
        "acceptable_use_policy",
        "no_training_other_models",
        "territory_exclusions",
        "gated",
        "field_of_use_restrictions",
    }
)


def _check_term_value(term: LicenseTerm) -> None:
    """Each term type carries a value of a known shape; say which when it does not."""
    v = term.value
    if term.type == "mau_cap" and not (isinstance(v, int) and not isinstance(v, bool) and v > 0):
        raise ValueError("mau_cap value must be a positive whole number of monthly active users")
    if term.type == "revenue_cap" and not (
        isinstance(v, dict) and isinstance(v.get("amount"), (int, float)) and isinstance(v.get("currency"), str)
    ):
        raise ValueError("revenue_cap value must be {amount: NUMBER, currency: CODE}")
    if term.type == "territory_exclusions" and not (isinstance(v, list) and v and all(isinstance(x, str) for x in v)):
        raise ValueError("territory_exclusions value must be a non-empty list of territory codes")
    if len(term.clause) > CLAUSE_MAX:
        raise ValueError(f"clause is {len(term.clause)} characters; quote at most {CLAUSE_MAX}")


_TERMS = TypeAdapter(list[LicenseTerm])
LINK_CACHE = 4_096  # URLs whose licence by_link remembers (per database, so per worker)


class LicenseEntry(BaseModel):
    """One licence: how to recognise it and the terms that bind whoever adopts it."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(description="database id, usually the Hub licence id, e.g. 'llama3.1'")
    name: str
    hub_ids: list[str] = Field(description="values of the card's `license` field that mean this licence")
    license_names: list[str] = Field(default_factory=list, description="values of `license_name` (with `license: other`)")
    link_patterns: list[str] = Field(default_factory=list, description="substrings of a `license_link` URL that mean this licence")
    spdx: str = Field(description="SPDX id, or a LicenseRef- id for licences SPDX does not list")
    version: str | None
    date: str | None = Field(default=None, description="release or last-modified date of this text")
    osi_approved: bool
    family: str
    category: Category
    url: str = Field(description="canonical text")
    fingerprints: list[str] = Field(description="short distinctive phrases; every one is expected in the text")
    policy_fingerprints: list[str] = Field(default_factory=list, description="phrases of the companion acceptable-use policy")
    terms: list[LicenseTerm]
    fixture: str | None = Field(default=None, description="file in ../shared/fixtures/licenses/ the clauses were checked against")
    text_checked: bool = Field(
        default=True, description="False: terms written from the licence's public text as known, not checked against a copy"
    )
    notes: str = ""
    _path: Path | None = PrivateAttr(default=None)
    _terms_json: bytes | None = PrivateAttr(default=None)

    @property
    def path(self) -> Path | None:
        """The file the entry was read from."""
        return self._path

    def fresh_terms(self) -> list[LicenseTerm]:
        """A new copy of the terms, nested values included (a report's terms are its own to change).

        Rebuilt from the terms' JSON, made once: several times cheaper than a deep copy.
        """
        if self._terms_json is None:
            self._terms_json = _TERMS.dump_json(self.terms)
        return _TERMS.validate_json(self._terms_json)

    @field_validator("id")
    @classmethod
    def _id_shape(cls, v: str) -> str:
        if not _ID.match(v):
            raise ValueError("id must be lower-case letters, digits and . + _ -")
        return v

    @field_validator("spdx")
    @classmethod
    def _spdx_shape(cls, v: str) -> str:
        if not re.match(r"^(LicenseRef-)?[A-Za-z0-9.+-]+$", v):
            raise ValueError("spdx must be an SPDX id or LicenseRef-<id>")
        return v

    @field_validator("fingerprints", "policy_fingerprints")
    @classmethod
    def _fingerprint_shape(cls, v: list[str]) -> list[str]:
        for phrase in v:
            if len(tokens(phrase).split()) < MIN_FINGERPRINT_WORDS:
                raise ValueError(f"fingerprint {phrase!r} is too short to be distinctive (under {MIN_FINGERPRINT_WORDS} words)")
        return v

    @model_validator(mode="after")
    def _terms_shape(self) -> LicenseEntry:
        for i, term in enumerate(self.terms):
            if term.source:
                raise ValueError(f"terms.{i}.source is set at audit time; leave it out")
            try:
                _check_term_value(term)
            except ValueError as exc:
                raise ValueError(f"terms.{i} ({term.type}): {exc}") from None
        return self

    @property
    def token_fingerprints(self) -> tuple[str, ...]:
        return tuple(tokens(p) for p in self.fingerprints)

    @property
    def token_policy_fingerprints(self) -> tuple[str, ...]:
        return tuple(tokens(p) for p in self.policy_fingerprints)

    def term_types(self) -> list[str]:
        """Distinct term types, in file order."""
        return list(dict.fromkeys(t.type for t in self.terms))

    def is_restrictive(self) -> bool:
        return any(t.type in RESTRICTIVE_TERMS for t in self.terms) or self.category in (
            "open-rail",
            "community",
            "non-commercial",
            "research-only",
            "proprietary",
        )


def load_entry(path: Path) -> LicenseEntry:
    """Read and validate one licence file; errors name the file and the key."""
    raw: Any = load_yaml_file(path)
    if not isinstance(raw, dict):
        raise DataError(f"{path}: a licence file must be a mapping of keys to values")
    try:
        entry = LicenseEntry.model_validate(raw)
    except ValidationError as exc:
        raise DataError(format_validation_error(str(path), exc)) from None
    entry._path = path
    return entry


class LicenseDatabase:
    """All known licences, indexed by id, Hub id, SPDX id, licence name and link."""

    def __init__(self, entries: Iterable[LicenseEntry]) -> None:
        self._entries: dict[str, LicenseEntry] = {}
        self._by_key: dict[str, LicenseEntry] = {}
        self._by_name: dict[str, list[LicenseEntry]] = {}
        for entry in entries:
            where = str(entry.path or entry.id)
            if entry.id in self._entries:
                raise DataError(f"{where}: id: duplicate licence id {entry.id!r}")
            self._entries[entry.id] = entry
        for entry in self._entries.values():
            where = str(entry.path or entry.id)
            for key in dict.fromkeys([entry.id.lower(), *(h.lower() for h in entry.hub_ids)]):
                other = self._by_key.get(key)
                if other is not None and other.id != entry.id:
                    raise DataError(f"{where}: hub_ids: {key!r} is already a Hub id of {other.id!r}")
                self._by_key[key] = entry
            for name in entry.license_names:
                self._by_name.setdefault(name.lower(), []).append(entry)
        self._by_spdx = {e.spdx.lower(): e for e in self._entries.values()}
        # Longest pattern first; among equal lengths, the first entry (a stable sort keeps the order).
        patterns = [(pattern.lower(), e) for e in self._entries.values() for pattern in e.link_patterns]
        self._link_patterns = sorted(patterns, key=lambda pe: -len(pe[0]))
        self._by_url: Memo[str, LicenseEntry | None] = Memo(self._by_link, LINK_CACHE)  # links repeat across cards (templates)
        # Normalised once: (entry, licence phrases, use-policy phrases), in id order.
        self.fingerprint_index: list[tuple[LicenseEntry, tuple[str, ...], tuple[str, ...]]] = [
            (e, e.token_fingerprints, e.token_policy_fingerprints) for e in self.all()
        ]

    @classmethod
    def load(cls, directory: Path | None = None) -> LicenseDatabase:
        """The bundled database (loaded once), or the one in ``directory``."""
        if directory is None:
            return _bundled()
        return cls.from_directory(directory)

    @classmethod
    def from_directory(cls, directory: Path) -> LicenseDatabase:
        if not directory.is_dir():
            raise DataError(f"{directory}: licence directory not found")
        return cls(load_entry(p) for p in sorted(directory.glob("*.yaml")))

    def all(self) -> list[LicenseEntry]:
        """Every entry, sorted by id."""
        return sorted(self._entries.values(), key=lambda e: e.id)

    def get(self, key: str) -> LicenseEntry | None:
        """By database id, Hub id or SPDX id (case-insensitive)."""
        k = key.strip().lower()
        return self._entries.get(key) or self._by_key.get(k) or self._by_spdx.get(k)

    def by_license_name(self, name: str) -> list[LicenseEntry]:
        """Entries a `license_name` value may mean, best first (several when variants share a name)."""
        k = name.strip().lower()
        found = list(self._by_name.get(k, []))
        exact = self.get(k)
        if exact is not None and exact not in found:
            found.insert(0, exact)
        found.sort(key=lambda e: e.id != k)
        return found

    def by_link(self, url: str) -> LicenseEntry | None:
        """The entry whose link pattern occurs in ``url`` (longest pattern wins)."""
        return self._by_url(url)

    def _by_link(self, url: str) -> LicenseEntry | None:
        u = url.strip().lower()
        return next((entry for pattern, entry in self._link_patterns if pattern in u), None)

    def known_ids(self) -> frozenset[str]:
        """Every id, Hub id, SPDX id and licence name, lower-cased (what a policy or registry may cite)."""
        ids: set[str] = set()
        for entry in self._entries.values():
            ids.update(x.lower() for x in (entry.id, entry.spdx, *entry.hub_ids, *entry.license_names))
        return frozenset(ids)

    def __len__(self) -> int:
        return len(self._entries)


@lru_cache(maxsize=1)
def _bundled() -> LicenseDatabase:
    return LicenseDatabase.from_directory(data_dir("rules") / "licenses")
