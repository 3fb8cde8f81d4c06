"""The LEVEL stage: from component statuses to the cumulative openness level, as a five-row table."""

from __future__ import annotations

from openness.models import Component, Status

# Level n needs every lower level and this: (components any of which must be open, label).
LEVEL_REQUIREMENTS: tuple[tuple[tuple[Component, ...], str], ...] = (
    ((Component.WEIGHTS,), "weights"),
    ((Component.TECHNICAL_REPORT,), "technical report"),
    ((Component.TRAINING_CODE, Component.DATA_MIXTURE), "training code / data mixture"),
    ((Component.TRAINING_DATA,), "training data"),
    ((Component.DATA_PIPELINE,), "data pipeline"),
)


def compute_level(statuses: dict[Component, Status]) -> tuple[int, str]:
    """The cumulative level and a label saying what the next level needs and what each part is now,
    e.g. 'L2; L3 needs training code or data mixture open (now: training code partial, data mixture closed)'."""
    level = 0
    for components, _label in LEVEL_REQUIREMENTS:
        if any(statuses.get(c) == Status.OPEN for c in components):
            level += 1
            continue
        names = [c.value.replace("_", " ") for c in components]
        now = [statuses.get(c, Status.UNKNOWN).value for c in components]
        if len(components) == 1:
            return level, f"L{level}; L{level + 1} needs {names[0]} open (now {now[0]})"
        parts = ", ".join(f"{n} {s}" for n, s in zip(names, now, strict=True))
        return level, f"L{level}; L{level + 1} needs {' or '.join(names)} open (now: {parts})"
    return level, f"L{level}, the top level"
