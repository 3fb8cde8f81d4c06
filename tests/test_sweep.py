"""`openness sweep` and `sweep-report`: inputs, partitions, resume, the second pass, engines, the report."""

from __future__ import annotations

import json
import os
import pickle
import re
from collections.abc import Iterator
from concurrent.futures import BrokenExecutor, Executor, Future
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from openness.cli import cli
from tests.conftest import shared_path

pa = pytest.importorskip("pyarrow", reason="sweeps need the 'sweep' extra (pyarrow)")
pq = pytest.importorskip("pyarrow.parquet", reason="sweeps need the 'sweep' extra (pyarrow)")

from openness.batch.engines import InlineExecutor, open_executor  # noqa: E402
from openness.batch.inputs import SweepInput, card_id  # noqa: E402
from openness.batch.sweep import run_sweep  # noqa: E402
from openness.errors import InputError  # noqa: E402

OPEN_FINETUNE = """---
license: mit
base_model: acme/base
datasets:
- EleutherAI/pile
---
# A fine-tune
Fine-tuned on the Pile with [GPT-NeoX](https://github.com/EleutherAI/gpt-neox).
"""


def _dump_rows() -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = [
        {
            "modelId": "acme/base",
            "author": "acme",
            "card": "---\nlicense: apache-2.0\n---\nWeights.\n",
            "tags": [],
            "pipeline_tag": "text-generation",
        },
        {"modelId": "acme/mid", "author": "acme", "card": OPEN_FINETUNE, "tags": []},
        {"modelId": "acme/top", "author": "acme", "card": "---\nbase_model: acme/mid\nlicense: mit\n---\nAnother.\n", "tags": []},
        {"modelId": "zeta/orphan", "author": "zeta", "card": "---\nbase_model: nowhere/missing\n---\nA fine-tune.\n", "tags": []},
        {
            "modelId": "zeta/llama-ft",
            "author": "zeta",
            "card": "---\nbase_model: meta-llama/Llama-2-7b-hf\nlicense: mit\n---\n",
            "tags": [],
        },
        {"modelId": None, "author": None, "card": "no id", "tags": None},
        {
            "modelId": "<script>alert(1)</script>/x",
            "author": "<script>alert(1)</script>",
            "card": "---\nlicense: other\n---\nhi",
            "tags": ["license:other"],
        },
    ]
    rows += [{"modelId": f"bulk/m{i}", "author": "bulk", "card": f"---\nlicense: mit\n---\nModel {i}.\n", "tags": []} for i in range(13)]
    return rows


def _write_dump(path: Path, row_group_size: int = 8) -> Path:
    table = pa.Table.from_pylist(
        _dump_rows(),
        schema=pa.schema(
            [
                ("modelId", pa.string()),
                ("author", pa.string()),
                ("card", pa.string()),
                ("tags", pa.list_(pa.string())),
                ("pipeline_tag", pa.string()),
            ]
        ),
    )
    pq.write_table(table, path, row_group_size=row_group_size, compression="zstd")
    return path


def _read(out: Path) -> list[dict[str, Any]]:
    return pq.read_table(sorted(out.glob("part-*.parquet"))).to_pylist()


