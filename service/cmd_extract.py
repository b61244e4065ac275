"""``govreport extract`` and ``govreport eval``: thin wrappers over plain functions."""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any, Iterator

import click

from govreport.extraction.errors import GovReportError
from govreport.extraction.evaluate import ReportScore, aggregate, score_report
from govreport.extraction.export import atomic_write, cells_csv, check_writable, printable_line, tidy_cells, to_json
from govreport.extraction.export_text import to_markdown
from govreport.extraction.filenames import printable_name
from govreport.extraction.pipeline import Extractor
from govreport.extraction.render import RENDER_GENERATOR
from govreport.extraction.taggers import get_tagger

from .batchfolder import batch_output_message, is_batch_output
from .options import env_limits_or_usage_error, max_bytes_option, runtime_option, show_progress
from .stdin_input import DEFAULT_NAME, STDIN_ARG, StdinInput, check_name, read_stdin, stdin_is_terminal
from .walk import report_files

Input = Path | StdinInput


def iter_inputs(paths: list[str], out_dir: Path | None = None, stdin_name: str = DEFAULT_NAME) -> Iterator[Input]:
    """Files as given; ``-`` the report on standard input (a file called ``-`` is ``./-``);
    directories searched recursively as ``govreport batch`` searches them
    (``walk.report_files``: what ingest reads, and the document formats it refuses with advice,
    so that a folder of .doc files is a list of errors saying what to do, not "no report files"),
    leaving out ``out_dir``, where this run writes."""
    for arg in paths:
        if arg == STDIN_ARG:
            yield StdinInput(stdin_name)
            continue
        p = Path(arg)
        if p.is_dir():
            yield from sorted(f for f in report_files(p, out_dir) if not _own_page_in(f, out_dir))
        else:
            yield p


def _own_page_in(path: Path, out_dir: Path | None) -> bool:
    """Whether ``path`` is a page that ``extract --html`` wrote into ``out_dir``: with ``-o`` the input
    folder itself, the next run read its own displaCy pages back as reports and wrote their results
    over the reports' own (``seed_000.json`` became the result of ``seed_000.html``, the page)."""
    if out_dir is None or path.suffix.lower() != ".html" or path.parent.resolve() != out_dir.resolve():
        return False
    try:
        with open(path, "rb") as f:
            head = f.read(4096)
    except OSError:
        return False  # ingest says what is wrong with it
    # the generator mark (since session 21), or displaCy's entity view (pages written before it)
    return RENDER_GENERATOR.encode() in head or (b'<div class="entities"' in head and b'class="entity"' in head)


NAME_MAX = 255  # bytes of one file name on Linux, macOS and Windows file systems
_LONGEST_SUFFIX = len(".xlsx")  # of the files written per input: .json .csv .xlsx .md .html


def _fitting(stem: str, suffix: str) -> str:
    """``stem + suffix`` with ``stem`` cut (at a character) so that the output's name, with the
    longest extension written, stays within ``NAME_MAX`` bytes: an input named by 82 hanzi (246
    bytes) fits, its ``.xlsx`` or ``.html`` did not ("File name too long": the result was lost)."""
    while stem and len(os.fsencode(stem + suffix)) + _LONGEST_SUFFIX > NAME_MAX:
        stem = stem[:-1]
    return stem + suffix


def _unique_stem(path: Input, used: set[str], taken: frozenset[str] = frozenset()) -> str:
    """The input's stem, or ``stem-2``, ``stem-3``… when an earlier input (in the order given,
    directories sorted) already took it: ``a.html`` and ``a.txt`` become ``a.json`` and ``a-2.json``.
    A stem too long for the file system is cut to fit (``_fitting``); the result's ``source`` keeps
    the whole name, and two names cut alike are told apart by ``-2`` as above. ``taken``: stems
    whose output files would replace one of this run's inputs (``_input_stems``), never used."""
    stem, k = _fitting(path.stem, ""), 2
    while stem in used or stem in taken:
        stem, k = _fitting(path.stem, f"-{k}"), k + 1
    used.add(stem)
    return stem


