"""A Dask run with what works today: dask.bag partitions, one dedupe.Cleaner per partition.

Each partition is cleaned on its own (boilerplate, duplicates within a document, off-topic).
Corpus mode (copies across documents) needs one pass in input order; run it afterwards over the
partitions' results with `dedupe clean --corpus`, or within a partition with Cleaner.clean_many.
Here documents are made up in memory; with files, use dask.bag.read_text("crawl-*.jsonl").map(json.loads).

Run: python examples/dask_bag.py
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import dask
import dask.bag as db

import dedupe


def clean_partition(records: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    # One Cleaner per partition: building it loads the models once, not once per document.
    cleaner = dedupe.Cleaner(dedupe.Config(), time_budget=60)
    for rec in records:
        res = cleaner.clean(dedupe.Document(id=rec["id"], text=rec["text"]))
        yield {"id": res.id, "text": res.text, "removed": res.removed, "error": res.notes.get("error")}


BODY = "The council met on {day} to discuss the harbour, the budget and the new ferry timetable for {n} hours."
records = [
    {"id": f"doc{n}", "text": "\n".join([BODY.format(day=day, n=n), "2 min read", BODY.format(day=day, n=n)])}
    for n, day in enumerate(["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"] * 4)
]

if __name__ == "__main__":
    bag = db.from_sequence(records, npartitions=4)
    # "processes" spreads partitions over cores; "synchronous" keeps this example quick and simple.
    with dask.config.set(scheduler="synchronous"):
        cleaned = bag.map_partitions(clean_partition).compute()
    removed = sum(len(r["removed"]) for r in cleaned)
    print(f"{len(cleaned)} documents cleaned in {bag.npartitions} partitions, {removed} blocks removed")
    print(cleaned[0]["text"])