def _by_id(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {r["id"]: r for r in rows}


@pytest.fixture
def dump(tmp_path: Path) -> Path:
    return _write_dump(tmp_path / "dump.parquet")


def test_chunks_are_stable_and_cover_every_row(dump: Path) -> None:
    inp = SweepInput.open(str(dump), chunk_rows=3)
    chunks = list(inp.chunks())
    assert [c.key for c in chunks] == list(range(len(chunks)))
    assert sum(c.rows for c in chunks) == len(_dump_rows()) == inp.total_rows()
    assert all(c.rows <= 3 for c in chunks)
    again = {c.key: c for c in inp.chunks(want=lambda k: k == 4)}
    assert again[4].table is not None and again[4].table.equals(chunks[4].table)
    assert all(c.table is None for k, c in again.items() if k != 4)


def test_jsonl_and_card_folders_and_fsspec_urls_read_the_same_cards(tmp_path: Path, dump: Path) -> None:
    jsonl = tmp_path / "dump.jsonl"
    jsonl.write_text("".join(json.dumps(r) + "\n" for r in _dump_rows()) + "not json\n", encoding="utf-8")
    rows = [r for c in SweepInput.open(str(jsonl), 4).chunks() for r in c.table.to_pylist()]
    assert [r["modelId"] for r in rows][:5] == ["acme/base", "acme/mid", "acme/top", "zeta/orphan", "zeta/llama-ft"]
    assert rows[-1]["modelId"] == "dump.jsonl:line21" and rows[-1]["card"] is None

    folder = tmp_path / "cards"
    (folder / "acme" / "m").mkdir(parents=True)
    (folder / "acme" / "m" / "README.md").write_text("---\nlicense: mit\n---\n", encoding="utf-8")
    (folder / "org_name-with_under_README.md").write_text("hi", encoding="utf-8")
    inp = SweepInput.open(str(folder))
    assert inp.kind == "cards"
    assert sorted(r["modelId"] for c in inp.chunks() for r in c.table.to_pylist()) == ["acme/m", "org/name-with_under"]

    fsspec = pytest.importorskip("fsspec")
    fs = fsspec.filesystem("memory")
    fs.pipe("/sweep-test/d/part.parquet", dump.read_bytes())
    remote = SweepInput.open("memory://sweep-test/d")
    assert next(c.table for c in remote.chunks()).equals(next(SweepInput.open(str(dump)).chunks()).table)


def test_card_ids_from_file_names() -> None:
    assert card_id("EleutherAI_pythia-70m_README.md") == "EleutherAI/pythia-70m"
    assert card_id("org/model/README.md") == "org/model"
    assert card_id("notes/card.md") == "notes/card"


def test_unreadable_inputs_are_one_line_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        SweepInput.open(str(tmp_path / "missing.parquet"))
    bad = tmp_path / "bad.parquet"
    bad.write_bytes(b"not parquet")
    with pytest.raises(InputError, match="not a readable Parquet"):
        list(SweepInput.open(str(bad)).chunks())
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match="no Parquet files"):
        SweepInput.open(str(tmp_path / "empty"))


def _sweep(dump: Path, out: Path, engine: str = "serial", **kwargs: Any) -> Any:
    with open_executor(engine, 2) as (executor, slots):  # type: ignore[arg-type]
        return run_sweep(SweepInput.open(str(dump), 3), out, executor, slots, **kwargs)


def test_the_second_pass_resolves_bases_from_the_dump_round_by_round(dump: Path, tmp_path: Path) -> None:
    first = _by_id(_read(_sweep_no_second(dump, tmp_path / "one")))
    assert first["acme/mid"]["upper_bound"] and first["acme/mid"]["base_unresolved"] == ["acme/base"]
    assert first["acme/mid"]["training_data"] == "open"  # its own stage: an upper bound
    stats = _sweep(dump, tmp_path / "two")
    rows = _by_id(_read(tmp_path / "two"))
    base, mid, top = rows["acme/base"], rows["acme/mid"], rows["acme/top"]
    assert stats.second_pass_rounds == 2 and stats.second_pass_rows == 2 and stats.upper_bounds_removed == 2
    assert (mid["pass"], top["pass"], base["pass"]) == (2, 2, 1)
    assert not mid["upper_bound"] and not top["upper_bound"] and mid["base_unresolved"] == [] == top["base_unresolved"]
    # The chain: a fine-tune is no more open than its base.
    assert base["training_data"] == mid["training_data"] == top["training_data"] == "closed"
    assert mid["base_licenses"] == ["apache-2.0"] and mid["license_differs_from_base"] is True
    assert top["base_licenses"] == ["mit"]
    assert rows["zeta/orphan"]["upper_bound"] and rows["zeta/orphan"]["base_unresolved"] == ["nowhere/missing"]
    assert rows["zeta/llama-ft"]["pass"] == 1 and not rows["zeta/llama-ft"]["upper_bound"]  # the registry knows Llama 2
    # Everything else is as pass 1 left it.
    for rid in ("acme/base", "bulk/m3", "zeta/orphan"):
        assert rows[rid] == first[rid]


def _sweep_no_second(dump: Path, out: Path) -> Path:
    _sweep(dump, out, second_pass=False)
    return out


def test_one_bad_row_is_an_error_row_and_the_rest_are_written(dump: Path, tmp_path: Path) -> None:
    stats = _sweep(dump, tmp_path / "out")
    rows = _read(tmp_path / "out")
    assert len(rows) == stats.rows == len(_dump_rows()) and stats.errors == 1
    (bad,) = [r for r in rows if r["error"]]
    assert bad["error_kind"] == "InputError"
    parts = sorted((tmp_path / "out").glob("part-*.parquet"))
    assert len(parts) == stats.partitions_written == 8  # row groups of 8, 8, 4 in chunks of 3
    assert all(pq.ParquetFile(p).metadata.row_group(0).column(0).compression == "ZSTD" for p in parts)


