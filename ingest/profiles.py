"""Survey profiles: load a YAML profile, check it against the schema, say where it is wrong.

A profile is found by name among the package's profiles (``ingest/profiles/*.yaml``) or by
path. Errors name the key path (``fields.budget.parser``) and the line of the YAML file, in
French and English: the YAML is composed once more to map key paths to line numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from ingest.errors import IngestError
from ingest.profile_schema import SLOT, FieldSpec, ProfileSpec

KeyPath = tuple[str | int, ...]
_PACKAGE_DIR = "profiles"


@dataclass(frozen=True)
class Profile:
    """A validated profile, with where it came from and the line of each of its keys."""

    name: str
    spec: ProfileSpec
    origin: str
    lines: dict[KeyPath, int] = field(default_factory=dict, compare=False, repr=False)

    def line_of(self, path: KeyPath) -> int | None:
        """The YAML line of a key path, or of its nearest ancestor that has one."""
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return None


def available() -> list[str]:
    """Names of the profiles shipped with the package."""
    folder = resources.files("ingest").joinpath(_PACKAGE_DIR)
    return sorted(
        p.name.removesuffix(".yaml") for p in folder.iterdir() if p.name.endswith(".yaml")
    )


def load_profile(name_or_path: str | Path) -> Profile:
    """A shipped profile by name ("limesurvey-2021"), or a profile file by path."""
    text_path = str(name_or_path)
    looks_like_path = (
        isinstance(name_or_path, Path)
        or text_path.endswith((".yaml", ".yml"))
        or "/" in text_path
        or "\\" in text_path
    )
    if looks_like_path:
        path = Path(name_or_path)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise IngestError(
                "profile-unreadable",
                f"Profil illisible : {exc.__class__.__name__}",
                f"Unreadable profile: {exc.__class__.__name__}",
                file=path.name,
            ) from exc
        return parse_profile(text, origin=path.name, default_name=path.stem)
    resource = resources.files("ingest").joinpath(_PACKAGE_DIR, f"{text_path}.yaml")
    if not resource.is_file():
        known = ", ".join(available())
        raise IngestError(
            "unknown-profile",
            f"Profil « {text_path} » inconnu (profils fournis : {known})",
            f'Unknown profile "{text_path}" (shipped profiles: {known})',
            key=text_path,
        )
    return parse_profile(
        resource.read_text(encoding="utf-8"), origin=f"{text_path}.yaml", default_name=text_path
    )


def parse_profile(text: str, *, origin: str, default_name: str) -> Profile:
    """Validate a profile's YAML text; ``origin`` names it in errors."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise IngestError(
            "profile-yaml",
            f"YAML invalide : {getattr(exc, 'problem', None) or exc}",
            f"Invalid YAML: {getattr(exc, 'problem', None) or exc}",
            file=origin,
            line=mark.line + 1 if mark is not None else None,
        ) from exc
    if not isinstance(data, dict) or node is None:
        raise IngestError(
            "profile-not-mapping",
            "Un profil est un dictionnaire YAML (clé: valeur)",
            "A profile is a YAML mapping (key: value)",
            file=origin,
            line=1,
        )
    lines: dict[KeyPath, int] = {}
    _map_lines(node, (), lines, origin)
    try:
        spec = ProfileSpec.model_validate(data)
    except ValidationError as exc:
        raise _schema_error(exc, lines, origin) from exc
    profile = Profile(spec.name or default_name, spec, origin, lines)
    _check_references(profile)
    return profile


def _map_lines(node: yaml.Node, path: KeyPath, lines: dict[KeyPath, int], origin: str) -> None:
    """Record the line of every key path; refuse duplicate keys (YAML keeps the last)."""
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = str(key_node.value)
            if key in seen:
                raise IngestError(
                    "profile-duplicate-key",
                    f"Clé « {key} » en double",
                    f'Duplicate key "{key}"',
                    file=origin,
                    key=".".join(str(p) for p in (*path, key)),
                    line=key_node.start_mark.line + 1,
                )
            seen.add(key)
            lines[(*path, key)] = key_node.start_mark.line + 1
            _map_lines(value_node, (*path, key), lines, origin)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _map_lines(item, (*path, i), lines, origin)


