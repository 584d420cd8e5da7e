"""What one ingest run did: counts kept while it runs, checked, printed and published."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

import warehouse
from flows.dedup_stage import Deduped
from sources.read import Reject


@dataclass(slots=True)
class RunReport:
    """Counts of one run. ``inputs == landed + duplicates + rejected`` once it is complete:
    ``landed`` counts new original articles; ``duplicates`` the inputs whose content was
    already in the warehouse plus the near-duplicate copies (``near_duplicates``), which land
    too, linked to their original by ``duplicate_of``; ``rejected`` inputs that could not
    land."""

    run_id: str
    db: str
    inputs: int = 0
    landed: int = 0
    duplicates: int = 0
    near_duplicates: int = 0
    rejected: int = 0
    removals_by_kind: Counter[str] = field(default_factory=Counter)
    sites: Counter[str] = field(default_factory=Counter)
    rejects: list[Reject] = field(default_factory=list)

    def add_rejects(self, rejects: Sequence[Reject]) -> None:
        self.inputs += len(rejects)
        self.rejected += len(rejects)
        self.rejects.extend(rejects)

    def add_batch(self, deduped: Deduped, result: warehouse.LandResult, repeats: int = 0) -> None:
        """Count a landed batch; ``repeats`` are inputs dropped before dedup as copies of
        another input of the batch (:func:`flows.stages.drop_repeats`): duplicates."""
        self.add_rejects(deduped.rejects)
        self.inputs += len(result.landed) + len(result.existing) + repeats
        self.duplicates += repeats
        new = set(result.landed)
        copies = new & deduped.copies.keys()
        self.landed += len(new) - len(copies)
        self.near_duplicates += len(copies)
        self.duplicates += len(result.existing) + len(copies)
        batch = deduped.batch
        self.removals_by_kind.update(r["kind"] for r in batch.removals if r["article_id"] in new)
        self.sites.update(
            a["site"] or "(unknown)" for a in batch.articles if a["article_id"] in new
        )

    def check_balance(self) -> None:
        """Fail loudly if some input is not accounted for."""
        accounted = self.landed + self.duplicates + self.rejected
        if accounted != self.inputs:
            raise RuntimeError(
                f"run {self.run_id}: {self.inputs} inputs but {accounted} accounted for "
                f"(landed {self.landed}, duplicates {self.duplicates}, rejected {self.rejected})"
            )

    def markdown(self) -> str:
        """The run as markdown tables: counts, removals per kind, top sites."""
        lines = [
            f"## presswash run `{self.run_id}`",
            "",
            "| inputs | landed | duplicates | near-duplicates | rejected |",
            "|---:|---:|---:|---:|---:|",
            f"| {self.inputs} | {self.landed} | {self.duplicates} | {self.near_duplicates} "
            f"| {self.rejected} |",
        ]
        if self.removals_by_kind:
            lines += ["", "| removal kind | count |", "|---|---:|"]
            lines += [f"| {k} | {n} |" for k, n in self.removals_by_kind.most_common()]
        if self.sites:
            lines += ["", "| top sites | articles |", "|---|---:|"]
            lines += [f"| {_cell(s)} | {n} |" for s, n in self.sites.most_common(10)]
        if self.rejects:
            lines += ["", "| rejected input | reason |", "|---|---|"]
            lines += [f"| {_cell(r.source)} | {_cell(r.reason)} |" for r in self.rejects[:50]]
        return "\n".join(lines)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def publish(run: RunReport) -> None:
    """Attach the run's summary to its Prefect flow run as a markdown artifact."""
    from prefect.artifacts import create_markdown_artifact

    create_markdown_artifact(
        markdown=run.markdown(), key="presswash-run", description="presswash ingest summary"
    )
