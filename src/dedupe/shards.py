"""Resumable runs: the output in numbered shards, and a manifest that says which are finished.

``dedupe clean INPUT ... --output-dir DIR --shard-size N`` cuts the input into shards of ``N``
consecutive input records (rejected ones included: shard ``k`` holds input positions
``k*N .. k*N+N-1``) and writes, per shard, ``part-0000k.<format>`` (the output records),
``part-0000k.rejects.jsonl`` (only if some of its records were rejected),
``part-0000k.duplicates.jsonl`` (only if some of its documents were dropped as near copies of
earlier ones, ``--drop-duplicate-documents``) and, in corpus mode, ``part-0000k.index.jsonl.gz``:
what the shard's documents added to the corpus index, as the arguments of
:meth:`dedupe.stages.corpus.CorpusState.commit` and what it decided about the document as a whole
(``[doc_id, [[block, text], ...]]``, then :meth:`~dedupe.stages.corpus.CorpusState.log_entry`'s
object when it is not empty) per document. Each file is written atomically; when all of a
shard's files are in place, ``manifest.json`` (also atomic) gains the shard's entry: its input
positions, its counts (``read = written + rejected + dropped``), and each file's size and SHA-256.

A rerun of the same command reads the manifest, checks the finished shards against it, replays
their index logs into a new corpus state (so the index at the boundary is the one an
uninterrupted run had: the same ``commit`` calls in the same order, whatever the index stores),
skips their input records, and goes on with the next shard. The shards it writes are therefore
byte-identical to those of an uninterrupted run.

Why a log of ``commit`` calls rather than a saved index: it is built on the corpus state's public
method, so it stays right when what the index stores changes; it costs the kept paragraphs'
text, compressed (about a third of the shard), and a replay re-signs them (signing is a small
part of cleaning). With a persistent SQLite ``--index``, nothing is committed to the index until
the whole run succeeds (the index's own rule), so a killed run leaves it as it was before the run,
and the replay adds the finished shards again in the same transaction. The manifest keeps the
index file's size and modification time from the start of the run: a rerun that finds them
changed knows the run's final commit happened (all shards finished) or refuses (someone else
changed the index). A Redis index cannot roll back, so it is refused here.

A rerun whose inputs (path, size, modification time) or settings differ from the manifest's is
refused with the differences; ``--restart`` deletes the shards and starts over.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import logging
import os
import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from . import __version__
from .errors import DedupeError
from .formats import RecordWriter, file_sha256, jsonable, open_writer, output_suffix
from .io import AtomicWriter, Reject, RejectSink, input_files, remove_stale_temps

__all__ = ["MANIFEST", "ResumeRefused", "ShardedOutput", "run_identity"]

log = logging.getLogger(__name__)

MANIFEST = "manifest.json"
#: Manifest layout version; a manifest of another layout is refused (``--restart`` starts over).
MANIFEST_VERSION = 1
_PART_RE = re.compile(r"^part-\d{5,}\.")


class ResumeRefused(DedupeError):
    """The output folder holds a run that this command cannot continue (the message says why
    and what to do)."""


def _stat(path: str) -> dict[str, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return {"size": st.st_size, "mtime_ns": st.st_mtime_ns}


def run_identity(
    inputs: Sequence[str], settings: Mapping[str, Any], config_fingerprint: str
) -> dict[str, Any]:
    """What makes two runs the same: every input file read (path, size, modification time), the
    settings that change the output, and the configuration's fingerprint."""
    files = [{"path": p, **(_stat(p) or {"size": None, "mtime_ns": None})} for p in input_files(inputs)]
    return {"inputs": files, "settings": dict(settings), "config_fingerprint": config_fingerprint}


