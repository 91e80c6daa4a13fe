"""Figures found in a report's text, and injected text cut from it."""

from __future__ import annotations

import io
import json
import math
import shutil
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from laborstats.cli import app
from laborstats.dataset import bundled_data_path, load_dataset
from laborstats.extract import find_figures, region_named, report_year
from laborstats.spam import strip_injected_text
from laborstats.stats.extract import units_fitting
from laborstats.stats.outcomes import OUTCOME_COLUMNS
from laborstats.stats.series import with_definitions
from tests.conftest import WriteFile

FIXTURES = Path(__file__).parent / "fixtures"
SCRAPED = FIXTURES / "qingyang_2024_report_scraped.txt"
CLEAN = FIXTURES / "qingyang_2024_report.txt"


def figures_in(text: str, year: int = 2024) -> pd.DataFrame:
    return find_figures(strip_injected_text(text), year)


def only_figure(text: str) -> dict[str, object]:
    figures = figures_in(text)
    assert len(figures) == 1, figures[["written", "value"]]
    return {str(name): value for name, value in figures.iloc[0].items()}


@pytest.mark.parametrize(
    ("text", "written", "value"),
    [
        ("共有1,234名职工参加", "1,234名", 1234),
        ("签订协议20份", "20份", 20),
        ("全市共有二名选手入围", "二名", 2),
        ("完成十五项技术攻关", "十五项", 15),
        ("两名选手获奖", "两名", 2),
        ("培训一百二十名技工", "一百二十名", 120),
        ("惠及两万人", "两万人", 20_000),
        ("投入三点五万元", "三点五万元", 35_000),
        ("共有１２３人参加", "１２３人", 123),
        ("发放资金1,234.5元", "1,234.5元", 1234.5),  # was 5元, from after the point
    ],
    ids=[
        "grouped",
        "arabic",
        "er",
        "shiwu",
        "liang",
        "hundreds",
        "liang-wan",
        "dian",
        "wide",
        "grouped-decimal",
    ],
)
def test_each_numeral_form_reads_as_its_value(text: str, written: str, value: float) -> None:
    figure = only_figure(text)
    assert (figure["written"], figure["value"], figure["qualifier"]) == (written, value, "exact")


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("新增技能人才2.1万人", 21_000, "人"),
        ("总量达15.24万人", 152_400, "人"),
        ("培训3千人次", 3_000, "人次"),
        ("完成投资1.5亿元", 150_000_000, "元"),
        ("挽回经济损失39.36万元", 393_600, "元"),
        ("节约标煤1.2万吨", 12_000, "吨"),
    ],
)
def test_scale_words_give_base_units(text: str, value: float, unit: str) -> None:
    figure = only_figure(text)
    assert (figure["value"], figure["unit"]) == (value, unit)


@pytest.mark.parametrize(
    ("text", "value", "qualifier"),
    [
        ("覆盖近90个工种", 90, "approx"),
        ("约300人参加", 300, "approx"),
        ("省部级科技成果30余项", 30, "at_least"),
        ("表彰团体奖110多个", 110, "at_least"),
        ("创造经济效益8000余万元", 80_000_000, "at_least"),
        ("超过500人受益", 500, "at_least"),
        ("1000人以上受益", 1000, "at_least"),
        ("发现隐患最高可获5000元奖励", 5000, "at_most"),
        ("不到20家企业", 20, "at_most"),
        ("200人左右", 200, "approx"),
        ("线上3个平台", 3, "exact"),
        ("节约1200吨标煤", 1200, "exact"),  # 节约 saves; its 约 is no "about"
    ],
)
def test_qualifiers_are_kept(text: str, value: float, qualifier: str) -> None:
    figure = only_figure(text)
    assert (figure["value"], figure["qualifier"]) == (value, qualifier)


