"""Credentials live in the QGIS auth database as one Basic config per org, and nowhere else."""

import pytest
from earthmover_flux import api
from earthmover_flux.core.errors import FluxInputError
from earthmover_flux.flux_qgis import auth
from harness import PLUGINS_DIR
from qgis.core import QgsApplication, QgsAuthMethodConfig, QgsSettings
from subprocess_qgis import new_profile, run_qgis_script


def _basic_configs_named(name):
    return [c for c in QgsApplication.authManager().availableAuthMethodConfigs().values()
            if c.name() == name and c.method() == "Basic"]


def test_save_creates_then_updates_one_basic_config(flux, master_password):
    auth.remove_credentials(flux.org)
    first = api.store_credentials(flux.org, "first-key-123")
    cfg = QgsAuthMethodConfig()
    assert QgsApplication.authManager().loadAuthenticationConfig(first, cfg, True)
    assert cfg.method() == "Basic"
    assert cfg.config("username") == flux.org
    assert cfg.config("password") == "first-key-123"
    second = api.store_credentials(flux.org, flux.key)
    assert second == first, "a second save updates the org's config"
    assert len(_basic_configs_named(auth.config_name(flux.org))) == 1, "no duplicate config"
    assert QgsApplication.authManager().loadAuthenticationConfig(second, cfg, True)
    assert cfg.config("password") == flux.key
    assert QgsSettings().value(f"earthmover_flux/authcfg/{flux.org}") == first


def test_settings_hold_the_id_never_the_key(flux, credentials, profile_dir):
    QgsSettings().sync()
    for path in profile_dir.rglob("*"):
        if path.is_file() and path.suffix in (".ini", ".conf", ".json", ".txt"):
            assert flux.key not in path.read_text(errors="replace"), f"key found in {path}"


@pytest.mark.parametrize("token", ["", "   ", "two words", "line\nbreak", "x" * 5000])
def test_bad_keys_are_refused_without_echoing_them(flux, master_password, token):
    with pytest.raises(FluxInputError) as info:
        api.store_credentials(flux.org, token)
    if token.strip():
        assert token.strip() not in str(info.value)


@pytest.mark.parametrize("org", ["", "a/b", "..", "org name", "org@host", "o" * 200, "%2F"])
def test_bad_org_names_are_refused(master_password, org):
    with pytest.raises(ValueError, match="organization"):
        api.store_credentials(org, "some-key")


def test_headless_without_master_password_says_what_to_do(tmp_path):
    """A fresh profile with no master password: no prompt, a sentence naming the fix."""
    body = """
from earthmover_flux import api
from earthmover_flux.core.errors import FluxError
try:
    api.store_credentials("flux-demo", "secret-key-xyz")
    emit({"error": None, "set": QgsApplication.authManager().masterPasswordIsSet()})
except FluxError as exc:
    emit({"error": str(exc), "set": QgsApplication.authManager().masterPasswordIsSet()})
"""
    data, result = run_qgis_script(body, new_profile(tmp_path), PLUGINS_DIR, env={"HOME": str(tmp_path)})
    assert data is not None, result.stderr[-3000:]
    assert data["error"] and data["error"].startswith("The QGIS authentication database is locked"), data
    assert "QGIS_AUTH_PASSWORD_FILE" in data["error"]
    assert data["set"] is False
    assert "secret-key-xyz" not in result.stdout + result.stderr
