"""Rows: group values into printed rows, attach label evidence, align rows to canonical keys.

The alignment is a monotonic dynamic programme over (value groups × template rows): labels
score each pairing, order does the rest, so a broken, displaced or missing label still lands
on the right row as long as its neighbours are recognisable.
"""
from __future__ import annotations

from dataclasses import dataclass
from bisect import bisect_right
from functools import lru_cache
from typing import Callable

from ..labels import Label
from ..layout import column_width, is_char_grid, separator_count
from ..lexicon import best_match, group_key, is_group_prefix
from ..normalize import normalize, strip_numbering
from .base import Cell, Frag, Group, Region, is_blank_mark
from .pagebreak import cell_blanks, drop_page_number, furniture_between, page_number_aside

STRONG = 0.75  # a label fragment that names a row on its own


def _row_frags(frags: list[Frag]) -> list[Frag]:
    return [f for f in frags if f.label == Label.ROW and not f.group]


def frag_score(frags: list[Frag], lexicon: tuple[tuple[str, str], ...]) -> float:
    if not frags:
        return 0.0
    key = "".join(f.key for f in frags)
    m = best_match(key, lexicon) if key else None
    return m.score if m else 0.0


def best_row(frags: list[Frag], lexicon: tuple[tuple[str, str], ...]) -> str | None:
    key = "".join(f.key for f in frags)
    m = best_match(key, lexicon) if key else None
    return m.key if m and m.score >= 0.5 else None


