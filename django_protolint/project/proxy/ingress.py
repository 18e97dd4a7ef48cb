"""Kubernetes Ingress → routes (kubernetes.io/docs/concepts/services-networking/ingress/).

`spec.rules[].http.paths[]`: `path` with `pathType` Prefix (element-wise prefix: `/ws` takes `/ws/x`, not
`/wsx`), Exact, or ImplementationSpecific (the controller decides: unsure), to `backend.service.name` and
`port.number`/`port.name` (networking.k8s.io/v1; `serviceName`/`servicePort` before). The Service's `selector`
picks the pods of a workload in the same files, and its `targetPort` is where their container listens. A target
is written `k8s:<manifest path>:<container name>` so the join can find the container's server; a Service we
cannot follow to one workload stays an unknown address.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import yaml

from django_protolint.project.deploy.base import line_of
from django_protolint.project.proxy.base import EXACT, OTHER, PREFIX, Route, Target

_WORKLOADS = ("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Pod")
K8S_PREFIX = "k8s:"


@dataclass(frozen=True)
class _Workload:
    path: str
    labels: dict
    containers: list


def _documents(path: str, text: str) -> list[dict]:
    if "kind:" not in text or "{{" in text:
        return []
    try:
        return [doc for doc in yaml.safe_load_all(text) if isinstance(doc, dict)]
    except yaml.YAMLError:
        return []


def _dig(value: object, *keys: str) -> object:
    for key in keys:
        value = value.get(key) if isinstance(value, dict) else None
    return value


def _workloads(manifests: dict[str, list[dict]]) -> list[_Workload]:
    found = []
    for path, documents in manifests.items():
        for doc in documents:
            if doc.get("kind") not in _WORKLOADS:
                continue
            pod = doc if doc.get("kind") == "Pod" else _dig(doc, "spec", "template")
            labels = _dig(pod, "metadata", "labels")
            containers = _dig(pod, "spec", "containers")
            if isinstance(labels, dict) and isinstance(containers, list):
                found.append(_Workload(path, labels, [c for c in containers if isinstance(c, dict)]))
    return found


def _service_target(name: str, port: object, services: dict[str, dict], workloads: list[_Workload]) -> Target:
    text = f"{name}:{port}"
    service = services.get(name)
    selector = _dig(service, "spec", "selector")
    if not isinstance(selector, dict) or not selector:
        return Target(text)
    chosen = [w for w in workloads if all(w.labels.get(k) == v for k, v in selector.items())]
    if len(chosen) != 1 or len(chosen[0].containers) != 1:
        return Target(text)
    workload, container = chosen[0], chosen[0].containers[0]
    target_port: object = port
    ports = _dig(service, "spec", "ports")
    for entry in ports if isinstance(ports, list) else []:
        if isinstance(entry, dict) and port in (entry.get("port"), entry.get("name")):
            target_port = entry.get("targetPort", entry.get("port"))
    if isinstance(target_port, str):  # a named container port
        named = {p.get("name"): p.get("containerPort") for p in container.get("ports") or [] if isinstance(p, dict)}
        target_port = named.get(target_port)
    host = f"{K8S_PREFIX}{workload.path}:{container.get('name', '?')}"
    return Target(text, host=host, port=target_port if isinstance(target_port, int) else None)


def read_ingresses(texts: dict[str, str]) -> list[Route]:
    manifests = {path: docs for path, text in texts.items() if (docs := _documents(path, text))}
    if not any(doc.get("kind") == "Ingress" for docs in manifests.values() for doc in docs):
        return []
    services = {str(_dig(doc, "metadata", "name")): doc for docs in manifests.values() for doc in docs
                if doc.get("kind") == "Service"}  # fmt: skip
    workloads = _workloads(manifests)
    found: list[Route] = []
    for path, documents in manifests.items():
        for doc in documents:
            if doc.get("kind") != "Ingress":
                continue
            group = f"{path}:{_dig(doc, 'metadata', 'name')}"
            # ingress-nginx's rewrite-target (and Traefik's stripprefix middleware) change the path the app sees
            annotations = _dig(doc, "metadata", "annotations")
            rewrites = isinstance(annotations, dict) and any(
                "rewrite-target" in str(key) or "stripprefix" in str(value).lower()
                for key, value in annotations.items()
            )
            rules = _dig(doc, "spec", "rules")
            for rule in rules if isinstance(rules, list) else []:
                paths = _dig(rule, "http", "paths")
                for entry in paths if isinstance(paths, list) else []:
                    if not isinstance(entry, dict):
                        continue
                    backend = entry.get("backend") or {}
                    name = _dig(backend, "service", "name") or _dig(backend, "serviceName")
                    port = (
                        _dig(backend, "service", "port", "number")
                        or _dig(backend, "service", "port", "name")
                        or (_dig(backend, "servicePort"))
                    )
                    if not isinstance(name, str):
                        continue
                    pattern = str(entry.get("path") or "/")
                    kind = {"Exact": EXACT, "Prefix": PREFIX}.get(str(entry.get("pathType")), OTHER)
                    if kind == PREFIX and not pattern.endswith("/"):
                        pattern += "/"  # element-wise: `/ws` takes `/ws` and `/ws/...`
                    target = _service_target(name, port, services, workloads)
                    line = line_of(
                        texts[path], rf"-?\s*path:\s*[\"']?{re.escape(str(entry.get('path') or '/'))}[\"']?\s*$"
                    )
                    found.append(Route("ingress", kind, pattern, (target,), f"service `{name}`", path, line, group,
                                       rewrites))  # fmt: skip
    return found
