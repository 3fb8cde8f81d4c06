"""Facts about one release, computed once and shared by every rule."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from openness.datasets import Dataset, DatasetCatalogue
from openness.models import Release, Section


@dataclass
class DatasetMention:
    """A training dataset the release names, and the catalogue entry when we know it."""

    name: str
    where: str
    entry: Dataset | None


@dataclass
class Facts:
    release: Release
    catalogue: DatasetCatalogue
    _line_starts: list[int] = field(default_factory=list, init=False, repr=False)

    @cached_property
    def text(self) -> str:
        return self.release.card_text

    @cached_property
    def file_basenames(self) -> list[tuple[str, str]]:
        return [(f, f.rsplit("/", 1)[-1]) for f in self.release.files]

    def line_of(self, offset: int) -> int:
        """1-based card line of a character offset in the body."""
        if not self._line_starts:
            starts = [0]
            text = self.text
            pos = text.find("\n")
            while pos != -1:
                starts.append(pos + 1)
                pos = text.find("\n", pos + 1)
            self._line_starts = starts
        lo, hi = 0, len(self._line_starts) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self._line_starts[mid] <= offset:
                lo = mid
            else:
                hi = mid - 1
        return self.release.card_body_line + lo

    def metadata_values(self, path: str) -> list[Any]:
        """Values at a dotted key path; lists along the path are searched element-wise."""
        current: list[Any] = [self.release.metadata]
        for part in path.split("."):
            nxt: list[Any] = []
            for item in current:
                if isinstance(item, dict) and part in item:
                    value = item[part]
                    nxt.extend(value if isinstance(value, list) else [value])
                elif isinstance(item, list):
                    nxt.extend(v[part] for v in item if isinstance(v, dict) and part in v)
            current = nxt
        return [v for v in current if v is not None]

    def sections_matching(self, heading: Any) -> list[Section]:
        """Sections whose heading matches a compiled pattern, with their sub-sections."""
        out: list[Section] = []
        level_open: int | None = None
        for s in self.release.sections:
            if level_open is not None and s.level > level_open:
                out.append(s)
                continue
            level_open = None
            if s.heading and heading.search(s.heading):
                out.append(s)
                level_open = s.level
        return out

    @cached_property
    def datasets(self) -> list[DatasetMention]:
        """Training datasets named in metadata, dataset links and (by catalogue alias) the text."""
        mentions: list[DatasetMention] = []
        seen: set[str] = set()
        for ds in self.release.datasets:
            entry = self.catalogue.by_hub_id(ds)
            key = entry.id if entry else ds.lower()
            if key not in seen:
                seen.add(key)
                mentions.append(DatasetMention(ds, f"metadata:datasets={ds}", entry))
        for entry, words, offset in self.catalogue.mentioned_in(self.text):
            if entry.id not in seen:
                seen.add(entry.id)
                mentions.append(DatasetMention(words, f"card:line {self.line_of(offset)}", entry))
        return mentions
