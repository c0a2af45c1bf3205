// Package benchdata generates the inputs of the templates benchmarks, so
// the Go benchmark and the Python comparison parse the very same text.
package benchdata

import (
	"fmt"
	"strings"
)

// ARPTable returns a Cisco IOS 'show ip arp' output of n lines (the header
// included), deterministic, in the real format: some entries are the
// router's own (age '-'), interfaces vary.
func ARPTable(n int) string {
	var b strings.Builder
	b.Grow(n * 90)
	b.WriteString("Protocol  Address          Age (min)  Hardware Addr   Type   Interface\n")
	for i := 1; i < n; i++ {
		age := fmt.Sprint(i % 240)
		if i%50 == 0 {
			age = "-"
		}
		ip := fmt.Sprintf("10.%d.%d.%d", (i>>16)&255, (i>>8)&255, i&255)
		mac := fmt.Sprintf("%04x.%04x.%04x", (i*7919)&0xffff, (i*104729)&0xffff, i&0xffff)
		fmt.Fprintf(&b, "Internet  %-15s %10s   %-14s  ARPA   Vlan%d\n", ip, age, mac, 100+i%37)
	}
	return b.String()
}
