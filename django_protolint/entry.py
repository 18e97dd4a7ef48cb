"""The console entry point: a running daemon answers `check` before the command line is even parsed (importing
the command line and its libraries costs more than the daemon's answer: daemon.py); else the command runs here."""

from __future__ import annotations

import os
import sys
from typing import NoReturn


def run() -> NoReturn:
    argv = sys.argv[1:]
    from django_protolint import daemon

    if daemon.served(argv) and (answer := daemon.ask(argv)) is not None:
        out, err, code = answer
        try:
            sys.stdout.write(out)
            sys.stderr.write(err)
            sys.stdout.flush()
            sys.stderr.flush()
        except (OSError, ValueError):  # a closed pipe (`| head`)
            code = code or 1
        os._exit(code)
    from django_protolint.cli import run as run_here

    run_here()
