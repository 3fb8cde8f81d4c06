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
    """The cumulative level and a label naming what stops the next level, e.g. 'L3, training data partial'."""
    level = 0
    for components, label in LEVEL_REQUIREMENTS:
        if any(statuses.get(c) == Status.OPEN for c in components):
            level += 1
            continue
        seen = {statuses.get(c, Status.UNKNOWN) for c in components}
        for status in (Status.PARTIAL, Status.UNKNOWN):
            if status in seen:
                return level, f"L{level}, {label} {status.value}"
        return level, f"L{level}"
    return level, f"L{level}"
