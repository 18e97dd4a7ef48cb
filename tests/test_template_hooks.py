"""A cookiecutter template's hooks/post_gen_project.py, read without running it: the files it surely deletes with
cookiecutter.json's defaults are no part of the analysed project (source/template_hooks.py, discovery.py)."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from django_protolint.config import Config
from django_protolint.discovery import discover
from django_protolint.runner import lint
from django_protolint.source.template_hooks import read_hook
from tests.helpers import write_project

CONFIG = json.dumps({
    "project_name": "Ticket Desk",
    "project_slug": "{{ cookiecutter.project_name.lower()|replace(' ', '_') }}",
    "use_async": "n",
    "use_docker": "y",
    "ci_tool": ["None", "Github"],
    "frontend_pipeline": ["None", "Django Compressor", "Webpack"],
})  # fmt: skip


def deleted(hook: str, config: str = CONFIG) -> set[str]:
    reading = read_hook(textwrap.dedent(hook).lstrip("\n"), config)
    return {deletion.path for deletion in reading.deletions}


# Unchanged: nothing counts as deleted. Near-misses first.
KEPT = [
    pytest.param(
        """
        import shutil
        if "{{ cookiecutter.use_docker }}".lower() == "n":
            shutil.rmtree("compose")
        """,
        id="an option defaulting to y keeps what `== 'n'` would delete",
    ),
    pytest.param(
        """
        import shutil
        if shutil.which("docker") is None:
            shutil.rmtree("compose")
        """,
        id="a condition on the machine that generates the project is undecidable",
    ),
    pytest.param(
        """
        import os
        if os.environ.get("CI") and "{{ cookiecutter.use_async }}" == "n":
            os.remove("config/asgi.py")
        """,
        id="an undecidable operand before a decided one: undecidable",
    ),
    pytest.param(
        """
        import os
        try:
            os.remove("config/asgi.py")
        except FileNotFoundError:
            pass
        """,
        id="a try body may be cut short",
    ),
    pytest.param(
        """
        import os, shutil
        def cleanup():
            if shutil.which("uv"):
                return
            os.remove("requirements.txt")
        cleanup()
        """,
        id="a return under an undecidable if makes the rest of the function unsure",
    ),
    pytest.param(
        """
        import os, sys
        if not os.path.isdir(".git"):
            pass
        if os.environ.get("SKIP"):
            sys.exit(0)
        os.remove("config/asgi.py")
        """,
        id="a possible successful exit makes the rest of the hook unsure",
    ),
    pytest.param(
        """
        import os, shutil
        os.remove("config/settings.py")
        shutil.move("config/settings_sync.py", "config/settings.py")
        """,
        id="a path a file is moved to exists",
    ),
    pytest.param(
        """
        import os
        for name in os.listdir("config"):
            os.remove(os.path.join("config", name))
        """,
        id="a loop over something not literal",
    ),
    pytest.param(
        """
        import os, shutil
        names = ["Procfile", "bin"]
        if "{{ cookiecutter.use_docker }}" == "y":
            names.remove("Procfile")
        if shutil.which("x"):
            names[1] = "LICENSE"
        for name in names:
            os.remove(name)
        """,
        id="a list changed by a method or an item assignment is no longer known",
    ),
    pytest.param(
        """
        import os
        os.remove("../outside.py")
        os.remove("/etc/passwd")
        """,
        id="paths outside the project",
    ),
    pytest.param(
        """
        import os
        if "{{ cookiecutter.not_an_option }}" == "n":
            os.remove("config/asgi.py")
        """,
        id="an option cookiecutter.json lacks: the hook is not read",
    ),
    pytest.param(
        """
        import os
        def remove(path):
            os.remove(path)
        remove(compute_path())
        """,
        id="an argument we cannot evaluate",
    ),
    pytest.param(
        """
        import os
        if "{{ cookiecutter.use_async }}" == "n":
            os.remove("config/asgi.py"
        """,
        id="a hook that is no Python",
    ),
]


@pytest.mark.parametrize("hook", KEPT)
def test_nothing_counts_as_deleted(hook: str):
    assert deleted(hook) == set()


DELETED = [
    pytest.param(
        """
        import os
        PROJECT_DIRECTORY = os.path.realpath(os.path.curdir)

        def remove_file(filepath):
            os.remove(os.path.join(PROJECT_DIRECTORY, filepath))

        if __name__ == "__main__":
            if "{{ cookiecutter.use_async }}" != "y":
                remove_file("config/asgi.py")
        """,
        {"config/asgi.py"},
        id="cookiecutter's documented example: os.remove of a joined path",
    ),
    pytest.param(
        """
        from pathlib import Path

        def remove_async_files():
            file_paths = [
                Path("config", "asgi.py"),
                Path("config", "websocket.py"),
            ]
            for file_path in file_paths:
                file_path.unlink()

        def main():
            if "{{ cookiecutter.use_async }}".lower() == "n":
                remove_async_files()

        if __name__ == "__main__":
            main()
        """,
        {"config/asgi.py", "config/websocket.py"},
        id="cookiecutter-django: helpers called from main()",
    ),
    pytest.param(
        """
        import shutil
        from pathlib import Path
        if "{{ cookiecutter.frontend_pipeline }}" in ["None", "Django Compressor"]:
            shutil.rmtree(Path("{{ cookiecutter.project_slug }}") / "static" / "sass")
        if not "{{ cookiecutter.ci_tool }}" == "Github" and "{{ cookiecutter.use_docker }}" == "y":
            shutil.rmtree(".github")
        """,
        {"ticket_desk/static/sass", ".github"},
        id="in, not, and; a `/` join rendered with the slug",
    ),
    pytest.param(
        """
        import os
        from pathlib import Path
        def remove_heroku_files():
            for file_name in ["Procfile", "requirements.txt"]:
                if file_name == "requirements.txt" and "{{ cookiecutter.ci_tool }}".lower() == "none":
                    continue
                path = Path(file_name)
                if path.exists():
                    path.unlink()
        remove_heroku_files()
        """,
        {"Procfile"},
        id="a decided continue in the loop; an exists() guard",
    ),
    pytest.param(
        """
        import os as system
        from os.path import join
        def remove(*parts, missing_ok=True):
            pass
        def drop(name, directory="config"):
            system.unlink(join(directory, name))
        drop("asgi.py")
        drop(name="urls_async.py", directory=f"{{ cookiecutter.project_slug }}")
        remove("not", "this")
        """,
        {"config/asgi.py", "ticket_desk/urls_async.py"},
        id="aliases, keyword arguments, defaults, f-strings",
    ),
    pytest.param(
        """
        import os, shutil
        os.remove("LICENSE")
        if shutil.which("git"):
            os.remove("COPYING")
        os.remove("AUTHORS")
        """,
        {"LICENSE", "AUTHORS"},
        id="an undecidable if without a jump: only its own deletion is unsure",
    ),
    pytest.param(
        """
        import os, sys
        os.remove("LICENSE")
        if "{{ cookiecutter.use_docker }}" == "y":
            sys.exit(0)
        os.remove("AUTHORS")
        """,
        {"LICENSE"},
        id="deletions before a decided successful exit stand",
    ),
    pytest.param(
        """
        import os
        import shutil

        def remove(filepath):
            if os.path.isfile(filepath):
                os.remove(filepath)
            elif os.path.isdir(filepath):
                shutil.rmtree(filepath)

        def remove_dirs():
            use_docker = "{{cookiecutter.use_docker}}" == "y"
            use_async = "{{cookiecutter.use_async}}" == "y"
            if not use_docker:
                remove("Dockerfile")
            if not use_async:
                remove("config/asgi.py")

        remove_dirs()
        """,
        {"config/asgi.py"},
        id="20tab's shape: flags in names, an isfile()/isdir() dispatch",
    ),
]


@pytest.mark.parametrize(("hook", "expected"), DELETED)
def test_surely_deleted(hook: str, expected: set[str]):
    assert deleted(hook) == expected


def test_a_hook_that_loops_forever_is_not_followed():
    hook = """
        def again(depth):
            again(depth)
        again(1)
        import os
        os.remove("LICENSE")
        """
    assert deleted(hook) == {"LICENSE"}  # the recursion is cut at a depth; the rest of the hook is straight code


def test_an_option_whose_default_cannot_render_is_unknown():
    config = json.dumps({"project_slug": "{{ cookiecutter.name | slugify }}", "use_async": "n"})
    hook = """
        import os
        if "{{ cookiecutter.project_slug }}" == "x":
            os.remove("a.py")
        os.remove(os.path.join("{{ cookiecutter.project_slug }}", "b.py"))
        if "{{ cookiecutter.use_async }}" == "n":
            os.remove("c.py")
        """
    assert deleted(hook, config) == {"c.py"}


# ----------------------------------------------------------------------------------------------- discovery


HOOK = """
import shutil
from pathlib import Path

if "{{ cookiecutter.use_async }}".lower() == "n":
    for path in [Path("config", "asgi.py"), Path("{{ cookiecutter.project_slug }}", "live.py")]:
        path.unlink()
if "{{ cookiecutter.use_docker }}".lower() == "n":
    shutil.rmtree("compose")
"""

SLUG = "{{cookiecutter.project_slug}}"
TREE = {
    "cookiecutter.json": json.dumps(
        {
            "project_name": "Ticket Desk",
            "project_slug": "{{ cookiecutter.project_name.lower()|replace(' ', '_') }}",
            "use_async": "n",
            "use_docker": "n",
        }
    ),  # fmt: skip
    "hooks/post_gen_project.py": HOOK,
    f"{SLUG}/config/asgi.py": "application = None\n",
    f"{SLUG}/config/wsgi.py": "application = None\n",
    f"{SLUG}/{SLUG}/live.py": "import time\n\n\nasync def tick():\n    time.sleep(1)\n",
    f"{SLUG}/{SLUG}/views.py": "def index(request):\n    pass\n",
    f"{SLUG}/compose/production/start": "gunicorn config.asgi -k uvicorn.workers.UvicornWorker\n",
    f"{SLUG}/compose/production/Dockerfile": 'CMD ["/start"]\n',
    f"{SLUG}/Procfile": "web: gunicorn config.wsgi\n",
}


def discovered(root: Path) -> set[str]:
    found = discover([root], (), cwd=root)
    return {source.display for source in found.python} | {display for _, display in found.other}


def test_deleted_files_and_directories_are_not_discovered(tmp_path: Path):
    root = write_project(tmp_path, TREE)
    found = discovered(root)
    assert f"{SLUG}/config/wsgi.py" in found and f"{SLUG}/{SLUG}/views.py" in found and f"{SLUG}/Procfile" in found
    assert f"{SLUG}/config/asgi.py" not in found
    assert f"{SLUG}/{SLUG}/live.py" not in found  # the hook's path names the rendered slug directory
    assert not any("/compose/" in path for path in found)


def test_no_finding_in_a_deleted_file(tmp_path: Path):
    root = write_project(tmp_path, TREE)
    assert [f for f in lint([root], Config(), cwd=root).findings if f.code == "DPL110"] == []
    (root / "hooks" / "post_gen_project.py").write_text(HOOK.replace('"n":\n    for', '"y":\n    for'))
    assert [f.path for f in lint([root], Config(), cwd=root).findings if f.code == "DPL110"] == [
        f"{SLUG}/{SLUG}/live.py"
    ]


def test_a_file_named_on_the_command_line_is_still_linted(tmp_path: Path):
    root = write_project(tmp_path, TREE)
    asgi = root / SLUG / "config" / "asgi.py"
    assert {source.display for source in discover([asgi], (), cwd=root).python} == {f"{SLUG}/config/asgi.py"}


@pytest.mark.parametrize(
    "change",
    [
        pytest.param({"hooks/post_gen_project.py": HOOK.replace("asgi.py", "celery_app.py")}, id="another file"),
        pytest.param({"{{cookiecutter.repo_name}}/README": "second project directory"}, id="two project dirs"),
        pytest.param(
            {"hooks/post_gen_project.py": "import os\nif os.environ.get('X'):\n    os.remove('config/asgi.py')\n"},
            id="undecidable",
        ),
    ],
)
def test_near_misses_keep_asgi_py(tmp_path: Path, change: dict[str, str]):
    root = write_project(tmp_path, {**TREE, **change})
    assert f"{SLUG}/config/asgi.py" in discovered(root)


def test_a_hook_outside_a_template_tree_is_never_read(tmp_path: Path):
    root = write_project(tmp_path, {"hooks/post_gen_project.py": HOOK, "config/asgi.py": "application = None\n"})
    assert "config/asgi.py" in discovered(root)
