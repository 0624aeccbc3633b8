"""A Python override of a C++ ``void`` virtual must return nothing.

QGIS calls these (QgsMapLayerConfigWidget.apply on every OK of Layer Properties,
QgsAbstractDataSourceWidget.addButtonClicked on Add); when the override returns a value, PyQt raises
"invalid result from <class>.<method>()" in QGIS's Python error dialog, after the work was done.
Both happened in this plugin, and only a real window showed them. Here every plugin class that
derives from a Qt or QGIS class is read: for each method that overrides a base method whose
signature has no return type (sip's docstring, "name(self, ...)" without "-> ..."), no ``return``
in its own body may carry a value.
"""

import ast
import importlib
import inspect
import pkgutil
import textwrap

import earthmover_flux


def _plugin_modules():
    root = earthmover_flux.__path__
    names = ["earthmover_flux.plugin", "earthmover_flux.api"]
    for package in ("ui", "flux_qgis", "flux_processing"):
        module = importlib.import_module(f"earthmover_flux.{package}")
        names += [f"earthmover_flux.{package}.{m.name}" for m in pkgutil.iter_modules(module.__path__)]
    assert root and len(names) > 20, names
    return [importlib.import_module(name) for name in names]


def _void_in_base(cls, name):
    for base in cls.__mro__[1:]:
        if not base.__module__.startswith(("qgis.", "PyQt5.", "PyQt6.")) or name not in base.__dict__:
            continue
        lines = [line for line in (getattr(base, name).__doc__ or "").splitlines() if line.startswith(name + "(")]
        return bool(lines) and all("->" not in line for line in lines)
    return False


def _returns_a_value(function):
    tree = ast.parse(textwrap.dedent(inspect.getsource(function)))
    body = tree.body[0]
    found = []
    for node in ast.walk(body):
        if isinstance(node, (ast.FunctionDef, ast.Lambda)) and node is not body:
            continue  # nested functions return for themselves (ast.walk still descends: filtered below)
        if isinstance(node, ast.Return) and node.value is not None:
            if not (isinstance(node.value, ast.Constant) and node.value.value is None):
                found.append(node.lineno)
    nested = {n.lineno for f in ast.walk(body) if isinstance(f, ast.FunctionDef) and f is not body
              for n in ast.walk(f) if isinstance(n, ast.Return)}
    return [line for line in found if line not in nested]


def test_no_override_of_a_void_virtual_returns_a_value():
    checked, wrong = [], []
    for module in _plugin_modules():
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ != module.__name__:
                continue
            for name, member in cls.__dict__.items():
                if not inspect.isfunction(member) or not _void_in_base(cls, name):
                    continue
                checked.append(f"{cls.__name__}.{name}")
                if _returns_a_value(member):
                    wrong.append(f"{module.__name__}.{cls.__name__}.{name}")
    # the two that went wrong once are among those read
    assert "FluxLayerPage.apply" in checked and "FluxSourceSelect.addButtonClicked" in checked, checked
    assert wrong == [], f"these override a C++ void and return a value: {wrong}"
