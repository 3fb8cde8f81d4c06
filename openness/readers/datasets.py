"""Read a Hub dataset's card: is the data public, gated or private, under which licence, and is the
code that built it linked?

Two requests per dataset, cached (404s and gated answers too): the Hub API's
``GET /api/datasets/{id}`` (``gated``, ``private``, ``disabled``, ``cardData``, ``tags``,
``siblings``; the fields ``huggingface_hub``'s ``dataset_info`` reads), then the dataset card
``/datasets/{id}/resolve/{sha}/README.md``. Only the configured Hub endpoint is contacted, every
answer is size-capped and deadline-bound (:class:`~openness.readers.fetch.Fetcher`), and the token
is sent but never shown, logged or cached.

What is decided (GUIDE): a public dataset is ``open`` training data; a gated or registration-only
one ``partial``; a private or disabled one ``closed``. A GitHub link in the dataset card on a line
that says it is the code that generated, built or processed the data is its construction code
(``open``); processing scripts among the repository's own files are ``partial``. A repository that
holds only images or media, under a name saying so (``documentation-images``, ``sample_images``),
hosts a card's pictures and is not training data.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Literal
from urllib.parse import quote

from pydantic import BaseModel, Field

from openness.card import as_list, parse_card
from openness.errors import NotFoundError
from openness.models import Status
from openness.readers.fetch import Fetcher, FetchError, Response
from openness.readers.github import _DATA as _PROCESSING_FILE
from openness.readers.store import ReaderStore
from openness.redact import redact
from openness.settings import DEFAULT_ENDPOINT
from openness.sources.ids import is_dataset_id

MAX_INFO_BYTES = 2_000_000  # an info answer lists every file; the largest real ones are well under this
MAX_CARD_BYTES = 1_000_000
# Only the fields the decision needs (huggingface_hub's ExpandDatasetProperty_T names).
EXPAND = ("cardData", "gated", "private", "disabled", "tags", "siblings", "sha")
Access = Literal["public", "gated", "private", "disabled"]

# A line that links the code which made the data (the Hub's dataset-card template says "Dataset Creation",
# "Curation Rationale", "Source Data"; cards write "the code used to generate/build/process ...").
_CONSTRUCTION = re.compile(
    r"\b(generat\w*|creat(e|ed|ing)|construct\w*|buil[dt]\w*|collect\w*|crawl\w*|scrap\w*|process\w*|pipeline|"
    r"filter\w*|clean\w*|de-?dup\w*|curat\w*|prepar\w*|extract\w*|reproduc\w*)\b",
    re.I,
)
_CODE_WORD = re.compile(r"\b(code|scripts?|repo(sitory)?|github|toolkit|tool(s|ing)?|source)\b", re.I)
_CREATION_HEADING = re.compile(r"creation|curation|source data|collection|processing|construction|how .* (made|built)", re.I)
# Code that trains or evaluates models on the data is not the data's construction code.
_MODEL_CODE = re.compile(r"\b(baselines?|leaderboard|evaluat\w*|inference|demo|train(ed|ing)? (a |the |our )?models?)\b", re.I)
# In the corpus's cards, 646 of the 668 links to files in Hub dataset repositories point at images kept
# in repositories named so (huggingface/documentation-images 359, mishig/sample_images 273,
# patrickvonplaten/images 12, */hosted-images, */images); a few images under another name can be training data.
_MEDIA = re.compile(r"\.(png|jpe?g|gif|svg|webp|bmp|tiff?|ico|mp4|webm|mov|avif)$", re.I)
_ASSET_NAME = re.compile(
    r"(^|[-_/])(images?|imgs?|assets?|media|figures?|pics?|pictures|logos?|screenshots?|banners?|icons?|hosted|documentation)([-_]|$)", re.I
)
_HOUSEKEEPING = re.compile(r"(^|/)(readme\.md|\.gitattributes|\.gitignore|license(\.\w+)?)$", re.I)


@dataclass(frozen=True)
class HubDatasetOptions:
    endpoint: str = DEFAULT_ENDPOINT
    token: str | None = None  # the Hugging Face token; never printed, logged, cached or echoed


class DatasetReading(BaseModel):
    """What a dataset's Hub page and card say."""

    dataset: str
    url: str = Field(description="the dataset's page, which the evidence cites")
    card_url: str = ""
    access: Access
    license: str | None = None
    construction_code: Status = Status.UNKNOWN
    construction_code_url: str | None = None
    construction_line: int | None = Field(default=None, description="line of the dataset card that links it")
    construction_quote: str = ""
    assets_only: bool = Field(default=False, description="the repository only hosts images or media for a card")
    card_read: bool = False
    note: str = ""

    @property
    def availability(self) -> Status:
        """GUIDE: gated or registration-only data is partial; private or disabled data is not released."""
        return {"public": Status.OPEN, "gated": Status.PARTIAL}.get(self.access, Status.CLOSED)


def construction_code(card: str) -> tuple[Status, str | None, int | None, str]:
    """(status, code URL, card line, the line) of the construction code a dataset card links."""
    parsed = parse_card(card)
    lines = parsed.body.splitlines()
    headings = sorted(((s.start_line, s.heading) for s in parsed.sections), reverse=True)
    for link in parsed.links:
        if link.kind != "code" or link.line is None:
            continue
        i = link.line - parsed.body_line
        text = " ".join(lines[max(0, i - 1) : i + 1]) if 0 <= i < len(lines) else ""  # a sentence may wrap onto the link's line
        heading = next((h for start, h in headings if start <= link.line), "")
        said = bool(_CONSTRUCTION.search(text) and _CODE_WORD.search(text)) or bool(_CREATION_HEADING.search(heading))
        if said and not (_MODEL_CODE.search(text) and not _CONSTRUCTION.search(text)):
            return Status.OPEN, link.url, link.line, " ".join(text.split())[:200]
    return Status.UNKNOWN, None, None, ""


