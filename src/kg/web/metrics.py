"""``GET /metrics``: requests, latencies, errors, query workers and store size for Prometheus.

The web server runs several worker processes. Under ``kg serve`` the counters live in
prometheus-client's multiprocess mode: each process writes its own values to files in the
metrics folder (setting ``metrics_dir``, emptied when the server starts), and a scrape, which
any one process answers, adds up every process's files. An app built without ``kg serve``
(tests, another WSGI server without the folder) counts in its own process only.

Requests are counted by the access middleware (:class:`kg.web.access.AccessLog`), which every
request passes, the lean ``GET /sparql`` path's too; the route label is the Flask URL rule
(``/id/<path:key>``), ``/sparql`` for the lean path and ``(unmatched)`` when no rule matched,
never the raw path. Query-worker restarts are read from the executor after each request (a
worker is replaced only while a request runs) and counted. Triples per named graph are read at
scrape time through the query executor, for the largest :data:`GRAPH_CAP` graphs, and kept for
:data:`GRAPH_TTL` seconds so that frequent scrapes do not rescan the store.
"""

from __future__ import annotations

import glob
import json
import logging
import os
import threading
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from flask import Blueprint, Flask, Response, current_app, request, request_started
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest, values
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from prometheus_client.multiprocess import MultiProcessCollector

from kg.errors import KgError
from kg.query.plan import make_task, prepare

if TYPE_CHECKING:
    from kg.web import KgState

log = logging.getLogger("kg.web")
blueprint = Blueprint("metrics", __name__)

#: Where the Flask app notes the matched URL rule for the middleware.
ROUTE_KEY = "kg.route"
UNMATCHED = "(unmatched)"
#: Methods counted by name; any other is counted as ``other``.
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"})
#: Latency buckets, in seconds (point lookups take about a millisecond).
BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
#: At most this many graphs are reported by name (the largest).
GRAPH_CAP = 100
#: Seconds a reading of the graph sizes is reused.
GRAPH_TTL = 30.0
#: Time limit of the graph-size query, in seconds.
GRAPH_TIMEOUT = 5.0
_PER_GRAPH = (
    "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } "
    f"GROUP BY ?g ORDER BY DESC(?n) ?g LIMIT {GRAPH_CAP}"
)


def multiprocess() -> bool:
    """True when prometheus-client keeps values in the metrics folder (``kg serve``)."""
    return bool(getattr(values.ValueClass, "_multiprocess", False))


class GraphSizes:
    """Collector: triples per named graph, read through the executor at scrape time."""

    def __init__(self, state: KgState) -> None:
        self.state = state
        self._lock = threading.Lock()
        self._read: tuple[float, list[tuple[str, int]] | None] = (-GRAPH_TTL, None)

    def collect(self) -> Iterator[Metric]:
        """The ``kg_graph_triples`` family and whether the store could be read."""
        sizes = self._sizes()
        up = GaugeMetricFamily("kg_store_up", "1 when the last reading of the store worked.")
        up.add_metric([], 0 if sizes is None else 1)
        yield up
        family = GaugeMetricFamily(
            "kg_graph_triples",
            f"Triples per named graph (the {GRAPH_CAP} largest).",
            labels=["graph"],
        )
        for graph, count in sizes or []:
            family.add_metric([graph], count)
        yield family

    def _sizes(self) -> list[tuple[str, int]] | None:
        with self._lock:
            when, sizes = self._read
            if time.monotonic() - when >= GRAPH_TTL:
                sizes = self._query()
                self._read = (time.monotonic(), sizes)
            return sizes

    def _query(self) -> list[tuple[str, int]] | None:
        task = make_task(_PER_GRAPH, "json", prepare(self.state.settings, _PER_GRAPH))
        try:
            outcome = self.state.executor.run(task, timeout=GRAPH_TIMEOUT)
        except KgError as exc:
            log.warning("metrics: cannot read the graph sizes: %s", exc.message)
            return None
        rows = json.loads(outcome.body)["results"]["bindings"]
        return [(row["g"]["value"], int(row["n"]["value"])) for row in rows]


class ProcessFiles(MultiProcessCollector):
    """Every process's values in the metrics folder, skipping files not yet sized.

    prometheus-client creates a process's file empty and sizes it a moment later; a scrape
    that reads it in between (a web worker starting up) would fail as a whole. Such a file,
    and one removed since the folder was listed, holds no values yet and is left out.
    """

    #: Bytes of a file's header (the used length); a smaller file holds nothing yet.
    HEADER = 8

    def collect(self) -> Iterator[Metric]:
        """The merged values of every readable file."""
        files = [f for f in glob.glob(os.path.join(self._path, "*.db")) if _sized(f)]
        return self.merge(files, accumulate=True)