def test_a_rerun_resumes_and_changed_input_is_refused(dump: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    _sweep(dump, out)
    before = _read(out)
    (out / "part-00002.parquet").unlink()  # as if the run had stopped before this partition
    manifest = json.loads((out / "_manifest.json").read_text())
    assert manifest["complete"] and manifest["second_pass"]["rows"] == 2
    stats = _sweep(dump, out)
    assert (stats.partitions_written, stats.partitions_skipped) == (1, 7)
    assert _read(out) == before
    _write_dump(dump, row_group_size=5)  # other input under the same name
    with pytest.raises(InputError, match="other input"):
        _sweep(dump, out)
    assert _sweep(dump, out, fresh=True).partitions_written == 8  # four row groups of 5
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "keep.txt").write_text("mine")
    with pytest.raises(InputError, match="not empty"):
        _sweep(dump, tmp_path / "other")


def test_embedded_processes_give_the_same_rows_as_one_process(dump: Path, tmp_path: Path) -> None:
    _sweep(dump, tmp_path / "serial")
    stats = _sweep(dump, tmp_path / "procs", engine="processes")
    assert len(stats.workers) >= 1 and all(":" in w for w in stats.workers)
    assert _read(tmp_path / "procs") == _read(tmp_path / "serial")


def test_a_task_that_fails_is_retried_row_by_row(dump: Path, tmp_path: Path) -> None:
    """A task lost with its worker is split until the row that did it is alone: that row is an error row."""

    class Flaky(InlineExecutor):
        def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Any:
            source = args[0].source  # the task names its rows; bulk/m4 is row 3 of row group 1
            if source.row_group == 1 and source.offset <= 3 < source.offset + source.rows:
                raise_in = RuntimeError("worker lost")
                future = super().submit(lambda: (_ for _ in ()).throw(raise_in))
                return future
            return super().submit(fn, *args, **kwargs)

    stats = run_sweep(SweepInput.open(str(dump), 3), tmp_path / "out", Flaky(), 1)
    rows = _by_id(_read(tmp_path / "out"))
    assert rows["bulk/m4"]["error_kind"] == "WorkerError" and "worker lost" in rows["bulk/m4"]["error"]
    assert rows["bulk/m3"]["error"] is None and rows["bulk/m5"]["error"] is None
    assert stats.rows == len(_dump_rows())


# -- the distributed engine -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def dask_address() -> Iterator[str]:
    distributed = pytest.importorskip("distributed", reason="the dask engine needs the 'sweep' extra (dask[distributed])")
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None)
    try:
        yield cluster.scheduler_address
    finally:
        cluster.close()


def _dask_sweep(path: str, out: Path, address: str, chunk_rows: int) -> Any:
    with open_executor("dask", address=address) as (executor, slots):
        return run_sweep(SweepInput.open(path, chunk_rows), out, executor, slots)


def test_dask_gives_the_same_rows_as_the_embedded_engine(dump: Path, tmp_path: Path, dask_address: str) -> None:
    _sweep(dump, tmp_path / "embedded", engine="processes")
    stats = _dask_sweep(str(dump), tmp_path / "dask", dask_address, 3)
    assert stats.second_pass_rows == 2
    assert _read(tmp_path / "dask") == _read(tmp_path / "embedded")


@pytest.mark.shared
def test_dask_and_embedded_agree_on_the_corpus_dump(tmp_path: Path, dask_address: str) -> None:
    corpus = shared_path("corpus", "model_cards.parquet")
    with open_executor("processes", 2) as (executor, slots):
        embedded = run_sweep(SweepInput.open(str(corpus)), tmp_path / "embedded", executor, slots)
    dask = _dask_sweep(str(corpus), tmp_path / "dask", dask_address, 5_000)
    assert dask.rows == embedded.rows == pq.ParquetFile(corpus).metadata.num_rows
    assert dask.second_pass_rows == embedded.second_pass_rows > 0
    for a, b in zip(sorted((tmp_path / "embedded").glob("part-*")), sorted((tmp_path / "dask").glob("part-*"))):
        assert pq.read_table(a).equals(pq.read_table(b)), a.name


# -- the commands ---------------------------------------------------------------------------------


