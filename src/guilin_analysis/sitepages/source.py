"""The source page: the report verbatim, every transcribed figure highlighted where it stands.

In: the data package (report text, indicators, text gaps) and which pages show each id. Out:
:func:`source_context`, the text cut into plain runs, figure marks and gap marks, for
``templates/source.html.j2``.

- A mark covers the figure itself (the number, its unit and the report's qualifier words:
  ``约900户``, ``突破亿元``), not the whole quote, so that each anchor ``#<indicator id>`` lands
  on its figure and a quote holding several figures (the closing paragraph's 922.52万元, 99个
  and 63654人次) gives each its own mark: only a figure another statement contradicts is
  marked as contradicted.
- A gap mark says "text probably lost here" at the place the loss most likely is, with the
  reading the data gives (``text-gaps.csv``) and the figures it puts in doubt.
"""
from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from ..labels import label
from .names import DATA_PAGE, period_of

_ARABIC = re.compile(r"[0-9]+(?:,[0-9]{3})*(?:\.[0-9]+)?")
_CN_RUN = re.compile("[零〇一二两三四五六七八九十百千万亿]+")
#: The report's qualifier words next to a figure, kept inside its mark.
_BEFORE = ("不少于", "不低于", "超过", "突破", "约")
_INFIX = ("余", "多")
_AFTER = ("以上", "左右")
#: Words the report prints for a unit (the data's ``x-provenance.unit_words`` when it has them).
_UNIT_WORDS = {"名": "人", "万": "万人"}
#: A paragraph that opens with one of these is a photo caption, not the section's prose.
CAPTION_MARKS = "▲▼◀▶"


def _number(text: str) -> Decimal | None:
    try:
        return Decimal(text.replace(",", ""))
    except InvalidOperation:
        return None


def figure_span(quote: str, value, unit: str, multiplier: float = 1,
                unit_words: dict[str, str] | None = None) -> tuple[int, int]:
    """Where in ``quote`` the figure ``value`` (in ``unit``) is printed: ``(start, end)``, from its
    qualifier word before to its unit (and 以上/左右) after. The whole quote when the number
    cannot be found (``check`` refuses such a row)."""
    from ..provenance import chinese_number

    wanted = _number(str(value))
    if wanted is None:
        return 0, len(quote)
    scaled = wanted * Decimal(str(multiplier))
    words = {**_UNIT_WORDS, **(unit_words or {})}
    printed = sorted({w for w, u in words.items() if u == unit} | {unit}, key=len, reverse=True)
    found = [(m.start(), m.end()) for m in _ARABIC.finditer(quote) if _number(m.group()) in (wanted, scaled)]
    found += [(m.start(), m.end()) for m in _CN_RUN.finditer(quote)
              if Decimal(chinese_number(m.group())) in (wanted, scaled)]
    if not found:
        return 0, len(quote)
    start, end = min(found)
    own = next((w for w in printed if w and quote.startswith(w, start)), None)   # 亿 of 亿元
    if own and start + len(own) > end:
        end = start + len(own)
    else:
        infix = next((w for w in _INFIX if quote.startswith(w, end)), "")
        word = next((w for w in printed if w and quote.startswith(w, end + len(infix))), None)
        if word:
            end += len(infix) + len(word)
    end += len(next((w for w in _AFTER if quote.startswith(w, end)), ""))
    start -= len(next((w for w in _BEFORE if quote[:start].endswith(w)), ""))
    return start, end


def figure_marks(text: str, spans: dict[str, tuple[str, tuple[int, int]]]) -> list[dict]:
    """Every figure at every occurrence of its quote, as ``{"start", "end", "ids"}`` in text
    order; marks that overlap merge into one that carries every id (first id first)."""
    placed = []
    for ident, (quote, (a, b)) in spans.items():
        if not quote:
            continue
        for match in re.finditer(re.escape(quote), text):
            placed.append((match.start() + a, match.start() + b, ident))
    placed.sort()
    merged: list[dict] = []
    for start, end, ident in placed:
        if merged and start < merged[-1]["end"]:
            merged[-1]["end"] = max(merged[-1]["end"], end)
            if ident not in merged[-1]["ids"]:
                merged[-1]["ids"].append(ident)
        else:
            merged.append({"start": start, "end": end, "ids": [ident]})
    return merged


def _paragraphs(text: str, start: int) -> list[tuple[int, int]]:
    """``(start, end)`` of each paragraph (text between blank lines) from ``start`` on."""
    return [(m.start(), m.end()) for m in re.finditer(r"[^\n]+(?:\n[^\n]+)*", text) if m.start() >= start]


