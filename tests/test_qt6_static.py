"""QGIS 4 (Qt6, PyQt6) readiness of the shipped code, checked statically.

No QGIS 4 package is reachable here, so the plugin cannot run on it in this suite. What can be
checked is the Qt API the plugin's own files use:

1. Every Qt class, enum and member reached from a ``qgis.PyQt`` import (``Qt.AlignmentFlag.AlignLeft``,
   ``QMessageBox.StandardButton.Yes``, ``QVariant.Double``), every member called on an object the
   plugin builds from a Qt or QGIS class (``button = QPushButton(); button.setFlat``), and every
   inherited member a subclass of a Qt or QGIS class calls on ``self`` is collected from the AST
   and looked up in the real PyQt6 package (tests/requirements.txt), in a subprocess that only
   imports PyQt6 modules: introspection, no QApplication. Members are mapped through the QGIS
   class's MRO to the Qt class that defines them (a QgsDockWidget's ``setWidget`` is
   QDockWidget's). ``qgis.PyQt.QtWidgets.QAction`` is looked up as PyQt6.QtGui.QAction: QGIS 4's
   ``qgis.PyQt.QtWidgets`` re-exports it from QtGui.
2. Qt5-only calls and modules are refused outright: ``exec_()``/``print_()``, PyQt5/PyQt6/sip
   imported directly, QtWebKit, QRegExp, QDesktopWidget/``desktop()``, ``qApp``, compiled
   resources, ``activated[str]``, QFontMetrics ``width()``, eight-argument ``QDateTime(...)``.

What this cannot see: members reached through objects whose class the AST does not know (a return
value of a QGIS call, a function argument) and behaviour that changed without a name changing.
"""

import ast
import importlib
import inspect
import json
import subprocess
import sys
from collections import defaultdict

import pytest
from harness import REPO_ROOT

sys.path.insert(0, str(REPO_ROOT / "scripts"))
import package  # noqa: E402  (scripts/package.py: the files the zip ships)

QGIS_MODULES = ("qgis.core", "qgis.gui", "qgis.analysis")
# qgis.PyQt.QtWidgets under Qt6 re-exports these from QtGui (QGIS's python/PyQt/PyQt/QtWidgets.py.in)
QGIS_PYQT_ALIASES = {("QtWidgets", "QAction"): "QtGui", ("QtWidgets", "QShortcut"): "QtGui"}
# classes Qt6 moved from QtWidgets to QtGui: where a PyQt5 class found through an MRO lives in PyQt6
MOVED_TO_QTGUI = {"QAction", "QActionGroup", "QShortcut", "QUndoCommand", "QUndoGroup", "QUndoStack",
                  "QFileSystemModel"}
FORBIDDEN_MODULE_PARTS = ("QtWebKit", "QtWebKitWidgets", "QtScript", "QtXmlPatterns", "QtMultimediaWidgets")
FORBIDDEN_NAMES = {
    "QRegExp": "QRegExp is gone in Qt6: use QRegularExpression",
    "QRegExpValidator": "use QRegularExpressionValidator",
    "QDesktopWidget": "QDesktopWidget is gone in Qt6: use QScreen (QGuiApplication.screens())",
    "qApp": "qApp is gone in PyQt6: use QApplication.instance()",
    "QMatrix": "QMatrix is gone in Qt6: use QTransform",
    "QGLWidget": "use QOpenGLWidget",
    "QSound": "QSound is gone in Qt6",
    "QStringRef": "QStringRef is gone in Qt6",
}
RENAMED_CALLS = {"exec_": "exec()", "print_": "print()"}


def shipped_python_files():
    files = [REPO_ROOT / rel for rel in package.package_files(REPO_ROOT) if rel.endswith(".py")]
    assert len(files) > 20 and any(f.name == "plugin.py" for f in files)
    return files