def test_sweep_and_sweep_report_commands(dump: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    runner = CliRunner()
    result = runner.invoke(cli, ["sweep", str(dump), "-o", str(out), "--workers", "1", "--engine", "serial", "--chunk-rows", "4"])
    assert result.exit_code == 0, result.output
    assert "20 cards" in result.stderr and "1 error row" in result.stderr and "2 upper bound(s) removed" in result.stderr
    again = runner.invoke(cli, ["sweep", str(dump), "-o", str(out), "--engine", "serial", "--chunk-rows", "4", "--progress"])
    assert again.exit_code == 0 and "0 partition(s) written, 5 already done" in again.stderr
    assert "20/20 cards" in again.stderr  # the progress bar, on stderr
    result = runner.invoke(cli, ["sweep-report", str(out)])
    assert result.exit_code == 0, result.output
    figures = json.loads((out / "report.json").read_text())
    assert figures["rows"] == 20 and figures["errors"] == 1 and sum(figures["levels"].values()) == 19
    assert figures["counts"]["derived"] == 4 and figures["counts"]["derived_licence_differs_from_base"] == 2  # mid and llama-ft
    assert figures["counts"]["license_other"] == 1
    assert figures["by"]["organisation"][0] == {"name": "bulk", "cards": 13, "levels": figures["by"]["organisation"][0]["levels"]}
    assert {o["name"] for o in figures["top_organisations"]} >= {"acme", "zeta", "bulk"}
    page = (out / "report.html").read_text()
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)" in page
    assert "<svg" in page and "http://" not in page.replace("http://www.w3.org", "") and "https://" not in page


def test_the_page_runs_only_its_own_script_and_style(dump: Path, tmp_path: Path) -> None:
    import base64
    import hashlib

    out = tmp_path / "out"
    _sweep(dump, out)
    assert CliRunner().invoke(cli, ["sweep-report", str(out), "--html", str(tmp_path / "r.html")]).exit_code == 0
    page = (tmp_path / "r.html").read_text()
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page)
    assert csp is not None and "default-src 'none'" in csp.group(1) and "unsafe-inline" not in csp.group(1)
    scripts = re.findall(r"<script>(.*?)</script>", page, re.S)
    styles = re.findall(r"<style>(.*?)</style>", page, re.S)
    assert len(scripts) == 1 and len(styles) == 1
    for text in scripts + styles:
        digest = base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in csp.group(1)
    data = re.search(r'<script type="application/json" id="orgs">(.*?)</script>', page, re.S)
    assert data is not None and "<" not in data.group(1)
    assert any(o["name"] == "<script>alert(1)</script>" for o in json.loads(data.group(1)))


def test_command_errors_are_one_line(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["sweep", str(tmp_path / "nope.parquet"), "-o", str(tmp_path / "o")])
    assert result.exit_code == 2 and "no such file" in result.stderr and "Traceback" not in result.output
    (tmp_path / "empty").mkdir()
    result = runner.invoke(cli, ["sweep-report", str(tmp_path / "empty")])
    assert result.exit_code == 2 and "no sweep partitions" in result.stderr
    result = runner.invoke(cli, ["sweep", str(tmp_path), "-o", str(tmp_path / "o"), "--address", "tcp://127.0.0.1:1"])
    assert result.exit_code == 2 and "--engine dask" in result.stderr


# -- workers read their own rows and write their own partitions ---------------------------------


class _Recording(Executor):
    """Hands each task to a real executor, keeping what was sent and what came back."""

    def __init__(self, inner: Executor, fail_after: int | None = None) -> None:
        self.inner, self.fail_after = inner, fail_after
        self.sent: list[tuple[Any, ...]] = []
        self.futures: list[Future[Any]] = []

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future[Any]:
        if self.fail_after is not None and len(self.sent) >= self.fail_after:
            broken: Future[Any] = Future()
            broken.set_exception(BrokenExecutor("the pool went away"))
            return broken
        self.sent.append(args)
        future = self.inner.submit(fn, *args, **kwargs)
        self.futures.append(future)
        return future


def test_parquet_tasks_name_their_rows_and_workers_write_the_partitions(dump: Path, tmp_path: Path) -> None:
    with open_executor("processes", 2) as (pool, slots):
        recording = _Recording(pool)
        stats = run_sweep(SweepInput.open(str(dump), 3), tmp_path / "out", recording, slots)
    assert len(stats.workers) >= 1 and all(w.rsplit(":", 1)[1] != str(os.getpid()) for w in stats.workers)
    first = [(task, table) for task, table in recording.sent if not task.merge]
    assert len(first) == 8 and all(table is None and task.source is not None for task, table in first)  # no card text sent
    assert all(len(pickle.dumps(task)) < 2_000 for task, _ in recording.sent)
    results = [f.result() for f, (task, _) in zip(recording.futures, recording.sent) if not task.merge]
    assert all(out is None for out, _ in results)  # the worker wrote its partition and sent back only figures
    assert sorted(p.name for p in (tmp_path / "out").glob("part-*")) == [f"part-{k:05d}.parquet" for k in range(8)]
    assert sum(s.rows for _, s in results) == stats.rows == len(_dump_rows())
    second = [task for task, _ in recording.sent if task.merge]
    assert second and all(task.take and task.source is not None for task in second)
    serial = tmp_path / "serial"
    _sweep(dump, serial)
    assert _read(tmp_path / "out") == _read(serial)


