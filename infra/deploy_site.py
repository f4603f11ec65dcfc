"""The static site's part of `make deploy`: CSP hashes, sync to S3, CloudFront invalidation.

mkdocs-material writes a few small inline scripts; the CSP allows exactly
those by hash (no 'unsafe-inline'), so the hashes are computed from each build.
"""

from __future__ import annotations

import base64
import hashlib
import mimetypes
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# boto3 clients; typed Any because the dev extras carry no S3 or CloudFront stubs.
S3Client = Any
CloudFrontClient = Any

_INLINE_SCRIPT = re.compile(r"<script(?P<attrs>[^>]*)>(?P<body>.*?)</script>", re.S | re.I)
_SRC = re.compile(r"\bsrc\s*=", re.I)
_TYPE = re.compile(r"""\btype\s*=\s*["']?([^"'\s>]+)""", re.I)
_JS_TYPES = {"", "text/javascript", "module", "application/javascript"}
# mkdocs-material fingerprints its bundles (bundle.a5f9d56c.min.js): cache those for good.
_FINGERPRINTED = re.compile(r"\.[0-9a-f]{8,}\.(min\.)?(js|css)$")


def inline_script_hashes(site_dir: Path) -> list[str]:
    """`'sha256-...'` for every distinct inline script a browser would run, sorted."""
    found = set()
    for page in sorted(site_dir.rglob("*.html")):
        for match in _INLINE_SCRIPT.finditer(page.read_text(encoding="utf-8")):
            attrs = match["attrs"]
            kind = _TYPE.search(attrs)
            if _SRC.search(attrs) or (kind and kind[1].lower() not in _JS_TYPES):
                continue  # an external file ('self') or data such as application/json
            digest = hashlib.sha256(match["body"].encode("utf-8")).digest()
            found.add(f"'sha256-{base64.b64encode(digest).decode()}'")
    return sorted(found)


def cache_control(key: str) -> str:
    if key.endswith(".html"):
        return "no-cache"  # pages change with every deploy; the invalidation covers CloudFront
    if _FINGERPRINTED.search(key):
        return "public, max-age=31536000, immutable"
    return "public, max-age=300"


def content_type(key: str) -> str:
    guessed = mimetypes.guess_type(key)[0] or "application/octet-stream"
    if guessed.startswith("text/") or guessed in ("application/javascript", "image/svg+xml"):
        return f"{guessed}; charset=utf-8"
    return guessed


@dataclass(frozen=True)
class SyncResult:
    uploaded: list[str]
    deleted: list[str]


def _remote_etags(s3: S3Client, bucket: str) -> dict[str, str]:
    etags: dict[str, str] = {}
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        for obj in page.get("Contents", []):
            etags[obj["Key"]] = obj["ETag"].strip('"')
    return etags


def sync_site(s3: S3Client, bucket: str, site_dir: Path) -> SyncResult:
    """Upload new or changed files (by MD5, which is the ETag of a plain put), delete the rest."""
    remote = _remote_etags(s3, bucket)
    uploaded = []
    local = {p.relative_to(site_dir).as_posix(): p for p in site_dir.rglob("*") if p.is_file()}
    for key, path in sorted(local.items()):
        body = path.read_bytes()
        if remote.get(key) == hashlib.md5(body, usedforsecurity=False).hexdigest():
            continue
        s3.put_object(
            Bucket=bucket,
            Key=key,
            Body=body,
            ContentType=content_type(key),
            CacheControl=cache_control(key),
        )
        uploaded.append(key)
    deleted = sorted(set(remote) - set(local))
    for start in range(0, len(deleted), 1000):  # DeleteObjects takes 1,000 keys at most
        chunk = deleted[start : start + 1000]
        s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": k} for k in chunk]})
    return SyncResult(uploaded, deleted)


def invalidate(cloudfront: CloudFrontClient, distribution_id: str) -> str:
    """One `/*` path: a single invalidation path, free under 1,000 a month."""
    res = cloudfront.create_invalidation(
        DistributionId=distribution_id,
        InvalidationBatch={
            "Paths": {"Quantity": 1, "Items": ["/*"]},
            "CallerReference": f"keepslot-{time.time_ns()}",
        },
    )
    invalidation_id: str = res["Invalidation"]["Id"]
    return invalidation_id
