"""Queries the pages run for themselves: through the guard and the isolated query workers,
like any visitor's query, never against the store directly."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from flask import current_app

from kg.query.plan import make_task, prepare
from kg.results import Term
from kg.web import KgState

#: One SPARQL JSON binding: variable -> {"type", "value", ...}.
Binding = dict[str, dict[str, str]]


def state() -> KgState:
    """This process's app state (settings, executor, store access)."""
    found: KgState = current_app.extensions["kg"]
    return found


def run(text: str, fmt: str, **iris: str) -> tuple[bytes, int]:
    """Run ``text`` in format ``fmt`` with each ``name=IRI`` bound to ``?name``; body and size."""
    task = make_task(text, fmt, prepare(state().settings, text))
    if iris:
        task = replace(task, substitutions={k: Term("uri", v) for k, v in iris.items()})
    outcome = state().executor.run(task)
    return outcome.body, outcome.size


def select(text: str, **iris: str) -> list[Binding]:
    """The bindings of a SELECT query (see :func:`run` for ``iris``)."""
    body, _ = run(text, "json", **iris)
    data: dict[str, Any] = json.loads(body)
    bindings: list[Binding] = data["results"]["bindings"]
    return bindings


def select_terms(text: str, terms: Mapping[str, Term]) -> list[Binding]:
    """The bindings of a SELECT query with each ``name -> Term`` (literals too) bound to
    ``?name``: values a visitor typed stay values, never query text."""
    task = make_task(text, "json", prepare(state().settings, text))
    task = replace(task, substitutions=dict(terms))
    data: dict[str, Any] = json.loads(state().executor.run(task).body)
    bindings: list[Binding] = data["results"]["bindings"]
    return bindings