def _input_stems(inputs: list[Input], out_dir: Path, suffixes: tuple[str, ...]) -> frozenset[str]:
    """Stems ``s`` for which ``out_dir/s<suffix>`` is one of the inputs: ``extract reports -o reports
    --html`` wrote each ``<stem>.html`` page over the report ``<stem>.html`` it was read from (and
    over ``a.html`` when ``a.txt`` came first), a report lost for good."""
    out = out_dir.resolve()
    lowered = {x.lower() for x in suffixes}
    return frozenset(p.stem for p in inputs if isinstance(p, Path) and p.suffix.lower() in lowered and p.resolve().parent == out)


FORMATS = ("json", "jsonl", "csv", "xlsx", "md")


def _report_failure(failures: list[tuple[Input, str]], path: Input, exc: BaseException) -> None:
    from tqdm import tqdm

    msg = printable_name(f"{type(exc).__name__}: {exc}")
    failures.append((path, msg))
    # tqdm.write prints above the progress bar instead of into its line
    # on the terminal a file name's (or a message's) control characters are shown escaped, not run
    # (a line break in the name too: "error: a" and "b.txt: …" read as two lines about no such files)
    tqdm.write(f"error: {printable_line(printable_name(str(path)))}: {printable_line(msg)}", file=sys.stderr)


def _check_no_batch(out_dir: Path) -> None:
    """Stop (exit 1; what is written stays) when a ``govreport batch`` run started in ``out_dir``
    after this run began: the folder was checked before any work, this is the same check again
    before each write."""
    if is_batch_output(out_dir):
        raise click.ClickException(batch_output_message(out_dir) + " (a batch run started there during this one)")


def _extract_one(extractor: Extractor, path: Input):  # type: ignore[no-untyped-def]
    """The ExtractionResult of a file, or of standard input read within the extractor's byte limit."""
    if isinstance(path, StdinInput):
        return extractor.extract_bytes(read_stdin(extractor.max_bytes, path.name), filename=path.name)
    return extractor.extract_path(path)


def extract_files(
    inputs: list[Input],
    out: str | None,
    fmt: str,
    extractor: Extractor,
    with_spans: bool,
    progress: bool,
    html: bool = False,
    bom: bool | None = None,
    summary: bool = False,
) -> list[tuple[Input, str]]:
    """Extract each input (a path, or ``StdinInput``: the report on standard input); returns the
    failures (input, message). Never stops at a bad file.

    ``out`` is a directory (one file per input, or ``results.jsonl``), ``"-"`` (JSON lines, CSV
    or Markdown on stdout) or None (nothing written; ``summary`` prints each report's tables).
    ``bom``: a UTF-8 byte-order mark before CSV (default: in files yes, on stdout no)."""
    from tqdm import tqdm

    failures: list[tuple[Input, str]] = []
    used: set[str] = set()
    to_stdout = out == "-"
    out_dir = Path(out) if out and not to_stdout else None
    written = (f".{fmt}",) + ((".html",) if html else ())
    taken = _input_stems(inputs, out_dir, written) if out_dir is not None else frozenset()
    jsonl_lines: list[str] = []
    header_done = False
    for path in tqdm(inputs, desc="extract", unit="report", disable=not progress, file=sys.stderr):
        try:
            result = _extract_one(extractor, path)
        except (GovReportError, OSError) as exc:
            _report_failure(failures, path, exc)
            continue
        d = result.to_dict(with_spans=with_spans)
        # a GBK file name: \xNN, not a UnicodeEncodeError; stdin's report by its --name (or "stdin")
        source = d["source"] = printable_name(path.name if isinstance(path, StdinInput) else str(path))
        if to_stdout:
            if fmt == "csv":
                sys.stdout.write(cells_csv(tidy_cells(d, source), header=not header_done, bom=bool(bom)))
                header_done = True
            elif fmt == "md":
                sys.stdout.write(to_markdown(d, source) + "\n")
            else:
                sys.stdout.write(to_json(d, pretty=False) + "\n")
            sys.stdout.flush()
        elif out_dir is not None and fmt == "jsonl":
            jsonl_lines.append(to_json(d, pretty=False))
        elif out_dir is not None:
            _check_no_batch(out_dir)
            stem = _unique_stem(path, used, taken)
            try:
                atomic_write(out_dir / f"{stem}.{fmt}", _file_bytes(d, fmt, source, bom is not False))
                if html:
                    from govreport.extraction.render import render_html

                    atomic_write(out_dir / f"{stem}.html", render_html(result.document))
            except OSError as exc:  # a full disk mid-run: this report is lost, the others are not
                _report_failure(failures, path, OSError(f"cannot write to {out_dir}: {exc.strerror or exc}"))
                continue
        if summary:  # after the files: a reader closing stdout early (| head) loses nothing
            from govreport.extraction.export_text import summary_text

            tqdm.write(summary_text(d, source), file=sys.stdout)
    if jsonl_lines and out_dir is not None:
        _check_no_batch(out_dir)
        try:
            atomic_write(out_dir / "results.jsonl", "\n".join(jsonl_lines) + "\n")
        except OSError as exc:
            raise click.ClickException(f"cannot write {out_dir / 'results.jsonl'}: {exc.strerror or exc}") from None
    return failures


