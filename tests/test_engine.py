"""The incremental engine (engine.Workspace) reports what a cold run reports, after every edit.

A seeded sequence of random edits to a copy of a real fixture project: views gain and lose blocking calls, a
helper in another module turns blocking (the cross-file chain), settings, URLconf, requirements and deployment
files change, files appear and disappear, and some edits are unsaved editor buffers, a new module among them that
is not on disk yet. After each, the workspace's findings, verdicts and facts are compared with a cold `runner.lint`
of the same tree (with `Named(stdin=...)` for the new unsaved module, as `--stdin-filename` gives it).
"""

from __future__ import annotations

import random
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from django_protolint.cache import FactsCache
from django_protolint.config import Config
from django_protolint.engine import Workspace
from django_protolint.runner import Named, Report, lint

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def _same(workspace: Workspace, root: Path, config: Config, step: str, unsaved: dict[Path, str] | None = None) -> None:
    # An editor's new file not saved yet is the CLI's `--stdin-filename` (one at a time in these walks).
    [stdin] = [(path, text.encode("utf-8")) for path, text in unsaved.items()] if unsaved else [None]
    cold = lint([root], config, cwd=root, named=Named(stdin=stdin))
    warm = workspace.report()
    assert warm.findings == cold.findings, step
    assert _verdicts(warm) == _verdicts(cold), step
    assert warm.files == cold.files, step


def _verdicts(report: Report) -> str:
    return repr(sorted(report.model.verdicts.items()))


# Each edit: (name, files it may touch, a function of the current text returning the new text).
Edit = tuple[str, str, Callable[[str, random.Random], str]]


def _append(text: str) -> Callable[[str, random.Random], str]:
    return lambda current, chance: current + text


def _toggle(old: str, new: str) -> Callable[[str, random.Random], str]:
    return lambda current, chance: current.replace(old, new) if old in current else current.replace(new, old)


BLOGSITE_EDITS: list[Edit] = [
    ("blocking view", "articles/views.py", _append("\n\nasync def slow(request):\n    time.sleep(1)\n")),
    ("sync view", "articles/views.py", _append("\n\ndef fast(request):\n    time.sleep(1)\n")),
    ("view calls helper", "articles/views.py", _append("\n\nasync def counted(request):\n    return count_published()\n")),
    ("helper blocks", "articles/services.py", _toggle("return title.lower()", "time.sleep(1)\n    return title.lower()")),
    ("helper imports", "articles/services.py", _toggle("import requests\n", "import time\n\nimport requests\n")),
    ("import the helper", "articles/views.py", _toggle("fetch_preview, published_stats", "count_published, fetch_preview, published_stats")),
    ("remove a blocking call", "articles/views.py", _toggle("        time.sleep(0.1)  # expect: DPL110\n", "")),
    ("asgi setting", "blogsite/settings.py", _append('\nASGI_APPLICATION = "blogsite.asgi.application"\n')),
    ("middleware", "blogsite/settings.py", _toggle('"django.contrib.auth.middleware.AuthenticationMiddleware",\n', "")),
    ("url", "articles/urls.py", _toggle('    path("legacy/", views.legacy_index),\n', "")),
    ("server", "Procfile", _toggle("gunicorn blogsite.wsgi:application --workers 3", "uvicorn blogsite.asgi:application")),
    ("django version", "requirements.txt", _toggle("Django>=4.2,<5.0", "Django>=5.2,<6.0")),
    ("syntax error", "articles/models.py", _toggle("from django.db import models", "from django.db import models(")),
    ("new module", "articles/tasks.py", lambda current, chance: "" if current else "import time\n\n\nasync def job():\n    time.sleep(1)\n"),
    ("draft module", "articles/drafts.py", lambda current, chance: current + "\n\nasync def draft(request):\n    return count_published()\n" if current else "from articles.services import count_published\n"),
    ("noqa", "articles/views.py", _toggle("article = Article.objects.get(pk=pk)  # expect: DPL101", "article = Article.objects.get(pk=pk)  # noqa: DPL101")),
    # What the model keeps across edits while the files' classes and functions stay the same (per_file.memo):
    ("helper turns async", "articles/services.py", _toggle("def slugify_title(title):", "async def slugify_title(title):")),
    ("discarded helper call", "articles/views.py", _append("\n\nasync def touch(request):\n    slugify_title('x')\n")),
    ("related name", "articles/models.py", _toggle('related_name="articles"', 'related_name="posts"')),
    ("not a model", "articles/models.py", _toggle("class Author(models.Model):", "class Author:")),
    ("view reads a relation", "articles/views.py", _append("\n\nasync def author_name(request, pk):\n    article = await Article.objects.aget(pk=pk)\n    return HttpResponse(article.author.name)\n")),
]  # fmt: skip

