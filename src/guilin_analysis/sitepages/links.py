"""From a notebook page back to the data: chart descriptions and links to the source page.

- :func:`describe_charts` gives every chart of an executed notebook alt text in the page's
  language, made from the figures the chart's cell draws (the ids it names, read with
  :class:`~guilin_analysis.lookup.Facts`), and the numbers behind it as a table under a
  disclosure, each figure linked to its quote (indicators), its citation (reference figures)
  or its row (derived metrics).
- :func:`link_tables` turns every figure in a table of the exported page into a link: a row
  naming an indicator links its figure to ``source.html#<id>``; a reference figure to its
  citation on the data page; ids in an audit table to their quotes.

Every text written here is escaped with :func:`html.escape`.
"""
from __future__ import annotations

import re
from html import escape

from ..labels import label

_TITLE = re.compile(r"""title\s*=\s*pick\(\s*lang\s*,\s*zh\s*=\s*(["'])(?P<zh>.*?)\1\s*,\s*en\s*=\s*(["'])(?P<en>.*?)\3""",
                    re.DOTALL)
_QUOTED = re.compile(r"""["']([a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+)["']""")


def target(facts, item_id: str) -> str | None:
    """Where a figure's provenance is shown: its quote, citation or row."""
    if item_id in facts.table.index:
        return f"source.html#{item_id}"
    if item_id in facts.reference.index:
        return f"data.html#ref-{item_id}"
    if item_id in facts.metrics.index:
        return f"data.html#metric-{item_id}"
    return None


def _chart_items(source: str, lang: str, facts) -> list[tuple[str, str, str | None]]:
    """``(name, figure, link)`` of what a chart's cell draws."""
    if facts is None:
        return []
    items = []
    if "status_counts(" in source:
        from ..consistency import STATUSES, audit

        counts = audit(facts.data_dir)["status"].value_counts()
        return [(label(f"audit_{s}", lang), str(int(counts.get(s, 0))), None) for s in STATUSES]
    if 'groupby("section"' in source:
        counts = facts.table.groupby("section", sort=False).size()
        return [(label(s, lang), str(int(n)), None) for s, n in counts.items()]
    for item_id in dict.fromkeys(_QUOTED.findall(source)):
        try:
            name, _, text = facts.item(item_id, lang)
        except Exception:
            continue
        items.append((str(name), str(text), target(facts, item_id)))
    return items


def describe_charts(nb, lang: str, facts) -> None:
    """Set ``guilin_alt`` and ``guilin_details`` in the metadata of every PNG output."""
    for cell in nb.cells:
        outputs = [o for o in cell.get("outputs", []) if "image/png" in o.get("data", {})]
        if not outputs:
            continue
        source = cell.source if isinstance(cell.source, str) else "".join(cell.source)
        match = _TITLE.search(source)
        title = match.group(lang) if match else ""
        items = _chart_items(source, lang, facts)
        sep = "：" if lang == "zh" else ": "
        join = "；" if lang == "zh" else "; "
        alt = label("chart_alt", lang) + (sep + title if title else "")
        if items:
            alt += (sep if lang == "zh" else ". ") + join.join(f"{n}{sep}{t}" for n, t, _ in items)
        rows = "".join(f"<tr><td>{escape(n)}</td><td>{_link(t, h)}</td></tr>" for n, t, h in items)
        details = (f'<details class="chart-data"><summary>{escape(label("chart_data", lang))}</summary>'
                   f'<table><thead><tr><th scope="col">{escape(label("name", lang))}</th>'
                   f'<th scope="col">{escape(label("figure", lang))}</th></tr></thead><tbody>{rows}</tbody></table>'
                   f'</details>') if items else ""
        for output in outputs:
            output.setdefault("metadata", {})
            output["metadata"]["guilin_alt"] = alt
            output["metadata"]["guilin_details"] = details


def link_tables(page: str, lang: str, facts) -> str:
    """Every figure in a table of ``page`` linked to where it comes from."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(page, features="html.parser")
    name_col = "name_zh" if lang == "zh" else "name_en"
    by_name = {}
    for frame in (facts.table, facts.reference, facts.metrics):
        for item_id, name in frame[name_col].items():
            by_name.setdefault(str(name).strip(), item_id)
    ids = set(facts.table.index)
    changed = False
    for table in soup.select("main table"):
        if table.find_parent("details"):
            continue
        for row in table.select("tr"):
            cells = row.find_all("td")
            if not cells:
                continue
            item_id = next((by_name[c.get_text().strip()] for c in cells if c.get_text().strip() in by_name), None)
            if item_id is not None:
                where = target(facts, item_id)
                texts = [c.get_text().strip() for c in cells]
                name_at = next(n for n, t in enumerate(texts) if by_name.get(t) == item_id)
                cell = cells[name_at + 1] if name_at + 1 < len(cells) else cells[name_at]
                if where and not cell.find("a"):
                    _wrap(soup, cell, where)
                    changed = True
                continue
            for cell in cells:                      # an audit row: its indicator ids
                words = [w.strip() for w in re.split(r"[,，;\s]+", cell.get_text()) if w.strip()]
                if words and all(w in ids for w in words) and not cell.find("a"):
                    cell.clear()
                    for n, word in enumerate(words):
                        if n:
                            cell.append(", ")
                        link = soup.new_tag("a", href=f"source.html#{word}")
                        link.string = word
                        cell.append(link)
                    changed = True
    return str(soup) if changed else page


def _link(text: str, href: str | None) -> str:
    return f'<a href="{escape(href)}">{escape(text)}</a>' if href else escape(text)


def _wrap(soup, cell, href: str) -> None:
    link = soup.new_tag("a", href=href)
    for child in list(cell.contents):
        link.append(child.extract())
    cell.append(link)
