"""One bounded way to fetch what a reader needs: allow-listed hosts, caps, deadlines, pacing.

Readers of linked sources (arXiv, GitHub) go through :class:`Fetcher`, never through ``requests``
directly, so every request they make has the same guarantees: only the configured base URLs (and
redirects that stay on them) are contacted; a body larger than the cap is refused, never stored; a
request that takes longer than its deadline is abandoned; requests to one host are spaced by the
host's published pacing (arXiv asks for a few seconds); and a failure is a typed error whose message
never carries a credential.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import requests

from openness import deadline as target_deadline
from openness.errors import SourceError

USER_AGENT = "openness (https://github.com/openness; linked-source reader)"


class FetchError(SourceError):
    """A linked source could not be read; ``reason`` is short enough for an evidence line."""

    def __init__(self, reason: str, status: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status


@dataclass(frozen=True)
class Response:
    status: int
    body: bytes
    headers: Mapping[str, str]
    url: str

    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


@dataclass
class Fetcher:
    """GETs below ``allowed`` base URLs only, with a size cap, a deadline and per-host pacing."""

    allowed: tuple[str, ...]
    max_bytes: int = 4_000_000
    timeout: float = 10.0  # connect and each read
    deadline: float = 30.0  # the whole request, body included
    pacing: Mapping[str, float] = field(default_factory=dict)  # host[:port] -> seconds between requests
    max_redirects: int = 3
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    session: requests.Session = field(default_factory=requests.Session)
    _last: dict[str, float] = field(default_factory=dict, init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    def __post_init__(self) -> None:
        self.session.headers["User-Agent"] = USER_AGENT

    def is_allowed(self, url: str) -> bool:
        """Same scheme, host and port as an allowed base, and a path at or below its path."""
        u = urlsplit(url)
        for base in self.allowed:
            b = urlsplit(base)
            prefix = b.path.rstrip("/")
            if (u.scheme, u.netloc.lower()) == (b.scheme, b.netloc.lower()) and (u.path == prefix or u.path.startswith(prefix + "/")):
                return True
        return False

    def get(self, url: str, headers: Mapping[str, str] | None = None) -> Response:
        """The response to ``url`` (any status); :class:`FetchError` when it cannot be had within the limits."""
        for _ in range(self.max_redirects + 1):
            if not self.is_allowed(url):
                raise FetchError(f"not on the allow-list: {urlsplit(url).netloc or url}")
            response = self._get_once(url, headers or {})
            if response.status in (301, 302, 303, 307, 308) and "location" in response.headers:
                url = urljoin(url, response.headers["location"])
                continue
            return response
        raise FetchError("too many redirects")

    def _pace(self, host: str) -> None:
        gap = self.pacing.get(host, 0.0)
        with self._lock:
            now = self.clock()
            wait = self._last.get(host, -1e18) + gap - now
            self._last[host] = now + max(wait, 0.0)
        if wait > 0:
            self.sleep(wait)

    def _get_once(self, url: str, headers: Mapping[str, str]) -> Response:
        host = urlsplit(url).netloc
        self._pace(host)
        target_deadline.check(f"reading {host}")  # the target's total deadline (openness.deadline) bounds this wait too
        started = self.clock()
        try:
            with (
                target_deadline.waiting(f"{host}"),
                self.session.get(
                    url, headers=dict(headers), timeout=target_deadline.timeout(self.timeout), stream=True, allow_redirects=False
                ) as r,
            ):
                declared = r.headers.get("content-length", "")
                if declared.isdigit() and int(declared) > self.max_bytes:
                    raise FetchError(f"answer larger than {self.max_bytes:,} bytes", r.status_code)
                chunks, size = [], 0
                for chunk in r.iter_content(65_536):
                    size += len(chunk)
                    if size > self.max_bytes:
                        raise FetchError(f"answer larger than {self.max_bytes:,} bytes", r.status_code)
                    if self.clock() - started > self.deadline:
                        raise FetchError(f"no complete answer within {self.deadline:g} s", r.status_code)
                    target_deadline.check(f"reading {host}")
                    chunks.append(chunk)
                return Response(r.status_code, b"".join(chunks), {k.lower(): v for k, v in r.headers.items()}, url)
        except requests.Timeout:
            raise FetchError(f"{host}: timed out") from None
        except requests.RequestException as exc:
            raise FetchError(f"{host}: connection problem ({type(exc).__name__})") from None
