"""Audit the report against itself and the reference data.

In: a data package. Out: :func:`audit`, a DataFrame with ``check_id``, ``status``
(``consistent``, ``inconsistent``, ``ambiguous`` or ``unverifiable``), ``indicator_ids`` (the
figures involved, comma-separated), ``conflict`` (``yes`` for a contradiction, ``probable`` for
one that lost text leaves open, else empty), ``explanation_zh`` and ``explanation_en``: one
sentence or two saying what was compared and what was found, with every number read from the
data (division counts from the division table, years from the periods, text from the report).

Three kinds of check:

* restatements: every figure the report states twice (an id ending ``.restated``) is compared
  with its first statement. A conflict next to a place where text was lost
  (``source/text-gaps.csv`` lists the figures each gap affects) is ``ambiguous``, a probable
  conflict: the lost text may have reconciled the two (78 stations, an earlier batch with its
  own sum, and 99 now). Two statements inside a sentence the report prints twice, once within
  a longer sentence (a near-repeat: the shorter sentence is contained in the longer), are
  probably one statement adapted, not two that agree: ``unverifiable``, the explanation saying
  that this is an inference, and the near-repeats are a check of their own;
* recomputations: every printed share, and every subset or growth relation the text states,
  is recomputed from the other figures and the reference data;
* meaning: figures whose reading is unclear (two rates for one subject, an undefined term, a
  number inside a programme's name, a figure with no exact value or no period), and every
  place where text was lost in publication (``source/text-gaps.csv``).

The rule for a printed figure (:func:`printed_matches`, :func:`printed_interval`): the report
prints shares and rates to some number of decimals, and may round or truncate. A printed share
is ``consistent`` with a recomputed reading when the reading, rounded half up *or* truncated to
the printed decimals, gives the printed figure; the explanation says which convention matched.
A difference that rounding or truncation explains is never called a contradiction; only a
printed share that no reading reproduces either way is ``inconsistent``. Shares printed in the
same words that no single convention reproduces together are ``ambiguous`` (the two
"占比达66%"), and a rate's implied base uses the same interval (3.5 % is 3.45 % up to 3.6 %).
"""
from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass

import pandas as pd

from .data import chinese_number, load_reference, load_report_text
from .formatting import check_lang, chinese_numeral, format_number, quote_zh, significant
from .labels import label
from .lookup import Facts

STATUSES = ("consistent", "inconsistent", "ambiguous", "unverifiable")
COLUMNS = ["check_id", "status", "indicator_ids", "conflict", "explanation_zh", "explanation_en"]
#: A passage of at least this many characters printed twice is a repeated passage.
MIN_REPEAT = 15


@dataclass
class Check:
    check_id: str
    status: str
    indicator_ids: list[str]
    explanation_zh: str
    explanation_en: str
    conflict: str = ""            # "yes": the report contradicts itself; "probable": lost text leaves it open

    def row(self) -> dict:
        assert self.status in STATUSES, self.status
        conflict = "yes" if self.status == "inconsistent" else self.conflict
        return {"check_id": self.check_id, "status": self.status,
                "indicator_ids": ", ".join(self.indicator_ids), "conflict": conflict,
                "explanation_zh": self.explanation_zh, "explanation_en": self.explanation_en}


class _Context(Facts):
    """:class:`~guilin_analysis.lookup.Facts` with the report text, its known gaps, the
    division table and the passages the report prints twice."""

    def __init__(self, data_dir, overrides=None):
        super().__init__(data_dir, overrides)
        self.text = load_report_text(data_dir)
        self.divisions = load_reference("township-divisions", data_dir)
        self.near_repeats = near_repeats(self.text)
        self.repeats = [r.shorter for r in self.near_repeats]

    def gap_before(self, indicator_id: str):
        """The text gap that affects a figure (``source/text-gaps.csv``), or None."""
        for gap in self.gaps.itertuples(index=False):
            if indicator_id in gap.indicator_ids.split(", ") and gap.anchor in self.text:
                return gap
        return None

    def near_repeat(self, passage: str) -> "Repeat":
        """The near-repeat whose shorter sentence is ``passage``."""
        return next(r for r in self.near_repeats if r.shorter == passage)

    def repeat_of(self, *ids: str) -> str | None:
        """The repeated passage that holds every one of these figures' quotes (in either of its
        places), or None."""
        for passage in self.repeats:
            if all(self.table.loc[i, "quote"].rstrip("。") in passage or passage in self.table.loc[i, "quote"]
                   for i in ids):
                return passage
        return None


def _count_zh(n: int) -> str:
    """A count in characters as Chinese writes it before a measure word: 两段, 三个."""
    return "两" if n == 2 else chinese_numeral(n)


_EDGE_PUNCTUATION = "，、；：。！？ "


