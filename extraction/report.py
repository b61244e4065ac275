"""Assemble the contract's output from a tagged Document: format, sections, tables, checks."""
from __future__ import annotations

from dataclasses import replace
from typing import Any

from .checks import all_checks
from .copies import Copy, CopyPlan, blank_out, plan_copies
from .document import Document
from .labels import Label
from .layout import Line, line_of, split_lines
from .narrative import find_prose_figures, narrative_checks
from .lexicon import COL_WORDS, match_col, section_index
from .normalize import normalize
from .regions import runon_ranges, table_regions
from .sections import organ_of, period_year, second_report_start, sections, title_text, year_of
from .tables.active import assemble_active
from .tables.activestream import assemble_active_stream, continuation as active_continuation
from .tables.applications import assemble_applications
from .tables.base import build_region
from .tables.blankdivision import order_breaks
from .tables.blockorder import assemble_by_blocks
from .tables.lastcolumn import region_with_later_total, reordered_last_page
from .tables.latecolumn import assemble_late_columns
from .tables.joinedrows import fill_from_joined_rows
from .tables.guesspage import off_page_guesses
from .tables.leadrows import lead_rows
from .tables.pagerows import page_lead_rows
from .tables.labelruns import label_run_rows
from .tables.labelrow import label_row_values
from .tables.toprow import page_past_lead, wps_top_row
from .tables.pagedivision import refine_by_pages
from .tables.pagetop import assemble_blank_page_tops, assemble_page_tops
from .tables.pagetop import preceding as applications_preceding
from .tables.pagetotal import first_totals_moved, table_width
from .tables.result import TableResult
from .tables.review import assemble_review
from .tables.staircase import assemble_rewritten_pages
from .tables.reviewstream import assemble_review_stream, continuation, in_stream_order, preceding, preceding_rows
from .tables.reviewstream import review_fails
from .tables.reviewstream import distrust_order as distrust_review
from .tables.runon import RUNON_ASSEMBLERS
from .tables.streamblocks import table_fails
from .tables.streamorder import assemble_from_stream, distrust_order, lone_numbers
from .tables.streamorder import continuation as applications_continuation
from .tables.wrapped import null_wrapped_figures
from .templates import TABLES, table_spec
from .trust import printed_tables, reason, undouble, verdict

MARKERS = {
    "2021": ("本年制发件数", "本年废止件数", "现行有效件数", "行政规范性文件", "本年处理决定数量", "本年收费金额",
             "逾期不补正", "逾期未按收费通知", "本年度止件数"),
    "2019": ("本年新制作数量", "本年新公开数量", "对外公开总数量", "上一年项目数量", "本年增/减",
             "其他对外管理服务事项", "政府集中采购", "采购总金额", "采购项目数量"),
}
ASSEMBLERS = {
    "active_disclosure": assemble_active,
    "applications": assemble_applications,
    "review_litigation": assemble_review,
}


# Wordings only the national formats' tables print (both formats' table 三/四 and each one's table 二).
NATIONAL_WORDINGS = MARKERS["2019"] + MARKERS["2021"] + (
    "本年新收政府信息公开申请数量", "上年结转政府信息公开申请数量", "结转下年度继续办理", "申请人情况",
    "未经复议直接起诉", "复议后起诉", "结果维持", "结果纠正",
)
LAST_OLD_FORMAT_YEAR = 2018  # 国办公开办函〔2019〕60号 applies from the reports for 2019


def is_old_format(text: str, year: int | None) -> bool:
    """A report older than the 2019 format: its year is 2018 or earlier and its tables print
    (almost) none of the national formats' wordings (it has its own free-form statistics)."""
    if year is None or year > LAST_OLD_FORMAT_YEAR:
        return False
    norm = normalize(text).replace(" ", "")
    return sum(w in norm for w in NATIONAL_WORDINGS) < 2


def detect_format(text: str, year: int | None) -> tuple[str | None, str]:
    """'2019' or '2021' from header wordings, the year breaking ties; and how it was decided."""
    norm = normalize(text).replace(" ", "")
    hits = {fmt: sum(norm.count(m) > 0 for m in words) for fmt, words in MARKERS.items()}
    if hits["2021"] != hits["2019"]:
        fmt = max(hits, key=lambda k: hits[k])
        return fmt, f"format {fmt} from its table wordings ({hits['2019']} vs {hits['2021']} markers)"
    if year is not None:
        fmt = "2021" if year >= 2021 else "2019"
        return fmt, f"format {fmt} inferred from the year {year} (no distinguishing table wording)"
    return None, "format unknown"


