#!/usr/bin/env python3
"""Samples CPU ticks every INTERVAL seconds: `<epoch ms> <busy ticks of all cores> <ticks of pid1> <ticks of pid2> …`.

Usage: cpu_sampler.py INTERVAL PID [PID …] > samples.txt   (stops when killed)
busy = user+nice+system+steal from /proc/stat (as bench/lib.sh); a pid's ticks = utime+stime (0 once gone).
"""
import sys
import time

interval = float(sys.argv[1])
pids = sys.argv[2:]


def busy():
    with open("/proc/stat") as f:
        p = f.readline().split()
    return int(p[1]) + int(p[2]) + int(p[3]) + int(p[8])


def ticks(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            s = f.read()
        p = s[s.rindex(")") + 2:].split()
        return int(p[11]) + int(p[12])
    except OSError:
        return 0


while True:
    print(int(time.time() * 1000), busy(), *(ticks(p) for p in pids), flush=True)
    time.sleep(interval)
