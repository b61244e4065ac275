"""What a synthetic report says: organ, year, prose and table values that satisfy the arithmetic.

Layout is not decided here (``tables.py`` / ``layouts.py`` / ``render.py`` do that); the numbers
here are the printed numbers, so an injected arithmetic error lives in ``values`` and is recorded
in ``notes``.
"""
from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from govreport.extraction.templates import table_spec

from . import prose

CN_NUM = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"]
APPLICANTS = ("natural_person", "commercial_enterprise", "research_institution", "social_welfare_org",
              "legal_service_org", "other_org")  # fmt: skip
REVIEW_RESULTS = ("upheld", "corrected", "other", "pending")
Number = int | Decimal


@dataclass
class Para:
    """A paragraph: an optional run-in subheading (bold under markdown) and its body."""

    body: str
    head: str | None = None


@dataclass
class Section:
    index: int
    numbering: str  # "一、"
    title: str  # "总体情况"
    before: list[Para] = field(default_factory=list)  # prose before the table (all prose if no table)
    after: list[Para] = field(default_factory=list)
    table: str | None = None
    heading_present: bool = True
    body_present: bool = True

    @property
    def heading(self) -> str:
        return self.numbering + self.title


@dataclass
class ReportContent:
    fmt: str
    year: int
    organ: str
    short: str  # how the prose names the organ ("我局", "省财政厅")
    scale: str
    title: str
    title_break: int | None  # the title wraps onto a second line at this character
    preamble: list[str]
    sections: dict[int, Section]
    values: dict[str, dict[str, dict[str, Number]]]
    blanks: dict[tuple[str, str, str], str] = field(default_factory=dict)  # cell -> "", "-", "—", "无", "－"
    tables_present: dict[str, bool] = field(default_factory=dict)
    footer: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    inconsistent: bool = False

    def cell(self, table: str, row: str, col: str) -> Number | None:
        """The printed value, or None where the cell is printed blank."""
        if (table, row, col) in self.blanks:
            return None
        return self.values[table][row][col]


# --- organs ---------------------------------------------------------------------------------------
def _invented_place(rng: random.Random, suffix: str) -> str:
    a, b = rng.choice(prose.PLACE_CHARS_A), rng.choice(prose.PLACE_CHARS_B)
    return a + b + suffix


def make_organ(rng: random.Random) -> tuple[str, str, str, str]:
    """(organ, short name used in prose, scale, province) built from parts."""
    province = rng.choice(prose.PROVINCES)
    city = rng.choice(prose.CITIES) if rng.random() < 0.6 else _invented_place(rng, "市")
    county = rng.choice(prose.COUNTIES) if rng.random() < 0.6 else _invented_place(rng, rng.choice("县区"))
    kind = rng.choices(
        ["prov_gov", "prov_dept", "city_gov", "city_dept", "county_gov", "county_dept", "town"],
        weights=[3, 14, 6, 22, 12, 33, 10],
    )[0]
    if kind == "prov_gov":
        organ = province + rng.choice(["人民政府", "人民政府办公厅"])
        return organ, rng.choice(["省政府", "本机关"]), "large", province
    if kind == "prov_dept":
        dept = rng.choice(prose.PROV_DEPTS)
        return province + dept, rng.choice(["省" + dept, "本机关", "我厅"]), rng.choice(["medium", "small"]), province
    if kind == "city_gov":
        organ = city + rng.choice(["人民政府", "", "人民政府办公室"])
        return organ, rng.choice(["市政府", "全市各级行政机关", "本机关"]), "large", province
    if kind == "city_dept":
        dept = rng.choice(prose.LOCAL_DEPTS)
        return city + dept, rng.choice(["市" + dept, "我局", "本机关"]), rng.choice(["medium", "small", "small"]), province
    if kind == "county_gov":
        organ = county + rng.choice(["人民政府", "人民政府办公室"])
        return organ, rng.choice(["区政府" if county.endswith("区") else "县政府", "本机关"]), "medium", province
    if kind == "county_dept":
        dept = rng.choice(prose.LOCAL_DEPTS)
        prefix = city + county if rng.random() < 0.2 else county
        return prefix + dept, rng.choice(["我局", "本机关", county[-1] + dept]), rng.choice(["small", "tiny"]), province
    town = _invented_place(rng, "") + rng.choice(prose.TOWN_SUFFIX)
    return (county + town if rng.random() < 0.5 else town), "本机关", "tiny", province


