"""The error hierarchy: every error the core raises is a :class:`KgError` with an HTTP status.

Only ``kg.web`` turns these into HTTP responses and only ``kg.cli`` prints them; the core
never builds responses itself.
"""

from __future__ import annotations


class KgError(Exception):
    """Base of all expected errors; ``status`` is the HTTP status, ``type`` a short slug,
    ``headers`` extra HTTP headers its answer carries (e.g. ``Retry-After``)."""

    status = 500
    type = "internal-error"
    headers: tuple[tuple[str, str], ...] = ()

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ConfigError(KgError):
    """A setting or command-line value that cannot work."""

    status = 500
    type = "configuration-error"


class BadRequest(KgError):
    """The request is malformed (protocol level)."""

    status = 400
    type = "bad-request"


class QuerySyntaxError(BadRequest):
    """The query or update text does not parse."""

    type = "syntax-error"


class QueryRefused(BadRequest):
    """The query is well formed but refused by the guard (SERVICE, remote FROM, nesting...)."""

    type = "query-refused"


class Forbidden(KgError):
    """The operation is not allowed here (e.g. an update sent to the query endpoint)."""

    status = 403
    type = "forbidden"


class Unauthorized(KgError):
    """A token is missing or wrong."""

    status = 401
    type = "unauthorized"


class NotFound(KgError):
    """No such resource."""

    status = 404
    type = "not-found"


class MethodNotAllowed(KgError):
    """The HTTP method is not supported on this path."""

    status = 405
    type = "method-not-allowed"


class NotAcceptable(KgError):
    """No representation matches the Accept header or the format parameter."""

    status = 406
    type = "not-acceptable"


class PayloadTooLarge(KgError):
    """The body or query text is over the size cap."""

    status = 413
    type = "payload-too-large"


class UnsupportedMediaType(KgError):
    """The body's media type is not one this endpoint reads."""

    status = 415
    type = "unsupported-media-type"


class Unprocessable(KgError):
    """Well-formed input that fails validation."""

    status = 422
    type = "unprocessable"


class UnsafeInput(Unprocessable):
    """Input refused for safety: remote JSON-LD contexts, XML entities, named graphs."""

    type = "unsafe-input"


class SchemaChangeRefused(Unprocessable):
    """A contribution that would change the ontology or the shapes."""

    type = "schema-change-refused"


class ValidationFailed(Unprocessable):
    """A contribution that does not conform to the shapes; ``report`` holds the outcome."""

    type = "validation-failed"

    def __init__(self, message: str, report: object = None) -> None:
        super().__init__(message)
        self.report = report


class Gone(KgError):
    """The resource existed and was withdrawn."""

    status = 410
    type = "gone"


class TooManyRequests(KgError):
    """All query slots of the server stayed busy for too long (whoever sent the queries):
    the server is at capacity, so 503 with ``Retry-After`` (429 is for one client over its
    budget, :class:`RateLimited`)."""

    status = 503
    type = "server-busy"
    headers = (("Retry-After", "1"),)


class RateLimited(KgError):
    """This client is over one of its budgets (queries at once, query-seconds per minute);
    ``retry_after`` is the whole number of seconds to wait."""

    status = 429
    type = "rate-limited"

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after
        self.headers = (("Retry-After", str(retry_after)),)


class QueryTimeout(KgError):
    """The query ran past the hard time limit and was stopped."""

    status = 503
    type = "query-timeout"


class QueryCrashed(KgError):
    """The isolated query process died (engine abort or memory cap); the server goes on."""

    status = 500
    type = "query-crashed"


class StoreError(KgError):
    """The store could not be opened, read or written."""

    status = 503
    type = "store-unavailable"


class InputError(KgError):
    """A file or value given on the command line cannot be read or parsed."""

    status = 400
    type = "input-error"


class ValidationTimeout(KgError):
    """A validation ran past its time limit and its process was stopped."""

    status = 503
    type = "validation-timeout"


class ValidationBusy(KgError):
    """Every validation slot of this process is taken and its queue is full."""

    status = 503
    type = "validation-busy"
    headers = (("Retry-After", "1"),)


class ValidationCrashed(KgError):
    """The isolated validation process died (memory cap); the server goes on."""

    status = 503
    type = "validation-crashed"
