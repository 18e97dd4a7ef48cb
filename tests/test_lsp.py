"""The language server end to end: a real LSP client (pytest-lsp) talks to `django-protolint server` over stdio,
on a copy of the blogsite fixture (a Procfile, async views, a helper module the views call)."""

from __future__ import annotations

import asyncio
import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from django_protolint.rules import load_rules
from django_protolint.rules.docs import rule_markdown

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "blogsite"
SERVER = ClientServerConfig(server_command=[sys.executable, "-m", "django_protolint", "server", "--stdio"])


@pytest_lsp.fixture(config=SERVER)
async def client(lsp_client: LanguageClient, tmp_path: Path):
    project = tmp_path / "blogsite"
    shutil.copytree(FIXTURE, project)
    params = types.InitializeParams(
        capabilities=client_capabilities("visual_studio_code"),
        root_uri=project.as_uri(),
        workspace_folders=[types.WorkspaceFolder(uri=project.as_uri(), name="blogsite")],
    )
    registrations: list[types.Registration] = []

    @lsp_client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register(params: types.RegistrationParams) -> None:
        registrations.extend(params.registrations)

    lsp_client.registrations = registrations  # type: ignore[attr-defined]
    await lsp_client.initialize_session(params)
    lsp_client.project = project  # type: ignore[attr-defined]
    yield
    await lsp_client.shutdown_session()


async def until(condition: Callable[[], object], timeout: float = 60.0) -> None:
    """Wait for what the server publishes: diagnostics come after a debounce and an analysis."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("the server did not publish what was expected in time")
        await asyncio.sleep(0.05)


def uri(client: LanguageClient, relative: str) -> str:
    return (client.project / relative).as_uri()  # type: ignore[attr-defined]


def codes(client: LanguageClient, relative: str) -> list[str]:
    return sorted(str(d.code) for d in client.diagnostics.get(uri(client, relative), []))


def diagnostic(client: LanguageClient, relative: str, code: str) -> types.Diagnostic:
    return next(d for d in client.diagnostics.get(uri(client, relative), []) if d.code == code)


def open_file(client: LanguageClient, relative: str, text: str | None = None, language: str = "python") -> str:
    path = client.project / relative  # type: ignore[attr-defined]
    client.text_document_did_open(types.DidOpenTextDocumentParams(types.TextDocumentItem(
        uri=path.as_uri(), language_id=language, version=1,
        text=text if text is not None else path.read_text(encoding="utf-8"),
    )))  # fmt: skip
    return path.as_uri()


def change_file(client: LanguageClient, document: str, text: str, version: int = 2) -> None:
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=document, version=version),
        content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
    ))  # fmt: skip


def applied(text: str, edits: list[types.TextEdit]) -> str:
    """The client's side of a WorkspaceEdit, for ASCII text: edits apply from the end."""
    starts = [0]
    for index, character in enumerate(text):
        if character == "\n":
            starts.append(index + 1)

    def offset(position: types.Position) -> int:
        return (starts[position.line] if position.line < len(starts) else len(text)) + position.character

    for edit in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        text = text[: offset(edit.range.start)] + edit.new_text + text[offset(edit.range.end) :]
    return text


@pytest.mark.asyncio
async def test_opening_a_view_shows_its_findings(client: LanguageClient):
    open_file(client, "articles/views.py")
    await until(lambda: "DPL101" in codes(client, "articles/views.py"))
    found = diagnostic(client, "articles/views.py", "DPL101")
    # views.py:20:15 as `check` shows it: LSP counts lines and columns from 0.
    assert (found.range.start.line, found.range.start.character) == (19, 14)
    assert found.range.end == types.Position(19, 40)
    assert found.severity == types.DiagnosticSeverity.Error
    assert found.source == "django-protolint"
    assert found.code_description is not None
    assert found.code_description.href == load_rules()["DPL101"].url
    assert "aget" in found.message  # the help line follows the message
    assert {"DPL102", "DPL103", "DPL104", "DPL110", "DPL120", "DPL130", "DPL131"} <= set(
        codes(client, "articles/views.py")
    )


