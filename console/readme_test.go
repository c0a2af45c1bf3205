package console

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"vc/lab"
	"vc/records"
)

// TestExamplesNameRealColumns runs, against a lab of every platform, each
// example of the README and of the command table whose stages name
// columns: every column an example names must exist in what the command
// really prints. Other failures (a device that rejects a command) are
// not this test's business.
func TestExamplesNameRealColumns(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	dir := t.TempDir()
	_, inv := startLabWithInventory(t, ctx, lab.Options{Devices: 6, Listen: "127.0.0.1", Platforms: lab.DefaultPlatforms,
		User: "admin", Password: "admin", Seed: 1}, dir)
	e, _, _ := testEnv(t, filepath.Join(dir, "home"), strings.NewReader("admin\n"))
	e.passwordFile = writeFile(t, filepath.Join(dir, "pw"), "examples-vault")
	mustRun(t, e, "device import "+inv)
	mustRun(t, e, cheapInit)
	mustRun(t, e, "cred add lab --user admin --password-stdin --default")
	mustRun(t, e, "select *")
	// The devices' host keys are recorded; linux and Junos have no show
	// clock, which is fine here.
	_ = e.runLine(ctx, "exec --all-creds show clock")

	var examples []string
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	inCode := false
	for _, line := range strings.Split(string(readme), "\n") {
		if strings.HasPrefix(line, "```") {
			inCode = !inCode
			continue
		}
		if inCode {
			line = strings.TrimPrefix(line, "vc> ")
			if i := strings.Index(line, "> "); i >= 0 && strings.HasPrefix(line, "vc ") {
				line = line[i+2:]
			}
			examples = append(examples, line)
		}
	}
	for _, c := range e.cmds.Commands() {
		examples = append(examples, c.Examples...)
	}
	tried := 0
	for _, ex := range examples {
		ex, _, _ = strings.Cut(ex, "  #")
		ex = strings.TrimSpace(ex)
		if !strings.Contains(ex, "|>") && !isStageExample(e, ex) {
			continue
		}
		if !readOnlyExample(ex) && !isStageExample(e, ex) || strings.Contains(ex, "FILE") || strings.Contains(ex, "--html") {
			continue
		}
		if isStageExample(e, ex) {
			// A stage alone works on the exec's result.
			ex = "exec show ip arp |> " + ex
		}
		if strings.HasPrefix(ex, "result") {
			// result is the last exec's: its examples name an ARP table's columns.
			_ = e.runLine(ctx, "exec show ip arp")
		}
		tried++
		err := e.runLine(ctx, ex)
		var ce *records.ColumnError
		var xe *records.ExprError
		switch {
		case errors.As(err, &ce):
			t.Errorf("%s: %v", ex, err)
		case errors.As(err, &xe) && strings.Contains(xe.Message, "unknown name"):
			t.Errorf("%s: %v", ex, err)
		}
	}
	if tried < 10 {
		t.Fatalf("only %d examples tried", tried)
	}
	t.Logf("%d examples run", tried)
}

// readOnlyExample reports whether an example only reads (the lab's
// devices, or the store): those are run to see that their columns exist.
func readOnlyExample(ex string) bool {
	for _, p := range []string{"exec ", "device list", "get ", "history", "job list", "job batches", "schedule list", "captures",
		"changes", "coverage", "locate ", "failures", "result", "sessions", "views list", "netbox maps", "templates list", "cred list"} {
		if strings.HasPrefix(ex, p) && !strings.HasPrefix(ex, "history prune") {
			return true
		}
	}
	return false
}

// isStageExample reports whether an example is a stage used alone on the
// last result (where age > 5), whose columns are the exec's.
func isStageExample(e *Env, ex string) bool {
	c, ok := e.cmds.Lookup(strings.Fields(ex)[0])
	return ok && c.Stage && !strings.Contains(ex, "|>")
}
