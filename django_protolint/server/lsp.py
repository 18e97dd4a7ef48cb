"""The language server: open documents in, diagnostics, code actions and hovers out.

Every change goes through one debounced analysis (`Analysis.run`, one at a time, off the event loop), and each run
publishes diagnostics for every file whose findings changed, open or not: an edit to a helper module updates the
views that call it (DPL13x reports the chain at the call site), and a file left without findings is cleared.
"""

from __future__ import annotations

import asyncio
import logging
import os
import traceback
from collections.abc import Callable
from pathlib import Path

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path

from django_protolint import __version__
from django_protolint.cache import FactsCache
from django_protolint.config import ConfigError
from django_protolint.output.verdict import render_text
from django_protolint.project.dependencies import DEPENDENCY_FILE
from django_protolint.project.deploy.formats import reader_for
from django_protolint.project.proxy.read import proxy_file
from django_protolint.project.settings import SETTINGS_CONFIG_FILE
from django_protolint.rules import load_rules
from django_protolint.rules.base import Finding
from django_protolint.rules.docs import rule_markdown
from django_protolint.runner import Report
from django_protolint.server.actions import FIX_ALL, fix_all_action, line_actions
from django_protolint.server.analysis import Analysis, EngineAnalysis, located
from django_protolint.server.diagnostics import SOURCE, finding_diagnostic, verdict_diagnostics, verdict_message
from django_protolint.server.positions import Lines

log = logging.getLogger(__name__)

# Typing pauses are ~100-300 ms: a run starts once the keys stop, not at each one.
DEBOUNCE_SECONDS = 0.3
PYTHON_SUFFIXES = (".py", ".pyw")


