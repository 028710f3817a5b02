"""Batch: many inputs -> one JSON per article, the tables, errors.jsonl and a summary.

Every input yields exactly one output JSON or one error record; one bad file never stops the
batch. Workers are forked after the rules and dictionary are loaded, and return only table rows.
"""
from __future__ import annotations

import hashlib
import json
import logging
import multiprocessing
import re
import sys
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from .stages import run_stages
from .model import Document
from .read import InputError, decode
from .segment import load_user_dictionary
from .rules import rules_version
from .tables import TableWriter, article_rows
from .write import dumps, to_article, write_atomic

log = logging.getLogger("newsfacts")
__version__ = "0.1.0"

ARTICLE_SUFFIXES = (".txt", ".html", ".htm")
FACT_KINDS = ("figures", "dates", "people", "organizations", "events")
_UNSAFE_ID = re.compile(r"[^\w.\-\u4e00-\u9fff]+")


@dataclass
class Job:
    """One article to process: where its bytes come from and what date it speaks from."""
    source: str
    article_id: str
    path: Path | None = None
    data: bytes | None = None
    reference_date: date | None = None
    reference_basis: str = "given"


@dataclass
class Summary:
    inputs: int = 0
    written: int = 0
    reused: int = 0
    errors: int = 0
    facts: dict[str, int] = field(default_factory=lambda: {k: 0 for k in FACT_KINDS})

    def lines(self) -> list[str]:
        facts = "  ".join(f"{k}={v}" for k, v in self.facts.items())
        reused = f" (reused: {self.reused})" if self.reused else ""
        return [f"inputs: {self.inputs}  written: {self.written}{reused}  errors: {self.errors}",
                f"facts: {facts}"]


def collect_jobs(inputs: list[str], reference_date: date | None = None, manifest: Path | None = None,
                 stdin: bytes | None = None) -> tuple[list[Job], list[dict]]:
    """Expand files, folders (recursive *.txt) and '-' into jobs with unique, safe article ids."""
    dates = load_manifest(manifest) if manifest else {}
    jobs: list[Job] = []
    problems: list[dict] = []
    for item in inputs:
        if item == "-":
            data = stdin if stdin is not None else sys.stdin.buffer.read()
            jobs.append(Job(source="<stdin>", article_id="stdin", data=data, reference_date=reference_date))
            continue
        path = Path(item)
        if path.is_file() and path.suffix.lower() == ".jsonl":
            records, record_problems = _jsonl_jobs(path, reference_date)
            jobs += records
            problems += record_problems
            continue
        if path.is_dir():
            files, walk_problems = _walk(path)
            problems += walk_problems
        elif path.is_file():
            files = [path]
        else:
            problems.append(_error(item, None, "read", "FileNotFoundError", f"no such file or folder: {item}"))
            continue
        for file in files:
            given = reference_date or dates.get(str(file.resolve())) or dates.get(file.name)
            jobs.append(Job(source=str(file), article_id=safe_id(file.stem), path=file, reference_date=given,
                            reference_basis="given"))
    _disambiguate(jobs)
    return jobs, problems


