"""Readers of the sources a release links to, behind one interface (:mod:`openness.evidence.base`)."""

from __future__ import annotations

from openness.evidence.base import EvidenceReader
from openness.settings import AuditSettings


def readers_for(settings: AuditSettings) -> list[EvidenceReader]:
    """The evidence readers an audit with these settings runs: none offline (nothing can be read),
    and none registered yet online (add each reader here, built from ``settings``)."""
    if settings.offline:
        return []
    return []
