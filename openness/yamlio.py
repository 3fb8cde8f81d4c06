"""Safe YAML loading shared by every data file the tool reads (rules, licences, registry, policies)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from openness.errors import DataError

M = TypeVar("M", bound=BaseModel)

_BASE_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C parser: safe, and much faster
_STR_TAG = "tag:yaml.org,2002:str"
_SEQ_TAG = "tag:yaml.org,2002:seq"
_MAP_TAG = "tag:yaml.org,2002:map"
# First characters of plain scalars that an implicit resolver (bool, int, float, null, timestamp,
# merge, value) may claim; any other plain scalar is a string.
_IMPLICIT_FIRST = frozenset(ch for ch in _BASE_LOADER.yaml_implicit_resolvers if ch)
assert not _BASE_LOADER.yaml_path_resolvers  # the safe loader has none: see _SafeLoader.descend_resolver


class _NotPlain(Exception):
    """A document the fast constructor leaves to PyYAML's (merge keys, other tags, cycles, depth)."""


class _SafeLoader(_BASE_LOADER):  # type: ignore[misc]
    """The safe loader, faster on what card front matter is made of: plain strings, lists and maps.

    Plain scalars that no implicit resolver can claim are strings without trying the resolvers, and
    trees of strings, scalars, lists and maps are built in one recursive pass (aliases shared, as
    PyYAML shares them). Anything else (merge keys, set/omap/pairs, a recursive alias, very deep
    nesting) is built by PyYAML's own constructor, so the result is always PyYAML's.
    """

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        """Path resolvers are never registered on this loader: nothing to track (called for every node)."""

    def ascend_resolver(self) -> None:
        """See :meth:`descend_resolver`."""

    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        if kind is yaml.ScalarNode and implicit[0] and value and value[0] not in _IMPLICIT_FIRST:
            return _STR_TAG
        return super().resolve(kind, value, implicit)

    def construct_document(self, node: Any) -> Any:
        try:
            return self._plain(node, {})
        except (_NotPlain, RecursionError):
            return super().construct_document(node)

    def _plain(self, node: Any, built: dict[int, Any]) -> Any:
        key = id(node)
        if key in built:
            if built[key] is _NotPlain:  # a node inside itself: PyYAML builds recursive objects
                raise _NotPlain
            return built[key]
        kind, tag = type(node), node.tag
        if kind is yaml.ScalarNode:
            if tag == _STR_TAG:
                return node.value
            construct = self.yaml_constructors.get(tag)
            if construct is None:
                raise _NotPlain
            value = built[key] = construct(self, node)
            return value
        built[key] = _NotPlain
        if kind is yaml.SequenceNode and tag == _SEQ_TAG:
            value = [self._plain(child, built) for child in node.value]
        elif kind is yaml.MappingNode and tag == _MAP_TAG:
            value = {}
            for key_node, value_node in node.value:
                if key_node.tag != _STR_TAG and key_node.tag in ("tag:yaml.org,2002:merge", "tag:yaml.org,2002:value"):
                    raise _NotPlain
                k = self._plain(key_node, built)
                if not isinstance(k, (str, int, float, bool, type(None))):
                    raise _NotPlain  # PyYAML's rules for complex keys, and its error for unhashable ones
                value[k] = self._plain(value_node, built)
        else:
            raise _NotPlain
        built[key] = value
        return value


SAFE_LOADER: Any = _SafeLoader

# What any one document may hold once its aliases are followed, and how deep it may nest. Real
# front matter, rules and policies stay far below both; an alias bomb ("billion laughs") of a few
# hundred bytes reaches billions of nodes, which every later walk of the data would expand.
MAX_EXPANDED_NODES = 200_000
MAX_DEPTH = 100
# Longest integer a document may write: Python refuses to convert more than 4,300 digits (and a
# figure of hundreds of digits is no real count of anything); the document is refused instead.
MAX_INT_DIGITS = 100
MAX_FILE_BYTES = 5_000_000  # a rule, registry or policy file (the largest bundled one is ~100 KB)
_INT_TAG = "tag:yaml.org,2002:int"


class YamlLimitError(yaml.YAMLError):
    """A document refused before it is built: too many nodes once aliases are expanded, or too deep."""

    def __init__(self, problem: str, mark: Any = None) -> None:
        super().__init__(problem)
        self.problem = problem
        self.problem_mark = mark