def test_a_partial_run_resumes_where_it_stopped(dump: Path, tmp_path: Path) -> None:
    from openness.batch.sweep import SweepInterrupted

    out = tmp_path / "out"
    with pytest.raises(SweepInterrupted, match="rerun to resume"):
        run_sweep(SweepInput.open(str(dump), 3), out, _Recording(InlineExecutor(), fail_after=3), 1)
    manifest = json.loads((out / "_manifest.json").read_text())
    done = len(manifest["partitions"])
    assert 1 <= done <= 3 and set(manifest["partitions"]) <= {"0", "1", "2"} and not manifest["complete"]
    stats = run_sweep(SweepInput.open(str(dump), 3), out, InlineExecutor(), 1)
    assert (stats.partitions_written, stats.partitions_skipped) == (8 - done, done) and stats.second_pass_rows == 2
    _sweep(dump, tmp_path / "whole")
    assert _read(out) == _read(tmp_path / "whole")


def test_output_to_a_url(dump: Path, tmp_path: Path) -> None:
    fsspec = pytest.importorskip("fsspec")
    _sweep(dump, tmp_path / "local")
    # memory:// lives in this process: the serial engine, through the command line, report included
    runner = CliRunner()
    result = runner.invoke(cli, ["sweep", str(dump), "-o", "memory://sweeps/one", "--engine", "serial", "--chunk-rows", "3"])
    assert result.exit_code == 0, result.output
    fs = fsspec.filesystem("memory")
    names = sorted(p.rsplit("/", 1)[1] for p in fs.ls("/sweeps/one", detail=False))
    assert names == ["_manifest.json", *(f"part-{k:05d}.parquet" for k in range(8))]
    remote = pa.concat_tables([pq.read_table(fs.open(f"/sweeps/one/{n}", "rb")) for n in names[1:]]).to_pylist()
    assert remote == _read(tmp_path / "local")
    again = runner.invoke(cli, ["sweep", str(dump), "-o", "memory://sweeps/one", "--engine", "serial", "--chunk-rows", "3"])
    assert again.exit_code == 0 and "0 partition(s) written, 8 already done" in again.stderr
    result = runner.invoke(cli, ["sweep-report", "memory://sweeps/one"])
    assert result.exit_code == 0, result.output
    assert json.loads(fs.cat("/sweeps/one/report.json"))["rows"] == len(_dump_rows())
    # file:// with worker processes: each worker opens the URL itself
    url = (tmp_path / "viafile").as_uri()
    with open_executor("processes", 2) as (executor, slots):
        run_sweep(SweepInput.open(str(dump), 3), url, executor, slots)
    assert _read(tmp_path / "viafile") == _read(tmp_path / "local")


def test_an_unusable_output_url_is_a_one_line_error(dump: Path) -> None:
    pytest.importorskip("fsspec")
    runner = CliRunner()
    result = runner.invoke(cli, ["sweep", str(dump), "-o", "nosuchscheme://bucket/out", "--engine", "serial"])
    assert result.exit_code == 2 and "unknown URL scheme nosuchscheme://" in result.stderr and "Traceback" not in result.output
    result = runner.invoke(cli, ["sweep-report", "nosuchscheme://bucket/out"])
    assert result.exit_code == 2 and "unknown URL scheme" in result.stderr
    result = runner.invoke(cli, ["sweep", str(dump), "-o", "memory://x", "--engine", "processes"])
    assert result.exit_code == 2 and "--engine serial" in result.stderr


def test_input_workers_cannot_open_travels_with_its_tasks(dump: Path, tmp_path: Path) -> None:
    jsonl = tmp_path / "dump.jsonl"
    jsonl.write_text("".join(json.dumps(r) + "\n" for r in _dump_rows()), encoding="utf-8")
    recording = _Recording(InlineExecutor())
    stats = run_sweep(SweepInput.open(str(jsonl), 3), tmp_path / "j", recording, 1)
    assert all(table is not None and task.source is None for task, table in recording.sent)
    assert stats.second_pass_rows == 2
    _sweep(dump, tmp_path / "p")
    keep = ("id", "level", "upper_bound", "pass", "training_data", "base_unresolved")
    assert [{k: r[k] for k in keep} for r in _read(tmp_path / "j")] == [{k: r[k] for k in keep} for r in _read(tmp_path / "p")]
