"""A fake Hugging Face Hub on 127.0.0.1 for tests and benchmarks (nothing of ours is mocked).

It serves the routes ``huggingface_hub`` calls, with the Hub's response shapes, headers and
error codes (as ``huggingface_hub`` 2.4 reads them in ``hf_raise_for_status``):

* ``GET /api/models/{repo}`` and ``/api/models/{repo}/revision/{rev}`` (``expand`` honoured:
  only the listed fields, plus ``_id`` and ``id``, come back);
* ``GET /api/datasets/{repo}`` (and ``/revision/{rev}``), the dataset's files under
  ``/datasets/{repo}/resolve/{rev}/{path}`` (a dataset card: ``README.md``);
* ``GET|HEAD /{repo}/resolve/{rev}/{path}`` with ``X-Repo-Commit``, ``ETag`` (the git blob id),
  ``Content-Length``;
* errors: 401 ``RepoNotFound`` for a missing or private repo without a valid token (404 with
  one), 404 ``RevisionNotFound``, 404 ``EntryNotFound``, 401/403 ``GatedRepo`` for files of a
  gated repo without access, each with ``X-Error-Code``/``X-Error-Message`` and a JSON body.

Data: ``tests/fixtures/hub/{models,datasets}/{org}/{name}/info.json`` (the API answer, keys as
the Hub writes them) and the repo files beside it under ``files/``. Tests may add repos in code.
Faults are injected per request (:class:`Fault`): an error status, a delay, a truncated or
malformed body, or a server that drips its answer a byte at a time, stalls after the headers,
lies about ``Content-Length``, redirects (to itself: a loop; to another port: another host) or
answers with a body of the test's choosing. Every request is counted (:attr:`requests`).
Loopback only: the server binds 127.0.0.1.
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "hub"
TEST_TOKEN = "hf_FakeHubTestTokenDoNotLeak0123456789"


@dataclass
class Fault:
    """What to do instead of (or before) answering requests whose path matches ``path`` (a regex)."""

    path: str
    status: int | None = None
    error_code: str | None = None
    error_message: str | None = None
    retry_after: int | None = None
    delay: float = 0.0
    truncate: bool = False
    malformed: bool = False
    times: int = 1  # how many matching requests it applies to; -1 for all
    # Slow and lying servers (each bounded: a test never waits on the fake for long):
    body: bytes | None = None  # answer 200 with this body instead of the route's
    drip: float = 0.0  # seconds between single bytes of the body
    stall: float = 0.0  # send the headers, then nothing for this long, then close
    content_length: int | None = None  # the Content-Length to claim (the body sent is the real one)
    redirect: str | None = None  # answer 302 to this location (a path, or a URL on another host/port)

    def matches(self, path: str) -> bool:
        return self.times != 0 and re.search(self.path, path) is not None


@dataclass
class Repo:
    info: dict[str, Any]
    files: dict[str, bytes] = field(default_factory=dict)
    refs: dict[str, str] = field(default_factory=dict)  # branch/tag -> sha


@dataclass
class Seen:
    method: str
    path: str
    query: dict[str, list[str]]
    authorized: bool


def git_blob_id(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def load_repos(kind: str) -> dict[str, Repo]:
    repos: dict[str, Repo] = {}
    root = FIXTURES / kind
    for info_path in sorted(root.glob("**/info.json")):
        info = json.loads(info_path.read_text(encoding="utf-8"))
        files_dir = info_path.parent / "files"
        files = (
            {p.relative_to(files_dir).as_posix(): p.read_bytes() for p in sorted(files_dir.rglob("*")) if p.is_file()}
            if files_dir.is_dir()
            else {}
        )
        repos[info["id"].lower()] = Repo(info, files, dict(info.pop("_refs", {})))
    return repos


class FakeHub:
    """The server. ``with FakeHub() as hub:`` or the ``fake_hub`` fixture; ``hub.url`` is the endpoint."""

    def __init__(self, latency: float = 0.0, tokens: set[str] | None = None) -> None:
        self.latency = latency
        self.tokens = {TEST_TOKEN} if tokens is None else tokens
        self.models = load_repos("models")
        self.datasets = load_repos("datasets")
        self.faults: list[Fault] = []
        self.requests: list[Seen] = []
        self.web: dict[str, bytes] = {}  # other pages served as-is (stand-ins for GitHub raw, arXiv)
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ---------------------------------------------------------------- control

    @property
    def url(self) -> str:
        assert self._server is not None, "FakeHub is not started"
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> FakeHub:
        hub = self

        class Handler(_Handler):
            fake = hub

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakeHub:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def fault(self, path: str, **kwargs: Any) -> Fault:
        f = Fault(path, **kwargs)
        with self._lock:
            self.faults.append(f)
        return f

    def reset(self) -> None:
        with self._lock:
            self.requests.clear()
            self.faults.clear()

    def count(self, pattern: str = "") -> int:
        """Requests so far whose path matches ``pattern`` (a regex; all when empty)."""
        with self._lock:
            return sum(1 for r in self.requests if re.search(pattern, r.path))

    def add_model(self, repo_id: str, files: dict[str, str | bytes], **info: Any) -> Repo:
        """Add a model in code: ``files`` are served; ``info`` overrides API fields."""
        fields = {"modelId": repo_id, "author": repo_id.split("/")[0], "library_name": "transformers", "pipeline_tag": "text-generation"}
        repo = _repo(repo_id, files, b"", ("2024-06-01T12:00:00.000Z", "2024-05-01T12:00:00.000Z"), fields, info)
        with self._lock:
            self.models[repo_id.lower()] = repo
        return repo

    def add_dataset(self, repo_id: str, files: dict[str, str | bytes], **info: Any) -> Repo:
        """Add a dataset in code, in the shape of ``GET /api/datasets/{id}``: ``files`` are served
        (``/datasets/{id}/resolve/{rev}/{path}``) and listed as ``siblings``; ``info`` overrides fields
        (``gated="manual"``, ``private=True``, ``cardData={...}``)."""
        author = repo_id.split("/")[0] if "/" in repo_id else None
        repo = _repo(repo_id, files, b"dataset:", ("2024-03-01T10:00:00.000Z", "2023-01-01T00:00:00.000Z"), {"author": author}, info)
        with self._lock:
            self.datasets[repo_id.lower()] = repo
        return repo

    # ---------------------------------------------------------------- request handling (server threads)

    def _take_fault(self, path: str) -> Fault | None:
        with self._lock:
            for f in self.faults:
                if f.matches(path):
                    if f.times > 0:
                        f.times -= 1
                    return f
        return None

    def _record(self, method: str, path: str, query: dict[str, list[str]], authorized: bool) -> None:
        with self._lock:
            self.requests.append(Seen(method, path, query, authorized))


def _repo(
    repo_id: str, files: dict[str, str | bytes], salt: bytes, dates: tuple[str, str], fields: dict[str, Any], info: dict[str, Any]
) -> Repo:
    """A repo in the shape of the Hub's info answer (model or dataset): ``fields`` are the kind's own, ``info`` overrides."""
    data = {k: v.encode() if isinstance(v, str) else v for k, v in files.items()}
    sha = info.pop("sha", None) or hashlib.sha1(salt + repo_id.encode() + b"".join(data.values())).hexdigest()
    body: dict[str, Any] = {"_id": sha[:24], "id": repo_id, **fields, "sha": sha, "lastModified": dates[0], "createdAt": dates[1]}
    body.update({"private": False, "gated": False, "disabled": False, "downloads": 0, "likes": 0, "tags": [], "cardData": None})
    body["siblings"] = [{"rfilename": n} for n in sorted(data)]
    body.update(info)
    return Repo(body, data)


def _error_body(message: str) -> bytes:
    return json.dumps({"error": message}).encode()


class _Handler(BaseHTTPRequestHandler):
    fake: FakeHub
    protocol_version = "HTTP/1.1"
    server_version = "FakeHub/1.0"
    disable_nagle_algorithm = True  # headers and body in separate writes must not wait for a delayed ACK
    wbufsize = 64 * 1024

    def log_message(self, format: str, *args: Any) -> None:
        pass

    # ------------------------------------------------------------ helpers

    def _token(self) -> str | None:
        auth = self.headers.get("Authorization", "")
        return auth[7:] if auth.startswith("Bearer ") else None

    def _send(self, status: int, body: bytes, headers: dict[str, str] | None = None, head: bool = False, truncate: bool = False) -> None:
        fault: Fault | None = getattr(self, "_fault", None)
        self.send_response(status)
        claimed = fault.content_length if fault is not None and fault.content_length is not None else len(body)
        base = {
            "Content-Type": "application/json; charset=utf-8",
            "Content-Length": str(claimed),
            "X-Request-Id": f"Root=1-{int(time.time() * 1000):x}",
            "Access-Control-Allow-Origin": "*",
        }
        base.update(headers or {})
        for k, v in base.items():
            self.send_header(k, v)
        self.end_headers()
        if head:
            return
        if fault is not None and fault.stall:
            self.wfile.flush()
            time.sleep(fault.stall)
            self.close_connection = True
            return
        if fault is not None and fault.drip:
            for i in range(len(body)):
                self.wfile.write(body[i : i + 1])
                self.wfile.flush()
                time.sleep(fault.drip)
            return
        if fault is not None and fault.content_length is not None and fault.content_length != len(body):
            self.wfile.write(body)
            self.wfile.flush()
            self.close_connection = True
            return
        if truncate:
            self.wfile.write(body[: max(1, len(body) // 2)])
            self.wfile.flush()
            self.close_connection = True
            return
        self.wfile.write(body)

    def _error(self, status: int, code: str | None, message: str, head: bool = False) -> None:
        headers = {"X-Error-Message": message}
        if code:
            headers["X-Error-Code"] = code
        self._send(status, _error_body(message), headers, head)

    def _missing_repo(self, head: bool = False) -> None:
        # The Hub answers a missing repo and a private one alike; 401 without a valid token.
        if self._token() in self.fake.tokens:
            self._error(404, "RepoNotFound", "Repository not found", head)
        else:
            self._error(401, "RepoNotFound", "Invalid username or password.", head)

    # ------------------------------------------------------------ dispatch

    def do_GET(self) -> None:
        self._handle(head=False)

    def do_HEAD(self) -> None:
        self._handle(head=True)

    def _handle(self, head: bool) -> None:
        parts = urlsplit(self.path)
        path = unquote(parts.path)
        query = parse_qs(parts.query)
        fake = self.fake
        fake._record(self.command, path, query, self._token() is not None)
        if fake.latency:
            time.sleep(fake.latency)
        fault = fake._take_fault(path)
        self._fault = fault
        if fault is not None:
            if fault.delay:
                time.sleep(fault.delay)
            if fault.redirect is not None:
                self._send(302, b"", {"Location": fault.redirect}, head)
                return
            if fault.body is not None and fault.status is None:
                try:
                    self._send(200, fault.body, {"X-Repo-Commit": "0" * 40}, head)
                except (BrokenPipeError, ConnectionResetError):
                    pass
                return
            if fault.status is not None:
                headers: dict[str, str] = {}
                if fault.retry_after is not None:
                    headers["Retry-After"] = str(fault.retry_after)
                    headers["RateLimit"] = f'"api";r=0;t={fault.retry_after}'
                    headers["RateLimit-Policy"] = '"fixed window";"api";q=500;w=300'
                if fault.error_code:
                    headers["X-Error-Code"] = fault.error_code
                message = fault.error_message or {429: "Too Many Requests", 500: "Internal Error"}.get(fault.status, "error")
                headers["X-Error-Message"] = message
                self._send(fault.status, _error_body(message), headers, head)
                return
        try:
            self._route(path, query, head, fault)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def _route(self, path: str, query: dict[str, list[str]], head: bool, fault: Fault | None) -> None:
        m = re.fullmatch(r"/api/(models|datasets)/(.+?)(?:/revision/(.+))?", path)
        if m:
            repos = self.fake.models if m.group(1) == "models" else self.fake.datasets
            self._info(repos, m.group(2), m.group(3), query, head, fault)
            return
        m = re.fullmatch(r"/(datasets/)?([^/]+/[^/]+|[^/]+)/resolve/([^/]+)/(.+)", path)
        if m:
            repos = self.fake.datasets if m.group(1) else self.fake.models
            self._resolve(repos, m.group(2), m.group(3), m.group(4), head, fault)
            return
        if path in self.fake.web:
            self._send(200, self.fake.web[path], {"Content-Type": "text/plain; charset=utf-8"}, head)
            return
        self._error(404, None, "Sorry, we can't find the page you are looking for.", head)

    def _visible(self, repo: Repo) -> bool:
        return not repo.info.get("private") or self._token() in self.fake.tokens

    def _sha_for(self, repo: Repo, rev: str | None) -> str | None:
        sha = str(repo.info["sha"])
        if rev is None or rev == sha or rev == "main":
            return sha
        if rev in repo.refs.values():
            return rev
        return repo.refs.get(rev)

    def _repo_at(self, repos: dict[str, Repo], repo_id: str, rev: str | None, head: bool) -> tuple[Repo, str] | None:
        """The visible repo and the sha of ``rev``, or None after answering with the Hub's 404."""
        repo = repos.get(repo_id.lower())
        if repo is None or not self._visible(repo):
            self._missing_repo(head)
            return None
        sha = self._sha_for(repo, rev)
        if sha is None:
            self._error(404, "RevisionNotFound", f"Invalid rev id: {rev}", head)
            return None
        return repo, sha

    def _info(
        self, repos: dict[str, Repo], repo_id: str, rev: str | None, query: dict[str, list[str]], head: bool, fault: Fault | None
    ) -> None:
        found = self._repo_at(repos, repo_id, rev, head)
        if found is None:
            return
        repo, sha = found
        body = copy.deepcopy(repo.info)
        body["sha"] = sha
        expand = query.get("expand") or query.get("expand[]")
        if expand:
            body = {k: v for k, v in body.items() if k in {"_id", "id", *expand}}
        raw = json.dumps(body).encode()
        if fault is not None and fault.malformed:
            raw = raw[: len(raw) // 2]
        etag = 'W/"' + hashlib.sha1(raw).hexdigest()[:32] + '"'
        self._send(200, raw, {"ETag": etag, "Vary": "Origin, Accept-Encoding"}, head, truncate=bool(fault and fault.truncate))

    def _resolve(self, repos: dict[str, Repo], repo_id: str, rev: str, name: str, head: bool, fault: Fault | None) -> None:
        found = self._repo_at(repos, repo_id, rev, head)
        if found is None:
            return
        repo, sha = found
        gated = repo.info.get("gated")
        token = self._token()
        if gated and token not in self.fake.tokens:
            status = 403 if token else 401
            message = (
                f"Access to model {repo.info['id']} is restricted and you are not in the authorized list. "
                f"Visit https://huggingface.co/{repo.info['id']} to ask for access."
                if token
                else f"Access to model {repo.info['id']} is restricted. You must have access to it and be "
                "authenticated to access it. Please log in."
            )
            self._error(status, "GatedRepo", message, head)
            return
        listed = {s["rfilename"] for s in repo.info.get("siblings") or []}
        if name not in repo.files and name not in listed:
            self._error(404, "EntryNotFound", f'{name} does not exist on "{rev}"', head)
            return
        data = repo.files.get(name, b"placeholder for a large binary file\n")
        if fault is not None and fault.malformed:
            data = b"\xff\xfe" + data
        headers = {
            "Content-Type": "text/plain; charset=utf-8",
            "ETag": f'"{git_blob_id(data)}"',
            "X-Repo-Commit": sha,
            "Accept-Ranges": "bytes",
            "Content-Disposition": f"inline; filename*=UTF-8''{name.rsplit('/', 1)[-1]}",
            "Cache-Control": "public, max-age=31536000, immutable" if rev == sha else "no-cache",
        }
        self._send(200, data, headers, head, truncate=bool(fault and fault.truncate))


@pytest.fixture
def fake_hub() -> Iterator[FakeHub]:
    """A started fake Hub, stopped after the test."""
    with FakeHub() as hub:
        yield hub


@pytest.fixture
def hub_env(fake_hub: FakeHub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> FakeHub:
    """The fake Hub as ``HF_ENDPOINT``, with a private cache and no Hugging Face token of the machine."""
    monkeypatch.setenv("HF_ENDPOINT", fake_hub.url)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf_home"))
    for name in (
        "HF_TOKEN",
        "HUGGING_FACE_HUB_TOKEN",
        "HF_HUB_OFFLINE",
        "OPENNESS_CACHE",
        "OPENNESS_TOKEN",
        "OPENNESS_ENDPOINT",
        "OPENNESS_OFFLINE",
    ):
        monkeypatch.delenv(name, raising=False)
    # huggingface_hub reads HF_HUB_OFFLINE once, when first imported: if that happened while the
    # suite's default (offline) was set, the removal above would not be seen in this process.
    import huggingface_hub.constants

    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", False)
    return fake_hub


def make_source(hub: FakeHub, tmp_path: Path, **kwargs: Any) -> Any:
    """A HubSource pointed at ``hub`` with a private cache and fast retries; ``kwargs`` override options."""
    from openness.sources.hub import HubOptions, HubSource

    options = HubOptions(endpoint=hub.url, cache_path=tmp_path / "hub.sqlite", backoff=0.01, timeout=5.0)
    for key, value in kwargs.items():
        setattr(options, key, value)
    return HubSource(options)
