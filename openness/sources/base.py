"""The source seam: where a release comes from (a local directory, the Hugging Face Hub, ...)."""

from __future__ import annotations

from typing import Protocol

from openness.models import Release


class Source(Protocol):
    """Turns a target (path, model id) into a :class:`Release`, or raises an ``OpennessError``."""

    name: str

    def handles(self, target: str) -> bool:
        """Whether this source recognises ``target``."""

    def remote(self, target: str) -> bool:
        """Whether reading ``target`` waits on the network (a batch runs only such targets on threads)."""

    def fetch(self, target: str) -> Release:
        """Read the release; raise ``InputError``/``NotFoundError``/``SourceError`` on failure."""
