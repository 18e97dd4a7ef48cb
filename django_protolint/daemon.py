"""A resident engine for the command line: a pre-commit run after an edit asks it instead of analysing again.

    django-protolint daemon start        # in the project's directory: keeps it analysed (engine.Workspace)
    django-protolint check ...           # from that directory: answered by the daemon when it can
    django-protolint daemon stop

`check` run from the directory a daemon serves sends its arguments, working directory and environment over a Unix
socket; the daemon runs the same command in its own process, where the pipeline's report comes from the engine,
brought up to date with the disk first (`Workspace.refresh`: the tree walked again, stat signatures compared, only
changed files parsed again, only their shares of the model derived again). Its answer is what the command would
have printed, byte for byte, and its exit status (tests/test_daemon.py compares them). What the daemon does not
serve runs as before, in the calling process: fixes (`--fix`, `--diff`, `--add-noqa`) and standard input, which
change files or read the caller's input; `--output-file`; a run from another directory, with other paths or named
files, or with another configuration than the one its engine holds (it makes a new engine for that).

The daemon is the user's own process, listening on a socket only the user can open (in the cache directory). It
stops after `--idle` minutes without a request, when the installed package changes under it (it answers that
request "refused" and the command runs in its caller), or on `daemon stop`. `DJANGO_PROTOLINT_NO_DAEMON=1` makes
`check` ignore a running daemon.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import io
import json
import os
import pickle
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django_protolint import __version__

if TYPE_CHECKING:
    from django_protolint.config import Config
    from django_protolint.engine import Workspace
    from django_protolint.runner import Named, Report

NO_DAEMON = "DJANGO_PROTOLINT_NO_DAEMON"
# Options that change files, read standard input, or write a file of their own: run in the calling process.
_NOT_SERVED = frozenset({"--fix", "--fix-only", "--diff", "--add-noqa", "--stdin-filename", "--output-file", "-o",
                         "-", "--no-daemon", "--help", "-h"})  # fmt: skip
_SOCKET_PATH_MAX = 100  # sun_path holds 108 bytes on Linux, 104 on macOS


def socket_path(directory: str) -> str:
    """Where the daemon serving `directory` listens: in the cache directory, named by the directory's real path."""
    from django_protolint.cache import default_directory

    name = hashlib.sha256(os.path.realpath(directory).encode()).hexdigest()[:20] + ".sock"
    path = str(default_directory() / "daemons" / name)
    if len(path.encode()) > _SOCKET_PATH_MAX:  # a deep DJANGO_PROTOLINT_CACHE_DIR
        path = os.path.join("/tmp", f"django-protolint-{getattr(os, 'getuid', lambda: 0)()}", name)
    return path


def served(argv: list[str]) -> bool:
    """Whether a daemon may answer this command line: `check` without the options it leaves to its caller."""
    if not argv or argv[0] != "check" or os.environ.get(NO_DAEMON):
        return False
    return not any(arg.split("=", 1)[0] in _NOT_SERVED for arg in argv[1:])


# ---------------------------------------------------------------------- the client: one request, one answer


def ask(argv: list[str], timeout: float = 600.0) -> tuple[str, str, int] | None:
    """(stdout, stderr, exit status) of `django-protolint ARGV` as the daemon serving the working directory ran
    it, or None when none serves it, it refused, or it could not be reached (then the caller runs the command)."""
    path = socket_path(os.getcwd())
    if not os.path.exists(path):
        return None
    request = {
        "version": __version__,
        "argv": argv,
        "cwd": os.getcwd(),
        "env": dict(os.environ),
        "stdout_tty": _is_terminal(sys.stdout),
        "stderr_tty": _is_terminal(sys.stderr),
    }
    answer = _exchange(path, request, timeout)
    if not isinstance(answer, dict) or "code" not in answer:
        return None
    return str(answer.get("stdout", "")), str(answer.get("stderr", "")), int(answer["code"])