def _file_bytes(d: dict[str, Any], fmt: str, source: str, bom: bool) -> str | bytes:
    if fmt == "csv":
        return cells_csv(tidy_cells(d, source), bom=bom)
    if fmt == "xlsx":
        from govreport.extraction.export_xlsx import to_xlsx

        return to_xlsx(d, source)
    if fmt == "md":
        return to_markdown(d, source)
    return to_json(d) + "\n"


def _tagger_options(f):
    f = runtime_option(f)
    f = click.option("--model", default=None, help="Model version or checkpoint directory (default: the active one).")(f)
    f = click.option(
        "--tagger",
        type=click.Choice(["auto", "model", "rules"]),
        default="auto",
        show_default=True,
        help="auto = the model when one is installed, else the rules.",
    )(f)
    return f


def load_tagger(tagger: str, model: str | None):  # type: ignore[no-untyped-def]
    """The tagger, or a one-line error (no traceback) when the model is missing or unusable."""
    from govreport.extraction.taggers.model import ModelUnusable

    try:
        return get_tagger(tagger, model)
    except (FileNotFoundError, ModelUnusable, ImportError) as exc:
        raise click.ClickException(f"cannot use the model: {exc}") from None


@click.command("extract")
@click.argument("inputs", nargs=-1, required=True, type=click.Path(exists=True, allow_dash=True))
@click.option(
    "-o", "--out", default=None,
    help="Output directory, or - for stdout. Without it, a summary of each report is printed and nothing is written.",
)  # fmt: skip
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="json", show_default=True,
              help="json/csv/xlsx/md: OUT/<stem>.<format> per input; jsonl: OUT/results.jsonl. "
              "On stdout (-o -): JSON lines, CSV or Markdown.")  # fmt: skip