CHANNELS_EDITS: list[Edit] = [
    ("sync send", "chat/consumers.py", _toggle("await self.send(text_data=json.dumps({\"count\": count}))", "self.send(text_data=json.dumps({\"count\": count}))")),
    ("sync consumer", "chat/consumers.py", _toggle("AsyncWebsocketConsumer", "WebsocketConsumer")),
    ("server", "Dockerfile", _toggle('CMD ["daphne", "-b", "0.0.0.0", "-p", "8000", "chatsite.asgi:application"]', 'CMD ["gunicorn", "chatsite.wsgi:application"]')),
    ("routing", "chat/routing.py", _toggle("ChatConsumer", "ChatConsumerGone")),
    ("requirements", "requirements.txt", _toggle("channels", "channels>=2,<3  # old")),
    ("new helper", "chat/helpers.py", lambda current, chance: "" if current else "import requests\n\n\ndef ping():\n    return requests.get('http://x')\n"),
    ("views", "chat/views.py", _append("\n\nasync def ping_view(request):\n    import time\n    time.sleep(1)\n")),
    ("no channel layer", "chatsite/settings.py", _toggle("CHANNEL_LAYERS = {", "CHANNEL_LAYERS_UNUSED = {")),
    ("a project base class", "chat/base.py", lambda current, chance: "" if current else "from channels.generic.websocket import WebsocketConsumer\n\n\nclass Base(WebsocketConsumer):\n    groups = [\"lobby\"]\n"),
    ("consumer from the base", "chat/consumers.py", _toggle("from .models import Message, Room\n", "from .base import Base as AsyncWebsocketConsumer\nfrom .models import Message, Room\n")),
]  # fmt: skip


def _walk(fixture: str, edits: list[Edit], seed: int, steps: int, tmp_path: Path, cache: FactsCache | None) -> None:
    root = tmp_path / fixture
    shutil.copytree(FIXTURES / fixture, root)
    config = Config()
    workspace = Workspace(root, config, cache=cache)
    _same(workspace, root, config, "start")
    chance = random.Random(seed)
    unsaved: dict[Path, str] = {}  # buffers of files not on disk
    for number in range(steps):
        name, relative, change = chance.choice(edits)
        target = root / relative
        current = (
            unsaved[target] if target in unsaved else target.read_text(encoding="utf-8") if target.exists() else ""
        )
        text = change(current, chance)
        step = f"step {number}: {name} ({relative})"
        if target in unsaved:
            roll = chance.random()
            if roll < 0.3:  # closed without saving: forgotten
                del unsaved[target]
                workspace.update(target, None)
            elif roll < 0.6:  # saved, still open
                del unsaved[target]
                target.write_text(text, encoding="utf-8")
                workspace.update(target, text)
            else:
                unsaved[target] = text
                workspace.update(target, text)
        elif not target.exists() and text and relative.endswith(".py") and not unsaved and chance.random() < 0.7:
            # A new editor buffer, not saved yet: the workspace is told its text, the cold run reads it as stdin.
            unsaved[target] = text
            workspace.update(target, text)
        elif not text and relative.endswith(".py") and target.exists() and chance.random() < 0.7:
            target.unlink()
            workspace.update(target, None)
        elif chance.random() < 0.4 and target.exists():
            # An unsaved editor buffer: the workspace is told the text; the cold run reads it from the disk.
            workspace.update(target, text)
            target.write_text(text, encoding="utf-8")
        else:
            target.write_text(text, encoding="utf-8")
            workspace.update(target, None)
        _same(workspace, root, config, step, unsaved)


@pytest.mark.parametrize("seed", [1, 2, 3, 7])
def test_blogsite_random_edits(seed: int, tmp_path: Path) -> None:
    _walk("blogsite", BLOGSITE_EDITS, seed, 14, tmp_path, None)


@pytest.mark.parametrize("seed", [4, 5, 8])
def test_channels_random_edits(seed: int, tmp_path: Path) -> None:
    _walk("channels_chat", CHANNELS_EDITS, seed, 10, tmp_path, None)


# New modules, often unsaved (weighted three to one), and the helpers and views beside them.
NEW_FILE_EDITS = [edit for edit in BLOGSITE_EDITS if edit[0] in ("draft module", "new module")] * 3 + [
    edit for edit in BLOGSITE_EDITS if edit[1] in ("articles/services.py", "articles/views.py")
]


@pytest.mark.parametrize("seed", [7, 8])
def test_new_unsaved_files_random_edits(seed: int, tmp_path: Path) -> None:
    _walk("blogsite", NEW_FILE_EDITS, seed, 12, tmp_path, None)


def test_random_edits_with_the_disk_cache(tmp_path: Path) -> None:
    _walk("blogsite", BLOGSITE_EDITS, 6, 10, tmp_path, FactsCache(tmp_path / "cache"))


def test_only_the_edited_file_is_parsed_again(tmp_path: Path) -> None:
    root = tmp_path / "blogsite"
    shutil.copytree(FIXTURES / "blogsite", root)
    workspace = Workspace(root, Config())
    workspace.report()
    before = workspace.files_analysed
    views = root / "articles/views.py"
    workspace.update(views, views.read_text(encoding="utf-8") + "\n\nasync def slow(request):\n    time.sleep(1)\n")
    report = workspace.report()
    assert workspace.files_analysed == before + 1
    assert ("articles/views.py", "DPL110") in {(finding.path, finding.code) for finding in report.findings}
    assert workspace.report() is report  # nothing changed since: the same report


