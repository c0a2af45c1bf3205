#!/usr/bin/python3
"""The fastest Python way to ask many devices one question: asyncssh, every
device at once on one event loop (as scrapli's async transport does), an
interactive shell read to the prompt, paging off (and enable where the
device starts in user mode), the command, then textfsm with the template
ntc-templates' index chooses, compiled once per platform. Used by
`make bench` to compare with vc on the same lab; it keeps no results.

usage: asyncssh_fanout.py INVENTORY.csv COUNT COMMAND [USER PASSWORD]
  NTC_TEMPLATES_DIR: the ntc-templates templates folder (with its index);
  default /work/shared/ntc-templates/ntc_templates/templates
"""
import asyncio
import csv
import io
import os
import re
import resource
import sys
import time

import warnings

warnings.filterwarnings("ignore")  # cryptography's deprecation notes, at import

import asyncssh  # noqa: E402
from textfsm import TextFSM, clitable  # noqa: E402

PROMPT = re.compile(rb"[\w.\-@/:()]+[>#]\s*$")
PASSWORD = re.compile(rb"[Pp]assword:\s*$")
PAGING = {"arista_eos": "terminal length 0", "cisco_ios": "terminal length 0",
          "cisco_nxos": "terminal length 0", "cisco_xr": "terminal length 0",
          "juniper_junos": "set cli screen-length 0"}


def templates_dir():
    d = os.environ.get("NTC_TEMPLATES_DIR") or "/work/shared/ntc-templates/ntc_templates/templates"
    if not os.path.exists(os.path.join(d, "index")):
        sys.exit(f"asyncssh_fanout: no ntc-templates index in {d} (set NTC_TEMPLATES_DIR)")
    return d


class Parsers:
    """One compiled TextFSM per platform, chosen by the ntc index."""

    def __init__(self, tdir, command):
        self.tdir, self.command = tdir, command
        # CliTable reads the index as ntc_templates does (sh[[ow]] completion).
        self.index = clitable.CliTable("index", tdir).index
        self.fsms = {}

    def parse(self, platform, text):
        fsm = self.fsms.get(platform)
        if fsm is None:
            row = self.index.GetRowMatch({"Platform": platform, "Command": self.command})
            if not row:
                raise LookupError(f"no template for {platform} {self.command!r}")
            name = self.index.index[row]["Template"].split(":")[0]
            with open(os.path.join(self.tdir, name)) as f:
                fsm = TextFSM(io.StringIO(f.read()))
            self.fsms[platform] = fsm
        fsm.Reset()
        return fsm.ParseText(text)


async def read_until(stdout, pattern, timeout):
    buf = b""
    async def loop():
        nonlocal buf
        while True:
            chunk = await stdout.read(65536)
            if not chunk:
                raise EOFError("device closed the session")
            buf += chunk
            if pattern.search(buf[-256:]):
                return buf
    return await asyncio.wait_for(loop(), timeout)


async def run_one(row, command, user, password, parsers):
    platform = row["platform"]
    async with asyncssh.connect(row["ip"], port=int(row["port"]), username=user, password=password,
                                known_hosts=None, client_keys=None, agent_path=None,
                                login_timeout=60) as conn:
        proc = await conn.create_process(term_type="vt100", term_size=(511, 24), encoding=None)
        out, send = proc.stdout, proc.stdin.write
        prompt = await read_until(out, PROMPT, 30)
        if prompt.rstrip().endswith(b">") and platform == "cisco_ios":
            send(b"enable\n")
            await read_until(out, PASSWORD, 30)
            send(password.encode() + b"\n")
            await read_until(out, PROMPT, 30)
        if platform in PAGING:
            send(PAGING[platform].encode() + b"\n")
            await read_until(out, PROMPT, 30)
        send(command.encode() + b"\n")
        raw = await read_until(out, PROMPT, 60)
        proc.close()
    text = raw.decode(errors="replace").replace("\r\n", "\n")
    # The echo of the command first, the prompt last.
    text = text.split("\n", 1)[1] if "\n" in text else ""
    text = text.rsplit("\n", 1)[0] + "\n"
    return len(parsers.parse(platform, text))


async def main():
    inventory, count, command = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    user = sys.argv[4] if len(sys.argv) > 4 else "admin"
    password = sys.argv[5] if len(sys.argv) > 5 else "admin"
    with open(inventory, newline="") as f:
        rows = list(csv.DictReader(f))[:count]
    parsers = Parsers(templates_dir(), command)
    start = time.monotonic()
    results = await asyncio.gather(*(run_one(r, command, user, password, parsers) for r in rows),
                                   return_exceptions=True)
    elapsed = time.monotonic() - start
    ok = [r for r in results if not isinstance(r, BaseException)]
    failed = [r for r in results if isinstance(r, BaseException)]
    for exc in failed[:5]:
        print(f"failed: {type(exc).__name__}: {exc}", file=sys.stderr)
    ru = resource.getrusage(resource.RUSAGE_SELF)
    print(f"asyncssh: {len(ok)} ok, {len(failed)} failed of {len(rows)} devices in {elapsed:.2f} s: "
          f"{len(rows) / elapsed:.2f} devices/s; {sum(ok)} records; "
          f"CPU {(ru.ru_utime + ru.ru_stime) * 1000 / len(rows):.2f} ms per device; peak RSS {ru.ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    asyncio.run(main())
