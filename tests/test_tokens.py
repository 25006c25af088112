"""Token files: one format for contributor, maintainer and update tokens, read by one reader.

Property-based: whatever name and token the writer accepts, the reader gives them back; the
reader takes any text without raising; the writer refuses only what a line cannot hold.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import requests
from conftest import ServerFactory
from hypothesis import given
from hypothesis import strategies as st

from kg.errors import ConfigError
from kg.tokens import (
    NAME,
    bearer,
    digest,
    match,
    parse_tokens,
    read_tokens,
    token_line,
    write_tokens,
)

CLEAR = {"update": "CLEAR SILENT GRAPH <urn:x:none>"}
NO_SUCH = "/contributions/" + "0" * 20

names = st.from_regex(NAME, fullmatch=True)
#: Tokens of any characters, with colons, spaces and '#' much more often than by chance.
tokens = st.text(
    st.sampled_from(":# \t\r") | st.characters(exclude_categories=("Cs",)), min_size=1
).filter(lambda t: "\n" not in t and t == t.strip())


@given(names, tokens)
def test_a_written_token_reads_back_under_its_name(name: str, token: str) -> None:
    assert parse_tokens(token_line(name, token) + "\n") == {digest(token): name}


@given(
    st.dictionaries(names, tokens, min_size=1, max_size=5).filter(
        lambda entries: len(set(entries.values())) == len(entries)
    )
)
def test_a_written_file_reads_back_every_entry(entries: dict[str, str]) -> None:
    lines = "".join(token_line(name, token) + "\r\n" for name, token in entries.items())
    found = parse_tokens("# tokens\n\n" + lines)
    assert found == {digest(token): name for name, token in entries.items()}


@given(st.text())
def test_the_reader_takes_any_text(text: str) -> None:
    assert all(isinstance(name, str) and name for name in parse_tokens(text).values())


@given(names, st.text(min_size=1))
def test_the_writer_refuses_only_what_a_line_cannot_hold(name: str, token: str) -> None:
    representable = "\n" not in token and token == token.strip() and not _has_surrogate(token)
    try:
        line = token_line(name, token)
    except ValueError:
        assert not representable
    else:
        assert representable and parse_tokens(line) == {digest(token): name}


def _has_surrogate(text: str) -> bool:
    return any(0xD800 <= ord(c) <= 0xDFFF for c in text)


@pytest.mark.parametrize(
    ("line", "name", "token"),
    [
        ("alice:s3cret", "alice", "s3cret"),
        ("alice:to:ken", "alice", "to:ken"),
        ("a.b@c-d_e:x", "a.b@c-d_e", "x"),
        ("plain-token", "token-1", "plain-token"),
        ("not a name:token", "token-1", "not a name:token"),
        (":starts-with-colon", "token-1", ":starts-with-colon"),
        ("ends-with-colon:", "token-1", "ends-with-colon:"),
        ("  alice:spaced  ", "alice", "spaced"),
    ],
)
def test_a_name_is_what_comes_before_the_first_colon_when_it_is_a_name(
    line: str, name: str, token: str
) -> None:
    assert parse_tokens(line) == {digest(token): name}


@pytest.mark.parametrize(
    ("header", "token"),
    [("Bearer abc", "abc"), ("bearer  a:b ", "a:b"), ("Basic abc", None), (None, None)],
)
def test_bearer_takes_the_token_of_an_authorization_header(
    header: str | None, token: str | None
) -> None:
    assert bearer(header) == token


def test_the_file_writer_and_reader_agree(tmp_path: Path) -> None:
    write_tokens(tmp_path / "tokens", {"alice": "a:b:c", "bob": "#not-a-comment"})
    found = read_tokens(str(tmp_path / "tokens"))
    assert (match(found, "a:b:c"), match(found, "#not-a-comment"), match(found, "b:c")) == (
        "alice",
        "bob",
        None,
    )


@pytest.mark.parametrize("text", ["", "# only a comment\n\n"])
def test_a_file_without_tokens_is_a_configuration_error(tmp_path: Path, text: str) -> None:
    (tmp_path / "tokens").write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError):
        read_tokens(str(tmp_path / "tokens"))


def test_one_token_with_colons_opens_update_and_withdrawal(
    server_factory: ServerFactory, tmp_path_factory: pytest.TempPathFactory
) -> None:
    path = tmp_path_factory.mktemp("tokens") / "maintainers"
    write_tokens(path, {"admin": "s3:cr:et"})
    server = server_factory("--allow-update", "--token-file", str(path), own_store=True)
    for token, update, withdraw in (("s3:cr:et", 204, 404), ("cr:et", 401, 401)):
        auth = {"Authorization": f"Bearer {token}"}
        posted = requests.post(server.update_endpoint, data=CLEAR, headers=auth, timeout=30)
        deleted = requests.delete(server.url + NO_SUCH, headers=auth, timeout=30)
        assert (posted.status_code, deleted.status_code) == (update, withdraw)
