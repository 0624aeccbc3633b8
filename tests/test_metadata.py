"""metadata.txt is complete for the QGIS plugin repository, and QGIS reads it as we mean it."""

import configparser
import re

import qgis.utils
from harness import REPO_ROOT

REQUIRED = ("name", "qgisMinimumVersion", "description", "about", "version", "author", "email", "changelog",
            "tags", "homepage", "tracker", "repository", "icon", "hasProcessingProvider", "category",
            "experimental")


def read_metadata():
    # QGIS reads it with a plain ConfigParser (qgis.utils.findPlugins): '%' would break interpolation
    parser = configparser.ConfigParser()
    parser.optionxform = str  # keys as written: qgisMinimumVersion, hasProcessingProvider
    assert parser.read(REPO_ROOT / "metadata.txt", encoding="utf-8")
    return parser["general"]


def test_every_required_key_is_there_and_filled():
    meta = read_metadata()
    missing = [key for key in REQUIRED if not meta.get(key, "").strip()]
    assert not missing, f"metadata.txt lacks {missing}"


def test_values_the_plugin_repository_checks():
    meta = read_metadata()
    assert meta["qgisMinimumVersion"] == "3.22"
    assert meta["hasProcessingProvider"] == "yes"
    assert meta["experimental"] in ("True", "False")
    assert meta["category"] in ("Raster", "Vector", "Database", "Web", "Plugins")
    assert re.fullmatch(r"\d+\.\d+\.\d+", meta["version"]), meta["version"]
    assert meta["changelog"].startswith(meta["version"]), "the changelog starts with this version's entry"
    assert re.fullmatch(r"[^@\s]+@[^@\s]+\.[a-z]+", meta["email"])
    for key in ("homepage", "tracker", "repository"):
        assert meta[key].startswith("https://"), key
    tags = [t.strip() for t in meta["tags"].split(",")]
    assert all(tags) and len(tags) == len(set(tags))
    assert len(meta["description"]) < 300 and "\n" not in meta["description"]


def test_icon_and_license_exist():
    meta = read_metadata()
    icon = REPO_ROOT / meta["icon"]
    assert icon.is_file() and icon.stat().st_size > 0
    assert b"<svg" in icon.read_bytes()[:400]
    license_text = (REPO_ROOT / "LICENSE").read_text(encoding="utf-8")
    # QGIS plugins must be GPL-2.0-or-later compatible
    assert "GNU GENERAL PUBLIC LICENSE" in license_text and "Version 2" in license_text


def test_qgis_reads_the_same_metadata():
    assert qgis.utils.pluginMetadata("earthmover_flux", "name") == read_metadata()["name"]
    assert qgis.utils.pluginMetadata("earthmover_flux", "version") == read_metadata()["version"]
    assert qgis.utils.pluginMetadata("earthmover_flux", "hasProcessingProvider") == "yes"