def build_groups(
    region: Region, lexicon: tuple[tuple[str, str], ...], ncols: int, groups_words: frozenset[str] = frozenset()
) -> list[Group]:
    """Value groups in text order, each with the row-label fragments that name it.

    - a line with two or more values, or with values and a row label, is a group;
    - consecutive one-value lines without labels between them form one group (one cell per line),
      split every ``ncols`` values;
    - label-only lines wait in a queue; the next group without a label of its own takes the first
      (labels displaced from their values); a weak label right after a group continues that group's
      label (a label wrapped below its values, or carried over a page break); a numbered label
      (（二）…, 2.…) always begins a new one;
    - a lone value in a grid's value columns (after tabs, or right of a space-aligned grid's first
      value column) is a row of its own, not part of a one-cell-per-line run; a page number is
      dropped from a run it overfills (see ``pagebreak``);
    - labels that got no values are rows of blank cells when a new block of table 二 begins or,
      one cell per line, when only empty lines separate them from the next label.
    """
    groups: list[Group] = []
    pending: list[list[Frag]] = []  # label units waiting for values
    run: Group | None = None  # an open one-cell-per-line group
    run_blanks: list[int] = []  # empty lines seen inside the open run
    last_group_line = -10
    grid_x = _first_value_x(region)
    block_start = 0  # groups of the current block of table 二

    def split_full_row() -> None:
        """The open run's first ``ncols`` values are a row; the rest go on as the next row's run."""
        nonlocal run, run_blanks
        assert run is not None
        rest = Group(run.cells[ncols:], run.lines[ncols:], pending.pop(0) if pending else [], False)
        if not rest.evidence:
            rest.spill_of = run  # no label begins it: it may be the row's own extra value (see ``spilled``)
        run.cells, run.lines = run.cells[:ncols], run.lines[:ncols]
        groups.append(run)
        run_blanks = [b for b in run_blanks if b > run.lines[-1]]
        run = rest

    def close_run() -> None:
        """Emit the open run. A run is held open one value past ``ncols``: if that value, or one
        before it, is a page number (a lone 1-3 digit line at a page break), it is dropped; else
        the extra value starts the next row."""
        nonlocal run, run_blanks
        if run is not None and len(run.cells) > ncols:
            blanks = drop_page_number(region, run, run_blanks)
            if blanks is not None:
                run_blanks = blanks
            else:
                split_full_row()
        if run is not None and run.cells:
            _blank_slots(region, run, run_blanks, ncols)
            groups.append(run)
        run, run_blanks = None, []

    for line in region.lines:
        ln = line.index
        cells = [c for c in region.cells_on(ln) if not _mark_in_label_area(c, grid_x)]
        if any(f.group and f.key.startswith("第二十条") for f in region.frags_on(ln, Label.ROW)):
            # a new block of table 二 begins: labels still waiting that name a row of their own had
            # no values (rows left blank); weak ones, or ones naming a row the block already has
            # (a label's tail after a page break), name none
            close_run()
            named = {best_row(g.evidence, lexicon) for g in groups[block_start:] if g.evidence}
            for unit in pending:
                if frag_score(unit, lexicon) >= STRONG and best_row(unit, lexicon) not in named:
                    groups.append(Group([], [ln], unit, False))
            pending = []
            block_start = len(groups)
        rfrags = [f for f in _row_frags(region.frags_on(ln)) if f.key not in groups_words]
        if not cells:
            if not rfrags:
                raw = region.text[line.start : line.end]
                if not raw.strip() and not region.frags_on(ln):
                    if pending and (run is None or len(run.cells) >= ncols) and separator_count(raw) >= ncols - 1:
                        # a printed row whose every cell is blank, its label displaced above
                        close_run()
                        groups.append(Group([], [ln], pending.pop(0), False))
                        last_group_line = ln
                    else:
                        run_blanks.append(ln)  # inside a run, or between a label and its first value
                continue
            strong = frag_score(rfrags, lexicon) >= STRONG
            numbered = _numbered(rfrags[0])  # (二)…, 2.…: a label's first line, never a continuation
            if (
                run is None
                and len(pending) == 1
                and (strong or numbered)
                and frag_score(pending[0], lexicon) >= STRONG
                and cell_blanks(region, run_blanks)
            ):
                # one cell per line: a label, only empty lines, the next label: a row of blanks
                groups.append(Group([], [pending[0][-1].line], pending.pop(), False))
            close_run()
            run_blanks = []
            near = ln - last_group_line <= 2 or furniture_between(region, last_group_line, ln)
            prev = groups[-1] if groups and not pending and near else None
            if prev is not None and prev.evidence and not numbered and (
                not strong
                or best_row(rfrags, lexicon) == best_row(prev.evidence, lexicon)
                or _joins(prev.evidence, rfrags, lexicon)
            ):
                prev.evidence.extend(rfrags)  # the label continues below its values
            elif pending and not numbered and _joins(pending[-1], rfrags, lexicon):
                pending[-1].extend(rfrags)  # the second line of a wrapped label
            elif strong or numbered:
                # weak units still waiting (group labels, vertical characters) name no row: drop them.
                # Only the last can be weak: every earlier one passed this test when the unit after it
                # was queued, and only the last one grows (re-testing them all is quadratic in a run of
                # label-only lines)
                if pending and frag_score(pending[-1], lexicon) < STRONG and not _numbered_row(pending[-1], groups_words):
                    pending.pop()
                pending.append(list(rfrags))
            elif pending:
                pending[-1].extend(rfrags)  # continuation of a wrapped label
            else:
                pending.append(list(rfrags))
            continue
        if len(cells) == 1 and not rfrags and grid_x is not None and page_number_aside(region, cells[0], grid_x):
            continue  # a page number printed left of a space-aligned grid's value columns
        if len(cells) == 1 and not rfrags and not _placed_in_grid(cells[0], grid_x):
            if run is not None and len(run.cells) > ncols:
                split_full_row()  # two values past a full row: the next row has begun
            if run is None:
                run = Group([], [], pending.pop(0) if pending else [], False)
            run.cells.append(cells[0])
            run.lines.append(ln)
            last_group_line = ln
            continue
        close_run()
        run_blanks = []
        if rfrags:
            g = Group(list(cells), [ln], list(rfrags), True)
            # a label-only line just above that does not name a row by itself, or that this line's
            # label completes (``2.其他法律行政法规禁止`` / ``公开  0 …``), is the label's first part
            if pending and (frag_score(pending[-1], lexicon) < STRONG or _joins(pending[-1], rfrags, lexicon)):
                combined = pending[-1] + rfrags
                if frag_score(combined, lexicon) > frag_score(rfrags, lexicon):
                    g.evidence = combined
            if frag_score(rfrags, lexicon) >= STRONG:
                # a waiting label that this line's label completes (``2.其他法律行政法规禁止`` / ``公开  0 …``),
                # or a numbered one before an unnumbered piece, is the first part of this row's label
                waiting = [u for u in pending if not _joins(u, rfrags, lexicon) and _numbered(u[0]) <= _numbered(rfrags[0])]
                groups.extend(_blank_rows(waiting, best_row(rfrags, lexicon), _numbered(rfrags[0]), groups, lexicon))
            pending.clear()
        else:
            g = Group(list(cells), [ln], pending.pop(0) if pending else [], False)
        groups.append(g)
        last_group_line = ln
    close_run()
    if pending:  # labels after the table's last values: printed rows whose cells are all empty
        named = {best_row(g.evidence, lexicon) for g in groups[block_start:] if g.evidence}
        for unit in pending:
            numbered = any(_numbered(g.evidence[0]) for g in groups[-1:] if g.evidence)
            if best_row(unit, lexicon) not in named and _blank_rows([unit], None, numbered, groups, lexicon):
                groups.append(Group([], [unit[-1].line], unit, False))
    return groups


