"""Settings: declared once, built once (defaults, then ``KG_*`` environment, then flags).

Every setting is declared in :data:`SETTINGS` with its default and help text. The CLI help and
the README settings table are generated from this table, and a test fails when the README
misses one.

>>> s = Settings.build(env={"KG_ROW_LIMIT": "5"}, overrides={"port": 9000})
>>> (s.row_limit, s.port)
(5, 9000)
"""

from __future__ import annotations

import dataclasses
import ipaddress
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from kg.errors import ConfigError


def _bool(text: str) -> bool:
    value = text.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off", ""}:
        return False
    raise ValueError(f"expected true or false, got {text!r}")


def _server_name(text: str) -> str:
    value = text.strip().lower()
    if value not in ("gunicorn", "granian"):
        raise ValueError(f"expected gunicorn or granian, got {text!r}")
    return value


def _list(text: str) -> tuple[str, ...]:
    return tuple(item.strip() for item in text.split(",") if item.strip())


def _networks(text: str) -> tuple[str, ...]:
    networks = _list(text)
    for network in networks:
        ipaddress.ip_network(network, strict=False)
    return networks


@dataclass(frozen=True)
class Setting:
    """One declared setting: its name, default, parser and help text."""

    name: str
    default: Any
    parse: Callable[[str], Any]
    help: str

    @property
    def env(self) -> str:
        """The environment variable that sets it, e.g. ``KG_STORE``."""
        return "KG_" + self.name.upper()


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "store",
        "var/store",
        str,
        "Path of the on-disk store, or the URL of a remote SPARQL 1.1 endpoint (http/https).",
    ),
    Setting(
        "remote_update",
        "",
        str,
        "Update URL of the remote store (default: the store URL with /query replaced by /update).",
    ),
    Setting(
        "sources",
        ("ontology", "shapes", "data/turtle"),
        _list,
        "Comma-separated folders (or files) that `kg load` loads when given no path.",
    ),
    Setting(
        "queries",
        "queries",
        str,
        "Folder of example queries (`.rq` files with `# title:`, `# description:` and "
        "`# topic:` lines) that the web pages offer.",
    ),
    Setting("base_iri", "https://w3id.org/tpkg/", str, "Base of resource and graph IRIs."),
    Setting("host", "127.0.0.1", str, "Address `kg serve` binds to."),
    Setting("port", 8000, int, "Port `kg serve` listens on."),
    Setting(
        "server",
        "granian",
        _server_name,
        "HTTP server: granian (default; HTTP in Rust, about 1.3x gunicorn's requests per second "
        "on light queries, but a URL over 64 KiB gets its bare 414 instead of the JSON error) "
        "or gunicorn (any URL length).",
    ),
    Setting(
        "access_log",
        True,
        _bool,
        "One line per request on standard output (buffered: written at least once a second).",
    ),
    Setting(
        "metrics_dir",
        "",
        str,
        "Folder where the web worker processes keep the counters that /metrics adds up "
        "(emptied when `kg serve` starts); empty: `metrics/<port>` next to the store.",
    ),
    Setting(
        "audit_log",
        "",
        str,
        "Append-only file of contributions and withdrawals, one JSON line each; empty: "
        "`audit.log` next to the store.",
    ),
    Setting("workers", 2, int, "Web server worker processes."),
    Setting("threads", 4, int, "Request threads per web worker process."),
    Setting(
        "query_workers",
        2,
        int,
        "Isolated query processes per web worker (queries running at once per web worker).",
    ),
    Setting("row_limit", 10000, int, "Most result rows (or triples) a query returns."),
    Setting("query_timeout", 30.0, float, "Hard time limit of one query, in seconds."),
    Setting("max_query_bytes", 65536, int, "Largest accepted query or update text, in bytes."),
    Setting("max_nesting", 128, int, "Deepest accepted nesting of { ( [ in a query."),
    Setting(
        "query_memory_mb",
        4096,
        int,
        "Memory cap of one query process, in MiB (0: no cap); a query over it fails cleanly.",
    ),
    Setting(
        "service_allowlist",
        (),
        _list,
        "Comma-separated IRIs (or IRI prefixes ending in / or #) that SERVICE, FROM and "
        "default-graph-uri may name although no stored graph has that name. Empty by default.",
    ),
    Setting(
        "federation_workers",
        1,
        int,
        "Query processes of the federation pool (started only when KG_SERVICE_ALLOWLIST is set): "
        "the only ones that may open internet sockets, for queries whose every SERVICE is listed.",
    ),
    Setting(
        "service_timeout",
        10.0,
        float,
        "Time limit of a federated query (one with SERVICE calls), in seconds (at most "
        "KG_QUERY_TIMEOUT).",
    ),
    Setting(
        "guard",
        True,
        _bool,
        "The query guard's SERVICE, LOAD and FROM checks (clear early 400s); false leaves only "
        "its size and nesting limits, and the sandbox alone keeps queries off the network.",
    ),
    Setting(
        "allow_guard_only",
        False,
        _bool,
        "Serve and query even where the seccomp sandbox is unavailable, with the query guard as "
        "the only defence against queries reaching the network (logged loudly at start).",
    ),
    Setting(
        "allow_update",
        False,
        _bool,
        "Maintainer mode: serve SPARQL Update at /update (refused on non-loopback without token).",
    ),
    Setting(
        "update_token_file",
        "",
        str,
        "File holding the maintainer token that /update requires (Bearer); empty: no token.",
    ),
    Setting("max_body_bytes", 10 * 1024 * 1024, int, "Largest accepted request body, in bytes."),
    Setting(
        "budget_concurrency",
        8,
        int,
        "Queries and validations one client may run at once, counted over all web worker "
        "processes (0: no limit); more get 429 `rate-limited` with Retry-After.",
    ),
    Setting(
        "budget_seconds",
        120.0,
        float,
        "Query-seconds one client may use per window (`KG_BUDGET_WINDOW`): the time its "
        "requests spend in the web process, waiting for a query slot included (0: no limit); "
        "over it: 429.",
    ),
    Setting("budget_window", 60.0, float, "The window of `KG_BUDGET_SECONDS`, in seconds."),
    Setting(
        "budget_file",
        "",
        str,
        "File through which the web worker processes share the budgets (empty: `kg serve` "
        "makes a temporary one).",
    ),
    Setting(
        "client_header",
        "",
        str,
        "Header naming the client when a trusted proxy sends it, e.g. X-Forwarded-For (its "
        "right-most untrusted address counts); empty: the peer address is the client.",
    ),
    Setting(
        "trusted_proxies",
        (),
        _networks,
        "Comma-separated addresses or networks (CIDR) of proxies whose `KG_CLIENT_HEADER` "
        "is believed; from any other peer the header is ignored.",
    ),
    Setting("shapes", "shapes", str, "Folder of SHACL shapes (`**/*.ttl`) that validation uses."),
    Setting(
        "token_file",
        "",
        str,
        "File of contributor tokens for POST /contributions, one a line (`name:token` or "
        "`token`); empty: contributions over HTTP are refused.",
    ),
    Setting(
        "maintainer_token_file",
        "",
        str,
        "File holding the maintainer token that withdraws contributions (DELETE); empty: the "
        "update token file is used, and with neither, withdrawal over HTTP is refused.",
    ),
    Setting(
        "max_contribution_bytes",
        4 * 1024 * 1024,
        int,
        "Largest accepted contribution or validation payload, in bytes.",
    ),
    Setting("max_triples", 20000, int, "Most triples one contribution or validation may hold."),
    Setting(
        "validation_workers",
        1,
        int,
        "Isolated validation processes per web worker, apart from the query processes "
        "(validations running at once per web worker). granian gets one request thread more "
        "per validation that may run or wait, so validations never hold the lookups' threads.",
    ),
    Setting(
        "validation_timeout",
        20.0,
        float,
        "Hard time limit of one validation or contribution check, in seconds (503 over it).",
    ),
    Setting(
        "validation_queue",
        1,
        int,
        "Validations that may wait for a busy validation slot per web process (within their "
        "time limit); one more gets 503 validation-busy at once. Each waiting request holds a "
        "request thread.",
    ),
    Setting(
        "ontology",
        "ontology/tpkg.ttl",
        str,
        "Turtle file of the OWL ontology that /ontology documents (HTML) and serves (RDF).",
    ),
    Setting(
        "page_check_seconds",
        2.0,
        float,
        "How long a resource page waits for the shape checks of its resource (run in a "
        "validation process, cached per store version; later views show them); 0: pages "
        "run no checks.",
    ),
)

