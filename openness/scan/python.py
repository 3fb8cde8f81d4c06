"""Model ids loaded by Python sources, found with ``ast``: calls such as ``from_pretrained("org/name")``.

An argument counts when it is a string constant, a name bound once to a string constant in the
enclosing function or at module level, or ``os.getenv("VAR", "org/name")`` (its default).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass

from openness.scan.ids import looks_like_model_id

# call name -> (keyword holding the model id, its positional index)
CALLS: dict[str, tuple[str, int]] = {
    "from_pretrained": ("pretrained_model_name_or_path", 0),
    "pipeline": ("model", 1),
    "hf_hub_download": ("repo_id", 0),
    "snapshot_download": ("repo_id", 0),
    "SentenceTransformer": ("model_name_or_path", 0),
    "CrossEncoder": ("model_name_or_path", 0),
}
_AMBIGUOUS = object()
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)


@dataclass(frozen=True)
class Hit:
    model: str
    line: int
    via: str


def _call_name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return None


def _walk_scope(body: list[ast.stmt]) -> Iterator[ast.AST]:
    """Every node of a scope's body, not descending into nested functions or classes."""
    stack: list[ast.AST] = list(reversed(body))
    while stack:
        node = stack.pop()
        yield node
        if not isinstance(node, _SCOPES):
            stack.extend(reversed(list(ast.iter_child_nodes(node))))


def _string_bindings(body: list[ast.stmt]) -> dict[str, object]:
    """Names bound to a string constant in this scope; a name bound more than once is ambiguous."""
    bindings: dict[str, object] = {}
    for node in _walk_scope(body):
        target: ast.expr | None = None
        value: ast.expr | None = None
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
        elif isinstance(node, ast.AnnAssign):
            target, value = node.target, node.value
        elif isinstance(node, (ast.AugAssign, ast.For, ast.With)):
            for name in ast.walk(getattr(node, "target", node)):
                if isinstance(name, ast.Name) and isinstance(name.ctx, ast.Store):
                    bindings[name.id] = _AMBIGUOUS
            continue
        if not isinstance(target, ast.Name):
            continue
        text = value.value if isinstance(value, ast.Constant) and isinstance(value.value, str) else _AMBIGUOUS
        bindings[target.id] = text if target.id not in bindings else _AMBIGUOUS
    return bindings


def _resolve(node: ast.expr, scopes: list[dict[str, object]]) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Name):
        for scope in reversed(scopes):
            if node.id in scope:
                found = scope[node.id]
                return found if isinstance(found, str) else None
        return None
    if isinstance(node, ast.Call) and _call_name(node.func) in {"getenv", "get"} and len(node.args) == 2:
        return _resolve(node.args[1], scopes)
    return None


def _argument(call: ast.Call, keyword: str, index: int) -> ast.expr | None:
    for kw in call.keywords:
        if kw.arg == keyword:
            return kw.value
    if len(call.args) > index and not any(isinstance(a, ast.Starred) for a in call.args[: index + 1]):
        return call.args[index]
    return None


def _is_dataset(call: ast.Call, scopes: list[dict[str, object]]) -> bool:
    for kw in call.keywords:
        if kw.arg == "repo_type":
            return _resolve(kw.value, scopes) in {"dataset", "space"}
    return False


def _revision(call: ast.Call, scopes: list[dict[str, object]]) -> str | None:
    for kw in call.keywords:
        if kw.arg == "revision":
            rev = _resolve(kw.value, scopes)
            return rev if rev and "@" not in rev and "/" not in rev else None
    return None


def find_models(source: str, filename: str = "<string>") -> list[Hit]:
    """Model ids loaded in ``source``; raises ``SyntaxError``/``ValueError`` for code that does not parse."""
    tree = ast.parse(source, filename=filename)
    hits: list[Hit] = []

    def visit(body: list[ast.stmt], scopes: list[dict[str, object]]) -> None:
        scopes = [*scopes, _string_bindings(body)]
        for node in _walk_scope(body):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                visit(node.body, scopes)
            elif isinstance(node, ast.ClassDef):
                visit(node.body, scopes)
            elif isinstance(node, ast.Call):
                name = _call_name(node.func)
                if name not in CALLS or _is_dataset(node, scopes):
                    continue
                keyword, index = CALLS[name]
                arg = _argument(node, keyword, index)
                value = _resolve(arg, scopes) if arg is not None else None
                if value and looks_like_model_id(value, allow_bare=True):
                    rev = _revision(node, scopes)
                    hits.append(Hit(f"{value}@{rev}" if rev else value, node.lineno, name))

    visit(tree.body, [])
    return hits
