"""A Django project as the code describes it: settings, routes, views. Built from facts alone."""

from __future__ import annotations

from dataclasses import dataclass, field

from django_protolint.project.channels import AsgiApplication, AsgiReader
from django_protolint.project.dependencies import applies_to
from django_protolint.project.middleware import Middleware, MiddlewareReader
from django_protolint.project.modules import ModuleIndex, source_root
from django_protolint.project.purpose import APPLICATION, Purpose, project_purpose
from django_protolint.project.settings import (
    Evaluations,
    SettingsModule,
    load_settings,
    settings_references,
)
from django_protolint.project.tree import tree_top
from django_protolint.project.urls import Route, UrlResolver
from django_protolint.project.views import View, ViewResolver
from django_protolint.source.facts import FileFacts, FunctionFact


@dataclass
class DjangoProject:
    root: str
    settings: list[SettingsModule]  # the one the deployment uses first
    routes: list[Route] = field(default_factory=list)
    views: dict[str, View] = field(default_factory=dict)  # qualname -> view, reachable from ROOT_URLCONF
    urlconf: str | None = None
    asgi_applications: list[AsgiApplication] = field(default_factory=list)
    middleware: list[Middleware] = field(default_factory=list)
    # A project kept for tests or as an example (a reusable app's `tests/testproj/`): what serves it is
    # development evidence.
    purpose: Purpose = field(default_factory=lambda: Purpose(APPLICATION, ""))
    tree_top: str = ""  # the top of the linted tree (project/tree.py): where a recommended command starts
    # Async functions taking `request` in the modules a runtime-built URLconf imports (project/urls.py
    # `built_at_runtime`): probably routed, so they count for what the code needs, never for a rule's finding.
    unrouted_views: list[tuple[FileFacts, FunctionFact]] = field(default_factory=list)

    @property
    def primary(self) -> SettingsModule | None:
        return next((module for module in self.settings if module.facts is not None), None)

    @property
    def async_views(self) -> list[View]:
        return [view for view in self.views.values() if view.is_async]

    @property
    def sync_views(self) -> list[View]:
        return [view for view in self.views.values() if not view.is_async and not view.is_mixed]


def build_projects(files: tuple[FileFacts, ...], index: ModuleIndex, configured_settings: str | None,
                   texts: dict[str, str] | None = None,
                   dependency_texts: dict[str, str] | None = None,
                   top: str | None = None) -> list[DjangoProject]:  # fmt: skip
    evaluations = Evaluations(index)
    top = tree_top(facts.path for facts in files) if top is None else top
    references = settings_references(files, configured_settings, texts)
    projects = []
    for root, modules in sorted(load_settings(references, evaluations).items()):
        project = DjangoProject(root=root, settings=modules, purpose=project_purpose(root, modules, top), tree_top=top)
        primary = project.primary
        urlconf = primary.value("ROOT_URLCONF") if primary else None
        if isinstance(urlconf, str):
            project.urlconf = urlconf
            urls = UrlResolver(index)
            project.routes = urls.resolve(urlconf, root)
            project.unrouted_views = _views_of_imported_modules(urls.built_at_runtime, index, root)
            resolver = ViewResolver(index)
            for route in project.routes:
                if route.view is None:
                    continue
                view = project.views.get(route.view) or resolver.view(route, root)
                if view is not None:
                    view.routes.append(route)
                    project.views.setdefault(route.view, view)
        listed = primary.value("MIDDLEWARE") if primary else None
        if isinstance(listed, (list, tuple)):
            # Third-party middleware modes depend on the installed release: the dependency files that govern
            # this project's root say which (a monorepo's other projects pin their own).
            governing = {path: text for path, text in (dependency_texts or {}).items() if applies_to(path, root)}
            reader = MiddlewareReader(index, governing)
            project.middleware = [reader.read(entry, root) for entry in listed if isinstance(entry, str)]
        asgi_setting = primary.value("ASGI_APPLICATION") if primary else None
        project.asgi_applications = AsgiReader(index).applications(files, root, asgi_setting)
        projects.append(project)
    if not projects and files:
        # No settings module in sight (a library, an app on its own, a partial checkout): still one project, so
        # the report always has a place for the Django version and the verdict. Its root is the shallowest.
        root = min((source_root(facts) for facts in files if facts.module), key=lambda r: (r.count("/"), r),
                   default=".")  # fmt: skip
        bare = DjangoProject(root=root, settings=[], purpose=project_purpose(root, [], top), tree_top=top)
        bare.asgi_applications = AsgiReader(index).applications(files, root, None)
        projects.append(bare)
    return projects


def _views_of_imported_modules(urlconfs: list[FileFacts], index: ModuleIndex, root: str,
                               ) -> list[tuple[FileFacts, FunctionFact]]:  # fmt: skip
    """Module-level async functions whose first parameter is `request`, in the project modules these URLconfs
    import: the views a URLconf built at runtime most likely routes."""
    found: list[tuple[FileFacts, FunctionFact]] = []
    seen: set[str] = set()
    for urlconf in urlconfs:
        for imported in urlconf.import_lines:
            module = index.find(imported.qualname, root)
            if module is None or module.path in seen or module.path == urlconf.path:
                continue
            seen.add(module.path)
            found += [
                (module, function) for function in module.functions
                if function.is_async and "." not in function.qualname and function.parameters[:1] == ("request",)
            ]  # fmt: skip
    return found
