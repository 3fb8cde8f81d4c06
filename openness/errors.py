"""Typed errors raised by the library; the CLI alone turns them into exit codes."""

from __future__ import annotations


class OpennessError(Exception):
    """Base class: a problem the user can act on, with a one-line message (secrets redacted)."""

    def __init__(self, *args: object) -> None:
        from openness.redact import redact

        super().__init__(*(redact(a) if isinstance(a, str) else a for a in args))


class InputError(OpennessError):
    """A path, id or file the user gave cannot be used."""


class NotFoundError(InputError):
    """The model, revision or file does not exist."""


class AccessError(OpennessError):
    """The source refused access (gated, private, bad token)."""


class SourceError(OpennessError):
    """The source failed (network, server error, malformed response) after bounded retries."""


class DataError(OpennessError):
    """A data file (registry, licence database, clause rules, frameworks, scenarios, any YAML read) is
    malformed; the message names the file and key."""


class RuleError(DataError):
    """A rule file is malformed; the message names the file, rule and key."""


class PolicyError(OpennessError):
    """A policy file is malformed; the message names the key."""


class NotCachedError(SourceError):
    """Offline, and the local cache has never seen this model: nothing to read, nothing failed."""
