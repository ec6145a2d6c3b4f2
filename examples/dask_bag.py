"""A Dask run in corpus mode: dedupe.dask.clean_bag over a bag of documents.

The result is what Cleaner.clean_many gives in one process (copies across documents included: the
first copy in input order survives), whatever the partitions. With files, build the bag with
dask.bag.read_text("crawl-*.jsonl").map(json.loads) and write with .map(json.dumps).to_textfiles;
on a cluster, create a distributed.Client first (dedupe clean --engine dask does it for you).

Run: python examples/dask_bag.py
"""

from __future__ import annotations

import dask
import dask.bag as db

import dedupe
from dedupe.dask import clean_bag

BODY = "The council met on {day} to discuss the harbour, the budget and the new ferry timetable for {n} hours."
SHARED = "The harbour master said the new timetable would start in the spring, after a public consultation."
documents = [
    dedupe.Document(
        id=f"doc{n}", text="\n".join([BODY.format(day=day, n=n), "2 min read", BODY.format(day=day, n=n), SHARED])
    )
    for n, day in enumerate(["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"] * 4)
]

if __name__ == "__main__":
    bag = db.from_sequence(documents, npartitions=4)
    # "synchronous" keeps this example quick and simple; a distributed.Client spreads the work.
    with dask.config.set(scheduler="synchronous"):
        cleaned = clean_bag(bag).compute()
    removed = sum(len(r.removed) for r in cleaned)
    corpus = sum(d["reason"] == "duplicate.corpus" for r in cleaned for d in r.removed)
    print(f"{len(cleaned)} documents cleaned in {bag.npartitions} partitions, {removed} blocks removed")
    print(f"{corpus} paragraphs removed as copies of earlier documents")
    print(cleaned[0].text)
