"""Releases from the Hugging Face Hub, through ``huggingface_hub`` (one info call, then the files needed).

One audit costs the ``model_info`` call (with ``expand`` for just the fields the rules use) plus
one GET per file actually needed (README and licence files, pinned to the returned sha, each
size-capped); files already in the cache at that sha cost nothing. Datasets the card names are
looked up with ``dataset_info``; base models are read with :meth:`HubSource.fetch` too
(by :class:`openness.chain.SourceResolver`).
Both secondary lookups are reused from the cache for ``secondary_ttl`` seconds.

Every answer is read through one capped GET (:meth:`HubSource._get`: ``huggingface_hub``'s
session and headers, its error types): bodies are capped (the info answer too), redirects are
followed only to the Hub itself, and every wait counts against the target's deadline
(:mod:`openness.deadline`). ``ModelInfo``/``DatasetInfo`` parse the answers, as ``HfApi`` does.
429 answers are retried honouring ``Retry-After``; 5xx, timeouts and broken responses are
retried with backoff; both are bounded in count and total wait, then raise ``SourceError``.
After a dataset lookup has failed that way, the others of the run are not tried (a circuit
breaker, as for base models). The token never appears in messages, logs or the cache.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote, urljoin, urlsplit

import httpx2
from huggingface_hub import get_session, hf_hub_url, hf_raise_for_status
from huggingface_hub.errors import (
    DisabledRepoError,
    GatedRepoError,
    HfHubHTTPError,
    OfflineModeIsEnabled,
    RemoteEntryNotFoundError,
    RepositoryNotFoundError,
    RevisionNotFoundError,
)
from huggingface_hub.hf_api import DatasetInfo, ExpandDatasetProperty_T, ExpandModelProperty_T, ModelInfo
from huggingface_hub.utils._headers import build_hf_headers

from openness import __version__, deadline
from openness.cache import CachedModel, HubCache, default_cache_path
from openness.card import as_list
from openness.deadline import waiting
from openness.errors import AccessError, NotCachedError, NotFoundError, OpennessError, SourceError
from openness.models import HubDataset, Release
from openness.redact import redact, register_secret
from openness.release import build_release, is_license_file
from openness.settings import DEFAULT_ENDPOINT, AuditSettings
from openness.sources.ids import HubRef, is_dataset_id, is_hub_id, parse_hub_id
from openness.sources.web import LinkChecker, WebOptions

MODEL_FIELDS: list[ExpandModelProperty_T] = [
    "cardData",
    "siblings",
    "gated",
    "private",
    "tags",
    "sha",
    "lastModified",
    "createdAt",
    "baseModels",
    "safetensors",
    "library_name",
    "pipeline_tag",
]
DATASET_FIELDS: list[ExpandDatasetProperty_T] = ["cardData", "gated", "private", "tags", "sha"]
CARD_FILE = "README.md"
MAX_CARD_BYTES = 5_000_000
MAX_LICENSE_BYTES = 1_000_000
MAX_LICENSE_FILES = 8
MAX_DATASETS = 10
MAX_INFO_BYTES = 10_000_000  # a model_info answer (the largest real ones, with thousands of files, are ~2 MB)
MAX_DATASET_INFO_BYTES = 2_000_000
MAX_REDIRECTS = 5
RETRY_STATUS = frozenset({408, 429, 500, 502, 503, 504})

T = TypeVar("T")


@dataclass
class HubOptions:
    """How to talk to the Hub (:meth:`from_settings`: from the audit's settings)."""

    endpoint: str = DEFAULT_ENDPOINT
    token: str | None = field(default=None, repr=False)
    offline: bool = False
    cache_path: Path | None = None
    timeout: float = 15.0
    max_retries: int = 3
    max_wait: float = 30.0
    backoff: float = 0.5
    secondary_ttl: float = 86_400.0
    follow_links: bool = False
    web: WebOptions = field(default_factory=WebOptions)

    @classmethod
    def from_settings(cls, settings: AuditSettings) -> HubOptions:
        return cls(
            endpoint=(settings.endpoint or DEFAULT_ENDPOINT).rstrip("/"),
            token=settings.token or None,
            offline=settings.offline,
            cache_path=settings.cache_path or default_cache_path(),
            follow_links=settings.follow_links,
            web=WebOptions(github_raw=settings.github_raw, arxiv=settings.arxiv),
        )


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value else None


def _card_dict(card_data: Any) -> dict[str, Any]:
    """``ModelCardData``/``DatasetCardData`` back to the card's own keys."""
    value = card_data.to_dict() if card_data is not None else {}
    return value if isinstance(value, dict) else {}


MAX_JSON_DEPTH = 100  # deeper card data is no real card's, and every later walk of it would recurse
_SURROGATE = re.compile("[\ud800-\udfff]")


def _json_depth(value: Any) -> int:
    """How deep lists and maps nest in ``value`` (iteratively: the value may be too deep to recurse)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, (dict, list)):
            deepest = max(deepest, depth)
            if deepest > MAX_JSON_DEPTH:
                return deepest
            stack.extend((child, depth + 1) for child in (item.values() if isinstance(item, dict) else item))
    return deepest


def _valid_text(record: dict[str, Any]) -> dict[str, Any]:
    """``record`` with lone surrogates (valid JSON escapes, not valid Unicode text) replaced by U+FFFD,
    so it can be cached, printed and written as UTF-8."""
    text = json.dumps(record, ensure_ascii=False)
    if not _SURROGATE.search(text):
        return record
    return dict(json.loads(_SURROGATE.sub("\ufffd", text)))


def record_from_info(info: ModelInfo) -> dict[str, Any]:
    """The part of a ``model_info`` answer the rules use, as plain JSON (what the cache stores)."""
    card = _card_dict(info.card_data) if info.card_data is not None else None
    if card is not None and _json_depth(card) > MAX_JSON_DEPTH:
        raise SourceError(f"the Hub's card data for {info.id} nests deeper than {MAX_JSON_DEPTH} levels; not read")
    return _valid_text(
        {
            "id": info.id,
            "sha": info.sha,
            "lastModified": _iso(info.last_modified),
            "createdAt": _iso(info.created_at),
            "gated": info.gated,
            "private": info.private,
            "tags": list(info.tags or []),
            "siblings": None if info.siblings is None else [s.rfilename for s in info.siblings],
            "cardData": card,
            "baseModels": info.base_models,
            "library_name": info.library_name,
            "pipeline_tag": info.pipeline_tag,
            "safetensors_total": info.safetensors.total if info.safetensors is not None else None,
        }
    )


def _safe_repo_path(name: str) -> bool:
    """A file name the Hub may list: relative, no ``..`` step, no backslash or control character."""
    return (
        bool(name)
        and not name.startswith("/")
        and "\\" not in name
        and ".." not in name.split("/")
        and not any(ord(c) < 32 or 0x7F <= ord(c) < 0xA0 for c in name)
    )


def wanted_files(siblings: list[str] | None) -> tuple[list[str], list[str]]:
    """(files to read, warnings): the card and top-level licence files, at most ``MAX_LICENSE_FILES`` of those."""
    if not siblings:
        return [], []
    unsafe = [n for n in siblings if not _safe_repo_path(n)]
    siblings = [n for n in siblings if _safe_repo_path(n)]
    names = [CARD_FILE] if CARD_FILE in siblings else []
    licenses = sorted(n for n in siblings if is_license_file(n) and n.count("/") <= 1)
    warnings = (
        [f"{len(unsafe)} file name(s) in the Hub's list are not plain paths inside the repo (e.g. {unsafe[0][:60]!r}); not read"]
        if unsafe
        else []
    )
    if len(licenses) > MAX_LICENSE_FILES:
        warnings.append(f"{len(licenses)} licence files; only the first {MAX_LICENSE_FILES} were read")
    return names + licenses[:MAX_LICENSE_FILES], warnings


def _base_models_from_api(value: Any) -> tuple[list[str], str | None]:
    """``baseModels`` is ``{"relation": "finetune", "models": [{"id": ...}]}``."""
    if not isinstance(value, dict):
        return [], None
    ids = [str(m["id"]) for m in value.get("models") or [] if isinstance(m, dict) and m.get("id")]
    relation = value.get("relation")
    return ids, str(relation) if relation else None


def release_from_record(
    record: dict[str, Any],
    files: dict[str, str | None],
    *,
    revision: str | None,
    unreadable: list[str],
    warnings: list[str],
) -> Release:
    """Assemble the release from the recorded info and the file texts read."""
    texts = {n: t for n, t in files.items() if t is not None}
    gated = record.get("gated")
    release = build_release(
        str(record.get("id")),
        texts.get(CARD_FILE, ""),
        source="hub",
        files=record.get("siblings"),
        api_tags=as_list(record.get("tags")),
        license_files={n: t for n, t in texts.items() if n != CARD_FILE},
        metadata_override=record.get("cardData") or None,
        gated=gated if isinstance(gated, (str, bool)) else None,
        revision=revision,
        sha=record.get("sha"),
        last_modified=record.get("lastModified"),
        unreadable=unreadable,
    )
    bases, relation = _base_models_from_api(record.get("baseModels"))
    release.base_models += [b for b in bases if b.lower() not in {x.lower() for x in release.base_models}]
    release.base_relation = release.base_relation or relation
    release.warnings[:0] = warnings + ([_unreadable_warning(unreadable)] if unreadable else [])
    return release


def _unreadable_warning(unreadable: list[str]) -> str:
    """One line for all the files that could not be read, grouped by reason."""
    by_reason: dict[str, list[str]] = {}
    for item in unreadable:
        name, _, reason = item.partition(": ")
        by_reason.setdefault(reason, []).append(name)
    parts = [f"{', '.join(names)} ({reason})" for reason, names in by_reason.items()]
    return "could not read " + "; ".join(parts) + "; judged from the visible metadata and file list"


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    return parts.scheme.lower(), (parts.hostname or "").lower(), parts.port


def redirect_allowed(endpoint: str, location: str) -> bool:
    """Redirects are followed to the endpoint itself (same scheme, host and port) and, for the real
    Hub, to its own file hosts (``*.huggingface.co``, ``*.hf.co``, over HTTPS); nowhere else."""
    scheme, host, port = _origin(location)
    if (scheme, host, port) == _origin(endpoint):
        return True
    hub_host = _origin(endpoint)[1]
    own = hub_host in ("huggingface.co", "hf.co")
    return own and scheme == "https" and port in (None, 443) and (host.endswith(".huggingface.co") or host.endswith(".hf.co"))


class _TooLarge(Exception):
    """A body over its cap."""


class _Retry(Exception):
    """A transient failure: worth another try after ``wait`` seconds (``None``: use backoff)."""

    def __init__(self, reason: str, wait: float | None = None) -> None:
        super().__init__(reason)
        self.reason, self.wait = reason, wait


class _Unreachable(Exception):
    """No connection at all (refused, no route, name not resolved): not worth retrying this run."""


UNREACHABLE_HINT = "audit with --offline (the cache, then the curated registry) or set HF_ENDPOINT to a mirror"


def _retry_after(exc: HfHubHTTPError) -> float | None:
    value = exc.response.headers.get("Retry-After", "").strip() if exc.response is not None else ""
    return float(value) if value.isdigit() else None


def _status(exc: HfHubHTTPError) -> int:
    return exc.response.status_code if exc.response is not None else 0


class HubSource:
    """The Hub as a :class:`~openness.sources.base.Source`: ``ORG/NAME[@REVISION]`` to a :class:`Release`."""

    name = "hub"

    def __init__(self, options: HubOptions | None = None, cache: HubCache | None = None) -> None:
        self.options = options or HubOptions()
        self.cache = cache if cache is not None else HubCache(self.options.cache_path)
        register_secret(self.options.token)
        self.datasets_unavailable: str | None = None  # set once a dataset lookup has failed: the breaker
        self.link_checker = LinkChecker(self.options.web)  # one per run: its breaker remembers hosts that failed
        self.unreachable: str | None = None  # set at the first refused connection: later requests fail at once
        self._unreachable_lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings: AuditSettings | None = None) -> HubSource:
        """``settings`` default to :meth:`AuditSettings.from_env`."""
        return cls(HubOptions.from_settings(settings if settings is not None else AuditSettings.from_env()))

    # ------------------------------------------------------------------ Source protocol

    def handles(self, target: str) -> bool:
        """Syntactically valid ``ORG/NAME[@REVISION]`` that is not an existing local path."""
        return is_hub_id(target) and not os.path.exists(target)

    def remote(self, target: str) -> bool:
        """Online, a Hub target waits on the Hub; offline it is read from the cache on disk."""
        return not self.options.offline

    def fetch(self, target: str, max_age: float | None = None) -> Release:
        """Read a model. ``max_age``: reuse cached info this recent without asking the Hub (for base models)."""
        ref = parse_hub_id(target)
        if self.options.offline:
            return self._from_cache(ref)
        cached = self.cache.model(ref.repo_id, ref.revision) if max_age is not None else None
        if cached is not None and time.time() - cached.fetched_at <= (max_age or 0):
            record, fetched = cached.record, False
        else:
            record, fetched = self._model_record(ref), True
        sha = str(record.get("sha") or "")
        names, warnings = wanted_files(record.get("siblings"))
        files = self.cache.files(ref.repo_id, sha, names) if sha else {}
        unreadable: list[str] = []
        new: dict[str, str | None] = {}
        for name in names:
            if name not in files:
                text, problem = self._download(ref.repo_id, sha or ref.revision or "main", name, warnings)
                files[name] = text
                if problem:
                    unreadable.append(problem)
                else:
                    new[name] = text
        if fetched:
            self.cache.put_model(ref.repo_id, ref.revision, record)
        self.cache.put_files(ref.repo_id, sha, new)
        release = release_from_record(record, files, revision=ref.revision, unreadable=unreadable, warnings=warnings)
        release.dataset_status = self.dataset_statuses(release.datasets)
        if self.options.follow_links:
            self.link_checker.check(release.links)
        release.warnings += self.cache.warnings
        return release

    # ------------------------------------------------------------------ offline

    def _from_cache(self, ref: HubRef) -> Release:
        cached: CachedModel | None = self.cache.model(ref.repo_id, ref.revision)
        if cached is None and ref.revision is None:
            cached = self.cache.latest(ref.repo_id)
        if cached is None:  # no local path in the message: it ends up in shared reports
            raise NotCachedError(f"offline: {ref} is not in the cache; audit it once online first")
        names, warnings = wanted_files(cached.record.get("siblings"))
        files = self.cache.files(ref.repo_id, cached.sha, names)
        unreadable = [f"{n}: not in the cache (offline)" for n in names if n not in files]
        when = dt.datetime.fromtimestamp(cached.fetched_at, dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
        warnings.insert(0, f"offline: Hub data from the cache, fetched {cached.age()} ago ({when}), sha {cached.sha[:12]}")
        release = release_from_record(cached.record, files, revision=ref.revision, unreadable=unreadable, warnings=warnings)
        release.dataset_status = self.dataset_statuses(release.datasets)
        release.warnings += self.cache.warnings
        return release

    # ------------------------------------------------------------------ requests

    def _with_retries(self, what: str, call: Callable[[], T]) -> T:
        """Run ``call``; retry transient failures within ``max_retries`` and ``max_wait`` seconds in all."""
        waited = 0.0
        if self.unreachable is not None:  # said in full once, at the first failure
            raise SourceError(f"{what}: {self.unreachable} (not tried again)")
        for attempt in range(self.options.max_retries + 1):
            try:
                return self._classify_failure(call)
            except _Unreachable as exc:
                with self._unreachable_lock:
                    first = self.unreachable is None
                    self.unreachable = f"the Hub at {self.options.endpoint} cannot be reached ({exc})"
                raise SourceError(f"{what}: {self.unreachable}" + (f"; {UNREACHABLE_HINT}" if first else " (not tried again)")) from None
            except _Retry as retry:
                wait = retry.wait if retry.wait is not None else self.options.backoff * 2**attempt
                if attempt == self.options.max_retries:
                    raise SourceError(f"{what}: {retry.reason}; gave up after {attempt + 1} attempts") from None
                left = deadline.remaining()
                if left is not None and wait >= left:
                    raise deadline.DeadlineError(f"{what}: {retry.reason}; no time left before this target's deadline") from None
                if waited + wait > self.options.max_wait:
                    raise SourceError(
                        f"{what}: {retry.reason}; the Hub asks to wait {wait:.0f}s, more than the {self.options.max_wait:.0f}s allowed"
                    ) from None
                time.sleep(wait)
                waited += wait
        raise AssertionError("unreachable")  # pragma: no cover

    @staticmethod
    def _classify_failure(call: Callable[[], T]) -> T:
        try:
            return call()
        except (RepositoryNotFoundError, RevisionNotFoundError, RemoteEntryNotFoundError, DisabledRepoError):
            raise
        except HfHubHTTPError as exc:
            status = _status(exc)
            if status == 429:
                raise _Retry("rate limited by the Hub (HTTP 429)", _retry_after(exc)) from None
            if status in RETRY_STATUS:
                raise _Retry(f"the Hub answered HTTP {status}", _retry_after(exc)) from None
            raise
        except httpx2.TimeoutException:
            raise _Retry("the Hub did not answer in time") from None
        except httpx2.ConnectError as exc:
            raise _Unreachable(type(exc).__name__) from None
        except httpx2.TransportError as exc:
            raise _Retry(f"connection problem ({type(exc).__name__})") from None
        except ValueError as exc:  # malformed JSON, truncated body
            raise _Retry(f"malformed answer from the Hub ({type(exc).__name__})") from None
        except OfflineModeIsEnabled:
            raise SourceError("huggingface_hub is in offline mode (HF_HUB_OFFLINE was set when it was loaded)") from None
        except RecursionError:  # JSON nested past the parser's limit: the same answer again would be no better
            raise SourceError("the Hub's answer nests too deeply to be read") from None

    def _get(self, url: str, what: str, limit: int, params: dict[str, Any] | None = None) -> tuple[bytes, bool]:
        """(body, cut): one GET, its body capped at ``limit`` bytes (``cut``: there was more), within
        the target's deadline, redirects followed only where :func:`redirect_allowed` says."""
        headers = build_hf_headers(token=self.options.token or None, library_name="openness", library_version=__version__)
        with waiting(what):
            for _ in range(MAX_REDIRECTS + 1):
                deadline.check(what)
                with get_session().stream(
                    "GET", url, params=params, headers=headers, timeout=deadline.timeout(self.options.timeout), follow_redirects=False
                ) as response:
                    if response.is_redirect:
                        location = urljoin(url, response.headers.get("Location", ""))
                        if not redirect_allowed(self.options.endpoint, location):
                            raise SourceError(
                                f"{what}: redirected to {urlsplit(location).netloc or location!r}, which is not the Hub; not followed"
                            )
                        url, params = location, None
                        continue
                    hf_raise_for_status(response)
                    chunks: list[bytes] = []
                    size = 0
                    for chunk in response.iter_bytes():
                        deadline.check(what)
                        chunks.append(chunk)
                        size += len(chunk)
                        if size > limit:
                            return b"".join(chunks)[:limit], True
                    return b"".join(chunks), False
        raise SourceError(f"{what}: more than {MAX_REDIRECTS} redirects; not followed")

    def _get_json(self, url: str, what: str, limit: int, params: dict[str, Any]) -> dict[str, Any]:
        raw, cut = self._get(url, what, limit, params)
        if cut:
            raise SourceError(f"{what}: the answer is larger than {limit:,} bytes; not read")
        data = json.loads(raw)
        if not isinstance(data, dict):
            raise ValueError("not a JSON object")
        return data

    def _api_url(self, kind: str, repo_id: str, revision: str | None) -> str:
        base = f"{self.options.endpoint}/api/{kind}/{repo_id}"
        return base if revision is None else f"{base}/revision/{quote(revision, safe='')}"

    def _model_record(self, ref: HubRef) -> dict[str, Any]:
        what = f"reading {ref} from the Hub"

        def call() -> dict[str, Any]:
            data = self._get_json(self._api_url("models", ref.repo_id, ref.revision), what, MAX_INFO_BYTES, {"expand": MODEL_FIELDS})
            return record_from_info(ModelInfo(**data))  # type: ignore[no-untyped-call]

        try:
            record = self._with_retries(what, call)
        except GatedRepoError:
            raise AccessError(f"model {ref.repo_id} is gated and its information cannot be read with this token") from None
        except RepositoryNotFoundError:
            raise NotFoundError(
                f"model not found: {ref.repo_id} (if it is private, give a token with access: --token or HF_TOKEN)"
            ) from None
        except RevisionNotFoundError:
            raise NotFoundError(f"revision not found: {ref.revision!r} of {ref.repo_id}") from None
        except DisabledRepoError:
            raise AccessError(f"model {ref.repo_id} is disabled on the Hub") from None
        except HfHubHTTPError as exc:
            raise self._http_error(f"reading {ref} from the Hub", exc) from None
        if not record.get("sha"):
            raise SourceError(f"reading {ref} from the Hub: the answer has no commit sha")
        return record

    @staticmethod
    def _http_error(what: str, exc: HfHubHTTPError) -> OpennessError:
        status = _status(exc)
        server = exc.server_message.splitlines()[0][:200] if exc.server_message else ""
        detail = f"HTTP {status}" + (f": {server}" if server else "")
        if status in (401, 403):
            return AccessError(f"{what}: access refused ({detail}); check the token (--token or HF_TOKEN)")
        return SourceError(f"{what}: {detail}")

    def _download(self, repo_id: str, revision: str, name: str, warnings: list[str]) -> tuple[str | None, str | None]:
        """(text, problem). ``(None, None)``: the file does not exist; a problem means it could not be read."""
        limit = MAX_CARD_BYTES if name == CARD_FILE else MAX_LICENSE_BYTES
        url = hf_hub_url(repo_id, name, revision=revision, endpoint=self.options.endpoint)
        what = f"reading {name} of {repo_id}"

        def call() -> tuple[bytes, bool]:
            return self._get(url, what, limit)

        try:
            raw, cut = self._with_retries(what, call)
        except GatedRepoError:
            return None, f"{name}: gated, request access on the Hub and give a token with --token or HF_TOKEN"
        except RemoteEntryNotFoundError:
            return None, None
        except (RepositoryNotFoundError, RevisionNotFoundError):
            return None, f"{name}: not available at {revision[:12]}"
        except HfHubHTTPError as exc:
            if _status(exc) in (401, 403):
                return None, f"{name}: access refused with HTTP {_status(exc)}, a token with access is needed"
            raise self._http_error(what, exc) from None
        if cut:
            warnings.append(f"{name} is larger than {limit:,} bytes; only the start was read")
        if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
            warnings.append(f"{name} is UTF-16; decoded")
            return raw.decode("utf-16", errors="replace").lstrip("\ufeff"), None
        if b"\x00" in raw[:8192]:
            return None, f"{name}: a binary file, not text"
        try:
            return raw.decode("utf-8-sig"), None
        except UnicodeDecodeError:
            warnings.append(f"{name} is not valid UTF-8; decoded as Latin-1")
            return raw.decode("latin-1"), None

    # ------------------------------------------------------------------ datasets

    def dataset_statuses(self, dataset_ids: list[str]) -> dict[str, HubDataset]:
        """What the Hub says about each named dataset (cached for ``secondary_ttl``; offline: cache only)."""
        out: dict[str, HubDataset] = {}
        for ds in dataset_ids[:MAX_DATASETS]:
            if not is_dataset_id(ds):
                continue
            status = self.dataset_status(ds)
            if status is not None:
                out[ds] = status
        return out

    def dataset_status(self, dataset_id: str) -> HubDataset | None:
        cached = self.cache.dataset(dataset_id)
        if cached is not None and (self.options.offline or time.time() - cached[1] <= self.options.secondary_ttl):
            try:
                return HubDataset.model_validate(cached[0])
            except ValueError:
                pass
        if self.options.offline:
            return None
        if self.datasets_unavailable is not None:
            return HubDataset(status="unknown", note=f"not looked up: an earlier dataset lookup failed ({self.datasets_unavailable})"[:200])
        status = self._dataset_lookup(dataset_id)
        if status.status != "unknown":
            self.cache.put_dataset(dataset_id, status.model_dump())
        return status

    def _dataset_lookup(self, dataset_id: str) -> HubDataset:
        what = f"looking up dataset {dataset_id}"

        def call() -> HubDataset:
            url = self._api_url("datasets", dataset_id, None)
            info = DatasetInfo(**self._get_json(url, what, MAX_DATASET_INFO_BYTES, {"expand": DATASET_FIELDS}))  # type: ignore[no-untyped-call]
            card = _card_dict(info.card_data)
            licenses = as_list(card.get("license")) or [t.split(":", 1)[1] for t in info.tags or [] if t.startswith("license:")]
            license_id = ", ".join(licenses) or None
            if info.private:
                return HubDataset(status="private", license=license_id, note="private: readable with this token only")
            if info.gated:
                return HubDataset(status="gated", license=license_id, note=f"gated ({info.gated} approval)")
            return HubDataset(status="public", license=license_id)

        try:
            return self._with_retries(what, call)
        except GatedRepoError:
            return HubDataset(status="gated", note="gated")
        except RepositoryNotFoundError:
            return HubDataset(status="not_found", note="no public dataset with this id on the Hub (missing or private)")
        except (OpennessError, HfHubHTTPError) as exc:
            if isinstance(exc, SourceError):  # unreachable, slow or failing after retries: do not ask again this run
                self.datasets_unavailable = redact(str(exc))[:120]
            return HubDataset(status="unknown", note=redact(str(exc))[:200])


def fetch_release(model_id: str, settings: AuditSettings | None = None) -> Release:
    """Read one model from the Hub (or the cache, offline) with the given settings."""
    source = HubSource.from_settings(settings)
    try:
        return source.fetch(model_id)
    finally:
        source.cache.close()


__all__ = [
    "HubOptions",
    "HubSource",
    "fetch_release",
    "record_from_info",
    "release_from_record",
]
