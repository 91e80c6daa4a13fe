"""Guessing a metric for each figure of a report, and the rows that come of it."""

from __future__ import annotations

import pandas as pd
import pytest

from laborstats.dataset import load_dataset
from laborstats.extract import find_figures
from laborstats.spam import strip_injected_text
from laborstats.stats.extract import candidate_rows, guess_metrics, units_fitting
from laborstats.stats.outcomes import OUTCOME_COLUMNS


@pytest.fixture(scope="module")
def metrics() -> pd.DataFrame:
    return load_dataset().metrics


def guessed(text: str, metrics: pd.DataFrame) -> list[str]:
    figures = find_figures(strip_injected_text(text), 2024)
    return guess_metrics(figures, metrics)["metric"].tolist()


def test_the_words_beside_a_figure_name_its_metric(metrics: pd.DataFrame) -> None:
    text = (
        "全年新增技能人才2.1万人,总量达15.24万人。"
        "成功调解劳动争议案件82起,为职工挽回经济损失39.36万元。"
    )
    assert guessed(text, metrics) == [
        "skilled_talents_new",
        # 总量 alone is little, but the new talents took their metric.
        "skilled_talents_total",
        "disputes_mediated",
        "losses_recovered",
    ]


def test_the_unit_decides_between_metrics_the_words_fit(metrics: pd.DataFrame) -> None:
    # 发放助学金 fits the grant (yuan); the children are persons.
    assert guessed("为1515名困难职工子女发放助学金454.5万元", metrics) == [
        "study_grant_children",
        "study_grant_amount",
    ]
    # 节约人工成本 is a rate; 节约成本 in yuan is the savings.
    assert guessed("节约人工成本67%,每年为企业节约成本560万元", metrics) == [
        "labour_cost_saving",
        "cost_savings",
    ]
    # Medals are named by their measure word.
    assert guessed("4个项目在国际发明展斩获2金1银1铜", metrics) == [
        "invention_expo_medal_projects",
        "invention_expo_gold",
        "invention_expo_silver",
        "invention_expo_bronze",
    ]


def test_a_rank_only_takes_a_rank_metric(metrics: pd.DataFrame) -> None:
    assert guessed("在全国托育大赛中斩获第3名", metrics) == ["national_contest_rank"]
    assert guessed("全国托育大赛共有30名选手", metrics) == [""]


def test_unsure_is_blank_never_invented(metrics: pd.DataFrame) -> None:
    # Nothing beside these figures is a label of metrics.csv.
    assert guessed("食堂新添了7台冰柜,来了40位客人。", metrics) == ["", ""]
    # Two labels fit 技术 equally: no guess.
    assert guessed("技术人员近80名", metrics) == [""]


def test_each_metric_goes_to_one_figure(metrics: pd.DataFrame) -> None:
    result = guessed("发表学术论文12篇。另一团队发表学术论文9篇。", metrics)
    assert result == ["papers_published", ""]


def test_derived_metrics_are_never_guessed(metrics: pd.DataFrame) -> None:
    # 人均助学金 is computed from the grant and the children.
    assert guessed("人均助学金3000元", metrics) != ["study_grant_per_child"]


def test_units_that_fit_a_measure_word() -> None:
    assert units_fitting("元") == {"yuan"}
    assert units_fitting("名") == {"person", "place"}
    assert units_fitting("篇") == {"paper", "item"}
    assert "studio" in units_fitting("个")
    # A measure word no unit is named by counts things.
    assert "item" in units_fitting("件")
    assert "person" not in units_fitting("件")


def test_candidate_rows_are_outcome_rows_with_their_evidence(metrics: pd.DataFrame) -> None:
    text = "2023年,全市新增技能人才2.1万人,另有7件。"
    figures = find_figures(strip_injected_text(text), 2024)
    rows = candidate_rows(
        figures, guess_metrics(figures, metrics), metrics, year=2024, region="庆阳市"
    )
    assert list(rows.columns) == OUTCOME_COLUMNS
    assert rows.to_dict("records") == [
        {
            "year": 2023,
            "region": "庆阳市",
            "entity": "",
            "programme": "skills",
            "metric": "skilled_talents_new",
            "value": 21000.0,
            "qualifier": "exact",
            "period": "2023",
            "basis": "reported",
            "source": "全市新增技能人才2.1万人",
            "written": "2.1万人",
            "unit_written": "人",
            "offset": 14,
            "confidence": 1.0,
        },
        {
            "year": 2023,
            "region": "庆阳市",
            "entity": "",
            "programme": "",
            "metric": "",
            "value": 7.0,
            "qualifier": "exact",
            "period": "2023",
            "basis": "reported",
            "source": "另有7件",
            "written": "7件",
            "unit_written": "件",
            "offset": 22,
            "confidence": 0.0,
        },
    ]
