from __future__ import annotations

import zipfile
from datetime import date
from pathlib import Path

import pytest

from cortesia.adapters.dnc import ftc
from cortesia.adapters.dnc.csv_list import read_registry_csv
from cortesia.adapters.dnc.ftc import read_ftc_full
from cortesia.adapters.dnc.ftc_changes import read_ftc_changes
from cortesia.adapters.dnc.keys import day_number
from cortesia.adapters.dnc.parsed import ParsedSource
from cortesia.adapters.dnc.sources import read_source
from cortesia.domain.registry import registry_id, registry_region
from cortesia.errors import BatchValidationError, ValidationError


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode())
    return path


def _listed(source: ParsedSource, channel: str = "all") -> list[int]:
    return source.lists[channel].keys.tolist()


def test_ftc_full_list_reads_every_layout_the_guides_describe(tmp_path: Path) -> None:
    text = "202,5551234\n2035551234\n(204) 555-1234\r\n+1 205 555 1234\n\n206.555.1234"
    source = read_ftc_full(_write(tmp_path, "dnc.txt", text))
    assert _listed(source) == [12025551234, 12035551234, 12045551234, 12055551234, 12065551234]
    assert len(source.sha256) == 64 and not source.changes


def test_ftc_full_list_of_fixed_width_lines_sorts_and_drops_repeats(tmp_path: Path) -> None:
    source = read_ftc_full(_write(tmp_path, "dnc.txt", "303,5550002\n202,5550001\n303,5550002\n"))
    assert _listed(source) == [12025550001, 13035550002]
    assert source.rows == 3


def test_ftc_lines_split_across_read_blocks_are_read_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ftc, "BLOCK", 17)
    lines = [f"{200 + i},555{i:04d}" for i in range(40)]
    source = read_ftc_full(_write(tmp_path, "dnc.txt", "\n".join(lines)))
    assert len(_listed(source)) == 40


def test_ftc_zip_members_are_read_one_after_the_other(tmp_path: Path) -> None:
    archive = tmp_path / "dnc.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as writer:
        writer.writestr("202.txt", "202,5551234\n")
        writer.writestr("303.txt", "303,5551234\n")
    source = read_ftc_full(archive)
    assert _listed(source) == [12025551234, 13035551234]


def test_ftc_bad_lines_are_named_with_line_value_and_reason(tmp_path: Path) -> None:
    path = _write(tmp_path, "dnc.txt", "202,5551234\n102,5551234\n303,555123\n404,5551234\n")
    with pytest.raises(BatchValidationError) as caught:
        read_ftc_full(path)
    problems = caught.value.problems
    assert [(p.row, p.field, p.value) for p in problems] == [
        (2, "number", "102,5551234"),
        (3, "number", "303,555123"),
    ]
    assert "not a US number" in problems[0].reason
    assert "dnc.txt" in str(caught.value)


def test_ftc_lines_with_letters_are_refused(tmp_path: Path) -> None:
    with pytest.raises(BatchValidationError) as caught:
        read_ftc_full(_write(tmp_path, "dnc.txt", "202,5551234\n202,555CALL\n"))
    assert caught.value.problems[0].row == 2
    assert "other than digits" in caught.value.problems[0].reason


def test_ftc_xml_downloads_are_refused_with_what_to_do(tmp_path: Path) -> None:
    path = _write(tmp_path, "dnc.xml", "<?xml version='1.0'?><numbers/>")
    with pytest.raises(ValidationError, match="flat text file"):
        read_source(path, "us-dnc", "ftc", False)


def test_ftc_files_are_refused_for_registries_of_other_countries(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="US numbers"):
        read_source(_write(tmp_path, "x.txt", "202,5551234\n"), "co-rne", "ftc", False)


