"""The project model: every file's facts joined up, plus what the project's other files say (Django version).

Built from FileFacts and the other files' text only: it never parses Python again and never reads the disk.
It is frozen: `build()` makes the project-level parts (the Django projects, the deployment files read once,
the proxy routes, the verdicts) before any rule runs; the indexes over every file's facts (functions, calls by
function, ...) are made on first use and kept, so a run that selects no rule needing them never pays for them.
Nothing in it changes after it is made.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from functools import cached_property, lru_cache

from django_protolint.knowledge import asgi_frameworks, asyncio_api, channels_api, django_api
from django_protolint.knowledge.blocking import PATH_TYPE, SETTINGS_QUALNAME, BlockingCall, lookup
from django_protolint.project.async_unsafe import AllowedScope, allowed_scopes, is_test_code
from django_protolint.project.channels_release import (
    DISTRIBUTION,
    ChannelsRelease,
    MarkerFound,
    markers_in,
    markers_in_file,
)
from django_protolint.project.classes import ClassHierarchy
from django_protolint.project.dependencies import (
    DjangoVersion,
    VersionEvidence,
    applies_to,
    lowest_django_version,
    requirement_names,
    version_range,
)
from django_protolint.project.deploy.base import DEVELOPMENT, PRODUCTION
from django_protolint.project.deploy.dispatch import dispatches
from django_protolint.project.deploy.entrypoint import AppProblem, app_problem
from django_protolint.project.deploy.environment import path_signal
from django_protolint.project.deploy.files import Deployment, DeployProblem, python_starts, read_deployment
from django_protolint.project.deploy.images import image_arguments
from django_protolint.project.deploy.project import (
    apply_gunicorn_config,
    belongs_to,
    image_copies,
    merge_loaded_configs,
)
from django_protolint.project.deploy.templated import rendered_text
from django_protolint.project.django_project import DjangoProject, build_projects
from django_protolint.project.models import ModelRelations
from django_protolint.project.modules import ModuleIndex, source_root
from django_protolint.project.per_file import PerFile
from django_protolint.project.proxy.base import Route
from django_protolint.project.proxy.read import is_development, read_routes
from django_protolint.project.tree import tree_top
from django_protolint.project.verdict import Evidence, Verdict, verdict_for
from django_protolint.source.facts import (
    CallFact,
    FileFacts,
    FunctionFact,
    QueryFact,
    StreamingResponseFact,
    unpacked_calls,
    unpacked_functions,
    unpacked_queries,
)
from django_protolint.source.template import template_config_for


@dataclass(frozen=True, slots=True)  # one per function of the project: tens of thousands
class ProjectFunction:
    qualname: str  # fully qualified: "blog.services.count_published"
    facts: FileFacts
    function: FunctionFact

    @property
    def is_offloaded(self) -> bool:
        """`@sync_to_async def f()`: calling it gives a coroutine that runs f in a worker thread."""
        return any(decorator in asyncio_api.OFFLOADING_DECORATORS for decorator in self.function.decorators)

    @property
    def is_synchronised(self) -> bool:
        """`@async_to_sync` (or `@async_to_sync()`) on an `async def`: calling it runs the coroutine to its end and
        returns its result, a plain sync call (asgiref.sync.AsyncToSync.__call__)."""
        return any(decorator in channels_api.ASYNC_TO_SYNC for decorator in self.function.decorators)

    @property
    def is_coroutine_function(self) -> bool:
        return (self.function.is_async and not self.is_synchronised) or self.is_offloaded


@dataclass(frozen=True, eq=False)  # identity: one model per run (its indexes are cached on the instance)
class ProjectModel:
    files: tuple[FileFacts, ...]
    django_version: DjangoVersion | None = None
    django_version_evidence: VersionEvidence | None = None
    django_version_configured: bool = False  # from --django-version / `django-version`, not requirements
    extra_blocking_calls: dict[str, str] = field(default_factory=dict)
    settings_module: str | None = None  # from configuration / --settings
    dependency_texts: dict[str, str] = field(default_factory=dict)  # requirements*.txt, pyproject.toml, ...
    deployment_texts: dict[str, str] = field(default_factory=dict)  # Procfile, Dockerfile, compose, ...
    declared_server: str | None = None  # "wsgi"/"asgi" from --server
    settings_texts: dict[str, str] = field(default_factory=dict)  # pytest.ini, tox.ini, .env, ...
    template_texts: dict[str, str] = field(default_factory=dict)  # cookiecutter.json of template trees
    # Each file's share of the indexes below, kept across models by an engine that keeps the facts (per_file.py).
    per_file: PerFile = field(default_factory=PerFile, repr=False, compare=False)

    def build(self) -> ProjectModel:
        """Make the project-level parts now, in one pass, rather than when a rule first asks (see the module)."""
        for project in self.django_projects:
            self.channels_release(project)
        self.deployment_entries, self.proxy_routes, self.app_problems, self.verdicts  # noqa: B018
        return self

    @cached_property
    def requirement_names(self) -> set[str]:
        return requirement_names(self.dependency_texts)

    @cached_property
    def tree_top(self) -> str:
        """The top of the linted tree: directories above it (`~/dev/shop`) say nothing about a file's environment
        or a project's purpose."""
        return tree_top([*self.deployment_texts, *self.dependency_texts, *self.settings_texts,
                         *(facts.path for facts in self.files)])  # fmt: skip

    @cached_property
    def deployment_entries(self) -> list[Deployment | DeployProblem]:
        by_name: dict[str, str] = {}
        for path in self.deployment_texts:
            by_name.setdefault(path.rsplit("/", 1)[-1], path)
        followed: set[str] = set()  # scripts a command reached (a Dockerfile's CMD, a Procfile line)

        def script(reference: str) -> str | None:
            name = reference.rsplit("/", 1)[-1]
            # `./bin/mathesar` installed at build time from `build-scripts/bin/mathesar.sh`: the source keeps the
            # extension the packaged copy drops.
            # `/baserow/backend/docker/docker-entrypoint.sh` in the image: the longest tail the repository has
            # beats another directory's file of the same name (web-frontend/docker/docker-entrypoint.sh).
            parts = [part for part in reference.split("/") if part not in ("", ".")]
            tail = next((joined for index in range(len(parts) - 1)
                         if (joined := "/".join(parts[index:])) in self.deployment_texts), None)  # fmt: skip
            path = tail or (by_name.get(name)
                            or (by_name.get(f"{name}.sh") if name and "." not in name else None))  # fmt: skip
            if path is None:
                return None
            followed.add(path)
            # A templated script runs as its defaults render it, like the file that starts it.
            return rendered_text(self.deployment_texts[path], self.template_for(path))

        top = self.tree_top
        entries: list[Deployment | DeployProblem] = []
        for path, text in sorted(self.deployment_texts.items()):
            entries.extend(read_deployment(path, text, script, top, self.template_for(path)))
        for facts in self.files:
            entries.extend(python_starts(facts))
        entries.extend(image_arguments(self.deployment_texts, script, top))  # Helm `args:` to a built image
        # An entrypoint that dispatches on `case "$1"` starts what its caller's arguments select (deploy/dispatch.py):
        # the caller's line stands for it; its own last server is only one of its sub-commands.
        dispatchers = {path for path in followed if dispatches(self.deployment_texts[path])}
        entries = [entry for entry in entries if not (isinstance(entry, Deployment) and entry.path in dispatchers)]
        entries = _one_finding_per_script(
            merge_loaded_configs(entries, image_copies(self.deployment_texts)), followed, top
        )
        by_path = self._files_by_path
        return [apply_gunicorn_config(entry, by_path) if isinstance(entry, Deployment) else entry for entry in entries]

    def template_for(self, path: str) -> str | None:
        """The text of the cookiecutter.json whose template tree holds this file, if any."""
        found = template_config_for(path, self.template_texts.__contains__)
        return self.template_texts[found] if found is not None else None

    @cached_property
    def proxy_routes(self) -> list[Route]:
        """The production routes of every reverse-proxy configuration (nginx, Caddy, Traefik labels, HAProxy,
        Kubernetes Ingress): project/proxy/."""
        return [route for route in read_routes(self.deployment_texts) if not is_development(route)]

    @property
    def deployments(self) -> list[Deployment]:
        """What the files start as they render: a template arm the defaults do not select is no deployment."""
        return [entry for entry in self.deployment_entries if isinstance(entry, Deployment) and not entry.alternative]

    def deployments_for(self, project: DjangoProject) -> list[Deployment]:
        """The project's deployments, with the template arms its defaults do not select (the verdict lists them)."""
        return [entry for entry in self.deployment_entries
                if isinstance(entry, Deployment) and belongs_to(entry, project, self.modules.by_name, self.files)]  # fmt: skip

    @cached_property
    def app_problems(self) -> dict[tuple[str, int], AppProblem]:
        """(deployment path, line) -> why its server cannot load the app it names (deploy/entrypoint.py)."""
        texts = list(self.deployment_texts.values())
        paths = [facts.path for facts in self.files]
        found = {}
        for deployment in self.deployments:
            problem = app_problem(deployment.command, self.modules, self.file, paths, texts)
            if problem is not None:
                found[(deployment.path, deployment.line)] = problem
        return found

    @cached_property
    def verdicts(self) -> dict[str, Verdict]:
        """Project root -> its protocol-fit verdict."""
        found = {}
        for project in self.django_projects:
            consumers = sorted(key for key in self.consumers if self.root_of(key[0]) == project.root)
            found[project.root] = verdict_for(project, self.deployments_for(project), consumers,
                                              self.requirement_names, self.declared_server,
                                              self.async_streams(project.root),
                                              self.channels_release(project),
                                              self.framework_websockets(project.root),
                                              cannot_start=set(self.app_problems), routes=self.proxy_routes,
                                              django_mounts=self.django_mounts(project.root))  # fmt: skip
        return found

    @cached_property
    def _channels_releases(self) -> dict[str, ChannelsRelease]:
        found = {}
        for project in self.django_projects:
            governing = {path: text for path, text in self.dependency_texts.items() if applies_to(path, project.root)}
            in_files = [marker for facts in self.files_at(project.root)
                        for marker in self.per_file.share("call evidence", facts, _call_evidence)[0]]  # fmt: skip
            primary = project.primary
            markers = markers_in(in_files, project.asgi_applications,
                                 primary.get("INSTALLED_APPS") if primary else None)  # fmt: skip
            found[project.root] = ChannelsRelease(version_range(governing, DISTRIBUTION), markers)
        return found

    def channels_release(self, project: DjangoProject) -> ChannelsRelease:
        """The Channels release the project at this root runs on, as far as its files say."""
        return self._channels_releases[project.root]

    @cached_property
    def modules(self) -> ModuleIndex:
        return ModuleIndex(self.files)

    @cached_property
    def class_graph(self) -> object:
        """A token that stays the same object, from one model to the next (engine.py), while every file's place
        (path, module) and classes (names and bases) do: what each class's method-resolution order is made of."""
        return self.per_file.token("class graph", self.per_file.shares("class graph", self.files, _class_graph))

    @cached_property
    def consumers(self) -> dict[tuple[str, str], str]:
        """(path, class qualname) -> "async" or "sync", for every Channels consumer class in the project."""
        return self.per_file.memo("consumers", (self.class_graph,), self._consumers)

    def _consumers(self) -> dict[tuple[str, str], str]:
        hierarchy = ClassHierarchy.of(self.modules)
        found: dict[tuple[str, str], str] = {}
        for facts in self.files:
            for cls in facts.classes:
                if not cls.bases:
                    continue
                # The nearest known consumer class in method-resolution order decides: Channels' own
                # SyncConsumer derives from AsyncConsumer, so "has an async ancestor" is not "is async".
                for owner_facts, owner in hierarchy.mro(facts, cls):
                    name = owner if isinstance(owner, str) else f"{owner_facts.module}.{owner.qualname}"
                    if name in channels_api.ASYNC_CONSUMERS or name in channels_api.SYNC_CONSUMERS:
                        found[(facts.path, cls.qualname)] = "async" if name in channels_api.ASYNC_CONSUMERS else "sync"
                        break
        return found

    @cached_property
    def _files_by_root(self) -> dict[str, list[FileFacts]]:
        grouped: dict[str, list[FileFacts]] = defaultdict(list)
        for facts in self.files:
            grouped[source_root(facts)].append(facts)
        return grouped

    def files_at(self, root: str) -> list[FileFacts]:
        """The files of the source root `root` (a Django project's root), in the model's order."""
        return self._files_by_root.get(root, [])

    @cached_property
    def _files_by_path(self) -> dict[str, FileFacts]:
        return {facts.path: facts for facts in self.files}

    def file(self, path: str) -> FileFacts | None:
        return self._files_by_path.get(path)

    @cached_property
    def _async_unsafe_scopes(self) -> tuple[AllowedScope, ...]:
        return allowed_scopes(self.files, self.settings_texts)

    def async_unsafe_allowed(self, path: str) -> AllowedScope | None:
        """The conftest.py or pytest-env entry that sets DJANGO_ALLOW_ASYNC_UNSAFE for the test code at `path`."""
        return next((scope for scope in self._async_unsafe_scopes if scope.covers(path)), None)

    def root_of(self, path: str) -> str | None:
        facts = self.file(path)
        return source_root(facts) if facts is not None else None

    def consumer_of(self, facts: FileFacts, function_qualname: str | None) -> str | None:
        """ "async"/"sync" when this function is a method of a consumer class, else None."""
        if not function_qualname or "." not in function_qualname:
            return None
        return self.consumers.get((facts.path, function_qualname.rsplit(".", 1)[0]))

    def framework_websockets(self, root: str) -> list[Evidence]:
        """Websocket endpoints of an ASGI framework (FastAPI, Starlette) in the project at `root`: they count when
        the project's ASGI application is not Django's alone (verdict.needs_of)."""
        found = []
        for facts in self.files_at(root):
            found.extend(self.per_file.share("call evidence", facts, _call_evidence)[1])
        return found

    def django_mounts(self, root: str) -> list[Evidence]:
        """Modules of the project at `root` that mount Django's ASGI application in a FastAPI/Starlette app: the
        framework's application is then what serves Django (needs_of counts its websocket endpoints)."""
        return [found for facts in self.files_at(root)
                if (found := self.per_file.share("call evidence", facts, _call_evidence)[2]) is not None]  # fmt: skip

    def is_async_stream(self, facts: FileFacts, response: StreamingResponseFact) -> bool:
        """The response is fed by an async generator: `StreamingHttpResponse(events())`, `events` an async def
        that yields, or an async generator expression."""
        if response.iterator_kind is not None:
            return response.iterator_kind == "async"
        generator = self.function_named(response.iterator_callee, facts)
        return generator is not None and generator.function.is_async and generator.function.yields

    def async_streams(self, root: str) -> list[Evidence]:
        """StreamingHttpResponse fed by an async generator, in the project at `root`: long-lived responses."""
        found = []
        for facts in self.files_at(root):
            if not facts.streaming_responses:
                continue
            for response in facts.streaming_responses:
                if self.is_async_stream(facts, response):
                    name = (response.iterator_callee or "generator").rsplit(".", 1)[-1]
                    found.append(Evidence(facts.path, response.span.line,
                                          f"StreamingHttpResponse fed by async generator `{name}` (a long-lived stream)",
                                          kind="stream"))  # fmt: skip
        return found

    @cached_property
    def model_relations(self) -> ModelRelations:
        declarations = self.per_file.shares("model declarations", self.files, _class_attributes)
        return ModelRelations(self.files, self.modules,
                              lambda relate: self.per_file.memo("model relations", (self.class_graph, declarations),
                                                                relate))  # fmt: skip

    @cached_property
    def django_projects(self) -> list[DjangoProject]:
        return build_projects(
            self.files, self.modules, self.settings_module, self.settings_texts, self.dependency_texts, self.tree_top
        )

    # Functions are found by (source root, qualified name): a monorepo's two `mysite.views` are different modules.
    # No index of every function is kept (a large project has a hundred thousand): a qualified name is looked up
    # in the files of the modules it can belong to (`a.b.C.f`: module `a.b.C`, `a.b`, `a`, or a file without a
    # module), whose functions are unpacked on demand.
    @cached_property
    def _files_by_module(self) -> dict[str, list[tuple[int, str, FileFacts]]]:
        """module -> (position among the files, source root, facts) of each file that defines functions."""
        by_module: dict[str, list[tuple[int, str, FileFacts]]] = defaultdict(list)
        for position, facts in enumerate(self.files):
            if facts.packed_functions:
                by_module[facts.module].append((position, source_root(facts), facts))
        return by_module

    def _functions_named(self, qualname: str) -> dict[str, ProjectFunction]:
        """Source root -> the function of that qualified name in it: in the first file that defines it, its first
        definition (a function defined twice, under `if`/`else`)."""
        by_module = self._files_by_module
        found: dict[str, tuple[int, FileFacts, FunctionFact]] = {}
        for module, local in _module_splits(qualname):
            for position, root, facts in by_module.get(module, ()):
                function = _local_functions(facts.packed_functions).get(local)
                if function is not None and (root not in found or position < found[root][0]):
                    found[root] = (position, facts, function)
        return {root: ProjectFunction(qualname, facts, function) for root, (_, facts, function) in found.items()}

    # ------------------------------------------------------------------ queries for rules

    def unawaited_discarded_calls_in(self, facts: FileFacts) -> list[CallFact]:
        """Calls whose result is thrown away, not awaited (`send()` on a line of its own): a quarter of all calls
        in Django's source. Not kept: the unawaited-coroutine rule keeps its findings per file instead."""
        return [call for call in facts.calls if call.discarded and not call.awaited]

    @cached_property
    def function_kinds(self) -> object:
        """A token that stays the same object, from one model to the next (engine.py), while every function's place
        (source root, module, qualname) and whether calling it makes a coroutine do: all `function_named(...)
        .is_coroutine_function` answers from."""
        return self.per_file.token(
            "function kinds", self.per_file.shares("function kinds", self.files, _function_kinds)
        )

    def calls_in_async(self) -> Iterator[tuple[FileFacts, CallFact]]:
        return iter(self._calls_in_async)

    @cached_property
    def _calls_in_async(self) -> list[tuple[FileFacts, CallFact]]:
        found: list[tuple[FileFacts, CallFact]] = []
        for facts in self.files:
            found.extend(self.per_file.share("calls_in_async", facts, _calls_in_async))
        return found

    def queries(self) -> Iterator[tuple[FileFacts, QueryFact]]:
        for facts in self.files:
            for query in facts.queries:
                yield facts, query

    def calls_in(self, function: ProjectFunction) -> list[CallFact]:
        """The calls in the function's own body (not in functions nested in it): read from its file's calls, which
        are not kept unpacked (FileFacts.packed_calls)."""
        return _calls_by_function(function.facts.packed_calls).get(function.function.qualname, [])

    def queries_in(self, function: ProjectFunction) -> list[QueryFact]:
        """The queries in the function's own body, read from its file's queries like `calls_in`."""
        return _queries_by_function(function.facts.packed_queries).get(function.function.qualname, [])

    def function_named(self, qualname: str | None, near: FileFacts | None = None) -> ProjectFunction | None:
        """The project function a call from `near` reaches: in the caller's own source root first."""
        if not qualname:
            return None
        in_roots = self._functions_named(qualname)
        if near is not None and (found := in_roots.get(source_root(near))) is not None:
            return found
        return next(iter(in_roots.values())) if len(in_roots) == 1 else None

    # ------------------------------------------------------------------ Django version, per place

    def django_version_at(self, path: str) -> tuple[DjangoVersion | None, VersionEvidence | None]:
        """The version for code at `path`: dependency files in its directory or above count (monorepos)."""
        if self.django_version_configured or not self.dependency_texts:
            return self.django_version, self.django_version_evidence
        directory = path.rsplit("/", 1)[0] if "/" in path else ""
        texts = {
            dependency: text for dependency, text in self.dependency_texts.items() if applies_to(dependency, directory)
        }
        evidence = lowest_django_version(texts)
        return (evidence.version if evidence else None), evidence

    def blocking_call(self, qualname: str | None) -> BlockingCall | None:
        if qualname is None:
            return None
        if qualname in self.extra_blocking_calls:
            hint = self.extra_blocking_calls[qualname] or "run it with `sync_to_async` or use an async library"
            return BlockingCall(qualname, "configured", hint, "extra-blocking-calls")
        owner, _, method = qualname.rpartition(".")
        module, _, setting = owner.rpartition(".")
        if module == SETTINGS_QUALNAME and setting in self.path_settings:
            # `settings.BASE_DIR.exists()`, `(settings.BASE_DIR / "media").mkdir()`: the settings assign a Path.
            return lookup(f"{PATH_TYPE}.{method}")
        return lookup(qualname)

    @cached_property
    def path_settings(self) -> frozenset[str]:
        """Settings that hold a `pathlib.Path` in every settings module that defines them (`BASE_DIR`)."""
        verdicts: dict[str, bool] = {}
        for project in self.django_projects:
            for settings in project.settings:
                for name, value in settings.namespace.values.items() if settings.namespace is not None else ():
                    origin = self.file(value.path)
                    verdicts[name] = verdicts.get(name, True) and origin is not None and name in origin.path_names
        return frozenset(name for name, is_path in verdicts.items() if is_path)

    def twin_available(self, row: django_api.AsyncTwin, path: str) -> bool:
        """True only when the Django version is known and has the twin: a fix never guesses."""
        return bool(django_api.is_available(row, self.django_version_at(path)[0]))