def _section_tuples(doc: Document, lines: tuple[Line, ...]) -> list[tuple[int, Line, int, int]]:
    out = []
    seen: set[int] = set()
    for s in doc.spans_of(Label.SECTION):
        idx = section_index(doc.text[s.start : s.end].strip("*# \t"))
        if idx is None or idx in seen:
            continue
        seen.add(idx)
        out.append((idx, lines[line_of(lines, s.start)], s.start, s.end))
    return sorted(out, key=lambda t: t[2])


def first_report(doc: Document, second: int) -> Document:
    """``doc`` cut where a second report begins (``sections.second_report_start``): its text up to
    ``second`` and the spans inside it. Offsets are unchanged (the cut keeps the text's start)."""
    return replace(doc, text=doc.text[:second], spans=tuple(s for s in doc.spans if s.end <= second))


def assemble_report(doc: Document) -> dict[str, Any]:
    """The contract's output for a tagged Document (the normalised view's). A text holding two
    reports is read up to the second one's start, which a warning and a review reason name: the
    first report's last section ends there, and no table, section or copy is read from the second."""
    second = second_report_start(doc)
    if second is not None:
        doc = first_report(doc, second)
    text = doc.text
    lines = split_lines(text)
    warnings: list[str] = []
    secs = sections(doc)
    title = title_text(doc)
    year = year_of(title, text)
    organ = organ_of(title)
    sec_tuples = _section_tuples(doc, lines)
    regions = table_regions(text, lines, sec_tuples)
    has_table_spans = any(s.label in (Label.CELL, Label.ROW, Label.COL) for s in doc.spans)
    fmt, how = detect_format(text, year)
    printed = printed_tables(text)  # the tables whose wordings are in the text, read or not
    if fmt is None and printed:  # wordings found only with the faux-bold doubling undone
        fmt, how = detect_format(undouble(text), year)
    if fmt is None and (secs or has_table_spans or printed):
        fmt, how = "2021", "format 2021 assumed (no wording or year to decide)"
    is_report = fmt is not None and (len(secs) >= 2 or (regions and has_table_spans) or title is not None or bool(printed))
    if not is_report:
        out = _empty_output(title, year, organ, secs, warnings)
        out.update(verdict(out, doc.meta.get("ingest_warnings", [])))
        return out
    if is_old_format(text, year):
        out = _old_format_output(title, year, organ, secs, warnings)
        out.update(verdict(out, doc.meta.get("ingest_warnings", [])))
        return out
    if "inferred" in how or "assumed" in how:
        warnings.append(how)
    copies = doc.meta.get(_COPIES)
    if copies is None and (plans := plan_copies(text, lines, regions, year, [t[2] for t in sec_tuples])):
        return _assemble_copies(doc, plans, sec_tuples)
    for _, (_, said) in (copies or {}).items():
        warnings += said
    last_heading_line = max((t[1].index for t in sec_tuples), default=-1)
    tables: dict[str, Any] = {}
    provenance: dict[str, Any] = {}
    status: dict[str, Any] = {}
    checks: list[dict[str, Any]] = []
    notes: list[dict[str, Any]] = []  # review reasons found while rebuilding
    ambiguous: list[str] = []
    runon = runon_ranges(text, lines, sec_tuples)
    for name in TABLES:
        tables[name] = status[name] = None
        if name in runon and _runon_cells(doc, runon[name]) >= _region_cells(doc, lines, regions.get(name)):
            # the table runs on after its heading inside one line (crawler text)
            res = RUNON_ASSEMBLERS[name](doc, *runon[name], fmt)
            _null_copies(res, (copies or {}).get(name))
            tables[name] = res.values
            provenance[name] = res.provenance
            status[name] = res.statuses()
            ambiguous += [f"{name}.{r}.{c}" for r, c in sorted(res.ambiguous)]
            notes += _missing_rows(name, res, status[name])
            res.restate_missing_rows()
            warnings += res.warnings
            checks += res.checks
            continue
        if name not in regions:
            continue
        lo, hi = regions[name]
        region = build_region(doc, name, lo, hi)
        # a table whose region runs to the end of the text with no later heading may be cut off
        truncated = hi >= len(lines) and lo > last_heading_line
        named_rows = sum(f.label == Label.ROW and not f.group for f in region.frags)
        if not region.cells and named_rows < 3 and not _prints_its_header(region.frags, name):
            if region.frags and name not in printed:
                warnings.append(f"{name}: headers found but no rows or values; the table is treated as absent")
            continue
        res: TableResult = ASSEMBLERS[name](region, fmt, truncated)
        if name == "applications" and table_fails(res.values, res.spec.row_keys, res.spec.rows[0].cols):
            # one value a line in content-stream order (raw pdftotext): the arithmetic rebuilds the rows
            # (a page's first rows printed among its repeated column headers: put in column order first;
            # a last column printed past the next heading: read with it; a report whose own sums are
            # wrong: the rows by the text blocks alone, its failed checks kept)
            more = applications_continuation(text, lines, hi) if any(t[1].index == hi for t in sec_tuples) else hi
            spans = [(lines[lo:hi], None)] + ([(lines[lo:more], lines[hi].index)] if more > hi else [])
            heading = max((t[1].index for t in sec_tuples if t[1].index <= lo), default=lo)
            extra = []
            if (before := applications_preceding(text, lines, heading)) < heading:
                # its first page drawn before its heading (the page's column header and values first):
                # tried after the region as it stands, with the lines from that page's header on
                extra += [(lines[before:end], past) for ls, past in spans for end in [lo + len(ls)]]
            if (late := region_with_later_total(doc, lines, lo, hi, len(res.spec.row_keys),
                                               table_width(doc, lines[lo:hi]))) is not None:
                spans.append((late, None))  # its last 总计 column drawn last on its page, past table 四
            # only where they give a value for every cell (fewer: the blank-cell search, already run)
            cells = len(res.spec.row_keys) * len(res.spec.rows[0].cols)
            spans += [(ls, past) for ls, past in extra if len(lone_numbers(doc, ls)[0]) >= cells]
            # a page's first row's 总计 drawn with the 总计 header at the page's end: put back after that row
            spans += [(moved, past) for ls, past in list(spans)
                      if (moved := first_totals_moved(doc, ls, table_width(doc, ls))) is not None]  # fmt: skip
            # its last page's columns drawn in another order (商业企业 and 科研机构 after 其他): tried last,
            # only where the page's columns are whole and every cell then has a value (fewer: blank cells)
            spans += [(ls2, past) for ls, past in list(spans) for ls2 in reordered_last_page(doc, ls)
                      if len(lone_numbers(doc, ls2)[0]) >= cells]  # fmt: skip
            breaks = order_breaks(res)  # asked before the rebuilds change ``res`` (``rule_out_guesses``)
            builds = (lambda ls, past: assemble_from_stream(res, doc, ls, breaks) or assemble_page_tops(res, doc, ls, past),
                      lambda ls, past: assemble_by_blocks(res, doc, ls, past),
                      # last: a stream short of values read as blank cells with its page tops rewritten
                      lambda ls, past: assemble_blank_page_tops(res, doc, ls, past, breaks))  # fmt: skip
            # each rebuild over every span before the next rebuild; the first that fits stops the rest
            rebuilt = next((r for build in builds for ls, past in spans if (r := build(ls, past))), None)
            if rebuilt is None:
                # last: a page's first rows written as a staircase, or its first row's 总计 drawn after
                # its rows with no 总计 line: rewritten per page, every rewrite that divides agreeing
                rebuilt = assemble_rewritten_pages(res, doc, [ls for ls, _ in spans if len(lone_numbers(doc, ls)[0]) >= cells])
            if rebuilt is None:
                # last: a row group's applicant column drawn after its 总计 column, put back where
                # the arithmetic places it (every place that divides agreeing), or its left columns
                # and the previous row's left cells drawn after it (a blank's gap cutting them): put
                # back in the model's order; each rewrite divided as printed only (the other builds
                # cost six times over and placed nothing more)
                rebuilt = assemble_late_columns(res, doc, spans, builds[:1])
            if rebuilt is None:
                res = distrust_order(res)
                # last: the pages whose values are in no order the model reads taken whole (their
                # guesses kept), the others divided around them (the region as printed, then with
                # its continuation)
                for ls, _ in spans[: 1 + (more > hi)]:
                    if refine_by_pages(res, doc, ls):
                        break
                # the rows the stream prints plainly from its start, seven values a row meeting 总计
                # (another table's values a page before the column header are not its stream's start)
                first = page_past_lead(doc, spans[0][0])
                lead_rows(res, doc, first, lines[lo:more])
                # its first row at WPS's first page top, the five cells after 自然人/商业企业 past header pieces
                wps_top_row(res, doc, first)
                # each later page's leading rows (from the first row whose label stands on it) and each
                # page's last rows read back from its end (the row before the next page's first)
                page_lead_rows(res, doc, lines[lo:more])
                # the runs of values between row labels, seven a row for the rows labelled beside them
                label_run_rows(res, doc, lines[lo:more])
            else:
                res = rebuilt
            # last: the cells left open, from the division whose row groups the labels' lines say
            fill_from_joined_rows(res, doc, spans[0][0])
            if rebuilt is None:
                # the guesses standing on another page than their row's label are not its values
                off_page_guesses(res, doc, lines[lo:more])
        elif name == "review_litigation":
            rebuilt = None
            if review_fails(res) or in_stream_order(region):
                # one value a line after the header pieces naming it (raw pdftotext), the table's
                # second half perhaps printed after the next heading; also where the reading in
                # text order meets the totals (a whole group's order can meet 总计 by chance)
                more = continuation(text, lines, hi) if any(t[1].index == hi for t in sec_tuples) else hi
                rebuilt = assemble_review_stream(res, doc, lines[lo:more])
                heading = max((t[1].index for t in sec_tuples if t[1].index <= lo), default=lo)
                if rebuilt is None and (before := preceding(text, lines, heading)) < heading:
                    # its first values drawn before its heading (a page's last lines): read last
                    rebuilt = assemble_review_stream(res, doc, [*lines[lo:more], *lines[before:heading]])
                    if rebuilt is None:
                        # or only its rows there, up to the next table's values after them (table
                        # 三's last columns drawn on the same page)
                        rows = preceding_rows(text, lines, before, heading)
                        rebuilt = assemble_review_stream(res, doc, [*lines[lo:more], *rows])
            res = rebuilt or distrust_review(res, region)
        elif name == "active_disclosure":
            # one value a line, each column header followed by its group's values (raw pdftotext)
            stream = assemble_active_stream(res, region, fmt)
            more = active_continuation(text, lines, hi) if any(t[1].index == hi for t in sec_tuples) else hi
            if more > hi and (stream is None or _null_cells(stream) > 0):
                # some of its columns printed after the next heading (a table that ends a page)
                wider = build_region(doc, name, lo, more)
                rebuilt = assemble_active_stream(res, wider, fmt)
                if rebuilt is not None and (stream is None or _null_cells(rebuilt) < _null_cells(stream)):
                    stream, region = rebuilt, wider
            res = stream or res
            label_row_values(res, region, fmt)  # rows written row by row, one value a block (Chromium)
        if name != "active_disclosure":
            null_wrapped_figures(res, region)  # ``６７７`` / ``７``: a figure a narrow cell wrapped
        res.unplaced_blanks()
        _null_copies(res, (copies or {}).get(name))
        if not region.cells:
            warnings.append(f"{name}: labels found but no values; every cell is null")
            notes.append(reason("no_values", [name]))
        tables[name] = res.values
        provenance[name] = res.provenance
        status[name] = res.statuses()
        ambiguous += [f"{name}.{r}.{c}" for r, c in sorted(res.ambiguous)]
        if region.cells:
            notes += _missing_rows(name, res, status[name])
        res.restate_missing_rows()
        warnings += res.warnings
        unread = [f"{r}.{c} {res.provenance[r][c]['text']!r}" for r, cols in status[name].items()
                  for c, st in cols.items() if st == "unreadable" and c in res.provenance.get(r, {})]  # fmt: skip
        if unread:
            warnings.append(f"{name}: printed but not a number, left null: {', '.join(unread)}")
        checks += res.checks
    for name in TABLES:
        if tables[name] is not None:
            continue
        if name in printed:
            # printed but not rebuilt (a heading or header the reading missed): never "absent"
            tables[name] = table_spec(fmt, name).empty()
            status[name] = {r: {c: "unreadable" for c in cols} for r, cols in tables[name].items()}
            warnings.append(f"{name}: the table's wordings are in the text but the table could not be rebuilt; every cell is unreadable")
            notes.append(reason("table_not_rebuilt", [name]))
        elif any(t[0] == {"active_disclosure": 2, "applications": 3, "review_litigation": 4}[name] for t in sec_tuples):
            warnings.append(f"{name}: the section heading is present but the table is missing")
            notes.append(reason("table_not_found", [name]))
    if all(tables[name] is None for name in TABLES):
        # every 2019/2021-format report prints all three: a report with none is one whose tables
        # were lost (pictures, a converter), never a complete result
        warnings.append("no statistics table was found: the report's three tables are all missing")
        notes.append(reason("no_tables", list(TABLES)))
    checks = all_checks(tables, fmt, status) + checks
    checks += narrative_checks(_prose_figures(doc, fmt, year), tables, provenance)
    if year is None:
        warnings.append("year not found in the title")
    elif (py := period_year(text)) is not None and py != year:
        warnings.append(f"the title's year {year} differs from the statistics period's year {py}; the title's is reported")
        notes.append(reason("year_conflict", title_year=year, period_year=py))
    if organ is None:
        warnings.append("organ not found (no title)")
    if second is not None:
        # never silently the first only: the second report is not read, and the result says so
        warnings.append(f"a second report begins at character {second} (another title and 一、总体情况 after the "
                        "first report's tables); only the first report is extracted")  # fmt: skip
        notes.append(reason("multiple_reports", at=second))
    if title is None:
        notes.append(reason("title_missing"))
    out = {
        "template": fmt,
        "year": year,
        "organ": organ,
        "title": title,
        "sections": secs,
        "tables": tables,
        "checks": checks,
        "warnings": warnings,
        "provenance": provenance,
        "cell_status": status,
    }
    out.update(verdict(out, doc.meta.get("ingest_warnings", []), text, ambiguous, notes))
    return out