@dataclass(frozen=True)
class Repeat:
    """A sentence the text prints twice: once as it is (``shorter``) and once inside another
    sentence (``longer``), which adds ``before`` and ``after`` it (edge punctuation dropped); both
    empty when the two are word for word the same. ``longer_first``: the longer comes first."""

    shorter: str
    longer: str
    before: str
    after: str
    longer_first: bool

    @property
    def verbatim(self) -> bool:
        return not (self.before or self.after)

    @property
    def added(self) -> list[str]:
        """What the longer sentence adds, in order."""
        return [t for t in (self.before, self.after) if t]


def _sentences(text: str) -> list[tuple[str, int]]:
    """Every sentence of ``text`` (up to its full stop, which is dropped) with its offset."""
    found, offset = [], 0
    for piece in re.split(r"(?<=[。！？\n])", text):
        sentence = piece.strip().rstrip("。！？").strip()
        if sentence:
            found.append((sentence, offset + piece.find(sentence)))
        offset += len(piece)
    return found


def near_repeats(text: str, least: int = MIN_REPEAT) -> list[Repeat]:
    """Sentences the text prints twice: a whole sentence (of at least ``least`` characters) that
    comes back inside another sentence, word for word or with words added around it. In the
    governance section "推动50户以上自然村设立村规民约" comes back inside "我市还推动…村规民约和居民公约",
    and "大力推广“一组两会”…模式" inside "…模式，营造基层治理共建共治的良好局面"."""
    sentences = _sentences(text)
    found: list[Repeat] = []
    for a, (sentence, at) in enumerate(sentences):
        if len(sentence) < least or any(r.shorter == sentence for r in found):
            continue
        other = next(((o, pos) for b, (o, pos) in enumerate(sentences) if b != a and sentence in o), None)
        if other is None:
            continue
        before, after = other[0].split(sentence, 1)
        found.append(Repeat(sentence, other[0], before.strip(_EDGE_PUNCTUATION), after.strip(_EDGE_PUNCTUATION),
                            other[1] < at))
    return sorted(found, key=lambda r: text.find(r.shorter))


def repeated_passages(text: str, least: int = MIN_REPEAT) -> list[str]:
    """The shorter sentence of each near-repeat (:func:`near_repeats`), in the order of the text."""
    return [r.shorter for r in near_repeats(text, least)]


def _decimals(value: float) -> int:
    """Decimals printed: 66 -> 0, 3.5 -> 1, 42.34 -> 2."""
    text = format_number(value)
    return len(text.split(".")[1]) if "." in text else 0


def rounds_to(recomputed: float, printed: float) -> bool:
    """True when ``recomputed`` rounded (half up) to the printed precision equals ``printed``."""
    step = 10 ** -_decimals(printed)
    return math.isclose(math.floor(recomputed / step + 0.5) * step, printed, abs_tol=step / 1000)


def truncates_to(recomputed: float, printed: float) -> bool:
    """True when ``recomputed`` cut (toward zero) at the printed precision equals ``printed``."""
    step = 10 ** -_decimals(printed)
    return math.isclose(math.trunc(recomputed / step + 1e-9) * step, printed, abs_tol=step / 1000)


def printed_matches(recomputed: float, printed: float) -> str | None:
    """Which convention reproduces a printed share: "rounded", "truncated", or None."""
    if rounds_to(recomputed, printed):
        return "rounded"
    if truncates_to(recomputed, printed):
        return "truncated"
    return None


def printed_interval(printed: float) -> tuple[float, float]:
    """Where the true value of a printed figure lies under the same rule (rounded half up or
    truncated): from half a step below it up to, not including, a whole step above it
    (3.5 -> 3.45 to 3.6)."""
    step = 10 ** -_decimals(printed)
    return printed - step / 2, printed + step


def _pct(value: float) -> str:
    return f"{value:.2f}%"


# ---------------------------------------------------------------- restatements

def _probable(c: _Context, first: str) -> tuple[str, str] | None:
    """Why a conflict on ``first`` is only probable: text was probably lost right before it."""
    gap = c.gap_before(first)
    if gap is None:
        return None
    return (f"但第一次表述所在之处（“{gap.anchor}”）之前很可能有文字在刊发时缺失，缺失的文字可能使两者并不矛盾"
            f"（例如第一次说的是较早的一批，另有一笔资金，第二次是现在的总数）；报道没有说明，故判为很可能矛盾。",
            f"but text was probably lost in publication just before the first statement (\"{gap.anchor}\"), and the "
            f"lost text may have reconciled them (for example, the first an earlier batch with its own sum, the second the total now); "
            f"the report does not say, so this is a probable conflict.")