@pytest.mark.parametrize(
    ("text", "value", "upper", "unit"),
    [
        ("每期培训3至5人", 3, 5, "人"),
        ("补助3-5万元", 30_000, 50_000, "元"),
        ("补助5万至8万元", 50_000, 80_000, "元"),
        ("效率提升10%-20%", 10, 20, "%"),
        ("招收三到五名学徒", 3, 5, "名"),
    ],
)
def test_a_range_is_at_least_its_lower_end_with_its_upper_end(
    text: str, value: float, upper: float, unit: str
) -> None:
    figure = only_figure(text)
    assert (figure["value"], figure["upper"], figure["qualifier"], figure["unit"]) == (
        value,
        upper,
        "at_least",
        unit,
    )


@pytest.mark.parametrize(
    ("text", "value", "qualifier"),
    [
        ("近万名职工参加", 10_000, "approx"),
        ("万余人参加", 10_000, "at_least"),
        ("百余人参加", 100, "at_least"),
        ("逾百家企业", 100, "at_least"),
        ("近千人", 1000, "approx"),
        ("上万人参与", 10_000, "at_least"),
        ("两万余人", 20_000, "at_least"),
        ("培训 3000 人", 3000, "exact"),
        ("发放 150 万元", 1_500_000, "exact"),
        ("增长12.5 %", 12.5, "exact"),
    ],
)
def test_a_scale_word_alone_or_a_space_before_the_unit_still_reads(
    text: str, value: float, qualifier: str
) -> None:
    figure = only_figure(text)
    assert (figure["value"], figure["qualifier"]) == (value, qualifier)


def test_a_figure_that_is_not_a_range_has_no_upper_end() -> None:
    assert math.isnan(float(str(only_figure("培训3人")["upper"])))


@pytest.mark.parametrize(
    "text",
    [
        "2024年,庆阳市首家工匠学院落户",
        "5月1日召开大会",
        "二〇二四年十二月",
        "2023-2024年度",
        "咨询电话0934-8212345",
        "举报电话12345",
        "以80后、90后为主的班组",
        "5G-A智能矿山",
        "身份证号620102199001011234",
        "获第二届大赛一等奖",
        "第3批试点",
        "一起努力,一个目标,一线职工,一场头脑风暴",
        "数十名职工",
        "获省五一劳动奖章",
        "学习“两个维护”和“四个意识”",
        "投资百十五人,一亿五元",
    ],
)
def test_dates_ordinals_telephone_numbers_and_identifiers_are_not_figures(text: str) -> None:
    assert figures_in(text).empty, figures_in(text)[["written", "value"]]


def test_a_rank_is_kept_as_a_rank_not_a_count() -> None:
    figure = only_figure("还在全国托育大赛中斩获第3名")
    assert (figure["written"], figure["value"], figure["rank"]) == ("第3名", 3, True)
    assert not only_figure("带动59名成员")["rank"]


def test_a_date_gives_the_period_and_the_year_not_a_figure() -> None:
    figures = figures_in("2023年,全市命名11个劳模创新工作室。全年新增技能人才2.1万人。")
    assert figures["written"].tolist() == ["11个", "2.1万人"]
    assert figures["period"].tolist() == ["2023", "2024"]
    assert figures["period_year"].tolist()[0] == 2023
    assert pd.isna(figures["period_year"].tolist()[1])


@pytest.mark.parametrize(
    ("text", "period", "year"),
    [
        ("2023年5月,新增技能人才2.1万人", "", 2023),
        ("2024年1至6月,调解劳动争议案件82起", "6 months", 2024),
        ("2023年,全市新增技能人才2.1万人", "2023", 2023),
        ("每年覆盖近90个工种", "annual", None),
    ],
)
def test_a_date_names_the_year_and_a_span_of_months(
    text: str, period: str, year: int | None
) -> None:
    figure = only_figure(text)
    assert figure["period"] == period
    assert str(figure["period_year"]) == ("<NA>" if year is None else str(year))


def test_the_report_year_is_the_one_named_most_and_not_a_target() -> None:
    assert report_year("力争到2027年建成示范点10个。2024年,2024年,2023年", 2026) == 2024
    assert report_year("力争到2027年建成示范点10个", 2026) is None
    assert report_year("2023年与2024年", 2026) == 2024


