#!/usr/bin/env python3
"""Summarises `jfr print --events jdk.ExecutionSample --stack-depth 64 x.jfr` (stdin) as Markdown.

Usage: jfr print ... | jfr_summary.py "title"
Lists the share of samples per thread group, per phase (the first frame of the stack, from the
top, that names one of PHASES) and the top self frames.
"""
import re
import sys
from collections import Counter

title = sys.argv[1] if len(sys.argv) > 1 else "profile"
PHASES = [
    ("file log open scan (FileLogRecovery.scan)", "FileLogRecovery.scan"),
    ("guardian registry load (its replay)", "guardian.GuardianVerticle"),
    ("snapshot restore (StoreSnapshotCodec / SnapshotLines)", "StoreSnapshotCodec"),
    ("snapshot restore (StoreSnapshotCodec / SnapshotLines)", "SnapshotLines"),
    ("snapshot read (snapshot store)", "snapshot.FileSnapshotStore"),
    ("snapshot read (snapshot store)", "snapshot.RedisSnapshotStore"),
    ("store replay: apply (StoreState)", "store.StoreState"),
    ("store replay: LogJournal / EventReplay", "store.LogJournal"),
    ("events.read: file page scan (PageScan, LineReader)", "broadcast.file.PageScan"),
    ("events.read: Redis page scan (StreamPageScan, XRANGE)", "StreamPageScan"),
    ("events.read: Redis reply parsing (vertx-redis-client)", "io.vertx.redis.client"),
    ("event bus (local delivery, message copy)", "io.vertx.core.eventbus"),
    ("broadcaster verticle (events.read handler)", "broadcast.BroadcasterVerticle"),
    ("JIT / class loading / start-up", "java.lang.ClassLoader"),
]
samples = []
cur = None
for line in sys.stdin:
    line = line.rstrip("\n")
    if line.startswith("jdk.ExecutionSample"):
        cur = {"thread": "", "stack": []}
        samples.append(cur)
    elif cur is not None:
        m = re.match(r'\s*sampledThread = "([^"]*)"', line)
        if m:
            cur["thread"] = m.group(1)
            continue
        m = re.match(r"\s+([\w$.<>/]+)\(.*\)\s+line:", line)
        if m:
            cur["stack"].append(m.group(1))
n = len(samples) or 1
threads = Counter(re.sub(r"-\d+$", "-N", s["thread"]) for s in samples)
phases = Counter()
for s in samples:
    phase = "other"
    for f in s["stack"]:  # from the top of the stack: the innermost phase wins
        hit = next((name for name, needle in PHASES if needle in f), None)
        if hit:
            phase = hit
            break
    phases[phase] += 1
selfs = Counter(s["stack"][0] if s["stack"] else "?" for s in samples)
print(f"#### JFR profile: {title} ({len(samples)} samples: running Java threads, every 10 ms)")
print()
print("| thread | share |")
print("|---|---:|")
for t, c in threads.most_common(6):
    print(f"| {t} | {c * 100 / n:.0f} % |")
print()
print("| phase (first frame from the top of the stack naming it) | share |")
print("|---|---:|")
for p, c in phases.most_common():
    print(f"| {p} | {c * 100 / n:.0f} % |")
print()
print("| top self frames | share |")
print("|---|---:|")
for f, c in selfs.most_common(10):
    print(f"| `{f}` | {c * 100 / n:.1f} % |")
print()
