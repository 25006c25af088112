"""UN document symbols: parse ``CAT/C/KAZ/CO/3``, ``A/HRC/14/10/Add.1``... into their parts, and
the document IRI every importer shares (``document/<symbol with / as ->``).

A symbol is ``/``-separated components. The first names the organ (``A`` General Assembly,
``CAT``, ``CCPR``...); under the Assembly the second names the subsidiary body (``HRC``). Then
come, in the orders the UN uses, a subsidiary organ (``WG.6``, ``C``, ``OP``), a session number,
a State (ISO 3166-1 alpha-3), a document type (``CO`` concluding observations, ``D`` decision,
``L.<n>`` limited distribution), a number, and an addendum, corrigendum or revision
(``Add.1``, ``Corr.1``, ``Rev.1``).

>>> s = parse_symbol("A/HRC/WG.6/7/L.9")
>>> s.body, s.organ, s.session, s.doc_type, s.number
('HRC', 'WG.6', 7, 'L', '9')
>>> parse_symbol("CAT/C/KAZ/CO/3").state, document_key("CAT/C/KAZ/CO/3")
('KAZ', 'CAT-C-KAZ-CO-3')
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kg.errors import InputError
from kg.namespaces import DEFAULT_BASE, resource_iri

#: Bodies that publish under their own symbol series (treaty bodies) or under the General
#: Assembly (``A/...``) or the Economic and Social Council (``E/...``).
BODIES = frozenset({"CAT", "CCPR", "CEDAW", "CERD", "CRC", "CRPD", "CED", "CMW"})
PARENTS = frozenset({"A", "E"})
#: Document types: concluding observations, decision/views, list of issues, State report, a
#: limited-distribution draft (``L.n``), a report of the Working Group on the UPR (no type).
DOC_TYPES = frozenset({"CO", "D", "Q", "L"})
_COMPONENT = re.compile(r"^[A-Za-z0-9.()]+$")
_SUFFIX = re.compile(r"^(Add|Corr|Rev)\.(\d+)$")
_ORGAN = re.compile(r"^(?:C|OP|WG\.\d+|SR)$")
_STATE = re.compile(r"^[A-Z]{3}$")


@dataclass(frozen=True)
class UNSymbol:
    """The parts of a UN document symbol (``None`` where the symbol has none)."""

    symbol: str
    body: str
    organ: str | None = None
    session: int | None = None
    state: str | None = None
    doc_type: str | None = None
    number: str | None = None
    suffix: str | None = None

    @property
    def key(self) -> str:
        """The IRI key: the symbol with ``/`` replaced by ``-``."""
        return self.symbol.replace("/", "-")

    def iri(self, base: str = DEFAULT_BASE) -> str:
        """The document IRI, e.g. ``https://w3id.org/tpkg/id/document/A-HRC-14-10``."""
        return resource_iri("document", self.key, base)


def parse_symbol(symbol: str) -> UNSymbol:
    """The parts of the UN document symbol ``symbol``.

    :raises InputError: if ``symbol`` is empty, has spaces, empty or odd components, an unknown
        body, or components the UN's patterns do not allow.
    """
    text = symbol.strip()
    parts = text.split("/")
    if not text or " " in text or any(not p or not _COMPONENT.match(p) for p in parts):
        raise InputError(f"not a UN document symbol: {symbol!r}")
    rest = list(parts)
    suffix = rest.pop() if _SUFFIX.match(rest[-1]) else None
    head = rest.pop(0)
    if head in PARENTS and rest:
        body = rest.pop(0)
    elif head in BODIES:
        body = head
    else:
        raise InputError(f"not a UN document symbol: {symbol!r} (unknown body {head!r})")
    fields = _fields(rest, symbol)
    session = fields.pop("session", None)
    strings = {k: str(v) for k, v in fields.items() if v is not None}
    return UNSymbol(
        symbol=text,
        body=body,
        suffix=suffix,
        session=int(session) if session is not None else None,
        organ=strings.get("organ"),
        state=strings.get("state"),
        doc_type=strings.get("doc_type"),
        number=strings.get("number"),
    )


def document_key(symbol: str) -> str:
    """The IRI key of the document with UN symbol ``symbol`` (checked by :func:`parse_symbol`)."""
    return parse_symbol(symbol).key


def document_iri(symbol: str, base: str = DEFAULT_BASE) -> str:
    """The IRI of the document with UN symbol ``symbol`` (checked by :func:`parse_symbol`)."""
    return parse_symbol(symbol).iri(base)


def _fields(rest: list[str], symbol: str) -> dict[str, str | int | None]:
    """Organ, session, State, type and number from the components after the body."""
    out: dict[str, str | int | None] = {}
    items = list(rest)
    if items and _ORGAN.match(items[0]):
        out["organ"] = items.pop(0)
    if items and items[0].isdigit():
        out["session"] = int(items.pop(0))
    if items and _STATE.match(items[0]) and items[0] not in DOC_TYPES:
        out["state"] = items.pop(0)
    if items and (items[0] in DOC_TYPES or items[0].startswith("L.")):
        kind, _, number = items.pop(0).partition(".")
        if kind not in DOC_TYPES:
            raise InputError(f"not a UN document symbol: {symbol!r} (type {kind!r})")
        out["doc_type"] = kind
        if number:
            out["number"] = number
    numbers = items
    if not numbers and "number" not in out and out.get("doc_type") != "CO":
        raise InputError(f"not a UN document symbol: {symbol!r} (no document number)")
    if any(not n.isdigit() for n in numbers) or len(numbers) > 2 or "number" in out and numbers:
        raise InputError(f"not a UN document symbol: {symbol!r} (bad number {'/'.join(numbers)})")
    if numbers:
        out["number"] = "/".join(numbers)
    if out.get("doc_type") == "CO" and "number" not in out:
        raise InputError(f"not a UN document symbol: {symbol!r} (no document number)")
    return out
