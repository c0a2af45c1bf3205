#!/usr/bin/python3
"""Time Python textfsm on the jobs vc's Go benchmark times.

usage: textfsm_bench.py JOBS.json
JOBS.json: {"repeat": N, "jobs": [{"templates": [PATH, ...], "raw": PATH}]}
Templates are compiled once, outside the timing, as on the Go side. Prints
one JSON object: the best seconds per pass over all jobs, and the records.
"""
import json
import sys
import time

import textfsm


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        spec = json.load(f)
    fsms = {}
    jobs = []
    for job in spec["jobs"]:
        for path in job["templates"]:
            if path not in fsms:
                with open(path, encoding="utf-8") as t:
                    fsms[path] = textfsm.TextFSM(t)
        with open(job["raw"], encoding="utf-8") as r:
            jobs.append(([fsms[p] for p in job["templates"]], r.read()))
    best = None
    records = 0
    for _ in range(spec["repeat"]):
        records = 0
        start = time.perf_counter()
        for tmpls, text in jobs:
            for fsm in tmpls:
                fsm.Reset()
                records += len(fsm.ParseText(text))
        took = time.perf_counter() - start
        best = took if best is None else min(best, took)
    json.dump({"seconds": best, "records": records}, sys.stdout)


if __name__ == "__main__":
    main()