@click.option("--with-spans", is_flag=True, help="Include every labelled span in the JSON.")
@click.option("--html", is_flag=True, help="Also write OUT/<stem>.html: the text with its labels (displaCy).")
@click.option("--summary", is_flag=True, help="Also print each report's tables as text (the default without -o).")
@click.option(
    "--bom/--no-bom", default=None,
    help="A UTF-8 byte-order mark before CSV, so that Excel reads it as UTF-8 (default: in files yes, on stdout no).",
)  # fmt: skip
@click.option(
    "--name", "stdin_name", default=None, metavar="NAME", callback=lambda ctx, param, v: v if v is None else check_name(v),
    help="The file name of the report read from stdin (-): its extension declares the format "
    "(else it is sniffed), its stem names the output (default: stdin, so OUT/stdin.json).",
)  # fmt: skip
@max_bytes_option
@_tagger_options
def extract(inputs, out, fmt, with_spans, html, summary, bom, stdin_name, tagger, model) -> None:
    """Extract the tables of report files (.txt .html .docx .pdf) or directories of them;
    - reads one report from stdin (pdftotext report.pdf - | govreport extract - -o out/).

    Writes OUT/<input stem>.<format> (or OUT/results.jsonl). Inputs with the same stem
    (a.html, a.txt) are written as a.json, a-2.json, … in the order given. Without -o, prints
    a short summary of each report. Bad files are reported and skipped; the exit status is 1 if
    any file failed.
    """
    stdin_args = list(inputs).count(STDIN_ARG)
    if stdin_args > 1:
        raise click.UsageError("- (stdin) is given more than once; stdin holds one report")
    if stdin_name is not None and not stdin_args:
        raise click.UsageError("--name names the report read from stdin: give - among the inputs")
    if stdin_args and stdin_is_terminal():  # before any work: nothing is piped in
        raise click.UsageError("- reads a report from stdin, but nothing is piped in: "
                               "pdftotext report.pdf - | govreport extract - -o out/  (or give the file)")  # fmt: skip
    stdin_name = stdin_name or DEFAULT_NAME
    if out == "-" and html:
        raise click.UsageError("--html writes OUT/<stem>.html files; give -o DIR (it cannot go to stdout)")
    if out == "-" and summary:
        raise click.UsageError("--summary prints to stdout; it cannot share it with -o -")
    if out == "-" and fmt in ("xlsx", "jsonl"):
        raise click.UsageError(f"--format {fmt} writes a file; give -o DIR (stdout takes json, csv or md)")
    if out is None and (html or fmt != "json"):  # name only what was given: "--html and --format" misled
        given = " and ".join(([f"--format {fmt}"] if fmt != "json" else []) + (["--html"] if html else []))
        where = "-o DIR" if html or fmt in ("xlsx", "jsonl") else "-o DIR (or -o - for stdout)"
        raise click.UsageError(f"{given} {'need' if ' and ' in given else 'needs'} {where}: without -o only a summary is printed")
    if html:
        import importlib.util

        if importlib.util.find_spec("spacy") is None:  # before any work is done
            raise click.UsageError('--html renders with displaCy: pip install "govreport[html]"')
    max_bytes = env_limits_or_usage_error()
    files = list(iter_inputs(list(inputs), None if out in (None, "-") else Path(out), stdin_name))
    if not files:
        raise click.UsageError("no report files found in the given inputs")
    if out not in (None, "-"):  # before any work: a result that cannot be written is lost work
        if Path(out).exists() and not Path(out).is_dir():
            raise click.UsageError(f"-o {out} is a file, not a directory")
        if is_batch_output(Path(out)):
            raise click.UsageError(batch_output_message(Path(out)))
        try:
            Path(out).mkdir(parents=True, exist_ok=True)
            check_writable(Path(out))  # an existing folder may still refuse files
        except OSError as exc:
            raise click.UsageError(f"cannot write to -o {out}: {exc.strerror or exc}") from None
    extractor = Extractor(load_tagger(tagger, model), max_bytes=max_bytes)
    try:
        failures = extract_files(
            files, out, fmt, extractor, with_spans, progress=show_progress(len(files)), html=html, bom=bom,
            summary=summary or out is None,
        )  # fmt: skip
    except KeyboardInterrupt:  # Ctrl-C: click said only "Aborted!", not what was written
        click.echo(f"\n{_interrupted_message(out, fmt)}", err=True)
        sys.exit(130)  # as a shell reports a command stopped by SIGINT
    if out not in (None, "-"):
        click.echo(f"{len(files) - len(failures)} of {len(files)} reports extracted to {printable_line(out)}", err=True)
    if failures:
        sys.exit(1)


