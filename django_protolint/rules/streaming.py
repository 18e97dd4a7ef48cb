"""DPL509: a streaming response whose body Django consumes whole before sending, because its iterator does not
match the protocol it is served over.

Django 4.2+ (django/http/response.py): under ASGI a sync iterator is consumed whole in a thread before anything
is sent ("StreamingHttpResponse must consume synchronous iterators in order to serve them asynchronously"), and
under WSGI an async iterator is consumed whole on a new event loop. Either way nothing reaches the client until
the iterator ends, so server-sent events never flush (django/django#19835). `FileResponse` reads its file through
a sync iterator, so under ASGI the whole file is read into memory first. Per release: knowledge/streaming.py,
measured by tests/test_ground_truth_streaming.py.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from django_protolint.findings import Finding
from django_protolint.knowledge import streaming
from django_protolint.project.model import ProjectModel
from django_protolint.rules.base import Gates, Invalid, Rule, Valid, check, django_project
from django_protolint.source.facts import FileFacts, StreamingResponseFact

UVICORN = "web: uvicorn proj.asgi:application\n"
GUNICORN = "web: gunicorn proj.wsgi:application\n"

SYNC_STREAM = """
import time
from django.http import StreamingHttpResponse

def events():
    while True:
        yield "data: tick\\n\\n"
        time.sleep(1)

def stream(request):
    return StreamingHttpResponse(events(), content_type="text/event-stream")  # expect: DPL509
"""
RANGED_FILE = """
from django.http import StreamingHttpResponse

class RangedFileReader:
    def __init__(self, handle, block_size=8192):
        self.handle = handle
        self.block_size = block_size

    def __iter__(self):
        while data := self.handle.read(self.block_size):
            yield data

def serve(request, path):
    ranged_file = RangedFileReader(open(path, "rb"))
    return StreamingHttpResponse(ranged_file)  # expect: DPL509
"""
ASYNC_STREAM = """
import asyncio
from django.http import StreamingHttpResponse

async def events():
    while True:
        yield "data: tick\\n\\n"
        await asyncio.sleep(1)

async def stream(request):
    await asyncio.sleep(0)
    return StreamingHttpResponse(events(), content_type="text/event-stream")
"""
FILE_DOWNLOAD = """
from django.http import FileResponse

def download(request):
    handle = open("/srv/exports/latest.csv", "rb")
    return FileResponse(handle, as_attachment=True)  # expect: DPL509
"""
STORED_FILE_DOWNLOAD = """
from django.core.files.storage import default_storage
from django.http import FileResponse

def download(request, name):
    return FileResponse(default_storage.open(name), as_attachment=True, filename=name)  # expect: DPL509
"""
STORAGE_VIEW = """
from django.core.files.storage import storages
from django.http import FileResponse
from django.views import View

class PackageDownload(View):
    storage = storages["packages"]

    def get(self, request, name):
        return FileResponse(self.storage.open(name), as_attachment=True)  # expect: DPL509
"""
ASYNC_FILE_DOWNLOAD = """
from asgiref.sync import sync_to_async
from django.http import FileResponse

async def chunks(path):
    handle = await sync_to_async(open)(path, "rb")
    try:
        while chunk := await sync_to_async(handle.read)(64 * 1024):
            yield chunk
    finally:
        await sync_to_async(handle.close)()

async def download(request):
    return FileResponse(chunks("/srv/exports/latest.csv"), as_attachment=True, filename="latest.csv")
"""
IN_MEMORY_DOWNLOAD = """
import io
from django.http import FileResponse

def download(request):
    return FileResponse(io.BytesIO(b"id,name\\n"), as_attachment=True, filename="empty.csv")
"""
AIOFILES_DOWNLOAD = """
import aiofiles
from django.http import FileResponse

async def download(request):
    return FileResponse(aiofiles.open("/srv/exports/latest.csv", "rb"))
"""
FIELD_FILE_DOWNLOAD = """
from django.http import FileResponse
from app.models import Report

def download(request, pk):
    report = Report.objects.get(pk=pk)
    return FileResponse(report.document, as_attachment=True)