class ProtolintServer(LanguageServer):
    def __init__(self, make_analysis: Callable[[Path], Analysis] | None = None) -> None:
        super().__init__(
            "django-protolint", __version__, text_document_sync_kind=types.TextDocumentSyncKind.Incremental
        )
        self.make_analysis = make_analysis or (lambda root: EngineAnalysis(root, FactsCache()))
        self.analysis: Analysis | None = None
        self.changed: dict[Path, str | None] = {}  # buffers not yet handed to the analysis (None: read the disk)
        self.buffered: dict[Path, str] = {}  # the buffers the analysis reads instead of the disk, once handed over
        self.first_file = False  # no workspace folder: the first file opened chose the project, not yet analysed
        self.published: dict[str, list[types.Diagnostic]] = {}
        self.findings: dict[str, list[tuple[Finding, types.Diagnostic]]] = {}
        self.analysed_texts: dict[str, str] = {}  # the text each file's findings refer to (buffer or disk)
        self.verdict: str | None = None
        self.problem: str | None = None  # the configuration error last shown
        self.timer: asyncio.TimerHandle | None = None
        self.tasks: set[asyncio.Task[None]] = set()  # the loop keeps only weak references to running tasks
        self.verdict_hovers: dict[str, list[types.Range]] = {}  # where the verdict sits, per file
        self.verdict_report = ""  # what `report --output-format markdown` prints: the hover on the verdict
        self.lock = asyncio.Lock()

    @property
    def encoding(self) -> str:
        return str(self.workspace.position_encoding or types.PositionEncodingKind.Utf16)

    def start_on(self, root: Path) -> None:
        if self.analysis is None:
            self.analysis = self.make_analysis(root)

    def buffer_changed(self, uri: str, text: str | None) -> bool:
        """Hand a buffer's text (None: closed) to the next analysis; False when the analysis would see nothing new
        (a file opened or closed as it is on disk: opening files is frequent, and each run is a whole project's)."""
        path = _path(uri)
        if path is None:
            return False
        if self.analysis is None:
            from django_protolint.file_context import project_root

            self.start_on(project_root(path) or path.parent)
            self.first_file = True
        before = self.buffered.get(path)
        if text is None:
            if before is None:
                return self.first_file
            del self.buffered[path]
        elif text == before or (before is None and text == _disk_text(uri, strict=True)):
            return self.first_file
        else:
            self.buffered[path] = text
        self.changed[path] = text
        return True

    def schedule(self, delay: float = DEBOUNCE_SECONDS) -> None:
        if self.timer is not None:
            self.timer.cancel()
        loop = asyncio.get_running_loop()
        self.timer = loop.call_later(delay, self._start_analysis)

    def _start_analysis(self) -> None:
        task = asyncio.get_running_loop().create_task(self.analyse())
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def analyse(self) -> None:
        async with self.lock:
            analysis = self.analysis
            if analysis is None:
                return
            for path, text in self.changed.items():
                analysis.update(path, text)
            self.changed.clear()
            documents = self.workspace.text_documents.items()
            texts = {uri: document.source for uri, document in documents}
            versions = {uri: document.version for uri, document in documents}
            try:
                report = await asyncio.get_running_loop().run_in_executor(None, analysis.run)
            except ConfigError as error:
                self.tell_problem(f"django-protolint: error: {error}")
                return
            except Exception as error:  # noqa: BLE001 - the editor keeps its server, and hears one line (as the CLI)
                frames = traceback.extract_tb(error.__traceback__)
                where = f" at {Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else ""
                self.tell_problem(f"django-protolint: internal error: {type(error).__name__}: {error}{where}; "
                                  "please report it at the django-protolint issue tracker")  # fmt: skip
                return
            self.problem = None
            self.first_file = False
            self.publish(report, analysis.root, texts, versions)

    def tell_problem(self, text: str) -> None:
        if text != self.problem:
            self.window_show_message(types.ShowMessageParams(types.MessageType.Error, text))
            log.error(text)
        self.problem = text

    def publish(self, report: Report, root: Path, texts: dict[str, str], versions: dict[str, int | None]) -> None:
        """Diagnostics for every file whose findings changed, each open one tagged with the version analysed."""
        rules = load_rules()
        line_cache: dict[str, Lines] = {}

        def lines_of(uri: str) -> Lines:
            if uri not in line_cache:
                line_cache[uri] = Lines.of(texts[uri] if uri in texts else _disk_text(uri) or "", self.encoding)
            return line_cache[uri]

        diagnostics: dict[str, list[types.Diagnostic]] = {}
        findings: dict[str, list[tuple[Finding, types.Diagnostic]]] = {}
        for finding in report.findings:
            uri = from_fs_path(str(located(root, finding.path))) or finding.path
            diagnostic = finding_diagnostic(finding, lines_of(uri), rules)
            diagnostics.setdefault(uri, []).append(diagnostic)
            findings.setdefault(uri, []).append((finding, diagnostic))
        verdict_hovers: dict[str, list[types.Range]] = {}
        for shown, diagnostic in verdict_diagnostics(report.model, lambda shown: lines_of(_uri(root, shown))):
            diagnostics.setdefault(_uri(root, shown), []).append(diagnostic)
            verdict_hovers.setdefault(_uri(root, shown), []).append(diagnostic.range)
        self.verdict_hovers = verdict_hovers
        self.verdict_report = render_text(report.model, markdown=True) if verdict_hovers else ""
        for uri in sorted(set(self.published) | set(diagnostics)):
            if self.published.get(uri, []) != diagnostics.get(uri, []):
                self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(
                    uri=uri, diagnostics=diagnostics.get(uri, []), version=versions.get(uri),
                ))  # fmt: skip
        self.published, self.findings = diagnostics, findings
        self.analysed_texts = {uri: lines.text for uri, lines in line_cache.items()}
        self.tell_verdict(report)

    def tell_verdict(self, report: Report) -> None:
        found = verdict_message(report.model)
        text = found[0] if found is not None else None
        if text == self.verdict:
            return
        if found is not None:
            message, kind = found
            if self.verdict is None:
                # The first verdict of a session goes to the log: a pop-up at every editor start would be noise.
                self.window_log_message(types.LogMessageParams(kind, message))
            else:
                self.window_show_message(types.ShowMessageParams(kind, message))
        self.verdict = text

    def current(self, uri: str) -> tuple[str, list[tuple[Finding, types.Diagnostic]]] | None:
        """The buffer's text and its findings, when the last analysis saw this very text (else the positions may
        have moved: nothing is offered until the next analysis)."""
        document = self.workspace.text_documents.get(uri)
        text = document.source if document is not None else None
        if text is None or self.analysed_texts.get(uri) != text:
            return None
        return text, self.findings.get(uri, [])


def _path(uri: str) -> Path | None:
    path = to_fs_path(uri)
    return Path(os.path.abspath(path)) if path and uri.startswith("file:") else None


def _uri(root: Path, shown: str) -> str:
    return from_fs_path(str(located(root, shown))) or shown


def _disk_text(uri: str, strict: bool = False) -> str | None:
    """The file's text ("" when unreadable; with `strict`, None when unreadable or not UTF-8)."""
    path = _path(uri)
    if path is None:
        return None if strict else ""
    try:
        return path.read_text(encoding="utf-8", errors="strict" if strict else "replace")
    except (OSError, UnicodeDecodeError):
        return None if strict else ""


async def watch_files(ls: ProtolintServer) -> None:
    """Ask the client to tell us of files changed outside the editor (a checkout, a new requirements file): only
    a client that registers watchers on request does, and one that cannot is no error."""
    workspace = ls.client_capabilities.workspace
    watched = workspace.did_change_watched_files if workspace is not None else None
    if watched is None or not watched.dynamic_registration:
        return
    options = types.DidChangeWatchedFilesRegistrationOptions(watchers=[types.FileSystemWatcher(glob_pattern="**/*")])
    registration = types.Registration(
        id="django-protolint-watched-files", method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES, register_options=options
    )
    try:
        await ls.client_register_capability_async(types.RegistrationParams(registrations=[registration]))
    except Exception as error:  # noqa: BLE001 - without watchers, saves and edits still drive the analysis
        log.warning("the client did not register file watchers: %s", error)


