"""The synthetic multi-year example dataset: reproducible, and labelled synthetic."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from laborstats.dataset import bundled_data_path, load_dataset
from laborstats.errors import DataSourceError

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = bundled_data_path() / "examples" / "qingyang-counties"


def test_the_generator_reproduces_the_committed_files(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location(
        "make_example", ROOT / "scripts" / "make_example_data.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.main(tmp_path / "again")
    for name in ("outcomes.csv", "metrics.csv", "datapackage.json"):
        assert (tmp_path / "again" / name).read_bytes() == (EXAMPLE / name).read_bytes(), name


def test_eight_counties_over_six_years_labelled_synthetic() -> None:
    dataset = load_dataset(str(EXAMPLE))
    assert dataset.title.startswith("SYNTHETIC")
    assert sorted(dataset.outcomes["year"].unique().tolist()) == list(range(2019, 2025))
    assert dataset.outcomes["region"].nunique() == 8
    assert set(dataset.outcomes["source"]) == {"synthetic example, not a real figure"}


def test_stocks_grow_by_at_most_their_new_additions() -> None:
    outcomes = load_dataset(str(EXAMPLE)).outcomes
    wide = outcomes.pivot_table(index=["region", "year"], columns="metric", values="value")
    change = wide["skilled_talents_total"].groupby(level="region").diff()
    assert (change.dropna() <= wide["skilled_talents_new"][change.notna()]).all()


def test_installed_examples_load_by_name() -> None:
    dataset = load_dataset("example:qingyang-counties")
    assert dataset.location == "example:qingyang-counties"
    assert dataset.title == load_dataset(str(EXAMPLE)).title


def test_an_unknown_example_names_the_ones_there_are() -> None:
    with pytest.raises(DataSourceError) as caught:
        load_dataset("example:qingyang")
    assert str(caught.value) == (
        "example:qingyang: no such example dataset; expected one of example:qingyang-counties"
    )