# --- numbers ----------------------------------------------------------------------------------------
def multinomial(rng: random.Random, n: int, weights: list[float]) -> list[int]:
    """Split n into len(weights) non-negative parts (exact draws for small n, jittered shares above)."""
    total = sum(weights)
    if n <= 0 or total <= 0:
        return [0] * len(weights)
    if n <= 400:
        out = [0] * len(weights)
        cum, acc = [], 0.0
        for w in weights:
            acc += w / total
            cum.append(acc)
        for _ in range(n):
            r = rng.random()
            i = next((k for k, c in enumerate(cum) if r < c), len(cum) - 1)
            out[i] += 1
        return out
    shares = [w / total * n * rng.uniform(0.85, 1.15) for w in weights]
    out = [int(s) for s in shares]
    out[max(range(len(out)), key=lambda k: weights[k])] += n - sum(out)
    if min(out) < 0:  # jitter overshoot: fall back to exact floor shares
        out = [int(w / total * n) for w in weights]
        out[0] += n - sum(out)
    return out


_APP_SCALE = {"tiny": (0, 6, 0.35), "small": (0, 60, 0.15), "medium": (10, 800, 0.03), "large": (400, 20000, 0.0)}


def _log_uniform(rng: random.Random, lo: int, hi: int) -> int:
    if hi <= lo:
        return lo
    return int(round(math.exp(rng.uniform(math.log(lo + 1), math.log(hi + 1))) - 1))


def gen_applications(rng: random.Random, fmt: str, scale: str) -> dict[str, dict[str, Number]]:
    spec = table_spec(fmt, "applications")
    rows = list(spec.row_keys)
    results = rows[rows.index("granted") : rows.index("total_handled")]
    lo, hi, p_zero = _APP_SCALE[scale]
    new_total = 0 if rng.random() < p_zero else _log_uniform(rng, max(lo, 1), hi)
    col_w = [rng.uniform(60, 95), rng.uniform(2, 20), rng.choice([0, 0, 0.3]), rng.choice([0, 0.5, 1.5]),
             rng.choice([0, 1, 4]), rng.choice([0, 0.5, 3])]  # fmt: skip
    new = multinomial(rng, new_total, col_w)
    carried_total = 0 if rng.random() < 0.5 else int(new_total * rng.uniform(0, 0.12))
    carried = multinomial(rng, carried_total, col_w)
    res_w = []
    for key in results:
        base = {"granted": 8, "partially_granted": 1.5, "unable_not_held": 3, "not_processed_petition": 1,
                "other_other": 1, "other_handling": 1.5, "not_processed_duplicate": 0.5}.get(key, 0.3)  # fmt: skip
        res_w.append(base * rng.uniform(0.2, 1.8) if rng.random() < 0.75 else 0.0)
    if not any(res_w):
        res_w[0] = 1.0
    table: dict[str, dict[str, Number]] = {r: {} for r in rows}
    for i, col in enumerate(APPLICANTS):
        avail = new[i] + carried[i]
        forward = multinomial(rng, avail, [1 - (p := rng.uniform(0, 0.08)), p])[1] if avail else 0
        handled = avail - forward
        split = multinomial(rng, handled, res_w)
        table["new_received"][col] = new[i]
        table["carried_over"][col] = carried[i]
        for key, v in zip(results, split):
            table[key][col] = v
        table["total_handled"][col] = handled
        table["carried_forward"][col] = forward
    for r in rows:
        table[r]["total"] = sum(table[r][c] for c in APPLICANTS)
    return table


_REVIEW_SCALE = {"tiny": 1, "small": 4, "medium": 15, "large": 300}


def gen_review(rng: random.Random, scale: str) -> dict[str, dict[str, Number]]:
    hi = _REVIEW_SCALE[scale]
    out: dict[str, dict[str, Number]] = {}
    for key in table_spec("2019", "review_litigation").row_keys:
        n = 0 if rng.random() < (0.5 if hi <= 4 else 0.15) else _log_uniform(rng, 0, hi)
        parts = multinomial(rng, n, [rng.uniform(2, 6), rng.uniform(0, 2), rng.uniform(0, 2), rng.uniform(0, 2)])
        out[key] = dict(zip(REVIEW_RESULTS, parts))
        out[key]["total"] = n
    return out


