"""Reading customer files with Polars: layouts, mapping files, column types, repeated ids."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
import pytest

from cortesia.batch.customer_files import read_customer_file
from cortesia.batch.customer_mapping import CustomerMapping, load_mapping, parse_mapping
from cortesia.batch.file_frames import unbalanced_quote_line
from cortesia.domain.customers import AttributeType
from cortesia.errors import BatchValidationError, ValidationError

HEADER = "customer_id,country,subdivision,time_zone,language,phone,email"


def write(tmp_path: Path, text: str, name: str = "customers.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_canonical_csv_gives_stripped_fields_and_typed_attributes(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        f"{HEADER},plan,arpu,vip,since\n"
        "c1, CO ,,,es,+573211234567,a@b.co,gold,12.5,true,2024-01-31\n"
        "c2,US,,,,,,,,false,\n",
    )
    table = read_customer_file(path, CustomerMapping(), {})
    assert table.rows == 2 and table.first_row == 2
    assert table.fields["country"] == ["CO", "US"]
    assert table.fields["email"] == ["a@b.co", None]
    assert table.attribute_types == {
        "plan": AttributeType.STRING,
        "arpu": AttributeType.NUMBER,
        "vip": AttributeType.BOOL,
        "since": AttributeType.DATE,
    }
    assert table.attributes["since"] == [date(2024, 1, 31), None]
    assert table.attributes["vip"] == [True, False]
    assert table.problems == []


def test_a_value_that_does_not_fit_the_registered_type_is_a_row_problem(tmp_path: Path) -> None:
    path = write(tmp_path, f"{HEADER},arpu\nc1,CO,,,,,,12\nc2,CO,,,,,,n/a\nc3,CO,,,,,,\n")
    table = read_customer_file(path, CustomerMapping(), {"arpu": AttributeType.NUMBER})
    [problem] = table.problems
    assert (problem.row, problem.field, problem.value) == (3, "arpu", "n/a")
    assert "not a number" in problem.reason


def test_repeated_customer_ids_are_reported_with_the_first_row(tmp_path: Path) -> None:
    path = write(tmp_path, f"{HEADER}\nc1,CO,,,,,\nc2,CO,,,,,\nc1,CO,,,,,\n")
    [problem] = read_customer_file(path, CustomerMapping(), {}).problems
    assert (problem.row, problem.value) == (4, "c1")
    assert "row 2" in problem.reason


def test_a_missing_required_column_is_named(tmp_path: Path) -> None:
    path = write(tmp_path, "customer_id,phone\nc1,+573211234567\n")
    with pytest.raises(ValidationError) as caught:
        read_customer_file(path, CustomerMapping(), {})
    assert caught.value.problem.value == "country"
    assert "required column" in caught.value.problem.reason


def test_a_mapping_column_absent_from_the_file_is_named(tmp_path: Path) -> None:
    path = write(tmp_path, "id,pais\nc1,CO\n")
    mapping = parse_mapping({"columns": {"id": "customer_id", "Pais": "country"}})
    with pytest.raises(ValidationError) as caught:
        read_customer_file(path, mapping, {})
    assert caught.value.problem.value == "Pais"


def test_mapping_renames_defaults_declares_types_and_ignores(tmp_path: Path) -> None:
    path = write(tmp_path, "Cliente;Movil;Alta;Notas;Socio\nc1;3211234567;2024-02-01;x;Sí\n")
    mapping_file = write(
        tmp_path,
        """
