"""A response reaches the socket in one write, and nothing written is lost or reordered."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
import uvicorn
from starlette.types import Receive, Scope, Send

from cortesia.api.one_write import OneWriteProtocol, _Coalescing
from cortesia.cli.workers import service_config


class _Socket:
    """A transport that records each write reaching the socket."""

    def __init__(self) -> None:
        self.writes: list[bytes] = []
        self.closed = False

    def write(self, data: bytes) -> None:
        self.writes.append(data)

    def is_closing(self) -> bool:
        return self.closed

    def close(self) -> None:
        self.closed = True

    def get_extra_info(self, name: str) -> str:
        return f"info:{name}"


def _turn(work: Any, sock: _Socket | None = None) -> _Socket:
    """Run ``work(transport)`` in one turn of a fresh loop, then let the loop turn."""
    sock = sock or _Socket()

    async def main() -> None:
        work(_Coalescing(sock, asyncio.get_running_loop()))  # type: ignore[arg-type]
        await asyncio.sleep(0)

    asyncio.run(main())
    return sock


def test_the_writes_of_one_turn_reach_the_socket_as_one() -> None:
    sock = _turn(lambda t: (t.write(b"HTTP/1.1 200 OK\r\n\r\n"), t.write(b"{}")))
    assert sock.writes == [b"HTTP/1.1 200 OK\r\n\r\n{}"]


def test_a_large_answer_goes_out_without_waiting_for_the_turn() -> None:
    big = b"x" * (64 * 1024)
    sock, loop = _Socket(), asyncio.new_event_loop()
    try:
        transport = _Coalescing(sock, loop)  # type: ignore[arg-type]
        transport.write(b"head")
        transport.write(big)  # no turn of the loop in between
        assert sock.writes == [b"head" + big]
    finally:
        loop.close()


def test_closing_sends_what_was_written_first() -> None:
    sock = _turn(lambda t: (t.write(b"bye"), t.close()))
    assert sock.writes == [b"bye"]
    assert sock.closed


def test_nothing_is_written_to_a_closed_socket_and_the_rest_is_the_transports() -> None:
    sock = _Socket()

    def work(transport: _Coalescing) -> None:
        transport.write(b"late")
        sock.closed = True  # the peer went away before the turn ended
        assert transport.get_extra_info("peername") == "info:peername"

    _turn(work, sock)
    assert sock.writes == []


async def _hello(scope: Scope, receive: Receive, send: Send) -> None:
    if scope["type"] != "http":
        return
    await receive()
    headers = [(b"content-type", b"text/plain"), (b"content-length", b"5")]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": b"hello"})


@pytest.fixture
def server() -> Iterator[int]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    config = service_config(_hello, host="127.0.0.1", port=port, lifespan="off")
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not running.started and time.monotonic() < deadline:
        time.sleep(0.02)
    yield port
    running.should_exit = True
    thread.join(timeout=10)


def test_the_service_answers_keep_alive_requests_through_the_protocol(server: int) -> None:
    assert service_config(_hello).http is OneWriteProtocol
    request = b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"
    with socket.create_connection(("127.0.0.1", server), timeout=5) as client:
        for _ in range(3):
            client.sendall(request)
            answer = b""
            while not answer.endswith(b"hello"):
                answer += client.recv(4096)
            assert answer.startswith(b"HTTP/1.1 200 OK\r\n")
            assert b"content-length: 5\r\n" in answer