def section_end(text: str, heading_end: int) -> int:
    """Where the prose under a heading ends: the end of the last paragraph before the first
    photo caption (a paragraph opening with ▲▼◀▶) or the next heading (a paragraph with no
    sentence end 。！？); the heading's own end when no prose follows it."""
    end = heading_end
    for start, stop in _paragraphs(text, heading_end):
        paragraph = text[start:stop].strip()
        if paragraph[:1] in CAPTION_MARKS or not re.search("[。！？]", paragraph):
            break
        end = stop
    return end


def gap_position(text: str, kind: str, anchor: str) -> int | None:
    """Where a gap mark stands: right before its anchor (a passage that opens mid-sentence, a
    stray unit), or, for a heading whose section carries none of the figures it announces,
    after the section's prose: those paragraphs may be its body, so the loss is not asserted
    between the heading and them."""
    pos = text.find(anchor) if anchor else -1
    if pos < 0:
        return None
    if kind == "empty_section":
        return section_end(text, pos + len(anchor))
    return pos


def source_context(lang: str, data_dir, used_on: dict[str, list[str]], nav_label) -> dict:
    """What the source page shows: ``pieces`` (text runs, figure marks, gap marks), ``count``
    (marks) and ``ids`` (figures anchored)."""
    from ..data import load_reference, load_report_text, read_descriptor, unit_labels
    from ..lookup import Facts

    text = load_report_text(data_dir)
    facts = Facts(data_dir)
    table = facts.table
    units = unit_labels("report-indicators", data_dir)
    words = {}
    for res in read_descriptor(data_dir)["resources"]:
        if res.get("name") == "report-indicators":
            words = dict(res.get("x-provenance", {}).get("unit_words", {}) or {})
    spans = {}
    for ident in table.index:
        row = table.loc[ident]
        quote = str(row["quote"])
        spans[ident] = (quote, figure_span(quote, row["value"], str(row["unit"]),
                                           units.get(str(row["unit"]), {}).get("multiplier", 1), words))
    conflicts: dict[str, str] = {}
    for ident in table.index:
        other = facts.conflict(ident)
        if other:
            conflicts[ident] = other
            conflicts.setdefault(other, ident)

    def info(ident: str) -> dict:
        row = table.loc[ident]
        return {"id": ident, "name": str(row["name_zh" if lang == "zh" else "name_en"]),
                "figure": facts.fig(ident, lang), "period": period_of(facts, ident, lang),
                "conflict": conflicts.get(ident),
                "conflict_figure": facts.fig(conflicts[ident], lang) if ident in conflicts else "",
                "data_row": f"{DATA_PAGE}#row-{ident}",
                "pages": [(f"{s}.html", nav_label(s, lang)) for s in used_on.get(ident, [])]}

    marks = []                  # (position, gap piece)
    try:
        gaps = load_reference("text-gaps", data_dir)
    except Exception:
        gaps = None
    if gaps is not None:
        for _, gap in gaps.iterrows():
            pos = gap_position(text, str(gap["kind"]), str(gap["anchor"]))
            if pos is None:
                continue
            affected = [i.strip() for i in str(gap.get("indicator_ids", "") or "").split(",") if i.strip() in table.index]
            marks.append((pos, {"id": f"gap-{gap['gap_id']}",
                                "note": str(gap["note_zh" if lang == "zh" else "note_en"]),
                                "figures": [(i, facts.fig(i, lang), str(table.loc[i, "name_zh" if lang == "zh" else "name_en"]))
                                            for i in affected]}))
    found = figure_marks(text, spans)
    for n, (pos, gap) in enumerate(marks):          # a gap mark never splits a figure
        for h in found:
            if h["start"] < pos < h["end"]:
                marks[n] = (h["start"], gap)
    pieces: list[dict] = []
    seen: set[str] = set()
    cursor = 0
    events = sorted([(h["start"], 1, h) for h in found] + [(p, 0, g) for p, g in marks], key=lambda e: (e[0], e[1]))
    for pos, kind, item in events:
        if pos > cursor:
            pieces.append({"kind": "text", "text": text[cursor:pos]})
            cursor = pos
        if kind == 0:
            pieces.append({"kind": "gap", **item})
            continue
        anchors = [i for i in item["ids"] if i not in seen]
        seen.update(anchors)
        pieces.append({"kind": "mark", "text": text[item["start"]:item["end"]], "ids": item["ids"],
                       "anchor": anchors[0] if anchors else None, "more_anchors": anchors[1:],
                       "conflict": any(i in conflicts for i in item["ids"]),
                       "entries": [info(i) for i in item["ids"]]})
        cursor = item["end"]
    if cursor < len(text):
        pieces.append({"kind": "text", "text": text[cursor:]})
    return {"pieces": pieces, "count": len(found), "ids": len(seen), "gap_label": label("text_gap", lang)}