_BY_NAME = {s.name: s for s in SETTINGS}


@dataclass(frozen=True)
class Settings:
    """All settings of one run; build it once with :meth:`Settings.build` and pass it down."""

    store: str
    remote_update: str
    sources: tuple[str, ...]
    queries: str
    base_iri: str
    host: str
    port: int
    server: str
    access_log: bool
    metrics_dir: str
    audit_log: str
    workers: int
    threads: int
    query_workers: int
    row_limit: int
    query_timeout: float
    max_query_bytes: int
    max_nesting: int
    query_memory_mb: int
    service_allowlist: tuple[str, ...]
    federation_workers: int
    service_timeout: float
    guard: bool
    allow_guard_only: bool
    allow_update: bool
    update_token_file: str
    max_body_bytes: int
    budget_concurrency: int
    budget_seconds: float
    budget_window: float
    budget_file: str
    client_header: str
    trusted_proxies: tuple[str, ...]
    shapes: str
    token_file: str
    maintainer_token_file: str
    max_contribution_bytes: int
    max_triples: int
    validation_workers: int
    validation_timeout: float
    validation_queue: int
    ontology: str
    page_check_seconds: float

    @classmethod
    def build(
        cls,
        env: Mapping[str, str] | None = None,
        overrides: Mapping[str, Any] | None = None,
    ) -> Settings:
        """Build settings from defaults, then ``KG_*`` variables, then explicit overrides.

        :param env: the environment to read (default: ``os.environ``).
        :param overrides: values from command-line flags; ``None`` values are ignored.
        :raises ConfigError: when a variable does not parse or a name is unknown.
        """
        env = os.environ if env is None else env
        values: dict[str, Any] = {s.name: s.default for s in SETTINGS}
        for setting in SETTINGS:
            if setting.env in env:
                values[setting.name] = _parse(setting, env[setting.env])
        for name, value in (overrides or {}).items():
            if name not in _BY_NAME:
                raise ConfigError(f"unknown setting {name!r}")
            if value is not None:
                values[name] = value
        settings = cls(**values)
        settings.check()
        return settings

    def replace(self, **changes: Any) -> Settings:
        """A copy with some settings changed (used by tests and the CLI)."""
        new = dataclasses.replace(self, **changes)
        new.check()
        return new

    def check(self) -> None:
        """Reject values that cannot work.

        :raises ConfigError: naming the setting and the problem.
        """
        positive = ("port", "workers", "threads", "query_workers", "row_limit", "max_query_bytes")
        limits = ("max_nesting", "max_body_bytes", "max_contribution_bytes", "max_triples")
        for name in (*positive, *limits, "validation_workers"):
            if getattr(self, name) <= 0:
                raise ConfigError(f"setting {name} must be positive")
        for name in ("query_timeout", "validation_timeout", "service_timeout"):
            if getattr(self, name) <= 0:
                raise ConfigError(f"setting {name} must be positive")
        if self.validation_queue < 0:
            raise ConfigError("setting validation_queue must be 0 or more")
        if self.page_check_seconds < 0:
            raise ConfigError("setting page_check_seconds must be 0 or more")
        if self.federation_workers <= 0:
            raise ConfigError("setting federation_workers must be positive")
        if self.budget_concurrency < 0 or self.budget_seconds < 0 or self.budget_window <= 0:
            raise ConfigError(
                "settings budget_concurrency and budget_seconds must be 0 or more, "
                "budget_window positive"
            )
        if 0 < self.query_memory_mb < 1024:
            raise ConfigError(
                "setting query_memory_mb must be 0 (no cap) or at least 1024: below that the "
                "engine cannot start its threads"
            )

    @property
    def is_remote(self) -> bool:
        """True when the store is a remote SPARQL endpoint rather than a folder."""
        return self.store.startswith(("http://", "https://"))


def _parse(setting: Setting, text: str) -> Any:
    try:
        return setting.parse(text)
    except ValueError as exc:
        raise ConfigError(f"{setting.env}={text!r}: {exc}") from None


def export(settings: Settings) -> None:
    """Write every setting into the ``KG_*`` environment, so that worker processes started
    from here (the web server's) build the same settings with :meth:`Settings.build`."""
    for setting in SETTINGS:
        value = getattr(settings, setting.name)
        os.environ[setting.env] = ",".join(value) if isinstance(value, tuple) else str(value)


def export_metrics_folder(folder: str) -> None:
    """Point prometheus-client's multiprocess mode at ``folder`` (the library reads
    ``PROMETHEUS_MULTIPROC_DIR`` itself, when it is first imported, in every worker process
    started from here)."""
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = folder


def settings_table() -> str:
    """The settings as a Markdown table (the README embeds it; a test compares)."""
    lines = ["| setting | environment | default | meaning |", "| --- | --- | --- | --- |"]
    for s in SETTINGS:
        default = ",".join(s.default) if isinstance(s.default, tuple) else s.default
        lines.append(f"| `{s.name}` | `{s.env}` | `{default}` | {s.help} |")
    return "\n".join(lines)
