"""Model relations, read from the model classes' field declarations: which attribute of an instance loads another
row when read (forward ForeignKey/OneToOne, reverse OneToOne) and which is a related manager (ManyToMany, reverse
ForeignKey). Only project models are known; anything else is left alone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django_protolint.knowledge import django_api
from django_protolint.project.classes import ClassHierarchy
from django_protolint.project.modules import ModuleIndex, source_root
from django_protolint.source import static
from django_protolint.source.facts import ClassFact, FileFacts

_FIELDS = "django.db.models."
FORWARD = frozenset({f"{_FIELDS}ForeignKey", f"{_FIELDS}OneToOneField", f"{_FIELDS}fields.related.ForeignKey",
                     f"{_FIELDS}fields.related.OneToOneField"})  # fmt: skip
MANY = frozenset({f"{_FIELDS}ManyToManyField", f"{_FIELDS}fields.related.ManyToManyField"})
ONE_TO_ONE = frozenset({f"{_FIELDS}OneToOneField", f"{_FIELDS}fields.related.OneToOneField"})
MODEL_BASES = frozenset({"django.db.models.Model", "django.db.models.base.Model"})
USER_BASES = django_api.PASSWORD_BASES | django_api.PERMISSION_BASES


@dataclass
class Relations:
    loads: dict[str, str] = field(default_factory=dict)  # attribute -> what it is ("ForeignKey to Author")
    managers: dict[str, str] = field(default_factory=dict)  # attribute -> what it is
    # Reverse managers of a ForeignKey that is not `null=True`: they have no remove()/clear().
    not_nullable: set[str] = field(default_factory=set)


def _target_name(target: static.StaticExpr | None, owner: str) -> str | None:
    """The related model's class name: `Author`, `"Author"`, `"app.Author"`, `"self"`."""
    if isinstance(target, static.Reference):
        return (target.qualname or target.text).rsplit(".", 1)[-1]
    if isinstance(target, static.Literal) and isinstance(target.value, str):
        return owner if target.value == "self" else target.value.rsplit(".", 1)[-1]
    return None


Related = tuple[dict[tuple[str, str], Relations], dict[tuple[str, str], tuple[str, str]]]


class ModelRelations:
    def __init__(self, files: tuple[FileFacts, ...], index: ModuleIndex,
                 remember: Callable[[Callable[[], Related]], Related] | None = None) -> None:  # fmt: skip
        """`remember(relate)`: `relate()`, or what it gave for a project whose classes (names, bases, field
        declarations) were the same (per_file.PerFile.memo); what it gives holds no facts."""
        self.files = files
        self.hierarchy = ClassHierarchy.of(index)
        related = remember(self._relate) if remember is not None else self._relate()
        self.by_qualname, self._model_classes = related
        self._by_path: dict[str, FileFacts] | None = None

    def _relate(self) -> Related:
        by_qualname: dict[tuple[str, str], Relations] = {}
        models: list[tuple[FileFacts, ClassFact]] = []
        for facts in self.files:
            for cls in facts.classes:
                if cls.bases and self.hierarchy.ancestors(facts, cls) & MODEL_BASES:
                    models.append((facts, cls))
        # For the auth methods of user models, looked at only when a rule asks (see inherits_from_django).
        # A custom user model inherits from Django's abstract classes, which the project does not hold.
        model_classes: dict[tuple[str, str], tuple[str, str]] = {}  # (root, qualname) -> (path, class qualname)
        for facts in self.files:
            for cls in facts.classes:
                if cls.bases and self.hierarchy.ancestors(facts, cls) & (MODEL_BASES | USER_BASES):
                    model_classes[(source_root(facts), f"{facts.module}.{cls.qualname}")] = (facts.path, cls.qualname)
        by_name: dict[str, list[Relations]] = {}
        for facts, cls in models:
            relations = by_qualname.setdefault((source_root(facts), f"{facts.module}.{cls.qualname}"), Relations())
            by_name.setdefault(cls.qualname.rsplit(".", 1)[-1], []).append(relations)
        for facts, cls in models:
            owner = cls.qualname.rsplit(".", 1)[-1]
            own = by_qualname[(source_root(facts), f"{facts.module}.{cls.qualname}")]
            for name, value in cls.attributes:
                if not isinstance(value, static.Call) or value.callee not in FORWARD | MANY:
                    continue
                kind = (value.callee or "").rsplit(".", 1)[-1]
                target = _target_name(value.argument(0, "to"), owner)
                if value.callee in MANY:
                    own.managers[name] = f"{kind} to {target}"
                else:
                    own.loads[name] = f"{kind} to {target}"
                related_name = value.kwarg("related_name")
                reverse = related_name.value if isinstance(related_name, static.Literal) else None
                if reverse == "+" or target is None:
                    continue
                for other in by_name.get(target, []):
                    if value.callee in ONE_TO_ONE:
                        other.loads[str(reverse or owner.lower())] = f"reverse OneToOneField from {owner}"
                    else:
                        accessor = str(reverse or f"{owner.lower()}_set")
                        other.managers[accessor] = f"reverse {kind} from {owner}"
                        null = value.kwarg("null")
                        if value.callee in FORWARD and not (isinstance(null, static.Literal) and null.value is True):
                            other.not_nullable.add(accessor)
        return by_qualname, model_classes

    def _model_class(self, place: tuple[str, str]) -> tuple[FileFacts, ClassFact] | None:
        if self._by_path is None:
            self._by_path = {facts.path: facts for facts in self.files}
        facts = self._by_path.get(place[0])
        cls = next((cls for cls in facts.classes if cls.qualname == place[1]), None) if facts is not None else None
        return (facts, cls) if facts is not None and cls is not None else None

    def of(self, model_qualname: str | None, root: str) -> Relations | None:
        if model_qualname is None:
            return None
        found = self.by_qualname.get((root, model_qualname))
        if found is not None:
            return found
        matches = [relations for (_, qualname), relations in self.by_qualname.items() if qualname == model_qualname]
        return matches[0] if len(matches) == 1 else None

    def inherits_from_django(self, model_qualname: str, root: str, bases: frozenset[str], method: str) -> bool:
        """True when the project model has one of Django's `bases` and no project class of it redefines `method`
        (an override such as `def has_perm(self, perm, obj=None): return self.is_admin` queries nothing)."""
        place = self._model_classes.get((root, model_qualname))
        if place is None:
            matches = [pair for (_, qualname), pair in self._model_classes.items() if qualname == model_qualname]
            if len(matches) != 1:
                return False
            place = matches[0]
        found = self._model_class(place)
        if found is None:
            return False
        facts, cls = found
        if not self.hierarchy.ancestors(facts, cls) & bases:
            return False
        return not any(
            function.qualname == f"{owner.qualname}.{method}"
            for owner_facts, owner in self.hierarchy.mro(facts, cls)
            if not isinstance(owner, str)
            for function in owner_facts.functions
        )