_COPIES = "table_copies"  # Document.meta: per table printed twice, (the cells to null, the warnings)
_ALL = "*"


def _assemble_copies(doc: Document, plans: dict[str, CopyPlan], sec_tuples: list) -> dict[str, Any]:
    """The report where a table is printed more than once (``copies.plan_copies``): read with one
    copy of each such table, the others' text blanked (offsets kept; section headings stay). Where
    several copies under the section heading are the report year's, each is read alone and the
    cells they give different values are null (``_null_copies``), as are all cells where the report
    year's copy is not under the heading; every copy's offsets are named in a warning."""
    keep = [(ln.start, ln.end) for _, ln, _, _ in sec_tuples]

    def variant(choice: dict[str, Copy], meta: dict[str, Any]) -> Document:
        gone = [(c.start, c.end) for name, plan in plans.items() for c in plan.copies if c is not choice[name]]
        spans = [s for s in doc.spans
                 if not any(a <= s.start < b for a, b in gone) or any(a <= s.start < b for a, b in keep)]  # fmt: skip
        return replace(doc, text=blank_out(doc.text, gone, keep), spans=tuple(spans), meta={**doc.meta, _COPIES: meta})

    choice = {name: (plan.read or plan.copies)[0] for name, plan in plans.items()}
    nulls: dict[str, tuple[set, list[str]]] = {}
    for name, plan in plans.items():
        cells: set = {_ALL} if plan.unread_all else set()
        if len(plan.read) > 1:
            got = [assemble_report(variant({**choice, name: c}, {}))["tables"][name] for c in plan.read]
            if any(t is None for t in got):
                cells = {_ALL}
            else:
                cells = {(r, c) for r, cols in got[0].items() for c, v in cols.items()
                         if any(t.get(r, {}).get(c) != v for t in got[1:])}  # fmt: skip
        nulls[name] = (cells, list(plan.warnings))
    return assemble_report(variant(choice, nulls))


