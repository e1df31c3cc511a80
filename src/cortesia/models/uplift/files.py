"""One uplift model, one file: a checked text header, then the fitted objects.

The file is three parts::

    CORTESIA-UPLIFT-MODEL 1\\n                       magic and format version
    {"format": 1, "sha256": ..., "bytes": ..., ...}\\n  header: one JSON line
    <payload>                                        the pickled encoder and learner

Pickle, because scikit-learn's fitted trees have no other complete serialisation (ONNX
drops categorical splits; skops is one more dependency for the same objects). A pickle
runs code when loaded, so nothing is unpickled before the header has been read and the
payload's length and SHA-256 match it: a truncated, altered or foreign file is refused
with a ValidationError instead. The header also records the scikit-learn version; a file
written by another version is refused (its trees may not load faithfully) — refit it.
The metadata (method, target, features, held-out figures) is in the header as JSON, so
``read_metadata`` shows a model without unpickling it. Load only model files you made or
trust, as with any pickle.
"""

from __future__ import annotations

import hashlib
import json
import pickle
from pathlib import Path

import sklearn

from cortesia.errors import ValidationError
from cortesia.models.uplift.model import UpliftMetadata, UpliftModel

MAGIC = b"CORTESIA-UPLIFT-MODEL"
FORMAT = 1
_HEADER_MAX = 1 << 20  # a header line longer than this is not ours


def model_bytes(model: UpliftModel) -> bytes:
    """The file's content for ``model`` (also what a store keeps)."""
    payload = pickle.dumps((model.encoder, model.learner), protocol=pickle.HIGHEST_PROTOCOL)
    header = {
        "format": FORMAT,
        "sha256": hashlib.sha256(payload).hexdigest(),
        "bytes": len(payload),
        "sklearn": sklearn.__version__,
        "metadata": model.metadata.as_dict(),
    }
    text = json.dumps(header, ensure_ascii=False, allow_nan=True).encode("utf-8")
    return b"%s %d\n%s\n%s" % (MAGIC, FORMAT, text, payload)


def save_model(model: UpliftModel, path: Path) -> None:
    """Write ``model`` to ``path`` (replaced whole: written aside, then renamed)."""
    partial = path.with_name(path.name + ".partial")
    partial.write_bytes(model_bytes(model))
    partial.replace(path)


def _refuse(path: Path, reason: str) -> ValidationError:
    return ValidationError("model", str(path), reason)


def _split(path: Path, content: bytes) -> tuple[dict[str, object], bytes]:
    """The header and the payload of a model file's bytes, each checked."""
    first, _, rest = content.partition(b"\n")
    if first != b"%s %d" % (MAGIC, FORMAT):
        if first.startswith(MAGIC + b" "):
            version = first[len(MAGIC) + 1 :].decode("utf-8", errors="replace")
            raise _refuse(path, f"file format {version} is not {FORMAT}; refit the model")
        raise _refuse(path, "is not a Cortesía uplift model file")
    line, _, payload = rest.partition(b"\n")
    try:
        if len(line) > _HEADER_MAX:
            raise ValueError("header too long")
        header = json.loads(line)
    except (ValueError, UnicodeDecodeError):
        raise _refuse(path, "its header is damaged") from None
    if not isinstance(header, dict):
        raise _refuse(path, "its header is damaged")
    if len(payload) != header.get("bytes") or (
        hashlib.sha256(payload).hexdigest() != header.get("sha256")
    ):
        raise _refuse(path, "its content does not match its checksum (truncated or altered)")
    return header, payload


def _metadata(path: Path, header: dict[str, object]) -> UpliftMetadata:
    try:
        return UpliftMetadata.from_dict(header["metadata"])  # type: ignore[arg-type]
    except (KeyError, TypeError, ValueError):
        raise _refuse(path, "its metadata is damaged") from None


def read_metadata(path: Path) -> UpliftMetadata:
    """A model file's metadata, checked, without loading the model."""
    return _metadata(path, _split(path, path.read_bytes())[0])


def load_model(path: Path) -> UpliftModel:
    """The model written to ``path`` by ``save_model``; anything else is refused."""
    return model_from_bytes(path.read_bytes(), path)


def model_from_bytes(content: bytes, source: Path) -> UpliftModel:
    """The model in ``content`` (named ``source`` in errors), checked before unpickling."""
    header, payload = _split(source, content)
    if header.get("sklearn") != sklearn.__version__:
        raise _refuse(
            source,
            f"written with scikit-learn {header.get('sklearn')}, this is "
            f"{sklearn.__version__}; refit the model",
        )
    metadata = _metadata(source, header)
    # The payload's SHA-256 matched its header above: these are the bytes that were written.
    encoder, learner = pickle.loads(payload)  # noqa: S301
    return UpliftModel(encoder, learner, metadata)
