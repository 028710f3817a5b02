"""Scale-out: the same per-article function on a Dask cluster (optional extra: pip install '.[dask]').

Each worker reads its inputs and writes its own JSON into the output folder, so on a real
multi-machine cluster the inputs and OUT must be on a filesystem every worker mounts
(NFS, a cluster filesystem); only small table rows travel back to the client.
"""
from __future__ import annotations

from pathlib import Path


def dask_results(job_list, out_dir: Path, jobs: int, resume: bool, scheduler: str | None, progress: bool):
    try:
        from dask.distributed import Client, LocalCluster, as_completed
    except ImportError as exc:
        raise SystemExit("newsfacts: --engine dask needs Dask: pip install 'newsfacts[dask]'") from exc
    from .batch import process_one

    cluster = None
    if scheduler is None:
        cluster = LocalCluster(n_workers=max(1, jobs), threads_per_worker=1, processes=True,
                               dashboard_address=None)
    try:
        with Client(scheduler or cluster) as client:
            futures = client.map(process_one, job_list, out_dir=out_dir, resume=resume, pure=False)
            for future in as_completed(futures):
                yield future.result()
    finally:
        if cluster is not None:
            cluster.close()
