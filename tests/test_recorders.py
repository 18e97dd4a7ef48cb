"""The per-file pass is one walk and a set of recorders (source/walk.py, source/record_*.py): none is left out,
each writes FileFacts fields that exist, and the facts cache sees every module of the pass."""

from __future__ import annotations

import ast
import dataclasses
import re
from pathlib import Path

from django_protolint.source import visitor
from django_protolint.source.facts import PACKED_FIELDS, FileFacts
from django_protolint.source.parse import build_facts

SOURCE = Path(visitor.__file__).parent
PACKAGE = SOURCE.parent


def test_every_recorder_module_is_part_of_the_pass() -> None:
    recorders = {path.stem for path in SOURCE.glob("record_*.py")}
    imported = {
        alias.name
        for node in ast.walk(ast.parse((SOURCE / "visitor.py").read_text()))
        if isinstance(node, ast.ImportFrom) and node.module == "django_protolint.source"
        for alias in node.names
    }
    assert recorders and recorders <= imported, recorders - imported


def test_recorders_write_only_file_facts_fields() -> None:
    # `calls`, `functions`, ... are no fields: parse.build_facts packs what the recorders found into `packed_calls`,
    # ... (FileFacts.calls unpacks them)
    packed = {f"packed_{name}" for name in PACKED_FIELDS}
    fields = {field.name for field in dataclasses.fields(FileFacts)} - packed | set(PACKED_FIELDS)
    written = {
        name
        for path in [*SOURCE.glob("record_*.py"), SOURCE / "walk.py"]
        for name in re.findall(r"""found\["([^"]+)"\]""", path.read_text())
    }
    assert written and written <= fields, written - fields


def test_the_facts_cache_fingerprint_reads_every_module_of_the_pass() -> None:
    # cache.analysis_fingerprint hashes the top-level modules of source/ and knowledge/ (a glob, not a recursive
    # one): a module in a subpackage could change the facts without invalidating the cache.
    for name in ("source", "knowledge"):
        nested = [path for path in (PACKAGE / name).rglob("*.py") if path.parent != PACKAGE / name]
        assert not nested, nested


def test_a_statement_is_recorded_with_the_names_bound_before_it() -> None:
    # The binding steps run after every recorder of a node: `first, second = articles` iterates the QuerySet that
    # `articles` named before this line, and only then rebinds the names.
    source = "from app.models import Article\narticles = Article.objects.all()\nfirst, articles = articles\n"
    facts = build_facts(source.encode(), "views.py", "views", False)
    assert [(query.operation, query.model) for query in facts.queries] == [("unpack", "Article")]
