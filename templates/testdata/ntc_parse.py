#!/usr/bin/python3
"""Parse a saved output the way ntc-templates' parse_output does, with
Debian's python3-textfsm, and print the records as JSON.

usage: ntc_parse.py TEMPLATES_DIR PLATFORM COMMAND RAWFILE
"""
import json
import sys

from textfsm import clitable


def main():
    tdir, platform, command, raw = sys.argv[1:5]
    table = clitable.CliTable("index", tdir)
    with open(raw, encoding="utf-8") as f:
        data = f.read()
    table.ParseCmd(data, {"Command": command, "Platform": platform})
    header = [h.lower() for h in table.header]
    out = [dict(zip(header, row)) for row in table]
    json.dump(out, sys.stdout, indent=1)


if __name__ == "__main__":
    main()
