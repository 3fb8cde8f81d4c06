"""Batch audits of card dumps: a pure per-card function, flat versioned rows, sweeps over Parquet.

``audit_card`` and ``card_row`` need only the core install; ``audit_table`` and the sweep need the
``sweep`` extra (pyarrow, and Dask for the distributed engine).
"""

from openness.batch.audit import BatchOptions, audit_card, audit_table, card_row, pipeline
from openness.batch.limits import CardLimitError, CardLimits, CardTimeout
from openness.batch.rows import COLUMN_NAMES, ROW_SCHEMA_VERSION, arrow_schema, report_row

__all__ = [
    "COLUMN_NAMES",
    "ROW_SCHEMA_VERSION",
    "BatchOptions",
    "CardLimitError",
    "CardLimits",
    "CardTimeout",
    "arrow_schema",
    "audit_card",
    "audit_table",
    "card_row",
    "pipeline",
    "report_row",
]
