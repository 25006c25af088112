"""Reading text files whose encoding and line ends are not known in advance.

UN and UPR Info files come as UTF-8 or as Mac Roman (bytes from old Macintosh exports), with
CR, LF or CRLF line ends. :func:`decode` tries each candidate encoding and keeps the one whose
text looks most like English prose: every character a reader expects (ASCII, Latin letters with
accents, typographic quotes and dashes) scores one, every other character (control characters,
box and mathematical symbols that such files do not hold) costs ten.

>>> decode("Côte d’Ivoire".encode("mac_roman")).encoding
'mac_roman'
>>> decode("Côte d’Ivoire".encode("utf-8")).encoding
'utf-8'
>>> line_ends("a\\rb\\rc")
'CR'
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from pathlib import Path

from kg.errors import InputError

CANDIDATES = ("utf-8", "mac_roman", "cp1252", "latin-1")
_PUNCTUATION = set("‘’“”–—…•·«»°§€£")


@dataclass(frozen=True)
class Decoded:
    """A decoded file: its text (line ends as in the file) and the encoding chosen."""

    text: str
    encoding: str


def read_bytes(path: str | Path) -> bytes:
    """The bytes of ``path``; :class:`InputError` (one line) if it cannot be read."""
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}") from None


def decode(data: bytes) -> Decoded:
    """``data`` decoded with the best-scoring encoding of :data:`CANDIDATES`; a UTF-8 byte
    order mark is dropped. Strict UTF-8 wins whenever it decodes (its multi-byte sequences do
    not occur by chance in Mac Roman text)."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    best: tuple[int, str, str] | None = None
    for encoding in CANDIDATES:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if encoding == "utf-8":
            return Decoded(text, encoding)
        score = plausibility(text)
        if best is None or score > best[0]:
            best = (score, encoding, text)
    assert best is not None  # latin-1 decodes any bytes
    return Decoded(best[2], best[1])


def plausibility(text: str) -> int:
    """How much ``text`` looks like prose: +1 per expected character, -10 per other one."""
    score = 0
    for char in set(text):
        count = text.count(char)
        score += count if _expected(char) else -10 * count
    return score


def _expected(char: str) -> bool:
    if char.isascii():
        return char.isprintable() or char in "\r\n\t"
    if char in _PUNCTUATION:
        return True
    return unicodedata.category(char).startswith("L") and "LATIN" in unicodedata.name(char, "")


def line_ends(text: str) -> str:
    """The line-end convention of ``text``: ``CRLF``, ``CR``, ``LF`` or ``none``."""
    if "\r\n" in text:
        return "CRLF"
    if "\r" in text:
        return "CR"
    return "LF" if "\n" in text else "none"


def to_lf(text: str) -> str:
    """``text`` with CRLF and bare CR line ends turned into LF."""
    return text.replace("\r\n", "\n").replace("\r", "\n")
