"""Openness rules as data: schema, loading, compilation and evaluation.

A rule file (``rules/openness/*.yaml``) holds one concern::

    rules:
      - metadata: {id: OPN-WEIGHTS-FILES, name: ..., component: weights, status: open, precedence: 60}
        definition:
          any:
            - file: ["*.safetensors", "*.bin"]
            - text: {pattern: "from_pretrained\\(", section: "usage|how to"}

``definition`` is a tree of ``all`` / ``any`` / ``not`` over operator leaves (see
:mod:`openness.engine.predicates`). For each component, the fired rule with the highest
precedence wins; on a tie the less open status wins (the tool never rounds up).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from itertools import islice
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from openness.engine.facts import Facts
from openness.engine.predicates import OPERATORS, CompileContext, Hit, OperatorError, clip
from openness.engine.scan import PatternIndex
from openness.errors import RuleError
from openness.models import STATUS_STRENGTH, Component, ComponentVerdict, Evidence, RuleHit, Status
from openness.resources import data_dir
from openness.yamlio import load_yaml_file

Condition = Callable[[Facts], list[Hit]]  # the evidence when the condition holds; empty when it does not
Needs = tuple[frozenset[int], ...]  # slots of the rules' text patterns: one of each set must be possible (see text_needs)
_COMPONENTS = tuple(Component)


class RuleMetadata(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=r"^[A-Z][A-Z0-9]*(-[A-Z0-9]+)+$", description="stable id, e.g. OPN-REPORT-ARXIV")
    name: str = Field(min_length=3)
    component: Component
    status: Status
    precedence: int = Field(ge=0, le=1000)
    description: str = ""


class RuleSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    metadata: RuleMetadata
    definition: dict[str, Any]


class RuleFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    rules: list[RuleSpec] = Field(min_length=1)


@dataclass(frozen=True)
class Rule:
    meta: RuleMetadata
    definition: dict[str, Any]
    condition: Condition
    path: Path
    needs: Needs = ()  # see text_needs: the rule cannot hold where the scan rules out one of these sets

    @property
    def id(self) -> str:
        return self.meta.id

    @cached_property
    def rank(self) -> tuple[int, int]:
        """Sort key among rules that fired: higher precedence first, then the less open status."""
        return -self.meta.precedence, STATUS_STRENGTH[self.meta.status]

    @cached_property
    def hits(self) -> tuple[RuleHit, RuleHit]:
        """How this rule is listed among those that fired: (lost, won)."""
        m = self.meta
        return tuple(RuleHit(rule=m.id, name=m.name, status=m.status, precedence=m.precedence, won=won) for won in (False, True))  # type: ignore[return-value]


def describe(node: Any) -> str:
    """A short, readable rendering of a condition node (for 'not found' evidence)."""
    return json.dumps(node, ensure_ascii=False, separators=(", ", ": "))[:160]


def compile_condition(node: Any, where: str, ctx: CompileContext) -> Condition:
    """Compile a definition tree; errors name the key path ``where``."""
    if not isinstance(node, dict) or len(node) != 1:
        raise RuleError(f"{where}: a condition is a mapping with exactly one key (all, any, at_least, not, or an operator)")
    ((key, value),) = node.items()
    if key in ("all", "any"):
        if not isinstance(value, list) or not value:
            raise RuleError(f"{where}.{key}: expected a non-empty list of conditions")
        children = [compile_condition(c, f"{where}.{key}[{i}]", ctx) for i, c in enumerate(value)]
        if key == "all":

            def all_(f: Facts) -> list[Hit]:
                hits: list[Hit] = []
                for child in children:
                    h = child(f)
                    if not h:
                        return []
                    hits += h
                return hits

            return all_

        def any_(f: Facts) -> list[Hit]:
            if not f.explain:  # the first alternative that holds is the evidence
                for child in children:
                    h = child(f)
                    if h:
                        return h
                return []
            hits: list[Hit] = []
            for child in children:
                hits += child(f)
            return hits

        return any_
    if key == "at_least":
        if not isinstance(value, dict) or set(value) != {"n", "of"} or not isinstance(value["n"], int):
            raise RuleError(f"{where}.at_least: expected {{n: <int>, of: [conditions]}}")
        n, options = value["n"], value["of"]
        if not isinstance(options, list) or not 1 <= n <= len(options):
            raise RuleError(f"{where}.at_least: 'of' must list at least n={n} conditions")
        members = [compile_condition(c, f"{where}.at_least.of[{i}]", ctx) for i, c in enumerate(options)]

        def at_least(f: Facts) -> list[Hit]:
            hits: list[Hit] = []
            for child in members:
                h = child(f)
                if h:
                    hits.append(h[0])
                    if len(hits) >= n and not f.explain:
                        break
            return hits if len(hits) >= n else []

        return at_least
    if key == "not":
        child = compile_condition(value, f"{where}.not", ctx)
        absent = ("not found", describe(value))

        def not_(f: Facts) -> list[Hit]:
            return [] if child(f) else [absent]

        return not_
    factory = OPERATORS.get(key)
    if factory is None:
        known = ", ".join(sorted(["all", "any", "at_least", "not", *OPERATORS]))
        raise RuleError(f"{where}: unknown operator {key!r} (known: {known})")
    try:
        predicate = factory(value, ctx)
    except OperatorError as exc:
        raise RuleError(f"{where}.{exc}") from None

    key = json.dumps(node, sort_keys=True)  # identical leaves in different rules run once per release
    text_slot = getattr(predicate, "text_slot", None)
    if text_slot is not None:
        index, slot = text_slot

        def text_leaf(f: Facts) -> list[Hit]:
            possible = f.possible_texts
            if possible is not None and possible[0] is index and slot not in possible[1]:
                return []  # the card's prefilter scan rules the pattern out (what the predicate would find)
            hits: list[Hit] | None = f.memo.get(key)
            if hits is None:
                hits = f.memo[key] = predicate(f)
            return hits

        return text_leaf

    def leaf(f: Facts) -> list[Hit]:
        hits: list[Hit] | None = f.memo.get(key)
        if hits is None:
            hits = f.memo[key] = predicate(f)
        return hits

    return leaf


def text_needs(node: Any, texts: PatternIndex) -> Needs:
    """What a condition needs of the card text, known from its tree alone: sets of text-pattern slots
    of ``texts``, of each of which the prefilter must allow one, or the condition cannot hold (a text
    leaf holds only where its pattern may match). Empty when it needs nothing (``not``, other leaves).

    Rules whose needs a card's scan rules out are not run at all: they would find nothing.
    """
    ((key, value),) = node.items()
    if key == "all":
        return tuple(dict.fromkeys(need for child in value for need in text_needs(child, texts)))
    if key in ("any", "at_least"):
        alternatives = [text_needs(child, texts) for child in (value if key == "any" else value["of"])]
        if not all(alternatives):
            return ()  # an alternative that needs nothing of the text may hold anywhere
        return (frozenset().union(*(needs[0] for needs in alternatives)),)
    if key == "text":
        return (frozenset([texts.add(value if isinstance(value, str) else value["pattern"])]),)
    return ()


def _format_errors(path: Path, raw: Any, exc: ValidationError) -> str:
    return "; ".join(_error_lines(path, raw, exc))


def _error_lines(path: Path, raw: Any, exc: ValidationError) -> list[str]:
    parts = []
    for err in exc.errors():
        loc = list(err["loc"])
        rule_id = ""
        if len(loc) >= 2 and loc[0] == "rules" and isinstance(loc[1], int):
            try:
                rule_id = f" rule {raw['rules'][loc[1]]['metadata']['id']}"
            except (KeyError, TypeError, IndexError):
                rule_id = ""
        parts.append(f"{path}:{rule_id} {'.'.join(str(p) for p in loc)}: {err['msg']}")
    return parts


def check_rule_file(path: Path, ctx: CompileContext | None = None) -> tuple[list[Rule], list[str]]:
    """Every rule of one file that compiles, and every error of the others (schema and definition),
    so one run reports them all; errors name the file, rule id and key."""
    ctx = ctx or CompileContext()
    raw = load_yaml_file(path, RuleError)
    try:
        spec = RuleFile.model_validate(raw)
    except ValidationError as exc:
        return [], _error_lines(path, raw, exc)
    rules, errors = [], []
    for r in spec.rules:
        try:
            cond = compile_condition(r.definition, f"{path}: rule {r.metadata.id}: definition", ctx)
        except RuleError as exc:
            errors.append(str(exc))
            continue
        rules.append(Rule(r.metadata, r.definition, cond, path, text_needs(r.definition, ctx.texts)))
    return rules, errors


def load_rule_file(path: Path, ctx: CompileContext | None = None) -> list[Rule]:
    """Validate and compile one rule file; errors name the file, rule id and key."""
    rules, errors = check_rule_file(path, ctx)
    if errors:
        raise RuleError("; ".join(errors))
    return rules


class RuleSet:
    """Compiled openness rules, indexed by component."""

    def __init__(self, rules: list[Rule], version: str, texts: PatternIndex) -> None:
        self.rules = rules
        self.version = version
        self.texts = texts  # every text pattern of the rules, scanned for in one pass per card
        self.by_component: dict[Component, list[Rule]] = {}
        for rule in rules:
            self.by_component.setdefault(rule.meta.component, []).append(rule)
        self._groups: dict[Component, list[list[Rule]]] = {}
        for component, members in self.by_component.items():
            by_precedence: dict[int, list[Rule]] = {}
            for rule in members:
                by_precedence.setdefault(rule.meta.precedence, []).append(rule)
            self._groups[component] = [by_precedence[p] for p in sorted(by_precedence, reverse=True)]
        # What evaluate walks: per component, its precedence groups of (rule, needs, condition).
        self._plan = tuple(
            (component, tuple(tuple((rule, rule.needs, rule.condition) for rule in group) for group in self._groups.get(component, [])))
            for component in _COMPONENTS
        )

    @classmethod
    def load(cls, extra_dirs: list[Path] | None = None, *, bundled: bool = True, prefilter: bool = True) -> RuleSet:
        """Load the bundled rules plus user directories; duplicate ids are an error.

        ``prefilter=False`` runs every pattern as plain ``re`` (the same results, only slower: the oracle
        the speed-ups are tested against).
        """
        dirs = ([data_dir("rules") / "openness"] if bundled else []) + list(extra_dirs or [])
        rules: list[Rule] = []
        ctx = CompileContext(prefilter)
        digest = hashlib.sha256()
        seen: dict[str, Path] = {}
        for d in dirs:
            if not d.is_dir():
                raise RuleError(f"{d}: not a rule directory")
            for path in sorted(d.glob("*.y*ml")):
                digest.update(path.read_bytes())
                for rule in load_rule_file(path, ctx):
                    if rule.id in seen:
                        raise RuleError(f"{path}: rule {rule.id}: duplicate id (also in {seen[rule.id]})")
                    seen[rule.id] = path
                    rules.append(rule)
        return cls(rules, digest.hexdigest()[:12], ctx.texts)

    def get(self, rule_id: str) -> Rule | None:
        return next((r for r in self.rules if r.id == rule_id), None)

    def evaluate(self, facts: Facts, explain: bool = False) -> dict[Component, ComponentVerdict]:
        """Per component the highest precedence wins; ties go to the less open status.

        Rules run in precedence groups, highest first, and stop at the first group in which a rule
        fires: lower ones could not win. ``explain`` runs every rule, so that all that fired are listed.
        """
        verdicts: dict[Component, ComponentVerdict] = {}
        facts.explain = explain
        possible = facts.scan(self.texts).possible_set()
        facts.possible_texts = (self.texts, possible)
        for component, groups in self._plan:
            fired: list[tuple[Rule, list[Hit]]] = []
            for group in groups:
                for rule, needs, condition in group:
                    if needs and any(map(possible.isdisjoint, needs)):
                        continue  # the card text cannot hold what the rule looks for (text_needs)
                    hits = condition(facts)
                    if hits:
                        fired.append((rule, hits))
                if fired and not explain:
                    break
            if not fired:
                verdicts[component] = ComponentVerdict(status=Status.UNKNOWN, reason="no rule matched")
                continue
            if len(fired) > 1:
                fired.sort(key=lambda rh: rh[0].rank)
            winner, hits = fired[0]
            status, rule_id = winner.meta.status, winner.meta.id
            verdicts[component] = ComponentVerdict(
                status,
                winner.meta.name,
                [Evidence(rule_id, where, clip(seen)) for where, seen in islice(dict.fromkeys(hits), 5)],
                own_status=status,
                rules_fired=[r.hits[r is winner] for r, _ in fired],
            )
        return verdicts


def validate_directory(directory: Path | None = None) -> tuple[int, list[str]]:
    """Validate every rule file in ``directory`` (default: bundled); returns (files checked, errors).

    Each file is checked on its own, so one bad file does not hide the others' errors.
    """
    directory = directory or data_dir("rules") / "openness"
    if not directory.is_dir():
        return 0, [f"{directory}: not a rule directory"]
    errors: list[str] = []
    seen: dict[str, Path] = {}
    files = sorted(directory.glob("*.y*ml"))
    for path in files:
        try:
            rules, problems = check_rule_file(path)
        except RuleError as exc:  # not YAML, or not safe YAML
            errors.append(str(exc))
            continue
        errors.extend(problems)
        for rule in rules:
            if rule.id in seen:
                errors.append(f"{path}: rule {rule.id}: duplicate id (also in {seen[rule.id]})")
            seen.setdefault(rule.id, path)
    return len(files), errors