def _differences(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    out: list[str] = []
    if old.get("config_fingerprint") != new.get("config_fingerprint"):
        out.append(
            f"the settings' fingerprint was {old.get('config_fingerprint')}, now {new['config_fingerprint']}"
        )
    for k in sorted(set(old.get("settings", {})) | set(new["settings"])):
        a, b = old.get("settings", {}).get(k), new["settings"].get(k)
        if a != b:
            out.append(f"{k} was {a!r}, now {b!r}")
    before = {f["path"]: f for f in old.get("inputs", [])}
    after = {f["path"]: f for f in new["inputs"]}
    if [f["path"] for f in old.get("inputs", [])] != [f["path"] for f in new["inputs"]]:
        gone = [p for p in before if p not in after]
        added = [p for p in after if p not in before]
        what = []
        if gone:
            what.append("no longer read: " + ", ".join(gone[:5]))
        if added:
            what.append("new: " + ", ".join(added[:5]))
        out.append("the input files differ (" + ("; ".join(what) or "another order") + ")")
    for p, f in after.items():
        g = before.get(p)
        if g is not None and (g.get("size"), g.get("mtime_ns")) != (f.get("size"), f.get("mtime_ns")):
            out.append(f"input {p} changed (size {g.get('size')} -> {f.get('size')}, or modified since)")
    return out


@dataclass
class _Shard:
    number: int
    first: int
    writer: RecordWriter
    rejects: RejectSink
    duplicates: AtomicWriter
    commits: list[tuple[str, list[tuple[int, str]], dict[str, Any]]] = field(default_factory=list)
    written: int = 0
    dropped: int = 0
    rejected: Counter[str] = field(default_factory=Counter)
    removed: Counter[str] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)
    warnings: Counter[str] = field(default_factory=Counter)


