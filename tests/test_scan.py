"""--scan: model ids a code base loads, with file and line; broken files reported and skipped."""

from __future__ import annotations

from pathlib import Path

import pytest

from openness.scan import scan_path
from openness.scan.ids import looks_like_model_id
from openness.scan.python import find_models
from openness.scan.walk import MAX_FILE_BYTES

PROJECT = Path(__file__).resolve().parent / "fixtures" / "scan_project"


@pytest.fixture(scope="module")
def found() -> dict[str, list[tuple[str, int | None, str]]]:
    result = scan_path(PROJECT)
    return {
        r.model: [(Path(loc.path).resolve().relative_to(PROJECT).as_posix(), loc.line, loc.via) for loc in r.locations]
        for r in result.references
    }


def test_sample_project_ids_with_file_and_line(found: dict[str, list[tuple[str, int | None, str]]]) -> None:
    assert found["meta-llama/Llama-3.1-8B-Instruct"] == [
        ("src/app/generate.py", 13, "from_pretrained"),
        ("src/app/generate.py", 14, "from_pretrained"),
    ]
    assert found["distilbert/distilbert-base-uncased-finetuned-sst-2-english"] == [("src/app/generate.py", 23, "pipeline")]
    assert found["facebook/bart-large-cnn"] == [("src/app/generate.py", 27, "pipeline")]  # annotated module constant
    assert found["mistralai/Mistral-7B-Instruct-v0.3"] == [("src/app/generate.py", 31, "from_pretrained")]  # getenv default
    assert found["gpt2"] == [("src/app/generate.py", 35, "from_pretrained")]
    assert found["sentence-transformers/all-MiniLM-L6-v2"] == [("src/app/embed.py", 7, "SentenceTransformer")]  # local variable
    assert found["stabilityai/stable-diffusion-3.5-medium"] == [("src/app/embed.py", 11, "hf_hub_download")]
    assert found["Qwen/Qwen2.5-7B-Instruct@a09a354"] == [("src/app/embed.py", 12, "snapshot_download")]
    assert found["EleutherAI/pythia-160m"] == [("configs/train.yaml", 2, "config key model_name_or_path")]
    assert found["google/gemma-2-2b"] == [("configs/train.yaml", 3, "config key base_model")]
    assert found["BAAI/bge-small-en-v1.5"] == [("configs/serve.json", 3, "config key model_id")]
    assert found["microsoft/Phi-3-mini-4k-instruct"] == [("configs/serve.json", 4, "config key repo_id")]


def test_sample_project_skips_what_is_not_a_model(found: dict[str, list[tuple[str, int | None, str]]]) -> None:
    ids = set(found)
    assert "HuggingFaceFW/fineweb" not in ids  # repo_type="dataset"
    assert "should/not-appear" not in ids  # node_modules
    assert "never/seen" not in ids  # inside the broken file
    assert not {"large", "gpt-4o", "./checkpoints/best", "first/candidate", "second/candidate"} & ids
    assert not any(i.startswith("org/") for i in ids)  # f-string
    assert len(ids) == 13


def test_broken_files_are_reported_and_the_scan_continues() -> None:
    result = scan_path(PROJECT)
    problems = {Path(p.path).name: p.error for p in result.problems}
    assert problems.keys() == {"broken.py", "broken.yaml"}
    assert problems["broken.py"].startswith("syntax error at line 3")
    assert "invalid YAML" in problems["broken.yaml"]
    assert result.files_scanned == 6


def test_skips_virtualenvs_vcs_and_oversized_files(tmp_path: Path) -> None:
    code = 'from transformers import AutoModel\nAutoModel.from_pretrained("{}")\n'
    for sub, model in [(".venv/lib", "venv/model"), (".git", "git/model"), ("env", "env/model"), ("src", "real/model")]:
        (tmp_path / sub).mkdir(parents=True)
        (tmp_path / sub / "m.py").write_text(code.format(model))
    (tmp_path / "env" / "pyvenv.cfg").write_text("home = /usr/bin\n")
    (tmp_path / "big.py").write_text("#" * (MAX_FILE_BYTES + 1))
    (tmp_path / "latin.py").write_bytes(b"# caf\xe9\n")
    result = scan_path(tmp_path)
    assert [r.model for r in result.references] == ["real/model"]
    errors = {Path(p.path).name: p.error for p in result.problems}
    assert "larger than" in errors["big.py"] and errors["latin.py"] == "not valid UTF-8"


def test_single_file_and_missing_path(tmp_path: Path) -> None:
    f = tmp_path / "one.py"
    f.write_text('pipeline(model="org/one")\n')
    assert [r.model for r in scan_path(f, tmp_path / "absent").references] == ["org/one"]
    assert scan_path(tmp_path / "absent").problems[0].error == "no such file or directory"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ('x.from_pretrained(pretrained_model_name_or_path="a/b")', ["a/b"]),
        ('pipeline(task="ner", model="a/b")', ["a/b"]),
        ('pipeline("ner")', []),
        ('hf_hub_download("a/b", "f.bin")', ["a/b"]),
        ('hf_hub_download("a/b", "f.bin", repo_type="space")', []),
        ('M = "a/b"\nclass C:\n    def f(self):\n        return from_pretrained(M)', ["a/b"]),
        ('M = "a/b"\nM = "c/d"\nfrom_pretrained(M)', []),
        ('for M in ["a/b"]:\n    from_pretrained(M)', []),
        ("from_pretrained(*args)", []),
        ('from_pretrained("/abs/path")', []),
        ('from_pretrained("https://example.com/a/b")', []),
        ('from_pretrained("model.safetensors")', []),
        ('from_pretrained("a/b", revision="v1.0")', ["a/b@v1.0"]),
    ],
)
def test_python_calls(source: str, expected: list[str]) -> None:
    assert [h.model for h in find_models(source)] == expected


@pytest.mark.parametrize(
    ("value", "bare", "ok"),
    [
        ("org/name", False, True),
        ("gpt2", True, True),
        ("gpt2", False, False),
        ("a/b/c", True, False),
        ("../x", True, False),
        ("org/na--me", True, False),
        ("1234", True, False),
        ("org/name.v1", False, True),
    ],
)
def test_model_id_shape(value: str, bare: bool, ok: bool) -> None:
    assert looks_like_model_id(value, allow_bare=bare) is ok
