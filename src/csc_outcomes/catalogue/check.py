"""`check`: is a catalogue folder a valid instance of the model, and coherent as a whole?"""

from __future__ import annotations

import time
from pathlib import Path

from csc_outcomes.catalogue.lint import lint
from csc_outcomes.catalogue.schema_check import check_records
from csc_outcomes.catalogue.source import read_source
from csc_outcomes.report import Report, Task
from csc_outcomes.resources import schema_path


def check_catalogue(root: Path, schema_file: Path | None = None) -> Report:
    """Every problem in the catalogue at `root`; raises CatalogueReadError if it is no folder."""
    started = time.perf_counter()
    source = read_source(Path(root))
    task = Task(name=str(root))
    task.extend(source.problems)
    task.extend(check_records(source.records, schema_file or schema_path()))
    task.extend(lint(source))
    task.stats = {
        "files": len({r.file for r in source.records} | {p.file for p in source.problems if p.file}),
        "records": len(source.records),
        "indicators": len(source.of("indicators")),
    }
    return Report([task], meta={"title": "csc-outcomes check"}, seconds=time.perf_counter() - started)
