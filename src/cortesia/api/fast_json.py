"""A JSON response serialised by orjson, for answers on the hot path.

FastAPI's default walks a returned dict through ``jsonable_encoder`` before encoding it;
a decision's answer (every candidate's trace) is plain JSON data already.
"""

from __future__ import annotations

from typing import Any

import orjson
from fastapi.responses import JSONResponse


class FastJSON(JSONResponse):
    """``application/json`` written by orjson."""

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content)
