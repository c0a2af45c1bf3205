#!/usr/bin/env bash
# The demo: a fresh vc home, the demo inventory, and the demo script.
set -euo pipefail
vc=${1:-bin/vc}
home=${2:-.demo}
rm -rf "$home"
export VC_HOME=$home
cd "$(dirname "$0")/.."
"$vc" -f demo/demo.vc
