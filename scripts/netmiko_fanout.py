#!/usr/bin/python3
"""The predecessor's way of asking many devices one question: Netmiko on a
12-thread pool, as VelocityCollector did. Used by `make bench` to compare
with vc on the same lab.

usage: netmiko_fanout.py INVENTORY.csv COUNT COMMAND [USER PASSWORD]
"""
import csv
import sys
import time
from concurrent.futures import ThreadPoolExecutor, as_completed

from netmiko import ConnectHandler


def run_one(row, command, user, password):
    conn = ConnectHandler(device_type=row["platform"], host=row["ip"], port=int(row["port"]),
                          username=user, password=password, secret=password)
    try:
        if not conn.check_enable_mode():
            conn.enable()
        return conn.send_command(command)
    finally:
        conn.disconnect()


def main():
    inventory, count, command = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    user = sys.argv[4] if len(sys.argv) > 4 else "admin"
    password = sys.argv[5] if len(sys.argv) > 5 else "admin"
    with open(inventory, newline="") as f:
        rows = list(csv.DictReader(f))[:count]
    start = time.monotonic()
    ok = failed = 0
    with ThreadPoolExecutor(max_workers=12) as pool:
        futures = [pool.submit(run_one, r, command, user, password) for r in rows]
        for fut in as_completed(futures):
            try:
                fut.result()
                ok += 1
            except Exception as exc:  # a device's failure is a result
                failed += 1
                print(f"failed: {exc}", file=sys.stderr)
    elapsed = time.monotonic() - start
    print(f"netmiko: {ok} ok, {failed} failed of {len(rows)} devices in {elapsed:.1f} s: "
          f"{len(rows) / elapsed:.2f} devices/s")


if __name__ == "__main__":
    main()
