"""The built site (build/site), as the production CDN would serve it."""

from __future__ import annotations

import mimetypes
from pathlib import Path

from werkzeug.security import safe_join
from werkzeug.utils import redirect, send_file
from werkzeug.wrappers import Request, Response

from infra.local.responses import json_error

# Explicit types for what mkdocs emits; the system's mime.types varies by machine.
# werkzeug adds `; charset=utf-8` to the text types.
_TYPES = {
    ".html": "text/html",
    ".css": "text/css",
    ".js": "text/javascript",
    ".mjs": "text/javascript",
    ".json": "application/json",
    ".map": "application/json",
    ".txt": "text/plain",
    ".xml": "application/xml",
    ".gz": "application/gzip",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".ico": "image/x-icon",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".ttf": "font/ttf",
    ".webmanifest": "application/manifest+json",
    ".ics": "text/calendar",
    ".pdf": "application/pdf",
}

_PLAIN_404 = b"""<!doctype html><html lang="en"><meta charset="utf-8"><title>Not found</title>
<h1>404: not found</h1><p><a href="/">Home</a></p></html>"""


def content_type(path: Path) -> str:
    # The last suffix only: `sitemap.xml.gz` is gzip bytes, not XML.
    suffix = path.suffix.lower()
    return _TYPES.get(suffix) or mimetypes.types_map.get(suffix) or "application/octet-stream"


class StaticSite:
    def __init__(self, root: Path) -> None:
        self.root = root.resolve()

    def serve(self, request: Request) -> Response:
        if request.method not in ("GET", "HEAD"):
            response = json_error(405, "method_not_allowed", "the site is read-only")
            response.headers["Allow"] = "GET, HEAD"
            return response
        joined = safe_join(str(self.root), request.path.lstrip("/"))
        target = Path(joined) if joined is not None else None
        if target is not None and target.is_dir():
            if not request.path.endswith("/"):
                # Relative links in directory pages need the slash, as on any static host.
                query = request.query_string.decode("latin-1")
                return redirect(request.path + "/" + (f"?{query}" if query else ""), 301)
            target = target / "index.html"
        if target is None or not target.is_file():
            return self.not_found()
        response = send_file(
            target, request.environ, mimetype=content_type(target), conditional=True, max_age=0
        )
        del response.headers["Content-Disposition"]  # send_file's; a static host sends none
        response.headers["Cache-Control"] = "no-cache"  # always revalidate: the site is rebuilt
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response

    def not_found(self) -> Response:
        page = self.root / "404.html"
        body = page.read_bytes() if page.is_file() else _PLAIN_404
        return Response(body, status=404, mimetype="text/html")
