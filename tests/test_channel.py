"""The query channel: framed pickles over a real socket pair."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest

from kg.query.channel import Channel


@pytest.fixture
def pair() -> Iterator[tuple[Channel, Channel]]:
    a, b = socket.socketpair()
    ends = (Channel(a), Channel(b))
    yield ends
    for end in ends:
        end.close()


def test_messages_arrive_whole_and_in_order(pair: tuple[Channel, Channel]) -> None:
    left, right = pair
    big = b"x" * (3 * 65536 + 17)
    received: list[object] = []
    reader = threading.Thread(target=lambda: received.extend(right.recv(5) for _ in range(3)))
    reader.start()
    for message in (("ok", 1), big, {"last": [1, 2, 3]}):
        left.send(message)
    reader.join(10)
    assert received == [("ok", 1), big, {"last": [1, 2, 3]}]


def test_two_messages_in_one_read_are_both_delivered(pair: tuple[Channel, Channel]) -> None:
    left, right = pair
    left.send("first")
    left.send("second")
    time.sleep(0.05)
    assert right.recv(1) == "first"
    assert right.recv(0) == "second"


def test_a_silent_peer_times_out_within_the_limit(pair: tuple[Channel, Channel]) -> None:
    _, right = pair
    started = time.monotonic()
    with pytest.raises(TimeoutError):
        right.recv(0.2)
    assert 0.15 <= time.monotonic() - started < 2


def test_a_closed_peer_ends_the_channel(pair: tuple[Channel, Channel]) -> None:
    left, right = pair
    left.close()
    with pytest.raises(EOFError):
        right.recv(1)