def _blank_rows(
    pending: list[list[Frag]], own: str | None, numbered: bool, groups: list[Group],
    lexicon: tuple[tuple[str, str], ...],
) -> list[Group]:
    """Labels still waiting when a line with values and a strong label of its own (naming row
    ``own``) comes, or when the table ends: rows
    printed with every cell empty (``行政处罚`` alone on its line, ``行政强制  9`` next), each a
    group without values, so that the row reads blank rather than not found. Only labels that
    name a row by themselves, another row than the line's own, count (a weak piece may be the
    first line of the line's own label), and none that reads as the rest of the label of the row
    above, or may be (a long label wrapped below its values: ``5.要求行政机关确认`` / ``或重新出具已获取信息``;
    a label's tail carried over a page break after a row named only ``1.``);
    where the rows are ``numbered`` (table 三: ``2.重复申请``), only a numbered label begins one."""
    out = []
    for unit in pending:
        if frag_score(unit, lexicon) < STRONG or best_row(unit, lexicon) in (None, own):
            continue
        if numbered and not _numbered(unit[0]):
            continue
        above = [g for g in groups if g.cells and g.lines[0] < unit[0].line]
        if above and (frag_score(above[-1].evidence, lexicon) < STRONG or _joins(above[-1].evidence, unit, lexicon)):
            continue  # the row above is not fully named: the waiting label may be the rest of its label
        out.append(Group([], [unit[-1].line], unit, False))
    return out


def _mark_in_label_area(cell: Cell, grid_x: int | None) -> bool:
    """A blank mark left of a space-aligned grid's value columns is no cell: a character of a
    label printed one per line (the 无 of a vertical ``（四）无法提供``)."""
    return (
        grid_x is not None and cell.field == 0 and cell.value is None and cell.x < grid_x - 1
        and is_blank_mark(cell.raw)
    )


def _first_value_x(region: Region) -> int | None:
    """Where a grid's first value column starts: the leftmost value of the lines that hold several
    values (None unless two lines do: one cell per line)."""
    xs = [min(c.x for c in cs) for cs in _cells_by_line(region).values() if len(cs) >= 2]
    return min(xs) if len(xs) >= 2 else None


def _cells_by_line(region: Region) -> dict[int, list[Cell]]:
    out: dict[int, list[Cell]] = {}
    for c in region.cells:
        out.setdefault(c.line, []).append(c)
    return out


def _placed_in_grid(cell: Cell, grid_x: int | None) -> bool:
    """A lone value that sits in a grid column (after tabs, or under the grid's value columns) is a
    row of its own with blank cells (a row that prints only 总计), not one cell of a one-per-line run."""
    return cell.field > 0 or (grid_x is not None and cell.x >= grid_x - 1)


