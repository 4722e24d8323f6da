"""The Chinese of the data page that is not in the data: the chrome of the tables the code computes.

Every text of the data package carries its Chinese in the package itself (``datapackage.json``):
a note, definition or citation in its twin column (``note_zh`` beside ``note``, declared with
``x-chinese-of``, and ``guilin-report check`` refuses a row that fills one and not the other), a
table's or a column's title and description in ``x-title-zh`` and ``x-description-zh``, a code
of a vocabulary in ``x-enum-zh``. :mod:`.datapage` reads them there, so an edited note cannot
keep a stale translation here or lose its Chinese silently.

What is left is page chrome, keyed by name, never by English text: the two tables the code
computes rather than ships (the derived metrics and the audit: their titles, the headings of
their own columns and the audit's conflict codes) and the names of field types.
"""
from __future__ import annotations

#: The tables the code computes (sitepages/downloads.py): their Chinese title, the resource
#: whose fields they carry (their Chinese headings and codes are read from it), the headings of
#: the columns they add and the Chinese of their codes.
COMPUTED: dict[str, dict] = {
    "derived-metrics": {"title": "推算指标（guilin_analysis.derived_metrics）", "fields_of": "metric-definitions",
                        "columns": {"value": "数值", "inputs": "所用编号"}},
    "audit": {"title": "一致性核对（guilin_analysis.audit）",
              "columns": {"check_id": "核对项编号", "status": "状态", "indicator_ids": "相关指标编号",
                          "conflict": "是否矛盾", "explanation_zh": "说明", "explanation_en": "说明（英文）"},
              "codes": {"conflict": {"yes": "矛盾", "probable": "很可能矛盾"}}},
}

#: Field types, as the column sheet names them.
TYPES: dict[str, str] = {"string": "文本", "number": "数值", "integer": "整数", "boolean": "布尔值",
                         "date": "日期", "year": "年份"}