@pytest.mark.parametrize(
    ("text", "period"),
    [
        ("每年覆盖近90个工种", "annual"),
        ("年节约标煤1.2万吨", "annual"),
        ("全年为1.4万名一线职工开展服务", "2024"),
        ("累计完成技术革新项目46项", "cumulative"),
        ("自成立以来完成国家级项目2项", "cumulative"),
        ("该工作室成立5年来,累计完成技术革新项目46项", "5 years"),
        ("2024年,庆阳市总工会命名11个劳模创新工作室", "2024"),
        ("2024年以来,成功调解劳动争议案件82起", "2024"),  # since 2024, not 2024 years
        ("带动59名成员晋升高级职称", ""),
    ],
)
def test_the_period_comes_from_the_words_before_the_figure(text: str, period: str) -> None:
    assert only_figure(text)["period"] == period


def test_a_period_does_not_reach_into_the_next_sentence() -> None:
    figures = figures_in("每年表彰团体奖110多个。带动59名成员晋升高级职称")
    assert figures["period"].tolist() == ["annual", ""]


def test_each_figure_knows_its_clause_and_the_words_around_it() -> None:
    figures = figures_in(
        "2024年,庆阳市总工会命名11个劳模创新工作室和19个创新型班组,带动全市征集成果88项"
    )
    assert figures["clause"].tolist() == [
        "庆阳市总工会命名11个劳模创新工作室和19个创新型班组",
        "庆阳市总工会命名11个劳模创新工作室和19个创新型班组",
        "带动全市征集成果88项",
    ]
    # The words between two figures divide at 和: the studios are the 11's.
    assert figures["after"].tolist()[0] == "劳模创新工作室"
    assert figures["before"].tolist()[1] == ""
    assert figures["after"].tolist()[1] == "创新型班组"


def test_a_list_of_figures_shares_the_words_before_it() -> None:
    figures = figures_in("4个项目在国际发明展斩获2金1银1铜")
    assert figures["written"].tolist() == ["4个", "2金", "1银", "1铜"]
    assert figures["before"].tolist()[1:] == ["项目在国际发明展斩获"] * 3


# --- the sample report -------------------------------------------------------------------


def test_every_offset_points_at_the_figure_in_the_original_text() -> None:
    raw = SCRAPED.read_text(encoding="utf-8")
    figures = figures_in(raw)
    assert len(figures) > 50
    for offset, written in zip(figures["offset"], figures["written"], strict=True):
        assert raw[offset : offset + len(written)] == written


def test_cutting_the_scraped_report_gives_the_report_as_published() -> None:
    clean = strip_injected_text(SCRAPED.read_text(encoding="utf-8"))
    assert clean.text == CLEAN.read_text(encoding="utf-8")
    assert [(cut.text, cut.offset) for cut in clean.cuts] == [
        ("杨方配资", 11),
        ("杨方配资", 273),
        ("杨方配资", 896),
        ("杨方配资", 2067),
        ("万隆优配提示:文章来自网络,不代表本站观点。", 2095),
    ]
    assert clean.cuts[0].reason == (
        "repeated in 4 paragraphs, glued to the words before it, sharing none with the report"
    )
    assert clean.cuts[-1].reason == "a reposting site's closing note"


def test_the_report_names_its_year_and_region() -> None:
    text = CLEAN.read_text(encoding="utf-8")
    assert report_year(text, 2026) == 2024
    assert region_named(text, ["西峰区", "庆阳市", "兰州市"]) == "庆阳市"
    assert region_named(text, ["兰州市"]) is None


# --- injected text --------------------------------------------------------------------------

# Three paragraphs of a report, for a token to be glued into.
PARAGRAPHS = [
    "2024年以来,庆阳市总工会成功调解劳动争议案件82起,为职工挽回经济损失39.36万元。",
    "全年为1.4万名一线职工开展服务,发放物资价值150万元。",
    "为1515名困难职工子女发放助学金454.5万元,持续提升产业工人获得感。",
]