def _null_copies(res: TableResult, plan: tuple[set, list[str]] | None) -> None:
    """Null, with a warning, the cells of ``res`` that the table's copies give different values
    (``_ALL``: every cell: the report year's copy was not read). ``res`` is changed in place."""
    if not plan or not plan[0]:
        return
    cells = plan[0]
    out = []
    for row in res.spec.rows:  # table 二's rows have columns of their own
        key = row.key
        for col in row.cols:
            if _ALL in cells or (key, col) in cells:
                res.null(key, col)
                out.append(f"{key}.{col}")
    res.warn(f"the table's copies give {len(out)} cells different values (or the report year's copy was not read); "
             f"null: {', '.join(out)}")


def _prose_figures(doc: Document, fmt: str, year: int | None) -> list:
    """Figures stated in the prose; a figure the tagger labelled a table cell is not prose."""
    return find_prose_figures(doc.text, fmt, year, [(s.start, s.end) for s in doc.spans_of(Label.CELL)])


def _missing_rows(name: str, res: TableResult, status: dict[str, dict[str, str]]) -> list[dict[str, Any]]:
    """The review reason for the rows of a table found in the text that were not: ``table_truncated``
    when the text stops inside it, else ``rows_not_found`` (both the line and the run-on readings)."""
    missing = [r for r, cols in status.items() if all(v == "missing" for v in cols.values())]
    if not missing:
        return []
    code = "table_truncated" if res.cut_off else "rows_not_found"
    return [reason(code, [name], [f"{name}.{r}.{c}" for r in missing for c in status[r]], n=len(missing))]