def _jsonl_jobs(path: Path, reference_date: date | None) -> tuple[list[Job], list[dict]]:
    """JSON Lines input: one article per line with `id`, `text`, optional `publish_date`, `title`."""
    jobs: list[Job] = []
    problems: list[dict] = []
    with path.open(encoding="utf-8", errors="replace") as handle:
        for lineno, line in enumerate(handle, 1):
            if not line.strip():
                continue
            source = f"{path}#{lineno}"
            try:
                record = json.loads(line)
                text = record["text"]
                if not isinstance(text, str):
                    raise TypeError("`text` is not a string")
                given = reference_date or (date.fromisoformat(str(record["publish_date"])[:10])
                                           if record.get("publish_date") else None)
            except (json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
                problems.append(_error(source, None, "read", type(exc).__name__,
                                       f"line {lineno} is not an article record with id and text: {exc}"))
                continue
            if record.get("title"):
                text = f"{record['title']}\n{text}"
            jobs.append(Job(source=source, article_id=safe_id(str(record.get("id") or f"{path.stem}-{lineno}")),
                            data=text.encode("utf-8"), reference_date=given))
    return jobs, problems


def _walk(folder: Path) -> tuple[list[Path], list[dict]]:
    """*.txt under folder, sorted; unreadable folders and symlink loops become error records."""
    files: list[Path] = []
    problems: list[dict] = []
    seen_dirs: set[Path] = set()
    stack = [folder]
    while stack:
        current = stack.pop()
        real = current.resolve()
        if real in seen_dirs:
            problems.append(_error(str(current), None, "read", "SymlinkLoop", f"folder {current} was already visited (symlink loop); skipped"))
            continue
        seen_dirs.add(real)
        try:
            entries = sorted(current.iterdir())
        except OSError as exc:
            problems.append(_error(str(current), None, "read", type(exc).__name__, f"cannot list folder {current}: {exc.strerror or exc}"))
            continue
        for entry in entries:
            if entry.is_dir():
                stack.append(entry)
            elif entry.suffix.lower() in ARTICLE_SUFFIXES and entry.is_file():
                files.append(entry)
    return sorted(files), problems


def safe_id(raw: str) -> str:
    """An article id that is a plain file name: no separators, no '..', never empty."""
    cleaned = _UNSAFE_ID.sub("_", raw).strip("._") or "article"
    return cleaned[:120]


def _disambiguate(jobs: list[Job]) -> None:
    """Same stem from two folders: the later ones get a short hash of their source."""
    seen: set[str] = set()
    for job in jobs:
        if job.article_id in seen:
            job.article_id = f"{job.article_id}-{hashlib.sha1(job.source.encode()).hexdigest()[:8]}"
        seen.add(job.article_id)


def load_manifest(path: Path) -> dict[str, date]:
    """Manifest JSONL: `file` relative to the manifest's folder (or a bare name), `publish_date`."""
    dates: dict[str, date] = {}
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ValueError(f"{path}:{lineno}: not valid JSON ({exc.msg})") from exc
        if not record.get("publish_date") or not record.get("file"):
            continue
        value = date.fromisoformat(str(record["publish_date"])[:10])
        dates[str((path.parent / record["file"]).resolve())] = value
        dates.setdefault(Path(record["file"]).name, value)
    return dates


def process_one(job: Job, out_dir: Path, resume: bool = False) -> dict:
    """Run one job; returns {"rows": ..., "counts": ...} or {"error": record}. Never raises for bad input."""
    stage = "read"
    try:
        data = job.data if job.data is not None else job.path.read_bytes()
        target = out_dir / "articles" / f"{job.article_id}.json"
        stamp = _provenance(data, job)
        previous = _reusable(target, stamp) if resume else None
        if previous is not None:
            return _result(previous, reused=True)
        text, decoding = decode(data)
        reference, basis = job.reference_date, job.reference_basis
        if job.path is not None and job.path.suffix.lower() in (".html", ".htm"):
            stage = "html"
            text, published, note = html_main_text(text)
            decoding.append(note)
            if reference is None and published is not None:
                reference, basis = published, "metadata"
        stage = "extract"
        doc = Document(article_id=job.article_id, source=job.source, raw=text, cleaning=decoding)
        article = to_article(run_stages(doc, reference, basis))
        article["provenance"] = stamp
        stage = "write"
        write_atomic(target, dumps(article))
    except InputError as exc:
        return {"error": _error(job.source, job.article_id, exc.stage, "InputError", str(exc))}
    except OSError as exc:
        return {"error": _error(job.source, job.article_id, stage, type(exc).__name__, f"{exc.strerror or exc}")}
    except Exception as exc:  # a bug on one article must not stop the batch; it is recorded, not hidden
        log.exception("internal error on %s", job.source)
        return {"error": _error(job.source, job.article_id, stage, type(exc).__name__, f"internal error: {exc}")}
    return _result(article)


def html_main_text(page: str) -> tuple[str, date | None, dict]:
    """Main text, title and publish date of an HTML page (trafilatura, the `html` extra)."""
    try:
        import trafilatura
    except ImportError as exc:
        raise InputError("HTML input needs trafilatura: pip install 'newsfacts[html]'", stage="html") from exc
    found = trafilatura.bare_extraction(page, with_metadata=True)
    if found is None or not (found.text or "").strip():
        raise InputError("no article text found in the HTML page", stage="html")
    published = None
    if found.date:
        try:
            published = date.fromisoformat(str(found.date)[:10])
        except ValueError:
            published = None
    text = f"{found.title}\n{found.text}" if found.title and not found.text.startswith(found.title) else found.text
    return text, published, {"action": "extracted_html", "detail": {"tool": "trafilatura", "published": found.date}}


def _result(article: dict, reused: bool = False) -> dict:
    return {"rows": article_rows(article), "counts": {k: len(article[k]) for k in FACT_KINDS}, "reused": reused}


def _provenance(data: bytes, job: Job) -> dict:
    """What an output was made from: the same stamp means the same output (used by --resume)."""
    return {"content_sha256": hashlib.sha256(data).hexdigest(), "rules_version": rules_version(),
            "newsfacts_version": __version__,
            "reference_date": job.reference_date.isoformat() if job.reference_date else None}


def _reusable(target: Path, stamp: dict) -> dict | None:
    """The existing output, when it was made from the same input, rules and code version."""
    if not target.is_file():
        return None
    try:
        article = json.loads(target.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return None  # unreadable: make it again
    return article if article.get("provenance") == stamp else None


def _error(source: str, article_id: str | None, stage: str, kind: str, message: str) -> dict:
    return {"source": source, "article_id": article_id, "stage": stage, "error": kind, "message": message}


def process(inputs, out_dir, reference_date: date | str | None = None, manifest: Path | str | None = None,
            jobs: int = 1, progress: bool = False, resume: bool = False, engine: str = "local",
            scheduler: str | None = None, partition_size: int = 1000) -> Summary:
    """Process files/folders into out_dir; returns the summary (inputs = written + errors).

    engine "local" runs `jobs` forked workers; engine "dask" runs the same per-article function
    on a Dask cluster (`scheduler` address, or a LocalCluster of `jobs` workers) and writes the
    Parquet tables as datasets of one file per `partition_size` articles.
    """
    out_dir = Path(out_dir)
    if isinstance(reference_date, str):
        reference_date = date.fromisoformat(reference_date)
    job_list, problems = collect_jobs([str(i) for i in inputs], reference_date, Path(manifest) if manifest else None)
    summary = Summary(inputs=len(job_list) + len(problems))
    writer = TableWriter()
    errors = list(problems)
    if engine == "dask":
        from .dask_engine import dask_results
        results = dask_results(job_list, out_dir, jobs, resume, scheduler, progress)
    else:
        results = _results(job_list, out_dir, jobs, progress, resume)
    for result in results:
        if "error" in result:
            errors.append(result["error"])
            continue
        summary.written += 1
        summary.reused += result["reused"]
        writer.add(result["rows"])
        for kind, count in result["counts"].items():
            summary.facts[kind] += count
    summary.errors = len(errors)
    out_dir.mkdir(parents=True, exist_ok=True)
    errors.sort(key=lambda e: (e["source"], e["stage"]))
    write_atomic(out_dir / "errors.jsonl", "".join(json.dumps(e, ensure_ascii=False) + "\n" for e in errors))
    writer.write(out_dir, partition_size=partition_size if engine == "dask" else None)
    return summary


def _results(job_list: list[Job], out_dir: Path, jobs: int, progress: bool, resume: bool):
    load_user_dictionary()  # before forking: workers share the loaded dictionary
    bar = _progress(len(job_list), progress)
    if jobs <= 1 or len(job_list) < 2:
        for job in job_list:
            yield process_one(job, out_dir, resume)
            bar.update(1)
    else:
        context = multiprocessing.get_context("fork")
        with context.Pool(jobs) as pool:
            for result in pool.imap(_process_star, [(job, out_dir, resume) for job in job_list], chunksize=16):
                yield result
                bar.update(1)
    bar.close()


def _process_star(args: tuple[Job, Path, bool]) -> dict:
    return process_one(*args)


class _NoProgress:
    def update(self, n: int) -> None:
        pass

    def close(self) -> None:
        pass


def _progress(total: int, enabled: bool):
    if not enabled:
        return _NoProgress()
    try:
        from tqdm import tqdm
    except ImportError:
        return _NoProgress()
    return tqdm(total=total, unit="article", file=sys.stderr, leave=False)