@pytest.mark.asyncio
async def test_an_unsaved_helper_edit_updates_the_views_that_call_it(client: LanguageClient):
    await until(lambda: "DPL130" in codes(client, "articles/views.py"))
    helper = client.project / "articles/services.py"  # type: ignore[attr-defined]
    original = helper.read_text(encoding="utf-8")
    document = open_file(client, "articles/services.py")
    # The helper stops querying: the view `stats` no longer reaches the ORM (views.py is not even open).
    change_file(client, document, original.replace("return Article.objects.filter(published=True).count()",
                                                   "return 0"))  # fmt: skip
    await until(lambda: "DPL130" not in codes(client, "articles/views.py"))
    assert "DPL131" in codes(client, "articles/views.py")
    # A helper that starts to block: `article_detail` calls it, and the finding appears at its call site.
    change_file(client, document, original.replace('return title.lower().replace(" ", "-")',
                                                   'import time\n    time.sleep(1)\n    return title'), 3)  # fmt: skip
    await until(lambda: codes(client, "articles/views.py").count("DPL131") == 2)
    lines = [d.range.start.line for d in client.diagnostics[uri(client, "articles/views.py")] if d.code == "DPL131"]
    assert 22 in lines  # views.py:23, `slugify_title(article.title)`
    assert "DPL130" in codes(client, "articles/views.py")  # the other edit is gone again
    assert helper.read_text(encoding="utf-8") == original  # nothing was saved


@pytest.mark.asyncio
async def test_code_actions_fix_silence_and_fix_all(client: LanguageClient):
    document = open_file(client, "articles/views.py")
    await until(lambda: "DPL101" in codes(client, "articles/views.py"))
    text = (client.project / "articles/views.py").read_text(encoding="utf-8")  # type: ignore[attr-defined]
    found = diagnostic(client, "articles/views.py", "DPL101")
    actions = await client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(document), range=found.range,
        context=types.CodeActionContext(diagnostics=[found]),
    ))  # fmt: skip
    titles = [action.title for action in actions or [] if isinstance(action, types.CodeAction)]
    fix = next(a for a in actions or [] if isinstance(a, types.CodeAction) and a.title.startswith("Fix DPL101"))
    assert fix.kind == types.CodeActionKind.QuickFix and fix.edit is not None and fix.edit.changes is not None
    fixed = applied(text, list(fix.edit.changes[document]))
    assert "    article = await Article.objects.aget(pk=pk)  # expect: DPL101\n" in fixed
    assert any(title.startswith("Ignore DPL101") for title in titles)
    silence = next(a for a in actions or [] if isinstance(a, types.CodeAction) and a.title.startswith("Ignore"))
    assert silence.edit is not None and silence.edit.changes is not None
    assert "get(pk=pk)  # expect: DPL101  # noqa: DPL101\n" in applied(text, list(silence.edit.changes[document]))
    # The fixed buffer, unsaved: its diagnostics follow it.
    change_file(client, document, fixed)
    await until(lambda: "DPL101" not in codes(client, "articles/views.py"))
    everything = await client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(document), range=types.Range(types.Position(0, 0),
                                                                                types.Position(0, 0)),
        context=types.CodeActionContext(diagnostics=[], only=[types.CodeActionKind.SourceFixAll]),
    ))  # fmt: skip
    assert [a.kind for a in everything or [] if isinstance(a, types.CodeAction)] == ["source.fixAll.django-protolint"]
    fix_all = everything[0]  # type: ignore[index]
    assert isinstance(fix_all, types.CodeAction) and fix_all.edit is not None and fix_all.edit.changes is not None
    all_fixed = applied(fixed, list(fix_all.edit.changes[document]))
    assert "await article.asave()" in all_fixed
    # `time.sleep` -> `await asyncio.sleep` is an unsafe fix (other tasks run during the pause): not in "fix all"
    assert "    time.sleep(0.1)" in all_fixed and "asyncio.sleep(0.1)" not in all_fixed


