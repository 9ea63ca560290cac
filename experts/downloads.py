"""Files the generator hands over as URLs (SPEC §8.3): fetched by a background task, checked by
content and size like an upload, then stored privately under a random name.

Only HTTPS to a public address: the URL comes from outside, so it must not make us read our own
network (a cloud metadata address, an admin port on localhost). Redirects are not followed, for
the same reason. Tests allow plain HTTP to the loopback through GENERATION_FILES_ALLOW_LOCAL.
"""

import ipaddress
import socket
import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from experts.files import detect_audio, is_pdf
from orders.sections import BY_NAME

TIMEOUT_SECONDS = 30
CHUNK = 64 * 1024


class DownloadRefused(Exception):
    """The URL or what it served is not acceptable; `reason` says why (for logs and the desk)."""

    def __init__(self, reason: str, *, transient: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        # True when another attempt later may succeed (unreachable, timeout, HTTP 5xx).
        self.transient = transient


@dataclass(frozen=True)
class Downloaded:
    content: bytes
    extension: str  # detected from the bytes: "mp3", "ogg", "wav", "m4a" or "pdf"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        raise DownloadRefused("redirects are not followed")


def _check_url(url: str) -> None:
    allow_local = settings.GENERATION_FILES_ALLOW_LOCAL
    parts = urlsplit(url)
    if parts.scheme != "https" and not (allow_local and parts.scheme == "http"):
        raise DownloadRefused("only https URLs are fetched")
    if not parts.hostname:
        raise DownloadRefused("no host in the URL")
    if allow_local:
        return
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(parts.hostname, parts.port or 443)}
    except (socket.gaierror, UnicodeError):
        raise DownloadRefused("the host does not resolve") from None
    for address in addresses:
        if not ipaddress.ip_address(address.split("%")[0]).is_global:
            raise DownloadRefused("the host is not on the public internet")


def fetch(url: str, *, max_bytes: int) -> bytes:
    """The body at `url`, refused past `max_bytes` (read in chunks, never all at once)."""
    _check_url(url)
    opener = urllib.request.build_opener(_NoRedirect)
    request = urllib.request.Request(url, headers={"User-Agent": "OracleLumira/1.0"})  # noqa: S310
    try:
        with opener.open(request, timeout=TIMEOUT_SECONDS) as response:
            declared = response.headers.get("Content-Length", "")
            if declared.isdigit() and int(declared) > max_bytes:
                raise DownloadRefused(f"too large ({declared} bytes)")
            chunks, total = [], 0
            while chunk := response.read(CHUNK):
                total += len(chunk)
                if total > max_bytes:
                    raise DownloadRefused(f"too large (over {max_bytes} bytes)")
                chunks.append(chunk)
    except urllib.error.HTTPError as error:
        raise DownloadRefused(f"HTTP {error.code}", transient=error.code >= 500) from None
    except (urllib.error.URLError, OSError) as error:
        raise DownloadRefused(f"unreachable: {error}", transient=True) from None
    except ValueError as error:
        raise DownloadRefused(f"unreachable: {error}") from None
    return b"".join(chunks)


def fetch_audio(url: str) -> Downloaded:
    content = fetch(url, max_bytes=BY_NAME["audio"].max_bytes)
    kind = detect_audio(SimpleUploadedFile("audio", content))
    if kind is None:
        raise DownloadRefused("not an MP3, OGG, WAV or M4A audio file")
    return Downloaded(content, kind)


def fetch_pdf(url: str) -> Downloaded:
    content = fetch(url, max_bytes=BY_NAME["pdf"].max_bytes)
    if not is_pdf(SimpleUploadedFile("lecture.pdf", content)):
        raise DownloadRefused("not a PDF")
    return Downloaded(content, "pdf")
