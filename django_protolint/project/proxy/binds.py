"""Where a deployed server listens: its bind addresses, ports and sockets, read from the command (and, for uWSGI,
from the configuration file it loads). Options and defaults are data: knowledge/binds.py."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django_protolint.knowledge.binds import BINDS, BindOptions
from django_protolint.project.deploy.base import Deployment
from django_protolint.project.deploy.commands import split_shell
from django_protolint.project.proxy.base import Target, parse_address

_SERVICE = re.compile(r"^compose service `(.+)`$")
_CONTAINER = re.compile(r"^Kubernetes container `(.+)`$")
_ADDRPORT = re.compile(r"^(\[[0-9a-fA-F:]+\]|[\w.-]*:)?\d+$")


@dataclass(frozen=True)
class Listener:
    """One address a server listens on; `default` when no option gave it (the server's own default)."""

    target: Target
    default: bool = False


def service_of(deployment: Deployment) -> str | None:
    """The name a proxy reaches this server by: its compose service, or `k8s:<manifest>:<container>` (see
    proxy/ingress.py)."""
    if (match := _SERVICE.match(deployment.where)) is not None:
        return match.group(1)
    if (match := _CONTAINER.match(deployment.where)) is not None:
        return f"k8s:{deployment.path}:{match.group(1)}"
    return None


def listeners(deployment: Deployment) -> tuple[Listener, ...]:
    command = deployment.command
    options = BINDS.get(command.server)
    if options is None:
        return ()
    tokens = split_shell(command.command) or []
    found = _from_tokens(command.server, tokens, options)
    found.extend(Listener(parse_address(value)) for value in command.binds)  # read with its config file
    if found:
        return tuple(dict.fromkeys(found))
    if options.port_from_environment and options.port_from_environment in command.environment:
        return (Listener(parse_address(f"0.0.0.0:{command.environment[options.port_from_environment]}"), True),)
    if options.default_port is None:
        return ()
    return (Listener(Target(f"{options.default_host}:{options.default_port}", options.default_host,
                            options.default_port), True),)  # fmt: skip


def _from_tokens(server: str, tokens: list[str], options: BindOptions) -> list[Listener]:
    found: list[Listener] = []
    host: str | None = None
    port: str | None = None
    start = next((index for index, token in enumerate(tokens) if token.rsplit("/", 1)[-1] == server or
                  token == "runserver"), 0)  # fmt: skip
    arguments = tokens[start + 1 :]
    for index, token in enumerate(arguments):
        name, _, attached = token.partition("=") if token.startswith("--") else (token, "", "")
        value = attached or (arguments[index + 1] if index + 1 < len(arguments) else "")
        if len(name) > 2 and name[:2] in ("-b", "-p", "-u", "-e", "-s") and not name.startswith("--"):
            name, value = name[:2], name[2:]  # `-b0.0.0.0:8000`
        if name in options.addresses and value:
            found.append(Listener(parse_address(value)))
        elif name in options.hosts and value:
            host = value
        elif name in options.ports and value:
            port = value
        elif name in options.sockets and value:
            found.append(Listener(Target(value, socket=value)))
        elif name in options.endpoints and value:
            found.append(Listener(_twisted_endpoint(value)))
        elif server == "runserver" and _ADDRPORT.match(token):
            found.append(Listener(parse_address(token if ":" in token else f"127.0.0.1:{token}")))
    if host is not None or port is not None:
        address = f"{host or options.default_host}:{port or options.default_port}"
        found.append(Listener(parse_address(address), default=False))
    return found


def _twisted_endpoint(value: str) -> Target:
    """daphne `-e tcp:port=8000:interface=0.0.0.0`, `-e unix:/run/daphne.sock`."""
    kind, _, rest = value.partition(":")
    if kind == "unix":
        path = rest.split(":", 1)[0].removeprefix("address=")
        return Target(value, socket=path)
    fields = dict(part.split("=", 1) for part in rest.split(":") if "=" in part)
    positional = [part for part in rest.split(":") if "=" not in part]
    port = fields.get("port") or (positional[0] if positional else "")
    if kind in ("tcp", "tcp6", "ssl") and port.isdigit():
        return Target(value, host=fields.get("interface", "0.0.0.0"), port=int(port))
    return Target(value)
