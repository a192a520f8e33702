"""Event logs: read them (readers), aggregate them in SQL (queries), draft maps (discover),
compare them with a designed map (overlay) and report that as gaps (observed)."""