_COUNT_SCALE = {"tiny": 3, "small": 40, "medium": 3000, "large": 4_000_000}


def _amount(rng: random.Random, scale: str) -> Decimal:
    """A money amount in 万元 with 0-4 decimals."""
    hi = {"tiny": 50, "small": 800, "medium": 20000, "large": 900000}[scale]
    if rng.random() < 0.25:
        return Decimal(0)
    places = rng.choice([0, 1, 2, 4, 4])
    raw = Decimal(str(round(rng.uniform(0.01, 1) ** 2 * hi, places)))
    return raw.quantize(Decimal(1).scaleb(-places)) if places else Decimal(int(raw))


def gen_active(rng: random.Random, fmt: str, scale: str, government: bool) -> dict[str, dict[str, Number]]:
    hi = _COUNT_SCALE[scale]
    zero = 0.5 if scale in ("tiny", "small") else 0.2

    def count(h: int) -> int:
        return 0 if rng.random() < zero else _log_uniform(rng, 0, h)

    out: dict[str, dict[str, Number]] = {}
    for spec_row in table_spec(fmt, "active_disclosure").rows:
        key, row = spec_row.key, {}
        if key in ("regulations", "normative_documents"):
            made = count(8 if key == "regulations" and government else (0 if key == "regulations" else 120))
            if fmt == "2019":
                row = {"new_made": made, "new_published": made if rng.random() < 0.8 else rng.randint(0, made),
                       "total_published": made + count(60 if key == "regulations" else 2000)}  # fmt: skip
            else:
                repealed = count(made + 20)
                row = {"issued": made, "repealed": repealed, "in_force": made + count(3000 if key != "regulations" else 200)}
        elif key == "centralized_procurement":
            row = {"projects": count(600), "amount": _amount(rng, scale)}
        elif "amount" in spec_row.cols:
            row = {"amount": _amount(rng, scale)}
        else:
            for col in spec_row.cols:
                row[col] = count(hi if col == "decisions" else 300) if col != "change" else count(20)
        out[key] = row
    return out


# --- arithmetic ---------------------------------------------------------------------------------------
def arithmetic_failures(fmt: str, tables: dict[str, Any]) -> list[str]:
    """Every identity of the report that fails; identities with a blank (None) operand are skipped."""
    fails: list[str] = []

    def check(name: str, lhs: list[Any], rhs: list[Any]) -> None:
        if any(v is None for v in lhs + rhs):
            return
        if sum(lhs) != sum(rhs):
            fails.append(f"{name}: {sum(lhs)} != {sum(rhs)}")

    apps = tables.get("applications")
    if apps is not None:
        rows = list(table_spec(fmt, "applications").row_keys)
        results = rows[rows.index("granted") : rows.index("total_handled")]
        for col in (*APPLICANTS, "total"):
            c = {r: apps[r][col] for r in rows}
            check(f"applications.{col}: 一+二 = 三(七)+四", [c["new_received"], c["carried_over"]],
                  [c["total_handled"], c["carried_forward"]])  # fmt: skip
            check(f"applications.{col}: 三(七)总计 = sum of 三", [c["total_handled"]], [c[r] for r in results])
        for r in rows:
            check(f"applications.{r}: 总计 = sum of applicants", [apps[r]["total"]], [apps[r][c] for c in APPLICANTS])
    review = tables.get("review_litigation")
    if review is not None:
        for r, cells in review.items():
            check(f"review_litigation.{r}: 总计 = sum of results", [cells["total"]], [cells[c] for c in REVIEW_RESULTS])
    return fails


def printed_tables(content: ReportContent) -> dict[str, Any]:
    """The tables as printed: blank cells None (absent tables included, for arithmetic checks)."""
    return {
        t: {r: {c: content.cell(t, r, c) for c in cols} for r, cols in rows.items()}
        for t, rows in content.values.items()
        if content.tables_present.get(t, True)
    }