@pytest.mark.asyncio
async def test_hover_on_a_finding_shows_the_rule_docs(client: LanguageClient):
    document = open_file(client, "articles/views.py")
    await until(lambda: "DPL110" in codes(client, "articles/views.py"))
    found = diagnostic(client, "articles/views.py", "DPL110")
    hover = await client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(document),
        position=types.Position(found.range.start.line, found.range.start.character + 2),
    ))  # fmt: skip
    assert hover is not None and isinstance(hover.contents, types.MarkupContent)
    assert hover.contents.kind == types.MarkupKind.Markdown
    assert hover.contents.value == rule_markdown(load_rules()["DPL110"], heading="###")
    nothing = await client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(document), position=types.Position(0, 0)))  # fmt: skip
    assert nothing is None


@pytest.mark.asyncio
async def test_the_verdict_sits_on_the_server_line_and_is_told_when_it_changes(client: LanguageClient):
    await until(lambda: "protocol-fit" in codes(client, "Procfile"))
    verdict = diagnostic(client, "Procfile", "protocol-fit")
    assert verdict.range.start == types.Position(1, 0)  # Procfile:2, `web: gunicorn blogsite.wsgi:application`
    assert verdict.message.startswith("Protocol fit: SUBOPTIMAL")
    assert "uvicorn_worker.UvicornWorker" in verdict.message
    # The first verdict of the session goes to the log, right after the diagnostics.
    await until(lambda: any("SUBOPTIMAL" in message.message for message in client.log_messages))
    procfile = client.project / "Procfile"  # type: ignore[attr-defined]
    document = open_file(client, "Procfile", language="procfile")
    hover = await client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(document), position=types.Position(1, 3))
    )
    # The line's finding (DPL502) and the verdict's whole story, as `report --output-format markdown` tells it.
    assert hover is not None and isinstance(hover.contents, types.MarkupContent)
    assert "# DPL502" in hover.contents.value and "### What serves it" in hover.contents.value
    served = procfile.read_text(encoding="utf-8").replace(
        "gunicorn blogsite.wsgi:application --workers 3", "uvicorn blogsite.asgi:application --workers 3"
    )
    change_file(client, document, served)
    await until(lambda: any("FIT" in message.message for message in client.messages))
    await until(lambda: "DPL502" not in codes(client, "Procfile"))
    assert diagnostic(client, "Procfile", "protocol-fit").severity == types.DiagnosticSeverity.Hint


@pytest.mark.asyncio
async def test_a_syntax_error_is_one_diagnostic_and_the_server_goes_on(client: LanguageClient):
    await until(lambda: "DPL101" in codes(client, "articles/views.py"))
    document = open_file(client, "articles/services.py")
    change_file(client, document, "def broken(:\n    pass\n")
    await until(lambda: codes(client, "articles/services.py") == ["DPL001"])
    assert diagnostic(client, "articles/services.py", "DPL001").range.start.line == 0
    # Still answering, and the views that imported the helpers lost those findings without a crash.
    await until(lambda: "DPL130" not in codes(client, "articles/views.py"))
    assert "DPL101" in codes(client, "articles/views.py")
    # Mended: the file's diagnostic is cleared (an empty list published), the views' findings come back.
    services = (client.project / "articles/services.py").read_text(encoding="utf-8")  # type: ignore[attr-defined]
    change_file(client, document, services, 3)
    await until(lambda: "DPL130" in codes(client, "articles/views.py"))
    assert len(client.diagnostics[uri(client, "articles/services.py")]) == 0


@pytest.mark.asyncio
async def test_columns_are_utf16_code_units(client: LanguageClient):
    views = client.project / "articles/views.py"  # type: ignore[attr-defined]
    text = views.read_text(encoding="utf-8").replace(
        "        time.sleep(0.1)  # expect: DPL110", '        label = "é😀"; time.sleep(0.1)  # expect: DPL110'
    )
    open_file(client, "articles/views.py", text)
    await until(lambda: any(d.code == "DPL110" and d.range.start.character > 8
                            for d in client.diagnostics.get(uri(client, "articles/views.py"), [])))  # fmt: skip
    found = diagnostic(client, "articles/views.py", "DPL110")
    # `label = "é😀"; ` is 14 code points after the indent, 15 UTF-16 units (😀 is a surrogate pair).
    assert found.range.start == types.Position(21, 8 + 15)
    assert found.range.end == types.Position(21, 8 + 15 + len("time.sleep(0.1)"))


