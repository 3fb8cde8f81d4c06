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


def _count(statuses: dict[Component, Status], counts_as_open: tuple[Status, ...]) -> int:
    level = 0
    for components, _label in LEVEL_REQUIREMENTS:
        if not any(statuses.get(c, Status.UNKNOWN) in counts_as_open for c in components):
            break
        level += 1
    return level


def level_at_most(statuses: dict[Component, Status]) -> int:
    """The level if every ``unknown`` part turned out open: what was not read (a paper offline, a
    missing part) can raise the level this far and no further. Equal to the level when nothing is unknown."""
    return _count(statuses, (Status.OPEN, Status.UNKNOWN))


def compute_level(statuses: dict[Component, Status], floor: bool = True) -> tuple[int, str]:
    """The cumulative level and a label saying what the next level needs and what each part is now,
    e.g. 'L2; L3 needs training code or data mixture open (now: training code partial, data mixture closed)'.

    ``unknown`` never counts as open, so with an unknown part in the way the level is a lower bound:
    the label then starts 'L1 at least, L3 if the unknown parts are open (technical report); ...'.
    ``floor=False`` (a base that could not be read may hold it lower) drops the 'at least'.
    """
    level = _count(statuses, (Status.OPEN,))
    most = level_at_most(statuses)
    head = f"L{level}"
    if most > level:
        head += " at least" if floor else ""
        unknown = [
            c.value.replace("_", " ")
            for components, _label in LEVEL_REQUIREMENTS[level:most]
            for c in components
            if statuses.get(c, Status.UNKNOWN) == Status.UNKNOWN
        ]
        head += f", L{most} if the unknown parts are open ({', '.join(unknown)})"
    if level == len(LEVEL_REQUIREMENTS):
        return level, f"{head}, the top level"
    components, _label = LEVEL_REQUIREMENTS[level]
    names = [c.value.replace("_", " ") for c in components]
    now = [statuses.get(c, Status.UNKNOWN).value for c in components]
    if len(components) == 1:
        return level, f"{head}; L{level + 1} needs {names[0]} open (now {now[0]})"
    parts = ", ".join(f"{n} {s}" for n, s in zip(names, now, strict=True))
    return level, f"{head}; L{level + 1} needs {' or '.join(names)} open (now: {parts})"
