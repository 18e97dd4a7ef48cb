"""How Django serves a streaming body, per release and protocol: sent as produced, or consumed whole first.

A `StreamingHttpResponse` holds a sync or an async iterator. The server's protocol decides how Django iterates it:
a WSGI server calls `__iter__`, `ASGIHandler.send_response` (django/core/handlers/asgi.py) `__aiter__`. From
Django 4.2 (ticket #33735, django/django#16384) the iterator of the other kind is adapted by consuming it whole:
`StreamingHttpResponse.__aiter__` runs `sync_to_async(list)` over a sync iterator and `__iter__` runs
`async_to_sync` over an async one, each with a `Warning` (django/http/response.py). Up to 4.1 the ASGI handler ran
`for part in response` on the event loop: a sync iterator streamed, each step blocking the loop, and an async one
was refused (`iter()` raises in `_set_streaming_content`).

`FileResponse(file)` wraps a file-like object in the sync iterator `iter(lambda: filelike.read(block_size), b"")`
(`FileResponse._set_streaming_content`), so under ASGI on 4.2+ the whole file is read into memory before the first
byte goes out. Under WSGI it streams (and the server may use `wsgi.file_wrapper`).

Rows marked `checked` were measured by tests/ground_truth/run_streaming.py (uvicorn, then wsgiref, serving real
Django on loopback; how far the source had got when the client saw its first body byte), run by
tests/test_ground_truth_streaming.py on each release named there.
"""

from __future__ import annotations

from typing import NamedTuple

DjangoVersion = tuple[int, int]

# The release whose behaviour we assume when the project's Django version is unknown: what a fresh install gets.
CURRENT: DjangoVersion = (6, 1)

# What the response's first argument is, as the linter can tell.
SYNC = "sync"  # a sync generator or generator expression
ASYNC = "async"  # an async generator or async generator expression
FILE = "file"  # a file opened from disk or storage, given to `FileResponse`

# Instance types (knowledge/blocking.py FACTORY_RETURNS) that are files read from disk: `open()`,
# `Path.open()`, `tempfile.TemporaryFile()`. An in-memory buffer (`io.BytesIO`) is left out: holding it whole
# costs nothing it did not already cost.
DISK_FILE_TYPES = frozenset({
    "io.TextIOWrapper", "io.BufferedReader", "io.BufferedRandom", "io.FileIO", "codecs.StreamReaderWriter",
    "gzip.GzipFile", "bz2.BZ2File", "lzma.LZMAFile",
})  # fmt: skip


# `.open(...)` of these gives an async file (`aiofiles.open`, `anyio.open_file`'s kin), never a sync one.
ASYNC_FILE_LIBRARIES = ("aiofiles.", "anyio.", "trio.")


class StreamingBehaviour(NamedTuple):
    response: str  # "StreamingHttpResponse" or "FileResponse"
    source: str  # SYNC, ASYNC or FILE
    protocol: str  # "asgi" or "wsgi"
    since: DjangoVersion
    until: DjangoVersion | None  # the newest release known to behave so; None: still so in CURRENT
    buffered: bool  # consumed whole before the first byte is sent
    warning: str | None  # what Django warns, when it does
    upstream: str  # where the behaviour is written
    checked: str  # the run that measured it, "" when read from source only


_SYNC_UNDER_ASGI = (
    "StreamingHttpResponse must consume synchronous iterators in order to serve them asynchronously. "
    "Use an asynchronous iterator instead."
)
_ASYNC_UNDER_WSGI = (
    "StreamingHttpResponse must consume asynchronous iterators in order to serve them synchronously. "
    "Use a synchronous iterator instead."
)
_RUN = "tests/ground_truth/run_streaming.py under uvicorn on Django {}"
_WSGI_RUN = "tests/ground_truth/run_streaming.py under wsgiref on Django {}"
_ASGI_41 = "django/core/handlers/asgi.py ASGIHandler.send_response (4.1.13): `for part in response`"
_ASGI_42 = "django/http/response.py StreamingHttpResponse.__aiter__ (4.2-6.1): `sync_to_async(list)`"
_FILE = "django/http/response.py FileResponse._set_streaming_content: `iter(lambda: filelike.read(...), b'')`"