@pytest.mark.asyncio
async def test_it_reads_the_projects_pyproject(client: LanguageClient):
    await until(lambda: "DPL110" in codes(client, "articles/views.py"))
    # The server asked for file events: a configuration edited outside the editor reaches it.
    await until(lambda: client.registrations)  # type: ignore[attr-defined]
    assert client.registrations[0].method == types.WORKSPACE_DID_CHANGE_WATCHED_FILES  # type: ignore[attr-defined]
    pyproject = client.project / "pyproject.toml"  # type: ignore[attr-defined]
    pyproject.write_text('[tool.django-protolint]\nignore = ["DPL110"]\n', encoding="utf-8")
    client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(
        [types.FileEvent(pyproject.as_uri(), types.FileChangeType.Created)]))  # fmt: skip
    await until(lambda: "DPL110" not in codes(client, "articles/views.py"))
    assert "DPL101" in codes(client, "articles/views.py")
    pyproject.write_text("[tool.django-protolint]\nnot-an-option = 1\n", encoding="utf-8")
    client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(
        [types.FileEvent(pyproject.as_uri(), types.FileChangeType.Changed)]))  # fmt: skip
    await until(lambda: any("unknown option `not-an-option`" in m.message for m in client.messages))
    error = next(m for m in client.messages if "not-an-option" in m.message)
    assert error.type == types.MessageType.Error and "\n" not in error.message


NEW_VIEWS = "import time\n\n\nasync def draft(request):\n    time.sleep(1)\n"


@pytest.mark.asyncio
async def test_a_new_file_not_saved_yet_is_analysed_and_cleared_on_close(client: LanguageClient):
    await until(lambda: "DPL101" in codes(client, "articles/views.py"))
    document = open_file(client, "articles/new_views.py", NEW_VIEWS)  # an editor's new file, never saved
    await until(lambda: codes(client, "articles/new_views.py") == ["DPL110"])
    assert diagnostic(client, "articles/new_views.py", "DPL110").range.start == types.Position(4, 4)
    assert not (client.project / "articles/new_views.py").exists()  # type: ignore[attr-defined]
    # Its edits follow, as any buffer's.
    change_file(client, document, NEW_VIEWS.replace("time.sleep(1)", "pass"))
    await until(lambda: codes(client, "articles/new_views.py") == [])
    change_file(client, document, NEW_VIEWS, 3)
    await until(lambda: codes(client, "articles/new_views.py") == ["DPL110"])
    # Closed without saving: forgotten, its diagnostics cleared.
    client.text_document_did_close(types.DidCloseTextDocumentParams(types.TextDocumentIdentifier(document)))
    await until(lambda: codes(client, "articles/new_views.py") == [])
    assert "DPL101" in codes(client, "articles/views.py")


@pytest.mark.asyncio
async def test_a_file_created_outside_the_editor_is_analysed(client: LanguageClient):
    await until(lambda: "DPL101" in codes(client, "articles/views.py"))
    jobs = client.project / "articles/jobs.py"  # type: ignore[attr-defined]
    jobs.write_text(NEW_VIEWS, encoding="utf-8")  # a checkout, a generator: no editor buffer
    client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(
        [types.FileEvent(jobs.as_uri(), types.FileChangeType.Created)]))  # fmt: skip
    await until(lambda: codes(client, "articles/jobs.py") == ["DPL110"])
    jobs.write_text(NEW_VIEWS.replace("time.sleep(1)", "pass"), encoding="utf-8")
    client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(
        [types.FileEvent(jobs.as_uri(), types.FileChangeType.Changed)]))  # fmt: skip
    await until(lambda: codes(client, "articles/jobs.py") == [])


