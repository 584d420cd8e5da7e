"""Scoring the cleaning against ground truth: datasets, folds grouped by site, dump styles.

Nothing heavy is imported here: ``presswash --help`` and every other command build their
parsers from this package's names.
"""

#: The scraper dump styles of ``evaluation.dumps`` (its ``DUMPS`` has one writer for each).
DUMP_STYLES = ("markdown", "visible", "lynx", "page-markdown", "front-matter", "reader")