def _joins(head: list[Frag], tail: list[Frag], lexicon: tuple[tuple[str, str], ...]) -> bool:
    """Do two label pieces read as one label: better than either alone (``行政`` + ``事业性收费``),
    or exactly a wording of the row the second names (``行政`` + ``规范性文件``)?"""
    both = frag_score(head + tail, lexicon)
    if both > max(frag_score(head, lexicon), frag_score(tail, lexicon)) + 0.02:
        return True
    return both >= 0.99 and best_row(head + tail, lexicon) == best_row(tail, lexicon)


def _numbered(f: Frag) -> bool:
    """Does the fragment start with its own numbering (（二）, 2., 三、)? Then it begins a label."""
    t = normalize(f.text).strip()
    return bool(f.key) and strip_numbering(t) != t


def _numbered_row(unit: list[Frag], groups_words: frozenset[str] = frozenset()) -> bool:
    """A weak label unit that still begins a row: numbered, and not (the start of) a group label."""
    key = group_key("".join(f.text for f in unit))
    return _numbered(unit[0]) and not is_group_prefix(key) and not any(w.startswith(key) for w in groups_words)


def blank_line_slots(region: Region, group: Group, ncols: int) -> list[int] | None:
    """One cell per line, blank cells as empty lines, for a row of ``ncols`` columns: the empty
    lines between the row's label and its last value keep the blanks' places."""
    if len(set(group.lines)) != len(group.cells) or len(group.cells) >= ncols or spaced_lines(region) \
            or block_spaced(region, group.lines):
        return None
    labels = [f.line for f in group.evidence if f.line < group.lines[0]]
    idx = region.lines[0].index
    lo = max(labels) + 1 if labels else group.lines[0]
    hi = group.lines[-1] + 1
    while hi - idx < len(region.lines) and _is_empty(region, hi):  # empty lines after the last value
        hi += 1
    blanks = [ln for ln in range(lo, hi) if ln not in group.lines and _is_empty(region, ln)]
    return _slots_among_blanks(group.lines, cell_blanks(region, blanks), ncols)


def spaced_lines(region: Region) -> bool:
    """Empty lines are the reader's spacing, not blank cells: one stands between two header lines
    (``本年新制作数量`` / ``""`` / ``本年新公开数量``), where no cell can be (raw ``pdftotext``
    puts an empty line after every block of a drawn table)."""
    def header_only(ln: int) -> bool:
        return bool(region.frags_on(ln, Label.COL)) and not region.cells_on(ln) and not region.frags_on(ln, Label.ROW)

    first = region.lines[0].index
    return any(
        _is_empty(region, ln) and header_only(ln - 1) and header_only(ln + 1)
        for ln in range(first + 1, first + len(region.lines) - 1)
    )


def _is_empty(region: Region, ln: int) -> bool:
    line = region.lines[ln - region.lines[0].index]
    return not region.text[line.start : line.end].strip() and not region.frags_on(ln)


def _blank_slots(region: Region, run: Group, blanks: list[int], ncols: int) -> None:
    """One cell per line with blank cells printed as empty lines: keep the blanks' places (not
    where the empty lines are the reader's block spacing, ``block_spaced``)."""
    if len(run.cells) < ncols and not block_spaced(region, run.lines):
        run.slots = _slots_among_blanks(run.lines, cell_blanks(region, blanks), ncols)


def block_spaced(region: Region, lines: list[int]) -> bool:
    """Every value line stands alone between empty lines (``14 / "" / 5 / "" / 0``) and a column
    header follows them (``总计 / 社会公益组织 / …``, the row's other values printed among the header's
    pieces): raw ``pdftotext`` ends each drawn block with an empty line, so those empty lines are its
    spacing, not blank cells. A text that prints a cell per line, row by row (LibreOffice's Text
    export), may alternate values and blank cells too, but the next row's label follows them."""
    if len(lines) < 2 or len(set(lines)) != len(lines):
        return False
    if not all(b - a == 2 and _is_empty(region, a + 1) for a, b in zip(lines, lines[1:])):
        return False
    first = region.lines[0].index
    after = [ln for ln in range(lines[-1] + 1, first + len(region.lines)) if not _is_empty(region, ln)][:2]
    # (a bare 总计 or 其他 may be tagged a row label: the header piece after it decides)
    return any(region.frags_on(ln, Label.COL) and not region.frags_on(ln, Label.ROW) and not region.cells_on(ln)
               for ln in after)