def _restatements(c: _Context) -> list[Check]:
    checks = []
    for second in [i for i in c.table.index if i.endswith(".restated")]:
        first = second.removesuffix(".restated")
        if first not in c.table.index:
            continue
        same = math.isclose(c.value(first), c.value(second)) and \
            c.table.loc[first, "unit"] == c.table.loc[second, "unit"]
        status, conflict = ("consistent" if same else "inconsistent"), ""
        copied = c.repeat_of(first, second)
        if same and copied:
            status = "unverifiable"
            repeat = c.near_repeat(copied)
            if repeat.verbatim:
                how_zh, how_en = "逐字相同", "word for word the same"
            else:
                how_zh = f"较短的{quote_zh(copied)}包含在较长的一句中，另一句多出" + "".join(map(quote_zh, repeat.added)) \
                    + "，并非逐字相同"
                how_en = (f"the shorter, \"{copied}\", is contained in the longer, which adds "
                          + " and ".join(f"\"{t}\"" for t in repeat.added) + "; not word for word the same")
            zh = (f"报道两次给出{quote_zh(c.name(first, 'zh'))}，均为{c.fig(first, 'zh')}；但第二次所在的句子几乎重复另一处的一句"
                  f"（{how_zh}）。若第二次是照前文改写的（这是推断，报道没有说明），它就不是独立的印证，两处相同不能说明数字可靠。")
            en = (f"The report gives the {c.name(first, 'en').lower()} twice, both times as {c.fig(first, 'en')}, but "
                  f"the second time in a sentence that nearly repeats another ({how_en}). If the second was adapted "
                  f"from the first (an inference: the report does not say), it is no independent statement, and the "
                  f"agreement confirms nothing.")
        elif same:
            zh = (f"报道两次给出{quote_zh(c.name(first, 'zh'))}，均为{c.fig(first, 'zh')}，前后一致。")
            en = (f"The report gives the {c.name(first, 'en').lower()} twice, both times as "
                  f"{c.fig(first, 'en')}: the statements agree.")
        else:
            zh = f"报道两次给出{quote_zh(c.name(first, 'zh'))}：先是{c.fig(first, 'zh')}，后是{c.fig(second, 'zh')}"
            en = (f"The report gives the {c.name(first, 'en').lower()} twice: first {c.fig(first, 'en')}, "
                  f"then {c.fig(second, 'en')}")
            probable = _probable(c, first)
            if probable:
                status, conflict = "ambiguous", "probable"
                zh = f"{zh}，两者不同，报道未说明以哪个为准；{probable[0]}"
                en = f"{en}; they differ and the report does not say which is right, {probable[1]}"
            else:
                zh = f"{zh}，前后矛盾，报道未说明以哪个为准。"
                en = f"{en}; the statements conflict and the report does not say which is right."
        checks.append(Check(f"restated.{first}", status, [first, second], zh, en, conflict))
    return checks


def _stations_context(c: _Context) -> list[Check]:
    ids = ["governance.social_work.township_stations", "governance.social_work.village_stations",
           "governance.social_work.township_stations.restated", "governance.social_work.services",
           "governance.social_work.services.restated"]
    if not c.has(*ids):
        return []
    township, village, restated = (c.value(i) for i in ids[:3])
    both = township + village
    status, conflict = ("consistent" if math.isclose(both, restated) else "inconsistent"), ""
    services = c.fig("governance.social_work.services", "zh"), c.fig("governance.social_work.services", "en")
    n = lambda v, lang: format_number(v, lang=lang)
    zh = (f"同一服务量（{services[0]}）先对应{n(township, 'zh')}个乡镇（街道）社工站加"
          f"{n(village, 'zh')}个村（社区）社工站（合计{n(both, 'zh')}个），后对应"
          f"{n(restated, 'zh')}个乡镇（街道）社工站；两种站数{'一致' if status == 'consistent' else '不一致，即使计入村级站也对不上'}")
    en = (f"The same {services[1]} are attributed first to {n(township, 'en')} township and "
          f"{n(village, 'en')} village stations ({n(both, 'en')} in all), then to "
          f"{n(restated, 'en')} township stations; the station counts "
          f"{'agree' if status == 'consistent' else 'do not agree, even counting village stations'}")
    probable = _probable(c, ids[0]) if status == "inconsistent" else None
    if probable:
        status, conflict = "ambiguous", "probable"
        zh, en = f"{zh}；{probable[0]}", f"{en}, {probable[1]}"
    else:
        zh, en = f"{zh}。", f"{en}."
    return [Check("governance.social_work.stations_for_same_services", status, ids, zh, en, conflict)]


