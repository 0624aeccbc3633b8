"""Saved projects hold authcfg ids only; reopened in a new QGIS process the layers render."""

import shutil
import zipfile

import pytest
from earthmover_flux import api
from harness import MASTER_PASSWORD, PLUGINS_DIR, PROFILE_DIR
from qgis.core import QgsProject
from subprocess_qgis import new_profile, run_qgis_script

REOPEN = """
from qgis.core import QgsProject
from render import image_stats, render
project = QgsProject.instance()
ok = project.read({path!r})
am = QgsApplication.authManager()
result = {{"read": ok, "layers": [], "master": am.masterPasswordIsSet()}}
for layer in project.mapLayers().values():
    image = render([layer])
    image.save({shot!r} + layer.id() + ".png")
    colours, opaque = image_stats(image)
    result["layers"].append({{"name": layer.name(), "valid": layer.isValid(), "colours": colours,
                              "opaque": opaque, "source": layer.source(),
                              "error": layer.error().summary() if not layer.error().isEmpty() else "",
                              "provider": layer.providerType()}})
emit(result)
"""


@pytest.mark.parametrize("suffix", [".qgs", ".qgz"])
def test_saved_project_holds_no_key_and_reopens(flux, credentials, project, tmp_path, suffix):
    api.add_layer(flux.org, "climate", "main", "", "wms", "air")
    api.add_layer(flux.org, "climate", "dev", "forecast/surface", "tiles", "wind_speed", value_range=(0, 30))
    path = tmp_path / f"flux{suffix}"
    assert QgsProject.instance().write(str(path))
    if suffix == ".qgz":
        with zipfile.ZipFile(path) as archive:
            texts = [archive.read(name).decode("utf-8", "replace") for name in archive.namelist()]
    else:
        texts = [path.read_text()]
    assert any(f"authcfg={credentials}" in text for text in texts)
    for text in texts:
        assert flux.key not in text
        assert f"{flux.org}:{flux.key}" not in text
    flux.clear_log()
    second_profile = new_profile(tmp_path / "second")
    shutil.copy(PROFILE_DIR / "qgis-auth.db", second_profile / "qgis-auth.db")
    data, result = run_qgis_script(REOPEN.format(path=str(path), shot=str(tmp_path / "reopened-")),
                                   second_profile, PLUGINS_DIR, master_password=MASTER_PASSWORD)
    assert data is not None, result.stderr[-3000:]
    assert data["read"]
    assert len(data["layers"]) == 2
    for layer in data["layers"]:
        assert layer["valid"], (data, result.stderr[-2000:])
        assert layer["opaque"] > 0.5 and layer["colours"] > 10, layer
    assert flux.key not in result.stdout + result.stderr
    log = flux.log()
    assert log and all(entry["auth"] == "valid" for entry in log), (log, data)