def test_a_token_repeated_across_paragraphs_is_cut_even_mid_clause() -> None:
    # No word of it is known: it is cut because it repeats in unrelated
    # paragraphs, glued to the word before it and mostly at a clause's end,
    # and shares no pair of characters with the report.
    glued = [
        "2024年以来,庆阳市总工会成功调解劳动鼎泰策略争议案件82起,为职工挽回经济损失39.36万元。",
        "全年为1.4万名一线职工开展服务鼎泰策略,发放物资价值150万元。",
        "为1515名困难职工子女发放助学金454.5万元,持续提升产业工人获得感鼎泰策略。",
    ]
    raw = "\n".join(glued)
    clean = strip_injected_text(raw)
    assert clean.text == "\n".join(PARAGRAPHS)
    assert [cut.text for cut in clean.cuts] == ["鼎泰策略"] * 3
    figures = find_figures(clean, 2024)
    assert "鼎泰策略" not in "".join(figures["clause"])
    assert figures["clause"].tolist()[0] == "庆阳市总工会成功调解劳动争议案件82起"
    assert figures["written"].tolist() == [
        "82起",
        "39.36万元",
        "1.4万名",
        "150万元",
        "1515名",
        "454.5万元",
    ]
    for offset, written in zip(figures["offset"], figures["written"], strict=True):
        assert raw[offset : offset + len(written)] == written


def test_a_single_stock_margin_promotion_is_cut() -> None:
    clean = strip_injected_text("全年为1.4万名一线职工开展服务华创配资,发放物资价值150万元。")
    assert clean.text == "全年为1.4万名一线职工开展服务,发放物资价值150万元。"
    assert clean.cuts[0].reason == "a stock-margin promotion"
    inside = strip_injected_text("全年杨方配资带动企业研发投入增长18%。")  # reached the data
    assert inside.text == "全年带动企业研发投入增长18%。"
    assert [cut.reason for cut in inside.cuts] == ["a stock-margin promotion"]


@pytest.mark.parametrize(
    "text",
    [
        "调配资金100万元,择优配备专职工会干部120名。",
        "统筹分配资源,公开择优配置岗位,合理调配资产。",
        "防范炒股诈骗,开展宣传3场。",
    ],
)
def test_words_inside_the_report_that_promotions_use_are_kept(text: str) -> None:
    assert strip_injected_text(text).cuts == ()


@pytest.mark.parametrize(
    "text",
    [
        # A unit and a noun after figures: 元奖励 hangs on a number.
        "发现隐患的职工最高可获5000元奖励。\n建议被采纳的,每条给予200元奖励。\n"
        "获评岗位能手的职工,每人发放1000元奖励。\n",
        # A thing the report names after 的: a noun, written.
        "研发的带电接火机器人,已试点。\n推广的机器人。\n更新了的机器人。\n",
    ],
)
def test_words_that_follow_a_number_or_a_function_word_are_kept(text: str) -> None:
    assert strip_injected_text(text).cuts == ()


@pytest.mark.parametrize(
    "line",
    [
        "驿站负责人说：“本站全年服务职工3000人次。”",
        "相关经验被人民网等20家媒体转载。",
    ],
)
def test_a_last_line_that_only_names_a_site_or_a_repost_is_kept(line: str) -> None:
    text = "全年为1.4万名一线职工开展服务。\n" + line + "\n"
    assert strip_injected_text(text).cuts == ()


def test_a_closing_note_at_the_end_of_the_last_paragraph_goes_alone() -> None:
    text = "全年为1.4万名一线职工开展服务,发放物资价值150万元。免责声明：本文转载自网络，侵删。"
    clean = strip_injected_text(text)
    assert clean.text == "全年为1.4万名一线职工开展服务,发放物资价值150万元。"
    assert [cut.text for cut in clean.cuts] == ["免责声明：本文转载自网络，侵删。"]


