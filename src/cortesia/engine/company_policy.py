"""The company contact policy from its file: versioned by the file, reloaded when it changes.

The file is meant to live in version control; its ``[policy] version`` and the SHA-256
of its bytes identify the version a check applied.
"""

from __future__ import annotations

import hashlib
import threading
import tomllib
from dataclasses import replace
from pathlib import Path

from cortesia.domain.policy.company import CompanyPolicy
from cortesia.domain.policy.company_parse import parse_company_policy
from cortesia.errors import ValidationError


def read_company_policy(path: Path) -> CompanyPolicy:
    """Parse a company policy file; errors name the file and the field."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ValidationError(
            "company_policy_file", str(path), error.strerror or "unreadable"
        ) from None
    try:
        document = tomllib.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise ValidationError(
            "company_policy_file", str(path), f"not valid TOML: {error}"
        ) from None
    policy = parse_company_policy(document, path.name)
    return replace(policy, digest=hashlib.sha256(data).hexdigest())


class FileCompanyPolicy:
    """The policy in ``path``, read again whenever the file changes."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._lock = threading.Lock()
        self._stamp: tuple[int, int] | None = None
        self._policy = read_company_policy(path)
        self._stamp = self._stat()

    def _stat(self) -> tuple[int, int]:
        info = self._path.stat()
        return info.st_mtime_ns, info.st_size

    def current(self) -> CompanyPolicy:
        stamp = self._stat()
        if stamp != self._stamp:
            with self._lock:
                self._policy = read_company_policy(self._path)
                self._stamp = stamp
        return self._policy
