#!/usr/bin/python3
"""Write the expected records of vc's built-in template test cases, as
Python textfsm's clitable parses them through the built-in index: Python
textfsm is the judge of what a template means.

usage: builtin_expected.py   (from templates/testdata; rewrites *.json)
"""
import glob
import json
import os
from urllib.parse import unquote

from textfsm import clitable

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    table = clitable.CliTable("index", os.path.join(HERE, "..", "builtin"))
    for raw in sorted(glob.glob(os.path.join(HERE, "builtin", "*", "*", "*.raw"))):
        parts = raw.split(os.sep)
        platform, command = parts[-3], unquote(parts[-2]).replace("_", " ")
        with open(raw, encoding="utf-8") as f:
            table.ParseCmd(f.read(), {"Command": command, "Platform": platform})
        header = [h.lower() for h in table.header]
        records = [dict(zip(header, row)) for row in table]
        with open(raw[:-4] + ".json", "w", encoding="utf-8") as f:
            json.dump(records, f, indent=1, sort_keys=True)
            f.write("\n")


if __name__ == "__main__":
    main()
