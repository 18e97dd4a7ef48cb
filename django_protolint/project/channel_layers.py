"""Whether a project certainly has no channel layer, and where its code uses one anyway.

`get_channel_layer()` returns None when CHANNEL_LAYERS has no entry for the alias (channels/layers.py: the
manager's KeyError is caught), and a consumer's `self.channel_layer` is that value. Any use then fails: a method
call raises AttributeError on None, and a generic websocket consumer with `groups` refuses every connection with
InvalidChannelLayerError. Verified on Channels 4.3.2 (tests/test_ground_truth_channel_layers.py).

"Certainly none" is narrow on purpose: the settings module the deployment runs with (not a guessed or pytest-only
one) was evaluated completely, defines no CHANNEL_LAYERS (or an empty dict), and nothing else in the project could
set it (another settings module, any module-level `CHANNEL_LAYERS = ...`, a django-configurations class attribute,
`settings.configure()`, django-split-settings' `include()`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django_protolint.knowledge import channels_api
from django_protolint.project.classes import ClassHierarchy
from django_protolint.project.django_project import DjangoProject
from django_protolint.project.settings import SettingsModule
from django_protolint.source import static
from django_protolint.source.facts import CallFact, FileFacts, Span

if TYPE_CHECKING:
    from django_protolint.project.model import ProjectModel

SETTING = channels_api.CHANNEL_LAYERS_SETTING
# Where DJANGO_SETTINGS_MODULE came from: only these name what the project really runs with. A module we guessed
# (it defines INSTALLED_APPS) or one named only by pytest's configuration may be a test harness, whose missing
# CHANNEL_LAYERS says nothing about production.
TRUSTED_SOURCES = frozenset({"configuration", "asgi.py", "wsgi.py", "manage.py", "environment", ".env"})


@dataclass(frozen=True)
class LayerUse:
    path: str
    span: Span
    what: str  # as the message shows it: "`self.channel_layer.group_send(...)`", "`Chat.groups`"
    outcome: str  # what happens at run time without a layer


def settings_without_layer(project: DjangoProject, model: ProjectModel) -> SettingsModule | None:
    """The project's settings module when it certainly configures no channel layer, else None (it does, or may)."""
    primary = project.primary
    if primary is None or primary.namespace is None or primary.reference.source not in TRUSTED_SOURCES:
        return None
    for module in project.settings:
        if module.namespace is not None and module.namespace.incomplete:
            return None  # a star import we could not follow may bring CHANNEL_LAYERS
        value = module.get(SETTING)
        if value is not None and (value.uncertain or value.value != {}):
            return None
    evaluated = {module.facts.path for module in project.settings if module.facts is not None}
    for facts in model.files_at(project.root):
        assigns, sets_otherwise = model.per_file.share("channel layer settings", facts, _sets_layers)
        if not (assigns or sets_otherwise):
            continue
        if sets_otherwise or facts.path not in evaluated:
            return None
    return primary


def _sets_layers(facts: FileFacts) -> tuple[bool, bool]:
    """Whether the file assigns CHANNEL_LAYERS at module level, and whether it may set it otherwise (a
    django-configurations class attribute, `settings.configure()`, django-split-settings' `include()`)."""
    assigns = any(isinstance(s, (static.Assignment, static.ItemAssignment)) and s.target == SETTING
                  for s in facts.statements)  # fmt: skip
    otherwise = any(cls.attribute(SETTING) is not None for cls in facts.classes) or any(
        call.callee in channels_api.SETTINGS_WRITERS for call in facts.calls
    )
    return assigns, otherwise


def layer_uses(project: DjangoProject, model: ProjectModel) -> list[LayerUse]:
    """Code in the project that needs a channel layer to work, one use per line."""
    uses: dict[tuple[str, int], LayerUse] = {}
    hierarchy = ClassHierarchy.of(model.modules)
    for facts in model.files_at(project.root):
        candidates = model.per_file.share("channel layer calls", facts, _layer_calls)
        for call in candidates:
            use = _call_use(model, facts, call)
            if use is not None:
                uses.setdefault((facts.path, call.span.line), LayerUse(facts.path, call.span, use,
                                                                       "the call raises AttributeError"))  # fmt: skip
        for cls in facts.classes:
            groups = cls.attribute("groups")
            if (
                isinstance(groups, static.Sequence)
                and groups.items
                and hierarchy.ancestors(facts, cls) & channels_api.GROUP_CONSUMERS
            ):
                uses.setdefault((facts.path, cls.span.line), LayerUse(
                    facts.path, cls.span, f"`{cls.qualname}.groups`",
                    "every connection fails with InvalidChannelLayerError when it joins its groups"))  # fmt: skip
    return sorted(uses.values(), key=lambda use: (use.path, use.span))


def _layer_calls(facts: FileFacts) -> tuple[CallFact, ...]:
    """The calls `_call_use` may take for a use of the layer (the others it never does)."""
    prefix = channels_api.GET_CHANNEL_LAYER + "."
    return tuple(call for call in facts.calls
                 if call.callee == channels_api.GET_CHANNEL_LAYER or (call.callee or "").startswith(prefix)
                 or call.text.startswith("self.channel_layer.")
                 or (call.callee in channels_api.ASYNC_TO_SYNC and call.argument_text is not None))  # fmt: skip


def _call_use(model: ProjectModel, facts, call) -> str | None:  # noqa: ANN001 - FileFacts, CallFact
    if call.callee == channels_api.GET_CHANNEL_LAYER and call.chained:
        return "`get_channel_layer()…`"  # get_channel_layer().group_send, [...], (...): all fail on None
    if call.callee and call.callee.startswith(channels_api.GET_CHANNEL_LAYER + "."):
        return f"`{call.text}(...)`"  # layer = get_channel_layer(); await layer.group_send(...)
    if call.text.startswith("self.channel_layer.") and model.consumer_of(facts, call.scope.function) is not None:
        return f"`{call.text}(...)`"
    if call.callee in channels_api.ASYNC_TO_SYNC and call.argument_text is not None:
        # async_to_sync(layer.group_send)(...): the layer method is fetched from None right here.
        wrapped = f"`async_to_sync({call.argument_text})(...)`"
        if call.argument is not None and call.argument.startswith(channels_api.GET_CHANNEL_LAYER + "."):
            return wrapped
        if call.argument_text.startswith("self.channel_layer.") and model.consumer_of(facts, call.scope.function):
            return wrapped
    return None
