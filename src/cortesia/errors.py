"""One exception tree for Cortesía.

Business outcomes (a suppressed contact, an unknown consent) are values, never
exceptions. Exceptions are for misuse and for infrastructure faults::

    CortesiaError
    ├── ValidationError          bad input: names the field, the value and why
    │   └── BatchValidationError every bad row of a rejected file or batch
    ├── NotFoundError            a customer, event or key that does not exist
    ├── ConflictError            an idempotency key reused for a different event
    ├── AuthError                missing or unknown API key
    │   └── ForbiddenError       a key without the scope the call needs
    ├── TokenError               bad, tampered or expired unsubscribe token
    ├── RateLimitedError         a public page asked too often
    └── StoreError               the store cannot be read or written
"""

from __future__ import annotations

from dataclasses import dataclass


class CortesiaError(Exception):
    """Root of every error Cortesía raises on purpose."""


@dataclass(frozen=True, slots=True)
class FieldProblem:
    """One reason an input was refused: where, what was there, and why."""

    field: str
    value: object
    reason: str
    row: int | None = None

    def describe(self) -> str:
        where = f"row {self.row}, " if self.row is not None else ""
        shown = "(empty)" if self.value is None or self.value == "" else repr(self.value)
        if len(shown) > 80:
            shown = shown[:77] + "..."
        return f"{where}{self.field}={shown}: {self.reason}"


class ValidationError(CortesiaError, ValueError):
    """Bad input, naming the field, the value and the reason."""

    def __init__(self, field: str, value: object, reason: str) -> None:
        self.problem = FieldProblem(field, value, reason)
        super().__init__(self.problem.describe())

    @property
    def problems(self) -> list[FieldProblem]:
        return [self.problem]


class BatchValidationError(ValidationError):
    """A whole file or batch refused, with every bad row; nothing was written."""

    def __init__(self, problems: list[FieldProblem], what: str = "batch") -> None:
        if not problems:
            raise ValueError("BatchValidationError needs at least one problem")
        self._problems = list(problems)
        first = problems[0]
        super().__init__(first.field, first.value, first.reason)
        self.args = (f"{what} rejected: {len(problems)} bad row(s); first: {first.describe()}",)

    @property
    def problems(self) -> list[FieldProblem]:
        return list(self._problems)


class NotFoundError(CortesiaError, LookupError):
    """Something named by the caller does not exist."""

    def __init__(self, kind: str, key: str) -> None:
        self.kind = kind
        self.key = key
        super().__init__(f"{kind} {key!r} not found")


class ConflictError(CortesiaError):
    """A request contradicts what is stored, e.g. a reused idempotency key."""

    def __init__(self, field: str, value: object, reason: str) -> None:
        self.problem = FieldProblem(field, value, reason)
        super().__init__(self.problem.describe())


class AuthError(CortesiaError):
    """The caller is not identified: missing, malformed or revoked API key."""


class ForbiddenError(AuthError):
    """The caller's key lacks the scope the call needs."""


class TokenError(CortesiaError):
    """An unsubscribe token is malformed, tampered with or expired."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


class RateLimitedError(CortesiaError):
    """Too many requests from one client to a public page."""

    def __init__(self, retry_after_s: int) -> None:
        self.retry_after_s = retry_after_s
        super().__init__(f"too many requests; retry after {retry_after_s} s")


class StoreError(CortesiaError):
    """The store could not be read or written."""