def _repeated_passages(c: _Context) -> list[Check]:
    """The sentences the report prints twice, once within a longer sentence (near-repeats), with
    the figures inside them and what the longer sentence adds."""
    if not c.near_repeats:
        return []
    ids = [i for i in c.table.index for passage in c.repeats
           if c.table.loc[i, "quote"].rstrip("。") in passage or passage in c.table.loc[i, "quote"]]
    ids = list(dict.fromkeys(ids))
    items_zh, items_en = [], []
    for r in c.near_repeats:
        if r.verbatim:
            items_zh.append(f"{quote_zh(r.shorter)}（两处逐字相同）")
            items_en.append(f"\"{r.shorter}\" (word for word the same both times)")
            continue
        items_zh.append(f"{quote_zh(r.shorter)}，{'前文' if r.longer_first else '后文'}那一句多出"
                        + "".join(map(quote_zh, r.added)))
        items_en.append(f"\"{r.shorter}\" (its longer form, {'earlier' if r.longer_first else 'later'} in the report, adds "
                        + " and ".join(f"\"{t}\"" for t in r.added) + ")")
    n, verbatim = len(c.near_repeats), all(r.verbatim for r in c.near_repeats)
    figs = {lang: "、".join(dict.fromkeys(c.fig(i, lang) for i in ids)) if lang == "zh"
            else ", ".join(dict.fromkeys(c.fig(i, lang) for i in ids)) for lang in ("zh", "en")}
    zh = (f"报道有{_count_zh(n)}句话在别处再次出现" + ("，两处逐字相同：" if verbatim else "，较短的一句完整包含在较长的一句中：")
          + "；".join(items_zh) + "。" + ("" if verbatim else "两处并非逐字相同。")
          + "后出现的一处可能是照前文写的，但这是推断，报道没有说明；若是如此，其中的数字"
          + (f"（{figs['zh']}）" if ids else "") + "不因写了两次而得到独立印证。")
    count_en = {1: "One sentence", 2: "Two sentences", 3: "Three sentences"}.get(n, f"{n} sentences")
    en = (f"{count_en} of the report come{'s' if n == 1 else ''} back elsewhere, "
          + ("word for word: " if verbatim else "the shorter contained in the longer: ") + "; ".join(items_en) + ". "
          + ("" if verbatim else "They are near-repeats, not word for word the same. ")
          + "That the later was written from the earlier is an inference the report does not confirm; if it was, a figure "
          + "inside" + (f" ({figs['en']})" if ids else "") + " is not independently confirmed by being printed twice.")
    return [Check("repeated_passages", "ambiguous", ids, zh, en)]


# ---------------------------------------------------------------- recomputations

_CONVENTION = {"rounded": ("四舍五入后相符", "matches when rounded"),
               "truncated": ("截尾（舍去小数）后相符", "matches when truncated"),
               None: ("四舍五入或截尾均不相符", "matches neither rounded nor truncated")}


def _printed_share(c: _Context, check_id: str, printed_id: str,
                   readings: list[tuple[str, str, str]]) -> list[Check]:
    """Compare a printed share with each reading ``(metric_id, zh description, en description)``
    under the rule of :func:`printed_matches`."""
    if not c.has(printed_id):
        return []
    printed = c.value(printed_id)
    results = [(zh, en, c.metric(m), printed_matches(c.metric(m), printed)) for m, zh, en in readings]
    parts_zh = "；".join(f"{zh}，重算为{_pct(v)}，{_CONVENTION[how][0]}" for zh, _, v, how in results)
    parts_en = "; ".join(f"{en} gives {_pct(v)}, which {_CONVENTION[how][1]}" for _, en, v, how in results)
    inputs = sorted({i for m, *_ in readings for i in c.metrics.loc[m, "inputs"].split(", ")
                     if i in c.table.index} | {printed_id})
    matching = [r for r in results if r[3]]
    if not matching:
        status = "inconsistent"
        verdict_zh, verdict_en = "没有一种读法能复核报道的数字。", "No reading reproduces the printed figure."
    elif len(matching) == 1 and matching[0][3] == "truncated":
        status = "consistent"
        verdict_zh = (f"只有截尾（而不是通常的四舍五入），或者另一个分母，才能得出报道的{c.fig(printed_id, 'zh')}；"
                      f"若报道是截尾，分母很可能是此读法（{matching[0][0]}）。")
        verdict_en = (f"Only truncation (not the usual rounding half up, 四舍五入), or another denominator, "
                      f"gives the printed {c.fig(printed_id, 'en')}; if the report truncated, this is the likely "
                      f"denominator ({matching[0][1]}).")
    elif len(matching) == 1:
        status = "consistent"
        verdict_zh = f"报道的数字可以复核（{matching[0][0]}），分母很可能是此读法。"
        verdict_en = f"The printed figure is reproduced ({matching[0][1]}), so this is the likely denominator."
    else:
        status = "consistent"
        verdict_zh = "报道的数字可以复核，但几种读法都相符，无法确定报道用的是哪个分母。"
        verdict_en = "The printed figure is reproduced, but by more than one reading, so its denominator stays open."
    zh = f"报道称{c.name(printed_id, 'zh')}为{c.fig(printed_id, 'zh')}。重算：{parts_zh}。{verdict_zh}"
    en = f"The report puts the {c.name(printed_id, 'en').lower()} at {c.fig(printed_id, 'en')}. Recomputed: {parts_en}. {verdict_en}"
    return [Check(check_id, status, inputs, zh, en)]