def _sized(path: str) -> bool:
    try:
        return os.stat(path).st_size >= ProcessFiles.HEADER
    except OSError:
        return False


class Metrics:
    """The counters of one web process, and the scrape that adds up every process's."""

    def __init__(self, state: KgState) -> None:
        self.state = state
        self.multiprocess = multiprocess()
        if state.settings.metrics_dir and not self.multiprocess:
            log.warning(
                "metrics: prometheus-client was imported before the metrics folder was set; "
                "this process counts only its own requests"
            )
        own = None if self.multiprocess else CollectorRegistry()
        self._registry = own
        self.requests = Counter(
            "kg_http_requests",
            "HTTP requests answered, by route, method and status.",
            ("route", "method", "status"),
            registry=own,
        )
        self.latency = Histogram(
            "kg_http_request_duration_seconds",
            "Time until the answer was sent, by route.",
            ("route",),
            buckets=BUCKETS,
            registry=own,
        )
        self.errors = Counter(
            "kg_http_errors", "Error answers by error type.", ("type",), registry=own
        )
        self.timeouts = Counter(
            "kg_query_timeouts", "Queries stopped at the time limit (503).", registry=own
        )
        self.refusals = Counter(
            "kg_query_refusals", "Queries the guard refused (400 query-refused).", registry=own
        )
        self.busy = Counter(
            "kg_server_busy", "503 server-busy answers: every query slot stayed busy.", registry=own
        )
        self.rate_limited = Counter(
            "kg_rate_limited", "429 answers: a client over one of its budgets.", registry=own
        )
        self.restarts = Counter(
            "kg_query_worker_restarts",
            "Query worker processes killed and replaced (time limit, crash).",
            registry=own,
        )
        self.graphs = GraphSizes(state)
        if own is not None:
            own.register(self.graphs)
        self._children: dict[tuple[str, str, int], tuple[Any, Any]] = {}
        self._by_type = {
            "query-timeout": self.timeouts,
            "query-refused": self.refusals,
            "server-busy": self.busy,
            "rate-limited": self.rate_limited,
        }
        self._seen_restarts = 0
        self._lock = threading.Lock()

    def observe(
        self, environ: dict[str, Any], status: int, seconds: float, error: str | None
    ) -> None:
        """Count one answered request (called by the access middleware)."""
        method = environ.get("REQUEST_METHOD", "")
        key = (route_of(environ), method if method in METHODS else "other", status)
        pair = self._children.get(key)
        if pair is None:
            pair = self._children[key] = (
                self.requests.labels(key[0], key[1], str(status)),
                self.latency.labels(key[0]),
            )
        pair[0].inc()
        pair[1].observe(seconds)
        if error is not None:
            self.errors.labels(error).inc()
            named = self._by_type.get(error)
            if named is not None:
                named.inc()
        if self.state.executor.restarts != self._seen_restarts:
            self._count_restarts()

    def _count_restarts(self) -> None:
        with self._lock:
            now = self.state.executor.restarts
            if now > self._seen_restarts:
                self.restarts.inc(now - self._seen_restarts)
            self._seen_restarts = now

    def scrape(self) -> bytes:
        """Every metric in the Prometheus text format (all processes' under ``kg serve``)."""
        registry = self._registry
        if registry is None:
            registry = CollectorRegistry()
            ProcessFiles(registry)
            registry.register(self.graphs)
        return generate_latest(registry)


def route_of(environ: dict[str, Any]) -> str:
    """The route label of a request: its Flask URL rule, or ``/sparql`` for the lean path."""
    found = environ.get(ROUTE_KEY)
    if found is not None:
        return str(found)
    return "/sparql" if environ.get("PATH_INFO") == "/sparql" else UNMATCHED


def _note_route(sender: Flask, **extra: Any) -> None:
    rule = request.url_rule
    request.environ[ROUTE_KEY] = rule.rule if rule is not None else UNMATCHED


def init_app(app: Flask, state: KgState) -> Metrics:
    """Make the app's metrics, note each request's URL rule, add ``/metrics``."""
    metrics = Metrics(state)
    app.extensions["kg.metrics"] = metrics
    request_started.connect(_note_route, app)
    app.register_blueprint(blueprint)
    return metrics


@blueprint.route("/metrics")
def scrape() -> Response:
    """The metrics in the Prometheus text format."""
    metrics: Metrics = current_app.extensions["kg.metrics"]
    return Response(metrics.scrape(), content_type=CONTENT_TYPE_LATEST)
