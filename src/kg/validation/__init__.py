"""Validate data against the SHACL shapes bundle, in the context of the knowledge graph.

Modules: :mod:`~kg.validation.shapes` (the bundle, parsed once), :mod:`~kg.validation.context`
(what the store knows about the data), :mod:`~kg.validation.engine` (pySHACL, the report cut
to the data's own nodes), :mod:`~kg.validation.report` (outcomes and their formats),
:mod:`~kg.validation.task` (validation as work for an isolated process) and
:mod:`~kg.validation.gateway` (the pool of those processes, with a deadline).

Names are imported on first use, so that unpickling a task in a validation worker imports
neither rdflib nor pySHACL before the worker has lowered its priority.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kg.validation.context import check_graph, check_payload, fetch_context
    from kg.validation.engine import validate
    from kg.validation.gateway import ValidationGateway
    from kg.validation.graphs import to_graph, to_rdflib, write_graphs
    from kg.validation.report import (
        Result,
        ValidationOutcome,
        Verdict,
        serialize_report,
        text_report,
    )
    from kg.validation.shapes import ShapesBundle, load_shapes
    from kg.validation.task import GraphCheck, Limits, PayloadCheck

_HOMES = {
    "check_graph": "context",
    "check_payload": "context",
    "fetch_context": "context",
    "validate": "engine",
    "ValidationGateway": "gateway",
    "to_graph": "graphs",
    "to_rdflib": "graphs",
    "write_graphs": "graphs",
    "Result": "report",
    "ValidationOutcome": "report",
    "Verdict": "report",
    "serialize_report": "report",
    "text_report": "report",
    "ShapesBundle": "shapes",
    "load_shapes": "shapes",
    "GraphCheck": "task",
    "Limits": "task",
    "PayloadCheck": "task",
}

__all__ = [
    "GraphCheck",
    "Limits",
    "PayloadCheck",
    "Result",
    "ShapesBundle",
    "ValidationGateway",
    "ValidationOutcome",
    "Verdict",
    "check_graph",
    "check_payload",
    "fetch_context",
    "load_shapes",
    "serialize_report",
    "text_report",
    "to_graph",
    "to_rdflib",
    "validate",
    "write_graphs",
]


def __getattr__(name: str) -> Any:
    """Import ``name`` from its module on first use."""
    if name not in _HOMES:
        raise AttributeError(f"module 'kg.validation' has no attribute {name!r}")
    return getattr(importlib.import_module(f"kg.validation.{_HOMES[name]}"), name)
