"""The package's shape: no import cycles, settings a leaf, the speed code behind one seam, the pipeline's stages where audit.py says."""

from __future__ import annotations

import ast
from pathlib import Path

from openness.audit import Auditor, AuditSettings
from openness.errors import SourceError
from openness.models import Release
from openness.readers import readers_for
from openness.readers.base import LinkedSource, gather_evidence
from openness.release import build_release

PACKAGE = Path(__file__).resolve().parent.parent / "openness"


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph() -> dict[str, set[str]]:
    """Module -> the package's modules it imports (at any level, type-checking imports included)."""
    modules = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        deps: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                submodules = {f"{node.module}.{a.name}" for a in node.names} & modules.keys()
                deps |= submodules if len(submodules) == len(node.names) else {node.module} | submodules
            elif isinstance(node, ast.Import):
                deps |= {a.name for a in node.names}
        graph[name] = {d for d in deps if d in modules and d != name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_no_import_cycles() -> None:
    graph = import_graph()
    assert "openness.audit" in graph["openness.cli.audit"]  # the graph sees the imports at all
    assert cycles(graph) == []


def test_settings_is_a_leaf_and_sources_know_nothing_of_the_pipeline() -> None:
    graph = import_graph()
    assert graph["openness.settings"] == set()
    for name, deps in graph.items():
        if name.startswith("openness.sources"):
            assert not deps & {"openness.audit", "openness.chain", "openness.level"}, name


SEAM = "openness.engine.scan"  # the speed code: Hyperscan prefilter, text search, views
BOUNDARY = ("openness.models", "openness.card", "openness.release", "openness.sources")


def _reachable(graph: dict[str, set[str]], start: str) -> set[str]:
    seen: set[str] = set()
    todo = [start]
    while todo:
        for dep in graph[todo.pop()] - seen:
            seen.add(dep)
            todo.append(dep)
    return seen


def _in_seam(module: str) -> bool:
    return module == SEAM or module.startswith(SEAM + ".")


def test_the_boundary_models_the_parser_and_the_sources_know_nothing_of_the_speed_code() -> None:
    graph = import_graph()
    boundary = [m for m in graph if any(m == b or m.startswith(b + ".") for b in BOUNDARY)]
    assert {"openness.models", "openness.card", "openness.release", "openness.sources.hub"} <= set(boundary)
    assert any(_in_seam(d) for d in graph["openness.engine.facts"])  # the graph sees the seam at all
    for name in boundary:
        assert not {d for d in _reachable(graph, name) if _in_seam(d)}, name  # directly or through another module


def _imported_names(path: Path) -> set[str]:
    """Every module ``path`` imports, the package's or not, ``importlib.import_module("x")`` included."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "import_module":
            names |= {a.value for a in node.args[:1] if isinstance(a, ast.Constant) and isinstance(a.value, str)}
    return names


def test_the_speed_code_is_used_through_its_package_and_alone_imports_hyperscan() -> None:
    graph = import_graph()
    for name, deps in graph.items():
        if not _in_seam(name):
            assert not {d for d in deps if d.startswith(SEAM + ".")}, f"{name} imports the seam's internals"
    importers = {module_name(p) for p in PACKAGE.rglob("*.py") if "hyperscan" in _imported_names(p)}
    assert importers == {SEAM + ".prefilter"}


def test_settings_from_the_environment_and_given_values_first() -> None:
    env = {"HF_ENDPOINT": "http://127.0.0.1:1", "OPENNESS_TOKEN": "t-1", "HF_TOKEN": "t-2", "HF_HUB_OFFLINE": "1"}
    settings = AuditSettings.from_env(env)
    assert (settings.endpoint, settings.token, settings.offline) == ("http://127.0.0.1:1", "t-1", True)
    given = AuditSettings.from_env(env, endpoint="http://127.0.0.1:2", token="t-3")
    assert (given.endpoint, given.token) == ("http://127.0.0.1:2", "t-3")
    assert not AuditSettings.from_env({"HF_HUB_OFFLINE": "0"}).offline


def test_offline_there_are_no_evidence_readers() -> None:
    assert readers_for(AuditSettings(offline=True)) == []


class _Reader:
    """A reader over the release's own links, as a real one reads them (nothing fetched)."""

    name = "links"

    def read(self, release: Release) -> list[LinkedSource]:
        return [LinkedSource(kind="code", ref=link.target, url=link.url, reader=self.name) for link in release.links if link.kind == "code"]


class _Broken:
    name = "broken"

    def read(self, release: Release) -> list[LinkedSource]:
        raise SourceError("the service did not answer in time")


def test_the_evidence_stage_collects_readers_sources_and_a_failing_reader_is_a_warning() -> None:
    release = build_release("acme/m", "# M\n\nCode: https://github.com/acme/train\n")
    evidence = gather_evidence(release, [_Broken(), _Reader()])
    assert [(s.kind, s.ref) for s in evidence.sources] == [("code", "acme/train")]
    assert evidence.warnings == ["evidence reader broken: the service did not answer in time"]
    assert evidence.of_kind("paper") == []


def test_a_failing_reader_stops_no_audit_and_is_a_warning_of_the_report() -> None:
    auditor = Auditor.from_settings(AuditSettings(offline=True))
    release = build_release("acme/m", "# M\n\nCode: https://github.com/acme/train\n")
    without = auditor.audit_release(release)
    auditor.pipeline.readers = [_Broken(), _Reader()]
    report = auditor.audit_release(release)
    assert report.warnings == [*without.warnings, "evidence reader broken: the service did not answer in time"]
    assert report.model_dump(exclude={"warnings"}) == without.model_dump(exclude={"warnings"})