def test_words_asked_to_be_kept_are_not_cut() -> None:
    raw = SCRAPED.read_text(encoding="utf-8")
    clean = strip_injected_text(raw, keep=["杨方配资"])
    assert clean.text.count("杨方配资") == 4
    assert [cut.reason for cut in clean.cuts] == ["a reposting site's closing note"]


@pytest.mark.parametrize("copies", [2, 5])
def test_a_report_given_several_times_loses_nothing(copies: int) -> None:
    text = (CLEAN.read_text(encoding="utf-8") + "\n") * copies
    assert strip_injected_text(text).cuts == ()


def test_a_rare_word_the_report_repeats_mid_clause_is_not_cut() -> None:
    # 农民工 shares no pair of characters with the rest, hangs on the word
    # before it and repeats in three paragraphs, but never ends a clause.
    text = "四川籍农民工陈帮贵领回工资。\n他从农民工成长为技师。\n全市农民工技能提升。\n"
    assert strip_injected_text(text).cuts == ()


def test_words_the_report_repeats_are_not_cut() -> None:
    # 庆阳市 repeats in every paragraph, and shares no word with the rest, but
    # it starts clauses, where nothing is glued; a name repeats in two only.
    text = "\n".join(
        [
            "庆阳市总工会调解劳动争议案件82起,巩怀华带领团队攻坚3个月。",
            "庆阳市总工会为1.4万名职工开展服务。高级技师巩怀华培养12名骨干。",
            "庆阳市总工会发放助学金454.5万元,庆阳市职工踊跃参与。",
        ]
    )
    clean = strip_injected_text(text)
    assert (clean.text, clean.cuts) == (text, ())


def test_only_closing_boilerplate_lines_are_cut() -> None:
    text = (
        "本站记者报道:全市新增技能人才2.1万人。\n总量达15.24万人。\n\n"
        "某某提示:文章来自网络,不代表本站观点。\n"
    )
    clean = strip_injected_text(text)
    # The first line names 本站 too, but is followed by the report: only the end is cut.
    assert clean.text == "本站记者报道:全市新增技能人才2.1万人。\n总量达15.24万人。\n\n\n"
    assert [cut.reason for cut in clean.cuts] == ["a reposting site's closing note"]


# --- the command ----------------------------------------------------------------------------

SPAM = ("杨方配资", "万隆优配", "本站观点")


def extract_csv(runner: CliRunner, *args: str) -> tuple[pd.DataFrame, str]:
    result = runner.invoke(app, ["extract", str(SCRAPED), "--format", "csv", *args])
    assert result.exit_code == 0, result.stderr
    frame = pd.read_csv(io.StringIO(result.stdout), keep_default_na=False, dtype=str)
    return frame, result.stderr


def test_extract_finds_the_bundled_figures_with_their_value_unit_and_qualifier(
    runner: CliRunner,
) -> None:
    found, _ = extract_csv(runner)
    bundled = load_dataset()
    truth = with_definitions(bundled.outcomes, bundled.metrics)
    extracted = [
        (float(value), qualifier, units_fitting(unit) | ({"place"} if unit == "名" else set()))
        for value, qualifier, unit in zip(
            found["value"], found["qualifier"], found["unit_written"], strict=True
        )
    ]
    matched = [
        any(
            value == figure and qualifier == stated and unit in units
            for value, qualifier, units in extracted
        )
        for figure, stated, unit in zip(
            truth["value"], truth["qualifier"], truth["unit"], strict=True
        )
    ]
    recall = sum(matched) / len(matched)
    assert len(matched) == 53
    assert recall >= 0.95, truth.loc[[not hit for hit in matched], ["metric", "value"]]


