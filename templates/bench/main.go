// Command bench compares vc's TextFSM engine with Python textfsm (Debian's
// python3-textfsm) and sirikothe/gotextfsm on the same inputs in the same
// run: a 10,000-line Cisco IOS ARP table and, when an ntc-templates
// checkout is at hand, its whole test corpus.
//
//	go run ./templates/bench [-ntc DIR] [-python /usr/bin/python3]
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"time"

	"github.com/sirikothe/gotextfsm"

	"vc/templates"
	"vc/templates/internal/benchdata"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

type job struct {
	Templates []string `json:"templates"`
	Raw       string   `json:"raw"`
}

func run() error {
	ntc := flag.String("ntc", os.Getenv("NTC_TEMPLATES_DIR"), "ntc-templates checkout (with tests/)")
	python := flag.String("python", "/usr/bin/python3", "Python with textfsm installed")
	flag.Parse()
	if *ntc == "" {
		// The shared checkout sits beside the repository (or the worktree
		// folder holding it).
		for _, cand := range []string{"../shared/ntc-templates", "../../shared/ntc-templates"} {
			if _, err := os.Stat(filepath.Join(cand, "tests")); err == nil {
				*ntc = cand
				break
			}
		}
	}
	tmp, err := os.MkdirTemp("", "vc-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	self, err := os.Executable()
	if err != nil {
		return err
	}
	script := filepath.Join(filepath.Dir(self), "textfsm_bench.py")
	if _, err := os.Stat(script); err != nil {
		script = filepath.Join("templates", "bench", "textfsm_bench.py")
	}

	// The ARP table, with the built-in template.
	lib, err := templates.NewLibrary(templates.Options{})
	if err != nil {
		return err
	}
	src, _, err := lib.Source("cisco_ios_show_ip_arp.textfsm")
	if err != nil {
		return err
	}
	tpath := filepath.Join(tmp, "cisco_ios_show_ip_arp.textfsm")
	rpath := filepath.Join(tmp, "arp10k.raw")
	if err := os.WriteFile(tpath, []byte(src), 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(rpath, []byte(benchdata.ARPTable(10000)), 0o644); err != nil {
		return err
	}
	arp := []job{{Templates: []string{tpath}, Raw: rpath}}
	if err := compare("ARP table, 10,000 lines", arp, 30, *python, script, tmp); err != nil {
		return err
	}

	corpus, err := ntcJobs(*ntc)
	if err != nil {
		fmt.Println("ntc corpus: skipped:", err)
		return nil
	}
	return compare(fmt.Sprintf("ntc-templates corpus, %d cases", len(corpus)), corpus, 5, *python, script, tmp)
}

// compare times vc, gotextfsm and Python textfsm on the jobs.
func compare(title string, jobs []job, repeat int, python, script, tmp string) error {
	fmt.Printf("== %s\n", title)
	// The machine is shared: the best of many passes is the figure least
	// disturbed by other work, for each engine alike.
	vc, vcRecords, err := timeVC(jobs, 3*repeat)
	if err != nil {
		return err
	}
	fmt.Printf("vc          %9.2f ms  (%d records)\n", ms(vc), vcRecords)
	if g, n, skipped, err := timeGotextfsm(jobs, repeat); err == nil {
		note := ""
		if skipped > 0 {
			note = fmt.Sprintf(", %d jobs it cannot compile left out", skipped)
		}
		fmt.Printf("gotextfsm   %9.2f ms  (%d records%s)  vc is %.1fx faster\n", ms(g), n, note, float64(g)/float64(vc))
	}
	spec, err := json.Marshal(map[string]any{"repeat": repeat, "jobs": jobs})
	if err != nil {
		return err
	}
	specPath := filepath.Join(tmp, "jobs.json")
	if err := os.WriteFile(specPath, spec, 0o644); err != nil {
		return err
	}
	out, err := exec.Command(python, script, specPath).Output()
	if err != nil {
		fmt.Printf("python      skipped: %v (apt-get install python3-textfsm)\n", err)
		return nil
	}
	var py struct {
		Seconds float64 `json:"seconds"`
		Records int     `json:"records"`
	}
	if err := json.Unmarshal(out, &py); err != nil {
		return fmt.Errorf("python output %q: %w", out, err)
	}
	pd := time.Duration(py.Seconds * float64(time.Second))
	fmt.Printf("python      %9.2f ms  (%d records)  vc is %.1fx faster\n", ms(pd), py.Records, float64(pd)/float64(vc))
	return nil
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func load(j job) ([]*templates.Template, string, error) {
	var ts []*templates.Template
	for _, p := range j.Templates {
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, "", err
		}
		t, err := templates.CompileString(filepath.Base(p), string(b))
		if err != nil {
			return nil, "", err
		}
		ts = append(ts, t)
	}
	raw, err := os.ReadFile(j.Raw)
	return ts, string(raw), err
}

// timeVC returns the best time of repeat passes, templates compiled before.
func timeVC(jobs []job, repeat int) (time.Duration, int, error) {
	type loaded struct {
		ts   []*templates.Template
		text string
	}
	var ls []loaded
	for _, j := range jobs {
		ts, text, err := load(j)
		if err != nil {
			return 0, 0, err
		}
		ls = append(ls, loaded{ts, text})
	}
	best, records := time.Duration(1<<62), 0
	for range repeat {
		records = 0
		runtime.GC() // each pass starts from a clean heap, as Python's does
		start := time.Now()
		for _, l := range ls {
			// Each template on its own, as the Python side runs them.
			for _, t := range l.ts {
				res, err := t.Parse(l.text)
				if err != nil {
					return 0, 0, err
				}
				records += len(res.Records)
			}
		}
		best = min(best, time.Since(start))
	}
	return best, records, nil
}

func timeGotextfsm(jobs []job, repeat int) (time.Duration, int, int, error) {
	type loaded struct {
		fsms []gotextfsm.TextFSM
		text string
	}
	var ls []loaded
	skipped := 0
	for _, j := range jobs {
		var fsms []gotextfsm.TextFSM
		ok := true
		for _, p := range j.Templates {
			b, err := os.ReadFile(p)
			if err != nil {
				return 0, 0, 0, err
			}
			f := gotextfsm.TextFSM{}
			if err := f.ParseString(string(b)); err != nil {
				ok = false
				break
			}
			fsms = append(fsms, f)
		}
		if !ok {
			skipped++
			continue
		}
		raw, err := os.ReadFile(j.Raw)
		if err != nil {
			return 0, 0, 0, err
		}
		ls = append(ls, loaded{fsms, string(raw)})
	}
	best, records := time.Duration(1<<62), 0
	for range repeat {
		records = 0
		runtime.GC()
		start := time.Now()
		for _, l := range ls {
			for _, f := range l.fsms {
				out := gotextfsm.ParserOutput{}
				if err := out.ParseTextString(l.text, f, true); err != nil {
					continue
				}
				records += len(out.Dict)
			}
		}
		best = min(best, time.Since(start))
	}
	return best, records, skipped, nil
}

// ntcJobs lists the corpus: each test case with the templates its
// platform and command select, as the conformance test does.
func ntcJobs(root string) ([]job, error) {
	tdir := filepath.Join(root, "ntc_templates", "templates")
	lib, err := templates.NewLibrary(templates.Options{NTCDir: tdir, NoBuiltin: true})
	if err != nil {
		return nil, err
	}
	var jobs []job
	err = filepath.WalkDir(filepath.Join(root, "tests"), func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".raw") {
			return err
		}
		if _, err := os.Stat(strings.TrimSuffix(p, ".raw") + ".yml"); err != nil {
			return nil
		}
		dir := filepath.Dir(p)
		platform := filepath.Base(filepath.Dir(dir))
		command := strings.ReplaceAll(filepath.Base(dir), "_", " ")
		sel, err := lib.Match(platform, command)
		if err != nil {
			return nil
		}
		j := job{Raw: p}
		for _, n := range sel.Templates {
			j.Templates = append(j.Templates, filepath.Join(tdir, n))
		}
		jobs = append(jobs, j)
		return nil
	})
	sort.Slice(jobs, func(a, b int) bool { return jobs[a].Raw < jobs[b].Raw })
	return jobs, err
}