class ShardedOutput:
    """The output folder of a resumable run (see the module docstring).

    Use: :meth:`open` checks the folder (raises :class:`ResumeRefused`); :attr:`skip` input
    positions are already done; :meth:`replay` rebuilds a corpus state; :meth:`attach` records
    the ``commit`` calls of a corpus state; then :meth:`reject`, and :meth:`write` (or :meth:`drop`
    for a document dropped as a near copy) for every input position from :attr:`skip` on, in order; :meth:`finish` at the end of the input, or
    :meth:`abort`.

    Args:
        folder: The output folder (created if missing).
        fmt: The shards' output format (see :data:`dedupe.formats.OUTPUT_FORMATS`).
        shard_size: Input records per shard.
        identity: :func:`run_identity` of this command.
        corpus: Corpus mode: write index logs.
        index_path: The persistent SQLite index (``--index``), if any.
        passthrough: Arrow types of pass-through columns (Parquet output).
    """

    def __init__(
        self,
        folder: str,
        fmt: str,
        shard_size: int,
        identity: dict[str, Any],
        *,
        corpus: bool,
        index_path: str | None = None,
        passthrough: Any = None,
    ) -> None:
        if shard_size < 1:
            raise ValueError(f"shard_size must be >= 1, got {shard_size!r}")
        self.folder = folder
        self.fmt = fmt
        self.shard_size = shard_size
        self.identity = identity
        self.corpus = corpus
        self.index_path = index_path
        self.passthrough = passthrough
        self.manifest: dict[str, Any] = {}
        #: Input positions already done by an earlier run (a multiple of the shard size).
        self.skip = 0
        #: The earlier run finished every shard and committed its index: nothing to do.
        self.complete = False
        #: Every shard was finished but the index's final commit may not have happened.
        self.needs_replay = False
        self._current: _Shard | None = None
        self._ahead: dict[int, list[Reject]] = {}
        self._pending: list[tuple[str, list[tuple[int, str]], dict[str, Any]]] = []

    # -- names ----------------------------------------------------------------------------------

    def _name(self, number: int, kind: str) -> str:
        stem = f"part-{number:05d}"
        return (
            stem
            + {
                "output": output_suffix(self.fmt),
                "rejects": ".rejects.jsonl",
                "duplicates": ".duplicates.jsonl",
                "index": ".index.jsonl.gz",
            }[kind]
        )

    def _path(self, name: str) -> str:
        return os.path.join(self.folder, name)

    # -- opening ----------------------------------------------------------------------------------

    def open(self, restart: bool = False) -> None:
        """Read the folder's manifest and decide where this run starts.

        Raises:
            ResumeRefused: The folder holds another command's run (or shards without a
                manifest), unless ``restart``; or a damaged manifest.
        """
        os.makedirs(self.folder, exist_ok=True)
        remove_stale_temps(self.folder, any_name=True)
        manifest_path = self._path(MANIFEST)
        if restart:
            self._delete_parts(all_parts=True)
            with contextlib.suppress(FileNotFoundError):
                os.unlink(manifest_path)
        if not os.path.exists(manifest_path):
            strays = self._part_files()
            if strays:
                raise ResumeRefused(
                    f"{self.folder} holds shards ({strays[0]} ...) but no {MANIFEST}: not the output of "
                    "a resumable run, or its manifest was deleted; add --restart to delete them and start over"
                )
            self._new_manifest()
            return
        try:
            with open(manifest_path, encoding="utf-8") as fh:
                old = json.load(fh)
            if old.get("manifest_version") != MANIFEST_VERSION:
                raise ValueError(
                    f"manifest_version {old.get('manifest_version')!r}, expected {MANIFEST_VERSION}"
                )
        except (OSError, ValueError) as exc:
            raise ResumeRefused(
                f"{manifest_path} cannot be read ({exc}); add --restart to start over"
            ) from None
        diffs = _differences(old.get("identity", {}), self.identity)
        if diffs:
            raise ResumeRefused(
                f"{self.folder} holds {'the output' if old.get('complete') else 'an unfinished run'} of another "
                "command: " + "; ".join(diffs) + ". Rerun the same command to resume it, or add --restart to "
                "delete its shards and start over"
            )
        self.manifest = old
        self._check_shards()
        if old.get("complete") or (old.get("finished") and self.index_path is None):
            # (Finished without a persistent index: only the "complete" mark was missing.)
            self.complete = True
            if not old.get("complete"):
                self._mark_complete()
            return
        shards = self.manifest["shards"]
        self.skip = shards[-1]["last"] + 1 if shards else 0
        index = self.manifest.get("index")
        if self.index_path is not None and index is not None and _stat(self.index_path) != index.get("stat"):
            if self.manifest.get("finished"):
                # Every shard was written and then the index's commit changed the file: the run
                # ended but for marking the manifest complete.
                log.info("%s: the earlier run had finished; marking it complete", self.folder)
                self.complete = True
                self._mark_complete()
                return
            raise ResumeRefused(
                f"the index {self.index_path} changed since this run began (another run used it?), so the "
                "index state at the last finished shard cannot be restored; add --restart to start over"
            )
        self.needs_replay = True

    def _new_manifest(self) -> None:
        self.manifest = {
            "manifest_version": MANIFEST_VERSION,
            "dedupe_version": __version__,
            "identity": self.identity,
            "shard_size": self.shard_size,
            "output_format": self.fmt,
            "index": None,
            "shards": [],
            "finished": False,
            "complete": False,
        }
        self._save()

    def record_index(self) -> None:
        """Note the persistent index file as it is at the start of the run (call once it is
        opened, on a fresh run)."""
        if self.index_path is not None and not self.manifest["shards"] and self.manifest.get("index") is None:
            self.manifest["index"] = {"path": self.index_path, "stat": _stat(self.index_path)}
            self._save()

    def _part_files(self) -> list[str]:
        try:
            return sorted(n for n in os.listdir(self.folder) if _PART_RE.match(n))
        except OSError:
            return []

    def _delete_parts(self, all_parts: bool = False, keep: set[str] | None = None) -> None:
        for name in self._part_files():
            if all_parts or name not in (keep or set()):
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(self._path(name))

    def _check_shards(self) -> None:
        """Drop (and redo) the finished shards from the first whose files are missing or changed."""
        shards = self.manifest.get("shards", [])
        for i, entry in enumerate(shards):
            bad = self._bad_file(entry)
            if bad:
                log.warning(
                    "%s: %s; redoing the run from shard %d (%d shards dropped)",
                    self.folder,
                    bad,
                    i,
                    len(shards) - i,
                )
                self.manifest["shards"] = shards[:i]
                self.manifest["finished"] = self.manifest["complete"] = False
                self._save()
                break
        keep = {f["name"] for e in self.manifest["shards"] for f in e["files"].values()}
        self._delete_parts(keep=keep)

    def _bad_file(self, entry: Mapping[str, Any]) -> str | None:
        for f in entry["files"].values():
            path = self._path(f["name"])
            st = _stat(path)
            if st is None:
                return f"{f['name']} is missing"
            if st["size"] != f["bytes"] or file_sha256(path) != f["sha256"]:
                return f"{f['name']} does not match the manifest (changed or damaged since it was written)"
        return None

    # -- corpus state ---------------------------------------------------------------------------

    def replay(self, state: Any) -> int:
        """Index again, in ``state``, what the finished shards' documents indexed, in their order;
        returns the number of documents replayed."""
        n = 0
        for entry in self.manifest["shards"]:
            f = entry["files"].get("index")
            if f is None:
                continue
            with gzip.open(self._path(f["name"]), "rt", encoding="utf-8") as fh:
                for line in fh:
                    doc_id, blocks, *entry = json.loads(line)
                    state.replay(doc_id, [(int(b), t) for b, t in blocks], entry[0] if entry else {})
                    n += 1
        return n

    def attach(self, state: Any) -> None:
        """Record every ``state.commit(doc_id, blocks)`` call from now on (for the index logs), with
        what the state decided about the document as a whole (taken before the commit forgets it)."""
        original: Callable[[str, list[tuple[int, str]]], None] = state.commit

        def commit(doc_id: str, blocks: list[tuple[int, str]]) -> None:
            entry = state.log_entry(doc_id, blocks)
            original(doc_id, blocks)
            self._pending.append((doc_id, list(blocks), entry))

        state.commit = commit

    # -- writing --------------------------------------------------------------------------------

    def _open_shard(self, number: int) -> _Shard:
        shard = _Shard(
            number=number,
            first=number * self.shard_size,
            writer=open_writer(self._path(self._name(number, "output")), self.fmt, self.passthrough),
            rejects=RejectSink(self._path(self._name(number, "rejects"))),
            duplicates=AtomicWriter(self._path(self._name(number, "duplicates"))),
        )
        for r in self._ahead.pop(number, []):
            self._add_reject(shard, r)
        return shard

    def _shard_for(self, pos: int) -> _Shard:
        number = pos // self.shard_size
        current = self._current
        while current is None or current.number < number:
            if current is not None:
                self._close(current, current.first + self.shard_size - 1)
                next_number = current.number + 1
            else:
                next_number = self.skip // self.shard_size
            current = self._current = self._open_shard(next_number)
        return current

    @staticmethod
    def _add_reject(shard: _Shard, r: Reject) -> None:
        shard.rejects.write(r)
        shard.rejected[r.code] += 1

    def reject(self, pos: int, r: Reject) -> None:
        """The input record at ``pos`` was rejected (rejects may arrive ahead of the results of
        earlier positions: they are held until their shard opens)."""
        number = pos // self.shard_size
        current = self._current or self._shard_for(self.skip)
        if number > current.number:
            self._ahead.setdefault(number, []).append(r)
        else:
            self._add_reject(current, r)

    def drop(self, pos: int, record: Mapping[str, Any]) -> None:
        """The record of the input record at ``pos``, a document dropped as a near copy of an
        earlier one: to the shard's duplicates file (call in input order, as :meth:`write`)."""
        shard = self._shard_for(pos)
        shard.duplicates.write(json.dumps(jsonable(record), ensure_ascii=False) + "\n")
        shard.dropped += 1
        pending, self._pending = self._pending, []
        shard.commits.extend(pending)

    def write(self, pos: int, record: Mapping[str, Any]) -> None:
        """The output record of the input record at ``pos`` (call in input order)."""
        shard = self._shard_for(pos)
        shard.writer.write(record)
        shard.written += 1
        for span in record.get("removed") or ():
            shard.removed[str(span.get("reason"))] += 1
        if record.get("error"):
            shard.errors[str(record["error"]).split(":", 1)[0]] += 1
        for w in record.get("warnings") or ():
            shard.warnings[str(w)] += 1
        pending, self._pending = self._pending, []
        shard.commits.extend(pending)

    def finish(self, positions: int) -> None:
        """The input ended after ``positions`` records: close the last shard, and note in the
        manifest that every shard is written."""
        if positions > self.skip:
            shard = self._shard_for(positions - 1)
            self._close(shard, positions - 1)
            self._current = None
        self.manifest["finished"] = True
        self._save()

    def mark_complete(self) -> None:
        """The run succeeded and its index is committed: a rerun has nothing left to do."""
        self._mark_complete()

    def _mark_complete(self) -> None:
        self.manifest["complete"] = True
        self._save()

    def abort(self) -> None:
        """Drop the shard being written (finished shards stay, for a rerun to resume from)."""
        shard, self._current = self._current, None
        if shard is not None:
            shard.writer.abort()
            shard.rejects.abort()
            shard.duplicates.abort()

    def _close(self, shard: _Shard, last: int) -> None:
        files: dict[str, dict[str, Any]] = {}
        shard.writer.commit()
        files["output"] = self._file_entry(self._name(shard.number, "output"))
        if shard.rejects.count:
            shard.rejects.close()
            files["rejects"] = self._file_entry(self._name(shard.number, "rejects"))
        if shard.dropped:
            shard.duplicates.commit()
            files["duplicates"] = self._file_entry(self._name(shard.number, "duplicates"))
        else:
            shard.duplicates.abort()
        if self.corpus:
            name = self._name(shard.number, "index")
            with AtomicWriter(self._path(name)) as out:
                for doc_id, blocks, entry in shard.commits:
                    line = [doc_id, [[b, t] for b, t in blocks], *([entry] if entry else [])]
                    out.write(json.dumps(line, ensure_ascii=False) + "\n")
            files["index"] = self._file_entry(name)
        rejected = sum(shard.rejected.values())
        self.manifest["shards"].append(
            {
                "number": shard.number,
                "first": shard.first,
                "last": last,
                "read": shard.written + rejected + shard.dropped,
                "written": shard.written,
                "rejected": rejected,
                "dropped": shard.dropped,
                "rejected_by_reason": dict(sorted(shard.rejected.items())),
                "removed_by_reason": dict(sorted(shard.removed.items())),
                "errors_by_reason": dict(sorted(shard.errors.items())),
                "warnings_by_reason": dict(sorted(shard.warnings.items())),
                "files": files,
            }
        )
        self._save()
        log.info("%s: shard %d written (input records %d-%d)", self.folder, shard.number, shard.first, last)

    def _file_entry(self, name: str) -> dict[str, Any]:
        path = self._path(name)
        return {"name": name, "bytes": os.path.getsize(path), "sha256": file_sha256(path)}

    def _save(self) -> None:
        with AtomicWriter(self._path(MANIFEST)) as out:
            out.write(json.dumps(self.manifest, ensure_ascii=False, indent=1) + "\n")

    # -- counts -------------------------------------------------------------------------------

    def done_counts(self) -> dict[str, Any]:
        """The counts of the finished shards, summed (for the run's summary and stats)."""
        total: dict[str, Any] = {"shards": 0, "read": 0, "written": 0, "dropped": 0}
        by: dict[str, Counter[str]] = {
            k: Counter()
            for k in ("rejected_by_reason", "removed_by_reason", "errors_by_reason", "warnings_by_reason")
        }
        for e in self.manifest.get("shards", []):
            total["shards"] += 1
            total["read"] += e["read"]
            total["written"] += e["written"]
            total["dropped"] += e.get("dropped", 0)
            for k, c in by.items():
                c.update(e.get(k, {}))
        total.update(by)
        return total

    @property
    def shard_count(self) -> int:
        return len(self.manifest.get("shards", []))