def test_extract_guesses_the_metrics_of_the_bundled_figures(runner: CliRunner) -> None:
    found, _ = extract_csv(runner)
    truth = load_dataset().outcomes
    by_offset = found.set_index("written")
    guessed = found[found["metric"] != ""]
    right = set(zip(guessed["metric"], guessed["value"].astype(float), strict=True)) & set(
        zip(truth["metric"], truth["value"], strict=True)
    )
    assert len(right) >= 0.9 * len(truth)
    assert by_offset.loc["1.2万吨", "metric"] == "standard_coal_saved"
    # A metric is guessed once at most, and a guess has a confidence.
    assert guessed["metric"].is_unique
    assert (guessed["confidence"].astype(float) > 0).all()
    assert (found.loc[found["metric"] == "", "confidence"].astype(float) == 0).all()


def test_extract_keeps_no_injected_text_and_says_what_it_cut(runner: CliRunner) -> None:
    found, err = extract_csv(runner)
    for column in found.columns:
        for word in SPAM:
            assert not found[column].str.contains(word).any(), (column, word)
    assert err.splitlines() == [
        'Note: cut "杨方配资" 4 times (at 11, 273, 896, 2067): repeated in 4 paragraphs, '
        "glued to the words before it, sharing none with the report",
        'Note: cut "万隆优配提示:文章来自网络,不代表本站观点。" (at 2095): '
        "a reposting site's closing note",
    ]


def test_extracted_rows_load_as_a_dataset(runner: CliRunner, tmp_path: Path) -> None:
    shutil.copy(bundled_data_path() / "metrics.csv", tmp_path / "metrics.csv")
    output = str(tmp_path / "outcomes.csv")
    result = runner.invoke(app, ["extract", str(SCRAPED), "--min-confidence", "0.01", "-o", output])
    assert result.exit_code == 0, result.stderr
    dataset = load_dataset(str(tmp_path))
    assert len(dataset.outcomes) >= 50
    assert set(dataset.outcomes["region"]) == {"庆阳市"}
    assert set(dataset.outcomes["year"]) == {2024}
    checked = runner.invoke(app, ["check", "--data", str(tmp_path)])
    assert checked.exit_code == 0, checked.stdout
    # The provenance columns come back out of the dataset as they went in.
    again = runner.invoke(app, ["outcomes", "--data", str(tmp_path), "--format", "csv"])
    written = pd.read_csv(io.StringIO(again.stdout), keep_default_na=False, dtype=str)
    assert list(written.columns) == OUTCOME_COLUMNS
    assert written.loc[written["metric"] == "economic_benefit", "written"].item() == "8000余万元"


def test_without_a_confidence_floor_rows_need_a_person_before_they_load(
    runner: CliRunner, write_file: WriteFile
) -> None:
    report = write_file("report.txt", "2024年,庆阳市新增技能人才2.1万人,另有神秘数字7件。")
    folder = report.parent
    shutil.copy(bundled_data_path() / "metrics.csv", folder / "metrics.csv")
    result = runner.invoke(app, ["extract", str(report), "-o", str(folder / "outcomes.csv")])
    assert result.exit_code == 0, result.stderr
    rows = pd.read_csv(folder / "outcomes.csv", keep_default_na=False, dtype=str)
    assert rows[["written", "metric", "confidence"]].values.tolist() == [
        ["2.1万人", "skilled_talents_new", "1"],
        ["7件", "", "0"],
    ]
    checked = runner.invoke(app, ["outcomes", "--data", str(folder)])
    assert checked.exit_code == 1
    assert checked.stderr == (
        f'Error: {folder / "outcomes.csv"}:3: column "metric": empty cell; found ""; '
        "expected a value\n"
    )


def test_extract_json_carries_the_csv_rows(runner: CliRunner) -> None:
    found, _ = extract_csv(runner)
    result = runner.invoke(app, ["extract", str(SCRAPED), "--format", "json"])
    records = json.loads(result.stdout)
    assert len(records) == len(found)
    assert list(records[0]) == OUTCOME_COLUMNS
    first = records[0]
    assert (first["value"], first["offset"], first["written"], first["confidence"]) == (
        8000,
        36,
        "8000元",
        float(found["confidence"][0]),
    )


