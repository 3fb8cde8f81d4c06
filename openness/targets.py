"""What a batch command works through: targets given, read from a list file, or found by a code scan."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from openness.scan import Location, ScanProblem, ScanResult, scan_path

_COMMENT = re.compile(r"(?:^|\s)#.*$")


def read_target_lines(lines: Iterable[str]) -> list[tuple[str, int]]:
    """Targets of a list file with their line numbers: one per line; blank lines and comments
    ('#' at the start of a line or after a space) skipped. The same rule for every command."""
    out = []
    for n, line in enumerate(lines, 1):
        target = _COMMENT.sub("", line).strip()
        if target:
            out.append((target, n))
    return out


@dataclass
class Targets:
    """Targets in order (duplicates merged), where each was referenced, and what the scan saw."""

    targets: list[str] = field(default_factory=list)
    locations: dict[str, list[Location]] = field(default_factory=dict)
    scan: ScanResult | None = None  # None: nothing was scanned

    @property
    def problems(self) -> list[ScanProblem]:
        """The files the scan skipped, and why."""
        return list(self.scan.problems) if self.scan is not None else []


def gather_targets(
    given: Sequence[str], list_file: Iterable[str] | None = None, list_name: str = "-", scan_paths: Sequence[Path] = ()
) -> Targets:
    """The targets ``given``, then those of ``list_file`` (named ``list_name`` in their locations), then
    the model ids the code under ``scan_paths`` loads; a target named twice is checked once, with
    every place it was named."""
    locations: dict[str, list[Location]] = {m: [] for m in given}
    if list_file is not None:
        for target, n in read_target_lines(list_file):
            locations.setdefault(target, []).append(Location(path=list_name, line=n, via="from-file"))
    scanned = scan_path(*scan_paths) if scan_paths else None
    if scanned is not None:
        for ref in scanned.references:
            locations.setdefault(ref.model, []).extend(ref.locations)
    return Targets(list(locations), locations, scanned)
