"""Input the linter cannot analyse: each case is one clear finding (DPL001 cannot parse, DPL002 cannot read or
decode) or one clear error line, never a traceback, and the good file beside it is still linted."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from django_protolint.config import Config
from django_protolint.runner import lint
from tests.helpers import BLOCKING_VIEW, found, invoke, run, write_project

GOOD_FINDING = "good.py:5:5: DPL110 "
CONCISE = re.compile(r"^(.+?):(\d+):(\d+): ([A-Z]{2,4}\d{3}) (.*)$")


def project_with(tmp_path: Path, name: str, data: bytes) -> Path:
    root = write_project(tmp_path / "project", {"good.py": BLOCKING_VIEW})
    (root / name).write_bytes(data)
    return root


def check(root: Path, *args: str) -> tuple[int, list[str], str]:
    result = invoke(["check", "--format", "concise", "--no-color", *args], cwd=root)
    assert result.exception is None, f"crashed: {result.exception!r}"
    assert "Traceback" not in result.stdout + result.stderr
    return result.exit_code, result.stdout.splitlines(), result.stderr


def lines_about(lines: list[str], name: str) -> list[str]:
    return [line for line in lines if line.startswith(f"{name}:")]


# (id, file bytes, expected location prefix, code, words the message must contain)
UNREADABLE_SOURCES = [
    ("syntax-error", b"def broken(:\n    pass\n", "bad.py:1:", "DPL001", ["SyntaxError"]),
    ("python-2-print", b'print "hello"\n', "bad.py:1:", "DPL001", ["SyntaxError", "Python 2"]),
    ("nul-byte", b"x = 1\ny = 2\x00\n", "bad.py:2:1", "DPL002", ["NUL byte", "line 2"]),
    ("latin-1-no-cookie-line-3", b'x = 1\ny = 2\nname = "caf\xe9"\n', "bad.py:3:1", "DPL002",
     ["not valid utf-8", "0xe9", "line 3", "coding"]),
    # tokenize rejects a non-UTF-8 line 1 or 2 as a bad *declaration*; the user needs the byte and the line.
    ("latin-1-no-cookie-line-1", b'name = "caf\xe9"\n', "bad.py:1:1", "DPL002", ["not valid utf-8", "0xe9", "line 1"]),
    ("unknown-coding-cookie", b"# -*- coding: klingon -*-\nx = 1\n", "bad.py:1:1", "DPL002", ["klingon"]),
    ("utf-16", "x = 1\n".encode("utf-16"), "bad.py:1:1", "DPL002", ["UTF-16"]),
    # Nesting CPython refuses cleanly; libcst's native parser (asked about files CPython refuses) would overflow.
    ("nested-too-deeply", b"x = " + b"-" * 20000 + b"1\n", "bad.py:1:", "DPL001", ["nested too deeply"]),
    ("too-many-parentheses", b"x = " + b"[" * 3000 + b"]" * 3000 + b"\n", "bad.py:1:", "DPL001", ["nested"]),
]  # fmt: skip


@pytest.mark.parametrize(
    ("data", "location", "code", "words"),
    [pytest.param(*case[1:], id=case[0]) for case in UNREADABLE_SOURCES],
)
def test_unreadable_source_is_one_finding_and_the_rest_is_linted(tmp_path, data, location, code, words):
    root = project_with(tmp_path, "bad.py", data)
    exit_code, lines, _ = check(root)
    assert exit_code == 1
    about = lines_about(lines, "bad.py")
    assert len(about) == 1, lines
    assert about[0].startswith(location) and f" {code} " in about[0], about[0]
    for word in words:
        assert word in about[0], about[0]
    assert CONCISE.match(about[0])
    assert any(line.startswith(GOOD_FINDING) for line in lines), lines


def test_latin_1_with_a_coding_cookie_is_linted(tmp_path):
    source = '# -*- coding: latin-1 -*-\nimport time\n\n\nasync def view(request):\n    x = "café"; time.sleep(1)\n'
    root = project_with(tmp_path, "cookie.py", source.encode("latin-1"))
    exit_code, lines, _ = check(root)
    assert exit_code == 1
    column = source.splitlines()[5].index("time.sleep") + 1
    assert lines_about(lines, "cookie.py") == [
        f"cookie.py:6:{column}: DPL110 warning: `time.sleep()` blocks the event loop inside async function `view`"
    ]
    assert any(line.startswith(GOOD_FINDING) for line in lines)


def test_latin_1_frame_shows_the_decoded_line(tmp_path):
    source = '# -*- coding: latin-1 -*-\nimport time\n\n\nasync def view(request):\n    x = "café"; time.sleep(1)\n'
    root = project_with(tmp_path, "cookie.py", source.encode("latin-1"))
    result = invoke(["check", "--format", "full", "--no-color", "cookie.py"], cwd=root)
    assert result.exception is None
    assert '6 |     x = "café"; time.sleep(1)' in result.stdout


def test_utf8_bom_does_not_shift_columns(tmp_path):
    line_1 = "async def view(request): import time; time.sleep(1)"
    root = project_with(tmp_path, "bom.py", b"\xef\xbb\xbf" + f"{line_1}\n".encode())
    exit_code, lines, _ = check(root)
    assert exit_code == 1
    column = line_1.index("time.sleep") + 1
    assert [line.split(" ", 2)[:2] for line in lines_about(lines, "bom.py")] == [[f"bom.py:1:{column}:", "DPL110"]]
    assert any(line.startswith(GOOD_FINDING) for line in lines)


def test_utf8_bom_frame_underlines_the_call(tmp_path):
    line_1 = "async def view(request): import time; time.sleep(1)"
    root = project_with(tmp_path, "bom.py", b"\xef\xbb\xbf" + f"{line_1}\n".encode())
    result = invoke(["check", "--format", "full", "--no-color", "bom.py"], cwd=root)
    frame = result.stdout.splitlines()
    source_row = next(row for row in frame if row.startswith("1 | "))
    marks_row = frame[frame.index(source_row) + 1]
    assert "\ufeff" not in source_row
    assert marks_row.index("^") - len("  | ") == line_1.index("time.sleep")


def test_empty_file_is_no_finding(tmp_path):
    root = project_with(tmp_path, "empty.py", b"")
    exit_code, lines, _ = check(root)
    assert lines_about(lines, "empty.py") == []
    assert any(line.startswith(GOOD_FINDING) for line in lines)


def test_empty_project_is_clean(tmp_path):
    (tmp_path / "__init__.py").write_bytes(b"")
    exit_code, lines, _ = check(tmp_path)
    assert (exit_code, lines) == (0, ["All checks passed!"])


def test_symlink_loop_directory_is_walked_once(tmp_path):
    root = write_project(tmp_path / "project", {"good.py": BLOCKING_VIEW, "pkg/inner.py": BLOCKING_VIEW})
    (root / "pkg" / "a").symlink_to(".")
    (root / "up").symlink_to(root)
    # A real process with a timeout: an endless walk must fail the test, not hang it.
    completed = subprocess.run(
        [sys.executable, "-m", "django_protolint", "check", "--format", "concise", "--no-config"],
        cwd=root, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert "Traceback" not in completed.stderr
    assert completed.returncode == 1
    findings = [line for line in completed.stdout.splitlines() if CONCISE.match(line)]
    assert sorted(line.split(":")[0] for line in findings) == ["good.py", "pkg/inner.py"]


def test_symlink_loop_given_on_the_command_line(tmp_path):
    root = write_project(tmp_path / "project", {"good.py": BLOCKING_VIEW})
    (root / "a").symlink_to(".")
    exit_code, lines, _ = check(root, "a", "good.py")
    assert exit_code == 1
    assert GOOD_FINDING in "\n".join(lines)


def test_dangling_symlink_names_the_link(tmp_path):
    root = write_project(tmp_path / "project", {"good.py": BLOCKING_VIEW})
    (root / "dangling.py").symlink_to("nowhere.py")
    exit_code, lines, _ = check(root)
    assert exit_code == 1
    about = lines_about(lines, "dangling.py")
    assert len(about) == 1 and " DPL002 " in about[0]
    assert "broken symbolic link" in about[0] and "nowhere.py" in about[0]
    assert any(line.startswith(GOOD_FINDING) for line in lines)


@pytest.mark.parametrize("explicit", [False, True], ids=["walked", "given"])
def test_self_referencing_symlink(tmp_path, explicit):
    root = write_project(tmp_path / "project", {"good.py": BLOCKING_VIEW})
    (root / "loop.py").symlink_to("loop.py")
    exit_code, lines, _ = check(root, *(["loop.py", "good.py"] if explicit else []))
    assert exit_code == 1
    about = lines_about(lines, "loop.py")
    assert len(about) == 1 and " DPL002 " in about[0] and "symbolic link loop" in about[0]
    assert any(line.startswith(GOOD_FINDING) for line in lines)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_fifo_is_not_read(tmp_path):
    root = write_project(tmp_path / "project", {"good.py": BLOCKING_VIEW})
    os.mkfifo(root / "pipe.py")
    completed = subprocess.run(
        [sys.executable, "-m", "django_protolint", "check", "--format", "concise", "--no-config"],
        cwd=root, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    about = lines_about(completed.stdout.splitlines(), "pipe.py")
    assert len(about) == 1 and " DPL002 " in about[0] and "not a regular file" in about[0]
    assert GOOD_FINDING in completed.stdout


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads a chmod 000 file anyway")
def test_unreadable_file_chmod_000(tmp_path):
    root = project_with(tmp_path, "secret.py", BLOCKING_VIEW.encode())
    (root / "secret.py").chmod(0)
    try:
        exit_code, lines, _ = check(root)
    finally:
        (root / "secret.py").chmod(0o644)
    about = lines_about(lines, "secret.py")
    assert len(about) == 1 and " DPL002 " in about[0] and "Permission denied" in about[0]
    assert any(line.startswith(GOOD_FINDING) for line in lines)


def test_unreadable_file_simulated(tmp_path, monkeypatch):
    """What chmod 000 does for a normal user, also when the tests run as root."""
    root = project_with(tmp_path, "secret.py", BLOCKING_VIEW.encode())
    real_read_bytes = Path.read_bytes

    def read_bytes(self: Path) -> bytes:
        if self.name == "secret.py":
            raise PermissionError(13, "Permission denied", str(self))
        return real_read_bytes(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    exit_code, lines, _ = check(root)
    assert exit_code == 1
    assert lines_about(lines, "secret.py") == ["secret.py:1:1: DPL002 error: Cannot read file: Permission denied"]
    assert any(line.startswith(GOOD_FINDING) for line in lines)


def test_unlistable_directory_is_reported(tmp_path, monkeypatch):
    """A directory the walk cannot list (chmod 000 for a normal user) is a finding, not a silent gap."""
    root = write_project(tmp_path / "project", {"good.py": BLOCKING_VIEW, "private/views.py": BLOCKING_VIEW})
    real_scandir = os.scandir

    def scandir(path=".") -> object:
        if os.path.basename(os.fspath(path)) == "private":
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    report = lint([root], Config(), cwd=root)
    shown = {(f.path, f.code, f.message) for f in report.findings}
    assert ("private", "DPL002", "Cannot read directory: Permission denied") in shown
    assert ("good.py", "DPL110") in {(f.path, f.code) for f in report.findings}


def test_missing_path_on_the_command_line(tmp_path):
    root = write_project(tmp_path / "project", {"good.py": BLOCKING_VIEW})
    exit_code, lines, _ = check(root, "nope.py")
    assert exit_code == 1
    assert lines == ["nope.py:1:1: DPL002 error: No such file or directory", "Found 1 problem (1 error)."]
    exit_code, lines, _ = check(root, "good.py", "nope.py")
    assert exit_code == 1
    assert lines_about(lines, "nope.py") and any(line.startswith(GOOD_FINDING) for line in lines)


# ------------------------------------------------------------------ usage and configuration errors: exit 2


def usage_error(root: Path, *args: str) -> str:
    result = invoke(["check", *args], cwd=root)
    assert result.exception is None, f"crashed: {result.exception!r}"
    assert result.exit_code == 2, (result.stdout, result.stderr)
    assert "Traceback" not in result.stdout + result.stderr
    assert "DPL110" not in result.stdout, "a configuration error must stop before linting"
    return result.stderr


def test_broken_pyproject_names_the_file(tmp_path):
    root = write_project(tmp_path / "project", {"good.py": BLOCKING_VIEW, "pyproject.toml": "[tool.django-protolint\n"})
    stderr = usage_error(root)
    assert str(root / "pyproject.toml") in stderr and "invalid TOML" in stderr


def test_pyproject_that_is_not_utf8(tmp_path):
    root = write_project(tmp_path / "project", {"good.py": BLOCKING_VIEW})
    (root / "pyproject.toml").write_bytes(b"\xff\xfe[tool]\n")
    assert "pyproject.toml" in usage_error(root)


def test_unknown_code_in_select_option(tmp_path):
    root = write_project(tmp_path / "project", {"good.py": BLOCKING_VIEW})
    stderr = usage_error(root, "--select", "DPL110,XYZ123")
    assert "XYZ123" in stderr and "command line" in stderr


def test_unknown_code_on_the_command_line_does_not_blame_the_pyproject(tmp_path):
    pyproject = '[tool.django-protolint]\nignore = ["DPL101"]\n'
    root = write_project(tmp_path / "project", {"good.py": BLOCKING_VIEW, "pyproject.toml": pyproject})
    stderr = usage_error(root, "--ignore", "NOPE9")
    assert "NOPE9" in stderr and "command line" in stderr and "pyproject.toml" not in stderr


def test_unknown_code_in_pyproject_select(tmp_path):
    pyproject = '[tool.django-protolint]\nselect = ["DPL1", "QQQ1"]\n'
    root = write_project(tmp_path / "project", {"good.py": BLOCKING_VIEW, "pyproject.toml": pyproject})
    stderr = usage_error(root)
    assert "QQQ1" in stderr and "pyproject.toml" in stderr


def test_unknown_code_in_per_file_ignores(tmp_path):
    pyproject = '[tool.django-protolint]\nper-file-ignores = { "good.py" = ["DPL9999"] }\n'
    root = write_project(tmp_path / "project", {"good.py": BLOCKING_VIEW, "pyproject.toml": pyproject})
    assert "DPL9999" in usage_error(root)


def test_unknown_key_in_the_table(tmp_path):
    pyproject = '[tool.django-protolint]\nselekt = ["DPL1"]\n'
    root = write_project(tmp_path / "project", {"good.py": BLOCKING_VIEW, "pyproject.toml": pyproject})
    stderr = usage_error(root)
    assert "selekt" in stderr and "pyproject.toml" in stderr


@pytest.mark.parametrize("value", ['"banana"', "4.10", '["4.2"]'], ids=["word", "unquoted-float", "list"])
def test_bad_django_version_in_pyproject(tmp_path, value):
    # Unquoted, TOML reads 4.10 as the float 4.1: accepting it would silently advise for the wrong release.
    pyproject = f"[tool.django-protolint]\ndjango-version = {value}\n"
    root = write_project(tmp_path / "project", {"good.py": BLOCKING_VIEW, "pyproject.toml": pyproject})
    stderr = usage_error(root)
    assert "pyproject.toml" in stderr and ("django-version" in stderr or "Django version" in stderr)


def test_bad_django_version_option(tmp_path):
    root = write_project(tmp_path / "project", {"good.py": BLOCKING_VIEW})
    stderr = usage_error(root, "--django-version", "banana")
    assert "banana" in stderr and "--django-version" in stderr


def test_bad_format_option(tmp_path):
    root = write_project(tmp_path / "project", {"good.py": BLOCKING_VIEW})
    assert "xml" in usage_error(root, "--format", "xml")


def test_config_file_that_does_not_exist(tmp_path):
    root = write_project(tmp_path / "project", {"good.py": BLOCKING_VIEW})
    assert "missing.toml" in usage_error(root, "--config", "missing.toml")


def test_output_file_that_cannot_be_written(tmp_path):
    root = write_project(tmp_path / "project", {"good.py": BLOCKING_VIEW})
    stderr = usage_error(root, "--output-file", "no/such/directory/report.txt")
    assert "cannot write" in stderr and "report.txt" in stderr


def test_internal_error_is_one_line_and_exit_2(tmp_path, monkeypatch):
    import django_protolint.runner

    def explode(*args: object, **kwargs: object) -> None:
        raise KeyError("boom")

    monkeypatch.setattr(django_protolint.runner, "lint", explode)
    monkeypatch.setattr(django_protolint.runner, "lint_rendered", explode)  # the path a cached run takes
    root = write_project(tmp_path / "project", {"good.py": BLOCKING_VIEW})
    stderr = usage_error(root)
    assert "internal error" in stderr and "KeyError" in stderr and len(stderr.strip().splitlines()) == 1


BAD_PROJECT_CASES = [
    ([], {"pyproject.toml": "[tool.django-protolint\n"}),
    (["--select", "NOPE1"], {}),
    (["--django-version", "banana"], {}),
    ([], {"pyproject.toml": "[tool.django-protolint]\nwhat = 1\n"}),
    (["does-not-exist.py"], {}),
    (["-o", "no/such/dir/out.txt"], {}),
]


@pytest.mark.parametrize(("args", "files"), BAD_PROJECT_CASES)
def test_real_process_never_prints_a_traceback(tmp_path, args, files):
    root = write_project(tmp_path / "project", {"good.py": BLOCKING_VIEW, **files})
    for name, data in {
        "syntax.py": b"def f(:\n", "latin.py": b'x = "\xe9"\n', "nul.py": b"\x00", "py2.py": b'print "x"\n',
        "deep.py": b"x = " + b"-" * 20000 + b"1\n",
    }.items():  # fmt: skip
        (root / name).write_bytes(data)
    (root / "dangling.py").symlink_to("gone.py")
    (root / "loop").symlink_to(".")
    completed = subprocess.run(
        [sys.executable, "-m", "django_protolint", "check", "--format", "concise", *args],
        cwd=root, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert "Traceback" not in completed.stdout + completed.stderr
    assert completed.returncode in (1, 2), completed.stderr
    assert completed.returncode == 1 or completed.stderr.startswith("django-protolint: error: ")
    if completed.returncode == 1:
        assert CONCISE.match(completed.stdout.splitlines()[0])


def test_read_error_help_fits_the_problem(tmp_path):
    root = write_project(tmp_path / "project", {"good.py": BLOCKING_VIEW})
    (root / "dangling.py").symlink_to("nowhere.py")
    result = invoke(["check", "--format", "json", ".", "missing.py"], cwd=root)
    problems = [f for f in json.loads(result.stdout)["findings"] if f["code"] == "DPL002"]
    assert len(problems) == 2
    for finding in problems:
        assert "UTF-8" not in finding["help"] and "coding" not in finding["help"], finding


def _libcst_reads(source: str) -> bool:
    import libcst

    try:
        libcst.parse_module(source)
    except Exception:  # noqa: BLE001
        return False
    return True


TEMPLATE_STRING = 'greeting = t"hello {name}"\n'


@pytest.mark.skipif(sys.version_info >= (3, 14), reason="needs a Python older than the syntax in the file")
@pytest.mark.skipif(not _libcst_reads(TEMPLATE_STRING), reason="this libcst predates template strings")
def test_syntax_newer_than_we_can_read_says_so_and_is_not_a_syntax_error(tmp_path):
    """3.12's syntax is analysed on any Python (tests/test_newer_syntax.py); 3.14's t-strings are not bridged yet.
    libcst reads them, so the file is fine and the interpreter too old: the message says that, never "SyntaxError"."""
    root = project_with(tmp_path, "template.py", TEMPLATE_STRING.encode())
    _, lines, _ = check(root)
    (line,) = lines_about(lines, "template.py")
    assert "DPL001" in line and "newer than Python 3." in line and "t-string" in line
    assert "SyntaxError" not in line and "syntax error" not in line
    assert any(line.startswith(GOOD_FINDING) for line in lines)


CHAINS_LIBCST_CANNOT_SURVIVE = {
    "attribute-chain": "x = " + "a." * 30000 + "b\n",
    "call-chain": "x = a" + "()" * 30000 + "\n",
    "binary-chain": "x = " + " + ".join(["a"] * 30000) + "\n",
    "lambdas": "x = " + "lambda: " * 5000 + "1\n",
    "unary-chain": "x = " + "-" * 30000 + "1\n",
}


@pytest.mark.parametrize("chain", CHAINS_LIBCST_CANNOT_SURVIVE.values(), ids=CHAINS_LIBCST_CANNOT_SURVIVE.keys())
def test_a_syntax_error_beside_a_huge_chain_is_one_finding(tmp_path, chain):
    """CPython refuses the file for the syntax error before it meets the chain; asking libcst whether it is newer
    syntax would crash the process (a segfault in its native parser), so it is not asked."""
    # The error keeps the brackets balanced: the file still tokenizes, as most broken files do.
    root = project_with(tmp_path, "bad.py", (chain + "y = = 1\n").encode())
    completed = subprocess.run([sys.executable, "-m", "django_protolint", "check", "--format", "concise",
                                "--no-cache", "--jobs", "1"], cwd=root, capture_output=True, text=True, timeout=120)  # fmt: skip
    assert completed.returncode == 1, completed.stderr
    assert any(line.startswith("bad.py:") and "DPL001" in line for line in completed.stdout.splitlines())
    assert GOOD_FINDING in completed.stdout


def test_a_plain_syntax_error_is_not_called_newer_syntax(tmp_path):
    root = project_with(tmp_path, "bad.py", b"def broken(:\n    pass\n")
    _, lines, _ = check(root)
    (line,) = lines_about(lines, "bad.py")
    assert "SyntaxError" in line and "newer" not in line


GARBLED_SERVER_CONFIGS = {
    "uwsgi.xml": b"\x00\x01<uwsgi>\xff\xfe",
    "uwsgi.json": b'{"uwsgi": {"module": ',
    "deploy/uwsgi.yaml": b"uwsgi:\n  module: [proj.wsgi\n",
    "unit.json": b"\x89PNG\r\n\x1a\n\x00\x00",
    "config.json": b"{ // not JSON }",
    "app.json": b"\xff\xfe\x00",
    "apache/site.conf": b"\x00WSGIScriptAlias\x00\xff",
    ".htaccess": b"\x00\x01\x02",
}


def test_garbled_server_configs_are_problems_and_the_rest_is_linted(tmp_path):
    root = write_project(tmp_path / "project", {"views.py": BLOCKING_VIEW})
    for name, data in GARBLED_SERVER_CONFIGS.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    report = run(root)
    # Files named for a server report that they cannot be read; config.json and app.json may be anyone's.
    assert found(report) == {
        ("views.py", 5, "DPL110"),
        ("uwsgi.xml", 1, "DPL508"),
        ("uwsgi.json", 1, "DPL508"),
        ("deploy/uwsgi.yaml", 2, "DPL508"),
        ("unit.json", 1, "DPL508"),
    }
    completed = subprocess.run([sys.executable, "-m", "django_protolint", "check", "--format", "concise"], cwd=root,
                               capture_output=True, text=True, timeout=120)  # fmt: skip
    assert "Traceback" not in completed.stdout + completed.stderr
    assert completed.returncode == 1
