"""Our blocking-call table against flake8-async's own eval files (ASYNC2xx under asyncio): every expectation is
flagged, or is the read of a handle whose `open()` we already report (one problem, one finding), or is listed by
flake8-async itself under "Known unhandled cases".

The eval files are flake8-async's, not ours: point FLAKE8_ASYNC_CHECKOUT at a checkout or bare git directory of
python-trio/flake8-async (the field-corpus mirror has one); without it the test skips and says so.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "flake8_async_parity.py"
MIRROR = Path("/work/.mirror/python-trio+flake8-async/repo")


def test_flake8_async_eval_files_are_fully_matched():
    checkout = Path(os.environ.get("FLAKE8_ASYNC_CHECKOUT", MIRROR))
    if not checkout.exists():
        pytest.skip("no flake8-async checkout: set FLAKE8_ASYNC_CHECKOUT")
    completed = subprocess.run([sys.executable, str(SCRIPT), str(checkout)], capture_output=True, text=True,
                               timeout=900)  # fmt: skip
    last = completed.stdout.strip().splitlines()[-1]
    assert last.startswith("fully matched: yes"), completed.stdout[-3000:]
    assert "0 unexplained" in last
