package console

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"vc/engine"
	"vc/history"
	"vc/records"
	"vc/render"
	"vc/run"
	"vc/secrets"
	"vc/store"
	"vc/templates"
)

// Env is a session: what one REPL, one -c string or one script shares from
// command to command.
type Env struct {
	IO
	Home    string
	Store   *store.Store
	cmds    *Table
	version string

	// interactive is true in the REPL, where vc may ask questions.
	interactive bool
	// lines reads the REPL's input; questions read their answers from it.
	lines *bufio.Reader
	// echo, on a terminal whose echo is off while a command runs, turns it
	// on for a question and returns the undo.
	echo       func() func()
	vars       map[string]string
	settings   map[string]string
	scriptArgs []string

	// history is the console's line history.
	history lineHistory
	// snap is what completion knows of the store.
	snap snapshot
	// search is Ctrl-R's state.
	search lineSearch
	// recording is the file record writes the session's commands to.
	recording *os.File
	// selection holds the selected device names, sorted.
	selection []string
	// selectionExpr is the expression that selects them, as select,
	// select + and select - built it.
	selectionExpr string
	last          *records.Set
	devices       deviceCache
	// keyring holds the vault's key while the session has it unlocked.
	keyring *secrets.Keyring
	// passwordFile is --vault-password-file.
	passwordFile string
	// stdinTaken is set when stdin carries the commands, so secrets cannot
	// come from it.
	stdinTaken bool
	// ask reads a secret from the terminal without echo; nil when there is
	// no terminal. Tests replace it.
	askSecret func(ctx context.Context, prompt string) ([]byte, error)
	// daemonOK says vc was started as vc daemon: the one way the
	// daemon command runs (not inside the console or a script).
	daemonOK bool

	// runner keeps the session's SSH sessions warm between execs.
	runner *engine.Runner
	// lastRun is the session's last exec or retry, for failures and retry.
	lastRun *run.Run
	// rec records the session's runs.
	rec *history.Recorder
	// templates is loaded on first use.
	templates *templates.Library
	// viewCache is the views catalog, read again when a view file changes.
	viewCache viewCache
}

// deviceCache keeps the decoded inventory while the store's generation
// says it is current, so select over 100,000 devices does not decode them
// all again each time.
type deviceCache struct {
	gen     uint64
	valid   bool
	devices []*store.Device
}

// setting is a session option changed with `set NAME VALUE`.
type setting struct {
	name, help, def string
	check           func(string) (string, error)
}

func knownSettings() []setting {
	return []setting{
		{name: "errexit", help: "stop a script at the first failed command (on or off)", def: "on", check: onOff},
		{name: "vault-timeout", help: "lock the vault after it is unused this long (a duration, or off)", def: "30m", check: vaultTimeoutSetting},
		{name: "keepalive", help: "how long idle SSH sessions stay open for the next exec (0 closes them)", def: "5m", check: duration},
		{name: "max-targets", help: "at the console, ask before running on more devices than this", def: "500", check: count},
		{name: "expanded", help: "show records as field: value blocks: on, off, or auto (when a table would not fit)", def: "off", check: expandedSetting},
		{name: "pager", help: "page long output through $PAGER (default less -FRSX) at the console (on or off)", def: "on", check: onOff},
		{name: "session-log", help: "a folder for every exec's device transcripts (empty: none)", def: "", check: sessionLogSetting},
	}
}

func expandedSetting(v string) (string, error) {
	x, err := render.ParseExpanded(v)
	if err != nil {
		return "", fmt.Errorf("%q is not on, off or auto", v)
	}
	return x.String(), nil
}

// sessionLogSetting is a folder, or off (also "") for none.
func sessionLogSetting(v string) (string, error) {
	if v == "off" {
		return "", nil
	}
	return v, nil
}