def _read_by_analysis(uri: str, root: Path) -> bool:
    """Whether the pipeline reads this file (discovery.discover keeps the same kinds), or it configures the run."""
    path = _path(uri)
    if path is None:
        return False
    shown = Path(os.path.relpath(path, root)).as_posix() if path.is_relative_to(root) else path.as_posix()
    return (
        path.suffix in PYTHON_SUFFIXES
        or path.name in ("pyproject.toml", "cookiecutter.json")
        or bool(DEPENDENCY_FILE.search(shown) or DEPENDENCY_FILE.search(path.name))
        or reader_for(shown) is not None
        or bool(proxy_file(shown))
        or bool(SETTINGS_CONFIG_FILE.search(shown))
    )


def _wanted(kind: str, only: list[str] | None) -> bool:
    return not only or any(kind == wanted or kind.startswith(f"{wanted}.") for wanted in only)


def build() -> ProtolintServer:
    server = ProtolintServer()

    @server.feature(types.INITIALIZED)
    async def initialized(ls: ProtolintServer, params: types.InitializedParams) -> None:
        folders = ls.workspace.folders
        root = next(iter(folders.values())).uri if folders else ls.workspace.root_uri
        path = _path(root) if root else None
        if path is not None:
            ls.start_on(path)
            ls.schedule(0)
        await watch_files(ls)

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: ProtolintServer, params: types.DidOpenTextDocumentParams) -> None:
        if ls.buffer_changed(params.text_document.uri, params.text_document.text):
            ls.schedule(0)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: ProtolintServer, params: types.DidChangeTextDocumentParams) -> None:
        if ls.buffer_changed(params.text_document.uri, ls.workspace.get_text_document(params.text_document.uri).source):
            ls.schedule()

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: ProtolintServer, params: types.DidSaveTextDocumentParams) -> None:
        ls.schedule(0)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: ProtolintServer, params: types.DidCloseTextDocumentParams) -> None:
        if ls.buffer_changed(params.text_document.uri, None):
            ls.schedule(0)

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def watched_files(ls: ProtolintServer, params: types.DidChangeWatchedFilesParams) -> None:
        # A checkout or a formatter changes many files at once: one analysis after the burst.
        root = ls.analysis.root if ls.analysis is not None else None
        if root is not None and any(_read_by_analysis(change.uri, root) for change in params.changes):
            ls.schedule()

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    def hover(ls: ProtolintServer, params: types.HoverParams) -> types.Hover | None:
        found = ls.current(params.text_document.uri)
        if found is None:
            return None
        rules = load_rules()
        at = (params.position.line, params.position.character)
        parts, ranges = [], []
        for finding, diagnostic in found[1]:
            start, end = diagnostic.range.start, diagnostic.range.end
            rule = rules.get(finding.code)
            if rule is not None and (start.line, start.character) <= at <= (end.line, end.character):
                parts.append(rule_markdown(rule, heading="###"))
                ranges.append(diagnostic.range)
        for span in ls.verdict_hovers.get(params.text_document.uri, []):
            if (span.start.line, span.start.character) <= at <= (span.end.line, span.end.character):
                parts.append(ls.verdict_report)
                ranges.append(span)
        if not parts:
            return None
        return types.Hover(
            contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value="\n---\n".join(dict.fromkeys(parts))),
            range=ranges[0] if len(ranges) == 1 else None,
        )

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix, FIX_ALL]),
    )
    def code_action(ls: ProtolintServer, params: types.CodeActionParams) -> list[types.CodeAction]:
        uri = params.text_document.uri
        found = ls.current(uri)
        if found is None:
            return []
        text, located_findings = found
        findings = [finding for finding, _ in located_findings]
        only = [str(kind) for kind in params.context.only] if params.context.only else None
        is_python = uri.endswith(PYTHON_SUFFIXES)
        actions: list[types.CodeAction] = []
        if _wanted(types.CodeActionKind.QuickFix, only):
            actions.extend(line_actions(uri, text, findings, params.range, load_rules(), ls.encoding, is_python))
        if is_python and _wanted(FIX_ALL, only):
            fix_all = fix_all_action(uri, text, findings, ls.encoding)
            if fix_all is not None:
                actions.append(fix_all)
        return actions

    return server


def serve() -> None:
    logging.basicConfig(level=logging.WARNING, format=f"{SOURCE}: %(levelname)s: %(message)s")
    build().start_io()
