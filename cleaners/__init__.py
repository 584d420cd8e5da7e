"""presswash cleaners: pure text/HTML cleaning and dedup (no prefect, no duckdb)."""
