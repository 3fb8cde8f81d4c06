"""Walk a code base and collect model references; one unreadable or broken file never stops the scan."""

from __future__ import annotations

from pathlib import Path

from openness.errors import OpennessError
from openness.scan import configs, python
from openness.scan.models import Location, Reference, ScanProblem, ScanResult
from openness.scan.python import Hit
from openness.textfile import read_regular, walk_files

SKIP_DIRS = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        ".venv",
        "venv",
        "node_modules",
        "__pycache__",
        ".tox",
        ".nox",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
        "site-packages",
        ".eggs",
        "dist",
        "build",
        ".idea",
        ".vscode",
        ".cache",
    }
)
SUFFIXES = frozenset({".py", ".yaml", ".yml", ".json"})
MAX_FILE_BYTES = 1_000_000
MAX_FILES = 50_000


def _skip_dir(path: Path) -> bool:
    return path.name in SKIP_DIRS or path.name.endswith(".egg-info") or (path / "pyvenv.cfg").is_file()


def _files(root: Path) -> list[Path]:
    if root.is_file():
        return [root]
    return [path for path in walk_files(root, _skip_dir) if path.suffix.lower() in SUFFIXES]


def _display(path: Path) -> str:
    """The path relative to the working directory when it lies below it (SARIF wants repo-relative URIs)."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def scan_file(path: Path) -> list[Hit]:
    """Model ids referenced in one file; raises ``OSError``/``ValueError``/``SyntaxError``/``OpennessError``."""
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise ValueError(f"larger than {MAX_FILE_BYTES:,} bytes; skipped")
    text = read_regular(path, MAX_FILE_BYTES).decode("utf-8-sig")
    if path.suffix.lower() == ".py":
        return python.find_models(text, str(path))
    return configs.find_models(text, path.name)


def scan_path(*roots: Path) -> ScanResult:
    """Scan files and directories (skipping VCS, virtualenv and build directories) for model ids."""
    result = ScanResult()
    by_model: dict[str, Reference] = {}
    for root in roots:
        if not root.exists():
            result.problems.append(ScanProblem(path=str(root), error="no such file or directory"))
            continue
        for path in _files(root):
            if result.files_scanned >= MAX_FILES:
                result.problems.append(ScanProblem(path=str(root), error=f"more than {MAX_FILES:,} files; the rest were not scanned"))
                break
            shown = _display(path)
            try:
                hits = scan_file(path)
            except SyntaxError as exc:
                result.problems.append(ScanProblem(path=shown, error=f"syntax error at line {exc.lineno}: {exc.msg}"))
                continue
            except UnicodeDecodeError:
                result.problems.append(ScanProblem(path=shown, error="not valid UTF-8"))
                continue
            except MemoryError:
                result.problems.append(ScanProblem(path=shown, error="too large to parse in memory; skipped"))
                continue
            except RecursionError:
                result.problems.append(ScanProblem(path=shown, error="nests too deeply to parse; skipped"))
                continue
            except (OSError, ValueError, OpennessError) as exc:
                message = getattr(exc, "strerror", None) or str(exc)
                result.problems.append(ScanProblem(path=shown, error=str(message).splitlines()[0] if message else type(exc).__name__))
                continue
            finally:
                result.files_scanned += 1
            for hit in hits:
                ref = by_model.setdefault(hit.model, Reference(model=hit.model))
                loc = Location(path=shown, line=hit.line, via=hit.via)
                if loc not in ref.locations:
                    ref.locations.append(loc)
    result.references = list(by_model.values())
    return result
