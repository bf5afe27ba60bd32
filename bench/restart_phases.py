#!/usr/bin/env python3
"""Phases of one node start, from its INFO log: seconds since the exec of java (start_ns).

Usage: restart_phases.py START_NS NODE_LOG GC_LOG  ->  first=..;log_open=..;guardian=..;snapshot=..;store=..;replayed=..;gateway=..;gc=..
"""
import re
import sys
from datetime import datetime, timezone

start_ns, node_log, gc_log = int(sys.argv[1]), sys.argv[2], sys.argv[3]
t0 = start_ns / 1e9
out = {}


def at(line):
    ts = line.split(" ", 1)[0]
    try:
        return datetime.strptime(ts, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc).timestamp() - t0
    except ValueError:
        return None


for line in open(node_log, errors="replace"):
    t = at(line)
    if t is None:
        continue
    out.setdefault("first", f"{t:.1f}")
    if "event log opened" in line and "log_open" not in out:
        out["log_open"] = f"{t:.1f}"
    elif "guardian evaluator ready" in line and "guardian" not in out:
        out["guardian"] = f"{t:.1f}"
    elif "part: store" in line and "state restored from a snapshot" in line:
        out["snapshot"] = f"{t:.1f}"
    elif "store state loaded" in line and "store" not in out:
        out["store"] = f"{t:.1f}"
        m = re.search(r"replayed: (\d+)", line)
        out["replayed"] = f"{int(m.group(1)):,}" if m else "?"
    elif "deployed [verticle: gateway" in line and "gateway" not in out:
        out["gateway"] = f"{t:.1f}"
out.setdefault("snapshot", "—")
pauses = []
try:
    for line in open(gc_log, errors="replace"):
        m = re.search(r"Pause.* ([0-9.]+)ms$", line.strip())
        if m:
            pauses.append(float(m.group(1)))
except OSError:
    pass
out["gc"] = f"{len(pauses)} / {sum(pauses):.0f} ms"
print(";".join(f"{k}={v}" for k, v in out.items()))
