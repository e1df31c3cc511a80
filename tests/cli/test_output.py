from __future__ import annotations

import pytest

from cortesia.cli.output import report_error
from cortesia.errors import (
    BatchValidationError,
    ConflictError,
    FieldProblem,
    NotFoundError,
    StoreError,
)


def test_every_bad_row_is_one_line_then_the_summary(capsys: pytest.CaptureFixture[str]) -> None:
    error = BatchValidationError(
        [
            FieldProblem("country", "XX", "unknown country", 2),
            FieldProblem("email", "nope", "not an e-mail address", 3),
        ],
        what="customers.csv",
    )
    assert report_error(error) == 2
    lines = capsys.readouterr().err.splitlines()
    assert lines == [
        "error: row 2: country='XX' is refused: unknown country",
        "error: row 3: email='nope' is refused: not an e-mail address",
        f"error: {error}",
    ]


def test_reused_idempotency_key_is_bad_input(capsys: pytest.CaptureFixture[str]) -> None:
    code = report_error(ConflictError("idempotency_key", "k1", "already used for another event"))
    assert code == 2
    assert capsys.readouterr().err.strip() == (
        "error: idempotency_key='k1' is refused: already used for another event"
    )


def test_missing_file_names_the_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert report_error(FileNotFoundError(2, "No such file or directory", "x.csv")) == 2
    assert capsys.readouterr().err.strip() == (
        "error: cannot use file x.csv: No such file or directory"
    )


def test_unreadable_file_and_store_faults_exit_1(capsys: pytest.CaptureFixture[str]) -> None:
    assert report_error(PermissionError(13, "Permission denied", "x.csv")) == 1
    assert report_error(StoreError("database is locked")) == 1
    assert report_error(NotFoundError("customer", "C9")) == 1
    lines = capsys.readouterr().err.splitlines()
    assert lines[1:] == ["error: database is locked", "error: customer 'C9' not found"]