def inject_errors(rng: random.Random, content: ReportContent) -> bool:
    """Make one or two of the report's identities fail, the way real reports get them wrong.

    Only printed (non-blank) cells are changed, and only changes that break a checkable identity
    are kept, so every recorded error is visible in the text."""
    vals = content.values
    wanted, made = rng.choice([1, 1, 2]), 0
    for _ in range(20):
        if made == wanted:
            break
        kind = rng.choice(["row_total", "col_total", "carried_forward", "review_total"])
        if kind == "review_total":
            table, row, col = "review_litigation", rng.choice(list(vals["review_litigation"])), "total"
        else:
            table = "applications"
            col = "total" if kind == "row_total" else rng.choice(list(APPLICANTS) + ["total"] * 3)
            row = {"row_total": rng.choice(list(vals["applications"])), "col_total": "total_handled",
                   "carried_forward": "carried_forward"}[kind]  # fmt: skip
        if content.cell(table, row, col) is None:
            continue
        before = len(arithmetic_failures(content.fmt, printed_tables(content)))
        old = vals[table][row][col]
        delta = rng.choice([1, 1, 2, 3, 10, -1, -2])
        new = old + delta if old + delta >= 0 else old + abs(delta)
        vals[table][row][col] = new
        if len(arithmetic_failures(content.fmt, printed_tables(content))) <= before:
            vals[table][row][col] = old
            continue
        content.notes.append(f"arithmetic error injected: {table}.{row}.{col} printed {new} instead of {old}")
        made += 1
    content.inconsistent = content.inconsistent or made > 0
    return made > 0


# --- prose -------------------------------------------------------------------------------------------
def _fill(rng: random.Random, template: str, ctx: dict[str, Any]) -> str:
    nums = {f"n{i}": rng.choice([rng.randint(1, 60), rng.randint(60, 3000)]) for i in range(1, 7)}
    return template.format(**{**nums, **ctx})


def _overview(rng: random.Random, ctx: dict[str, Any], sub_numbering: str) -> list[Para]:
    paras = [Para(_fill(rng, rng.choice(prose.OVERVIEW_OPEN), ctx))]
    subs = rng.sample(prose.SUBSECTIONS, rng.randint(2, len(prose.SUBSECTIONS)))
    subs.sort(key=prose.SUBSECTIONS.index)
    for i, (heads, sentences) in enumerate(subs):
        head = _numbered(sub_numbering, i) + rng.choice(heads)
        body = "".join(_fill(rng, s, ctx) for s in rng.sample(sentences, rng.randint(1, min(3, len(sentences)))))
        if rng.random() < 0.5:
            paras.append(Para(body, head + rng.choice(["。", "。", ""])))
        else:
            paras += [Para(head), Para(body)]
    return paras


def _numbered(style: str, i: int) -> str:
    if style == "paren":
        return f"（{CN_NUM[i]}）"
    if style == "half":
        return f"({CN_NUM[i]})"
    return f"{i + 1}."


def _problems(rng: random.Random, ctx: dict[str, Any], sub_numbering: str) -> list[Para]:
    probs = rng.sample(prose.PROBLEMS, rng.randint(2, 3))
    imps = rng.sample(prose.IMPROVEMENTS, rng.randint(2, 4))
    p_body = _fill(rng, rng.choice(prose.PROBLEM_LEADS), ctx) + "".join(
        f"{prose.ORDINALS[i]}{p}{'。' if i == len(probs) - 1 else '；'}" for i, p in enumerate(probs)
    )
    i_body = _fill(rng, rng.choice(prose.IMPROVE_LEADS), ctx) + "".join(
        f"{prose.ORDINALS[i]}{p}{'。' if i == len(imps) - 1 else '；'}" for i, p in enumerate(imps)
    )
    if rng.random() < 0.5:
        return [Para(p_body), Para(i_body)]
    return [Para(p_body, _numbered(sub_numbering, 0) + rng.choice(prose.PROBLEM_HEADS)),
            Para(i_body, _numbered(sub_numbering, 1) + rng.choice(prose.IMPROVE_HEADS))]  # fmt: skip


def _other(rng: random.Random, ctx: dict[str, Any], sub_numbering: str) -> list[Para]:
    r = rng.random()
    if r < 0.3:
        return [Para(rng.choice(prose.NOTHING_ELSE))]
    fees = _fill(rng, rng.choice(prose.FEES), {**ctx, "fee": rng.choice([0, 100, 400, 1250])})
    if r < 0.6:
        return [Para(fees)]
    items = rng.sample(prose.OTHER_ITEMS, rng.randint(1, 3))
    paras = [Para(fees, _numbered(sub_numbering, 0) + "收取信息处理费情况")]
    for i, (head, body) in enumerate(items, start=1):
        paras.append(Para(_fill(rng, body, ctx), _numbered(sub_numbering, i) + head))
    return paras


