"""Several service processes on one port, the kernel sharing connections out.

Each worker binds its own listening socket with ``SO_REUSEPORT``, so the kernel spreads
new connections over the workers. With one socket shared by all (uvicorn's own
``--workers``), whichever worker wakes first accepts: a burst of keep-alive connections
(a channel system's pool) can land on one worker while the others idle.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import socket
from collections.abc import MutableMapping
from types import FrameType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import uvicorn


def _listen(host: str, port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def service_config(app: Any, **options: Any) -> uvicorn.Config:
    """How every service process runs its app: uvloop and httptools (uvicorn's pick when
    installed, named here so a missing one fails loudly) with each response written to
    the socket at once (``one_write``), warnings only, and no access log — a line per
    request cost about 5 % of the decisions one worker serves; a proxy in front keeps the
    access log where one is wanted."""
    import uvicorn

    from cortesia.api.one_write import OneWriteProtocol

    return uvicorn.Config(
        app,
        loop="uvloop",
        http=OneWriteProtocol,
        log_level="warning",
        access_log=False,
        **options,
    )


def serve_one(app: Any, host: str, port: int) -> None:
    """One service process in this process, with the service's settings."""
    import uvicorn

    uvicorn.Server(service_config(app, host=host, port=port)).run()


def _worker(host: str, port: int, database_url: str) -> None:
    """One worker: its own socket, its own app (and engine) from the environment."""
    import uvicorn

    from cortesia.api.app import app_from_environment

    worker_environment(os.environ, database_url)
    config = service_config(app_from_environment, factory=True)
    uvicorn.Server(config).run(sockets=[_listen(host, port)])


def worker_environment(environ: MutableMapping[str, str], database_url: str) -> None:
    """What a worker's settings read: the store its parent resolved, and no memory map
    unless one is asked for — several processes write the file, and each one's commits
    make the others drop their maps (see ``adapters/sql/connection.create``)."""
    environ["CORTESIA_DATABASE_URL"] = database_url
    environ.setdefault("CORTESIA_SQLITE_MEMORY_MAP", "false")


def serve_workers(host: str, port: int, workers: int, database_url: str) -> None:
    """Run ``workers`` service processes until interrupted; stop them all on the way out."""
    context = multiprocessing.get_context("spawn")
    children = [
        context.Process(target=_worker, args=(host, port, database_url), daemon=False)
        for _ in range(workers)
    ]
    for child in children:
        child.start()

    def stop(signum: int, _frame: FrameType | None) -> None:
        for child in children:
            if child.is_alive() and child.pid is not None:
                os.kill(child.pid, signal.SIGTERM)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    for child in children:
        child.join()
