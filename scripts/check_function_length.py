#!/usr/bin/env python3
"""No function of the plugin's own code is over 60 lines (issue 23); `make lint` runs this.

The shipped code only: tests, benchmarks, scripts and the local server aside. A function's lines
run from its ``def`` to its last line, docstring and comments included. Exit 1 with the list.
``check_function_length.py [ROOT]`` checks another tree (the test of this check uses that).
"""

import ast
import sys
from pathlib import Path

LIMIT = 60
NOT_SHIPPED = {"tests", "bench", "scripts", "flux_server", "build", "docs", "i18n"}


def long_functions(root):
    found = []
    for path in sorted(Path(root).rglob("*.py")):
        parts = path.relative_to(root).parts
        if parts[0] in NOT_SHIPPED or parts[0].startswith("."):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                length = node.end_lineno - node.lineno + 1
                if length > LIMIT:
                    found.append(f"{path.relative_to(root)}:{node.lineno} {node.name}: {length} lines")
    return found


if __name__ == "__main__":
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent
    problems = long_functions(root)
    for line in problems:
        print(f"over {LIMIT} lines: {line}")
    print(f"functions: none over {LIMIT} lines" if not problems else f"{len(problems)} functions over {LIMIT} lines")
    sys.exit(1 if problems else 0)
