"""Event logs: read them (readers; XES in xes, byte limits in bounded), aggregate them in SQL
(queries), draft maps (discover) and compare them with a designed map (overlay);
`journeyctl.gaps.observed` reports that comparison as gaps. Imports `core` and `markov` (the
designed chain the log is compared with).
"""