"""
AVATAR_DOWNLOAD = """
import mimetypes
import os

from django.conf import settings
from django.http import FileResponse
from django.views.generic import DetailView

from django.contrib.auth.models import User


class AvatarDownload(DetailView):
    model = User

    def get(self, request, *args, **kwargs):
        obj = self.get_object()
        try:
            file_path = os.path.join(settings.MEDIA_ROOT, obj.avatar.path)
        except ValueError:
            file_path = os.path.join(settings.STATICFILES_DIRS[0], "images/default_avatar.png")
        content_type, _ = mimetypes.guess_type(file_path)
        return FileResponse(open(file_path, "rb"), content_type=content_type)  # expect: DPL509 severity=info
"""
SMALL_IMAGE_FIELDS = """
from django.http import FileResponse


def profile_picture(request):
    return FileResponse(request.user.avatar.open("rb"))  # expect: DPL509 severity=info


def company_badge(request, company):
    return FileResponse(open(company.logo.path, "rb"))  # expect: DPL509 severity=info
"""
LARGE_BESIDE_SMALL_NAMES = """
from django.http import FileResponse


def export_icons(request):
    return FileResponse(open("/srv/exports/icons.zip", "rb"), as_attachment=True)  # expect: DPL509 severity=warning


def lexicon(request):
    return FileResponse(open("/srv/lexicon.pdf", "rb"))  # expect: DPL509 severity=warning


def attachment(request, message):
    return FileResponse(open(message.attachment.path, "rb"))  # expect: DPL509 severity=warning