def _exchange(path: str, request: dict[str, Any], timeout: float) -> object:
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
            connection.settimeout(timeout)
            connection.connect(path)
            connection.sendall(json.dumps(request).encode())
            connection.shutdown(socket.SHUT_WR)
            received = _read_all(connection)
        return json.loads(received.decode())
    except (OSError, ValueError):
        return None  # gone, refused, too slow, or half an answer: the caller runs the command itself


def _read_all(connection: socket.socket) -> bytes:
    chunks = []
    while chunk := connection.recv(1 << 16):
        chunks.append(chunk)
    return b"".join(chunks)


def _is_terminal(stream: object) -> bool:
    return bool(getattr(stream, "isatty", lambda: False)())


# ---------------------------------------------------------------------- the daemon


class _Capture(io.StringIO):
    """The caller's stdout or stderr, as far as the command can tell: text, and whether it is a terminal."""

    def __init__(self, terminal: bool) -> None:
        super().__init__()
        self._terminal = terminal

    def isatty(self) -> bool:
        return self._terminal


class Daemon:
    def __init__(self, root: Path, idle_minutes: float = 30.0) -> None:
        from django_protolint.cache import code_fingerprint

        self.root = os.path.realpath(root)
        self.idle = idle_minutes * 60
        self.fingerprint = code_fingerprint()
        self.workspace: Workspace | None = None
        self.workspace_config: bytes | None = None
        self.stopping = False

    # ------------------------------------------------------------------ the engine behind runner.lint

    def resident(self, paths: list[Path], config: Config, cwd: Path | None, named: Named) -> Report | None:
        """The report of `lint(paths, config, cwd, named=named)`, from the engine, when it is a run of the whole
        project from its own directory; else None (the pipeline runs, in the daemon, as it would have)."""
        from django_protolint.cache import FactsCache
        from django_protolint.engine import Workspace
        from django_protolint.parallel import default_jobs
        from django_protolint.runner import Named

        if named != Named() or cwd is not None or len(paths) != 1:
            return None
        if os.path.realpath(paths[0]) != self.root or os.path.realpath(os.getcwd()) != self.root:
            return None
        try:
            key = pickle.dumps(config, protocol=4)
        except (pickle.PicklingError, TypeError, AttributeError):
            return None
        if self.workspace is None or key != self.workspace_config:
            self.workspace = Workspace(Path(self.root), config, FactsCache(), jobs=default_jobs())
            self.workspace_config = key
        else:
            self.workspace.refresh()
        return self.workspace.report()

    # ------------------------------------------------------------------ requests

    def answer(self, request: object) -> dict[str, Any]:
        from django_protolint.cache import code_fingerprint

        if not isinstance(request, dict) or not isinstance(request.get("argv"), list):
            return {"refused": "not a request"}
        if request.get("version") != __version__ or code_fingerprint.__wrapped__() != self.fingerprint:
            self.stopping = True  # the package changed under this process: its answers would be another version's
            return {"refused": "the installed django-protolint changed; the daemon stops"}
        if os.path.realpath(str(request.get("cwd"))) != self.root or not served(request["argv"]):
            return {"refused": "not served here"}
        # Standard error is no terminal here: a progress bar drawn in the daemon would arrive all at once, at the end.
        stdout, stderr = _Capture(bool(request.get("stdout_tty"))), _Capture(False)
        with _as_caller(str(request["cwd"]), request.get("env") or {}, stdout, stderr):
            code = _run_command(request["argv"])
        return {"stdout": stdout.getvalue(), "stderr": stderr.getvalue(), "code": code}

    def serve(self, warm: bool = True) -> None:
        """Listen, warm the engine with the run a hook makes (`check --quiet` from the root: requests wait in the
        socket's queue meanwhile), then answer until stopped or idle."""
        from django_protolint import runner

        path = socket_path(self.root)
        os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)  # a daemon that died without cleaning up
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        old_mask = os.umask(0o177)  # the socket: the user's only
        try:
            listener.bind(path)
        finally:
            os.umask(old_mask)
        listener.listen(8)
        listener.settimeout(self.idle)
        runner.RESIDENT = self.resident
        try:
            if warm:
                with _as_caller(self.root, dict(os.environ), _Capture(False), _Capture(False)):
                    _run_command(["check", "--quiet"])
            gc.collect()
            gc.freeze()
            while not self.stopping:
                try:
                    connection, _ = listener.accept()
                except TimeoutError:
                    break  # idle too long
                with connection:
                    connection.settimeout(60)
                    try:
                        request = json.loads(_read_all(connection).decode())
                    except (OSError, ValueError):
                        continue
                    if isinstance(request, dict) and request.get("stop"):
                        self.stopping = True
                        reply: dict[str, Any] = {"stopped": True}
                    elif isinstance(request, dict) and request.get("ping"):
                        reply = {"pong": True, "root": self.root, "pid": os.getpid()}
                    else:
                        reply = self.answer(request)
                    with contextlib.suppress(OSError):
                        connection.sendall(json.dumps(reply).encode())
                # After the answer, off the caller's clock: collect the cycles among what this request made (the
                # objects older than it are frozen), then freeze what survives: a collection scanning the engine's
                # millions of objects again would make a request wait a second or two. Old objects that die are
                # freed by their reference counts (facts and models hold no cycles).
                gc.collect(1)
                gc.freeze()
        finally:
            runner.RESIDENT = None
            listener.close()
            with contextlib.suppress(OSError):
                os.unlink(path)