def _runon_cells(doc: Document, rng: tuple[int, int]) -> int:
    a, b = rng
    n = sum(1 for s in doc.spans if s.label == Label.CELL and a <= s.start < b)
    return n if n else -1


def _region_cells(doc: Document, lines: tuple[Line, ...], region: tuple[int, int] | None) -> int:
    if region is None or region[0] >= region[1] or region[0] >= len(lines):
        return 0
    a, b = lines[region[0]].start, lines[min(region[1], len(lines)) - 1].end
    return sum(1 for s in doc.spans if s.label == Label.CELL and a <= s.start < b)


def _prints_its_header(frags: list, table: str) -> bool:
    """Most of the table's column headers are printed: the table is there with every cell blank
    (a null table means "not in the report", never "all blank")."""
    matches = (match_col(f.text, table) for f in frags if f.label == Label.COL)
    named = {m.key for m in matches if m is not None and m.score >= 0.9}
    if len(named) >= max(3, len(COL_WORDS[table]) // 2):
        return True
    if table != "review_litigation":
        return False
    # table 四's leaf headers cut into two-character pieces over two lines (结果 / 维持, 尚未 / 审结),
    # perhaps faux bold (every character drawn twice): most of the pieces name it
    words = set()
    for f in frags:
        if f.label == Label.COL:
            for w in f.text.split():
                words.add(w[::2] if len(w) % 2 == 0 and w[::2] == w[1::2] else w)
    return len(words & _REVIEW_PIECES) >= 4


_REVIEW_PIECES = frozenset({"维持", "纠正", "尚未", "审结", "总计", "结果维持", "结果纠正", "尚未审结"})


def _old_format_output(title: str | None, year: int | None, organ: str | None, secs: list, warnings: list[str]) -> dict[str, Any]:
    """A report for a year before the 2019 format (spec): template null, every table null (its own
    tables are of neither template), sections found by topic, a warning; a result, not an error."""
    return {
        "template": None,
        "old_format": True,
        "year": year,
        "organ": organ,
        "title": title,
        "sections": secs,
        "tables": {name: None for name in TABLES},
        "checks": [],
        "warnings": warnings + [
            f"a report for {year}, older than the 2019 national format (国办公开办函〔2019〕60号): its own "
            "statistics tables are of neither template, so every table is null; sections were found by topic"
        ],
        "provenance": {},    "cell_status": {name: None for name in TABLES},
    }


def _empty_output(title: str | None, year: int | None, organ: str | None, secs: list, warnings: list[str]) -> dict[str, Any]:
    return {
        "template": None,
        "year": year,
        "organ": organ,
        "title": title,
        "sections": secs,
        "tables": {name: None for name in TABLES},
        "checks": [],
        "warnings": warnings + ["not recognised as a 政府信息公开工作年度报告"],
        "provenance": {},
        "cell_status": {name: None for name in TABLES},
    }


def _null_cells(res: TableResult) -> int:
    """Cells of a table result that hold no number and are not printed blank."""
    return sum(st not in ("read", "inferred", "blank") for cols in res.statuses().values() for st in cols.values())
