"""What API Gateway (HTTP API, payload format 2.0) does around a Lambda: an HTTP
request becomes the event the handler receives, its result becomes the reply.

Follows AWS's documented shapes: lower-cased header names with duplicates
comma-joined, cookies lifted out of the headers into `cookies`, query values
comma-joined, binary bodies base64-encoded.
"""

from __future__ import annotations

import base64
import binascii
import json
import uuid
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl

from werkzeug.datastructures import Headers
from werkzeug.wrappers import Request, Response

from infra.local.environment import ACCOUNT_ID

API_ID = "local"
_TEXT_TYPES = (
    "application/json",
    "application/javascript",
    "application/xml",
    "application/x-www-form-urlencoded",
)


def http_event(request: Request, body: bytes, now: datetime) -> dict[str, Any]:
    """The v2 event for `request`, whose body (already read) is `body`."""
    environ = request.environ
    raw_uri = str(environ.get("RAW_URI") or environ.get("REQUEST_URI") or request.path)
    raw_path = raw_uri.split("?", 1)[0] or "/"
    raw_query = str(environ.get("QUERY_STRING", ""))
    headers: dict[str, str] = {}
    cookies: list[str] = []
    for name, value in request.headers.items():
        key = name.lower()
        if key == "cookie":
            cookies.extend(c.strip() for c in value.split(";") if c.strip())
        elif key in headers:
            headers[key] = f"{headers[key]},{value}"
        else:
            headers[key] = value
    source_ip = request.remote_addr or "127.0.0.1"
    host = request.host.rsplit(":", 1)[0] if request.host else "127.0.0.1"
    headers["x-forwarded-for"] = source_ip
    headers["x-forwarded-proto"] = request.scheme
    headers["x-forwarded-port"] = str(environ.get("SERVER_PORT", ""))
    request_id = str(uuid.uuid4())
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": raw_path,
        "rawQueryString": raw_query,
        "headers": headers,
        "requestContext": {
            "accountId": ACCOUNT_ID,
            "apiId": API_ID,
            "domainName": host,
            "domainPrefix": host.split(".", 1)[0],
            "http": {
                "method": request.method,
                "path": raw_path,
                "protocol": str(environ.get("SERVER_PROTOCOL", "HTTP/1.1")),
                "sourceIp": source_ip,
                "userAgent": request.headers.get("User-Agent", ""),
            },
            "requestId": request_id,
            "routeKey": "$default",
            "stage": "$default",
            "time": now.strftime("%d/%b/%Y:%H:%M:%S +0000"),
            "timeEpoch": int(now.timestamp() * 1000),
        },
        "isBase64Encoded": False,
    }
    if cookies:
        event["cookies"] = cookies
    query = _query_parameters(raw_query)
    if query:
        event["queryStringParameters"] = query
    if body:
        if _is_text(request.mimetype):
            try:
                event["body"] = body.decode("utf-8")
            except UnicodeDecodeError:
                event["body"], event["isBase64Encoded"] = _b64(body), True
        else:
            event["body"], event["isBase64Encoded"] = _b64(body), True
    return event


def _query_parameters(raw_query: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for name, value in parse_qsl(raw_query, keep_blank_values=True):
        out[name] = f"{out[name]},{value}" if name in out else value
    return out


def _is_text(mimetype: str) -> bool:
    return (
        mimetype.startswith("text/")
        or mimetype in _TEXT_TYPES
        or mimetype.endswith(("+json", "+xml"))
    )


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


class BadLambdaResult(Exception):
    """A result API Gateway would answer with a 500."""


def http_response(result: Any, request_id: str) -> Response:
    """The HTTP reply API Gateway makes of a v2 handler's result."""
    if not (isinstance(result, dict) and "statusCode" in result):
        # API Gateway's rule for v2: anything else is a 200 JSON body.
        body = result if isinstance(result, str) else json.dumps(result)
        result = {"statusCode": 200, "headers": {"content-type": "application/json"}, "body": body}
    try:
        status = int(result["statusCode"])
        headers = Headers()
        for name, value in (result.get("headers") or {}).items():
            headers.add(str(name), str(value))
        for name, values in (result.get("multiValueHeaders") or {}).items():
            for value in values:
                headers.add(str(name), str(value))
        for cookie in result.get("cookies") or []:
            headers.add("Set-Cookie", str(cookie))
        raw = result.get("body") or ""
        data = base64.b64decode(raw, validate=True) if result.get("isBase64Encoded") else raw
    except (KeyError, TypeError, ValueError, binascii.Error) as err:
        raise BadLambdaResult(f"not an API Gateway v2 result: {err}") from err
    typed = "Content-Type" in headers  # case-insensitive
    headers["apigw-requestid"] = request_id
    response = Response(data, status=status, headers=headers)
    if not typed:
        del response.headers["Content-Type"]  # werkzeug's default; API Gateway adds none
    return response
