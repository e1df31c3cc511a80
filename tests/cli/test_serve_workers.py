"""``cortesia serve --workers N``: several processes answer on one port, and stop together."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from cortesia.cli.workers import worker_environment
from cortesia.config import Settings


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.slow
def test_two_workers_answer_on_one_port_and_stop_together(tmp_path: Path) -> None:
    env = dict(os.environ, CORTESIA_WORKSPACE_DIR=str(tmp_path / "ws"))
    env["CORTESIA_DATABASE_URL"] = f"sqlite:///{tmp_path / 'ws' / 'cortesia.db'}"
    cortesia = str(Path(sys.executable).with_name("cortesia"))
    subprocess.run([cortesia, "init"], env=env, check=True, capture_output=True)
    port = _free_port()
    server = subprocess.Popen(
        [cortesia, "serve", "--port", str(port), "--workers", "2"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        answers: list[int] = []
        deadline = time.monotonic() + 30
        while len(answers) < 20 and time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                    answers.append(r.status)
            except OSError:
                time.sleep(0.2)
        assert answers == [200] * 20
    finally:
        server.send_signal(signal.SIGTERM)
        code = server.wait(timeout=30)
    assert code == 0
    assert _session_ends(server.pid)  # every worker of its session is gone


def _session_ends(session: int, seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = subprocess.run(["pgrep", "-s", str(session)], capture_output=True, check=False)
        if not found.stdout.strip():
            return True
        time.sleep(0.1)
    return False


def test_workers_read_the_parents_store_without_a_memory_map_unless_one_is_asked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    environ: dict[str, str] = {}
    worker_environment(environ, "sqlite:////srv/cortesia.db")
    assert environ == {
        "CORTESIA_DATABASE_URL": "sqlite:////srv/cortesia.db",
        "CORTESIA_SQLITE_MEMORY_MAP": "false",
    }
    asked = {"CORTESIA_SQLITE_MEMORY_MAP": "true"}
    worker_environment(asked, "sqlite:////srv/cortesia.db")
    assert asked["CORTESIA_SQLITE_MEMORY_MAP"] == "true"
    assert (
        Settings(
            _env_file=None, **{"sqlite_memory_map": environ["CORTESIA_SQLITE_MEMORY_MAP"]}
        ).sqlite_memory_map
        is False
    )  # type: ignore[arg-type]