"""

STREAMING_MISMATCH = Rule(
    code="DPL509",
    slug="streaming-iterator-protocol-mismatch",
    severity="warning",
    summary="A streaming response Django consumes whole: a sync iterator or a file under ASGI, an async iterator "
    "under WSGI",
    message="{subject} but the project is served over {protocol}: Django {consumes} before sending anything{small}",
    rationale=(
        "Django 4.2+ adapts a streaming body to the server's protocol by consuming it whole: a sync iterator under "
        "ASGI (`sync_to_async(list)` in `StreamingHttpResponse.__aiter__`), an async iterator under WSGI. The "
        "response then arrives all at once (with a warning in the log), so server-sent events and progress streams "
        "never flush. `FileResponse(open(...))` reads its file through a sync iterator, so under ASGI the whole "
        "file is held in memory before its first byte is sent: measured with uvicorn on Django 4.2, 5.2 and 6.1 "
        "(up to 4.1 the ASGI handler iterated on the event loop and streamed). Reported only when both the "
        "iterator's kind (a generator, or a file opened from disk or storage) and the serving protocol are known, "
        "and not when the project's Django is older than 4.2. A file whose view or opening names a small image "
        "(an avatar, a logo, a favicon, an icon, a thumbnail) is reported at `info`: holding a few kilobytes "
        "costs nothing but Django's warning in the log."
    ),
    known_problems=(
        "How large a file is, the linter cannot see: it goes by names. A `FileResponse` in a view named for a small "
        "image (`AvatarDownload`, `FaviconView`, `thumbnail`) or over a file reached through such a name "
        "(`user.avatar.open()`, `open(obj.logo.path)`) is `info`, unless a name also says export, backup, archive, "
        "zip, bundle, attachment, document, video or original. A large file behind a small-image name is "
        "under-reported at `info`; a small file under any other name (a path built earlier in the function) "
        "stays a `warning`."
    ),
    fix="{advice}",
    how_to_fix="Give the response the kind of iterator the server's protocol streams: an async generator under ASGI, a sync generator under WSGI. The finding's help line says which one this deployment needs.",
    gates=Gates(django=">=4.2"),
    links=("https://docs.djangoproject.com/en/stable/ref/request-response/#streaminghttpresponse-objects",),
    examples=[
        Invalid(
            django_project(SYNC_STREAM, routes=("stream",), Procfile=UVICORN),
            id="a sync generator streamed under uvicorn",
        ),
        Invalid(
            django_project(RANGED_FILE, routes=("serve",), Procfile=UVICORN),
            note="an instance of a class with a sync `__iter__` (archivebox's range reader)",
        ),  # fmt: skip
        Invalid(
            django_project(FILE_DOWNLOAD, routes=("download",), Procfile=UVICORN),
            note="the file is read into memory whole, then sent",
        ),  # fmt: skip
        Invalid(
            django_project(STORED_FILE_DOWNLOAD, routes=("download",), Procfile=UVICORN), note="a file from storage"
        ),  # fmt: skip
        Invalid(
            django_project(STORAGE_VIEW, routes=("PackageDownload.as_view()",), Procfile=UVICORN),
            note="a class-based view opening a file from its storage",
        ),  # fmt: skip
        Invalid(
            django_project(AVATAR_DOWNLOAD, routes=("AvatarDownload.as_view()",), Procfile=UVICORN),
            id="a FileResponse in a view named for a small image is info",
            note="ghostwriter's avatar and logo downloads, paperless-ngx's favicon: a few kilobytes held whole",
        ),
        Invalid(
            django_project(SMALL_IMAGE_FIELDS, routes=("profile_picture", "company_badge"), Procfile=UVICORN),
            id="a file opened through an avatar or a logo field is info",
        ),
        Invalid(
            django_project(
                LARGE_BESIDE_SMALL_NAMES, routes=("export_icons", "lexicon", "attachment"), Procfile=UVICORN
            ),
            id="an export of icons, a word that only contains icon, an attachment: still a warning",
        ),  # fmt: skip
        Valid(
            django_project(ASYNC_STREAM, routes=("stream",), Procfile=UVICORN),
            id="an async generator streamed under uvicorn",
        ),
        Valid(
            django_project(SYNC_STREAM.replace("  # expect: DPL509", ""), routes=("stream",), Procfile=GUNICORN),
            note="a sync iterator under WSGI streams as it should",
        ),
        Valid(
            django_project(FILE_DOWNLOAD.replace("  # expect: DPL509", ""), routes=("download",), Procfile=GUNICORN),
            note="under WSGI a FileResponse streams (and may use `wsgi.file_wrapper`)",
        ),
        Valid(
            django_project(FILE_DOWNLOAD.replace("  # expect: DPL509", ""), routes=("download",), Procfile=UVICORN),
            django_version="4.1",
            note="up to Django 4.1 the ASGI handler iterated the file on the event loop: it streamed",
        ),
        Valid(
            django_project(ASYNC_FILE_DOWNLOAD, routes=("download",), Procfile=UVICORN),
            note="an async generator reading the file in chunks streams under ASGI",
        ),  # fmt: skip
        Valid(
            django_project(
                RANGED_FILE.replace("class RangedFileReader:", "class RangedFileReader(FileWrapper):")
                .replace("  # expect: DPL509", "")
                .replace("from django.http", "from app.files import FileWrapper\nfrom django.http"),
                routes=("serve",),
                Procfile=UVICORN,
            ),
            note="a class with a base: the base may define `__aiter__`",
        ),  # fmt: skip
        Valid(
            django_project(IN_MEMORY_DOWNLOAD, routes=("download",), Procfile=UVICORN),
            note="a buffer already in memory costs nothing more when held whole",
        ),  # fmt: skip
        Valid(
            django_project(AIOFILES_DOWNLOAD, routes=("download",), Procfile=UVICORN),
            note="an `.open()` of an async file library is no sync file",
        ),  # fmt: skip
        Valid(
            django_project(FIELD_FILE_DOWNLOAD, routes=("download",), Procfile=UVICORN),
            note="what `report.document` is, the linter cannot tell: silent",
        ),  # fmt: skip
    ],
)


def _iterator_kind(model: ProjectModel, response: StreamingResponseFact, near: FileFacts) -> str | None:
    if response.iterator_kind is not None:
        return response.iterator_kind
    function = model.function_named(response.iterator_callee, near)
    if function is None:
        return _iterable_class_kind(model, response.iterator_callee, near)
    if not function.function.yields:
        return None
    return streaming.ASYNC if function.function.is_async else streaming.SYNC


def _iterable_class_kind(model: ProjectModel, callee: str | None, near: FileFacts) -> str | None:
    """`StreamingHttpResponse(RangedFileReader(handle))`: an instance of a project class with `__iter__` and no
    `__aiter__` is a sync iterable. Only for a class without bases: a base could bring `__aiter__`."""
    if callee is None:
        return None
    defined = [cls for facts in model.files for cls in facts.classes if f"{facts.module}.{cls.qualname}" == callee]
    if len(defined) != 1 or any(base not in ("object", "builtins.object") for base in defined[0].bases):
        return None
    if model.function_named(f"{callee}.__aiter__", near) is not None:
        return None
    return streaming.SYNC if model.function_named(f"{callee}.__iter__", near) is not None else None


_WORD = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+")


def _words(name: str) -> set[str]:
    """`ClientLogoDownload.get` -> {client, logo, download, get}; `user.avatar.open` -> {user, avatar, open}."""
    return {word.lower() for word in _WORD.findall(name)}


def _small_image(response: StreamingResponseFact, facts: FileFacts) -> str | None:
    """The name that says this file is a small image (an avatar, a logo, a favicon): the enclosing view's, or one
    the file is reached through inside the response's own parentheses (`open(obj.logo.path)`,
    `user.avatar.open()`); None when no name says so, or when one also says the file may be large (an export)."""
    span = response.span
    inside = [
        text
        for call in facts.calls
        if (span.line, span.column) <= (call.span.line, call.span.column)
        and (call.span.end_line, call.span.end_column) <= (span.end_line, span.end_column)
        for text in (call.text, call.argument_text)
        if text
    ]
    names = [name for name in (response.scope.function, response.iterator_callee, *inside) if name]
    if any(_words(name) & streaming.BULK_FILE_WORDS for name in names):
        return None
    return next((name for name in names if _words(name) & streaming.SMALL_IMAGE_WORDS), None)


def _wording(response: StreamingResponseFact, kind: str, protocol: str) -> dict[str, Any]:  # the message's values
    if kind == streaming.FILE:
        return {
            "subject": "`FileResponse` reads its file through a sync iterator",
            "consumes": "reads the whole file into memory",
            "small": "",
            "advice": "let the web server send the file (X-Accel-Redirect, X-Sendfile), or give `FileResponse` an "
            "async generator that reads the file in chunks with `sync_to_async`",
        }
    name = (response.iterator_callee or "generator").rsplit(".", 1)[-1]
    wanted, wanted_def = ("an async", "async def") if protocol == "asgi" else ("a sync", "def")
    return {
        "subject": f"`{name}` is {'an async' if kind == streaming.ASYNC else 'a sync'} iterator",
        "consumes": "buffers the whole stream",
        "small": "",
        "advice": f"feed it {wanted} iterator (an `{wanted_def}` generator)",
    }


@check(STREAMING_MISMATCH)
def streaming_mismatch(model: ProjectModel) -> Iterator[Finding]:
    for facts in model.files:
        if not facts.streaming_responses:
            continue
        verdict = model.verdicts.get(model.root_of(facts.path) or "")
        if verdict is None and len(model.verdicts) == 1:
            verdict = next(iter(model.verdicts.values()))
        if verdict is None or verdict.served not in ("wsgi", "asgi"):
            continue
        version = model.django_version_at(facts.path)[0]
        for response in facts.streaming_responses:
            kind = _iterator_kind(model, response, facts)
            if kind is None:
                continue
            row = streaming.behaviour(response.response, kind, verdict.served, version)
            if row is None or not row.buffered:
                continue
            wording = _wording(response, kind, verdict.served)
            small = _small_image(response, facts) if kind == streaming.FILE else None
            if small is None:
                yield STREAMING_MISMATCH.finding(facts.path, response.span, protocol=verdict.served.upper(), **wording)
                continue
            wording["small"] = (
                f" (`{small}` names a small image: holding a few kilobytes costs little, but Django warns on each "
                "request)"
            )
            yield STREAMING_MISMATCH.finding(facts.path, response.span, severity="info",
                                             protocol=verdict.served.upper(), **wording)  # fmt: skip