def _slots_among_blanks(lines: list[int], blanks: list[int], ncols: int) -> list[int] | None:
    """Column slots of one-per-line values among the empty lines that print blank cells: those
    before the last value, or, if that does not make up the row, also those after it."""
    inner = [b for b in blanks if b < lines[-1]]
    for cand in (inner, blanks):
        if len(lines) + len(cand) == ncols:
            marks = sorted([(ln, True) for ln in lines] + [(ln, False) for ln in cand])
            return [k for k, (_, is_cell) in enumerate(marks) if is_cell]
    return None


@dataclass
class Assignment:
    group: Group
    row: str
    score: float


def align_rows(
    groups: list[Group], row_keys: tuple[str, ...], lexicon: tuple[tuple[str, str], ...]
) -> list[Assignment]:
    """Monotonic alignment of groups to rows maximising label agreement (see module docstring)."""
    n, m = len(groups), len(row_keys)
    if n == 0:
        return []
    skip_row, skip_group = 0.12, 0.9
    scores = [_pair_scores(g, row_keys, lexicon) for g in groups]
    NEG = -1e9
    # f[i][j]: best total for the first i groups with the last assigned row < j
    f = [[NEG] * (m + 1) for _ in range(n + 1)]
    back: dict[tuple[int, int], tuple[int, int, bool]] = {}
    for j in range(m + 1):
        f[0][j] = -skip_row * j
    for i in range(1, n + 1):
        for j in range(0, m + 1):
            best, arg = NEG, None
            if f[i - 1][j] > NEG and f[i - 1][j] - skip_group > best:  # drop group i
                best, arg = f[i - 1][j] - skip_group, (i - 1, j, False)
            if j >= 1:
                if f[i][j - 1] > NEG and f[i][j - 1] - skip_row > best:  # row j-1 left empty
                    best, arg = f[i][j - 1] - skip_row, (i, j - 1, False)
                if f[i - 1][j - 1] > NEG and f[i - 1][j - 1] + scores[i - 1][j - 1] > best:
                    best, arg = f[i - 1][j - 1] + scores[i - 1][j - 1], (i - 1, j - 1, True)
            f[i][j] = best
            if arg:
                back[(i, j)] = arg
    # trailing rows after the last group are not penalised (a truncated table)
    j_end = max(range(m + 1), key=lambda j: f[n][j])
    out: list[Assignment] = []
    i, j = n, j_end
    while i > 0 and (i, j) in back:
        pi, pj, assigned = back[(i, j)]
        if assigned:
            out.append(Assignment(groups[i - 1], row_keys[j - 1], scores[i - 1][j - 1]))
        i, j = pi, pj
    return list(reversed(out))


@lru_cache(maxsize=8192)
def _row_scores(key: str, lexicon: tuple[tuple[str, str], ...]) -> dict[str, float]:
    out: dict[str, float] = {}
    for row, word in lexicon:
        m = best_match(key, ((row, word),))
        if m and m.score > out.get(row, 0.0):
            out[row] = m.score
    return out


