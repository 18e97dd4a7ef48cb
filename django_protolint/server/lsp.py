"""The language server: open documents in, diagnostics, code actions and hovers out.

Every change goes through one debounced analysis (`Analysis.run`, one at a time, off the event loop), and each run
publishes diagnostics for every file whose findings changed, open or not: an edit to a helper module updates the
views that call it (DPL13x reports the chain at the call site), and a file left without findings is cleared.

Each workspace folder is its own project with its own analysis (server/folders.py); a run analyses again only the
folders holding something that changed. A buffer of a new file not saved yet is analysed with its project, as
`--stdin-filename` is (engine.py).
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
from django_protolint.server.folders import Shown, holds, merged, owner
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
        self.analyses: dict[Path, Analysis] = {}  # by workspace folder (or the first file's project, without one)
        self.pending: set[Path] = set()  # folders whose analysis has something new to see
        self.changed: dict[Path, str | None] = {}  # buffers not yet handed to the analyses (None: read the disk)
        self.buffered: dict[Path, str] = {}  # the buffers the analyses read instead of the disk, once handed over
        self.shown: dict[Path, Shown] = {}  # what each folder's last analysis gave
        self.published: dict[str, list[types.Diagnostic]] = {}
        self.together = Shown()  # the folders' views merged: each file from its deepest folder
        self.verdicts: dict[Path, str] = {}  # the verdict last told, per folder
        self.problems: dict[Path, str] = {}  # the configuration error last shown, per folder
        self.timer: asyncio.TimerHandle | None = None
        self.tasks: set[asyncio.Task[None]] = set()  # the loop keeps only weak references to running tasks
        self.lock = asyncio.Lock()

    @property
    def encoding(self) -> str:
        return str(self.workspace.position_encoding or types.PositionEncodingKind.Utf16)

    def start_on(self, root: Path) -> None:
        """Analyse the project at `root` too, with the buffers already open in it."""
        if root in self.analyses:
            return
        analysis = self.make_analysis(root)
        root = analysis.root
        self.analyses[root] = analysis
        for path, text in self.buffered.items():
            if holds(root, path):
                analysis.update(path, text)
        self.pending.add(root)

    def stop_on(self, root: Path) -> None:
        """Forget a folder removed from the workspace: its files are cleared, or shown by an outer folder."""
        self.analyses.pop(root, None)
        self.shown.pop(root, None)
        self.verdicts.pop(root, None)
        self.problems.pop(root, None)
        self.pending.discard(root)

    def buffer_changed(self, uri: str, text: str | None) -> bool:
        """Hand a buffer's text (None: closed) to the next analysis of each folder holding it; False when no
        analysis would see anything new (a file opened or closed as it is on disk: opening files is frequent, and
        each run is a whole project's)."""
        path = _path(uri)
        if path is None:
            return False
        if not self.analyses:
            from django_protolint.file_context import project_root

            self.start_on(project_root(path) or path.parent)
        roots = [root for root in self.analyses if holds(root, path)]
        before = self.buffered.get(path)
        if text is None:
            if before is None:
                return bool(self.pending)
            del self.buffered[path]
        elif text == before or (before is None and text == _disk_text(uri, strict=True)):
            return bool(self.pending)
        else:
            self.buffered[path] = text
        self.changed[path] = text
        self.pending.update(roots)
        return bool(self.pending)

    def disk_changed(self, paths: list[Path]) -> bool:
        """Files changed outside the editor: each folder holding one reads it again (unless a buffer stands in
        for it), and every folder reads its configuration again (a `pyproject.toml` may lie above a folder)."""
        for path in paths:
            if path not in self.buffered:
                self.changed[path] = None
        self.pending.update(self.analyses)
        return bool(self.pending)

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
            changed, self.changed = self.changed, {}
            pending, self.pending = self.pending, set()
            documents = self.workspace.text_documents.items()
            texts = {uri: document.source for uri, document in documents}
            versions = {uri: document.version for uri, document in documents}
            for root in sorted(pending & set(self.analyses)):
                analysis = self.analyses[root]
                for path, text in changed.items():
                    if holds(root, path):
                        analysis.update(path, text)
                report = await self.run(root, analysis)
                if report is not None and self.analyses.get(root) is analysis:  # not removed meanwhile
                    self.shown[root] = self.shown_of(report, root, texts)
                    self.tell_verdict(root, report)
            self.publish(versions)

    async def run(self, root: Path, analysis: Analysis) -> Report | None:
        try:
            report = await asyncio.get_running_loop().run_in_executor(None, analysis.run)
        except ConfigError as error:
            self.tell_problem(root, f"django-protolint: error: {error}")
            return None
        except Exception as error:  # noqa: BLE001 - the editor keeps its server, and hears one line (as the CLI)
            frames = traceback.extract_tb(error.__traceback__)
            where = f" at {Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else ""
            self.tell_problem(root, f"django-protolint: internal error: {type(error).__name__}: {error}{where}; "
                                    "please report it at the django-protolint issue tracker")  # fmt: skip
            return None
        self.problems.pop(root, None)
        return report

    def tell_problem(self, root: Path, text: str) -> None:
        if text != self.problems.get(root):
            self.window_show_message(types.ShowMessageParams(types.MessageType.Error, text))
            log.error(text)
        self.problems[root] = text

    def shown_of(self, report: Report, root: Path, texts: dict[str, str]) -> Shown:
        """The diagnostics of one folder's report, each open file's positions counted in its buffer."""
        rules = load_rules()
        line_cache: dict[str, Lines] = {}

        def lines_of(uri: str) -> Lines:
            if uri not in line_cache:
                line_cache[uri] = Lines.of(texts[uri] if uri in texts else _disk_text(uri) or "", self.encoding)
            return line_cache[uri]

        shown = Shown()
        for finding in report.findings:
            uri = from_fs_path(str(located(root, finding.path))) or finding.path
            diagnostic = finding_diagnostic(finding, lines_of(uri), rules)
            shown.diagnostics.setdefault(uri, []).append(diagnostic)
            shown.findings.setdefault(uri, []).append((finding, diagnostic))
        verdict_report: str | None = None
        for place, diagnostic in verdict_diagnostics(report.model, lambda place: lines_of(_uri(root, place))):
            # Hovering the server line shows the verdict as `report --output-format markdown` prints it.
            verdict_report = verdict_report or render_text(report.model, markdown=True)
            shown.diagnostics.setdefault(_uri(root, place), []).append(diagnostic)
            shown.verdict_hovers.setdefault(_uri(root, place), []).append((diagnostic.range, verdict_report))
        shown.texts = {uri: lines.text for uri, lines in line_cache.items()}
        return shown

    def publish(self, versions: dict[str, int | None]) -> None:
        """Diagnostics for every file whose findings changed, each open one tagged with the version analysed."""
        together = merged({root: self.shown[root] for root in self.analyses if root in self.shown}, _path)
        for uri in sorted(set(self.published) | set(together.diagnostics)):
            if self.published.get(uri, []) != together.diagnostics.get(uri, []):
                self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(
                    uri=uri, diagnostics=together.diagnostics.get(uri, []), version=versions.get(uri),
                ))  # fmt: skip
        self.published, self.together = together.diagnostics, together

    def tell_verdict(self, root: Path, report: Report) -> None:
        found = verdict_message(report.model)
        if found is None:
            self.verdicts.pop(root, None)
            return
        message, kind = found
        before = self.verdicts.get(root)
        if message == before:
            return
        self.verdicts[root] = message
        if len(self.analyses) > 1:
            message = message.replace("django-protolint: ", f"django-protolint: {root.name}: ", 1)
        if before is None:
            # The first verdict of a folder goes to the log: a pop-up at every editor start would be noise.
            self.window_log_message(types.LogMessageParams(kind, message))
        else:
            self.window_show_message(types.ShowMessageParams(kind, message))

    def current(self, uri: str) -> tuple[str, list[tuple[Finding, types.Diagnostic]]] | None:
        """The buffer's text and its findings, when the last analysis saw this very text (else the positions may
        have moved: nothing is offered until the next analysis)."""
        document = self.workspace.text_documents.get(uri)
        text = document.source if document is not None else None
        if text is None or self.together.texts.get(uri) != text:
            return None
        return text, self.together.findings.get(uri, [])


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


