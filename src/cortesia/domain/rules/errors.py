"""The one error a rule raises when it is loaded: where, which text, which column, why."""

from __future__ import annotations

from cortesia.errors import FieldProblem, ValidationError


class RuleError(ValidationError):
    """A rule refused at load time, naming where it came from, its text, the column and why.

    The message reads ``<where>: rule `<text>` at column <n>: <reason>``; ``problem`` (the
    :class:`~cortesia.errors.FieldProblem` every validation error carries) names ``where`` as
    the field and the rule text as the value.

    >>> error = RuleError("action data_pack_5gb eligibility", "tenure >= ", 11, "incomplete")
    >>> str(error)
    'action data_pack_5gb eligibility: rule `tenure >=` at column 11: incomplete'
    >>> error.column, error.reason
    (11, 'incomplete')
    """

    def __init__(self, where: str, text: str, column: int, reason: str) -> None:
        super().__init__(where, text, f"at column {column}: {reason}")
        self.where = where
        self.text = text
        self.column = column
        self.reason = reason
        self.problem = FieldProblem(where, text, f"at column {column}: {reason}")
        self.args = (f"{where}: rule `{text.strip()}` at column {column}: {reason}",)
