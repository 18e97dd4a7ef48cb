"""uWSGI configuration files (ini, YAML, XML, JSON) → the same command a `uwsgi --module ...` line gives.

uWSGI maps every command-line option 1:1 to a config key and reads one block of each file: the `[uwsgi]` ini
section, the `uwsgi:` YAML mapping, the `<uwsgi>` XML element (the root, or the root's first `<uwsgi>` child),
the `"uwsgi"` JSON object. A repeated option (a YAML/JSON list, repeated XML elements) is given once per value.
Sources: unbit/uwsgi `core/ini.c`, `core/yaml.c`, `core/xmlconf.c` (`<app mountpoint=...>` is `mount`),
`core/json.c`; uwsgi-docs `Configuration.rst`.
"""

from __future__ import annotations

from xml.parsers import expat

from django_protolint.project.deploy.base import Deployment, DeployProblem, Found, basename, environment_of
from django_protolint.project.deploy.commands import uwsgi_command

FORMATS = {"ini": "ini", "yaml": "yaml", "yml": "yaml", "xml": "xml", "json": "json"}


def option_values(options: dict[str, list[str]]) -> dict[str, str]:
    """One value per option, as uWSGI keeps it: the last for a plain setting, the first of several `mount`s."""
    return {name: values[0] if name == "mount" else values[-1] for name, values in options.items() if values}


def scalar(value: object) -> str | None:
    """A YAML/JSON value as uWSGI reads it: true → "1", false/null → "0"; mappings are not options."""
    if isinstance(value, bool) or value is None:
        return "1" if value else "0"
    if isinstance(value, (str, int, float)):
        return str(value)
    return None


def from_mapping(block: dict[object, object]) -> dict[str, str]:
    options: dict[str, list[str]] = {}
    for key, value in block.items():
        values = value if isinstance(value, list) else [value]
        options[str(key)] = [text for item in values if (text := scalar(item)) is not None]
    return option_values(options)


def deployment(path: str, options: dict[str, str], line: int) -> Deployment:
    kind = FORMATS.get(path.rsplit(".", 1)[-1].lower(), "ini")
    # The file is the configuration uWSGI loads: a command elsewhere that loads it is merged with this one.
    command = uwsgi_command(options, f"uwsgi --{kind} {basename(path)}", config_file=path)
    return Deployment(command, path, line, environment_of(basename(path)), f"uWSGI {kind}")


# ----------------------------------------------------------------------------- XML


class _XmlBlock:
    """The options of the `<uwsgi>` block, with the line it starts on, collected while expat reads."""

    def __init__(self) -> None:
        self.depth = 0
        self.block_depth: int | None = None  # depth of the <uwsgi> element being read
        self.done = False
        self.line = 1
        self.options: dict[str, list[str]] = {}
        self.current: tuple[str, dict[str, str]] | None = None
        self.text: list[str] = []

    def start(self, name: str, attributes: dict[str, str], line: int) -> None:
        self.depth += 1
        if self.done:
            return
        if self.block_depth is None:
            if name == "uwsgi" and self.depth <= 2:
                self.block_depth, self.line = self.depth, line
        elif self.depth == self.block_depth + 1:
            self.current, self.text = (name, attributes), []

    def end(self, name: str) -> None:
        if self.current is not None and self.block_depth is not None and self.depth == self.block_depth + 1:
            option, attributes = self.current
            value = "".join(self.text).strip()
            if option == "app":  # `<app mountpoint="/">proj/wsgi.py</app>` is a mount
                option, point = "mount", attributes.get("mountpoint") or attributes.get("domain")
                value = f"{point}={value}" if point else value
            self.options.setdefault(option, []).append(value or "1")  # `<master/>` is a flag
            self.current = None
        elif self.block_depth is not None and self.depth == self.block_depth:
            self.done = True
        self.depth -= 1

    def characters(self, data: str) -> None:
        if self.current is not None:
            self.text.append(data)


def _refuse_entities(*_: object) -> None:
    # uWSGI configs have no use for them, and they are how an XML file expands into gigabytes.
    raise ValueError("XML entity declarations are not read")


def read_xml(path: str, text: str) -> Found:
    block = _XmlBlock()
    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.EntityDeclHandler = _refuse_entities
    parser.StartElementHandler = lambda name, attributes: block.start(name, attributes, parser.CurrentLineNumber)
    parser.EndElementHandler = block.end
    parser.CharacterDataHandler = block.characters
    try:
        parser.Parse(text, True)
    except expat.ExpatError as error:
        yield DeployProblem("parse", path, error.lineno or 1, f"invalid XML: {expat.ErrorString(error.code)}")
        return
    except ValueError as error:
        yield DeployProblem("parse", path, parser.CurrentLineNumber or 1, str(error))
        return
    if block.block_depth is not None:
        yield deployment(path, option_values(block.options), block.line)
