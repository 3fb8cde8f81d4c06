"""What shapes an audit, and the one place the environment is read for it.

A leaf module (it imports nothing else of the package), so sources, the pipeline and the CLI can
all depend on it. The CLI passes the options given on the command line to
:meth:`AuditSettings.from_env`, which fills the rest from the environment; library callers that
build an :class:`AuditSettings` themselves get exactly what they wrote, the environment unread.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
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
# The evidence stage's readers of linked sources (papers on arXiv, repositories on GitHub).
DEFAULT_ARXIV_API = "https://export.arxiv.org/api/query"
DEFAULT_ARXIV_HTML = "https://arxiv.org/html"
DEFAULT_AR5IV = "https://ar5iv.labs.arxiv.org/html"
DEFAULT_GITHUB_API = "https://api.github.com"
ENV_NO_READ_LINKS = ("OPENNESS_NO_READ_LINKS",)
ENV_ARXIV_API = ("OPENNESS_ARXIV_API_URL",)
ENV_ARXIV_HTML = ("OPENNESS_ARXIV_HTML_URL",)
ENV_AR5IV = ("OPENNESS_AR5IV_URL",)
ENV_GITHUB_API = ("OPENNESS_GITHUB_API_URL",)
ENV_GITHUB_TOKEN = ("OPENNESS_GITHUB_TOKEN", "GITHUB_TOKEN")
ENV_ARXIV_PACING = ("OPENNESS_ARXIV_PACING",)
DEFAULT_ARXIV_PACING = 3.0  # seconds between requests to arXiv, as arXiv's API terms ask

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


def _seconds(value: str | None, default: float) -> float:
    try:
        return max(0.0, float(value)) if value is not None else default
    except ValueError:
        return default


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
    release_id: str | None = None  # --id: the model id of a local target whose layout does not say it
    notify: Callable[[str], None] | None = field(default=None, repr=False)  # notes for a person (stderr in the CLI)
    read_links: bool = True  # online: read the papers and repositories a card links (evidence stage)
    arxiv_api: str = DEFAULT_ARXIV_API
    arxiv_html: str = DEFAULT_ARXIV_HTML
    ar5iv: str = DEFAULT_AR5IV
    github_api: str = DEFAULT_GITHUB_API
    github_token: str | None = field(default=None, repr=False)  # never printed, logged, cached or echoed
    arxiv_pacing: float = DEFAULT_ARXIV_PACING
    readers_cache: Path | None = None  # None: $XDG_CACHE_HOME/openness/readers.sqlite

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
        read_links: bool = True,
    ) -> AuditSettings:
        """The given values, and the environment (``os.environ`` by default) for those not given
        (``None``, or ``False`` for a switch): ``OPENNESS_ENDPOINT``/``HF_ENDPOINT``,
        ``OPENNESS_TOKEN``/``HF_TOKEN``, ``OPENNESS_OFFLINE``/``HF_HUB_OFFLINE``, ``OPENNESS_CACHE``,
        ``OPENNESS_FOLLOW_LINKS``, ``OPENNESS_GITHUB_RAW_URL``, ``OPENNESS_ARXIV_URL``; for the readers
        of linked sources ``OPENNESS_NO_READ_LINKS``, ``OPENNESS_ARXIV_API_URL``, ``OPENNESS_ARXIV_HTML_URL``,
        ``OPENNESS_AR5IV_URL``, ``OPENNESS_ARXIV_PACING``, ``OPENNESS_GITHUB_API_URL``, ``OPENNESS_GITHUB_TOKEN``/``GITHUB_TOKEN``."""
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
            read_links=read_links and not _true(env, ENV_NO_READ_LINKS),
            arxiv_api=_first(env, ENV_ARXIV_API) or DEFAULT_ARXIV_API,
            arxiv_html=_first(env, ENV_ARXIV_HTML) or DEFAULT_ARXIV_HTML,
            ar5iv=_first(env, ENV_AR5IV) or DEFAULT_AR5IV,
            github_api=_first(env, ENV_GITHUB_API) or DEFAULT_GITHUB_API,
            github_token=_first(env, ENV_GITHUB_TOKEN),
            arxiv_pacing=_seconds(_first(env, ENV_ARXIV_PACING), DEFAULT_ARXIV_PACING),
        )