def _chain(node):
    """``a.b.c`` -> ("a", ["b", "c"]); anything not rooted at a Name -> None."""
    attrs = []
    while isinstance(node, ast.Attribute):
        attrs.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        return node.id, attrs[::-1]
    return None


def _qt5_module(module):
    """'QtWidgets' -> the module qgis.PyQt.QtWidgets of this QGIS (PyQt5)."""
    return importlib.import_module(f"qgis.PyQt.{module}")


def _resolve5(ref):
    """An import reference -> the object in this (PyQt5) QGIS, or None."""
    kind, module, name = ref
    try:
        if kind == "qt":
            return getattr(_qt5_module(module), name)
        if kind == "qtmod":
            return _qt5_module(module)
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError):
        return None


def _qt6_home(cls, member):
    """The PyQt6 (module, class) that should hold ``member`` of PyQt5/QGIS class ``cls``, or None
    when the member is the plugin's own or QGIS's (QGIS 4 keeps its own API; not checked here)."""
    if not inspect.isclass(cls):
        return None
    for klass in cls.__mro__:
        if member in vars(klass):
            module = getattr(klass, "__module__", "") or ""
            if module.startswith("PyQt5."):
                qt_module = module.split(".", 1)[1]
                if qt_module == "QtWidgets" and klass.__name__ in MOVED_TO_QTGUI:
                    qt_module = "QtGui"
                return qt_module, klass.__name__
            return None
    return None