[columns]
Cliente = "customer_id"
Movil = "phone"
Alta = "signup"
[defaults]
country = "CO"
[attributes]
Socio = "string"
[ignore]
columns = ["Notas"]
[options]
delimiter = ";"
""",
        "layout.toml",
    )
    table = read_customer_file(path, load_mapping(mapping_file), {})
    assert table.fields["customer_id"] == ["c1"]
    assert table.fields["country"] == ["CO"]
    assert table.fields["phone"] == ["3211234567"]
    assert table.sources["phone"] == "Movil"
    assert table.attribute_types == {"signup": AttributeType.DATE, "Socio": AttributeType.STRING}
    assert "Notas" not in table.attributes


def test_a_bad_mapping_file_says_what_is_wrong(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="unknown type"):
        load_mapping(write(tmp_path, '[attributes]\nplan = "text"\n', "m.toml"))
    with pytest.raises(ValidationError, match="not valid TOML"):
        load_mapping(write(tmp_path, "[columns\n", "m.toml"))
    with pytest.raises(ValidationError, match="constant default"):
        parse_mapping({"defaults": {"customer_id": "x"}})


def test_parquet_dtypes_give_attribute_types_and_rows_count_from_one(tmp_path: Path) -> None:
    path = tmp_path / "customers.parquet"
    pl.DataFrame(
        {
            "customer_id": ["c1", "c2"],
            "country": ["ES", "ES"],
            "tenure": [3, 40],
            "churn": [True, False],
            "since": [date(2020, 1, 1), None],
        }
    ).write_parquet(path)
    table = read_customer_file(path, CustomerMapping(), {"tenure": AttributeType.STRING})
    assert table.first_row == 1
    assert table.attribute_types["churn"] is AttributeType.BOOL
    assert table.attribute_types["since"] is AttributeType.DATE
    assert table.attributes["tenure"] == ["3", "40"]  # the workspace already holds it as text


def layout_error(path: Path, mapping: CustomerMapping | None = None) -> str:
    with pytest.raises(ValidationError) as caught:
        read_customer_file(path, mapping or CustomerMapping(), {})
    return str(caught.value)


def test_a_column_named_twice_in_the_header_rejects_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, "customer_id,country,country\nc1,ES,FR\n")
    assert layout_error(path) == (
        "column='country': appears twice in the header; rename or remove one of them"
    )


def test_a_mapping_that_renames_onto_a_field_already_fed_names_both_columns(
    tmp_path: Path,
) -> None:
    path = write(tmp_path, "customer_id,country,Pais\nc1,ES,FR\n")
    message = layout_error(path, parse_mapping({"columns": {"Pais": "country"}}))
    assert message.startswith("column='Pais': feeds 'country', and so does column 'country'")


@pytest.mark.parametrize("text", ["", "\n\n", "\n\n  \n", " \t \n  \n", "\ufeff \n"])
def test_an_empty_file_says_it_is_empty(tmp_path: Path, text: str) -> None:
    assert layout_error(write(tmp_path, text)) == "file='customers.csv': the file is empty"


def test_a_semicolon_separated_file_says_which_delimiter_to_set(tmp_path: Path) -> None:
    path = write(tmp_path, "customer_id;country\nc1;ES\n")
    assert layout_error(path).endswith(
        "columns look separated by ';': set delimiter = \";\" in a mapping file"
    )


def test_an_unbalanced_quote_names_the_line_it_opens_on(tmp_path: Path) -> None:
    path = write(tmp_path, 'customer_id,country\nc1,ES\n"L7,ES\nc3,ES\n')
    assert layout_error(path) == (
        "file='customers.csv': line 3 cannot be read: unbalanced quote (a '\"' that never closes)"
    )


def test_quoted_cells_over_several_lines_and_doubled_quotes_are_balanced(tmp_path: Path) -> None:
    path = write(tmp_path, 'customer_id,country,note\nc1,ES,"two\nlines, ""quoted"""\nc2,ES,\n')
    assert unbalanced_quote_line(path) is None
    table = read_customer_file(path, CustomerMapping(), {})
    assert table.attributes["note"] == ['two\nlines, "quoted"', None]


def test_a_file_that_is_not_utf8_says_so(tmp_path: Path) -> None:
    path = tmp_path / "customers.csv"
    path.write_bytes("customer_id,country,city\nc1,ES,Logroño\n".encode("latin-1"))
    assert layout_error(path).endswith("cannot be read: it is not UTF-8 text (save it as UTF-8)")


def test_every_row_with_more_or_fewer_cells_than_the_header_is_named(tmp_path: Path) -> None:
    path = write(tmp_path, 'customer_id,country\nB1,ES\nB2,ES,x\nB3\n\n"B,4",ES,y,z\nB5,ES\n')
    with pytest.raises(BatchValidationError) as caught:
        read_customer_file(path, CustomerMapping(), {})
    assert [p.describe() for p in caught.value.problems] == [
        "row 3, file='customers.csv': has 3 cells, the header has 2",
        "row 4, file='customers.csv': has 1 cell, the header has 2",
        "row 6, file='customers.csv': has 4 cells, the header has 2",
    ]
    assert str(caught.value).startswith("customers.csv rejected: 3 bad row(s)")


def test_rows_are_counted_in_the_delimiter_of_the_mapping(tmp_path: Path) -> None:
    path = write(tmp_path, "customer_id;country\nB1;ES;x\n")
    with pytest.raises(BatchValidationError) as caught:
        read_customer_file(path, parse_mapping({"options": {"delimiter": ";"}}), {})
    assert [p.row for p in caught.value.problems] == [2]


def test_nul_in_a_text_attribute_is_a_row_problem_but_tabs_are_text(tmp_path: Path) -> None:
    path = write(tmp_path, 'customer_id,country,note\nc1,ES,"a\tb"\nc2,ES,a\x00b\n')
    table = read_customer_file(path, CustomerMapping(), {})
    assert table.attributes["note"] == ["a\tb", "a\x00b"]
    assert [(p.row, p.field, p.reason) for p in table.problems] == [
        (3, "note", "contains the control character U+0000; remove it"),
    ]


def test_a_control_character_in_a_column_name_rejects_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, "customer_id,country,pl\x01an\nc1,ES,gold\n")
    assert layout_error(path) == (
        "column='pl\\x01an': contains the control character U+0001; rename it"
    )
