"""DPL302's advice against real Channels: with '*' in ALLOWED_HOSTS, `AllowedHostsOriginValidator` lets a foreign
origin (and a handshake without one) through, while `OriginValidator` with explicit origins refuses it. Checked on
Channels 4.3.2 with Django 4.2, 5.2 and 6.1, and on Channels 3.0.4 with Django 3.2 (the validator is unchanged
since 3.0: channels/security/websocket.py)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.django_versions import python_for

SCRIPT = Path(__file__).resolve().parent / "ground_truth" / "run_origin_validator.py"
FOREIGN = "https://evil.example.net"
OWN = "https://chat.example.com"


def probe(python: str) -> dict:
    completed = subprocess.run([python, str(SCRIPT)], capture_output=True, text=True, timeout=120)
    assert completed.returncode == 0, completed.stderr[-2000:]
    return json.loads(completed.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize(
    ("series", "channels"),
    [("4.2", "4.3.2"), ("5.2", "4.3.2"), ("6.1", "4.3.2"), ("3.2", "3.0.4")],
    ids=["django-4.2", "django-5.2", "django-6.1", "django-3.2-channels-3.0.4"],
)
def test_wildcard_allowed_hosts_accepts_every_origin(series, channels):
    result = probe(python_for(series, extras=(f"channels=={channels}",)))
    assert result["channels"] == channels
    assert result["allowed_hosts_explicit"] == {OWN: "accepted", FOREIGN: "denied", "None": "denied"}
    assert result["allowed_hosts_wildcard"] == {OWN: "accepted", FOREIGN: "accepted", "None": "accepted"}
    assert result["origin_validator_explicit"] == {OWN: "accepted", FOREIGN: "denied", "None": "denied"}
