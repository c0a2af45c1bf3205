package templates

import (
	"context"
	"os"
	"testing"

	"vc/templates/internal/benchdata"
)

func builtinTemplate(tb testing.TB, name string) *Template {
	tb.Helper()
	lib, err := NewLibrary(Options{})
	if err != nil {
		tb.Fatal(err)
	}
	t, err := lib.Template(name)
	if err != nil {
		tb.Fatal(err)
	}
	return t
}

// BenchmarkARP10k parses a 10,000-line Cisco IOS ARP table: the figure to
// compare with Python textfsm (go run ./templates/bench).
func BenchmarkARP10k(b *testing.B) {
	t := builtinTemplate(b, "cisco_ios_show_ip_arp.textfsm")
	text := benchdata.ARPTable(10000)
	b.SetBytes(int64(len(text)))
	b.ResetTimer()
	for b.Loop() {
		res, err := t.Parse(text)
		if err != nil || len(res.Records) != 9999 {
			b.Fatalf("records %d, err %v", len(res.Records), err)
		}
	}
}

// BenchmarkARP10kContext is BenchmarkARP10k through ParseContext with a
// context that can be cancelled: what the context checks cost.
func BenchmarkARP10kContext(b *testing.B) {
	t := builtinTemplate(b, "cisco_ios_show_ip_arp.textfsm")
	text := benchdata.ARPTable(10000)
	ctx, cancel := context.WithCancel(b.Context())
	defer cancel()
	b.SetBytes(int64(len(text)))
	b.ResetTimer()
	for b.Loop() {
		res, err := t.ParseContext(ctx, text)
		if err != nil || len(res.Records) != 9999 {
			b.Fatalf("records %d, err %v", len(res.Records), err)
		}
	}
}

// BenchmarkLibraryARP10k is BenchmarkARP10k through Library.ParseOutput,
// the index choosing: what choosing (once, then remembered) and candidate
// search (none when the first fits) add to a parse.
func BenchmarkLibraryARP10k(b *testing.B) {
	lib, err := NewLibrary(Options{})
	if err != nil {
		b.Fatal(err)
	}
	text := benchdata.ARPTable(10000)
	req := Request{Platform: "cisco_ios", Command: "show ip arp"}
	// The first call chooses and compiles, once for the library's life.
	if _, err := lib.ParseOutput(b.Context(), req, text); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(text)))
	b.ResetTimer()
	for b.Loop() {
		p, err := lib.ParseOutput(b.Context(), req, text)
		if err != nil || len(p.Result.Records) != 9999 || p.Fallback {
			b.Fatalf("%+v, err %v", p, err)
		}
	}
}

// BenchmarkNTCCorpus parses every ntc-templates test case once per
// iteration, templates compiled beforehand.
func BenchmarkNTCCorpus(b *testing.B) {
	tdir, testsDir := ntcDir(b)
	lib, err := NewLibrary(Options{NTCDir: tdir, NoBuiltin: true})
	if err != nil {
		b.Fatal(err)
	}
	type job struct {
		ts   []*Template
		text string
	}
	var jobs []job
	size := 0
	for _, c := range ntcCases(b, testsDir) {
		sel, err := lib.Match(c.platform, c.command)
		if err != nil {
			b.Fatal(err)
		}
		var ts []*Template
		for _, n := range sel.Templates {
			t, err := lib.Template(n)
			if err != nil {
				b.Fatal(err)
			}
			ts = append(ts, t)
		}
		raw, err := os.ReadFile(c.raw)
		if err != nil {
			b.Fatal(err)
		}
		size += len(raw)
		jobs = append(jobs, job{ts, string(raw)})
	}
	b.SetBytes(int64(size))
	b.ResetTimer()
	for b.Loop() {
		for _, j := range jobs {
			if _, err := ParseMerged(j.ts, j.text); err != nil {
				b.Fatal(err)
			}
		}
	}
}