class Collector(ast.NodeVisitor):
    """Qt names used in one file: ``lookups`` (PyQt6 module, dotted path) -> where, ``problems``."""

    def __init__(self, path, lookups, problems):
        self.path = path
        self.rel = path.relative_to(REPO_ROOT)
        self.lookups = lookups
        self.problems = problems
        self.imports = {}  # local name -> ("qt", "QtCore", "Qt") | ("qtmod", "QtCore", None) | ("qgis", mod, name)
        self.scopes = [{}]  # variable name -> PyQt5/QGIS class, per function
        self.class_stack = []  # (class node, base classes, {self attr -> class}, own names)
        self.qt5_only = 0  # > 0 inside a branch that runs only on QGIS < 4 (always PyQt5)

    # ---------------------------------------------------------------- helpers
    def where(self, node):
        return f"{self.rel}:{node.lineno}"

    def problem(self, node, text):
        self.problems.append(f"{self.where(node)}: {text}")

    def add_lookup(self, module, path, node):
        if not self.qt5_only:
            self.lookups[(module, path)].append(self.where(node))

    def resolve_class(self, node):
        """The PyQt5/QGIS class a call's func names (via imports), or None."""
        chain = _chain(node)
        if not chain or chain[0] not in self.imports:
            return None
        obj = _resolve5(self.imports[chain[0]])
        for attr in chain[1]:
            obj = getattr(obj, attr, None)
        return obj if inspect.isclass(obj) else None

    # ---------------------------------------------------------------- imports
    def visit_Import(self, node):  # noqa: N802 (ast API)
        for alias in node.names:
            self.check_module(alias.name, node)

    def visit_ImportFrom(self, node):  # noqa: N802 (ast API)
        module = node.module or ""
        self.check_module(module, node)
        for alias in node.names:
            local = alias.asname or alias.name
            if alias.name in FORBIDDEN_NAMES:
                self.problem(node, FORBIDDEN_NAMES[alias.name])
            if alias.name == "resources_rc" or module.endswith("resources_rc"):
                self.problem(node, "compiled resources are gone in Qt6: load icons by file path")
            if module == "qgis.PyQt":
                self.imports[local] = ("qtmod", alias.name, None)
                if alias.name != "sip":
                    self.add_lookup(alias.name, "", node)
            elif module.startswith("qgis.PyQt."):
                qt_module = module.split(".", 2)[2]
                self.imports[local] = ("qt", qt_module, alias.name)
                home = QGIS_PYQT_ALIASES.get((qt_module, alias.name), qt_module)
                self.add_lookup(home, alias.name, node)
            elif module in QGIS_MODULES:
                self.imports[local] = ("qgis", module, alias.name)

    def check_module(self, module, node):
        top = module.split(".")[0]
        if top in ("PyQt5", "PyQt6", "sip", "PySide2", "PySide6"):
            self.problem(node, f"'{module}' imported directly: import Qt through qgis.PyQt")
        if any(part in module.split(".") for part in FORBIDDEN_MODULE_PARTS):
            self.problem(node, f"'{module}' does not exist in Qt6")
        if module == "qgis.PyQt.Qt":
            self.problem(node, "qgis.PyQt.Qt is gone in QGIS 4: import from qgis.PyQt.QtCore etc.")

    # ---------------------------------------------------------------- scopes
    def visit_ClassDef(self, node):  # noqa: N802 (ast API)
        bases = [b for b in (self.resolve_class(base) for base in node.bases) if b is not None]
        own = {n.name for n in node.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))}
        own |= {t.id for n in node.body if isinstance(n, ast.Assign) for t in n.targets if isinstance(t, ast.Name)}
        self_attrs = {}
        for sub in ast.walk(node):  # self.x = ... anywhere in the class: the plugin's own attribute
            targets = sub.targets if isinstance(sub, ast.Assign) else (
                [sub.target] if isinstance(sub, (ast.AnnAssign, ast.AugAssign)) else [])
            for target in targets:
                chain = _chain(target)
                if chain and chain[0] == "self" and len(chain[1]) == 1:
                    own.add(chain[1][0])
                    if isinstance(sub, ast.Assign) and isinstance(sub.value, ast.Call):
                        cls = self.resolve_class(sub.value.func)
                        if cls is not None:
                            self_attrs.setdefault(chain[1][0], set()).add(cls)
        self.class_stack.append((node, bases, {k: next(iter(v)) for k, v in self_attrs.items() if len(v) == 1},
                                 own))
        self.generic_visit(node)
        self.class_stack.pop()

    def visit_FunctionDef(self, node):  # noqa: N802 (ast API)
        if node.name in RENAMED_CALLS:
            self.problem(node, f"defines {node.name}: Qt6 calls {RENAMED_CALLS[node.name]}")
        local = {}
        for sub in ast.walk(node):
            if isinstance(sub, ast.Assign) and isinstance(sub.value, ast.Call) and len(sub.targets) == 1 \
                    and isinstance(sub.targets[0], ast.Name):
                cls = self.resolve_class(sub.value.func)
                name = sub.targets[0].id
                if cls is not None:
                    local[name] = cls if local.get(name, cls) is cls else False
        self.scopes.append({k: v for k, v in local.items() if v})
        self.generic_visit(node)
        self.scopes.pop()

    visit_AsyncFunctionDef = visit_FunctionDef  # noqa: N815

    def visit_If(self, node):  # noqa: N802 (ast API)
        """``if Qgis.QGIS_VERSION_INT >= 33800: ... else: <QGIS < 3.38 only>``: the branch that runs only
        on a QGIS older than 4 runs on PyQt5 only, so its Qt names are not looked up in PyQt6."""
        self.visit(node.test)
        old_branch = None
        test = node.test
        if isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.comparators[0], ast.Constant):
            left = _chain(test.left.func if isinstance(test.left, ast.Call) else test.left)
            bound = test.comparators[0].value
            if left in (("Qgis", ["QGIS_VERSION_INT"]), ("Qgis", ["versionInt"])) and isinstance(bound, int) \
                    and bound <= 40000:
                old_branch = "orelse" if isinstance(test.ops[0], (ast.GtE, ast.Gt)) else "body"
        for branch in ("body", "orelse"):
            self.qt5_only += branch == old_branch
            for child in getattr(node, branch):
                self.visit(child)
            self.qt5_only -= branch == old_branch

    # ---------------------------------------------------------------- uses
    def visit_Attribute(self, node):  # noqa: N802 (ast API)
        chain = _chain(node)
        if chain is None:  # rooted at a call, subscript...: check this attribute, go on inside
            self.check_attribute_name(node, node.attr)
            self.generic_visit(node)
            return
        # a maximal chain rooted at a name is handled here whole: its inner Attribute nodes are not
        # visited again (their prefixes are looked up as part of it)
        root, attrs = chain
        for attr in attrs:
            self.check_attribute_name(node, attr)
        self.visit_Name(ast.Name(id=root, lineno=node.lineno))
        if root in self.imports:
            self.check_import_chain(node, self.imports[root], attrs)
        elif root == "self" and self.class_stack:
            self.check_self_chain(node, attrs)
        else:
            cls = next((scope[root] for scope in reversed(self.scopes) if root in scope), None)
            if cls is not None:
                self.check_member(node, cls, attrs[0])

    def check_attribute_name(self, node, attr):
        if attr in RENAMED_CALLS:
            self.problem(node, f".{attr}(): Qt6 has only {RENAMED_CALLS[attr]}")
        if attr == "desktop":
            self.problem(node, ".desktop(): QDesktopWidget is gone in Qt6")
        if attr == "width" and isinstance(node.value, ast.Call) and \
                getattr(node.value.func, "attr", getattr(node.value.func, "id", "")) in ("fontMetrics", "QFontMetrics"):
            self.problem(node, "QFontMetrics.width() is gone in Qt6: use horizontalAdvance()")

    def visit_Name(self, node):  # noqa: N802 (ast API)
        if node.id in FORBIDDEN_NAMES and node.id not in self.imports:
            self.problem(node, FORBIDDEN_NAMES[node.id])

    def visit_Subscript(self, node):  # noqa: N802 (ast API)
        value = node.value
        if isinstance(value, ast.Attribute) and value.attr == "activated" and isinstance(node.slice, ast.Name) \
                and node.slice.id == "str":
            self.problem(node, "activated[str] is gone in Qt6: use textActivated")
        self.generic_visit(node)

    def visit_Call(self, node):  # noqa: N802 (ast API)
        cls = self.resolve_class(node.func)
        if cls is not None and cls.__name__ == "QDateTime" and len(node.args) >= 7:
            self.problem(node, "QDateTime(y, m, d, h, min, s, ms, ...) is gone in PyQt6: "
                               "use QDateTime(QDate(...), QTime(...), ...)")
        self.generic_visit(node)

    def check_import_chain(self, node, ref, attrs):
        kind, module, name = ref
        if kind == "qtmod":
            if module == "sip":
                self.add_lookup("sip", ".".join(attrs[:1]), node)
            else:
                self.check_qt_path(node, module, attrs)
            return
        if kind == "qt":
            home = QGIS_PYQT_ALIASES.get((module, name), module)
            self.check_qt_path(node, home, [name, *attrs])
            return
        # a QGIS class: a member it inherits from Qt (QgsMapTool.setCursor) is Qt's
        obj = _resolve5(ref)
        if attrs and inspect.isclass(obj):
            home = _qt6_home(obj, attrs[0])
            if home:
                self.add_lookup(home[0], ".".join([home[1], *attrs]), node)

    def check_qt_path(self, node, module, path):
        """Look up ``path`` in PyQt6's ``module`` as far as it names classes, enums and members:
        stop after the first attribute that is a function or signal (what follows is its own)."""
        obj = _qt5_module(module)
        used = []
        for attr in path:
            used.append(attr)
            obj = getattr(obj, attr, None)
            if obj is None or not (inspect.isclass(obj) or isinstance(obj, int) or inspect.ismodule(obj)):
                break
        if used:
            self.add_lookup(module, ".".join(used), node)

    def check_self_chain(self, node, attrs):
        cls_node, bases, self_attrs, own = self.class_stack[-1]
        first = attrs[0]
        if first in self_attrs and len(attrs) > 1:
            self.check_member(node, self_attrs[first], attrs[1])
        elif first not in own:
            for base in bases:
                home = _qt6_home(base, first)
                if home:
                    self.add_lookup(home[0], f"{home[1]}.{first}", node)
                    break

    def check_member(self, node, cls, member):
        home = _qt6_home(cls, member)
        if home:
            self.add_lookup(home[0], f"{home[1]}.{member}", node)