def _read_by_analysis(path: Path, root: Path) -> bool:
    """Whether the pipeline reads this file (discovery.discover keeps the same kinds), or it configures the run."""
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
        folders = [folder.uri for folder in ls.workspace.folders.values()]
        for path in map(_path, folders or ([ls.workspace.root_uri] if ls.workspace.root_uri else [])):
            if path is not None:
                ls.start_on(path)
        if ls.pending:
            ls.schedule(0)
        await watch_files(ls)

    @server.feature(types.WORKSPACE_DID_CHANGE_WORKSPACE_FOLDERS)
    def folders_changed(ls: ProtolintServer, params: types.DidChangeWorkspaceFoldersParams) -> None:
        for folder in params.event.removed:
            path = _path(folder.uri)
            if path is not None:
                ls.stop_on(path)
        for folder in params.event.added:
            path = _path(folder.uri)
            if path is not None:
                ls.start_on(path)
        ls.schedule(0)  # a removed folder's diagnostics are cleared even when nothing is left to analyse

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
        # The buffer was analysed as typed; a saved configuration is read from the disk, by every folder under it.
        path = _path(params.text_document.uri)
        if path is not None and path.name == "pyproject.toml":
            ls.pending.update(root for root in ls.analyses if holds(path.parent, root))
        ls.schedule(0)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: ProtolintServer, params: types.DidCloseTextDocumentParams) -> None:
        if ls.buffer_changed(params.text_document.uri, None):
            ls.schedule(0)

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def watched_files(ls: ProtolintServer, params: types.DidChangeWatchedFilesParams) -> None:
        # A checkout or a formatter changes many files at once: one analysis after the burst.
        roots = list(ls.analyses)
        read = [path for path in map(_path, (change.uri for change in params.changes))
                if path is not None and _read_by_analysis(path, owner(path, roots) or path.parent)]  # fmt: skip
        if read and ls.disk_changed(read):
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
        for span, verdict_report in ls.together.verdict_hovers.get(params.text_document.uri, []):
            if (span.start.line, span.start.character) <= at <= (span.end.line, span.end.character):
                parts.append(verdict_report)
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