@pytest_lsp.fixture(config=SERVER)
async def two_folders(lsp_client: LanguageClient, tmp_path: Path):
    """Two folders, each a copy of the fixture with its own configuration: `alpha` ignores DPL110, `beta` DPL101."""
    for name, ignored in (("alpha", "DPL110"), ("beta", "DPL101")):
        shutil.copytree(FIXTURE, tmp_path / name)
        (tmp_path / name / "pyproject.toml").write_text(
            f'[tool.django-protolint]\nignore = ["{ignored}"]\n', encoding="utf-8"
        )
    params = types.InitializeParams(
        capabilities=client_capabilities("visual_studio_code"),
        root_uri=(tmp_path / "alpha").as_uri(),
        workspace_folders=[
            types.WorkspaceFolder(uri=(tmp_path / name).as_uri(), name=name) for name in ("alpha", "beta")
        ],
    )

    @lsp_client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register(params: types.RegistrationParams) -> None:
        return None

    await lsp_client.initialize_session(params)
    lsp_client.project = tmp_path  # type: ignore[attr-defined]
    yield
    await lsp_client.shutdown_session()


@pytest.mark.asyncio
async def test_each_workspace_folder_is_its_own_project(two_folders: LanguageClient):
    client = two_folders
    # No file opened: each folder's first analysis publishes its files, with its own configuration.
    await until(lambda: "DPL110" in codes(client, "beta/articles/views.py"))
    await until(lambda: "DPL101" in codes(client, "alpha/articles/views.py"))
    assert "DPL110" not in codes(client, "alpha/articles/views.py")
    assert "DPL101" not in codes(client, "beta/articles/views.py")
    # Each folder's verdict sits on its own Procfile, and is told under the folder's name.
    assert "protocol-fit" in codes(client, "alpha/Procfile") and "protocol-fit" in codes(client, "beta/Procfile")
    await until(lambda: {"alpha", "beta"} <= {m.message.split(":")[1].strip() for m in client.log_messages
                                              if "Protocol fit" in m.message})  # fmt: skip
    # An unsaved edit in one folder's helper changes that folder's views only.
    services = client.project / "alpha/articles/services.py"  # type: ignore[attr-defined]
    document = services.as_uri()
    client.text_document_did_open(types.DidOpenTextDocumentParams(types.TextDocumentItem(
        uri=document, language_id="python", version=1, text=services.read_text(encoding="utf-8"))))  # fmt: skip
    change_file(client, document, services.read_text(encoding="utf-8").replace(
        "return Article.objects.filter(published=True).count()", "return 0"))  # fmt: skip
    await until(lambda: "DPL130" not in codes(client, "alpha/articles/views.py"))
    assert "DPL130" in codes(client, "beta/articles/views.py")
    # A folder removed: its diagnostics are cleared; added again: they come back.
    beta = types.WorkspaceFolder(uri=(client.project / "beta").as_uri(), name="beta")  # type: ignore[attr-defined]
    client.workspace_did_change_workspace_folders(types.DidChangeWorkspaceFoldersParams(
        types.WorkspaceFoldersChangeEvent(added=[], removed=[beta])))  # fmt: skip
    await until(lambda: codes(client, "beta/articles/views.py") == [] and codes(client, "beta/Procfile") == [])
    assert "DPL101" in codes(client, "alpha/articles/views.py")
    client.workspace_did_change_workspace_folders(types.DidChangeWorkspaceFoldersParams(
        types.WorkspaceFoldersChangeEvent(added=[beta], removed=[])))  # fmt: skip
    await until(lambda: "DPL110" in codes(client, "beta/articles/views.py"))
    # A configuration saved in the editor (no file watcher needed) is read again by the folders it configures.
    pyproject = client.project / "alpha/pyproject.toml"  # type: ignore[attr-defined]
    pyproject.write_text('[tool.django-protolint]\nignore = ["DPL110", "DPL101"]\n', encoding="utf-8")
    client.text_document_did_open(types.DidOpenTextDocumentParams(types.TextDocumentItem(
        uri=pyproject.as_uri(), language_id="toml", version=1, text=pyproject.read_text(encoding="utf-8"))))  # fmt: skip
    client.text_document_did_save(types.DidSaveTextDocumentParams(types.TextDocumentIdentifier(pyproject.as_uri())))
    await until(lambda: "DPL101" not in codes(client, "alpha/articles/views.py"))
    assert "DPL110" in codes(client, "beta/articles/views.py")
