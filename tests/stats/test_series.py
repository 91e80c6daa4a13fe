"""What summary, growth and compare share (series.py)."""

from __future__ import annotations

import pandas as pd
from pandas.testing import assert_frame_equal

from laborstats.codes import as_codes, as_texts, is_coded
from laborstats.stats.series import with_definitions
from tests.stats.frames import metrics_frame

METRICS = metrics_frame()


def test_coded_metrics_get_coded_definitions_with_the_texts_of_a_merge() -> None:
    # A metric the dictionary lacks and a missing one get no definition, as in a merge.
    frame = pd.DataFrame(
        {
            "metric": pd.Series(["grants", "unknown", None, "coverage", "grants"], dtype="str"),
            "value": [1.0, 2.0, 3.0, 4.0, 5.0],
        },
        index=[10, 11, 12, 13, 14],
    )
    merged = with_definitions(frame, METRICS, extra=("programme",))
    coded = with_definitions(as_codes(frame, ["metric"]), METRICS, extra=("programme",))
    assert all(is_coded(coded[name]) for name in ["metric", "label_en", "unit", "programme"])
    assert_frame_equal(as_texts(coded), merged)
    # The dictionary's texts, each once and sorted, as codes.as_codes would make them.
    assert list(coded["kind"].cat.categories) == sorted(set(METRICS["kind"]))
