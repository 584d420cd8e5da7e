"""presswash flows: the Prefect ingest flow and the ``presswash`` CLI (thin wiring only)."""

from .settings import quiet_prefect

quiet_prefect()