def collect():
    lookups = defaultdict(list)
    problems = []
    for path in shipped_python_files():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        Collector(path, lookups, problems).visit(tree)
    return lookups, problems


# runs in a subprocess: PyQt6 next to QGIS's PyQt5 in one process is not something to rely on
PYQT6_PROBE = r"""
import importlib, json, sys
wanted = json.load(sys.stdin)
missing = []
for module, path in wanted:
    try:
        obj = importlib.import_module("PyQt6." + module)
    except ImportError as error:
        missing.append([module, path, "no module PyQt6.%s (%s)" % (module, error)])
        continue
    for attr in [p for p in path.split(".") if p]:
        if not hasattr(obj, attr):
            missing.append([module, path, "no '%s'" % attr])
            break
        obj = getattr(obj, attr)
from PyQt6.QtCore import PYQT_VERSION_STR, QT_VERSION_STR
print(json.dumps({"missing": missing, "pyqt": PYQT_VERSION_STR, "qt": QT_VERSION_STR}))
"""


def pyqt6_missing(lookups):
    proc = subprocess.run([sys.executable, "-c", PYQT6_PROBE], input=json.dumps(sorted(lookups)),
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout)


@pytest.fixture(scope="module")
def collected():
    return collect()


def test_pyqt6_is_the_real_package():
    proc = subprocess.run([sys.executable, "-c", "import PyQt6.QtCore as c, json; "
                           "print(json.dumps([c.PYQT_VERSION_STR, c.QT_VERSION_STR, c.__file__]))"],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, "PyQt6 is not installed in the test venv: " + proc.stderr[-2000:]
    pyqt, qt, where = json.loads(proc.stdout)
    assert pyqt.startswith("6.") and qt.startswith("6.") and "site-packages" in where


def test_every_qt_name_the_plugin_uses_exists_in_pyqt6(collected):
    lookups, _ = collected
    paths = {f"{m}.{p}" for m, p in lookups}
    # the collector sees what it must: enums, classes, members on instances, on self, through QGIS MROs
    for expected in ("QtCore.Qt.DockWidgetArea.RightDockWidgetArea", "QtWidgets.QMessageBox.StandardButton.Yes",
                     "QtWidgets.QDockWidget.setWidget", "QtCore.QCoreApplication.translate",
                     "QtWidgets.QPushButton", "QtCore.QMetaType.Type.Double"):
        assert expected in paths, f"{expected} not collected: the collector lost track"
    result = pyqt6_missing(lookups)
    missing = [f"PyQt6.{module}.{path} ({why}) used at {', '.join(sorted(set(lookups[(module, path)]))[:3])}"
               for module, path, why in result["missing"]]
    print(f"\nPyQt {result['pyqt']} / Qt {result['qt']}: {len(lookups)} Qt names looked up, {len(missing)} missing")
    assert not missing, "not in PyQt6:\n" + "\n".join(missing)


def test_no_qt5_only_calls_or_modules(collected):
    _, problems = collected
    assert not problems, "Qt5-only code:\n" + "\n".join(problems)


def test_metadata_declares_qt6_support():
    import configparser

    parser = configparser.ConfigParser(interpolation=None)
    parser.read(REPO_ROOT / "metadata.txt", encoding="utf-8")
    general = parser["general"]
    assert general.get("supportsQt6") == "True"
    assert general.get("qgisMaximumVersion", "").startswith("4."), "QGIS 4 refuses a maximum of 3.99"