def _interrupted_message(out: str | None, fmt: str) -> str:
    """What ``extract`` stopped by Ctrl-C leaves: each report's file is written as it is done, but
    ``--format jsonl`` writes ``results.jsonl`` only at the end, so nothing of such a run is kept."""
    if out in (None, "-"):
        return "interrupted"
    if fmt == "jsonl":
        return (f"interrupted: nothing written ({printable_line(out)}/results.jsonl is written when all reports are done); "
                "for a long run use `govreport batch`, which keeps each report as it is done and resumes")  # fmt: skip
    return (f"interrupted: the reports done so far are written in {printable_line(out)}; "
            "the same command extracts them all again (`govreport batch` resumes where it stopped)")  # fmt: skip


EVAL_SUFFIXES = (".txt", ".html", ".docx", ".pdf")  # where an eval input is looked for, in this order


def find_eval_input(inputs_dir: Path, name: str) -> Path | None:
    """The input a gold file scores: ``inputs_dir/name`` when it exists, else the first of
    ``<stem>.txt|.html|.docx|.pdf`` that does; None when there is none."""
    src = inputs_dir / name
    if src.is_file():
        return src
    stem = Path(name).stem
    return next((c for c in (inputs_dir / f"{stem}{s}" for s in EVAL_SUFFIXES) if c.is_file()), None)


def read_gold(path: Path) -> dict[str, Any]:
    """A gold file: a JSON object in UTF-8 whose ``tables`` (if given) maps table names to null or
    rows of cells, whose ``source`` (if given) is a file name, ``template`` (if given) "2019",
    "2021" or null, ``year`` (if given) a whole number or null, and ``sections`` (if given) maps
    "1"…"6" to a line number or null (the contract's gold files).

    Raises ``ValueError`` (not JSON, not UTF-8, or not that shape) or ``OSError``."""
    gold = json.loads(path.read_text("utf-8"))
    if not isinstance(gold, dict):
        raise ValueError(f"expected a JSON object, found {type(gold).__name__}")
    source = gold.get("source") or ""
    if not isinstance(source, str):
        raise ValueError('"source" is not a file name')
    # a name with a folder in it ("../../etc/hostname", "/dev/stdin") made eval read, and score, a
    # file outside the inputs folder, or wait on a pipe
    if source and (PurePosixPath(source).name != source or PureWindowsPath(source).name != source or source in (".", "..")):
        raise ValueError(f'"source" is {source!r}, not the name of a file in the inputs folder (no folder, no "..")')
    # a wrong template or year was scored as a report whose format is WRONG, never as a broken gold file
    if gold.get("template") not in ("2019", "2021", None):
        raise ValueError(f'"template" is {gold["template"]!r}, not "2019", "2021" or null')
    year = gold.get("year")
    if year is not None and (not isinstance(year, int) or isinstance(year, bool)):
        raise ValueError(f'"year" is {year!r}, not a whole number or null')
    secs = gold.get("sections")
    if secs is not None and not (
        isinstance(secs, dict)
        and all(k in ("1", "2", "3", "4", "5", "6") and (v is None or type(v) is int) for k, v in secs.items())
    ):
        raise ValueError('"sections" is not {"1"…"6": line number or null}')
    tables = gold.get("tables") or {}
    if not isinstance(tables, dict) or not all(
        t is None or isinstance(t, dict) and all(isinstance(cols, dict) for cols in t.values()) for t in tables.values()
    ):
        raise ValueError('"tables" is not {table: null or {row: {column: value}}}')
    return gold