def is_assets_only(dataset: str, files: list[str]) -> bool:
    """Only media files (besides the card and git housekeeping), under a name that says it holds images."""
    content = [f for f in files if not _HOUSEKEEPING.search(f)]
    return bool(content) and all(_MEDIA.search(f) for f in content) and bool(_ASSET_NAME.search(dataset.rsplit("/", 1)[-1]))


class HubDatasetReader:
    def __init__(self, store: ReaderStore | None = None, options: HubDatasetOptions | None = None) -> None:
        self.options = options or HubDatasetOptions()
        endpoint = self.options.endpoint.rstrip("/")
        self.endpoint = endpoint
        self.info_fetcher = Fetcher(allowed=(endpoint,), max_bytes=MAX_INFO_BYTES)
        self.card_fetcher = Fetcher(allowed=(endpoint,), max_bytes=MAX_CARD_BYTES)
        self.store = store or ReaderStore(None)

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.options.token}"} if self.options.token else {}

    def read(self, dataset: str) -> DatasetReading:
        """The dataset as its Hub page and card show it; :class:`NotFoundError` when the Hub has no
        public dataset of that id (missing, or private to others)."""
        if not is_dataset_id(dataset):
            raise ValueError(f"not a Hub dataset id: {dataset!r}")
        key = dataset.lower()
        cached = self.store.get("hub-dataset", key)
        if cached is not None:
            if cached[0] is None:
                raise NotFoundError(f"no public Hub dataset {dataset}")
            return DatasetReading.model_validate(cached[0])
        reading, lasting = self._read(dataset)
        if lasting:  # a card the Hub failed to serve (5xx, 429) is asked for again next run
            self.store.put("hub-dataset", key, reading.model_dump(mode="json") if reading is not None else None)
        if reading is None:
            raise NotFoundError(f"no public Hub dataset {dataset}")
        return reading

    def _read(self, dataset: str) -> tuple[DatasetReading | None, bool]:
        """(the reading, ``None`` for no such public dataset; whether the answer is worth caching)."""
        path = quote(dataset, safe="/")
        page = f"{self.endpoint}/datasets/{path}"
        query = "&".join(f"expand={field}" for field in EXPAND)
        r = self.info_fetcher.get(f"{self.endpoint}/api/datasets/{path}?{query}", self._headers())
        if r.status != 200 and ("disabled" in r.headers.get("x-error-message", "").lower() or r.status == 410):
            return DatasetReading(dataset=dataset, url=page, access="disabled", note="disabled on the Hub"), True
        if r.status in (401, 404) and r.headers.get("x-error-code", "RepoNotFound") == "RepoNotFound":
            return None, True  # the Hub answers a missing dataset and another's private one alike
        if r.status != 200:
            raise FetchError(f"the Hub answered HTTP {r.status} for dataset {dataset}", r.status)
        info = _json(r)
        raw_card_data = info.get("cardData")
        card_data: dict[str, object] = raw_card_data if isinstance(raw_card_data, dict) else {}
        raw_tags = info.get("tags")
        tags = [t for t in raw_tags if isinstance(t, str)] if isinstance(raw_tags, list) else []
        licences = [str(x) for x in as_list(card_data.get("license"))] or [t.split(":", 1)[1] for t in tags if t.startswith("license:")]
        if licences == ["other"] and card_data.get("license_name"):
            licences = [str(card_data["license_name"])]
        siblings = info.get("siblings")
        files = [str(s["rfilename"]) for s in siblings if isinstance(s, dict) and s.get("rfilename")] if isinstance(siblings, list) else []
        access: Access = (
            "disabled" if info.get("disabled") else "private" if info.get("private") else "gated" if info.get("gated") else "public"
        )
        reading = DatasetReading(
            dataset=str(info.get("id") or dataset),
            url=page,
            access=access,
            license=", ".join(licences) or None,
            assets_only=is_assets_only(dataset, files),
            note={"gated": f"gated ({info.get('gated')} approval)", "private": "private: readable with this token only"}.get(access, ""),
        )
        scripts = [f for f in files if _PROCESSING_FILE.search(f)]
        if scripts:
            reading.construction_code, reading.construction_code_url = Status.PARTIAL, f"{page}/blob/main/{scripts[0]}"
        if files and "README.md" not in files:
            return reading, True
        sha = str(info.get("sha") or "main")
        reading.card_url = f"{page}/resolve/{quote(sha, safe='')}/README.md"
        try:
            card = self.card_fetcher.get(reading.card_url, self._headers())
        except FetchError as exc:
            if exc.status is None:
                raise
            reading.note = "; ".join(x for x in (reading.note, f"dataset card not read: {redact(exc.reason)}") if x)
            return reading, True
        if card.status != 200:
            why = "gated" if card.status in (401, 403) else f"HTTP {card.status}"
            reading.note = "; ".join(x for x in (reading.note, f"dataset card not read ({why})") if x)
            return reading, card.status < 500 and card.status != 429
        reading.card_read = True
        status, url, line, quoted = construction_code(card.text())
        if status != Status.UNKNOWN:
            reading.construction_code, reading.construction_code_url = status, url
            reading.construction_line, reading.construction_quote = line, quoted
        return reading, True


def _json(r: Response) -> dict[str, object]:
    try:
        data = json.loads(r.body)
    except ValueError:
        raise FetchError("the Hub: malformed answer") from None
    if not isinstance(data, dict):
        raise FetchError("the Hub: unexpected answer")
    return data
