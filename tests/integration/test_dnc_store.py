"""Registries on files: the answers of the memory adapter, atomic imports, other processes."""

from __future__ import annotations

import json
import multiprocessing
import os
from collections.abc import Iterator
from datetime import UTC, date, datetime
from multiprocessing.synchronize import Event
from pathlib import Path
from typing import Any

import pytest

from cortesia.adapters.dnc import FileRegistries, MemoryRegistries, store
from cortesia.adapters.dnc.manifest import MANIFEST
from cortesia.domain.vocabulary import Channel
from cortesia.engine.ports import DncRegistries
from cortesia.errors import BatchValidationError, ValidationError

SPAWN = multiprocessing.get_context("spawn")
ROOT = Path(__file__).resolve().parents[2]
AT = datetime(2026, 3, 2, 12, tzinfo=UTC)
MARCH_1, MARCH_2 = date(2026, 3, 1), date(2026, 3, 2)
A, B, C = "+12025551234", "+13035551234", "+14045551234"


def _file(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def _import(registries: DncRegistries, registry: str, path: Path, **options: Any) -> Any:
    fmt = "ftc" if registry == "us-dnc" else "csv"
    defaults: dict[str, Any] = {"fmt": fmt, "snapshot_date": MARCH_1, "imported_at": AT}
    return registries.import_version(registry, path, **{**defaults, **options})


@pytest.fixture(params=["memory", "files"])
def registries(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[DncRegistries]:
    if request.param == "memory":
        yield MemoryRegistries()
    else:
        yield FileRegistries(tmp_path / "registries", refresh_seconds=0)


def test_both_adapters_give_the_same_answers(registries: DncRegistries, tmp_path: Path) -> None:
    _import(registries, "us-dnc", _file(tmp_path, "full.txt", "202,5551234\n303,5551234\n"))
    changes = _file(tmp_path, "ch.txt", "202,5551234,,D\n404,5551234,2026-03-02,A\n")
    _import(registries, "us-dnc", changes, snapshot_date=MARCH_2, changes=True)
    rne = "number,channel,added\n+573001234567,sms,2026-02-01\n+573001234568,,\n"
    _import(registries, "co-rne", _file(tmp_path, "rne.csv", rne))
    found = registries.find_many("us-dnc", [A, B, C], None, AT)
    assert [(f.listed, f.listed_since) for f in found] == [
        (False, None),
        (True, None),
        (True, MARCH_2),
    ]
    assert {f.version.version for f in found if f.version} == {2}
    marks = registries.mark("us-dnc", [A, B], None, datetime(2026, 3, 1, tzinfo=UTC))
    assert marks.listed.tolist() == [True, True] and marks.version is not None
    sms = registries.find("co-rne", "+573001234567", Channel.SMS, AT)
    assert (sms.listed, sms.listed_since) == (True, date(2026, 2, 1))
    assert not registries.find("co-rne", "+573001234567", Channel.VOICE, AT).listed
    assert registries.find("co-rne", "+573001234568", Channel.VOICE, AT).listed
    versions = [(v.registry_id, v.version, v.kind, v.numbers) for v in registries.versions()]
    assert versions == [
        ("co-rne", 1, "full", 2),
        ("us-dnc", 1, "full", 2),
        ("us-dnc", 2, "changes", 2),
    ]
    assert registries.versions("co-rne")[0].channels == ("all", "sms")
    nothing = registries.find("uk-tps", "+442079460000", Channel.VOICE, AT)
    assert (nothing.listed, nothing.version) == (False, None)


def _published(folder: Path) -> tuple[bytes, list[str]]:
    return (folder / MANIFEST).read_bytes(), sorted(p.name for p in folder.iterdir())


def test_a_failed_write_leaves_the_previous_version_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    registries = FileRegistries(tmp_path / "registries", refresh_seconds=0)
    _import(registries, "us-dnc", _file(tmp_path, "v1.txt", "202,5551234\n"))
    folder = tmp_path / "registries" / "us-dnc"
    before = _published(folder)

    def disk_full(out: Any, keys: Any, days: Any = None) -> int:
        out.write(b"half an index")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(store, "write_index", disk_full)
    with pytest.raises(OSError, match="No space"):
        _import(
            registries, "us-dnc", _file(tmp_path, "v2.txt", "303,5551234\n"), snapshot_date=MARCH_2
        )
    assert _published(folder) == before
    found = registries.find("us-dnc", A, None, AT)
    assert found.listed and found.version is not None and found.version.version == 1
    monkeypatch.undo()
    again = _import(
        registries, "us-dnc", _file(tmp_path, "v2.txt", "303,5551234\n"), snapshot_date=MARCH_2
    )
    assert again.version == 2 and registries.find("us-dnc", B, None, AT).listed


def test_a_bad_file_writes_nothing(tmp_path: Path) -> None:
    registries = FileRegistries(tmp_path / "registries", refresh_seconds=0)
    _import(registries, "us-dnc", _file(tmp_path, "v1.txt", "202,5551234\n"))
    folder = tmp_path / "registries" / "us-dnc"
    before = _published(folder)
    with pytest.raises(BatchValidationError):
        _import(registries, "us-dnc", _file(tmp_path, "bad.txt", "303,5551234\n999\n"))
    assert _published(folder) == before
    assert [v.version for v in registries.versions()] == [1]


def test_what_a_crashed_import_left_is_cleared_by_the_next(tmp_path: Path) -> None:
    registries = FileRegistries(tmp_path / "registries", refresh_seconds=0)
    _import(registries, "us-dnc", _file(tmp_path, "v1.txt", "202,5551234\n"))
    folder = tmp_path / "registries" / "us-dnc"
    (folder / ".tmp-v2-dead").mkdir()
    (folder / "v3").mkdir()  # renamed into place, but the manifest was never rewritten
    (folder / "v3" / "all.idx").write_bytes(b"partial")
    version = _import(registries, "us-dnc", _file(tmp_path, "v2.txt", "303,5551234\n"))
    assert version.version == 4
    assert sorted(p.name for p in folder.iterdir() if p.is_dir()) == ["v1", "v4"]


def test_channels_a_change_list_does_not_touch_share_the_previous_file(tmp_path: Path) -> None:
    registries = FileRegistries(tmp_path / "registries", refresh_seconds=0)
    full = "number,channel\n+573001234567,sms\n+573001234568,voice\n"
    _import(registries, "co-rne", _file(tmp_path, "full.csv", full))
    changes = "number,channel,removed\n+573001234567,sms,2026-03-02\n"
    version = _import(
        registries,
        "co-rne",
        _file(tmp_path, "ch.csv", changes),
        snapshot_date=MARCH_2,
        changes=True,
    )
    folder = tmp_path / "registries" / "co-rne"
    assert (folder / "v1" / "voice.idx").stat().st_ino == (
        folder / "v2" / "voice.idx"
    ).stat().st_ino
    assert version.channels == ("sms", "voice") and version.numbers == 1
    assert not registries.find("co-rne", "+573001234567", Channel.SMS, AT).listed


def test_other_readers_see_a_new_version_once_their_refresh_is_due(tmp_path: Path) -> None:
    writer = FileRegistries(tmp_path / "registries")
    patient = FileRegistries(tmp_path / "registries", refresh_seconds=3600)
    eager = FileRegistries(tmp_path / "registries", refresh_seconds=0)
    _import(writer, "us-dnc", _file(tmp_path, "v1.txt", "202,5551234\n"))
    assert patient.find("us-dnc", A, None, AT).listed
    _import(writer, "us-dnc", _file(tmp_path, "v2.txt", "303,5551234\n"), snapshot_date=MARCH_2)
    assert patient.find("us-dnc", A, None, AT).listed  # still the table it read an hour ago
    assert not eager.find("us-dnc", A, None, AT).listed


def read_while_importing(root: str, started: Event, rounds_after_new: int, report: str) -> None:
    """Child process: look A up until version 2 has answered ``rounds_after_new`` times."""
    registries = FileRegistries(Path(root), refresh_seconds=0)
    seen: dict[str, int] = {}
    wrong, after = 0, 0
    for _ in range(2_000_000):
        found = registries.find("us-dnc", A, None, AT)
        started.set()
        version = found.version.version if found.version else 0
        seen[str(version)] = seen.get(str(version), 0) + 1
        # Version 1 lists A; version 2 (a change list) removed it.
        wrong += found.listed != (version == 1)
        after += version == 2
        if after >= rounds_after_new:
            break
    Path(report).write_text(json.dumps({"seen": seen, "wrong": wrong}), encoding="utf-8")


def test_processes_reading_during_an_import_see_one_whole_version_or_the_next(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.syspath_prepend(str(ROOT))  # spawned children import this module by name
    root = tmp_path / "registries"
    lines = "".join(f"{200 + i % 800},{2_000_000 + i}\n" for i in range(200_000))
    _import(FileRegistries(root), "us-dnc", _file(tmp_path, "v1.txt", "202,5551234\n" + lines))
    reports = [tmp_path / f"reader-{i}.json" for i in range(2)]
    started = [SPAWN.Event() for _ in reports]
    readers = [
        SPAWN.Process(target=read_while_importing, args=(str(root), event, 200, str(report)))
        for event, report in zip(started, reports, strict=True)
    ]
    for reader in readers:
        reader.start()
    assert all(event.wait(60) for event in started)  # both are reading version 1 now
    changes = _file(tmp_path, "ch.txt", "202,5551234,,D\n")
    _import(FileRegistries(root), "us-dnc", changes, snapshot_date=MARCH_2, changes=True)
    for reader in readers:
        reader.join(120)
        assert reader.exitcode == 0
    for report in reports:
        summary = json.loads(report.read_text(encoding="utf-8"))
        assert summary["wrong"] == 0
        assert summary["seen"]["1"] >= 1 and summary["seen"]["2"] >= 200
        assert set(summary["seen"]) == {"1", "2"}
    assert os.listdir(root / "us-dnc").count("v2") == 1


def test_both_adapters_refuse_bad_registry_ids_and_numbers(registries: DncRegistries) -> None:
    with pytest.raises(ValidationError):
        registries.find("../../etc", A, None, AT)
    with pytest.raises(ValidationError):
        registries.find("us-dnc", "2025551234", None, AT)
    with pytest.raises(ValidationError, match=r"number\[1\]"):
        registries.mark("us-dnc", [A, "+1 202 555 1234"], None, AT)
