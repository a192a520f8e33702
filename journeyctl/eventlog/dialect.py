"""DuckDB's SQL, as the queries are written, translated for Spark SQL (SQLGlot, with the rules it
lacks for what the queries use)."""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=256)
def to_spark(sql: str) -> str:
    """`sql` (DuckDB) as Spark SQL: SQLGlot's translation, plus ordered lists and microsecond
    epochs, which it would translate to something else."""
    import sqlglot
    from sqlglot import exp

    def fix(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.ArrayAgg) and isinstance(node.this, exp.Order):
            return _ordered_list(node.this)
        if isinstance(node, exp.Anonymous) and node.name.lower() == "epoch_us":
            return exp.Anonymous(this="unix_micros", expressions=node.expressions)
        return node

    tree = sqlglot.parse_one(sql, read="duckdb").transform(fix)
    return tree.sql(dialect="spark")


def _ordered_list(order):
    """`list(x ORDER BY k1, k2)` as `transform(array_sort(collect_list(struct(k1, k2, x))),
    e -> e.x)`: Spark's collect_list keeps no order, so the keys travel with the values (a
    descending key negated)."""
    from sqlglot import exp

    keys = []
    for i, ordered in enumerate(order.expressions):
        key = ordered.this.copy()
        if ordered.args.get("desc"):  # numeric keys only (counts, in the queries)
            key = exp.Neg(this=exp.Paren(this=key))
        keys.append(exp.alias_(key, f"k{i}"))
    value = exp.alias_(order.this.copy(), "v")
    collected = exp.Anonymous(
        this="collect_list", expressions=[exp.Struct(expressions=[*keys, value])]
    )
    sorted_ = exp.Anonymous(this="array_sort", expressions=[collected])
    pick = exp.Lambda(this=exp.column("v", table="e"), expressions=[exp.to_identifier("e")])
    return exp.Anonymous(this="transform", expressions=[sorted_, pick])
