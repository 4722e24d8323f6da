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
- Every paragraph starts with an empty anchor ``#p-<n>`` (the glossary links to them).

The English page sets the project's translation (:mod:`guilin_analysis.translation`) beside
each Chinese paragraph: :func:`parallel_rows` cuts the Chinese pieces into paragraphs and gives
each its English pieces, where a figure is a mark with the same tooltip as the Chinese one under
the anchor ``#en-<indicator id>`` (the Chinese keeps ``#<indicator id>``) and a gap is a short
mark that links to the Chinese gap mark beside it, in the row where the Chinese has it.
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


def source_context(lang: str, data_dir, used_on: dict[str, list[str]], nav_label, overrides: dict | None = None,
                   facts=None) -> dict:
    """What the source page shows: ``pieces`` (text runs, figure marks, gap marks), ``count``
    (marks) and ``ids`` (figures anchored). Under a what-if scenario (``overrides``) a figure the
    scenario sets says so beside the transcribed one (the text stays verbatim)."""
    from ..data import load_reference, load_report_text, read_descriptor, unit_labels
    from ..lookup import Facts

    text = load_report_text(data_dir)
    facts = Facts(data_dir) if facts is None else facts      # the caller's, when it has one
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

    scenario = Facts(data_dir, overrides) if overrides else None

    def info(ident: str) -> dict:
        row = table.loc[ident]
        return {"id": ident, "name": str(row["name_zh" if lang == "zh" else "name_en"]),
                "figure": facts.fig(ident, lang), "period": period_of(facts, ident, lang),
                "conflict": conflicts.get(ident),
                "conflict_figure": facts.fig(conflicts[ident], lang) if ident in conflicts else "",
                "data_row": f"{DATA_PAGE}#row-{ident}",
                "scenario": scenario.fig(ident, lang) if ident in (overrides or {}) else "",
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
    from ..translation import report_paragraphs

    paragraphs = report_paragraphs(text)
    pieces: list[dict] = []
    seen: set[str] = set()
    cursor = 0
    events = sorted([(h["start"], 2, h) for h in found] + [(p, 1, g) for p, g in marks]
                    + [(p.start, 0, p) for p in paragraphs], key=lambda e: (e[0], e[1]))
    for pos, kind, item in events:
        if pos > cursor:
            pieces.append({"kind": "text", "text": text[cursor:pos], "at": cursor})
            cursor = pos
        if kind == 0:
            pieces.append({"kind": "paragraph", "id": f"p-{item.number}", "at": pos})
            continue
        if kind == 1:
            pieces.append({"kind": "gap", **item, "at": pos})
            continue
        anchors = [i for i in item["ids"] if i not in seen]
        seen.update(anchors)
        pieces.append({"kind": "mark", "text": text[item["start"]:item["end"]], "ids": item["ids"],
                       "anchor": anchors[0] if anchors else None, "more_anchors": anchors[1:],
                       "conflict": any(i in conflicts for i in item["ids"]),
                       "entries": [info(i) for i in item["ids"]], "at": pos, "n": len(pieces) + 1})
        cursor = item["end"]
    if cursor < len(text):
        pieces.append({"kind": "text", "text": text[cursor:], "at": cursor})
    context = {"pieces": pieces, "count": len(found), "ids": len(seen), "gap_label": label("text_gap", lang),
               "rows": None, "before": "", "en_anchors": set()}
    if lang == "en":
        from ..translation import english_paragraphs

        context.update(parallel_rows(pieces, text, english_paragraphs(data_dir), info, conflicts))
    return context


def _cut(pieces: list[dict], start: int, end: int) -> list[dict]:
    """The pieces of ``[start, end]`` of the text (a text piece clipped to it; a point piece, a
    gap or a paragraph anchor, at ``end`` belongs to it)."""
    out = []
    for piece in pieces:
        at = piece["at"]
        if piece["kind"] == "text":
            a, b = max(at, start), min(at + len(piece["text"]), end)
            if a < b:
                out.append({**piece, "text": piece["text"][a - at:b - at], "at": a})
        elif piece["kind"] == "mark":
            if start <= at < end:
                out.append(piece)
        elif start <= at <= end:
            out.append(piece)
    return out


def parallel_rows(pieces: list[dict], text: str, english, info, conflicts: dict) -> dict:
    """The English page's report: ``rows`` (one per paragraph: ``number``, ``id``, the Chinese
    ``zh`` pieces, the English ``en`` pieces, the translator's ``note``), ``before`` and each
    row's ``after`` (the text between paragraphs, blank lines: the report stays verbatim) and
    ``en_anchors`` (the ids with an English mark)."""
    gap_row: dict[str, int] = {}
    rows = []
    for p in english:
        zh = _cut(pieces, p.start, p.end)
        for piece in zh:
            if piece["kind"] == "gap":
                gap_row[piece["id"]] = p.number
        rows.append({"number": p.number, "id": f"p-{p.number}", "zh": zh, "english": p, "note": p.note})
    # a gap mark of the English stands in the row of the Chinese one: where the translation
    # marks it when that is the same paragraph, else at the start or the end of the paragraph,
    # as in the Chinese
    from ..translation import Figure, Gap

    seen: set[str] = set()
    n = 0
    for row in rows:
        p = row.pop("english")
        en: list[dict] = []
        own = [piece for piece in row["zh"] if piece["kind"] == "gap"]
        placed = set()
        for seg in p.segments:
            if isinstance(seg, Gap):
                gap = next((g for g in own if g["id"] == f"gap-{seg.gap_id}"), None)
                if gap is not None:
                    en.append({"kind": "gap", "id": gap["id"]})
                    placed.add(gap["id"])
            elif isinstance(seg, Figure):
                n += 1
                anchors = [i for i in seg.ids if i not in seen]
                seen.update(anchors)
                en.append({"kind": "mark", "text": seg.text, "ids": list(seg.ids),
                           "anchor": f"en-{anchors[0]}" if anchors else None,
                           "more_anchors": [f"en-{i}" for i in anchors[1:]],
                           "conflict": any(i in conflicts for i in seg.ids),
                           "entries": [info(i) for i in seg.ids], "n": n})
            elif seg:
                en.append({"kind": "text", "text": seg})
        for gap in own:
            if gap["id"] not in placed:
                mark = {"kind": "gap", "id": gap["id"]}
                en = [mark, *en] if gap["at"] == p.start else [*en, mark]
        row["en"] = en
    for i, row in enumerate(rows):
        end = english[i].end
        nxt = english[i + 1].start if i + 1 < len(english) else len(text)
        row["after"] = text[end:nxt]
    before = text[:english[0].start] if english else text
    return {"rows": rows, "before": before, "en_anchors": seen}
