#!/usr/bin/python3
"""zipf_hits.py - the hit ratio of a cache-aside load (GET; on a miss,
SET) whose keys follow a Zipf distribution, against one server whose
maxmemory and policy the caller set. Used by evict.sh.

    zipf_hits.py PORT [--keys K] [--requests N] [--skew S] [--value BYTES]
                 [--seed SEED] [--batch B]

Prints "hits=<h> lookups=<n> ratio=<h/n> evicted=<e> used=<used_memory>";
the first fifth of the requests warms the cache and is not counted. The
key sequence depends only on the seed, so both servers see the same load.
Only the Python standard library and redis-py are used.
"""

import argparse
import bisect
import random
import sys

import redis


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("port", type=int)
    ap.add_argument("--keys", type=int, default=100000)
    ap.add_argument("--requests", type=int, default=400000)
    ap.add_argument("--skew", type=float, default=0.99)
    ap.add_argument("--value", type=int, default=200)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--batch", type=int, default=200)
    a = ap.parse_args()

    rnd = random.Random(a.seed)
    weights = [1.0 / (r + 1) ** a.skew for r in range(a.keys)]
    total = sum(weights)
    cdf, acc = [], 0.0
    for w in weights:
        acc += w / total
        cdf.append(acc)
    perm = list(range(a.keys))
    rnd.shuffle(perm)  # popular keys spread over the key space
    value = b"x" * a.value

    r = redis.Redis(port=a.port)
    warm = a.requests // 5
    hits = lookups = 0
    done = 0
    while done < a.requests:
        n = min(a.batch, a.requests - done)
        keys = ["key:%d" % perm[min(bisect.bisect_left(cdf, rnd.random()), a.keys - 1)]
                for _ in range(n)]
        p = r.pipeline(transaction=False)
        for k in keys:
            p.get(k)
        got = p.execute()
        p = r.pipeline(transaction=False)
        for i, (k, v) in enumerate(zip(keys, got)):
            if done + i >= warm:
                lookups += 1
                hits += v is not None
            if v is None:
                p.set(k, value)
        p.execute()
        done += n
    info = r.info()
    print("hits=%d lookups=%d ratio=%.4f evicted=%d used=%d"
          % (hits, lookups, hits / lookups if lookups else 0, info["evicted_keys"],
             info["used_memory"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
