"""A fake arXiv and a fake GitHub REST API on 127.0.0.1, for the readers of linked sources.

arXiv routes, in the real services' formats: ``GET /api/query?id_list=ID`` (the export API's Atom
feed; an unknown id gets arXiv's error entry), ``GET /html/ID`` (the LaTeXML rendering; 404 when
there is none) and ``GET /ar5iv/html/ID`` (the ar5iv fallback). GitHub routes:
``GET /repos/{owner}/{repo}`` and ``GET /repos/{owner}/{repo}/git/trees/{ref}?recursive=1``, with
GitHub's rate-limit headers and its 404 and rate-limit (403, remaining 0) answers.

Data: ``tests/fixtures/linked/arxiv/{id}.atom.xml`` and ``{id}{version}.html``;
``tests/fixtures/linked/github/{owner}__{repo}/{repo,tree}.json``. ``GET /redirect?to=URL`` answers 302.
Every request is recorded.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "linked"


class FakeLinked:
    def __init__(self, rate_limit: int = 60) -> None:
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.remaining = rate_limit
        self.rate_limit = rate_limit
        self.html_missing: set[str] = set()  # ids whose /html/ rendering answers 404
        self.delay = 0.0
        self._server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> FakeLinked:
        fake = self

        class Handler(_Handler):
            owner = fake

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def count(self, prefix: str = "") -> int:
        return sum(1 for path, _ in self.requests if path.startswith(prefix))


class _Handler(BaseHTTPRequestHandler):
    owner: FakeLinked

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet."""

    def _send(self, status: int, body: bytes, content_type: str, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        self.owner.requests.append((parts.path, {k.lower(): v for k, v in self.headers.items()}))
        if self.owner.delay:
            time.sleep(self.owner.delay)
        if parts.path == "/api/query":
            return self._atom(parse_qs(parts.query).get("id_list", [""])[0])
        if parts.path.startswith(("/html/", "/ar5iv/html/")):
            return self._html(parts.path.rsplit("/", 1)[-1], ar5iv=parts.path.startswith("/ar5iv/"))
        if parts.path == "/redirect":  # a server that sends readers elsewhere
            target = parse_qs(parts.query).get("to", ["/"])[0]
            return self._send(302, b"", "text/plain", {"Location": target})
        if parts.path.startswith("/repos/"):
            return self._github(parts.path.removeprefix("/repos/").split("/"))
        self._send(404, b"not found", "text/plain")

    def _atom(self, arxiv_id: str) -> None:
        base = arxiv_id.split("v")[0] if "v" in arxiv_id else arxiv_id
        path = FIXTURES / "arxiv" / f"{base}.atom.xml"
        body = (path if path.exists() else FIXTURES / "arxiv" / "missing.atom.xml").read_bytes()
        self._send(200, body, "application/atom+xml; charset=utf-8")

    def _html(self, name: str, ar5iv: bool) -> None:
        candidates = sorted((FIXTURES / "arxiv").glob(f"{name.split('v')[0]}*.html"))
        if not candidates or (not ar5iv and name.split("v")[0] in self.owner.html_missing):
            return self._send(404, b"<html><body>No HTML for this paper</body></html>", "text/html")
        self._send(200, candidates[-1].read_bytes(), "text/html; charset=utf-8")

    def _github(self, parts: list[str]) -> None:
        fake = self.owner
        reset = str(int(time.time()) + 3600)
        if fake.remaining <= 0:
            body = json.dumps({"message": "API rate limit exceeded for 127.0.0.1.", "documentation_url": "https://docs.github.com/rest"})
            headers = {"x-ratelimit-limit": str(fake.rate_limit), "x-ratelimit-remaining": "0", "x-ratelimit-reset": reset}
            return self._send(403, body.encode(), "application/json", headers)
        fake.remaining -= 1
        headers = {"x-ratelimit-limit": str(fake.rate_limit), "x-ratelimit-remaining": str(fake.remaining), "x-ratelimit-reset": reset}
        folder = FIXTURES / "github" / f"{parts[0]}__{parts[1]}" if len(parts) >= 2 else None
        if folder is None or not folder.is_dir():
            body = json.dumps({"message": "Not Found", "documentation_url": "https://docs.github.com/rest/repos/repos#get-a-repository"})
            return self._send(404, body.encode(), "application/json", headers)
        name = "repo.json" if len(parts) == 2 else "tree.json" if parts[2:4] == ["git", "trees"] else None
        if name is None:
            return self._send(404, b'{"message": "Not Found"}', "application/json", headers)
        self._send(200, (folder / name).read_bytes(), "application/json; charset=utf-8", headers)


@pytest.fixture
def fake_linked() -> Iterator[FakeLinked]:
    fake = FakeLinked().start()
    try:
        yield fake
    finally:
        fake.stop()