def _pair_scores(g: Group, row_keys: tuple[str, ...], lexicon: tuple[tuple[str, str], ...]) -> list[float]:
    """How well a group's label evidence names each row: +1 for a perfect name, negative where
    another row fits better (discouraging that pairing); 0 without evidence.

    The evidence (all fragments joined, and each fragment alone) is scored once per group; per row
    only the row's own score and the best score of any other row are looked up."""
    if not g.evidence:
        return [0.0] * len(row_keys)
    cands = [g.evidence] + ([[f] for f in g.evidence] if len(g.evidence) > 1 else [])
    tables = []  # per candidate key: its row scores and its two best (row, score) pairs
    for frs in cands:
        key = "".join(f.key for f in frs)
        if key:
            sc = _row_scores(key, lexicon)
            tables.append((sc, sorted(sc.items(), key=lambda kv: kv[1], reverse=True)[:2]))
    out = []
    for row in row_keys:
        best_here = best_other = 0.0
        for sc, top in tables:
            best_here = max(best_here, sc.get(row, 0.0))
            other = next((v for k, v in top if k != row), 0.0)  # the best row that is not this one
            best_other = max(best_other, other)
        out.append(best_here if best_here >= best_other else best_here - best_other)
    return out


def slot_by_label(cells: list[Cell], evidence: list[Frag], same_line: bool, ncols: int) -> list[int] | None:
    """Tab layout: values follow the row's last label field, one field per column."""
    if not same_line or not evidence:
        return None
    line = cells[0].line
    on_line = [f for f in evidence if f.line == line]
    if not on_line:
        return None
    base = max(f.field for f in on_line) + 1
    slots = [c.field - base for c in cells]
    if all(0 <= s < ncols for s in slots) and slots == sorted(set(slots)):
        return slots
    return None


def placed_by_order(region: Region, group: Group, min_cells: int = 2, spaced: bool = False) -> bool:
    """A run of one-value lines whose row label is not right above it (only empty lines between):
    the label was queued behind others, printed after the values, or is absent, so only the order
    of labels and runs pairs them. Raw ``pdftotext`` writes a table's labels as one block and its
    values in content-stream order, where that order is often not the rows' (docs/trust.md).
    ``min_cells``: the fewest values a run needs to count (table 二's rows may hold one).
    ``spaced``: the reader ends every block with an empty line (``spaced_lines``), so a label and
    the values after an empty line are two blocks, paired by their order too."""
    lines = [c.line for c in group.cells]
    if group.same_line or len(lines) < max(min_cells, 1) or len(set(lines)) < len(lines):
        return False
    above = [f.line for f in group.evidence if f.line < lines[0]]  # (a label may continue below its values)
    if not above:
        return True
    last = max(above)
    by_index = {ln.index: ln for ln in region.lines}
    between = (by_index.get(i) for i in range(last + 1, lines[0]))
    return any(ln is None or region.text[ln.start : ln.end].strip() or spaced for ln in between)


def spilled(groups: list[Group], assignments: list["Assignment"]) -> dict[int, list[Cell]]:
    """The values of unlabelled one-cell-per-line groups that no row took, by ``id`` of the full
    row their run overflowed from: printed right after that row's values with no label between,
    they are that row's extra values; the assembler counts them with the row (``N values for M
    columns``) so that leaving them out is warned about and flagged, never silent."""
    taken = {id(a.group) for a in assignments}
    out: dict[int, list[Cell]] = {}
    for g in groups:
        if g.spill_of is not None and g.cells and id(g) not in taken and id(g.spill_of) in taken:
            out.setdefault(id(g.spill_of), []).extend(g.cells)
    return out


def unplaced(groups: list[Group], assignments: list["Assignment"], extra: dict[int, list[Cell]]) -> list[Cell]:
    """The values of groups that no row took (``align_rows`` passed them over) and that are not a
    taken row's spilled values (``extra``, from ``spilled``)."""
    taken = {id(a.group) for a in assignments}
    spilt = {id(c) for cells in extra.values() for c in cells}
    return [c for g in groups if id(g) not in taken for c in g.cells if id(c) not in spilt]


