"""Token files: one format and one reader for every token the server checks (contributor,
maintainer and update tokens).

The format: UTF-8 text, one entry a line (lines end at ``\\n``; a ``\\r`` before it and
surrounding whitespace are dropped). Blank lines and lines starting with ``#`` are skipped.
A line ``name:token``, whose part before the *first* ``:`` is a name of
:data:`NAME` characters (letters, digits, ``_ . @ -``) and whose rest is not empty, is a
named token: the token is everything after that first ``:``, colons included. Any other line
is a bare token, the whole line (named ``<kind>-<line number>``). So a token may hold ``:``
anywhere as long as it is written with a name; :func:`token_line` writes entries that way.

Only SHA-256 digests of the tokens are kept in memory, and a presented token is compared
with every digest in constant time.

>>> line = token_line("alice", "s3cret:with:colons")
>>> line
'alice:s3cret:with:colons'
>>> tokens = parse_tokens(line + "\\n# a comment\\nbare-token\\n")
>>> (match(tokens, "s3cret:with:colons"), match(tokens, "bare-token"), match(tokens, "nope"))
('alice', 'token-3', None)
"""

from __future__ import annotations

import hashlib
import hmac
import re
from pathlib import Path

from kg.errors import ConfigError

#: What a name may be made of; a name never holds ``:``, so the first ``:`` ends it.
NAME = re.compile(r"[A-Za-z0-9_.@-]+")

#: SHA-256 digest of a token -> the name it was given.
Tokens = dict[bytes, str]


def digest(token: str) -> bytes:
    """The SHA-256 digest a token is kept as."""
    return hashlib.sha256(token.encode("utf-8")).digest()


def parse_line(line: str) -> tuple[str | None, str] | None:
    """``(name, token)`` of one line (``name`` None for a bare token), or None for a blank
    line or a comment."""
    line = line.strip()
    if not line or line.startswith("#"):
        return None
    name, colon, rest = line.partition(":")
    if colon and rest and NAME.fullmatch(name):
        return name, rest
    return None, line


def parse_tokens(text: str, kind: str = "token") -> Tokens:
    """Digest -> name for every entry of a token file's text; bare tokens are named
    ``<kind>-<line number>``."""
    tokens: Tokens = {}
    for number, line in enumerate(text.split("\n"), 1):
        entry = parse_line(line)
        if entry is not None:
            name, token = entry
            tokens[digest(token)] = name or f"{kind}-{number}"
    return tokens


def read_tokens(path: str, kind: str = "token") -> Tokens:
    """The tokens of the file at ``path``; empty when no file is set.

    :raises ConfigError: when the file is set but unreadable, not UTF-8, or holds no token.
    """
    if not path:
        return {}
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        raise ConfigError(f"cannot read tokens from {path}") from None
    tokens = parse_tokens(text, kind)
    if not tokens:
        raise ConfigError(f"the token file {path} holds no token")
    return tokens


def match(tokens: Tokens, presented: str | None) -> str | None:
    """The name of the token ``presented`` is, or None; every digest is compared, in
    constant time."""
    if presented is None:
        return None
    wanted = digest(presented)
    found = None
    for known, name in tokens.items():
        if hmac.compare_digest(wanted, known):
            found = name
    return found


def bearer(header: str | None) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header, or None."""
    header = header or ""
    if header[:7].lower() != "bearer ":
        return None
    return header[7:].strip()


def token_line(name: str, token: str) -> str:
    """The line that stores ``token`` under ``name`` (without its line end).

    :raises ValueError: for a name outside :data:`NAME`, or a token that a line cannot hold
        (empty, with a line break, or with whitespace at either end).
    """
    if not NAME.fullmatch(name):
        raise ValueError(f"a token name is made of letters, digits and _.@- only: {name!r}")
    if not token or "\n" in token or token != token.strip():
        raise ValueError("a token must be non-empty, on one line, without surrounding spaces")
    token.encode("utf-8")  # a lone surrogate cannot be written: UnicodeEncodeError
    return f"{name}:{token}"


def write_tokens(path: str | Path, entries: dict[str, str]) -> None:
    """Write a token file of ``name -> token`` entries, readable only by its owner.

    :raises ValueError: for an entry :func:`token_line` refuses.
    """
    text = "".join(token_line(name, token) + "\n" for name, token in entries.items())
    target = Path(path)
    target.touch(mode=0o600)
    target.write_text(text, encoding="utf-8")
