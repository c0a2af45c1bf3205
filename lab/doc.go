// Package lab serves a simulated fleet of network devices over SSH on
// loopback, for vc's demo, its tests and its benchmarks.
//
// Start opens one listener per device on consecutive ports (or ports the
// kernel picks, with Port 0) and returns once all of them accept; Run is
// what `vc lab` does around it: write the inventory CSV, print a line with
// "ready", serve until the context ends. Touch changes a device of a lab
// running in another process through a state file beside the inventory:
// its running configuration, its host key, or the key types it serves.
//
// Devices behave like their platform closely enough for real clients
// (OpenSSH, Netmiko) and for ntc-templates to parse their outputs: prompt,
// echo, CRLF, exec requests, the pager and its paging-off command, user
// and privileged modes on cisco_ios, the platform's errors, and
// deterministic outputs generated on demand from the seed and the device
// name. What differs between platforms is data in one table (platform.go);
// each platform's commands and output renderers live in one file
// (eos.go, ios.go, nxos.go, xr.go, junos.go, linuxhost.go).
//
// A share of devices can be given a fault: refuse authentication, never
// answer the SSH handshake, hang or drop in the middle of an output,
// answer slowly, or flood (repeat an output without end). Faulted devices carry a fault-<kind> inventory tag.
//
// An idle device costs a listener, an accept goroutine and a few hundred
// bytes: models and host keys are derived on first use.
package lab