def _duplicate_keys(node: Any, warnings: list[str], first_line: int) -> None:
    seen: set[str] = set()
    for key_node, _ in node.value:
        if isinstance(key_node, yaml.ScalarNode):
            if key_node.value in seen:
                line = key_node.start_mark.line + first_line if key_node.start_mark is not None else 0
                message = f"duplicate key {key_node.value[:60]!r} (line {line}); the last value is used"
                if message not in warnings:
                    warnings.append(message)
            seen.add(key_node.value)


def check_node_graph(
    root: Any,
    max_nodes: int = MAX_EXPANDED_NODES,
    max_depth: int = MAX_DEPTH,
    warnings: list[str] | None = None,
    first_line: int = 1,
) -> None:
    """Refuse a composed node graph whose expansion is too large or too deep, without expanding it.

    Sizes are memoised per node, so the check costs one visit of each distinct node however the
    aliases share them. Integers longer than ``MAX_INT_DIGITS`` are refused too; duplicate keys
    in a mapping (which PyYAML lets the last one win, and the Hub rejects) go to ``warnings``.
    """
    sizes: dict[int, int] = {}
    depths: dict[int, int] = {}
    stack: list[tuple[Any, bool]] = [(root, False)]
    on_path: set[int] = set()
    while stack:
        node, done = stack.pop()
        key = id(node)
        if done:
            on_path.discard(key)
            children = _children(node)
            sizes[key] = 1 + sum(sizes.get(id(c), 0) for c in children)
            depths[key] = 1 + max((depths.get(id(c), 0) for c in children), default=0)
            if sizes[key] > max_nodes:
                raise YamlLimitError(f"the document expands to more than {max_nodes:,} nodes (aliases); refused")
            if depths[key] > max_depth:
                raise YamlLimitError(f"the document nests deeper than {max_depth} levels; refused")
            continue
        if key in sizes or key in on_path:
            continue  # shared (counted once per use by its parents) or recursive (PyYAML builds a cycle)
        if isinstance(node, yaml.ScalarNode) and node.tag == _INT_TAG and len(node.value) > MAX_INT_DIGITS:
            raise YamlLimitError(f"an integer of {len(node.value):,} characters (more than {MAX_INT_DIGITS}); refused", node.start_mark)
        if warnings is not None and isinstance(node, yaml.MappingNode):
            _duplicate_keys(node, warnings, first_line)
        on_path.add(key)
        stack.append((node, True))
        stack.extend((c, False) for c in _children(node) if id(c) not in sizes)


def check_node_tree(
    root: Any,
    max_nodes: int = MAX_EXPANDED_NODES,
    max_depth: int = MAX_DEPTH,
    warnings: list[str] | None = None,
    first_line: int = 1,
) -> None:
    """:func:`check_node_graph` for a document without aliases, whose nodes form a tree: the same
    checks in one visit per node and no memo (most front matter; the check then costs a fraction of the parse)."""
    count = 0
    stack: list[tuple[Any, int]] = [(root, 1)]
    seq, mapping, scalar = yaml.SequenceNode, yaml.MappingNode, yaml.ScalarNode
    while stack:
        node, depth = stack.pop()
        count += 1
        if count > max_nodes:
            raise YamlLimitError(f"the document expands to more than {max_nodes:,} nodes (aliases); refused")
        if depth > max_depth:
            raise YamlLimitError(f"the document nests deeper than {max_depth} levels; refused")
        kind = type(node)
        if kind is scalar:
            if node.tag == _INT_TAG and len(node.value) > MAX_INT_DIGITS:
                raise YamlLimitError(f"an integer of {len(node.value):,} characters (more than {MAX_INT_DIGITS}); refused", node.start_mark)
        elif kind is seq:
            stack.extend((child, depth + 1) for child in node.value)
        elif kind is mapping:
            if warnings is not None:
                _duplicate_keys(node, warnings, first_line)
            for k, v in node.value:
                stack.append((k, depth + 1))
                stack.append((v, depth + 1))


def _children(node: Any) -> list[Any]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    return []


# The plain block style most card front matter is written in, read line by line (see _subset_load).
# Outside it: any character but printable ASCII and newlines (tabs, control characters, BOMs,
# non-ASCII text: the parser's own rules about them are left to it).
_NOT_SUBSET = re.compile(r"[^\n\x20-\x7e]")
_SUBSET_LINE = re.compile(
    r"( *)(-(?: +|$))?"  # indentation, a sequence entry's dash
    r"(?:([A-Za-z0-9_](?:[A-Za-z0-9_ .\-/]*[A-Za-z0-9_.\-/])?):(?: +|$))?"  # a plain key
    r"(.*?) *"  # the value, a comment after it
)
_QUOTED = re.compile(r"'((?:[^']|'')*)'|\"([^\"\\\\]*)\"")
_PLAIN_FIRST = frozenset("-?:,[]{}#&*!|>'\"%@`")  # indicators: a plain scalar does not start with one
_NO_VALUE: Any = object()
_SUBSET_MAX_CHARS = 200_000  # so that no subset document reaches MAX_EXPANDED_NODES
_SUBSET_MAX_DEPTH = MAX_DEPTH // 2
_TAG_OF: dict[str, str] = {}  # plain scalar -> the tag the loader's resolvers give it


