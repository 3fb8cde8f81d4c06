"""Hostile inputs, written by the project (no third-party payloads): each one crashed, hung or leaked once."""

from __future__ import annotations

import os
from pathlib import Path


def alias_bomb(levels: int = 9, width: int = 9) -> str:
    """ "Billion laughs": ``width ** levels`` nodes once expanded, from a few hundred bytes."""
    lines = [f"l0: &l0 [{', '.join(['lol'] * width)}]"]
    for i in range(1, levels):
        lines.append(f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * width)}]")
    return "\n".join(lines) + "\n"


def card(front_matter: str, body: str = "# A model\n\nSome text.\n") -> str:
    return f"---\n{front_matter}---\n{body}"


def deep_json(depth: int) -> str:
    """``{"a": {"a": ... }}`` nested ``depth`` times."""
    return '{"a": ' * depth + "1" + "}" * depth


def deep_dirs(root: Path, depth: int, leaf: str, text: str) -> Path:
    """``root/d/d/.../leaf`` ``depth`` directories deep, made with relative steps (a long path
    would pass the OS's limit); returns the leaf file's directory."""
    here = os.getcwd()
    root.mkdir(parents=True, exist_ok=True)
    os.chdir(root)
    try:
        for _ in range(depth):
            os.mkdir("d")
            os.chdir("d")
        Path(leaf).write_text(text)
        return Path(os.getcwd())
    finally:
        os.chdir(here)


HUGE_INT = "9" * 5000
HUGE_FIGURE = "9" * 400  # float('9' * 309) is already infinite
WORDS_FIGURE = "one hundred " * 3000
EXPRESSION_PY = "x = " + "-" * 200_000 + "1\n"  # ast.parse: MemoryError
LONE_SURROGATE = "\ud800"


def remove_deep(root: Path) -> None:
    """Remove a tree of any depth without recursion (``shutil.rmtree`` and pytest's clean-up recurse)."""
    stack = [str(root)]
    while stack:
        directory = stack[-1]
        try:
            entries = list(os.scandir(directory))
        except FileNotFoundError:
            stack.pop()
            continue
        subdirs = [e.path for e in entries if e.is_dir(follow_symlinks=False)]
        for entry in entries:
            if not entry.is_dir(follow_symlinks=False):
                os.unlink(entry.path)
        if subdirs:
            stack.extend(subdirs)
        else:
            os.rmdir(directory)
            stack.pop()
