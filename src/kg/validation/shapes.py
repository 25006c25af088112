"""The SHACL shapes bundle: every ``**/*.ttl`` under the shapes folder, parsed once."""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rdflib import Graph

from kg.errors import ConfigError


@dataclass(frozen=True)
class ShapesBundle:
    """The parsed shapes and a version string (hash of the files' names and content)."""

    graph: Graph
    version: str
    files: tuple[str, ...]


_cache: dict[tuple[Any, ...], ShapesBundle] = {}
_cache_lock = threading.Lock()


def load_shapes(folder: str | Path) -> ShapesBundle:
    """The shapes bundle under ``folder`` (parsed once per set of file versions).

    A missing folder gives an empty bundle (everything conforms).

    :raises ConfigError: when a shapes file does not parse.
    """
    root = Path(folder)
    files = sorted(root.rglob("*.ttl")) if root.is_dir() else []
    key = (str(root.resolve()), *((str(f), f.stat().st_mtime_ns, f.stat().st_size) for f in files))
    with _cache_lock:
        if key not in _cache:
            _cache.clear()
            _cache[key] = _parse_bundle(root, files)
        return _cache[key]


def _parse_bundle(root: Path, files: list[Path]) -> ShapesBundle:
    graph, digest = Graph(), hashlib.sha256()
    for file in files:
        data = file.read_bytes()
        digest.update(file.relative_to(root).as_posix().encode() + b"\0" + data + b"\0")
        try:
            graph.parse(data=data, format="turtle", publicID=file.resolve().as_uri())
        except Exception as exc:  # rdflib raises many unrelated types on bad Turtle
            raise ConfigError(f"shapes file {file} does not parse: {exc}") from None
    return ShapesBundle(graph, "sha256:" + digest.hexdigest()[:16], tuple(map(str, files)))
