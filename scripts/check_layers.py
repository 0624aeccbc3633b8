#!/usr/bin/env python3
"""The plugin's layers point one way only (ARCHITECTURE.md); `make lint` runs this.

    core/  <-  flux_qgis/  <-  api.py  <-  ui/, flux_processing/  <-  plugin.py

An import of the plugin's own code (relative, or ``earthmover_flux.``) that climbs back up fails,
wherever it stands in a module (a function-local import dodging a cycle is one too). Exit 1 with
the list. Standard library only.
"""

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "earthmover_flux"
# what each layer may import from the plugin
ALLOWED = {
    "core": {"core"},
    "flux_qgis": {"core", "flux_qgis"},
    "api": {"core", "flux_qgis", "api"},
    "ui": {"core", "flux_qgis", "api", "ui"},
    "flux_processing": {"core", "flux_qgis", "api", "flux_processing"},
    "plugin": {"core", "flux_qgis", "api", "ui", "flux_processing", "plugin"},
}


def layer_of(parts):
    """The layer of a module given as package parts (['flux_qgis', 'network'] -> 'flux_qgis')."""
    if not parts:
        return "plugin"  # the package itself (__init__.py): what QGIS loads
    head = parts[0]
    if head in ALLOWED:
        return head
    return {"translation": "ui"}.get(head, "plugin")


def targets(path, tree):
    """Package parts of every plugin module ``path`` imports (relative or absolute)."""
    here = list(path.relative_to(ROOT).with_suffix("").parts)
    package = here[:-1] if here[-1] != "__init__" else here[:-1]
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[:len(package) - (node.level - 1)] if node.level > 1 else package
                module = base + (node.module.split(".") if node.module else [])
                names = [module + [alias.name] for alias in node.names] if not node.module else [module]
            elif node.module and (node.module == PACKAGE or node.module.startswith(PACKAGE + ".")):
                names = [node.module.split(".")[1:]]
            else:
                continue
            for name in names:
                yield node.lineno, name
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith(PACKAGE + "."):
                    yield node.lineno, alias.name.split(".")[1:]


def shipped_modules():
    for path in sorted(ROOT.glob("*.py")):
        if path.name not in ("setup.py",):
            yield path
    for folder in ALLOWED:
        if (ROOT / folder).is_dir():
            yield from sorted((ROOT / folder).rglob("*.py"))


def main():
    problems = []
    for path in shipped_modules():
        rel = path.relative_to(ROOT)
        own = layer_of(list(rel.with_suffix("").parts) if rel.parts[0] in ALLOWED else [rel.stem])
        if rel.parts[0] not in ALLOWED:
            own = layer_of([rel.stem]) if rel.stem in ALLOWED else "plugin"
        for lineno, name in targets(path, ast.parse(path.read_text(encoding="utf-8"))):
            target = layer_of(name)
            if target not in ALLOWED[own]:
                problems.append(f"{rel}:{lineno}: {own} imports {'.'.join(name)} ({target}): an import that climbs up")
    for line in problems:
        print(line)
    if problems:
        print(f"{len(problems)} upward import(s): move the code to the layer that owns it (ARCHITECTURE.md).")
        return 1
    print("layers: every import points down")
    return 0


if __name__ == "__main__":
    sys.exit(main())