def short_tab_row(region: Region, cells: list[Cell], evidence: list[Frag], ncols: int) -> bool:
    """A tab row whose line prints fewer fields after its label than the table has columns
    (``规章\t3\t74`` under three columns): a value is missing, not a blank cell (a blank keeps its
    field, ``3\t\t74``), so its fields do not say which column each value belongs to; the values
    can only be placed by order."""
    if len({c.line for c in cells}) != 1 or not any(c.field > 0 for c in cells):
        return False
    line = cells[0].line
    labels = [f.field for f in evidence if f.line == line]
    base = max(labels) + 1 if labels else 0
    raw = region.lines[line - region.lines[0].index]
    return separator_count(region.text[raw.start : raw.end]) - base + 1 < ncols


def slot_right_aligned(cells: list[Cell], ncols: int) -> list[int] | None:
    """Tab layout with stray tabs after the label: the last value sits in the last column."""
    if any(c.field == 0 for c in cells[1:]):
        return None
    base = cells[-1].field - (ncols - 1)
    slots = [c.field - base for c in cells]
    if all(0 <= s < ncols for s in slots) and slots == sorted(set(slots)):
        return slots
    return None


def slot_by_x(cells: list[Cell], centers: list[float]) -> list[int] | None:
    """Space-aligned layout: each value to the nearest column position, order preserved."""
    if len(centers) < len(cells):
        return None
    slots = [min(range(len(centers)), key=lambda k: abs(centers[k] - c.x)) for c in cells]
    if slots == sorted(set(slots)):
        return slots
    return None


def clearly_under(cells: list[Cell], centers: list[float]) -> bool:
    """Does every figure of a row stand clearly at one column position (``calibrate_blocks``'s)?
    False where one stands between two neighbouring positions, more than one column off the
    nearer and not well nearer it (more than 0.4 of the distance to the other). A reader's
    drifting grid (Chromium's PDF through ``pdftotext -layout``, its header printed upright:
    ``自`` / ``然`` / ``人``) moves a line's values by a few columns, and the complete rows the
    positions are learnt from disagree by as much, so a figure half-way between two positions is
    in either column. A figure past the first or last position has no second column beside it;
    blank marks are left out (a reading may centre them in a wide cell)."""
    for c in cells:
        if c.value is None:
            continue
        k = bisect_right(centers, c.x)
        if k == 0 or k == len(centers):
            continue
        near, far = sorted((c.x - centers[k - 1], centers[k] - c.x))
        if near > 1.0 and near > 0.4 * far:
            return False
    return True


def calibrate_x(groups: list[Group], ncols: int) -> list[float] | None:
    """Column x positions learnt from complete rows of a space-aligned table."""
    full = [g for g in groups if len(g.cells) == ncols and len(set(c.line for c in g.cells)) == 1]
    if not full or any(c.field > 0 for g in full for c in g.cells):
        return None
    return [sum(g.cells[k].x for g in full) / len(full) for k in range(ncols)]


def positional(region: Region) -> bool:
    """Does the reading keep column positions? Tabs or bars do; so do runs of spaces between a
    row's values (``pdftotext -layout``, a space-aligned text). A reading that puts one space
    between every two values of most rows (pdfplumber's ``extract_text()``) keeps none: a value's
    x there says nothing about its column."""
    if region.has_tabs:
        return True
    spaced = single = 0
    for ln, cells in _cells_by_line(region).items():
        if len(cells) < 2:
            continue
        gaps = [region.text[a.end : b.start] for a, b in zip(cells, cells[1:])]
        if all(g == " " for g in gaps):
            single += 1
        else:
            spaced += 1
    return spaced >= single


def keeps_positions(region: Region) -> bool:
    """``positional``, and some value shows it: it stands after its line's text by a run of spaces
    (a space-aligned grid). One value a line (raw ``pdftotext``'s content stream) shows no column at
    all, so a value one space after its label (``行政规范性文件 564``) stands where the label's
    length put it, under no header."""
    if region.has_tabs:
        return True
    if not positional(region):
        return False
    starts = {ln.index: ln.start for ln in region.lines}
    for c in region.cells:
        before = region.text[starts.get(c.line, c.start) : c.start]
        if before.strip() and before.endswith("  "):
            return True
    return False


