package console

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"vc/capture"
	"vc/store"
)

// checkWellFormed reads a page as XML, every element closed and every
// entity one XML knows, and refuses anything a browser would fetch:
// scripts, links to stylesheets or fonts, images, any http(s) or
// protocol-relative URL.
func checkWellFormed(page string) error {
	dec := xml.NewDecoder(strings.NewReader(page))
	dec.Strict = true
	depth, elements := 0, 0
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fmt.Errorf("not well-formed: %w", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			elements++
			switch t.Name.Local {
			case "script", "link", "img", "iframe", "object", "embed":
				return fmt.Errorf("a <%s> element: the page must fetch nothing", t.Name.Local)
			}
			for _, a := range t.Attr {
				if a.Name.Local == "src" || a.Name.Local == "href" {
					return fmt.Errorf("a %s attribute on <%s>: the page must fetch nothing", a.Name.Local, t.Name.Local)
				}
			}
		case xml.EndElement:
			depth--
		}
	}
	if depth != 0 || elements == 0 {
		return fmt.Errorf("not well-formed: %d elements, %d left open", elements, depth)
	}
	if regexp.MustCompile(`(?i)(https?:)?//[a-z0-9]|@import|url\(`).MatchString(page) {
		return fmt.Errorf("the page names something to fetch")
	}
	return nil
}

// TestBuildCoverage: a device's types are those it was captured with and
// those a job should keep; a pair never kept, or kept too long ago,
// stands out first; a device in no pair is one row, never captured; the
// totals count pairs and devices per site and platform.
func TestBuildCoverage(t *testing.T) {
	now := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	dev := func(name, site, platform string) *store.Device {
		return &store.Device{Name: name, Site: site, Platform: platform}
	}
	devs := []*store.Device{dev("a1", "usa", "arista_eos"), dev("a2", "usa", "arista_eos"), dev("c1", "emea", "cisco_ios"), dev("x1", "emea", "linux")}
	versions := []capture.Version{
		{ID: 1, Device: "a1", Type: "arp", LastSeen: now.Add(-time.Hour), LastRun: 5},
		{ID: 2, Device: "a2", Type: "arp", LastSeen: now.Add(-10 * 24 * time.Hour), LastRun: 2},
		{ID: 3, Device: "c1", Type: "config", LastSeen: now.Add(-time.Minute), LastRun: 6},
	}
	expect := map[pair][]string{{"a1", "arp"}: {"arp-job"}, {"a2", "arp"}: {"arp-job"}, {"c1", "arp"}: {"arp-job"}}
	rep := buildCoverage(devs, versions, expect, now, 7*24*time.Hour)
	var got []string
	for _, r := range rep.Rows {
		got = append(got, r.Status+" "+r.Device+" "+r.Type)
	}
	want := "never c1 arp|never x1 |stale a2 arp|ok a1 arp|ok c1 config"
	if strings.Join(got, "|") != want {
		t.Errorf("rows:\n got %s\nwant %s", strings.Join(got, "|"), want)
	}
	if a := rep.All; a.Devices != 4 || a.Captures != 5 || a.OK != 2 || a.Stale != 1 || a.Never != 2 || a.DevicesNever != 1 || a.Percent() != 40 {
		t.Errorf("all: %+v", a)
	}
	if len(rep.Sites) != 2 || rep.Sites[0].Key != "emea" || rep.Sites[0].DevicesNever != 1 || rep.Sites[1].Stale != 1 {
		t.Errorf("sites: %+v %+v", rep.Sites[0], rep.Sites[1])
	}
	if strings.Join(rep.Types, ",") != "arp,config" {
		t.Errorf("types: %v", rep.Types)
	}
}

// TestCoverageHTML: the page is well-formed, fetches nothing, and every
// value in it is escaped.
func TestCoverageHTML(t *testing.T) {
	now := time.Now()
	evil := `<script>alert("x")</script>&amp;`
	devs := []*store.Device{{Name: evil, Site: `"><img src=x>`, Platform: "p'l"}}
	rep := buildCoverage(devs, []capture.Version{{ID: 1, Device: evil, Type: "t</td>", LastSeen: now}}, nil, now, time.Hour)
	var buf bytes.Buffer
	if err := writeCoverageHTML(&buf, rep); err != nil {
		t.Fatal(err)
	}
	page := buf.String()
	if err := checkWellFormed(page); err != nil {
		t.Fatalf("%v\n%s", err, page)
	}
	if strings.Contains(page, "<script>") || strings.Contains(page, "<img") || !strings.Contains(page, "&lt;script&gt;") {
		t.Errorf("values not escaped:\n%s", page)
	}
	for _, bad := range []string{"<p><b>x</b>", "<link rel=stylesheet href=\"https://example.com/x.css\"/>", "<p>unclosed", "<style>@import url(x.css)</style>"} {
		if checkWellFormed("<html><body>"+bad+"</body></html>") == nil {
			t.Errorf("checkWellFormed took %q", bad)
		}
	}
}

// coverageScriptCommands let scripts make what coverage reads:
//
//	oldcapture DEVICE TYPE AGE   keep an output of DEVICE as TYPE, as a run AGE ago would have
//
// so a stale capture needs no waiting, and no waiting can make a fresh one
// stale on a loaded machine.
func coverageScriptCommands() map[string]func(ts *testscript.TestScript, neg bool, args []string) {
	return map[string]func(ts *testscript.TestScript, neg bool, args []string){
		"oldcapture": func(ts *testscript.TestScript, neg bool, args []string) {
			if len(args) != 3 {
				ts.Fatalf("usage: oldcapture DEVICE TYPE AGE")
			}
			age, err := time.ParseDuration(args[2])
			ts.Check(err)
			st, err := store.Open(ts.Getenv("VC_HOME"), store.Options{})
			ts.Check(err)
			items := capture.Prepare([]capture.Item{{Device: args[0], Type: args[1], Command: "show version",
				Text: "an output kept " + args[2] + " ago\n", Time: time.Now().Add(-age)}}, 1)
			ts.Check(st.Update(context.Background(), func(t *store.Tx) error {
				_, err := capture.Put(t, items)
				return err
			}))
		},
	}
}
