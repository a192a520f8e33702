"""Print pm4py's directly-follows graph, start/end counts and variants of a CSV log as JSON.

Run with the `.venv-oracle` interpreter (scripts/setup.d/eventlog.sh), never inside journeyctl:
pm4py is AGPL and serves only as an outside oracle for the tests and the benchmark.

usage: pm4py_oracle.py LOG.csv CASE ACTIVITY TIMESTAMP
"""

import contextlib
import io
import json
import sys

with contextlib.redirect_stdout(io.StringIO()):  # pm4py greets on stdout
    import pandas as pd
    import pm4py


def main(path, case, activity, timestamp):
    df = pd.read_csv(path, dtype={case: str, activity: str})
    df = pm4py.format_dataframe(df, case_id=case, activity_key=activity, timestamp_key=timestamp)
    dfg, start, end = pm4py.discover_dfg(df)
    variants = pm4py.get_variants(df)
    result = {
        "dfg": sorted([a, b, int(n)] for (a, b), n in dfg.items()),
        "start": {a: int(n) for a, n in sorted(start.items())},
        "end": {a: int(n) for a, n in sorted(end.items())},
        "variants": sorted(
            ([list(v), n if isinstance(n, int) else len(n)] for v, n in variants.items()),
            key=lambda x: (-x[1], x[0]),
        ),
    }
    json.dump(result, sys.stdout, sort_keys=True)


if __name__ == "__main__":
    main(*sys.argv[1:5])