def _ratio_parts(c: _Context, metric_id: str) -> tuple[str, str] | None:
    """``(numerator id, denominator id)`` of a share defined as ``a / b × 100``."""
    match = re.fullmatch(r"\s*([\w.]+)\s*/\s*([\w.]+)\s*×\s*100\s*", c.metrics.loc[metric_id, "formula"])
    return match.groups() if match else None


def _denominators(numerator: float, printed: float, convention: str) -> tuple[int, int] | None:
    """The whole denominators for which ``numerator / d × 100`` gives ``printed`` under one
    convention ("rounded" or "truncated"), as a range; None if there is none."""
    test = rounds_to if convention == "rounded" else truncates_to
    low, high = printed_interval(printed) if convention == "truncated" else \
        (printed - 10 ** -_decimals(printed) / 2, printed + 10 ** -_decimals(printed) / 2)
    candidates = range(max(int(numerator * 100 / high) - 1, 1), int(numerator * 100 / max(low, 1e-9)) + 2)
    fits = [d for d in candidates if test(numerator / d * 100, printed)]
    return (fits[0], fits[-1]) if fits else None


def _one_convention(c: _Context, shares: dict[str, list[str]]) -> list[Check]:
    """Shares printed in the same words ("占比达66%"): does one convention, rounding or
    truncation, reproduce them all with the denominators read here? If not, say which
    denominators the missing convention would need."""
    by_words: dict[str, list[str]] = {}
    for printed_id in shares:
        if c.has(printed_id):
            quote = c.table.loc[printed_id, "quote"]
            words = quote[quote.index("占比"):] if "占比" in quote else quote
            by_words.setdefault(words, []).append(printed_id)
    checks = []
    for words, ids in by_words.items():
        if len(ids) < 2:
            continue
        conventions = {p: {printed_matches(c.metric(m), c.value(p)) for m in shares[p]} - {None} for p in ids}
        common = set.intersection(*conventions.values())
        if common or not all(conventions.values()):
            continue
        parts_zh, parts_en, needs_zh, needs_en = [], [], [], []
        for p in ids:
            how = sorted(conventions[p])[0]
            parts_zh.append(f"{c.name(p, 'zh')}只能用{'四舍五入' if how == 'rounded' else '截尾'}得出")
            parts_en.append(f"the {c.name(p, 'en').lower()} only by {'rounding half up' if how == 'rounded' else 'truncation'}")
            other = "truncated" if how == "rounded" else "rounded"
            for m in shares[p]:
                part = _ratio_parts(c, m)
                if part is None or part[0] not in c.table.index:
                    continue
                span = _denominators(c.value(part[0]), c.value(p), other)
                if span is None:
                    continue
                shown = f"{format_number(span[0], lang='zh')}" + (f"至{format_number(span[1], lang='zh')}" if span[1] != span[0] else "")
                shown_en = f"{format_number(span[0])}" + (f" to {format_number(span[1])}" if span[1] != span[0] else "")
                used = c.value(part[0]) * 100 / c.metric(m)        # the denominator this reading uses
                needs_zh.append(f"{c.name(p, 'zh')}若要{'截尾' if other == 'truncated' else '四舍五入'}后得出，"
                                f"分母须为{shown}，而此处的分母为{format_number(used, 0, 'zh')}")
                needs_en.append(f"for the {c.name(p, 'en').lower()} to come out {other}, the denominator would have to be "
                                f"{shown_en}, not the {format_number(used, 0)} used here")
                break
        zh = (f"报道两次写“{words}”，但按这里采用的分母，没有一种取舍规则能同时得出两者：" + "，".join(parts_zh) + "。"
              + ("；".join(needs_zh) + "。" if needs_zh else "") + "报道用的是哪种取舍、哪个分母，无法确定。")
        en = (f"The report prints \"{words}\" twice, but with the denominators read here no single convention gives "
              f"both: " + "; ".join(parts_en) + ". " + ("; ".join(needs_en).capitalize() + ". " if needs_en else "")
              + "Which convention and which denominators the report used cannot be settled.")
        inputs = sorted({*ids, *[i for p in ids for m in shares[p] for i in c.metrics.loc[m, "inputs"].split(", ")
                                 if i in c.table.index]})
        checks.append(Check("printed_shares.one_convention", "ambiguous", inputs, zh, en))
    return checks