# ---------------------------------------------------------------------- each file's share of the model's indexes


def _module_splits(qualname: str) -> Iterator[tuple[str, str]]:
    """(module, module-relative qualname) pairs a qualified name can be: `a.b.f` is `f` of `a.b`, `b.f` of `a`, or
    `a.b.f` of a file without a module name (a script)."""
    end = len(qualname)
    while (end := qualname.rfind(".", 0, end)) > 0:
        yield qualname[:end], qualname[end + 1 :]
    yield "", qualname


# The last files' functions by module-relative qualname: the first definition of each.
@lru_cache(maxsize=256)
def _local_functions(packed_functions: bytes) -> dict[str, FunctionFact]:
    functions: dict[str, FunctionFact] = {}
    for function in unpacked_functions(packed_functions):
        functions.setdefault(function.qualname, function)
    return functions


def _function_kinds(facts: FileFacts) -> bytes:
    """A digest of the file's functions' qualified names and whether calling each makes a coroutine: what
    `function_kinds` compares. A digest, not the names: the names are packed with the facts and need not stay."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(f"{source_root(facts)}\0{facts.module}".encode("utf-8", "surrogatepass"))
    for qualname, function in _local_functions(facts.packed_functions).items():
        kind = ProjectFunction(qualname, facts, function).is_coroutine_function
        digest.update(f"\0{qualname}\0{kind:d}".encode("utf-8", "surrogatepass"))
    return digest.digest()


# The last files' queries grouped by function (module-relative qualname), like their calls below.
@lru_cache(maxsize=64)
def _queries_by_function(packed_queries: bytes) -> dict[str | None, list[QueryFact]]:
    grouped: dict[str | None, list[QueryFact]] = {}
    for query in unpacked_queries(packed_queries):
        grouped.setdefault(query.scope.function, []).append(query)
    return grouped


# The last files' calls grouped by function (module-relative qualname; None at module and class level): the chain
# finder asks for the functions of one module after another.
@lru_cache(maxsize=64)
def _calls_by_function(packed_calls: bytes) -> dict[str | None, list[CallFact]]:
    grouped: dict[str | None, list[CallFact]] = {}
    for call in unpacked_calls(packed_calls):
        grouped.setdefault(call.scope.function, []).append(call)
    return grouped


def _class_graph(facts: FileFacts) -> tuple[str, str, tuple[tuple[str, tuple[str, ...]], ...]]:
    return facts.path, facts.module, tuple((cls.qualname, cls.bases) for cls in facts.classes)


def _class_attributes(facts: FileFacts) -> tuple[tuple[str, tuple[tuple[str, object], ...]], ...]:
    return tuple((cls.qualname, cls.attributes) for cls in facts.classes if cls.attributes)


def _calls_in_async(facts: FileFacts) -> list[tuple[FileFacts, CallFact]]:
    # Several rules ask; a large project has hundreds of thousands of calls, few of them in async code. A call's
    # scope is async only inside an `async def` of the file: without one, its calls need not be unpacked.
    if not facts.has_async_def:
        return []
    return [(facts, call) for call in facts.calls if call.scope.is_async]


def _call_evidence(facts: FileFacts) -> tuple[tuple[MarkerFound, ...], list[Evidence], Evidence | None]:
    """What the model reads in every file's calls: its Channels release markers, its websocket endpoints of an ASGI
    framework, and whether it mounts Django in such a framework's app. One share, so that the file's calls are
    unpacked once for the three (FileFacts.packed_calls)."""
    return markers_in_file(facts), _framework_websockets(facts), _django_mount(facts)


def _framework_websockets(facts: FileFacts) -> list[Evidence]:
    found = []
    for function in facts.functions:
        if any(decorator in asgi_frameworks.WEBSOCKET_DECORATORS for decorator in function.decorators):
            found.append(Evidence(facts.path, function.span.line,
                                  f"websocket endpoint `{function.qualname}` of an ASGI framework",
                                  kind="websocket"))  # fmt: skip
    for call in facts.calls:
        if call.callee in asgi_frameworks.WEBSOCKET_ROUTES:
            found.append(Evidence(facts.path, call.span.line, f"`{call.text}(...)`: a websocket endpoint "
                                  "of an ASGI framework", kind="websocket"))  # fmt: skip
    return found


def _django_mount(facts: FileFacts) -> Evidence | None:
    if is_test_code(facts.path):
        return None  # a test's app, built to exercise the project, serves nothing
    if not any(call.callee == channels_api.GET_ASGI_APPLICATION for call in facts.calls):
        return None
    mount = next((call for call in facts.calls if call.callee in asgi_frameworks.MOUNTS), None)
    if mount is None:
        return None
    return Evidence(facts.path, mount.span.line, f"`{mount.text}(...)` mounts Django's ASGI application in an ASGI "
                    "framework's app (an ASGI application)", kind="asgi-app")  # fmt: skip


def _one_finding_per_script(entries: list[Deployment | DeployProblem], followed: set[str],
                            top: str) -> list[Deployment | DeployProblem]:  # fmt: skip
    """A script that a command runs (`CMD ["sh", "docker-entrypoint.sh"]`) starts the server the command is
    reported at: its own line would be the same problem twice, so it is dropped. A development script (one under
    `tests/`) makes the command that runs it development too, unless that command's file is surely production."""
    scripts = {
        entry.command.command: entry
        for entry in entries
        if isinstance(entry, Deployment) and entry.path in followed
    }  # fmt: skip
    running = {
        entry.command.command
        for entry in entries
        if isinstance(entry, Deployment) and entry.path not in followed
    }  # fmt: skip
    kept: list[Deployment | DeployProblem] = []
    for entry in entries:
        if not isinstance(entry, Deployment):
            kept.append(entry)
            continue
        if entry.path in followed and entry.command.command in running:
            continue
        script = scripts.get(entry.command.command) if entry.path not in followed else None
        # Only where the script sits says so for every run: an entrypoint that announces a development mode
        # may start production in its other branch.
        placed = path_signal(script.path, top) if script is not None else None
        if script is not None and placed is not None and entry.environment == PRODUCTION and not entry.certain:
            entry = replace(entry, environment=DEVELOPMENT, why=f"it runs `{script.path}`, which is development: "
                            f"{placed}")  # fmt: skip
        kept.append(entry)
    return kept
