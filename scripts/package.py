#!/usr/bin/env python3
"""Build earthmover_flux.zip, the file QGIS's 'Install from ZIP' and the plugin repository take.

    python3 scripts/package.py [--out earthmover_flux.zip]      (what `make package` runs)

The zip holds one folder, earthmover_flux/, with the plugin's own files only: the paths in
PACKAGE_PATHS that git tracks (so no tests, local server, benchmarks, scripts, docs, caches or
scratch files), plus the compiled translations i18n/*.qm present in the tree. Nothing is compiled
here: no pyrcc, no lrelease, only the standard library. Outside a git checkout (a source tarball,
the QGIS 3.40 chroot without git) the same paths are walked instead, skipping caches.
The zip is reproducible: sorted entries with a fixed timestamp.
"""

import argparse
import configparser
import os
import subprocess
import sys
import zipfile
from pathlib import Path

PLUGIN = "earthmover_flux"
ROOT = Path(__file__).resolve().parent.parent
# what the plugin needs at run time; README, resources.qrc (unused) and i18n/*.ts stay out
PACKAGE_PATHS = ("__init__.py", "plugin.py", "api.py", "translation.py", "metadata.txt", "LICENSE",
                 "icons", "core", "flux_qgis", "ui", "flux_processing")
SKIP_PARTS = {"__pycache__", ".pytest_cache", ".ruff_cache", ".hypothesis"}
SKIP_SUFFIXES = (".pyc", ".pyo", ".orig", ".rej", "~")
FIXED_TIME = (2020, 1, 1, 0, 0, 0)


def _wanted(rel):
    parts = Path(rel).parts
    return not (SKIP_PARTS & set(parts) or any(p.startswith(".") for p in parts) or rel.endswith(SKIP_SUFFIXES))


def _git_files(root):
    try:
        out = subprocess.run(["git", "-C", str(root), "ls-files", "-z", "--", *PACKAGE_PATHS],
                             capture_output=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    return [f for f in out.decode().split("\0") if f]


def untracked_files(root=ROOT):
    """Files under PACKAGE_PATHS that git neither tracks nor ignores: left out of the zip."""
    try:
        out = subprocess.run(["git", "-C", str(root), "ls-files", "-z", "--others", "--exclude-standard", "--",
                              *PACKAGE_PATHS], capture_output=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return []
    return sorted(f for f in out.decode().split("\0") if f and _wanted(f))


def _walked_files(root):
    files = []
    for entry in PACKAGE_PATHS:
        path = root / entry
        if path.is_file():
            files.append(entry)
        for dirpath, dirnames, filenames in os.walk(path):
            dirnames[:] = [d for d in dirnames if d not in SKIP_PARTS and not d.startswith(".")]
            files += [str((Path(dirpath) / f).relative_to(root)) for f in filenames]
    return files


def package_files(root=ROOT):
    """The paths (relative to ``root``, '/'-separated) that go into the zip."""
    files = _git_files(root)
    if files is None:
        files = _walked_files(root)
    files += [str(p.relative_to(root)) for p in (root / "i18n").glob(f"{PLUGIN}_*.qm")]
    # a tracked file deleted in the work tree is not part of this build
    return sorted({f.replace(os.sep, "/") for f in files if _wanted(f) and (root / f).is_file()})


def metadata_version(path):
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(path, encoding="utf-8")
    return parser["general"]["version"]


def build(out=None, root=ROOT):
    """Write the zip; returns (its path, the list of archive names)."""
    root = Path(root)
    out = Path(out) if out else root / f"{PLUGIN}.zip"
    files = package_files(root)
    for needed in ("metadata.txt", "__init__.py", "LICENSE"):
        if needed not in files:
            raise SystemExit(f"package: {needed} is missing: is this the plugin's folder?")
    tmp = out.with_name(out.name + ".tmp")
    names = []
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as archive:
        for rel in files:
            info = zipfile.ZipInfo(f"{PLUGIN}/{rel}", FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, (root / rel).read_bytes())
            names.append(info.filename)
    os.replace(tmp, out)
    return out, names


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", help=f"zip to write (default: {PLUGIN}.zip in the plugin folder)")
    args = parser.parse_args(argv)
    out, names = build(args.out)
    for rel in untracked_files():
        print(f"package: left out {rel}: not tracked by git (git add it if the plugin needs it)", file=sys.stderr)
    print(f"built {out.name}: {len(names)} files, version {metadata_version(ROOT / 'metadata.txt')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
