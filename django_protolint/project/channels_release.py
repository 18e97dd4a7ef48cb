"""Which Channels release a project runs on: the range its dependency files allow, and, where that range leaves a
question open (no pin, `channels>=2.0`), code that only works on one side of the answer (`as_asgi()` needs 3.0,
`"daphne"` in INSTALLED_APPS means 4.0; knowledge/channels_api.py). The pin decides first: code does not
override what the project installs.

A rule whose premise changed between releases asks `at_least("4.0")` and gets True, False, or None when the
project does not say, with `why` for its message.
"""

from __future__ import annotations

from dataclasses import dataclass

from packaging.version import Version

from django_protolint.knowledge import channels_api
from django_protolint.knowledge.channels_api import ReleaseMarker
from django_protolint.project.channels import AsgiApplication
from django_protolint.project.dependencies import VersionRange
from django_protolint.project.evaluate import Value
from django_protolint.source.facts import FileFacts

DISTRIBUTION = "channels"


@dataclass(frozen=True)
class MarkerFound:
    marker: ReleaseMarker
    path: str
    line: int

    def label(self) -> str:
        return f"{self.marker.shape} ({self.path}:{self.line})" if self.line else f"{self.marker.shape} ({self.path})"


@dataclass(frozen=True)
class ChannelsRelease:
    allowed: VersionRange | None  # None: no dependency file names channels
    markers: tuple[MarkerFound, ...] = ()

    def _pinned(self, boundary: Version) -> bool | None:
        allowed = self.allowed
        if allowed is None or allowed.empty:
            return None
        if allowed.low is not None and allowed.low >= boundary:
            return True
        high = allowed.high
        if high is not None and (high < boundary or (high == boundary and not allowed.high_inclusive)):
            return False
        return None

    def _marked(self, boundary: Version) -> tuple[bool | None, MarkerFound | None]:
        answers: dict[bool, MarkerFound] = {}
        for found in self.markers:
            if found.marker.at_least is not None and Version(found.marker.at_least) >= boundary:
                answers.setdefault(True, found)
            if found.marker.below is not None and Version(found.marker.below) <= boundary:
                answers.setdefault(False, found)
        if len(answers) != 1:
            return None, None  # no sign, or signs both ways (a project half migrated): the code does not say
        answer, found = next(iter(answers.items()))
        return answer, found

    def at_least(self, release: str) -> bool | None:
        """True when every release the project may run on is `release` or later, False when none is, else None."""
        boundary = Version(release)
        pinned = self._pinned(boundary)
        return pinned if pinned is not None else self._marked(boundary)[0]

    def why(self, release: str) -> str:
        """What `at_least(release)` rests on: "`channels==2.4.0` (requirements.txt)", a marker, or the lack."""
        boundary = Version(release)
        if self._pinned(boundary) is not None:
            return self.allowed.label()  # type: ignore[union-attr]
        answer, found = self._marked(boundary)
        if found is not None:
            return found.label() if self.allowed is None else f"{found.label()}; {self.allowed.label()} allows either"
        if self.allowed is not None:
            return f"{self.allowed.label()} allows releases on both sides of {release}"
        return "no dependency file names channels"


def markers_in_file(facts: FileFacts) -> tuple[MarkerFound, ...]:
    """Code in one file that only works on some Channels releases."""
    found: list[MarkerFound] = []
    for call in facts.calls:
        if (call.callee or call.text).rsplit(".", 1)[-1] == "as_asgi":
            found.append(MarkerFound(channels_api.MARKER_AS_ASGI, facts.path, call.span.line))
            break
    if any(qualname == channels_api.HTTP_HANDLER for _, qualname in facts.imports):
        found.append(MarkerFound(channels_api.MARKER_HTTP_HANDLER, facts.path, 0))
    return tuple(found)


def markers_in(in_files: list[MarkerFound], applications: list[AsgiApplication],
               installed_apps: Value | None) -> tuple[MarkerFound, ...]:  # fmt: skip
    """Code in the project that only works on some Channels releases: `in_files`, what `markers_in_file` finds in
    each of its files, and what its ASGI applications and settings show."""
    found = list(in_files)
    for app in applications:
        if app.http_app == channels_api.GET_ASGI_APPLICATION:
            found.append(MarkerFound(channels_api.MARKER_DJANGO_HTTP, app.path, app.line))
    apps = installed_apps.value if installed_apps is not None else None
    if isinstance(apps, (list, tuple)) and "daphne" in apps and installed_apps is not None:
        found.append(MarkerFound(channels_api.MARKER_DAPHNE_APP, installed_apps.path, installed_apps.line))
    return tuple(found)