def test_ftc_change_list_reads_flags_dates_and_lets_the_last_record_win(tmp_path: Path) -> None:
    text = (
        "AREA,NUMBER,DATE,FLAG\n"
        "202,5551234,2026-03-01,A\n"
        "3035551234,03/01/2026,ADD\n"
        "404,5551234,20260301,delete\n"
        "505,5551234,,A\n"
        "505,5551234,,D\n"
    )
    source = read_ftc_changes(_write(tmp_path, "changes.txt", text))
    change = source.lists["all"]
    assert change.keys.tolist() == [12025551234, 13035551234]
    assert change.days is not None and set(change.days.tolist()) == {day_number(date(2026, 3, 1))}
    assert change.removed.tolist() == [14045551234, 15055551234]
    assert source.changes


def test_ftc_change_records_without_one_flag_are_named(tmp_path: Path) -> None:
    path = _write(tmp_path, "changes.txt", "202,5551234,A\n303,5551234,2026-03-01\n")
    with pytest.raises(BatchValidationError) as caught:
        read_ftc_changes(path)
    problem = caught.value.problems[0]
    assert (problem.row, problem.field) == (2, "flag")


def test_csv_reads_e164_and_national_numbers_per_channel(tmp_path: Path) -> None:
    text = (
        "Number,Channel\n+573001234567,sms\n300 123 4568,\n3001234569,calls\n\n+573001234567,SMS\n"
    )
    source = read_registry_csv(_write(tmp_path, "rne.csv", text), "CO", False)
    assert _listed(source, "sms") == [573001234567]
    assert _listed(source, "all") == [573001234568]
    assert _listed(source, "voice") == [573001234569]
    assert source.rows == 4


def test_csv_added_days_are_kept_and_removed_rows_skipped_in_a_full_list(tmp_path: Path) -> None:
    text = "number,added,removed\n+525512345678,2026-01-05,\n+525512345679,2026-01-06,2026-02-01\n"
    source = read_registry_csv(_write(tmp_path, "repep.csv", text), "MX", False)
    listed = source.lists["all"]
    assert listed.keys.tolist() == [525512345678]
    assert listed.days is not None and listed.days.tolist() == [day_number(date(2026, 1, 5))]


def test_csv_removed_rows_are_removes_in_a_change_list(tmp_path: Path) -> None:
    text = "number,removed\n+525512345678,\n+525512345679,2026-02-01\n"
    change = read_registry_csv(_write(tmp_path, "repep.csv", text), "MX", True).lists["all"]
    assert (change.keys.tolist(), change.removed.tolist()) == ([525512345678], [525512345679])


def test_csv_bad_rows_name_row_column_value_and_reason(tmp_path: Path) -> None:
    text = (
        "number,channel,added\n"
        "someone@example.com,,\n"
        "+573001234567,fax,\n"
        "+573001234568,,2026-13-01\n"
        ",sms,\n"
        "12,,\n"
    )
    with pytest.raises(BatchValidationError) as caught:
        read_registry_csv(_write(tmp_path, "rne.csv", text), "CO", False)
    found = [(p.row, p.field, p.value) for p in caught.value.problems]
    assert found == [
        (2, "number", "someone@example.com"),
        (3, "channel", "fax"),
        (4, "added", "2026-13-01"),
        (5, "number", ""),
        (6, "number", "12"),
    ]
    reasons = " ".join(p.reason for p in caught.value.problems)
    assert "e-mail addresses are not supported" in reasons
    assert "unknown channel" in reasons


def test_csv_without_a_number_column_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="number column"):
        read_registry_csv(_write(tmp_path, "x.csv", "telephone\n+573001234567\n"), "CO", False)


def test_national_numbers_without_a_country_must_be_written_in_e164(tmp_path: Path) -> None:
    with pytest.raises(BatchValidationError, match=r"E\.164"):
        read_registry_csv(_write(tmp_path, "x.csv", "number\n3001234567\n"), None, False)


def test_registry_ids_are_known_or_user_defined_words() -> None:
    assert registry_id(" UK-TPS ") == "uk-tps"
    assert registry_id("pe-gracias") == "pe-gracias"
    for bad in ("../etc", "dnc", "a b", "x" * 60 + "-y"):
        with pytest.raises(ValidationError):
            registry_id(bad)
    assert (registry_region("co-rne"), registry_region("acme-list")) == ("CO", None)
