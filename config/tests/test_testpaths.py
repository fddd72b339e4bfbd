"""Every test the project has is collected by `make test`: a `tests/` folder (or a `test_*.py` file) outside
pytest.ini's `testpaths` would never run, in CI or anywhere (cadangan/tests once sat there unnoticed)."""

from __future__ import annotations

import configparser
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LEWATI = {".venv", ".git", "node_modules", "staticfiles", "var", "static", "templates", "locale"}


def _testpaths() -> set[str]:
    ini = configparser.ConfigParser()
    ini.read(ROOT / "pytest.ini")
    return set(ini["pytest"]["testpaths"].split())


def _folder_dengan_uji() -> set[str]:
    """Top-level folders that hold a test module anywhere below them."""
    out = set()
    for folder in ROOT.iterdir():
        if folder.is_dir() and folder.name not in LEWATI and not folder.name.startswith("."):
            if next(folder.rglob("test_*.py"), None) is not None:
                out.add(folder.name)
    return out


def test_every_folder_with_tests_is_in_testpaths():
    assert _folder_dengan_uji() - _testpaths() == set(), "add these folders to pytest.ini's testpaths"


def test_every_testpath_exists():
    assert {p for p in _testpaths() if not (ROOT / p).is_dir()} == set()


def test_the_check_sees_every_app_with_tests():
    # The check is only worth something if it finds the folders: the apps known to hold tests are among them.
    assert {"puskesmas", "kia", "laporan", "cadangan", "config"} <= _folder_dengan_uji()
