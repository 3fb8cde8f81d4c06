"""What shapes an audit, and the one place the environment is read for it.

A leaf module (it imports nothing else of the package), so sources, the pipeline and the CLI can
all depend on it. The CLI passes the options given on the command line to
:meth:`AuditSettings.from_env`, which fills the rest from the environment; library callers that
build an :class:`AuditSettings` themselves get exactly what they wrote, the environment unread.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_ENDPOINT = "https://huggingface.co"
DEFAULT_DEADLINE = 120.0  # seconds of network waits per target, all its requests and retries together
DEFAULT_GITHUB_RAW = "https://raw.githubusercontent.com"
DEFAULT_ARXIV = "https://arxiv.org"

# Each setting read from the environment, and the variables that give it (the first one set wins).
ENV_ENDPOINT = ("OPENNESS_ENDPOINT", "HF_ENDPOINT")
ENV_TOKEN = ("OPENNESS_TOKEN", "HF_TOKEN")
ENV_OFFLINE = ("OPENNESS_OFFLINE", "HF_HUB_OFFLINE")
ENV_CACHE = ("OPENNESS_CACHE",)
ENV_FOLLOW_LINKS = ("OPENNESS_FOLLOW_LINKS",)
ENV_GITHUB_RAW = ("OPENNESS_GITHUB_RAW_URL",)
ENV_ARXIV = ("OPENNESS_ARXIV_URL",)

_TRUE = ("1", "true", "yes", "on", "y", "t")


def _first(environ: Mapping[str, str], names: tuple[str, ...]) -> str | None:
    for name in names:
        value = environ.get(name, "").strip()
        if value:
            return value
    return None


def _true(environ: Mapping[str, str], names: tuple[str, ...]) -> bool:
    value = _first(environ, names)
    return value is not None and value.lower() in _TRUE


@dataclass
class AuditSettings:
    """Everything that shapes an audit: rules, where releases come from and how, output detail."""

    rules_dirs: list[Path] = field(default_factory=list)
    endpoint: str | None = None  # None: DEFAULT_ENDPOINT
    token: str | None = field(default=None, repr=False)
    offline: bool = False
    cache_path: Path | None = None  # None: the user cache (openness.cache.default_cache_path)
    concurrency: int = 4
    follow_links: bool = False
    explain: bool = False
    github_raw: str = DEFAULT_GITHUB_RAW  # where --follow-links reads GitHub files and arXiv pages
    arxiv: str = DEFAULT_ARXIV
    frameworks: list[str] = field(default_factory=list)  # framework ids (or 'all') each report is also judged by
    deadline: float | None = DEFAULT_DEADLINE  # seconds of network waits per target, all requests and retries together

    @classmethod
    def from_env(
        cls,
        environ: Mapping[str, str] | None = None,
        *,
        rules_dirs: list[Path] | None = None,
        endpoint: str | None = None,
        token: str | None = None,
        offline: bool = False,
        cache_path: Path | None = None,
        concurrency: int = 4,
        follow_links: bool = False,
        explain: bool = False,
        frameworks: list[str] | None = None,
        deadline: float | None = DEFAULT_DEADLINE,
    ) -> AuditSettings:
        """The given values, and the environment (``os.environ`` by default) for those not given
        (``None``, or ``False`` for a switch): ``OPENNESS_ENDPOINT``/``HF_ENDPOINT``,
        ``OPENNESS_TOKEN``/``HF_TOKEN``, ``OPENNESS_OFFLINE``/``HF_HUB_OFFLINE``, ``OPENNESS_CACHE``,
        ``OPENNESS_FOLLOW_LINKS``, ``OPENNESS_GITHUB_RAW_URL``, ``OPENNESS_ARXIV_URL``."""
        env = os.environ if environ is None else environ
        cache = _first(env, ENV_CACHE)
        return cls(
            rules_dirs=list(rules_dirs or []),
            endpoint=endpoint or _first(env, ENV_ENDPOINT),
            token=token or _first(env, ENV_TOKEN),
            offline=offline or _true(env, ENV_OFFLINE),
            cache_path=cache_path or (Path(cache) if cache else None),
            concurrency=concurrency,
            follow_links=follow_links or _true(env, ENV_FOLLOW_LINKS),
            explain=explain,
            github_raw=_first(env, ENV_GITHUB_RAW) or DEFAULT_GITHUB_RAW,
            arxiv=_first(env, ENV_ARXIV) or DEFAULT_ARXIV,
            frameworks=list(frameworks or []),
            deadline=deadline,
        )
