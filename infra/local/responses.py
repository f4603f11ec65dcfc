"""JSON replies in the API's error shape, for what the gateway answers itself."""

from __future__ import annotations

import json
from typing import Any

from werkzeug.wrappers import Response


def json_response(payload: Any, status: int = 200) -> Response:
    return Response(json.dumps(payload), status=status, mimetype="application/json")


def json_error(status: int, code: str, message: str) -> Response:
    return json_response({"error": {"code": code, "message": message}}, status)