@contextlib.contextmanager
def _as_caller(cwd: str, env: dict[str, str], stdout: io.StringIO, stderr: io.StringIO) -> Iterator[None]:
    """The command runs as if in the caller's process: its directory, environment and output streams."""
    saved_cwd, saved_env = os.getcwd(), dict(os.environ)
    saved_streams = sys.stdout, sys.stderr
    os.chdir(cwd)
    os.environ.clear()
    os.environ.update({str(key): str(value) for key, value in env.items()})
    sys.stdout, sys.stderr = stdout, stderr
    try:
        yield
    finally:
        sys.stdout, sys.stderr = saved_streams
        os.environ.clear()
        os.environ.update(saved_env)
        os.chdir(saved_cwd)


def _run_command(argv: list[str]) -> int:
    from django_protolint.cli import main

    try:
        main.main(args=argv, prog_name="django-protolint", standalone_mode=True)
    except SystemExit as exit:
        code = exit.code
        if code is None:
            return 0
        if isinstance(code, int):
            return code
        print(code, file=sys.stderr)
        return 1
    return 0


# ---------------------------------------------------------------------- start, stop, status


def start(root: Path, idle_minutes: float, wait: float = 30.0) -> str:
    """Start a daemon for `root` in the background, and warm it with a run of `check`; one line saying what."""
    if (running := status(root)) is not None:
        return f"already running (pid {running['pid']}) for {running['root']}"
    log_path = Path(socket_path(str(root))).with_suffix(".log")
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "ab") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "django_protolint", "daemon", "serve", "--idle", str(idle_minutes), str(root)],
            stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True, cwd=root,
        )  # fmt: skip
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        if os.path.exists(socket_path(str(root))):
            return f"started (pid {process.pid}) for {os.path.realpath(root)}; analysing the project now"
        if process.poll() is not None:
            return f"could not start: see {log_path}"
        time.sleep(0.05)
    return f"did not start within {wait:.0f} s: see {log_path}"


def stop(root: Path) -> bool:
    path = socket_path(str(root))
    return os.path.exists(path) and isinstance(_exchange(path, {"stop": True}, 10.0), dict)


def status(root: Path) -> dict[str, Any] | None:
    path = socket_path(str(root))
    if not os.path.exists(path):
        return None
    answer = _exchange(path, {"ping": True}, 5.0)
    return answer if isinstance(answer, dict) and answer.get("pong") else None


def serve(root: Path, idle_minutes: float) -> None:
    """The daemon's own process (`daemon serve`)."""
    Daemon(root, idle_minutes).serve()
