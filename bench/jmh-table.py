#!/usr/bin/env python3
"""Reads a JMH JSON result file and prints markdown tables with ratios against the baselines."""
import json
import sys

# per benchmark class: the baselines each row is divided by (same run, same JVM fork settings)
BASELINES = {
    "GuardianBench": ["baselineHardCoded", "baselineHardCodedDecision"],
    "JwtBench": ["jwtAuthenticate", "baselineHmacOnly"],
}


def fmt(v):
    return f"{v/1e6:,.2f} M" if v >= 1e6 else f"{v/1e3:,.1f} K"


rows = json.load(open(sys.argv[1]))
by_class = {}
for r in rows:
    cls, name = r["benchmark"].rsplit(".", 1)
    cls = cls.rsplit(".", 1)[1]
    m = r["primaryMetric"]
    alloc = r.get("secondaryMetrics", {}).get("gc.alloc.rate.norm", {}).get("score")
    by_class.setdefault(cls, {})[name] = (m["score"], m["scoreError"], alloc)

for cls, benches in by_class.items():
    bases = [b for b in BASELINES.get(cls, []) if b in benches]
    print(f"\n**{cls}** (ops/s, one thread)\n")
    head = "| benchmark | ops/s | ± (99.9 %) | ns/op | B/op |" + "".join(f" ÷ {b} |" for b in bases)
    print(head)
    print("|" + "---|" * (5 + len(bases)))
    for name, (score, err, alloc) in sorted(benches.items(), key=lambda kv: -kv[1][0]):
        line = f"| {name} | {fmt(score)} | {fmt(err) if err == err else '–'} | {1e9/score:,.1f} | "
        line += f"{alloc:,.0f} |" if alloc is not None else "– |"
        for b in bases:
            line += f" {score / benches[b][0]:.3f} |"
        print(line)
