"""A response written to the socket in one piece: uvicorn's httptools protocol, coalescing.

uvicorn writes a response's status line and headers as soon as the app sends them, then
its body: two ``send`` calls on the socket, so two packets, for every answer. The kernel
works for each packet on both ends, and the client wakes up twice. ``OneWriteProtocol``
holds what is written during one turn of the event loop and writes it together at the
end of the turn (or as soon as it passes 64 KiB, so a streamed answer never piles up in
memory). For decisions the service's system time a request fell by about a fifth and the
clients' p90 latency by a quarter (docs/decision-throughput.md).
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

_FLUSH_AT = 64 * 1024


class _Coalescing:
    """A transport whose writes of one loop turn reach the socket as one."""

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        self._transport = transport
        self._loop = loop
        self._pending: list[bytes] = []
        self._size = 0

    def write(self, data: bytes | bytearray | memoryview) -> None:
        if not self._pending:
            self._loop.call_soon(self._flush)
        self._pending.append(bytes(data))
        self._size += len(data)
        if self._size >= _FLUSH_AT:
            self._flush()

    def writelines(self, chunks: Any) -> None:
        for chunk in chunks:
            self.write(chunk)

    def close(self) -> None:
        self._flush()  # what was written before the close still goes out
        self._transport.close()

    def _flush(self) -> None:
        if not self._pending:
            return
        data = self._pending[0] if len(self._pending) == 1 else b"".join(self._pending)
        self._pending.clear()
        self._size = 0
        if not self._transport.is_closing():
            self._transport.write(data)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)


class OneWriteProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol over a transport that writes each response at once."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(_Coalescing(transport, self.loop))  # type: ignore[arg-type]
