from __future__ import annotations

import csv
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from cortesia.adapters.dnc import MemoryRegistries
from cortesia.adapters.memory import FrozenClock, MemoryStore
from cortesia.domain.vocabulary import Channel
from cortesia.engine.hub import Engine
from cortesia.errors import StoreError, ValidationError

T0 = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
A, B, C = "+12025551234", "+13035551234", "+14045551234"


@pytest.fixture
def engine() -> Engine:
    return Engine(MemoryStore(), FrozenClock(T0), dnc=MemoryRegistries())


def _file(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _listed(engine: Engine, number: str, at: datetime, registry: str = "us-dnc") -> bool:
    return engine.dnc.check(number, registry, at)[0].listed


def test_the_snapshot_in_force_is_the_newest_dated_on_or_before_the_day(
    engine: Engine, tmp_path: Path
) -> None:
    first = _file(tmp_path, "v1.txt", "202,5551234\n")
    second = _file(tmp_path, "v2.txt", "303,5551234\n")
    engine.dnc.import_file(first, "us-dnc", as_of=date(2026, 2, 1))
    engine.dnc.import_file(second, "us-dnc", as_of=date(2026, 3, 1))
    before = engine.dnc.check(A, "us-dnc", datetime(2026, 1, 31, 23, 59, tzinfo=UTC))[0]
    assert (before.listed, before.version) == (False, None)
    february = engine.dnc.check(A, "us-dnc", datetime(2026, 2, 28, 23, 59, tzinfo=UTC))[0]
    assert february.listed and february.version is not None and february.version.version == 1
    march = engine.dnc.check(A, "us-dnc", datetime(2026, 3, 1, tzinfo=UTC))[0]
    assert not march.listed and march.version is not None and march.version.version == 2
    assert _listed(engine, B, datetime(2026, 3, 1, tzinfo=UTC))


def test_the_day_of_an_instant_is_its_utc_day(engine: Engine, tmp_path: Path) -> None:
    engine.dnc.import_file(
        _file(tmp_path, "v.txt", "202,5551234\n"), "us-dnc", as_of=date(2026, 3, 1)
    )
    # 19:30 on 28 February in New York is already 1 March in UTC (00:30).
    evening = datetime.fromisoformat("2026-02-28T19:30:00-05:00")
    assert _listed(engine, A, evening)
    assert not _listed(engine, A, evening - timedelta(hours=1))


def test_a_change_list_adds_and_removes_on_top_of_the_newest_version(
    engine: Engine, tmp_path: Path
) -> None:
    engine.dnc.import_file(
        _file(tmp_path, "full.txt", "202,5551234\n303,5551234\n"), "us-dnc", as_of=date(2026, 3, 1)
    )
    changes = _file(tmp_path, "changes.txt", "202,5551234,2026-03-02,D\n404,5551234,2026-03-02,A\n")
    version = engine.dnc.import_file(changes, "us-dnc", changes=True)
    assert (version.version, version.kind, version.numbers) == (2, "changes", 2)
    assert version.snapshot_date == date(2026, 3, 2)
    now = T0
    assert [_listed(engine, n, now) for n in (A, B, C)] == [False, True, True]
    assert engine.dnc.check(C, "us-dnc", now)[0].listed_since == date(2026, 3, 2)
    yesterday = now - timedelta(days=1)
    assert [_listed(engine, n, yesterday) for n in (A, B, C)] == [True, True, False]


def test_a_change_list_needs_a_full_list_and_cannot_predate_it(
    engine: Engine, tmp_path: Path
) -> None:
    changes = _file(tmp_path, "changes.txt", "202,5551234,,A\n")
    with pytest.raises(ValidationError, match="full list imported first"):
        engine.dnc.import_file(changes, "us-dnc", changes=True)
    engine.dnc.import_file(
        _file(tmp_path, "f.txt", "303,5551234\n"), "us-dnc", as_of=date(2026, 3, 1)
    )
    with pytest.raises(ValidationError, match="cannot be older"):
        engine.dnc.import_file(changes, "us-dnc", changes=True, as_of=date(2026, 2, 1))


def test_per_channel_registries_answer_for_the_channel_asked(
    engine: Engine, tmp_path: Path
) -> None:
    text = "number,channel\n+573001234567,voice\n+573001234568,\n"
    engine.dnc.import_file(_file(tmp_path, "rne.csv", text), "co-rne", as_of=date(2026, 3, 1))
    voice_only = "+573001234567"
    asks = {
        c: engine.dnc.check(voice_only, "co-rne", T0, c)[0].listed
        for c in (Channel.VOICE, Channel.SMS, None)
    }
    assert asks == {Channel.VOICE: True, Channel.SMS: False, None: True}
    every_channel = engine.dnc.check("+573001234568", "co-rne", T0, Channel.SMS)[0]
    assert every_channel.listed and every_channel.channel is Channel.SMS


def test_listed_since_comes_from_the_file_for_effect_delays(engine: Engine, tmp_path: Path) -> None:
    text = "number,added\n55 1234 5678,2026-02-20\n"
    engine.dnc.import_file(_file(tmp_path, "repep.csv", text), "mx-repep", as_of=date(2026, 3, 1))
    finding = engine.dnc.check("55 1234 5678", "mx-repep")[0]
    assert finding.number == "+525512345678"
    assert finding.listed_since == date(2026, 2, 20)


def test_check_without_a_registry_asks_every_imported_one(engine: Engine, tmp_path: Path) -> None:
    engine.dnc.import_file(
        _file(tmp_path, "us.txt", "202,5551234\n"), "us-dnc", as_of=date(2026, 3, 1)
    )
    engine.dnc.import_file(
        _file(tmp_path, "uk.csv", "number\n+442079460000\n"), "uk-tps", as_of=date(2026, 3, 1)
    )
    findings = engine.dnc.check(A)
    assert [(f.registry_id, f.listed) for f in findings] == [("uk-tps", False), ("us-dnc", True)]
    with pytest.raises(ValidationError, match=r"E\.164"):
        engine.dnc.check("202 555 1234")


def test_imports_dated_after_today_or_in_unknown_formats_are_refused(
    engine: Engine, tmp_path: Path
) -> None:
    path = _file(tmp_path, "us.txt", "202,5551234\n")
    with pytest.raises(ValidationError, match="after today"):
        engine.dnc.import_file(path, "us-dnc", as_of=date(2026, 3, 3))
    with pytest.raises(ValidationError) as caught:
        engine.dnc.import_file(path, "us-dnc", fmt="xml")
    assert caught.value.problem.field == "format"
    assert engine.dnc.versions() == []


def test_scrub_marks_every_row_and_reports_unreadable_numbers(
    engine: Engine, tmp_path: Path
) -> None:
    engine.dnc.import_file(
        _file(tmp_path, "us.txt", "202,5551234\n"), "us-dnc", as_of=date(2026, 3, 1)
    )
    source = _file(
        tmp_path, "list.csv", "id,phone\n1,(202) 555-1234\n2,+13035551234\n3,call me\n4,\n"
    )
    report = engine.dnc.scrub(source, tmp_path / "out.csv")
    with open(tmp_path / "out.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows == [
        ["id", "phone", "dnc_us-dnc"],
        ["1", "(202) 555-1234", "true"],
        ["2", "+13035551234", "false"],
        ["3", "call me", ""],
        ["4", "", ""],
    ]
    assert (report.rows, report.listed, report.unreadable) == (4, {"us-dnc": 1}, 2)
    assert [(p.row, p.value) for p in report.problems] == [(4, "call me"), (5, "")]
    assert report.versions["us-dnc"].version == 1


def test_scrub_refuses_a_registry_without_a_snapshot_in_force(
    engine: Engine, tmp_path: Path
) -> None:
    source = _file(tmp_path, "list.csv", "phone\n+12025551234\n")
    with pytest.raises(ValidationError, match="no registry imported"):
        engine.dnc.scrub(source, tmp_path / "out.csv")
    engine.dnc.import_file(
        _file(tmp_path, "us.txt", "202,5551234\n"), "us-dnc", as_of=date(2026, 3, 1)
    )
    with pytest.raises(ValidationError, match="no snapshot dated"):
        engine.dnc.scrub(
            source, tmp_path / "out.csv", ["us-dnc"], at=datetime(2026, 2, 1, tzinfo=UTC)
        )
    with pytest.raises(ValidationError, match="must differ"):
        engine.dnc.scrub(source, source)
    assert not (tmp_path / "out.csv").exists()


def test_scrub_needs_a_number_column(engine: Engine, tmp_path: Path) -> None:
    engine.dnc.import_file(
        _file(tmp_path, "us.txt", "202,5551234\n"), "us-dnc", as_of=date(2026, 3, 1)
    )
    source = _file(tmp_path, "list.csv", "id,celular\n1,+12025551234\n")
    with pytest.raises(ValidationError, match="--column"):
        engine.dnc.scrub(source, tmp_path / "out.csv")
    report = engine.dnc.scrub(source, tmp_path / "out.csv", column="celular")
    assert report.listed == {"us-dnc": 1}


def test_an_engine_without_registries_says_so(tmp_path: Path) -> None:
    bare = Engine(MemoryStore(), FrozenClock(T0))
    with pytest.raises(StoreError, match="no do-not-call registries"):
        bare.dnc.versions()


def test_snapshots_can_be_built_in_memory_for_policy_tests() -> None:
    registries = MemoryRegistries()
    registries.add_snapshot(
        "co-rne",
        date(2026, 3, 1),
        by_channel={"sms": ["+573001234567"]},
        listed_since={"+573001234567": date(2026, 2, 27)},
    )
    found = registries.find("co-rne", "+573001234567", Channel.SMS, T0)
    assert (found.listed, found.listed_since) == (True, date(2026, 2, 27))
    assert not registries.find("co-rne", "+573001234567", Channel.VOICE, T0).listed
    with pytest.raises(ValidationError):
        registries.find("co-rne", "3001234567", Channel.SMS, T0)
