"""Starter maps: list them and copy one into a new folder, never overwriting without force.

The templates are the YAML files beside this module. Imports `core` and `lint` (the schema).
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from journeyctl.core.errors import RequestError
from journeyctl.core.files import write_file

SCHEMA_NAME = "journeyctl.schema.json"
"""Written beside the map: templates name it in their `yaml-language-server` modeline."""


@dataclass(frozen=True, slots=True)
class Template:
    name: str
    summary: str
    text: str


def templates() -> dict[str, Template]:
    """Every bundled template by name; the summary is the file's first `# ` comment after the
    schema line."""
    found = {}
    for entry in sorted(
        resources.files("journeyctl").joinpath("templates").iterdir(), key=lambda e: e.name
    ):
        if entry.name.endswith(".yaml"):
            text = entry.read_text(encoding="utf-8")
            comments = [
                line[2:].strip()
                for line in text.splitlines()
                if line.startswith("# ") and "yaml-language-server" not in line
            ]
            name = entry.name.removesuffix(".yaml")
            found[name] = Template(name, comments[0] if comments else "", text)
    return found


def init(directory: Path, name: str, force: bool = False) -> list[Path]:
    """Write template `name` into `directory` as `<name>.yaml`, and the map format's JSON Schema
    as `journeyctl.schema.json` for editors when it is absent; returns the files written.

    Raises RequestError for an unknown template and OverwriteError when the map exists and
    `force` is false.
    """
    available = templates()
    if name not in available:
        raise RequestError(f"no template {name!r}; choose one of {', '.join(available)}")
    target = directory / f"{name}.yaml"
    write_file(target, available[name].text, owned=True, force=force)
    written = [target]
    schema_file = directory / SCHEMA_NAME
    if force or not schema_file.exists():
        from journeyctl.lint.schema import schema_text

        write_file(schema_file, schema_text())
        written.append(schema_file)
    return written