func onOff(v string) (string, error) {
	b, err := store.ParseBool(v)
	if err != nil {
		return "", fmt.Errorf("%q is not on or off", v)
	}
	if b {
		return "on", nil
	}
	return "off", nil
}

func duration(v string) (string, error) {
	d, err := time.ParseDuration(v)
	if err != nil || d < 0 {
		return "", fmt.Errorf("%q is not a duration such as 30s or 5m", v)
	}
	return d.String(), nil
}

func count(v string) (string, error) {
	n, err := parseCount(v)
	if err != nil {
		return "", err
	}
	return strconv.Itoa(n), nil
}

func parseCount(v string) (int, error) {
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("%q is not a whole number of 0 or more", v)
	}
	return n, nil
}

func newEnv(io IO, home string, st *store.Store, version string) *Env {
	e := &Env{IO: io, Home: home, Store: st, cmds: commandTable(), version: version,
		vars: map[string]string{}, settings: map[string]string{}, askSecret: terminalAsker(io)}
	for _, s := range knownSettings() {
		e.settings[s.name] = s.def
	}
	e.keyring = e.newKeyring(nil)
	return e
}

// Setting is the current value of a session setting.
func (e *Env) Setting(name string) string { return e.settings[name] }

func (e *Env) lookupVar(name string) (string, bool) {
	if v, ok := e.vars[name]; ok {
		return v, true
	}
	if v, ok := e.settings[name]; ok {
		return v, true
	}
	if n := int(name[0] - '0'); len(name) == 1 && n >= 0 && n <= 9 {
		if n == 0 {
			return "vc", true
		}
		if n <= len(e.scriptArgs) {
			return e.scriptArgs[n-1], true
		}
		return "", false
	}
	return lookupEnviron(name)
}

// warnf tells the user something on stderr.
func (e *Env) warnf(format string, args ...any) {
	fmt.Fprintf(e.Err, format+"\n", args...)
}

// saidf reports what a command did, on stderr so stdout stays data.
func (e *Env) saidf(format string, args ...any) {
	fmt.Fprintf(e.Err, format+"\n", args...)
}

// Devices returns the whole inventory, sorted by name, decoding it only
// when the store changed since the last call.
func (e *Env) Devices(ctx context.Context) ([]*store.Device, error) {
	var out []*store.Device
	err := e.Store.View(ctx, func(t *store.Tx) error {
		gen := t.Generation()
		if e.devices.valid && e.devices.gen == gen {
			out = e.devices.devices
			return nil
		}
		ds, err := store.List[store.Device](t)
		if err != nil {
			return err
		}
		e.devices = deviceCache{gen: gen, valid: true, devices: ds}
		out = ds
		return nil
	})
	return out, err
}

// Selected resolves the selection to devices, dropping (and naming) any
// that were removed since they were selected.
func (e *Env) Selected(ctx context.Context) ([]*store.Device, error) {
	all, err := e.Devices(ctx)
	if err != nil {
		return nil, err
	}
	byName := make(map[string]*store.Device, len(e.selection))
	for _, d := range all {
		byName[d.Name] = d
	}
	out := make([]*store.Device, 0, len(e.selection))
	var gone []string
	for _, n := range e.selection {
		if d, ok := byName[n]; ok {
			out = append(out, d)
		} else {
			gone = append(gone, n)
		}
	}
	if len(gone) > 0 {
		e.selection = slices.DeleteFunc(e.selection, func(n string) bool { return byName[n] == nil })
		e.warnf("no longer in the inventory, dropped from the selection: %s", strings.Join(gone, ", "))
	}
	return out, nil
}

// selectedToRun is the selection for a command that runs on it: Selected,
// and an error when it is empty.
func (e *Env) selectedToRun(ctx context.Context) ([]*store.Device, error) {
	devs, err := e.Selected(ctx)
	if err == nil && len(devs) == 0 {
		err = errors.New("no devices selected; choose some with select EXPR (see: help select)")
	}
	return devs, err
}