def _preamble(rng: random.Random, ctx: dict[str, Any]) -> list[str]:
    out = [_fill(rng, rng.choice(prose.PREAMBLE_BASIS), ctx)]
    if rng.random() < 0.5:
        out[0] += rng.choice(prose.PREAMBLE_CONTENTS)
    out.append(_fill(rng, rng.choice(prose.PREAMBLE_PERIOD), ctx))
    for t in rng.sample(prose.PREAMBLE_ACCESS, rng.randint(0, 2)):
        out.append(_fill(rng, t, ctx))
    if rng.random() < 0.4:
        out = ["".join(out)]
    return out


_RECEIVED = "\x00received\x00"  # placeholder until the applications table is drawn


def make_content(rng: random.Random, fmt: str | None = None) -> ReportContent:
    """A complete, arithmetically consistent report in format ``fmt`` (random when None)."""
    fmt = fmt or rng.choice(["2019", "2021"])
    if fmt not in ("2019", "2021"):
        raise ValueError(f"unknown format {fmt!r} (2019 | 2021)")
    year = rng.choice([2019, 2020]) if fmt == "2019" else rng.randint(2021, 2025)
    organ, short, scale, province = make_organ(rng)
    title = rng.choice(prose.TITLE_PATTERNS).format(organ=organ, year=year)
    title_break = None
    if rng.random() < 0.1 and title.startswith(organ):
        title_break = len(organ) + (1 if title[len(organ)] == " " else 0)
    site = organ[:3] if len(organ) > 3 else organ
    ctx = {
        "year": year, "organ": organ, "short": short, "province": province, "site": site,
        "basis": "国办公开办函〔2019〕60号" if fmt == "2019" else "国办公开办函〔2021〕30号",
        "upper": _fill(rng, rng.choice(prose.UPPER_DOCS), {"province": province}),
        "upper_org": rng.choice(["上级党委、政府", "市委、市政府", "省委、省政府", "县委、县政府"]),
        "url": f"http://www.{rng.choice(['gov', 'zwgk', 'xxgk'])}{rng.randint(10, 999)}.gov.cn",
        "office": short.replace("我局", "本局") + rng.choice(["办公室", "政务公开办公室", "综合科"]),
        "addr": f"{rng.choice(prose.ROADS)}{rng.randint(1, 300)}号", "zip": str(rng.randint(100000, 850000)),
        "phone": f"0{rng.randint(10, 999)}-{rng.randint(2000000, 89999999)}",
        "email": f"zwgk{rng.randint(1, 99)}@{rng.choice(['163.com', 'gov.cn', 'qq.com'])}",
    }  # fmt: skip
    sub_numbering = rng.choices(["paren", "half", "arabic"], weights=[8, 2, 1])[0]
    titles = {i: rng.choice(prose.SECTION_TITLES[i]) for i in range(1, 7)}
    sections = {i: Section(i, CN_NUM[i - 1] + "、", titles[i]) for i in range(1, 7)}
    sections[1].before = _overview(rng, {**ctx, "received": _RECEIVED}, sub_numbering)
    for i, table in ((2, "active_disclosure"), (3, "applications"), (4, "review_litigation")):
        sections[i].table = table
        lead = rng.choice(prose.TABLE_LEADS)
        if lead:
            sections[i].before.append(Para(lead))
    sections[5].before = _problems(rng, ctx, sub_numbering)
    sections[6].before = _other(rng, ctx, sub_numbering)
    government = "人民政府" in organ or organ.endswith("市")
    values = {
        "active_disclosure": gen_active(rng, fmt, scale, government),
        "applications": gen_applications(rng, fmt, scale),
        "review_litigation": gen_review(rng, scale),
    }
    received = values["applications"]["new_received"]["total"]
    for para in sections[1].before:  # the overview restates the table's figure (after the values exist)
        para.body = para.body.replace(_RECEIVED, str(received))
    m, d = rng.randint(1, 3), rng.randint(1, 28)
    footer = [organ, f"{year + 1}年{m}月{d}日"] if rng.random() < 0.7 else []
    return ReportContent(
        fmt=fmt, year=year, organ=organ, short=short, scale=scale, title=title, title_break=title_break,
        preamble=_preamble(rng, ctx), sections=sections, values=values,
        tables_present={"active_disclosure": True, "applications": True, "review_litigation": True},
        footer=footer,
    )  # fmt: skip