def page_blocks(region: Region) -> list[int]:
    """First lines of the table's blocks: a new block begins at a page break (form feed) or at a
    header line repeated after values (the header a PDF repeats on every page). A PDF reading lays
    out every page on its own grid, so column positions hold only within one block."""
    starts = [region.lines[0].index]
    seen_values = False
    for line in region.lines:
        ln = line.index
        if "\f" in region.text[line.start : line.end + 1] and seen_values:
            starts.append(ln)
            seen_values = False
        elif region.frags_on(ln, Label.COL) and not region.cells_on(ln) and seen_values:
            starts.append(ln)
            seen_values = False
        elif region.cells_on(ln):
            seen_values = True
    return starts


def _clustered_x(groups: list[Group], ncols: int) -> list[float] | None:
    """Column positions from where a block's values stand when no row is complete: their start
    positions, those within two columns of each other merged, are the columns if there are
    exactly ``ncols`` of them (a reading's header may sit a few columns off its values)."""
    cells = sorted((c.x, c.line) for g in groups if len(set(c.line for c in g.cells)) == 1 for c in g.cells)
    if not cells or any(c.field > 0 for g in groups for c in g.cells):
        return None
    clusters: list[list[tuple[int, int]]] = [[cells[0]]]
    for x, line in cells[1:]:
        if x - clusters[-1][-1][0] <= 2:
            clusters[-1].append((x, line))
        else:
            clusters.append([(x, line)])
    if len(clusters) != ncols:
        return None
    if any(len({ln for _, ln in c}) < len(c) for c in clusters):
        # two values of one line merged: two narrow columns (Chromium's upright 其 / 他 and
        # 总 / 计 stand two characters apart), so the clusters are not the columns
        return None
    return [sum(x for x, _ in c) / len(c) for c in clusters]


def values_under(groups: list[Group], centers: list[float], width: Callable[[str], int]) -> bool:
    """Does every figure of these rows stand clearly under one header (its centre at most one
    column off, or well nearer one header's centre than the next: within 0.4 of the distance)?
    Blank marks are left out (a reading may centre them in a wide cell). Only a reader's
    character grid drifts so (``pdftotext -layout``); typed text keeps its columns."""
    if not is_char_grid(width):
        return True
    for g in groups:
        for c in g.cells:
            if c.value is None or len(centers) < 2:
                continue
            d = sorted(abs(c.x + width(c.raw) / 2 - m) for m in centers)
            if d[0] > 1.0 and d[0] > 0.4 * d[1]:
                return False
    return True


_MIN_HEADER_GAP = 3  # columns between two header centres, at least, for them to place a value


def calibrate_blocks(
    region: Region, groups: list[Group], ncols: int, header: Callable[[int, int], list[float] | None] | None = None
) -> dict[int, list[float] | None]:
    """``calibrate_x`` per block (``page_blocks``): ``id(group)`` -> the column positions of the
    block the group begins in; where that block has no complete row, the positions its values
    stand at (``_clustered_x``), else ``header(top, below)``'s (the block's own header, from line
    ``top`` to the block's first value line ``below``), else None."""
    starts = page_blocks(region)
    by_block: dict[int, list[Group]] = {}
    for g in groups:
        first = min(c.line for c in g.cells) if g.cells else g.lines[0]
        by_block.setdefault(bisect_right(starts, first), []).append(g)
    out: dict[int, list[float] | None] = {}
    for b, members in by_block.items():
        centers = calibrate_x(members, ncols) or _clustered_x(members, ncols)
        if centers is None and header is not None:
            below = min((c.line for g in members for c in g.cells), default=None)
            centers = header(starts[b - 1], below) if below is not None else None
            if centers is not None and not values_under(members, centers, column_width(region.text)):
                centers = None  # the header stands off its values (a reading's grid drifts): no guide
            elif centers is not None and min(b - a for a, b in zip(centers, centers[1:])) < _MIN_HEADER_GAP:
                centers = None  # two headers one character apart (其 / 他 and 总 / 计 printed upright) tell no column
        for g in members:
            out[id(g)] = centers
    return out
