"""Checks links outside the Hub, for an allow-list of hosts only: GitHub repositories and arXiv papers.

A code link counts as verified when the repository's README can be read raw; an arXiv link when
its abstract page answers. Requests go through ``requests`` with a timeout and a size cap; the
base URLs are options so tests can point them at loopback. Nothing else is ever fetched.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import requests

from openness import deadline
from openness.models import Link, LinkStatus

_GITHUB = re.compile(r"^https?://(?:www\.)?github\.com/([\w.\-]+)/([\w.\-]+)", re.I)
_ARXIV_ID = re.compile(r"^(\d{4}\.\d{4,5}|[a-z\-]+/\d{7})$", re.I)
MAX_LINKS = 6
MAX_REDIRECTS = 3


@dataclass
class WebOptions:
    github_raw: str = "https://raw.githubusercontent.com"
    arxiv: str = "https://arxiv.org"
    timeout: float = 10.0
    max_bytes: int = 512_000


class LinkChecker:
    """Sets ``Link.status`` to reachable / not_found / unreachable for allow-listed links."""

    def __init__(self, options: WebOptions | None = None) -> None:
        self.options = options or WebOptions()
        self.session = requests.Session()
        self.session.headers["User-Agent"] = "openness-link-check"
        self.down: dict[str, str] = {}  # host -> why: a host that failed once is not asked again (circuit breaker)

    def url_for(self, link: Link) -> str | None:
        """The one URL to fetch for ``link``, or ``None`` when its host is not on the allow-list."""
        if link.kind == "code" and (m := _GITHUB.match(link.url)):
            repo = m.group(2).removesuffix(".git")
            return f"{self.options.github_raw.rstrip('/')}/{m.group(1)}/{repo}/HEAD/README.md"
        if link.kind == "arxiv" and _ARXIV_ID.match(link.target):
            return f"{self.options.arxiv.rstrip('/')}/abs/{link.target}"
        return None

    def check(self, links: list[Link]) -> None:
        """Check up to ``MAX_LINKS`` allow-listed links in place."""
        for link in [lk for lk in links if self.url_for(lk)][:MAX_LINKS]:
            link.status = self._status(self.url_for(link) or "")

    def _status(self, url: str) -> LinkStatus:
        """Fetch ``url`` within the target's deadline; redirects only to the same host and port."""
        origin = urlsplit(url)[:2]
        if origin[1] in self.down:
            return "unreachable"
        try:
            with deadline.waiting(f"link check {url}"):
                for _ in range(MAX_REDIRECTS + 1):
                    deadline.check(f"checking {url}")
                    timeout = deadline.timeout(self.options.timeout)
                    with self.session.get(url, timeout=timeout, stream=True, allow_redirects=False) as r:
                        if r.is_redirect:
                            url = urljoin(url, r.headers.get("Location", ""))
                            if urlsplit(url)[:2] != origin:
                                return "unreachable"  # another host: not on the allow-list, not followed
                            continue
                        if r.status_code == 404:
                            return "not_found"
                        if r.status_code != 200:
                            return "unreachable"
                        size = 0
                        for chunk in r.iter_content(16_384):
                            deadline.check(f"checking {url}")
                            size += len(chunk)
                            if size > self.options.max_bytes:
                                break
                        return "reachable"
                return "unreachable"  # a redirect loop
        except (requests.RequestException, deadline.DeadlineError) as exc:
            self.down[origin[1]] = type(exc).__name__
            return "unreachable"