def _subsets(c: _Context) -> list[Check]:
    checks = []
    # (part, whole, stated): "其中" states that nursing beds are part of the institutional beds; that
    # institutional beds are part of all eldercare beds is only a reading (the metrics' caveat says so)
    pairs = [("eldercare.beds.nursing", "eldercare.beds.institutional", True),
             ("eldercare.beds.institutional", "eldercare.beds.total", False)]
    for part, whole, stated in pairs:
        if not c.has(part, whole):
            continue
        ok = c.value(part) <= c.value(whole)
        relation_zh = "符合包含关系" if stated else "与“前者包含在后者之内”的读法不矛盾（报道未明说）"
        relation_en = "as a part should" if stated else \
            "compatible with reading the first as part of the second, which the report does not state"
        zh = (f"{c.name(part, 'zh')}（{c.fig(part, 'zh')}）{'不超过' if ok else '超过了'}"
              f"{c.name(whole, 'zh')}（{c.fig(whole, 'zh')}），{relation_zh if ok else '不符合包含关系'}。")
        en = (f"{c.name(part, 'en')} ({c.fig(part, 'en')}) {'do not exceed' if ok else 'exceed'} "
              f"{c.name(whole, 'en').lower()} ({c.fig(whole, 'en')}), "
              f"{relation_en if ok else 'which a part cannot'}.")
        checks.append(Check(f"subset.{part}.of.{whole}", "consistent" if ok else "inconsistent",
                            [part, whole], zh, en))
    return checks


def _growth(c: _Context) -> list[Check]:
    ids = ["eldercare.beds.total", "eldercare.beds.total_growth"]
    if not c.has(*ids):
        return []
    mid, low, high = (c.metric(f"eldercare.beds_2021_implied{s}") for s in ("", "_low", "_high"))
    rate_low, rate_high = printed_interval(c.value(ids[1]))
    earlier = str(c.table.loc[ids[1], "period"]).split(" vs ")[-1]
    n = lambda v, lang, d=0: format_number(v, d, lang)
    zh = (f"{c.fig(ids[0], 'zh')}较{earlier}年增长{c.fig(ids[1], 'zh')}，意味着{earlier}年约有{n(significant(mid, 3), 'zh')}张"
          f"（按核对印出数字的规则，四舍五入或截尾，增长率在{n(rate_low, 'zh', None)}%至{n(rate_high, 'zh', None)}%（不含）之间，"
          f"床位在{n(low, 'zh')}至{n(high, 'zh')}张之间）；报道没有给出{earlier}年的数字，无法核对。")
    en = (f"{c.fig(ids[0], 'en')} after growth of {c.fig(ids[1], 'en')} imply about {n(significant(mid, 3), 'en')} beds "
          f"in {earlier} (between {n(low, 'en')} and {n(high, 'en')}: by the rule for printed figures, rounded half up "
          f"or truncated, the rate lies from {n(rate_low, 'en', None)}% up to, not including, {n(rate_high, 'en', None)}%); "
          f"the report gives no {earlier} figure to check this against.")
    return [Check("eldercare.beds.growth_base", "unverifiable", ids, zh, en)]


def _full_coverage(c: _Context) -> list[Check]:
    ids = ["governance.public_health_committees.coverage", "governance.public_health_committees.villages",
           "governance.public_health_committees.communities"]
    if not c.has(*ids):
        return []
    total = c.metric("governance.villages_and_communities")
    zh = (f"报道称{c.fig(ids[1], 'zh')}行政村、{c.fig(ids[2], 'zh')}社区（合计{format_number(total, lang='zh')}个村、社区）"
          f"{c.fig(ids[0], 'zh')}建立了公共卫生委员会，但没有给出委员会的数量，也没有可对照的参考数据。")
    en = (f"The report says {c.fig(ids[0], 'en')} of {format_number(c.value(ids[1]))} villages and "
          f"{format_number(c.value(ids[2]))} communities ({format_number(total)} in all) have a public-health "
          f"committee, but gives no count of committees, and no reference data can confirm it.")
    return [Check("governance.public_health_committees.full_coverage", "unverifiable", ids, zh, en)]


def _lower_bounds(c: _Context) -> list[Check]:
    """Figures given only as "more than" (余, 超过, 突破). Figures qualified "at least" (以上) are
    thresholds in this report (50户以上自然村), criteria rather than inexact counts."""
    checks = []
    for i in c.table.index[c.table["qualifier"] == "more_than"]:
        if i.endswith(".restated"):
            continue
        zh = f"{quote_zh(c.name(i, 'zh'))}只给出下限（{c.fig(i, 'zh')}），确切数字无法核对。"
        en = f"{c.name(i, 'en')}: given only as a lower bound ({c.fig(i, 'en')}); the exact figure cannot be checked."
        checks.append(Check(f"lower_bound.{i}", "unverifiable", [i], zh, en))
    return checks


# ---------------------------------------------------------------- meaning

