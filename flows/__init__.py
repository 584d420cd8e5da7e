"""presswash flows: the Prefect ingest flow and the ``presswash`` CLI (thin wiring only).

Importing this package changes nothing in the process: the CLI quiets Prefect's defaults
in its own environment (:func:`flows.settings.quiet_prefect`) before it imports Prefect.
"""
