"""The example queries: the ``.rq`` files of the queries folder with their headers.

Each file starts with ``# title:``, ``# description:`` and ``# topic:`` lines; the web pages
list them by topic and load one into the query editor by its name (the file's stem).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from kg.errors import NotFound

_HEADER = re.compile(r"^# (title|description|topic): (.+)$", re.M)
OTHER = "Other"


@dataclass(frozen=True)
class Example:
    """One example query: its name (file stem), headers and SPARQL text."""

    name: str
    title: str
    description: str
    topic: str
    text: str


def _read(path: Path) -> Example:
    text = path.read_text(encoding="utf-8")
    headers = dict(_HEADER.findall(text))
    return Example(
        name=path.stem,
        title=headers.get("title", path.stem).strip(),
        description=headers.get("description", "").strip(),
        topic=headers.get("topic", OTHER).strip(),
        text=text,
    )


@lru_cache(maxsize=4)
def _load(folder: str) -> tuple[Example, ...]:
    root = Path(folder)
    return tuple(_read(path) for path in sorted(root.glob("*.rq"))) if root.is_dir() else ()


def examples(folder: str) -> tuple[Example, ...]:
    """Every example query in ``folder``, sorted by name (empty if the folder is missing)."""
    return _load(folder)


def by_topic(folder: str) -> dict[str, list[Example]]:
    """The examples grouped by topic, topics in order of their first example."""
    groups: dict[str, list[Example]] = {}
    for example in examples(folder):
        groups.setdefault(example.topic, []).append(example)
    return groups


def example(folder: str, name: str) -> Example:
    """The example called ``name``.

    :raises NotFound: no example query has that name.
    """
    for candidate in examples(folder):
        if candidate.name == name:
            return candidate
    raise NotFound(f"no example query is called {name!r}")