def _shared_quotes(c: _Context) -> list[Check]:
    """Several figures from one quote with 分别 (respectively) but fewer subjects than figures."""
    checks = []
    for quote, group in c.table.groupby("quote"):
        if len(group) < 2 or "分别" not in quote:
            continue
        ids = list(group.index)
        zh = (f"原文用“分别”列出{_count_zh(len(ids))}个数字（{c.figs(ids, 'zh')}），却只有一个主语，"
              f"各个数字指的是什么无法确定。")
        en = (f"The sentence lists {len(ids)} figures ({c.figs(ids, 'en')}) \"respectively\" but names only one "
              f"subject, so which quantity each figure measures is unclear.")
        checks.append(Check(f"respectively.{ids[0].rsplit('.', 1)[0]}", "ambiguous", ids, zh, en))
    return checks


def _text_gaps(c: _Context) -> list[Check]:
    """Every place where text was lost in publication (``source/text-gaps.csv``), with the
    figures it affects; an anchor no longer in the text is reported as such, never dropped."""
    checks = []
    for gap in c.gaps.itertuples(index=False):
        ids = [i for i in gap.indicator_ids.split(", ") if i and c.has(i)]
        found = gap.anchor in c.text
        # the data's note gives the readings; what it is (text probably lost) is the label's
        zh = f"{label('text_gap', 'zh')}：{gap.note_zh}"
        en = f"{label('text_gap', 'en')}: {gap.note_en}"
        if ids:
            zh += f"涉及的数字：{c.figs(ids, 'zh')}。"
            en += f" Figures affected: {c.figs(ids, 'en')}."
        if not found:
            zh, en = f"缺口标记“{gap.anchor}”不在报道文本中。", f"The gap's anchor \"{gap.anchor}\" is not in the report text."
        checks.append(Check(f"text_gap.{gap.gap_id}", "ambiguous", ids, zh, en))
    return checks


def _undefined_terms(c: _Context) -> list[Check]:
    ids = [i for i in c.table.index
           if "高龄" in c.table.loc[i, "quote"] or "高龄" in c.table.loc[i, "note"]]
    if not ids:
        return []
    figs_zh = "和".join(f"{c.name(i, 'zh')}（{c.fig(i, 'zh')}）" for i in ids)
    figs_en = "; ".join(f"{c.name(i, 'en').lower()}: {c.fig(i, 'en')}" for i in ids)
    zh = f"{figs_zh}的对象都包括“高龄”老人，但报道没有界定年龄，无法与人口数据对照。"
    en = (f"These figures count, among others, people described as \"very old\" (高龄), an age the report "
          f"does not define, so they cannot be set against population data: {figs_en}.")
    return [Check("eldercare.undefined_very_old", "ambiguous", ids, zh, en)]


def _programme_name(c: _Context) -> list[Check]:
    ids = ["eldercare.demonstration.institutions", "eldercare.demonstration.street_centres",
           "eldercare.demonstration.township_centres"]
    name = re.search("“(三个([一二三四五六七八九十百千]+)示范工程)”", c.text)
    if name is None or not c.has(*ids):
        return []
    target = format_number(chinese_number(name.group(2)))
    total = c.metric("eldercare.demonstration_units_total")
    parts = [format_number(c.value(i)) for i in ids]
    parts_zh = [format_number(c.value(i), lang="zh") for i in ids]
    zh = (f"“{name.group(1)}”的名称像是三类各{format_number(chinese_number(name.group(2)), lang='zh')}个的目标，"
          f"但报道只列出{'、'.join(parts_zh)}个（合计{format_number(total, lang='zh')}个），没有说明目标、期限或完成进度。")
    en = (f"The model project's name ({name.group(1)}) reads like a target of {target} units in each of three kinds, "
          f"but the report lists {', '.join(parts)} ({format_number(total)} in all) and states no target, "
          f"deadline or progress.")
    return [Check("eldercare.three_hundreds_programme", "ambiguous", ids, zh, en)]


def _period(c: _Context) -> list[Check]:
    """Figures counted "on successive occasions" (先后), with no time span."""
    ids = [i for i in c.table.index if "先后" in c.table.loc[i, "quote"]]
    return [Check(f"period.{i}", "ambiguous", [i],
                  f"{quote_zh(c.name(i, 'zh'))}（{c.fig(i, 'zh')}）以“先后”计，报道没有说明时间范围，表中记为{c.period(i, 'zh')}。",
                  f"{c.name(i, 'en')} ({c.fig(i, 'en')}) is counted \"on successive occasions\" with no time span; "
                  f"the table records it as {c.period(i, 'en')}.")
            for i in ids]


def distinct_conflicts(indicator_ids) -> int:
    """How many separate conflicts a set of checks shows: checks that share a figure belong to
    one conflict (78 vs 99 stations appears in two checks)."""
    groups: list[set[str]] = []
    for ids in indicator_ids:
        ids = set(ids.split(", "))
        joined = [g for g in groups if g & ids]
        groups = [g for g in groups if not g & ids] + [ids.union(*joined)]
    return len(groups)


