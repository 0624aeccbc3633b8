"""A pseudo-translation of the plugin made with the real tools: pylupdate5 extracts every tr()
string of the plugin's code (as `make translations` does), each is translated as '⟦source⟧', and
lrelease compiles the .qm. Text still shown without brackets then never went through a
translator: not wrapped in tr(), or under another context than the one pylupdate5 saw."""

import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

from harness import REPO_ROOT

PYLUPDATE, LRELEASE = shutil.which("pylupdate5"), shutil.which("lrelease")
TOOLS_MISSING = ("machine capability missing: pylupdate5 and lrelease (apt: pyqt5-dev-tools qttools5-dev-tools, "
                 "installed by `make qgis`)")
PLUGIN_DIRS = ("core", "flux_qgis", "ui", "flux_processing")


def plugin_sources(root=REPO_ROOT):
    """The files `make translations` hands to pylupdate5 (the Makefile's PLUGIN_PY)."""
    files = sorted(Path(root).glob("*.py"))
    for folder in PLUGIN_DIRS:
        files += sorted((Path(root) / folder).glob("*.py"))
    return files


def mark(text):
    return f"⟦{text}⟧"


def make_qm(directory, locale="xx"):
    """Write earthmover_flux_<locale>.qm (pseudo-translated) into ``directory``; returns the
    {context: [source, ...]} pylupdate5 extracted."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    ts = directory / f"earthmover_flux_{locale}.ts"
    subprocess.run([PYLUPDATE, "-noobsolete", *map(str, plugin_sources()), "-ts", str(ts)], check=True,
                   capture_output=True, env={"PYTHONWARNINGS": "ignore", "PATH": "/usr/bin:/bin"})
    tree = ET.parse(ts)
    extracted = {}
    for context in tree.getroot().iter("context"):
        name = context.findtext("name")
        for message in context.iter("message"):
            source = message.findtext("source")
            extracted.setdefault(name, []).append(source)
            translation = message.find("translation")
            translation.text = mark(source)
            translation.attrib.pop("type", None)
    tree.write(ts, encoding="utf-8", xml_declaration=True)
    qm = directory / f"earthmover_flux_{locale}.qm"
    subprocess.run([LRELEASE, "-silent", str(ts), "-qm", str(qm)], check=True, capture_output=True)
    assert qm.stat().st_size > 0
    return extracted