def evaluate_dir(
    gold_dir: Path, inputs_dir: Path, extractor: Extractor
) -> tuple[list[ReportScore], dict[str, Any], list[tuple[str, str]]]:
    """Scores of every ``*.gold.json`` whose input was read, the overall scores over them, and
    the (gold report, message) of those that could not be scored: no input, or input unreadable.
    A report that could not be scored is left out of the scores (it would read as 0 %, "WRONG")."""
    scores: list[ReportScore] = []
    errors: list[tuple[str, str]] = []
    for gold_path in sorted(gold_dir.glob("*.gold.json")):
        try:
            gold = read_gold(gold_path)
        except (OSError, ValueError) as exc:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
            errors.append((gold_path.name, f"not a gold file: {exc}"))
            continue
        name = gold.get("source") or gold_path.name.replace(".gold.json", ".txt")
        src = find_eval_input(inputs_dir, name)
        if src is None:
            tried = ", ".join(f"{Path(name).stem}{s}" for s in EVAL_SUFFIXES)
            errors.append((name, f"no input in {inputs_dir} (looked for {name}, {tried})"))
            continue
        try:
            result = extractor.extract_path(src)
        except (GovReportError, OSError) as exc:
            errors.append((name, f"{src}: {type(exc).__name__}: {exc}"))
            continue
        # named by the file read: without the gold's source it is another format of the report
        scores.append(score_report(result.output, gold, result.document.text, src.name))
    return scores, aggregate(scores), errors


@click.command("eval")
@click.option("--gold", "gold_dir", required=True, type=click.Path(exists=True, file_okay=False), help="Directory of NAME.gold.json files.")
@click.option("--inputs", "inputs_dir", type=click.Path(exists=True, file_okay=False), help="Where the inputs are (default: the gold directory).")
@click.option("--detail", is_flag=True, help="List every wrong cell and section.")
@click.option("--json", "as_json", is_flag=True, help="Print the scores as JSON.")
@_tagger_options
def eval_cmd(gold_dir, inputs_dir, detail, as_json, tagger, model) -> None:
    """Score extraction against gold files with the contract's scores, per report and overall.

    Each NAME.gold.json scores its "source" file, else NAME.txt, .html, .docx or .pdf (the first
    found). A gold file with no readable input is an error, not a 0 % score: exit status 1."""
    env_limits_or_usage_error()
    extractor = Extractor(load_tagger(tagger, model), require_report=False)
    scores, overall, errors = evaluate_dir(Path(gold_dir), Path(inputs_dir or gold_dir), extractor)
    if not scores and not errors:
        # nothing to score is no score: an empty directory must not read as 100 %
        click.echo(f"error: no *.gold.json files in {gold_dir}: nothing to score", err=True)
        sys.exit(1)
    for name, msg in errors:
        click.echo(f"error: {printable_line(name)}: {printable_line(msg)}", err=True)
    if as_json:
        failed = [{"report": n, "error": m} for n, m in errors]
        click.echo(to_json({"reports": [s.to_dict() for s in scores], "overall": overall if scores else None,
                            "failed": failed}))  # fmt: skip
        if errors:
            sys.exit(1)
        return
    click.echo(f"tagger: {extractor.tagger.name} {extractor.tagger.version}")
    click.echo(f"{'report':<28} {'cells':>6} {'cell acc':>9} {'val rec':>8} {'tables':>7} {'sections':>9} {'exact':>6} {'format':>7}")
    for s in scores:
        d = s.to_dict()
        click.echo(
            f"{s.name:<28} {s.cells:>6} {d['cell_accuracy']:>9.2%} {d['value_recall']:>8.2%} "
            f"{d['table_presence']:>7.0%} {d['section_accuracy']:>9.0%} {'yes' if s.exact else 'no':>6} "
            f"{'ok' if s.template_ok else 'WRONG':>7}"
        )
        if detail:
            for e in s.errors:
                click.echo(f"    {e}")
    o = overall
    if not scores:
        click.echo(f"{'OVERALL':<28} no report could be scored")
    else:
        click.echo(
            f"{'OVERALL':<28} {sum(s.cells for s in scores):>6} {o['cell_accuracy']:>9.2%} {o['value_recall']:>8.2%} "
            f"{o['table_presence']:>7.0%} {o['section_accuracy']:>9.0%} {o['exact_reports']:>6.0%} {o['template_accuracy']:>7.0%}"
        )
    if errors:
        click.echo(f"{len(errors)} gold report(s) not scored (no input or unreadable input; see the errors above)")
        sys.exit(1)