def summary(checks: pd.DataFrame, lang: str) -> str:
    """The audit in a few lines of Markdown: how many checks of each status, how many separate
    conflicts, certain or probable, and each of those checks in full."""
    counts = checks["status"].value_counts()
    conflicts = checks["conflict"] if "conflict" in checks else checks["status"].map({"inconsistent": "yes"}).fillna("")
    certain, probable = checks[conflicts == "yes"], checks[conflicts == "probable"]
    n_certain, n_probable = distinct_conflicts(certain["indicator_ids"]), distinct_conflicts(probable["indicator_ids"])
    if check_lang(lang) == "zh":
        head = f"共{len(checks)}项核对：" + "，".join(f"{int(counts.get(s, 0))}项{label('audit_' + s, lang)}"
                                                 for s in STATUSES) + "。"
        if len(certain):
            head += f"{len(certain)}项不一致源于{n_certain}处矛盾。"
        if len(probable):
            head += (f"含义不明的核对中，有{len(probable)}项指向{n_probable}处很可能的矛盾：它们紧挨刊发时可能缺失文字之处，"
                     f"缺失的文字或许能使其并不矛盾。")
        lead = "报道前后可能不一致之处：" if not len(certain) else "报道前后不一致（或很可能不一致）之处："
    else:
        head = f"{len(checks)} checks: " + ", ".join(f"{int(counts.get(s, 0))} {label('audit_' + s, lang)}"
                                                   for s in STATUSES) + "."
        if len(certain):
            head += (f" The {len(certain)} inconsistent check{'s' if len(certain) > 1 else ''} come from {n_certain} "
                     f"underlying conflict{'s' if n_certain > 1 else ''}.")
        if len(probable):
            head += (f" {len(probable)} ambiguous check{'s' if len(probable) > 1 else ''} point to {n_probable} probable "
                     f"conflict{'s' if n_probable > 1 else ''}, next to a place where text was probably lost in publication, "
                     f"which may have reconciled the statements.")
        lead = "Where the report may disagree with itself:" if not len(certain) else \
            "Where the report disagrees, or probably disagrees, with itself:"
    text = "explanation_zh" if lang == "zh" else "explanation_en"
    bullets = "\n".join(f"- {t}" for t in pd.concat([certain, probable])[text])
    return f"{head}\n\n{lead}\n\n{bullets}" if bullets else head


def audit(data_dir: str | os.PathLike | Facts | None = None, overrides: dict | None = None) -> pd.DataFrame:
    """Every consistency check of the report (see the module docstring), one row per check.

    Under a what-if scenario, the checks read its figures: ``audit(facts)`` for a
    :class:`~guilin_analysis.lookup.Facts` made with overrides, or ``audit(data_dir, overrides)``."""
    if isinstance(data_dir, Facts):
        data_dir, overrides = data_dir.data_dir, {**data_dir.scenario, **(overrides or {})}
    c = _Context(data_dir, overrides)
    n = lambda value, lang: format_number(value, lang=lang)
    townships, rows = c.metric("governance.township_level_units"), len(c.divisions)
    shares = {
        "eldercare.beds.nursing_share": [
            ("eldercare.nursing_share_of_institutional_beds", "以养老机构床位为分母", "over institutional beds"),
            ("eldercare.nursing_share_of_all_beds", "以全部养老服务床位为分母", "over all eldercare beds")],
        "child_welfare.protection_workstations.share": [
            ("child_welfare.protection_workstation_coverage", f"以{n(townships, 'zh')}个乡镇（街道）为分母",
             f"over the {n(townships, 'en')} townships, towns and sub-districts"),
            ("child_welfare.protection_workstation_coverage_all_rows", f"以{n(rows, 'zh')}个乡镇级单位（含管委会）为分母",
             f"over all {n(rows, 'en')} township-level rows")],
    }
    checks = [
        *_restatements(c),
        *_stations_context(c),
        *_repeated_passages(c),
        *_printed_share(c, "eldercare.beds.nursing_share_recomputed", "eldercare.beds.nursing_share",
                        shares["eldercare.beds.nursing_share"]),
        *_printed_share(c, "child_welfare.protection_workstations.share_recomputed",
                        "child_welfare.protection_workstations.share",
                        shares["child_welfare.protection_workstations.share"]),
        *_one_convention(c, {p: [m for m, *_ in readings] for p, readings in shares.items()}),
        *_subsets(c),
        *_growth(c),
        *_full_coverage(c),
        *_lower_bounds(c),
        *_shared_quotes(c),
        *_text_gaps(c),
        *_undefined_terms(c),
        *_programme_name(c),
        *_period(c),
    ]
    return pd.DataFrame([check.row() for check in checks], columns=COLUMNS)
