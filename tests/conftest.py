"""Shared fixtures: small datasets written to disk, and a CLI runner with stable output."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from laborstats.dataset import bundled_data_path

OUTCOMES_HEADER = "year,region,entity,programme,metric,value,qualifier,period,basis,source"

WriteFile = Callable[..., Path]


@pytest.fixture
def write_file(tmp_path: Path) -> WriteFile:
    """Write text (or bytes) to a file in a fresh folder and return its path."""

    def write(name: str, content: str | bytes, encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        raw = content if isinstance(content, bytes) else content.encode(encoding)
        path.write_bytes(raw)
        return path

    return write


@pytest.fixture
def outcomes_csv(write_file: WriteFile) -> Callable[[str], Path]:
    """An outcomes CSV with the standard header and the given rows (metrics from the bundle)."""

    def make(rows: str) -> Path:
        return write_file("outcomes.csv", OUTCOMES_HEADER + "\n" + rows)

    return make


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    """A CLI runner with a fixed width, no colour and no LABORSTATS_DATA from the outside."""
    monkeypatch.setenv("COLUMNS", "120")
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.delenv("LABORSTATS_DATA", raising=False)
    return CliRunner()


@pytest.fixture
def bundled() -> Path:
    return bundled_data_path()