def test_extract_table_names_what_it_found(runner: CliRunner) -> None:
    result = runner.invoke(app, ["extract", str(SCRAPED), "--format", "table"])
    assert result.exit_code == 0, result.stderr
    assert "Figures found in the report" in result.stdout
    assert "≥ 80,000,000" in result.stdout
    assert "53 figures, 52 with a metric guessed" in " ".join(result.stdout.split())
    zh = runner.invoke(app, ["extract", str(SCRAPED), "--format", "table", "--lang", "zh"])
    assert "从报告中提取的数字" in zh.stdout


def test_extract_reads_standard_input_and_takes_year_and_region(runner: CliRunner) -> None:
    text = "全年新增技能人才2.1万人,总量达15.24万人。"
    result = runner.invoke(
        app,
        ["extract", "-", "--year", "2023", "--region", "西峰区", "-f", "csv"],
        input=text.encode("gb18030"),
    )
    assert result.exit_code == 0, result.stderr
    rows = pd.read_csv(io.StringIO(result.stdout), keep_default_na=False, dtype=str)
    assert rows[["year", "region", "metric", "value", "period"]].values.tolist() == [
        ["2023", "西峰区", "skilled_talents_new", "21000", "2023"],
        ["2023", "西峰区", "skilled_talents_total", "152400", "2023"],
    ]


@pytest.mark.parametrize(
    ("args", "text", "message"),
    [
        ([], "全市新增技能人才2.1万人。", "the text names no year (such as 2024年): give --year"),
        (
            ["--year", "2024"],
            "全市新增技能人才2.1万人。",
            "the text names none of the dataset's regions (庆阳市): give --region",
        ),
    ],
)
def test_extract_asks_for_what_the_text_does_not_say(
    runner: CliRunner, write_file: WriteFile, args: list[str], text: str, message: str
) -> None:
    report = write_file("report.txt", text)
    result = runner.invoke(app, ["extract", str(report), *args])
    assert result.exit_code == 2
    assert message in " ".join(result.stderr.replace("│", " ").split())


def test_extract_errors_are_one_line(runner: CliRunner, tmp_path: Path) -> None:
    missing = tmp_path / "missing.txt"
    result = runner.invoke(app, ["extract", str(missing)])
    assert (result.exit_code, result.stderr) == (1, f"Error: {missing}: no such file\n")
    both = runner.invoke(app, ["extract", "-", "--data", "-"], input="x")
    assert both.exit_code == 2
    assert "standard input cannot be both the report and --data" in both.stderr


def test_extract_keeps_words_asked_and_says_what_it_left_out(
    runner: CliRunner, write_file: WriteFile
) -> None:
    kept = runner.invoke(app, ["extract", str(SCRAPED), "-f", "csv", "--keep", "杨方配资"])
    assert kept.exit_code == 0, kept.stderr
    assert "杨方配资" not in kept.stderr
    report = write_file(
        "big.txt", "2024年,庆阳市培训99999999999999999999999亿人,新增技能人才2.1万人。"
    )
    result = runner.invoke(app, ["extract", str(report), "-f", "csv"])
    assert result.exit_code == 0, result.stderr
    assert result.stderr == (
        "Note: left out 99999999999999999999999亿人 (at 11): too large to hold exactly\n"
    )
    rows = pd.read_csv(io.StringIO(result.stdout), keep_default_na=False, dtype=str)
    assert rows["written"].tolist() == ["2.1万人"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "no text; expected a report's text"),
        ("杨方配资\n".encode(), "no text once the injected text is cut"),
        (b"\x00\x01\x02", "a NUL character: this is not a text file, or it is damaged"),
    ],
)
def test_a_report_without_text_is_a_data_problem(
    runner: CliRunner, write_file: WriteFile, content: bytes, message: str
) -> None:
    report = write_file("report.txt", content)
    result = runner.invoke(app, ["extract", str(report), "--year", "2024"])
    assert result.exit_code == 1
    error = result.stderr.splitlines()[-1]
    assert error.startswith(f"Error: {report}")
    assert message in error