STREAMING_BEHAVIOURS: tuple[StreamingBehaviour, ...] = (
    StreamingBehaviour("StreamingHttpResponse", SYNC, "asgi", (3, 0), (4, 1), buffered=False, warning=None,
                       upstream=_ASGI_41, checked=_RUN.format("4.1.13")),
    StreamingBehaviour("StreamingHttpResponse", SYNC, "asgi", (4, 2), None, buffered=True, warning=_SYNC_UNDER_ASGI,
                       upstream=_ASGI_42, checked=_RUN.format("4.2.30, 5.2.19 and 6.1.3")),
    StreamingBehaviour("FileResponse", FILE, "asgi", (3, 0), (4, 1), buffered=False, warning=None,
                       upstream=f"{_ASGI_41}; {_FILE}", checked=_RUN.format("4.1.13")),
    StreamingBehaviour("FileResponse", FILE, "asgi", (4, 2), None, buffered=True, warning=_SYNC_UNDER_ASGI,
                       upstream=f"{_ASGI_42}; {_FILE}", checked=_RUN.format("4.2.30, 5.2.19 and 6.1.3")),
    StreamingBehaviour("StreamingHttpResponse", ASYNC, "asgi", (4, 2), None, buffered=False, warning=None,
                       upstream="django/core/handlers/asgi.py ASGIHandler.send_response: `async for part in content`",
                       checked=_RUN.format("4.2.30, 5.2.19 and 6.1.3")),
    StreamingBehaviour("StreamingHttpResponse", ASYNC, "wsgi", (4, 2), None, buffered=True, warning=_ASYNC_UNDER_WSGI,
                       upstream="django/http/response.py StreamingHttpResponse.__iter__ (4.2-6.1): `async_to_sync`",
                       checked=_WSGI_RUN.format("4.2.30, 5.2.19 and 6.1.3")),
    StreamingBehaviour("StreamingHttpResponse", SYNC, "wsgi", (1, 0), None, buffered=False, warning=None,
                       upstream="PEP 3333: the server iterates the response",
                       checked=_WSGI_RUN.format("4.1.13, 4.2.30, 5.2.19 and 6.1.3")),
    StreamingBehaviour("FileResponse", FILE, "wsgi", (1, 8), None, buffered=False, warning=None,
                       upstream="django/core/handlers/wsgi.py WSGIHandler.__call__: `wsgi.file_wrapper`",
                       checked=_WSGI_RUN.format("4.1.13, 4.2.30, 5.2.19 and 6.1.3")),
)  # fmt: skip


def behaviour(response: str, source: str, protocol: str, version: DjangoVersion | None) -> StreamingBehaviour | None:
    """The row for this response, source and protocol on `version` (CURRENT when unknown), or None.

    A `FileResponse` over something that is not a file behaves as a `StreamingHttpResponse` (it only wraps
    objects with `read`)."""
    if response == "FileResponse" and source != FILE:
        response = "StreamingHttpResponse"
    at = version or CURRENT
    for row in STREAMING_BEHAVIOURS:
        if (
            (row.response, row.source, row.protocol) == (response, source, protocol)
            and row.since <= at
            and (row.until is None or at <= row.until)
        ):
            return row
    return None


# The responses that stream their first argument, by qualified name: both are defined in django/http/response.py
# and exported from django/http/__init__.py.
STREAMING_RESPONSES = frozenset(
    {
        "django.http.StreamingHttpResponse",
        "django.http.response.StreamingHttpResponse",
        "django.http.FileResponse",
        "django.http.response.FileResponse",
    }
)


# Words that name a small image in a view's or a file's name: an avatar, a logo, a favicon, an icon, a thumbnail.
# Django still holds such a file whole under ASGI (the rows above), but a few kilobytes cost nothing: field class
# `negligible-buffering` (field/review: ghostwriter's ClientLogoDownload and AvatarDownload, paperless-ngx's
# FaviconView), so DPL509 reports them at `info`. Whole words of an identifier only ("lexicon" is no icon).
SMALL_IMAGE_WORDS = frozenset({
    "avatar", "avatars", "logo", "logos", "favicon", "favicons", "icon", "icons", "thumbnail", "thumbnails",
    "thumb", "thumbs",
})  # fmt: skip

# Words that name something that may be large even beside one of those: an icon pack's export, a zip of logos.
BULK_FILE_WORDS = frozenset({
    "export", "exports", "backup", "backups", "archive", "archives", "zip", "tar", "bundle", "bundles", "dump",
    "pack", "attachment", "attachments", "document", "documents", "video", "videos", "original", "originals",
})  # fmt: skip
