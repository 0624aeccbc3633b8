"""Every text the plugin shows goes through tr(), under the context `make translations` gives it.

FluxError messages (core/ and flux_qgis/) stay English by design, see translation.py.
"""

import ast

import pytest
from earthmover_flux import translation
from pseudo_translation import LRELEASE, PYLUPDATE, TOOLS_MISSING, make_qm, mark, plugin_sources
from qgis.core import QgsApplication
from qgis.PyQt.QtWidgets import QAbstractButton, QGroupBox, QLabel, QLineEdit, QMenu

needs_tools = pytest.mark.skipif(not (PYLUPDATE and LRELEASE), reason=TOOLS_MISSING)


def _tr_calls(tree):
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            if name == "tr":
                yield node, node.args[0] if node.args else None
            elif name == "translate":
                yield node, node.args[1] if len(node.args) > 1 else None


def test_tr_gets_string_literals_only():
    """pylupdate5 reads tr("...") and translate("ctx", "..."): a variable or an f-string is never
    extracted, so its text could never be translated."""
    bad = []
    for path in plugin_sources():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        helpers = {n.lineno for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.name == "tr"}
        for call, arg in _tr_calls(tree):
            inside_helper = any(call.lineno in (line + 1, line + 2) for line in helpers)
            literal = isinstance(arg, ast.Constant) and isinstance(arg.value, str)
            if not literal and not inside_helper:
                bad.append(f"{path.name}:{call.lineno}")
    assert not bad, f"tr()/translate() with something else than a string literal: {bad}"


@pytest.fixture
def pseudo_locale(tmp_path):
    extracted = make_qm(tmp_path)
    assert translation.install("xx", directory=str(tmp_path)) == str(tmp_path / "earthmover_flux_xx.qm")
    yield extracted
    translation.remove()


def _visible_texts(widget):
    from qgis.gui import QgsExtentWidget, QgsFileWidget
    from qgis.PyQt.QtCore import QObject

    # QGIS's own widgets (file and extent pickers) translate themselves
    qgis_own = {c for w in widget.findChildren(QgsFileWidget) + widget.findChildren(QgsExtentWidget)
                for c in w.findChildren(QObject)}
    texts = {"window title": widget.windowTitle()}
    for child in widget.findChildren(QLabel):
        if child.objectName() not in ("statusLabel", "keysLink") and child.text() and child not in qgis_own:
            texts[f"label {child.text()!r}"] = child.text()
    for child in widget.findChildren(QAbstractButton):
        if child.text() and child not in qgis_own:
            texts[f"button {child.objectName()}"] = child.text()
    for child in widget.findChildren(QGroupBox):
        texts[f"group {child.objectName() or child.title()}"] = child.title()
    for child in widget.findChildren(QLineEdit):
        if child.placeholderText() and child not in qgis_own:
            texts[f"placeholder {child.objectName()}"] = child.placeholderText()
    for menu in widget.findChildren(QMenu):
        if menu in qgis_own:
            continue
        for action in menu.actions():
            texts[f"menu {action.objectName()}"] = action.text()
    return texts


@needs_tools
def test_dock_texts_are_translated(pseudo_locale, iface):
    from earthmover_flux.ui.dock import FluxDock, public_confirmation_text

    dock = FluxDock(iface, iface.mainWindow())
    try:
        texts = _visible_texts(dock)
        assert len(texts) > 30
        untranslated = {k: v for k, v in texts.items() if not (v.startswith("⟦") and v.endswith("⟧"))}
        assert not untranslated, f"dock texts that never went through a translator: {untranslated}"
        assert mark("Make an API key") in dock.keys_link.text()
        assert public_confirmation_text("org", "wms", "wms").startswith("⟦")
    finally:
        dock.setParent(None)
        dock.deleteLater()


@needs_tools
def test_plugin_and_processing_texts_are_translated(pseudo_locale):
    from earthmover_flux.flux_processing.add_layer import AddLayerAlgorithm
    from earthmover_flux.flux_processing.dap2_subset import Dap2SubsetAlgorithm
    from earthmover_flux.flux_processing.edr_area import EdrAreaAlgorithm
    from earthmover_flux.flux_processing.edr_sample_points import EdrSamplePointsAlgorithm
    from earthmover_flux.plugin import FluxPlugin

    assert FluxPlugin.tr("Re-link") == mark("Re-link")
    for cls in (AddLayerAlgorithm, EdrSamplePointsAlgorithm, EdrAreaAlgorithm, Dap2SubsetAlgorithm):
        algorithm = cls()
        algorithm.initAlgorithm()
        texts = {"displayName": algorithm.displayName(), "help": algorithm.shortHelpString()}
        texts.update({p.name(): p.description() for p in algorithm.parameterDefinitions()})
        texts.update({o.name(): o.description() for o in algorithm.outputDefinitions()})
        untranslated = {k: v for k, v in texts.items() if not v.startswith("⟦")}
        assert not untranslated, f"{cls.__name__}: texts never translated: {untranslated}"


def test_no_translation_for_english_or_an_unknown_locale(tmp_path):
    assert translation.qm_file("en_US") is None or translation.qm_file("en_US").endswith("_en.qm")
    assert translation.install("zz_ZZ", directory=str(tmp_path)) is None
    assert QgsApplication.translate("@default", "Save") == "Save"
