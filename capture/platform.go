package capture

import "strings"

// family is the platform whose tables apply to a Netmiko device type:
// IOS-XE speaks IOS, and Netmiko's _ssh and _telnet variants are the same
// device behind another transport. Anything unknown is "" (generic).
func family(platform string) string {
	p := strings.ToLower(platform)
	p = strings.TrimSuffix(strings.TrimSuffix(p, "_ssh"), "_telnet")
	switch p {
	case "cisco_ios", "cisco_xe":
		return "cisco_ios"
	case "cisco_nxos", "cisco_xr", "arista_eos", "juniper_junos", "linux":
		return p
	}
	return ""
}

// eachLine calls fn with each line of text, without its line ending ("\n"
// or "\r\n"), and the offset in text where the line starts.
func eachLine(text string, fn func(line string, start int)) {
	for start := 0; start < len(text); {
		line, next := text[start:], len(text)
		if i := strings.IndexByte(line, '\n'); i >= 0 {
			line, next = line[:i], start+i+1
		}
		fn(strings.TrimSuffix(line, "\r"), start)
		start = next
	}
}

// countLines is how many lines text has; a last line without a line end
// counts.
func countLines(text string) int {
	n := strings.Count(text, "\n")
	if text != "" && !strings.HasSuffix(text, "\n") {
		n++
	}
	return n
}