def _subset_scalar(value: str) -> Any:
    """A plain scalar typed as the loader types it (its resolvers, then its constructors); the
    resolvers' answer is remembered for short values ("text-generation", "transformers", "true"
    recur on every other card and start with letters a resolver looks at)."""
    tag = _TAG_OF.get(value)
    if tag is None:
        tag = _SCALARS.resolve(yaml.ScalarNode, value, (True, False))
        if len(value) <= 64:
            if len(_TAG_OF) >= 65_536:
                _TAG_OF.clear()
            _TAG_OF[value] = tag
    if tag == _STR_TAG:
        return value
    construct = _SCALARS.yaml_constructors.get(tag)
    if construct is None or (tag == _INT_TAG and len(value) > MAX_INT_DIGITS):
        raise _NotPlain
    try:
        return construct(_SCALARS, yaml.ScalarNode(tag, value))
    except Exception:  # noqa: BLE001 - an impossible date and the like: the full path words the error
        raise _NotPlain from None


def _subset_load(text: str) -> Any:
    """A document in the plain block subset, read line by line without composing PyYAML's node graph
    (~4 times cheaper): ``key: value`` mappings and ``- item`` sequences of one-line plain or
    simply quoted scalars, ``[]``, ``{}`` and comments. Scalars are typed by the loader's own
    resolvers and constructors. Whatever the reader does not know for certain (flow collections,
    block scalars, anchors, aliases, tags, scalars over several lines, quotes with escapes, typed or
    duplicate keys, non-ASCII text, indentation it cannot place) raises :class:`_NotPlain`, and the
    full path reads the document: the result is always PyYAML's."""
    if len(text) > _SUBSET_MAX_CHARS or _NOT_SUBSET.search(text):
        raise _NotPlain
    root: Any = None
    stack: list[tuple[int, Any, bool]] = []  # open collections: (indent, container, is a sequence)
    pending: tuple[Any, Any, int, bool] | None = None  # a value yet to come: (container, key, indent, may be a same-column sequence)
    implicit = _IMPLICIT_FIRST
    match = _SUBSET_LINE.fullmatch
    for line in text.split("\n"):
        m = match(line)
        if m is None:
            raise _NotPlain
        spaces, dash, key, rest = m.groups()
        value: Any = _NO_VALUE
        if rest and rest[0] != "#":
            first = rest[0]
            if first == "'" or first == '"':
                q = _QUOTED.match(rest)
                if q is None or (q.end() < len(rest) and not rest.startswith(" #", q.end())):
                    raise _NotPlain
                value = q.group(1).replace("''", "'") if q.group(2) is None else q.group(2)
            else:
                cut = rest.find(" #")
                if cut != -1:
                    rest = rest[:cut].rstrip(" ")
                if rest == "[]" or rest == "{}":
                    value = [] if rest == "[]" else {}
                elif (first in _PLAIN_FIRST and not (first == "-" and rest[1:2].isalnum())) or ": " in rest or rest[-1] == ":":
                    raise _NotPlain
                else:
                    value = rest if first not in implicit else _subset_scalar(rest)
        if dash is None and key is None:
            if value is not _NO_VALUE:
                raise _NotPlain  # a scalar line of its own: a multi-line scalar, or an error
            continue  # blank, or a comment
        indent = len(spaces)
        container: Any
        if dash is not None:
            if pending is not None and (indent > pending[2] or (indent == pending[2] and pending[3])):
                container = []
                pending[0][pending[1]] = container
                stack.append((indent, container, True))
            else:
                while stack and stack[-1][0] > indent:
                    stack.pop()
                if stack:
                    if stack[-1][0] != indent or not stack[-1][2]:
                        raise _NotPlain
                    container = stack[-1][1]
                elif root is None:
                    container = root = []
                    stack.append((indent, container, True))
                else:
                    raise _NotPlain
            pending = None
            if key is None:
                if value is _NO_VALUE:
                    container.append(None)
                    pending = (container, len(container) - 1, indent, False)
                else:
                    container.append(value)
                continue
            mapping: dict[Any, Any] = {}
            container.append(mapping)
            indent += len(dash)  # the entry's mapping starts after the dash
            stack.append((indent, mapping, False))
        elif pending is not None and indent > pending[2]:
            mapping = {}
            pending[0][pending[1]] = mapping
            stack.append((indent, mapping, False))
            pending = None
        else:
            pending = None
            while stack and (stack[-1][0] > indent or (stack[-1][0] == indent and stack[-1][2])):
                stack.pop()
            if stack:
                if stack[-1][0] != indent:
                    raise _NotPlain
                mapping = stack[-1][1]
            elif root is None:
                mapping = root = {}
                stack.append((indent, mapping, False))
            else:
                raise _NotPlain
        if len(stack) > _SUBSET_MAX_DEPTH:
            raise _NotPlain
        if key[0] in implicit and not isinstance(key := _subset_scalar(key), str):
            raise _NotPlain  # a typed key: PyYAML's rules for them
        if key in mapping:
            raise _NotPlain  # a duplicate: the full path warns of it
        if value is _NO_VALUE:
            mapping[key] = None
            pending = (mapping, key, indent, True)
        else:
            mapping[key] = value
    if root is None:
        raise _NotPlain
    return root


