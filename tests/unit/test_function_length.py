"""scripts/check_function_length.py (in `make lint`): a plugin function over 60 lines is named and
fails the check; the same length in tests or the local server does not count, nor 60 lines."""

import importlib.util
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "check_function_length.py"


def function(lines):
    return "def f():\n" + "    x = 1\n" * (lines - 1)


def run(root):
    return subprocess.run([sys.executable, str(SCRIPT), str(root)], capture_output=True, text=True)


def test_a_long_plugin_function_fails_and_is_named(tmp_path):
    (tmp_path / "ui").mkdir()
    (tmp_path / "ui" / "dock.py").write_text(function(61))
    result = run(tmp_path)
    assert result.returncode == 1 and "ui/dock.py:1 f: 61 lines" in result.stdout


def test_sixty_lines_and_code_that_is_not_shipped_pass(tmp_path):
    (tmp_path / "core").mkdir()
    (tmp_path / "core" / "edr.py").write_text(function(60))
    for folder in ("tests", "flux_server", "bench"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "long.py").write_text(function(200))
    result = run(tmp_path)
    assert result.returncode == 0, result.stdout


def test_the_plugin_itself_passes():
    spec = importlib.util.spec_from_file_location("check_function_length", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.long_functions(SCRIPT.parent.parent) == []
