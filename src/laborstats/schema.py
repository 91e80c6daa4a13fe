"""The tables of a dataset and their columns, as the loader validates them."""

from __future__ import annotations

from dataclasses import dataclass, field

from laborstats.vocabulary import BASES, DIRECTIONS, KINDS, QUALIFIERS, UNITS


@dataclass(frozen=True)
class Column:
    """One column of a table: its Table Schema type and what a cell may hold.

    ``type`` is a Frictionless Table Schema type; ``figure`` marks columns whose
    cells are figures as reports write them (15.24万, 8000余万元, 近90), and
    ``count`` the figures that count things: whole, and never below zero.
    """

    name: str
    type: str
    description: str
    required: bool = False
    enum: tuple[str, ...] = ()
    figure: bool = False
    count: bool = False


@dataclass(frozen=True)
class Table:
    """A resource of the data package: its name, default file and columns."""

    name: str
    path: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = field(default=())

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns if column.required)

    def column(self, name: str) -> Column:
        return next(column for column in self.columns if column.name == name)


# What the period of an outcome may say (RE2 and Python read it alike).
PERIOD = r"(?:|[0-9]{4}|annual|cumulative|[1-9][0-9]* (?:years?|months?))"

# Where `laborstats extract` found a figure in a report's text, kept so that a
# person curating the rows can check them; no statistic reads them.
PROVENANCE = (
    Column(
        "written",
        "string",
        "The figure as the source text writes it (8000余万元, 第3名), when it was extracted.",
    ),
    Column(
        "unit_written",
        "string",
        "The unit or measure word the source writes after the figure (人, 元, %), "
        "without a scale word such as 万.",
    ),
    Column("offset", "integer", "Where the figure stands in the source text, in characters."),
    Column(
        "confidence",
        "number",
        "How well the metric's label matched the words beside the figure, from 0 to 1, "
        "when laborstats extract guessed it; blank for figures entered by hand.",
    ),
)
PROVENANCE_COLUMNS = tuple(column.name for column in PROVENANCE)

OUTCOMES = Table(
    name="outcomes",
    path="outcomes.csv",
    key=("year", "region", "entity", "metric", "period"),
    columns=(
        Column("year", "integer", "The year the figure belongs to.", required=True),
        Column("region", "string", "The region the figure covers.", required=True),
        Column(
            "entity",
            "string",
            "The studio, organisation or person the figure is about; blank for the region.",
        ),
        Column(
            "programme",
            "string",
            "The programme; must agree with metrics.csv, which fills it in when blank.",
        ),
        Column("metric", "string", "The metric key, defined in metrics.csv.", required=True),
        Column(
            "value",
            "string",
            "The figure in base units (persons, yuan, tonnes, percent points), "
            "or as a report writes it (15.24万, 8000余万元, 近90).",
            required=True,
            figure=True,
        ),
        Column(
            "qualifier",
            "string",
            "exact, approx (近, 约), at_least (多, 余) or at_most (最高); "
            "blank takes the qualifier written in the value.",
            enum=QUALIFIERS,
        ),
        Column(
            "period",
            "string",
            "What span the figure covers: the year itself, annual, cumulative, "
            "'N years' or 'N months'; blank when the report does not say.",
        ),
        Column(
            "basis",
            "string",
            "reported, or derived from other figures (the derivation is in source).",
            enum=BASES,
        ),
        Column("source", "string", "The quote the figure comes from, or its derivation."),
        *PROVENANCE,
    ),
)

METRICS = Table(
    name="metrics",
    path="metrics.csv",
    key=("metric",),
    columns=(
        Column("metric", "string", "The metric key used in outcomes.csv.", required=True),
        Column("programme", "string", "The programme the metric belongs to.", required=True),
        Column("label_en", "string", "The English label.", required=True),
        Column("label_zh", "string", "The Chinese label.", required=True),
        Column("unit", "string", "The base unit of the values.", required=True, enum=tuple(UNITS)),
        Column("kind", "string", "What sort of figure it is.", required=True, enum=KINDS),
        Column("direction", "string", "Which direction is better.", required=True, enum=DIRECTIONS),
        Column("formula", "string", "For a derived metric, its formula over other metrics."),
        Column(
            "flow_of",
            "string",
            "For a metric counting a year's additions, the stock metric they add to.",
        ),
    ),
)

_STUDIO_FIGURES = (
    ("national_projects", "National-level projects completed."),
    ("national_benchmark_cases", "National benchmark cases."),
    ("provincial_achievements", "Provincial and ministerial scientific achievements."),
    ("invention_patents", "Invention patents granted."),
    ("utility_model_patents", "Utility model patents granted."),
    ("papers_published", "Academic papers published."),
    ("software_copyrights", "Software copyrights registered."),
    ("research_funding", "Government research funding, yuan."),
    ("mentoring_agreements", "Mentoring (导师带徒) agreements signed."),
    ("annual_savings", "Cost savings per year, yuan."),
    ("economic_benefit", "Economic benefit over benefit_years, yuan."),
    ("benefit_years", "The years economic_benefit and the cumulative figures cover."),
    ("standard_coal_saved", "Standard coal saved per year, tonnes."),
    ("energy_consumption_reduction", "Reduction in energy consumption, percent."),
    ("innovation_projects_completed", "Technical innovation projects completed."),
    ("people_trained", "People trained (technical backbones)."),
    ("senior_title_promotions", "Members promoted to senior professional titles."),
    ("may_day_medals", "Members awarded a May Day Labour Medal."),
    ("pilot_enterprises", "Enterprises piloting the studio's result."),
    ("labour_cost_saving", "Labour cost saving, percent."),
    ("work_efficiency_gain", "Gain in work efficiency, percent."),
)
# The studio figures that count things (patents, people, medals), as a metric of kind count.
_STUDIO_COUNTS = frozenset(
    {
        "national_projects",
        "national_benchmark_cases",
        "provincial_achievements",
        "invention_patents",
        "utility_model_patents",
        "papers_published",
        "software_copyrights",
        "mentoring_agreements",
        "innovation_projects_completed",
        "people_trained",
        "senior_title_promotions",
        "may_day_medals",
        "pilot_enterprises",
    }
)

STUDIOS = Table(
    name="studios",
    path="studios.csv",
    key=("studio",),
    columns=(
        Column("studio", "string", "The studio's or team's name.", required=True),
        Column("organisation", "string", "The organisation it belongs to."),
        Column("kind", "string", "innovation_team, model_worker_studio, school_enterprise_studio…"),
        Column("region", "string", "The region it is in."),
        Column("founded", "integer", "The year it was founded, where the report says."),
        *(
            Column(name, "string", text, figure=True, count=name in _STUDIO_COUNTS)
            for name, text in _STUDIO_FIGURES
        ),
        Column("source", "string", "The quotes its figures come from."),
    ),
)

RULES = Table(
    name="rules",
    path="rules.csv",
    key=("rule",),
    columns=(
        Column("rule", "string", "A short key for the rule.", required=True),
        Column("description", "string", "What the rule says, for people."),
        Column(
            "check",
            "string",
            "Two formulas over metrics joined by == <= >= < or >, checked for every year, "
            "region and entity that has all its metrics.",
            required=True,
        ),
        Column(
            "severity",
            "string",
            "error (laborstats check fails) or warning; blank is error.",
            enum=("", "error", "warning"),
        ),
    ),
)

TABLES = (OUTCOMES, METRICS, STUDIOS, RULES)
