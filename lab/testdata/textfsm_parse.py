"""Parse lab outputs with ntc-templates, choosing templates by the index.

Reads JSON on stdin: {"templates": DIR, "items": [{"platform", "command",
"raw"}]} and prints a JSON list with, per item, {"template", "headers",
"rows", "error"}. Template choice goes through textfsm's CliTable, which
implements the ntc index semantics (Platform and Command columns, with
sh[[ow]] completion).
"""
import json
import sys

from textfsm import clitable


def main():
    req = json.load(sys.stdin)
    table = clitable.CliTable("index", req["templates"])
    out = []
    for item in req["items"]:
        res = {"template": None, "headers": [], "rows": [], "error": None}
        attrs = {"Platform": item["platform"], "Command": item["command"]}
        try:
            row = table.index.GetRowMatch(attrs)
            if row:
                res["template"] = table.index.index[row]["Template"]
            table.ParseCmd(item["raw"], attrs)
            res["headers"] = list(table.header)
            res["rows"] = [list(row) for row in table]
        except Exception as exc:
            res["error"] = "%s: %s" % (type(exc).__name__, exc)
        out.append(res)
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
