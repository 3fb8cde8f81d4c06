"""Read a code repository through GitHub's REST API: its metadata, licence and file tree.

Two requests per repository (``GET /repos/{owner}/{repo}``, then the default branch's tree with
``recursive=1``), cached, 404s too. The tree tells training code (``train*.py``, ``pretrain*``,
``run_pretraining.py``, recipe folders) from modelling or inference code only (``inference.py``,
``demo.py``, ``predict.py``), and finds data-processing scripts. ``GITHUB_TOKEN`` is sent when set and
never shown; the rate-limit headers are honoured: with the quota spent, the answer is ``unknown``
with the reason and the time it resets, and no further request is made in this run.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass

from pydantic import BaseModel, Field

from openness.errors import NotFoundError
from openness.models import Status
from openness.readers.fetch import Fetcher, FetchError, Response
from openness.readers.store import ReaderStore

_REPO = re.compile(r"^[\w.\-]{1,100}/[\w.\-]{1,100}$")
_TRAINING = re.compile(
    r"(^|/)((pre_?|fine_?)?train\w*|run_(pre)?train\w*|run_(clm|mlm|glue|squad|ner|translation|summarization|speech_recognition)\w*"
    r"|finetune\w*|fine_tune\w*|pretrain\w*)\.(py|sh|ipynb)$|(^|/)(recipes?|egs2?)/[^/]+/",
    re.I,
)
_INFERENCE = re.compile(
    r"(^|/)(inference|infer|demo|predict|sample|sampling|generate|app|run_inference|eval\w*|test)\.(py|sh|ipynb)$", re.I
)
_DATA = re.compile(
    r"(^|/)(data_?prep\w*|prepare_?data\w*|preprocess\w*|dedup\w*|filter\w*|download_?data\w*|build_?(dataset|corpus)\w*"
    r"|make_?dataset\w*|create_pretraining_data\w*|clean\w*)\.(py|sh)$",
    re.I,
)


@dataclass(frozen=True)
class GitHubOptions:
    api: str = "https://api.github.com"
    token: str | None = None  # GITHUB_TOKEN; never printed, logged, cached or echoed


class RepoReading(BaseModel):
    """What the repository's tree shows."""

    repo: str
    url: str
    license: str | None = Field(default=None, description="SPDX id GitHub detected, e.g. 'Apache-2.0'")
    training_code: Status
    data_pipeline: Status = Status.UNKNOWN
    files: list[str] = Field(default_factory=list, description="the files that decided it (at most five)")
    reason: str = ""


def judge_tree(paths: list[str]) -> tuple[Status, Status, list[str], str]:
    """(training code, data pipeline, deciding files, reason) from a repository's file paths."""
    training = [p for p in paths if _TRAINING.search(p)]
    data = [p for p in paths if _DATA.search(p)]
    code = [p for p in paths if p.endswith((".py", ".ipynb", ".sh", ".cc", ".cpp", ".rs", ".jl"))]
    pipeline = Status.PARTIAL if data else Status.UNKNOWN
    if training:
        return Status.OPEN, pipeline, training[:5], f"training scripts in the tree ({len(training)})"
    if code:
        shown = [p for p in code if _INFERENCE.search(p)] or code
        return Status.PARTIAL, pipeline, shown[:5], "code, but no training script in the tree (modelling or inference code)"
    return Status.CLOSED, pipeline, [], "no code in the tree"


class GitHubReader:
    def __init__(self, fetcher: Fetcher | None = None, store: ReaderStore | None = None, options: GitHubOptions | None = None) -> None:
        self.options = options or GitHubOptions()
        self.fetcher = fetcher or Fetcher(allowed=(self.options.api,))
        self.store = store or ReaderStore(None)
        self.exhausted_until: float | None = None  # the quota is spent until then: ask no more

    def _headers(self) -> dict[str, str]:
        headers = {"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28"}
        if self.options.token:
            headers["Authorization"] = f"Bearer {self.options.token}"
        return headers

    def _get(self, path: str) -> Response:
        if self.exhausted_until is not None and time.time() < self.exhausted_until:
            raise FetchError(f"GitHub rate limit reached; resets at {_clock(self.exhausted_until)}")
        r = self.fetcher.get(f"{self.options.api.rstrip('/')}{path}", self._headers())
        if r.status in (403, 429) and (r.headers.get("x-ratelimit-remaining") == "0" or r.status == 429):
            reset = r.headers.get("x-ratelimit-reset", "")
            retry = r.headers.get("retry-after", "")
            until = float(reset) if reset.isdigit() else time.time() + (float(retry) if retry.isdigit() else 3600)
            self.exhausted_until = until
            raise FetchError(f"GitHub rate limit reached; resets at {_clock(until)}", r.status)
        return r

    def read(self, repo: str) -> RepoReading:
        """The repository as its tree shows it; :class:`NotFoundError` for a missing repository."""
        if not _REPO.match(repo):
            raise ValueError(f"not a GitHub owner/name: {repo!r}")
        key = repo.lower().removesuffix(".git")
        cached = self.store.get("github", key)
        if cached is not None:
            if cached[0] is None:
                raise NotFoundError(f"no GitHub repository {repo}")
            return RepoReading.model_validate(cached[0])
        meta = self._get(f"/repos/{key}")
        if meta.status == 404:
            self.store.put("github", key, None)
            raise NotFoundError(f"no GitHub repository {repo}")
        if meta.status != 200:
            raise FetchError(f"GitHub answered HTTP {meta.status} for {repo}", meta.status)
        info = _json(meta)
        branch = str(info.get("default_branch") or "HEAD")
        tree = self._get(f"/repos/{key}/git/trees/{branch}?recursive=1")
        if tree.status != 200:
            raise FetchError(f"GitHub answered HTTP {tree.status} for the tree of {repo}", tree.status)
        body = _json(tree)
        raw = body.get("tree")
        entries: list[object] = raw if isinstance(raw, list) else []
        paths = [str(e.get("path")) for e in entries if isinstance(e, dict) and e.get("type") == "blob" and e.get("path")]
        training, pipeline, files, reason = judge_tree(paths)
        if body.get("truncated") and training != Status.OPEN:
            training, reason = Status.UNKNOWN, "the tree is too large for GitHub to list in full; no training script among what it listed"
        lic = info.get("license")
        reading = RepoReading(
            repo=str(info.get("full_name") or repo),
            url=str(info.get("html_url") or f"https://github.com/{repo}"),
            license=str(lic.get("spdx_id")) if isinstance(lic, dict) and lic.get("spdx_id") not in (None, "NOASSERTION") else None,
            training_code=training,
            data_pipeline=pipeline,
            files=files,
            reason=reason,
        )
        self.store.put("github", key, reading.model_dump(mode="json"))
        return reading


def _json(r: Response) -> dict[str, object]:
    try:
        data = json.loads(r.body)
    except ValueError:
        raise FetchError("GitHub: malformed answer") from None
    if not isinstance(data, dict):
        raise FetchError("GitHub: unexpected answer")
    return data


def _clock(epoch: float) -> str:
    return time.strftime("%H:%M UTC", time.gmtime(epoch))
