"""``GET /healthz``: whether this server can answer queries right now (a readiness check).

200 when the process is up, a query worker answers a trivial query and the store is readable;
503 in the one error shape otherwise, with ``checks`` saying which check failed. The probe is
``ASK { ?s ?p ?o }`` through the same executor as every query, within
:data:`HEALTH_TIMEOUT` seconds: it costs about as much as a point lookup. A server whose query
slots all stay busy for that long answers 503 too (``query_workers: busy``), so a load
balancer sends the next requests elsewhere until a slot frees up.

>>> sorted(CHECKS)
['process', 'query_workers', 'store']
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify

from kg.errors import KgError, QueryCrashed, QueryTimeout, TooManyRequests
from kg.query.plan import make_task, prepare
from kg.web.errors import error_response

blueprint = Blueprint("health", __name__)

#: Seconds the probe may wait for a query worker and run, together.
HEALTH_TIMEOUT = 2.0
#: The checks, each ``ok`` or what went wrong.
CHECKS = ("process", "store", "query_workers")
_PROBE = "ASK { ?s ?p ?o }"
_NO_CACHE = {"Cache-Control": "no-store"}


def probe() -> dict[str, str]:
    """Run the checks: each name maps to ``ok`` or the reason it failed."""
    state = current_app.extensions["kg"]
    checks = dict.fromkeys(CHECKS, "ok")
    try:
        task = make_task(_PROBE, "json", prepare(state.settings, _PROBE))
        state.executor.run(task, timeout=HEALTH_TIMEOUT)
    except TooManyRequests:
        checks["query_workers"] = f"busy: no query slot freed up within {HEALTH_TIMEOUT:g} s"
    except (QueryTimeout, QueryCrashed) as exc:
        checks["query_workers"] = f"failed: {exc.message}"
    except KgError as exc:
        checks["store"] = f"failed: {exc.message}"
    return checks


@blueprint.route("/healthz")
def healthz() -> Response:
    """200 with every check ``ok``, or 503 in the error shape with the checks."""
    checks = probe()
    failed = [name for name, verdict in checks.items() if verdict != "ok"]
    if not failed:
        response = jsonify({"status": "ok", "checks": checks})
    else:
        message = "; ".join(f"{name} {checks[name]}" for name in failed)
        response = error_response(503, "unhealthy", message)
        body = response.get_json()
        body["checks"] = checks
        response.set_data(current_app.json.dumps(body))
    response.headers.update(_NO_CACHE)
    return response
