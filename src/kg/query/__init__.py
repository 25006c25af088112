"""The query path: guard, plan, pool, channel, worker.

A query text is guarded (:mod:`kg.query.guard`), planned into a task
(:mod:`kg.query.plan`) and run by an executor (:mod:`kg.query.pool`) in an isolated worker
process (:mod:`kg.query.worker`) reached over a socket pair (:mod:`kg.query.channel`).
"""

from __future__ import annotations

from kg.query.plan import make_task, prepare
from kg.query.pool import Executor, QueryPool, RemoteExecutor, make_executor

__all__ = ["Executor", "QueryPool", "RemoteExecutor", "make_executor", "make_task", "prepare"]
