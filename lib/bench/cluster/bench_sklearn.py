"""scikit-learn side of `deno task bench:cluster`: runs clusterings on the same embeddings.

usage: /usr/bin/python3 bench_sklearn.py <vectors.npy> <specs.json> <outdir>
specs: [{"id": str, "method": "kmeans"|"dbscan"|"optics"|"agglomerative", "params": {...}}]
Writes <outdir>/sk-<id>.i32 (labels, int32) and prints one JSON line per run: {"id", "seconds"}.
"""
import json
import sys
import time

import numpy as np
from sklearn.cluster import DBSCAN, OPTICS, AgglomerativeClustering, KMeans


def build(method, p):
    if method == "kmeans":
        return KMeans(n_clusters=p["k"], n_init=p["restarts"], max_iter=p["maxIter"], tol=p["tol"],
                      init="k-means++", random_state=1, algorithm="lloyd")
    if method == "dbscan":
        return DBSCAN(eps=p["eps"], min_samples=p["minSamples"], metric="cosine", n_jobs=-1)
    if method == "optics":
        return OPTICS(min_samples=p["minSamples"], max_eps=p["maxEps"], metric="cosine",
                      cluster_method="dbscan", eps=p["eps"], n_jobs=-1)
    if method == "agglomerative":
        k = p.get("k", 0)
        return AgglomerativeClustering(n_clusters=k if k > 0 else None,
                                       distance_threshold=None if k > 0 else p["threshold"],
                                       metric="cosine", linkage=p["linkage"])
    raise ValueError(method)


def main():
    x = np.load(sys.argv[1]).astype(np.float32)
    specs = json.load(open(sys.argv[2]))
    out = sys.argv[3]
    for s in specs:
        model = build(s["method"], s["params"])
        t0 = time.perf_counter()
        labels = model.fit_predict(x)
        seconds = time.perf_counter() - t0
        labels.astype("<i4").tofile(f"{out}/sk-{s['id']}.i32")
        print(json.dumps({"id": s["id"], "seconds": seconds}), flush=True)


if __name__ == "__main__":
    main()