_SCALARS: Any = _SafeLoader("")  # types scalars for _subset_load (reads only class data: thread-safe)


def safe_load(text: str, warnings: list[str] | None = None, first_line: int = 1) -> Any:
    """Parse one YAML document with the safe loader, refusing alias bombs and deep nesting first.

    ``warnings`` collects what is accepted but suspicious (duplicate keys, with line numbers
    counted from ``first_line``). Documents in the plain block subset (:func:`_subset_load`) are
    read without composing a node graph; the result is the same.
    """
    try:
        return _subset_load(text)
    except _NotPlain:
        pass
    loader = SAFE_LOADER(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        if "&" in text:
            check_node_graph(node, warnings=warnings, first_line=first_line)
        else:  # no anchor, so no alias: the nodes form a tree
            check_node_tree(node, warnings=warnings, first_line=first_line)
        try:
            return loader.construct_document(node)
        except (ValueError, OverflowError, TypeError) as exc:  # a date like 0000-01-01: out of range
            raise YamlLimitError(f"a value cannot be read ({exc})") from None
    finally:
        loader.dispose()


def load_yaml_text(text: str, origin: str = "<string>", strict: bool = True) -> Any:
    """Parse YAML with the safe loader; errors name ``origin`` and the line.

    ``strict``: a duplicate key is an error (in rules, registry and policy files it is a slip that
    would silently drop a value); a scanned code base's configs are read as PyYAML reads them.
    """
    duplicates: list[str] = []
    try:
        data = safe_load(text, duplicates)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise DataError(f"{origin}{where}: invalid YAML: {problem}") from None
    if strict and duplicates:
        raise DataError(f"{origin}: {duplicates[0]}; remove the duplicate")
    return data


def load_yaml_file(path: Path, error: type[Exception] = DataError) -> Any:
    """Read and parse one YAML file; a missing or unreadable file raises ``error`` naming it."""
    try:
        with path.open("rb") as fh:  # any file a user names (a FIFO, /dev/stdin), read to a cap
            raw = fh.read(MAX_FILE_BYTES + 1)
        if len(raw) > MAX_FILE_BYTES:
            raise error(f"{path}: larger than {MAX_FILE_BYTES:,} bytes; not read")
        text = raw.decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise error(f"{path}: cannot read: {exc}") from None
    try:
        return load_yaml_text(text, str(path))
    except DataError as exc:
        raise error(str(exc)) from None


def format_validation_error(origin: str, exc: Any, prefix: str = "") -> str:
    """One line per pydantic error: ``file: key.path: message``."""
    parts = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in (prefix, *err["loc"]) if p != "")
        parts.append(f"{origin}: {loc or '(top level)'}: {err['msg']}")
    return "; ".join(parts)


def load_models(directory: Path, model: type[M]) -> list[M]:
    """Load and validate every ``*.yaml`` file in ``directory`` as one ``model`` each."""
    items: list[M] = []
    for path in sorted(directory.glob("*.yaml")):
        try:
            items.append(model.model_validate(load_yaml_file(path)))
        except ValidationError as exc:
            raise DataError(format_validation_error(str(path), exc)) from None
    return items