_MESSAGES = {
    "extra_forbidden": ("clé inconnue", "unknown key"),
    "missing": ("clé obligatoire absente", "required key missing"),
    "literal_error": ("valeur non permise", "value not allowed"),
    "string_type": ("texte attendu", "text expected"),
    "int_parsing": ("nombre entier attendu", "whole number expected"),
    "int_type": ("nombre entier attendu", "whole number expected"),
    "bool_type": ("true ou false attendu", "true or false expected"),
    "bool_parsing": ("true ou false attendu", "true or false expected"),
    "dict_type": ("dictionnaire attendu (clé: valeur)", "mapping expected (key: value)"),
    "model_type": ("dictionnaire attendu (clé: valeur)", "mapping expected (key: value)"),
    "list_type": ("liste attendue", "list expected"),
    "string_pattern_mismatch": ("identifiant attendu (a-z, 0-9, -)", "identifier expected"),
}


def _schema_error(exc: ValidationError, lines: dict[KeyPath, int], origin: str) -> IngestError:
    """The first schema error, in French and English, with its key path and YAML line."""
    first = exc.errors(include_url=False)[0]
    path = _yaml_path(first["loc"], lines)
    fr, en = _MESSAGES.get(first["type"], ("valeur invalide", "invalid value"))
    detail = first["msg"].removeprefix("Value error, ")
    expected = first.get("ctx", {}).get("expected")
    if first["type"] == "literal_error" and expected:
        fr, en = f"{fr} (attendu : {expected})", f"{en} (expected: {expected})"
    elif first["type"] not in ("extra_forbidden", "missing"):
        fr, en = f"{fr} : {detail}", f"{en}: {detail}"
    more = len(exc.errors()) - 1
    if more:
        fr, en = f"{fr} (et {more} autre(s) erreur(s))", f"{en} (and {more} more error(s))"
    key = ".".join(str(p) for p in path) or "(racine)"
    line = lines.get(path) or _nearest_line(path, lines)
    return IngestError(
        "profile-invalid",
        f"Profil invalide : {fr}",
        f"Invalid profile: {en}",
        file=origin,
        key=key,
        line=line,
    )


def _yaml_path(loc: tuple[Any, ...], lines: dict[KeyPath, int]) -> KeyPath:
    """Pydantic's error location reduced to the keys that exist in the YAML (or the missing
    one), dropping union branch names such as ``list[str]``."""
    path: KeyPath = ()
    for i, part in enumerate(loc):
        candidate = (*path, part)
        if candidate in lines or (i == len(loc) - 1 and isinstance(part, str) and "[" not in part):
            path = candidate
    return path


def _nearest_line(path: KeyPath, lines: dict[KeyPath, int]) -> int | None:
    while path:
        path = path[:-1]
        if path in lines:
            return lines[path]
    return lines.get(())


def field_specs(profile: Profile) -> list[tuple[KeyPath, str, FieldSpec]]:
    """Every field spec with its key path: response fields, then practice slot fields."""
    spec = profile.spec
    found: list[tuple[KeyPath, str, FieldSpec]] = [
        (("fields", n), n, f) for n, f in spec.fields.items()
    ]
    if spec.practices and spec.practices.slots:
        slots = spec.practices.slots.fields.items()
        found += [(("practices", "slots", "fields", n), n, f) for n, f in slots]
    return found


def _check_references(profile: Profile) -> None:
    """Code tables a field names must exist; ``{n}`` belongs to practice slots only."""
    spec = profile.spec
    for path, name, fspec in field_specs(profile):
        for attr in ("codes", "options"):
            ref = getattr(fspec, attr)
            if isinstance(ref, str) and ref not in spec.codes:
                raise profile_error(
                    profile,
                    "profile-unknown-code-table",
                    f"table de codes « {ref} » absente de codes",
                    f'code table "{ref}" is not in codes',
                    (*path, attr),
                    file=profile.origin,
                )
        if path[0] == "fields" and SLOT in (fspec.column or fspec.pattern or ""):
            raise profile_error(
                profile,
                "profile-slot-outside-slots",
                f"{{n}} n'a de sens que dans practices.slots (champ {name})",
                f"{{n}} only makes sense in practices.slots (field {name})",
                path,
                file=profile.origin,
            )


def profile_error(
    profile: Profile,
    code: str,
    fr: str,
    en: str,
    path: KeyPath,
    *,
    file: str | None = None,
    column: str | None = None,
) -> IngestError:
    """An IngestError about a profile key, naming the key path and its line."""
    return IngestError(
        code,
        f"Profil {profile.origin} : {fr}",
        f"Profile {profile.origin}: {en}",
        file=file,
        column=column,
        key=".".join(str(p) for p in path),
        line=profile.line_of(path),
    )