def test_an_unsaved_buffer_is_reverted_by_reading_the_disk(tmp_path: Path) -> None:
    root = tmp_path / "blogsite"
    shutil.copytree(FIXTURES / "blogsite", root)
    workspace = Workspace(root, Config())
    first = workspace.report()
    views = root / "articles/views.py"
    workspace.update(views, views.read_text(encoding="utf-8") + "\n\nasync def slow(request):\n    time.sleep(1)\n")
    assert len(workspace.report().findings) == len(first.findings) + 1
    workspace.update(views, None)
    assert workspace.report().findings == first.findings


def test_a_file_outside_the_root_changes_nothing(tmp_path: Path) -> None:
    root = tmp_path / "blogsite"
    shutil.copytree(FIXTURES / "blogsite", root)
    workspace = Workspace(root, Config())
    first = workspace.report()
    workspace.update(tmp_path / "elsewhere.py", "import time\n\n\nasync def view(request):\n    time.sleep(1)\n")
    assert workspace.report() is first


def test_an_edit_derives_the_model_shares_of_the_edited_file_only(tmp_path: Path) -> None:
    root = tmp_path / "blogsite"
    shutil.copytree(FIXTURES / "blogsite", root)
    workspace = Workspace(root, Config())
    workspace.report()
    derived: list[str] = []
    shares = workspace._per_file
    original = shares.share

    def counted(index, facts, derive):  # type: ignore[no-untyped-def]
        return original(index, facts, lambda facts: derived.append(facts.path) or derive(facts))

    shares.share = counted  # type: ignore[method-assign]
    views = root / "articles/views.py"
    workspace.update(views, views.read_text(encoding="utf-8") + "\n# edited\n")
    workspace.report()
    assert derived and set(derived) == {"articles/views.py"}


def test_what_the_model_keeps_across_edits_follows_the_files_it_reads(tmp_path: Path) -> None:
    """Each step changes only what another file's findings depend on through a project-wide index that the engine
    keeps while the files' classes and functions stay the same: a helper becoming a coroutine function (DPL120 on
    the view that discards its result), a model losing its base (the view's relation read), a consumer's base."""
    root = tmp_path / "blogsite"
    shutil.copytree(FIXTURES / "blogsite", root)
    config = Config()
    workspace = Workspace(root, config)
    views, services, models = root / "articles/views.py", root / "articles/services.py", root / "articles/models.py"
    views.write_text(views.read_text(encoding="utf-8") + "\n\nasync def touch(request):\n    slugify_title('x')\n",
                     encoding="utf-8")  # fmt: skip
    workspace.update(views, None)
    _same(workspace, root, config, "discarded call to a sync helper")
    assert not any(f.code == "DPL120" and "slugify_title" in f.message for f in workspace.report().findings)
    for step, (path, old, new) in enumerate([
        (services, "def slugify_title(title):", "async def slugify_title(title):"),
        (services, "async def slugify_title(title):", "def slugify_title(title):"),
        (models, "class Article(models.Model):", "class Article:"),
        (models, "class Article:", "class Article(models.Model):"),
    ]):  # fmt: skip
        path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
        workspace.update(path, None)
        _same(workspace, root, config, f"step {step}: {new}")
        unawaited = any(f.code == "DPL120" and "slugify_title" in f.message for f in workspace.report().findings)
        assert unawaited == (step == 0), step


NEW_VIEWS = "import time\n\n\nasync def draft(request):\n    time.sleep(1)\n"


def test_an_unsaved_new_file_is_analysed_and_forgotten_when_closed(tmp_path: Path) -> None:
    root = tmp_path / "blogsite"
    shutil.copytree(FIXTURES / "blogsite", root)
    workspace = Workspace(root, Config())
    first = workspace.report()
    drafts = root / "articles/drafts.py"
    workspace.update(drafts, NEW_VIEWS)
    report = workspace.report()
    assert ("articles/drafts.py", "DPL110") in {(finding.path, finding.code) for finding in report.findings}
    assert report.files["articles/drafts.py"].module == "articles.drafts"  # named as once saved
    assert not drafts.exists()
    workspace.update(drafts, None)
    assert workspace.report().findings == first.findings
    assert "articles/drafts.py" not in workspace.report().files


@pytest.mark.parametrize(
    "relative",
    [
        pytest.param("scratch/drafts.py", id="a directory the configuration excludes"),
        pytest.param("articles/drafts_excluded.py", id="a file the configuration excludes"),
        pytest.param("node_modules/drafts.py", id="a directory never walked"),
        pytest.param("articles/drafts.txt", id="not Python"),
    ],
)
def test_an_unsaved_new_file_joins_only_where_the_saved_file_would(tmp_path: Path, relative: str) -> None:
    root = tmp_path / "blogsite"
    shutil.copytree(FIXTURES / "blogsite", root)
    config = Config(exclude=("scratch", "*_excluded.py"))
    workspace = Workspace(root, config)
    first = workspace.report()
    workspace.update(root / relative, NEW_VIEWS)
    assert workspace.report().findings == first.findings
    assert workspace.report().files == lint([root], config, cwd=root).files
