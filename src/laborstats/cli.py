"""The laborstats command line: parse options, call the library, render, map errors."""

from __future__ import annotations

import functools
import inspect
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, replace
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, ParamSpec, TypeVar

import typer

from laborstats import __version__
from laborstats.__main__ import EXIT_INTERRUPTED
from laborstats.errors import LaborstatsError, NoFiguresError
from laborstats.options import (
    DataOption,
    DebugOption,
    EncodingOption,
    ExcelOption,
    FormatOption,
    LangOption,
    OutputOption,
    RejectsOption,
    SkipBadRowsOption,
)
from laborstats.render import REPORT_SUFFIXES, Lang, OutputFormat, ReportFormat

if TYPE_CHECKING:
    from collections.abc import Sequence

    import pandas as pd

    from laborstats.columnar import Years
    from laborstats.dataset import Dataset
    from laborstats.render import View
    from laborstats.spam import Cut

P = ParamSpec("P")
R = TypeVar("R")

EXIT_DATA_PROBLEM = 1

app = typer.Typer(
    name="laborstats",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def _first_line(error: Exception) -> str:
    return next(iter(str(error).splitlines()), "")


def _show_version(value: bool) -> None:
    if value:
        typer.echo(f"laborstats {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_show_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """Statistics for the results of trade-union programmes: skills, innovation,
    rights and welfare.

    Every command reads the bundled Qingyang 2024 dataset unless given --data
    (or LABORSTATS_DATA), and writes a table on a terminal, CSV into a pipe,
    or any other --format. Exit codes: 0 done, 1 a problem with the data,
    2 a mistake in the command line.
    """


def reports_errors(command: Callable[P, R]) -> Callable[P, R]:
    """The one place where problems become messages and exit codes.

    A LaborstatsError is one line on stderr and exit 1 (a traceback only with
    --debug); a closed pipe ends quietly; Ctrl-C ends with 130.
    """

    @functools.wraps(command)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return command(*args, **kwargs)
        except LaborstatsError as error:
            if kwargs.get("debug"):
                raise
            typer.echo(f"Error: {error}", err=True)
            raise typer.Exit(EXIT_DATA_PROBLEM) from None
        except BrokenPipeError:
            # The reader has gone (| head): stop writing, say nothing.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            raise typer.Exit(0) from None
        except KeyboardInterrupt:
            typer.echo("Interrupted.", err=True)
            raise typer.Exit(EXIT_INTERRUPTED) from None
        except (typer.Exit, typer.BadParameter):
            raise
        except Exception as error:
            if kwargs.get("debug"):
                raise
            typer.echo(
                f"Error: internal error ({type(error).__name__}: {_first_line(error)}); "
                "please report it with the output of --debug",
                err=True,
            )
            raise typer.Exit(EXIT_DATA_PROBLEM) from None

    return run


@dataclass(frozen=True)
class Streams:
    """Where a command reads its data and writes its result, and how.

    ``load`` decodes and checks the dataset, setting bad rows aside (and
    writing them to ``rejects``) when asked; ``emit`` renders a view to
    standard output or, atomically, to ``output``. Combinations that cannot
    work are usage errors before anything is read or written.
    """

    data: str | None
    encoding: str | None
    skip_bad_rows: bool
    rejects: Path | None
    output_format: OutputFormat
    output: Path | None
    excel: bool

    def load(self, years: Years | None = None) -> Dataset:
        """Load and check the dataset, keeping the outcomes of ``years`` (default: all);
        with --rejects, write the rows set aside."""
        from laborstats.columnar import ALL_YEARS
        from laborstats.console import LoadProgress
        from laborstats.dataset import load_dataset

        self._check_usage()
        with LoadProgress(f"Reading {self.data or 'the bundled dataset'}") as progress:
            dataset = load_dataset(
                self.data,
                encoding=self.encoding,
                skip_bad_rows=self.skip_bad_rows or self.rejects is not None,
                years=years or ALL_YEARS,
                progress=progress,
            )
        if self.rejects is not None:
            from laborstats.render import resolve_format
            from laborstats.views import rejects_view

            chosen = resolve_format(OutputFormat.AUTO, self.rejects, stdout_is_terminal=False)
            by_suffix = (OutputFormat.TSV, OutputFormat.JSON, OutputFormat.JSONL, OutputFormat.XLSX)
            if chosen not in by_suffix:  # a table or Markdown would not keep each row as written
                chosen = OutputFormat.CSV
            self._write(rejects_view(dataset.rejected), chosen, Lang.EN, self.rejects)
        return dataset

    def emit(self, view: View, lang: Lang, dataset: Dataset | None = None) -> None:
        """Render ``view``, saying beside it how many rows of ``dataset`` were set aside."""
        from laborstats.render import print_table, resolve_format
        from laborstats.views import set_aside_note

        if dataset is not None:
            rejects = None if self.rejects is None else str(self.rejects)
            note = set_aside_note(dataset.rejected, rejects, lang)
            view = view.noted(note)
        output = self._output()
        chosen = (
            OutputFormat.CSV
            if self.excel
            else resolve_format(self.output_format, output, _stdout_is_terminal())
        )
        if view.note and chosen not in (OutputFormat.TABLE, OutputFormat.MARKDOWN):
            for line in view.note.splitlines():
                typer.echo(f"Note: {line}", err=True)
        if output is None and chosen is OutputFormat.TABLE:
            from laborstats.console import stdout_console
            from laborstats.errors import OutputError
            from laborstats.render import TERMINAL_ROWS, first_rows

            if sys.stdout is None:  # closed (>&-): Rich would write nowhere, and say nothing
                raise OutputError("cannot write: it is closed", where="standard output")

            if _stdout_is_terminal():  # a file or a pipe gets every row
                view = first_rows(view, TERMINAL_ROWS, lang)
            console = stdout_console()
            print_table(view, lang, console)
            console.file.flush()
            return
        self._write(view, chosen, lang, output)

    def _write(self, view: View, chosen: OutputFormat, lang: Lang, path: Path | None) -> None:
        from laborstats.output import write_atomically, write_stdout
        from laborstats.render import excel_csv_parts, render_parts

        excel = self.excel and chosen is OutputFormat.CSV
        text = excel_csv_parts(view) if excel else render_parts(view, chosen, lang)
        if path is None:
            write_stdout(text)
        else:
            write_atomically(path, text)

    def _output(self) -> Path | None:
        return None if self.output is None or str(self.output) == "-" else self.output

    def _check_usage(self) -> None:
        from laborstats.output import is_terminal
        from laborstats.render import BINARY_FORMATS, resolve_format

        output = self._output()
        if self.excel:
            by_suffix = resolve_format(OutputFormat.AUTO, output, stdout_is_terminal=False)
            if self.output_format not in (OutputFormat.AUTO, OutputFormat.CSV):
                clash = f"--format {self.output_format.value}"
            elif output is not None and by_suffix not in (OutputFormat.AUTO, OutputFormat.CSV):
                clash = f'"{output.name}"'
            else:
                clash = ""
            if clash:
                raise typer.BadParameter(
                    f"writes CSV, so it does not go with {clash}", param_hint="'--excel'"
                )
        elif resolve_format(self.output_format, output, False) is OutputFormat.AUTO:
            raise typer.BadParameter(
                f'cannot tell a format from "{output}": name it .csv, .tsv, .json, .jsonl, .md, '
                ".txt or .xlsx, or give --format",
                param_hint="'--output'",
            )
        chosen = resolve_format(self.output_format, output, _stdout_is_terminal())
        to_terminal = _stdout_is_terminal() if output is None else is_terminal(output)
        if chosen in BINARY_FORMATS and to_terminal:
            raise typer.BadParameter(
                f"{chosen.value} is a file, not text for a terminal: give -o FILE.{chosen.value} "
                "or redirect standard output to a file",
                param_hint="'--format'",
            )
        if self.rejects is not None and str(self.rejects) == "-":
            raise typer.BadParameter(
                "needs a file: standard output carries the result", param_hint="'--rejects'"
            )
        if self.rejects is not None and output is not None and _same_file(self.rejects, output):
            raise typer.BadParameter(
                f"{self.rejects} is the output; name another file", param_hint="'--rejects'"
            )
        _check_not_read(self.data, {"'--output'": output, "'--rejects'": self.rejects})


def _stdout_is_terminal() -> bool:
    return sys.stdout is not None and sys.stdout.isatty()  # (closed: None)


def _check_not_read(data: str | None, written: dict[str, Path | None]) -> None:
    """Refuse to write over a file the dataset ``data`` is read from (``written``: each
    file to write, by its option): the result of a load is no dataset, and the rows it
    read would be lost."""
    from laborstats.dataset import dataset_files, joins_parquet_files

    paths = {option: path for option, path in written.items() if path is not None}
    if not paths:
        return
    read, parquet_folder = dataset_files(data)
    for hint, path in paths.items():
        if any(_same_file(path, file) for file in read):
            raise typer.BadParameter(
                f"{path} is a file of the dataset; name another file", param_hint=hint
            )
        if parquet_folder is not None and joins_parquet_files(parquet_folder, path):
            raise typer.BadParameter(
                f"{path} would join the dataset's Parquet files; name a file outside "
                f"{parquet_folder}",
                param_hint=hint,
            )


def _same_file(a: Path, b: Path) -> bool:
    """Whether ``a`` and ``b`` are the same file, through links (soft or hard) too."""
    if a.resolve() == b.resolve():  # the same name, there yet or not
        return True
    try:
        return a.samefile(b)
    except OSError:  # one is not there
        return False


def _shared_options(
    data: DataOption = None,
    encoding: EncodingOption = None,
    skip_bad_rows: SkipBadRowsOption = False,
    rejects: RejectsOption = None,
    output_format: FormatOption = OutputFormat.AUTO,
    output: OutputOption = None,
    excel: ExcelOption = False,
    lang: LangOption = Lang.EN,
    debug: DebugOption = False,
) -> None:
    """The options every command takes, in the order --help lists them after its own."""


_STREAMS = ("data", "encoding", "skip_bad_rows", "rejects", "output_format", "output", "excel")


def with_streams(command: Callable[..., None]) -> Callable[..., None]:
    """Give ``command`` the shared options, passed to it as one ``streams`` (and ``lang``
    and ``debug`` where it asks for them), so that each command declares only its own."""
    own = inspect.signature(command, eval_str=True)
    shared = inspect.signature(_shared_options, eval_str=True).parameters.values()
    replaced = ("streams", "lang", "debug")
    parameters = [
        *(parameter for name, parameter in own.parameters.items() if name not in replaced),
        *(parameter.replace(kind=inspect.Parameter.KEYWORD_ONLY) for parameter in shared),
    ]

    @functools.wraps(command)
    def run(**options: Any) -> None:
        streams = Streams(*(options.pop(name) for name in _STREAMS))
        for name in ("lang", "debug"):
            if name not in own.parameters:
                del options[name]
        try:
            command(**options, streams=streams)
        except NoFiguresError as error:
            if error.where is None and streams.data is not None:
                error.where = "<stdin>" if streams.data == "-" else streams.data
            raise

    run.__signature__ = own.replace(parameters=parameters)  # type: ignore[attr-defined]
    run.__annotations__ = {parameter.name: parameter.annotation for parameter in parameters}
    return run


def _with_derived(dataset: Dataset) -> Dataset:
    """``dataset`` with its derived figures among the outcomes (see with_derived_metrics).

    Only for a dataset nothing else holds: its outcomes are emptied as the
    derived figures are appended, each column let go once copied, so that a
    large table is never held twice (0.3 GB at 10M rows).
    """
    from laborstats.codes import appended
    from laborstats.columnar import give_memory_back
    from laborstats.stats.derived import derived_figures, derived_reporters

    outcomes = dataset.outcomes
    derived = derived_figures(outcomes, dataset.metrics)
    give_memory_back()  # what the derivation freed, before the table is copied
    if derived is not None:
        outcomes = appended(outcomes, derived)
        give_memory_back()
    reporters = dataset.reporters
    if reporters is not None:
        reporters = derived_reporters(outcomes, reporters)
    return replace(dataset, outcomes=outcomes, reporters=reporters)


@app.command()
@reports_errors
@with_streams
def summary(
    year: Annotated[
        int | None,
        typer.Option(
            "--year", "-y", metavar="YEAR", help="The year to show.", show_default="the latest year"
        ),
    ] = None,
    programme: Annotated[
        list[str] | None,
        typer.Option(
            "--programme",
            "-p",
            metavar="NAME",
            help="Only these programmes (repeat, or separate with commas): skills, innovation, "
            "rights, services, aid, representation, safety in the bundled data.",
            show_default="all",
        ),
    ] = None,
    *,
    streams: Streams,
    lang: Lang,
) -> None:
    """Headline figures of one year, by programme, with the change on the year before.

    Each figure keeps its qualifier: ≈ approximate (近, 约), ≥ at least (多, 余),
    ≤ at most (最高). Where the year before is in the data, the change and the
    % change are shown; percent figures change in percentage points. Metrics
    with a formula in metrics.csv (such as the study grant per child) are
    computed from their inputs and marked derived (†).

    Examples:

      laborstats summary

      laborstats summary --lang zh --programme skills

      laborstats summary --format json -o summary.json
    """
    from laborstats.columnar import Years
    from laborstats.stats.summary import summarise
    from laborstats.views import summary_view

    # The year, the year before (for the change) and the year after (whose
    # additions give the year's opening stock): no other row counts.
    window = Years(latest=2) if year is None else Years(frozenset({year - 1, year, year + 1}))
    dataset = _with_derived(streams.load(window))
    if year is not None and year not in set(dataset.outcomes["year"]):
        # The years the message offers include derived ones, which need every row.
        dataset = _with_derived(streams.load())
    result = summarise(
        dataset.outcomes, dataset.metrics, year=year, programmes=_names(programme, "--programme")
    )
    view = summary_view(result, dataset, lang)
    streams.emit(view, lang, dataset)


@app.command()
@reports_errors
@with_streams
def metrics(
    *,
    streams: Streams,
    lang: Lang,
) -> None:
    """The metric dictionary: key, labels, unit, kind, programme, which way is better,
    formula, and the years and number of figures each metric has in the data.

    Derived figures count too: those a formula yields, and a stock's year before
    derived from its flow (so a stock's first year may come before the data's).

    Examples:

      laborstats metrics

      laborstats metrics --format csv -o metrics.csv
    """
    from laborstats.columnar import Years
    from laborstats.stats.metrics import metric_coverage
    from laborstats.views import metrics_view

    # Counts and amounts no derived figure uses are summed as a large file is read:
    # their partial totals count their figures and years, and who reports each series
    # their regions (every row held took 0.9 GB at 10M rows). Coverage quotes none.
    dataset = _with_derived(streams.load(Years(summed=True, quotes=False)))
    coverage = metric_coverage(
        dataset.outcomes, dataset.metrics, dataset.reporters, dataset.partial
    )
    streams.emit(metrics_view(coverage, dataset, lang), lang, dataset)


@app.command()
@reports_errors
@with_streams
def outcomes(
    year: Annotated[
        int | None,
        typer.Option("--year", "-y", metavar="YEAR", help="Only this year.", show_default="all"),
    ] = None,
    metric: Annotated[
        list[str] | None,
        typer.Option(
            "--metric",
            "-m",
            metavar="METRIC",
            help="Only these metrics (repeat, or separate with commas).",
            show_default="all",
        ),
    ] = None,
    *,
    streams: Streams,
    lang: Lang,
) -> None:
    """The outcome rows as loaded: checked, typed, in base units, in the file's order.

    CSV carries the columns of outcomes.csv, so what is written loads again
    as a dataset (JSON carries them too, for other tools): a file read in
    another encoding, with figures written as reports write them (15.24万,
    近90), comes out as clean UTF-8 in base units with a qualifier column.

    Examples:

      laborstats outcomes --metric disputes_mediated

      laborstats outcomes --data sent.csv --encoding big5 --rejects bad.csv -o clean.csv
    """
    from laborstats.columnar import Years
    from laborstats.stats.outcomes import outcome_rows
    from laborstats.stats.series import choose_year
    from laborstats.views import outcomes_view

    dataset = streams.load(None if year is None else Years(frozenset({year})))
    if year is not None:
        choose_year(dataset.years, year)
    result = outcome_rows(
        dataset.outcomes, dataset.metrics, year=year, names=_names(metric, "--metric")
    )
    view = outcomes_view(result, dataset, lang)
    streams.emit(view, lang, dataset)


class GrowthBy(StrEnum):
    """What a growth series covers."""

    TOTAL = "total"
    REGION = "region"


@app.command()
@reports_errors
@with_streams
def growth(
    metric: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="METRIC",
            help="Metric keys (laborstats metrics lists them).",
            show_default="every metric with figures for two years or more",
        ),
    ] = None,
    by: Annotated[
        GrowthBy,
        typer.Option(
            "--by",
            case_sensitive=False,
            help="total: one series for the whole area, summing the regions where figures "
            "add up (rates keep a series per region); region: a series for each region.",
        ),
    ] = GrowthBy.TOTAL,
    wide: Annotated[
        bool, typer.Option("--wide", help="Add a column for each year's value.")
    ] = False,
    yearly: Annotated[
        bool,
        typer.Option(
            "--yearly",
            help="One row per series and year: the value, its change on the year before, "
            "and its index (first year = 100).",
        ),
    ] = False,
    *,
    streams: Streams,
    lang: Lang,
) -> None:
    """Growth of each metric over the years: first and last year, change, % change,
    CAGR, and the yearly series (a sparkline in tables).

    CAGR is over the actual span between the first and last year, so a
    missing year in between does not shift it. A year after a gap has no
    year-on-year change; nor has the first year (empty, never 0). Percent
    figures change in percentage points, with no % change or CAGR; a base of
    zero or below gives none either. A change from an approximate or bounded
    figure keeps a qualifier (≈ ≥ ≤). Where metrics.csv declares a flow into
    a stock (new skilled talents into the total), the stock of the year
    before is derived, so growth shows even with one year of data.

    With several regions, counts and amounts are summed into one series for
    the whole area, for the years every region reports, and metrics with a
    formula are computed again from those totals; rates, ranks and other
    ratios keep a series per region.

    Examples:

      laborstats growth

      laborstats growth skilled_talents_total --yearly

      laborstats growth --data example:qingyang-counties --by region --wide
    """
    from laborstats.columnar import give_memory_back
    from laborstats.stats.growth import (
        growth_summary,
        growth_table,
        series_with_change,
        yearly_of,
        yearly_series,
    )
    from laborstats.stats.series import check_metrics
    from laborstats.views import growth_view, yearly_view

    if wide and yearly:
        raise typer.BadParameter("choose one of --wide and --yearly", param_hint="'--wide'")
    names = _names(metric, "METRIC")
    if by is GrowthBy.TOTAL:
        # Quotes only for --yearly, which shows each figure's source.
        outcomes, dataset = _over_regions(streams, names, quotes=yearly)
    else:
        dataset = streams.load(_rows_of(names, quotes=yearly))
        check_metrics(names, dataset.metrics)
        dataset = _with_derived(dataset)
        outcomes, dataset = dataset.outcomes, _without_outcomes(dataset)  # let go once used
        _without_provenance(outcomes)
    if yearly:
        # Coded: see yearly_series; the rows, emptied as they are used (see _chunks).
        every_year = yearly_series(outcomes, dataset.metrics, names, owned=True)
        del outcomes  # each step lets go of what it needs no more: 0.1 GB at 10M rows
        give_memory_back()
        summary = growth_summary(every_year)
        shown = summary if names else series_with_change(summary)
        kept = yearly_of(every_year, shown)
        del every_year
        view = yearly_view(kept, dataset, lang, left_out=len(summary) - len(shown))
    else:
        table, left_out = growth_table(outcomes, dataset.metrics, names, owned=True)
        del outcomes
        give_memory_back()
        view = growth_view(table, dataset, lang, wide=wide, left_out=left_out)
    streams.emit(view, lang, dataset)


def _over_regions(
    streams: Streams, names: list[str] | None, *, quotes: bool
) -> tuple[pd.DataFrame, Dataset]:
    """Every outcome with regions summed where they add up (see across_regions), and the
    dataset, its outcomes let go.

    Only the rows of the metrics ``names`` (default: all) and of those derived
    figures use are kept. A large file's figures that add up are summed as
    they are read, most of its rows never held (see Years.summed); when a
    series of them has no total, the file is read again, those rows kept, for
    the rows of that series.
    """
    from laborstats.columnar import give_memory_back
    from laborstats.stats.series import check_metrics
    from laborstats.stats.totals import across_regions, across_regions_summed

    dataset = streams.load(replace(_rows_of(names, quotes=quotes), summed=True))
    check_metrics(names, dataset.metrics)
    dataset = _with_derived(dataset)
    partial, reporters = dataset.partial, dataset.reporters
    outcomes = None
    if partial is not None and reporters is not None:
        outcomes = across_regions_summed(dataset.outcomes, dataset.metrics, reporters, partial)
        if outcomes is None:
            dataset = _with_derived(streams.load(_rows_of(names, quotes=quotes)))
    if outcomes is None:
        outcomes = across_regions(dataset.outcomes, dataset.metrics)
    dataset = _without_outcomes(dataset)  # the rows held: 0.3 GB at 10M rows
    give_memory_back()
    return outcomes, dataset


def _rows_of(names: list[str] | None, *, quotes: bool) -> Years:
    """Every year's rows of the metrics ``names`` (default: all) and of those derived
    figures use (see Years.metrics), with their quotes or not (see Years.quotes)."""
    from laborstats.columnar import Years

    return Years(metrics=None if names is None else frozenset(names), quotes=quotes)


class ChartBy(StrEnum):
    """What a chart's bars stand for."""

    YEAR = "year"
    REGION = "region"


@app.command()
@reports_errors
@with_streams
def chart(
    metric: Annotated[
        str, typer.Argument(metavar="METRIC", help="The metric (laborstats metrics lists them).")
    ],
    by: Annotated[
        ChartBy,
        typer.Option(
            "--by",
            case_sensitive=False,
            help="year: a bar a year; region: a bar a region in one year, largest first.",
        ),
    ] = ChartBy.YEAR,
    year: Annotated[
        int | None,
        typer.Option(
            "--year",
            "-y",
            metavar="YEAR",
            help="With --by region: the year to chart.",
            show_default="the metric's latest year",
        ),
    ] = None,
    region: Annotated[
        str | None,
        typer.Option(
            "--region",
            "-r",
            metavar="NAME",
            help="With --by year: this region's figures.",
            show_default="the regions summed, where the metric adds up",
        ),
    ] = None,
    *,
    streams: Streams,
    lang: Lang,
) -> None:
    """A quick bar chart of one metric, across the years or across the regions.

    On a terminal the bars fill its width (colour unless NO_COLOR is set);
    negative values get bars to the left of zero, and each figure keeps its
    qualifier. With several regions, --by year sums them where the metric
    adds up (counts, amounts), for the years every region reports; a rate
    needs --region. CSV and JSON carry the points themselves.

    Examples:

      laborstats chart skilled_talents_total --data example:qingyang-counties

      laborstats chart skilled_talents_total --data example:qingyang-counties --by region

      laborstats chart disputes_mediated --format csv
    """
    from laborstats.stats.chart import across_region_points, over_years, years_without_total
    from laborstats.stats.series import check_metrics
    from laborstats.views import chart_view

    if year is not None and by is not ChartBy.REGION:
        raise typer.BadParameter("applies to --by region only", param_hint="'--year'")
    if region is not None and by is not ChartBy.YEAR:
        raise typer.BadParameter("applies to --by year only", param_hint="'--region'")
    # Only the metric's rows and those derived figures use (every row took 0.7 GB at 10M).
    dataset = streams.load(_rows_of([metric], quotes=False))  # a chart quotes none
    check_metrics([metric], dataset.metrics)
    dataset = _with_derived(dataset)
    outcomes = dataset.outcomes
    if by is ChartBy.REGION:
        result = across_region_points(outcomes, dataset.metrics, metric, year)
        view = chart_view(result, dataset, lang, by_region=True)
    else:
        result = over_years(outcomes, dataset.metrics, metric, region, dataset.reporters)
        missing = years_without_total(outcomes, metric, result)
        view = chart_view(result, dataset, lang, by_region=False, without_total=missing)
    streams.emit(view, lang, dataset)


class CompareBy(StrEnum):
    """What the two sides of a comparison are."""

    YEAR = "year"
    REGION = "region"
    STUDIO = "studio"


@app.command()
@reports_errors
@with_streams
def compare(
    a: Annotated[str, typer.Argument(metavar="A", help="The first year, region or studio.")],
    b: Annotated[str, typer.Argument(metavar="B", help="The second year, region or studio.")],
    by: Annotated[
        CompareBy,
        typer.Option(
            "--by",
            case_sensitive=False,
            help="What A and B are: years, regions, or studios (part of a name will do "
            "when it matches one studio only).",
        ),
    ] = CompareBy.YEAR,
    year: Annotated[
        int | None,
        typer.Option(
            "--year",
            "-y",
            metavar="YEAR",
            help="With --by region: the year to compare in.",
            show_default="the latest year",
        ),
    ] = None,
    metric: Annotated[
        list[str] | None,
        typer.Option(
            "--metric",
            "-m",
            metavar="METRIC",
            help="Only these metrics (repeat, or separate with commas); with --by studio, "
            "studio columns or their aliases.",
            show_default="all",
        ),
    ] = None,
    *,
    streams: Streams,
    lang: Lang,
) -> None:
    """Two years, two regions or two studios side by side: each value, the change
    and % change from A to B, the share of the total and the rank in each, and
    how share and rank moved.

    Shares are of the total of all regions (or of the studios reporting the
    figure), only for counts and amounts, and only where every region that
    reports the figure does so that year. Ranks follow each metric's better
    direction (1 = best); a rank change counts the places gained. A figure on
    one side only keeps its row, with the other side empty.

    Examples:

      laborstats compare 2023 2024

      laborstats compare --data example:qingyang-counties --by region 西峰区 环县

      laborstats compare --by studio 华能 巩怀华
    """
    from laborstats.codes import as_texts
    from laborstats.columnar import give_memory_back
    from laborstats.errors import SelectionError
    from laborstats.stats.compare import compare_studios, only_metrics
    from laborstats.stats.studios import resolve_column
    from laborstats.views import compare_view

    if year is not None and by is not CompareBy.REGION:
        raise typer.BadParameter("applies to --by region only", param_hint="'--year'")
    if a == b:
        raise typer.BadParameter(f"A and B are both {a}; name two different ones", param_hint="'B'")
    names = _names(metric, "--metric")
    if by is CompareBy.STUDIO:
        dataset = streams.load()
        if dataset.studios is None:
            raise SelectionError(
                f"the dataset at {dataset.location} has no studios table",
                expected="a studios.csv in the dataset folder",
            )
        result = compare_studios(dataset.studios, a, b)
        columns = [resolve_column(name) for name in names] if names else None
    else:
        coded, dataset = _compared_places(streams, by, (a, b), year, names)
        give_memory_back()  # the outcomes let go (see _compared_places)
        result, columns = as_texts(coded), names
    result = only_metrics(result, columns)
    streams.emit(compare_view(result, dataset, lang, by.value), lang, dataset)


def _compared_places(
    streams: Streams,
    by: CompareBy,
    sides: tuple[str, str],
    year: int | None,
    names: list[str] | None,
) -> tuple[pd.DataFrame, Dataset]:
    """Two years or two regions compared (texts may be coded, see compare_years),
    and the dataset without its outcomes, which no view reads.

    The outcomes are loaded, and let go, here: at 10M rows, they took 0.1 GB
    more while the result was made text.
    """
    from laborstats.columnar import give_memory_back
    from laborstats.stats.compare import compare_regions, ranked_years, years_side_by_side
    from laborstats.stats.series import check_metrics, select_year

    a, b = sides
    if by is CompareBy.YEAR:
        compared = (_year(a, "A"), _year(b, "B"))
        years = set(compared)
    else:
        years = set() if year is None else {year}
    # The years compared (by default, the latest), the rows derived figures use,
    # and who reports what in any year (for shares and ranks), of the metrics asked
    # for (default: all): not every row.
    window = replace(
        _rows_of(names, quotes=False),  # a comparison quotes none
        wanted=frozenset(years) if years else None,
        latest=0 if years else 1,
        pools=True,
    )
    dataset = streams.load(window)
    check_metrics(names, dataset.metrics)
    dataset = _with_derived(dataset)
    if not years <= set(dataset.outcomes["year"]):
        # The years the message offers include derived ones, which need every year.
        dataset = _with_derived(streams.load(_rows_of(names, quotes=False)))
    outcomes, reporters = dataset.outcomes, dataset.reporters
    if by is CompareBy.REGION:
        chosen = select_year(outcomes, year)
        result = compare_regions(outcomes, dataset.metrics, a, b, chosen, reporters)
        return result, _without_outcomes(dataset)
    ranked = ranked_years(outcomes, dataset.metrics, *compared, reporters)
    # Ranked, the years need the outcomes no more: let go, 0.1 GB less at the peak at 10M.
    del outcomes
    dataset = _without_outcomes(dataset)
    give_memory_back()
    return years_side_by_side(ranked, dataset.metrics, *compared, coded=True), dataset


def _without_provenance(outcomes: pd.DataFrame) -> None:
    """Let go of the columns of ``outcomes`` that say where each figure was read (its line,
    and how extract found it), for a command that shows none: 0.15 GB at 10M rows."""
    from laborstats.schema import PROVENANCE_COLUMNS

    for name in ("line", *PROVENANCE_COLUMNS):
        if name in outcomes:
            del outcomes[name]


def _without_outcomes(dataset: Dataset) -> Dataset:
    """``dataset`` for a view, which never reads its outcomes: a large table can go."""
    return replace(dataset, outcomes=dataset.outcomes.head(0).copy())


def _year(text: str, argument: str) -> int:
    if not (text.isdigit() and len(text) == 4):
        raise typer.BadParameter(
            f'"{text}" is not a year; give --by region or --by studio to compare those',
            param_hint=f"'{argument}'",
        )
    return int(text)


@app.command()
@reports_errors
@with_streams
def check(
    *,
    streams: Streams,
    lang: Lang,
    debug: bool,
) -> None:
    """Check a dataset and list every problem found: file, line, column, severity, message.

    Lists every malformed row of every file (a problem with a whole file,
    such as its encoding or header, stops the check there), counts below
    zero or not whole (a studio's too), shares outside 0–100 %, years still
    to come, the same figure given twice, a flow larger than its stock (a
    warning), and the dataset's consistency rules from rules.csv (for the
    bundled report: gold + silver + bronze medals = projects with medals;
    new skilled talents ≤ total; grant amount ÷ children = grant per child).
    A rule broken by inexact figures (≈ ≥ ≤) is a warning. Exit 0 when there
    is no error, 1 otherwise.

    Examples:

      laborstats check

      laborstats check --data ./my-dataset --format csv
    """
    from laborstats.columnar import Years
    from laborstats.errors import LaborstatsError
    from laborstats.stats.checks import ERROR, dataset_problems, error_problem, every_rule
    from laborstats.views import check_view

    streams = replace(streams, skip_bad_rows=True)  # check lists every bad row
    try:
        dataset: Dataset | None = streams.load(Years(quotes=False))  # a problem quotes none
    except LaborstatsError as error:
        if debug:
            raise
        dataset, problems = None, error_problem(error)
    if dataset is not None:
        rules = every_rule(dataset.metrics, dataset.rules)
        where = str(dataset.outcomes.attrs.get("where", dataset.location))
        dataset = _with_derived(dataset)  # the rows loaded let go as copied: 0.5 GB at 10M
        problems = dataset_problems(dataset.rejected, dataset.outcomes, rules, where)
    streams.emit(check_view(problems, dataset, streams.data, lang), lang)
    if (problems["severity"] == ERROR).any():
        raise typer.Exit(EXIT_DATA_PROBLEM)


def _names(values: list[str] | None, option: str) -> list[str] | None:
    """Accept both ``-x a -x b`` and ``-x a,b``; None when the option is not given."""
    if not values:
        return None
    names = [name.strip() for value in values for name in value.split(",") if name.strip()]
    if not names:
        raise typer.BadParameter("names nothing", param_hint=f"'{option}'")
    return names


@app.command()
@reports_errors
@with_streams
def studios(
    sort: Annotated[
        str,
        typer.Option(
            "--sort",
            "-s",
            metavar="COLUMN",
            help="The column to rank by: savings (cost savings a year, as reported), benefit "
            "(economic benefit a year: the total divided by the years it covers, derived), "
            "total_benefit, patents, utility_patents, projects, national, papers, funding, "
            "coal, energy, trained, promoted, pilots, or any column of studios.csv.",
        ),
    ] = "savings",
    ascending: Annotated[
        bool, typer.Option("--asc", help="Smallest first (missing values stay last).")
    ] = False,
    top: Annotated[
        int | None,
        typer.Option(
            "--top", "-n", min=1, metavar="N", help="Only the first N, and any tied with the Nth."
        ),
    ] = None,
    kind: Annotated[
        list[str] | None,
        typer.Option(
            "--kind",
            "-k",
            metavar="KIND",
            help="Only these kinds (repeat, or separate with commas): innovation_team, "
            "model_worker_studio, school_enterprise_studio in the bundled data.",
            show_default="all",
        ),
    ] = None,
    columns: Annotated[
        list[str] | None,
        typer.Option(
            "--columns",
            "-c",
            metavar="A,B,C",
            help="The outcome columns to show, by name or alias (the sort column always is).",
            show_default="savings, benefit, patents, projects; all in CSV and JSON",
        ),
    ] = None,
    *,
    streams: Streams,
    lang: Lang,
) -> None:
    """A league table of innovation studios and teams, ranked by one outcome.

    Savings are the cost savings a year a studio reports (560万元 a year).
    A benefit reported over several years (8000余万元 over 5 years) also
    appears per year (at least 1,600万 a year), derived and keeping its
    qualifier. Missing values rank last whichever the direction; ties keep
    the order of studios.csv and share a rank.

    Examples:

      laborstats studios

      laborstats studios --sort benefit --top 3

      laborstats studios --sort patents --columns patents,utility_patents,papers -f csv
    """
    from laborstats.errors import SelectionError
    from laborstats.stats.studios import league_table, resolve_column
    from laborstats.views import studios_view

    dataset = streams.load()
    if dataset.studios is None:
        raise SelectionError(
            f"the dataset at {dataset.location} has no studios table",
            expected="a studios.csv in the dataset folder",
        )
    chosen = _names(columns, "--columns")
    result = league_table(
        dataset.studios,
        sort=sort,
        ascending=ascending,
        top=top,
        kinds=_names(kind, "--kind"),
        columns=chosen,
    )
    by = resolve_column(sort)
    shown = [resolve_column(name) for name in chosen] if chosen else None
    streams.emit(studios_view(result, dataset, lang, by, shown), lang, dataset)


@app.command()
@reports_errors
def convert(
    source: Annotated[
        str,
        typer.Argument(
            metavar="SOURCE",
            help="What --data takes: a dataset folder, an outcomes CSV file, - for standard "
            "input, example:NAME.",
        ),
    ],
    target: Annotated[
        Path,
        typer.Argument(
            metavar="TARGET.parquet",
            dir_okay=False,
            help="The Parquet file to write (replaced atomically).",
        ),
    ],
    encoding: EncodingOption = None,
    skip_bad_rows: SkipBadRowsOption = False,
    rejects: RejectsOption = None,
    debug: DebugOption = False,
) -> None:
    """Check a dataset once and write its outcomes as one Parquet file, which loads
    several times faster than CSV.

    The file holds the checked rows, typed (years as integers, values in base
    units, qualifiers spelled out), and the dataset's title, sources,
    metrics.csv, rules.csv and studios.csv as read, so every command gives the
    same results with --data TARGET.parquet. Its rows are checked again each
    time it is loaded. DuckDB, polars and pandas read it as well.

    Examples:

      laborstats convert outcomes.csv outcomes.parquet

      laborstats summary --data outcomes.parquet

      laborstats convert ./my-dataset my-dataset.parquet --skip-bad-rows
    """
    from laborstats.dataset import parquet_parts
    from laborstats.output import write_atomically
    from laborstats.views import set_aside_note

    if target.suffix.lower() != ".parquet":
        raise typer.BadParameter(
            f'name the file .parquet, not "{target.name}"', param_hint="TARGET"
        )
    if rejects is not None and _same_file(rejects, target):
        raise typer.BadParameter(
            f"{rejects} is the target; name another file", param_hint="'--rejects'"
        )
    _check_not_read(source, {"TARGET": target})
    streams = Streams(source, encoding, skip_bad_rows, rejects, OutputFormat.AUTO, None, False)
    dataset = streams.load()
    write_atomically(target, parquet_parts(dataset))
    rows = len(dataset.outcomes)
    typer.echo(f"Wrote {rows:,} {'row' if rows == 1 else 'rows'} to {target}.", err=True)
    note = set_aside_note(dataset.rejected, None if rejects is None else str(rejects), Lang.EN)
    if note:
        typer.echo(f"Note: {note}", err=True)


@app.command()
@reports_errors
@with_streams
def extract(
    report_text: Annotated[
        str,
        typer.Argument(
            metavar="REPORT",
            help="The report's text: a UTF-8, UTF-16 or GB18030 file (or --encoding), "
            "or - for standard input.",
        ),
    ],
    year: Annotated[
        int | None,
        typer.Option(
            "--year",
            "-y",
            metavar="YEAR",
            help="The year the report's figures belong to; a figure after another date "
            "(2023年…) takes that date's year.",
            show_default="the latest year the text names (2024年)",
        ),
    ] = None,
    region: Annotated[
        str | None,
        typer.Option(
            "--region",
            "-r",
            metavar="NAME",
            help="The region the report covers.",
            show_default="the region of the dataset that the text names most",
        ),
    ] = None,
    keep: Annotated[
        list[str] | None,
        typer.Option(
            "--keep",
            metavar="WORDS",
            help="Words of the report that look injected but are not: never cut "
            "(repeat, or separate with commas).",
            show_default="none",
        ),
    ] = None,
    min_confidence: Annotated[
        float,
        typer.Option(
            "--min-confidence",
            metavar="SHARE",
            min=0,
            max=1,
            help="Only rows whose metric was guessed with at least this confidence; "
            "0.01 keeps only rows with a metric.",
        ),
    ] = 0.0,
    *,
    streams: Streams,
    lang: Lang,
) -> None:
    """Find the figures in a published report's text: candidate rows of outcomes.csv
    for a person to check.

    Every number with a unit or measure word is a figure: Arabic or Chinese
    numerals (12, 1,234, 十五, 两), scale words (万, 亿, 千), qualifiers (近 and
    约 approximate; 余, 多, 超过, 以上 at least; 最高, 不到 at most) and ranges
    (3至5人: at least 3). Values are in base units (2.1万人 is 21000). Dates,
    ordinals, telephone numbers and identifiers are not figures; 第3名 is a
    rank. The period comes from the words before a figure in its sentence
    (全年, 每年, 累计, 自成立以来, 成立5年来, 2024年).

    The metric is guessed from the words beside each figure, matched against
    the Chinese labels of the dataset's metrics.csv among the metrics whose
    unit fits, each metric going to one figure at most. Where no label stands
    out it is left blank, with confidence 0, for a person to fill in.
    confidence is how much of the label's wording stands beside the figure.

    Text a reposting site injected is cut out first, and listed on standard
    error: promotions glued into sentences (a word repeated in three or more
    paragraphs, glued to the words before it and mostly at a clause's end,
    that shares no words with the report; or stock-margin advertising) and
    the site's closing note. --keep WORD keeps a word that only looks
    injected. Offsets count characters of the original text.

    CSV and JSON carry the columns of outcomes.csv, with the figure as written,
    its unit, offset and confidence. The rows with a metric load as a dataset
    beside its metrics.csv (--min-confidence 0.01 keeps only those; or load
    with --skip-bad-rows); the others wait for a person to fill in a metric.

    Examples:

      laborstats extract report.txt

      laborstats extract report.txt --min-confidence 0.01 -o outcomes.csv

      laborstats extract report.txt --format json --region 庆阳市 --year 2024
    """
    import datetime

    from laborstats.dataset import read_text
    from laborstats.errors import DataValueError
    from laborstats.extract import find_figures, region_named, report_year
    from laborstats.spam import strip_injected_text
    from laborstats.stats.extract import candidate_rows, guess_metrics
    from laborstats.views import extract_view

    if report_text == "-" and streams.data == "-":
        raise typer.BadParameter(
            "standard input cannot be both the report and --data", param_hint="REPORT"
        )
    output = streams.output
    if report_text != "-" and output is not None and _same_file(Path(report_text), output):
        raise typer.BadParameter(
            f"{output} is the report; name another file", param_hint="'--output'"
        )
    where = "standard input" if report_text == "-" else report_text
    text = read_text(report_text, streams.encoding)
    clean = strip_injected_text(text, keep=_names(keep, "--keep") or ())
    for cut in _cuts_described(clean.cuts):
        typer.echo(f"Note: cut {cut}", err=True)
    if not clean.text.strip():
        raise DataValueError(
            "no text" if not text.strip() else "no text once the injected text is cut",
            where=where,
            expected="a report's text",
        )
    if year is None:
        year = report_year(clean.text, datetime.date.today().year)
        if year is None:
            raise typer.BadParameter(
                "the text names no year (such as 2024年): give --year", param_hint="'--year'"
            )
    dataset = streams.load()
    if region is None:
        regions = sorted(set(dataset.outcomes["region"]))
        region = region_named(clean.text, regions)
        if region is None:
            named = ", ".join(regions[:5]) + ("…" if len(regions) > 5 else "")
            raise typer.BadParameter(
                f"the text names none of the dataset's regions ({named}): give --region"
                if regions
                else "the dataset has no regions to look for: give --region",
                param_hint="'--region'",
            )
    figures = find_figures(clean, year)
    unreadable = figures["value"].isna()
    for written, offset in zip(
        figures.loc[unreadable, "written"], figures.loc[unreadable, "offset"], strict=True
    ):
        typer.echo(f"Note: left out {written} (at {offset}): too large to hold exactly", err=True)
    figures = figures[~unreadable]
    guesses = guess_metrics(figures, dataset.metrics)
    rows = candidate_rows(figures, guesses, dataset.metrics, year=year, region=region)
    rows = rows[rows["confidence"] >= min_confidence]
    name = "standard input" if report_text == "-" else Path(report_text).name
    view = extract_view(rows, dataset, lang, report=name, cut=len(clean.cuts))
    streams.emit(view, lang, dataset)


def _cuts_described(cuts: Sequence[Cut]) -> list[str]:
    """One line per piece of text cut: what, how often, where, and why."""
    grouped: dict[tuple[str, str], list[int]] = {}
    for cut in cuts:
        grouped.setdefault((cut.text, cut.reason), []).append(cut.offset)
    lines = []
    for (text, reason), offsets in grouped.items():
        times = f" {len(offsets)} times" if len(offsets) > 1 else ""
        where = ", ".join(map(str, offsets))
        lines.append(f'"{text.strip()}"{times} (at {where}): {reason}')
    return lines


@app.command()
@reports_errors
def report(
    year: Annotated[
        int | None,
        typer.Option(
            "--year", "-y", metavar="YEAR", help="The year to report.", show_default="the latest"
        ),
    ] = None,
    sort: Annotated[
        str,
        typer.Option(
            "--sort",
            "-s",
            metavar="COLUMN",
            help="What ranks the studios, as for laborstats studios: savings, benefit, "
            "patents, projects… or any column of studios.csv.",
        ),
    ] = "savings",
    output: OutputOption = None,
    report_format: Annotated[
        ReportFormat | None,
        typer.Option(
            "--format",
            "-f",
            case_sensitive=False,
            help="markdown (charts as SVG files in FILE-charts/ beside it) or html (one "
            "self-contained file).",
            show_default="by -o's suffix (.md, .html); markdown on standard output",
        ),
    ] = None,
    lang: LangOption = Lang.EN,
    data: DataOption = None,
    encoding: EncodingOption = None,
    skip_bad_rows: SkipBadRowsOption = False,
    rejects: RejectsOption = None,
    debug: DebugOption = False,
) -> None:
    """An annual report of the dataset, as Markdown or one HTML file, to hand on.

    A section per programme with the year's figures and the change on the
    year before, and their growth over the years (a table and a chart per
    metric) where there are several; the studios ranked, with a bar chart;
    the derived figures and their formulas; the consistency checks. Every
    figure is numbered with a note quoting its source (a derived figure's
    note gives its formula and the quotes of its inputs).

    Charts need matplotlib (pip install "laborstats[charts]"); without it the
    report says they were left out. Beside report.md they go in report-charts/
    (SVG files no longer drawn there are removed). The HTML opens offline: styles inline,
    charts embedded as SVG, Chinese in the reader's CJK font (Noto Sans CJK,
    PingFang, Microsoft YaHei…).

    Examples:

      laborstats report --lang zh -o report.html

      laborstats report --year 2024 -o report.md

      laborstats report --data example:qingyang-counties -o counties.html
    """
    from laborstats.charts import charts_available
    from laborstats.output import is_stream, write_stdout
    from laborstats.report import LeftOut, build_report, html_report, left_out_note, markdown_report
    from laborstats.views import set_aside_note

    to_file = output is not None and str(output) != "-"
    streamed = not to_file or (output is not None and is_stream(output))  # no charts beside
    chosen = report_format
    if chosen is None and to_file:
        assert output is not None
        chosen = REPORT_SUFFIXES.get(output.suffix.lower())
        if chosen is None:
            raise typer.BadParameter(
                f'cannot tell a format from "{output.name}": name it .md or .html, or give '
                "--format",
                param_hint="'--output'",
            )
    chosen = chosen or ReportFormat.MARKDOWN
    left_out = None
    if not charts_available():
        left_out = LeftOut.NO_MATPLOTLIB
    elif chosen is ReportFormat.MARKDOWN and streamed:
        left_out = LeftOut.STANDARD_OUTPUT
    if rejects is not None and to_file and output is not None and _same_file(rejects, output):
        raise typer.BadParameter(
            f"{rejects} is the output; name another file", param_hint="'--rejects'"
        )
    _check_not_read(data, {"'--output'": output if to_file else None})
    streams = Streams(data, encoding, skip_bad_rows, rejects, OutputFormat.AUTO, None, False)
    dataset = streams.load()
    document = build_report(dataset, year=year, lang=lang, sort=sort, left_out=left_out)
    charts: dict[str, str] = {}
    if chosen is ReportFormat.HTML:
        text = html_report(document)
    else:
        folder = f"{output.stem}-charts" if to_file and output is not None else "charts"
        text, charts = markdown_report(document, folder)
    if not to_file or output is None:
        write_stdout(text)
    else:
        beside = chosen is ReportFormat.MARKDOWN and not streamed
        _write_report(output, text, charts, charts_beside=beside)
    notes = [left_out_note(left_out, lang) if left_out else ""]
    notes.append(set_aside_note(dataset.rejected, None if rejects is None else str(rejects), lang))
    for note in filter(None, notes):
        typer.echo(f"Note: {note}", err=True)


def _write_report(output: Path, text: str, charts: dict[str, str], *, charts_beside: bool) -> None:
    """Write the report, and its charts in their folder beside it. With ``charts_beside``
    (Markdown), the charts of an earlier report of the same name that this one has not
    drawn are removed from that folder: files named as a report names its charts, no
    others (an HTML report, whose charts are inside it, leaves the folder alone)."""
    from laborstats.errors import OutputError
    from laborstats.output import write_atomically
    from laborstats.report import is_chart_file

    folder = output.parent if str(output.parent) else Path()
    if not folder.is_dir():
        raise OutputError("cannot write here: no such folder", where=str(output))
    written = {folder / path for path in charts}
    for path in sorted(written):
        try:
            path.parent.mkdir(exist_ok=True)
        except OSError as error:  # a file of that name, say
            raise OutputError(
                f"cannot make the charts' folder ({error.strerror})", where=str(path.parent)
            ) from None
        write_atomically(path, charts[str(path.relative_to(folder))])
    chart_folders = {path.parent for path in written} | {folder / f"{output.stem}-charts"}
    for chart_folder in chart_folders if charts_beside else ():
        for stale in chart_folder.glob("*.svg") if chart_folder.is_dir() else ():
            if stale not in written and is_chart_file(stale.name):
                stale.unlink()
    write_atomically(output, text)
