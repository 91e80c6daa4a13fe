"""The wheel carries the bundled dataset, so a plain install finds it from anywhere."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PIP_WHEEL = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q"]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> zipfile.ZipFile:
    folder = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [*PIP_WHEEL, "-w", str(folder), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (built,) = folder.glob("laborstats-*.whl")
    return zipfile.ZipFile(built)


def test_wheel_ships_the_bundled_dataset(wheel: zipfile.ZipFile) -> None:
    names = set(wheel.namelist())
    for path in (path for path in (ROOT / "data").rglob("*") if path.is_file()):
        name = "laborstats/data/" + path.relative_to(ROOT / "data").as_posix()
        assert name in names
        assert wheel.read(name) == path.read_bytes()


def test_wheel_installs_the_console_script(wheel: zipfile.ZipFile) -> None:
    (entry_points,) = [name for name in wheel.namelist() if name.endswith("entry_points.txt")]
    assert "laborstats = laborstats.__main__:run" in wheel.read(entry_points).decode()


def test_installed_laborstats_runs_from_any_folder(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "laborstats", "summary", "--format", "csv", "-p", "aid"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
        env={"PATH": "/usr/bin:/bin", "NO_COLOR": "1"},
    )
    assert result.stdout.splitlines()[1].startswith("2024,aid,study_grant_children,")
