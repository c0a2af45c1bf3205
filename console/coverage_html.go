package console

import (
	"fmt"
	"html/template"
	"io"
	"time"
)

// coverageTemplate is the report as one page: its styles inline, no
// script, no font, no image, nothing a browser would fetch, so it opens
// offline and travels by mail. html/template escapes every value in its
// context (device and site names are the user's data). Every element is
// closed, void ones too (<meta/>), so the page is well-formed XML as well
// as HTML: tests read it with an XML parser.
var coverageTemplate = template.Must(template.New("coverage").Funcs(template.FuncMap{
	"when": func(t time.Time) string {
		if t.IsZero() {
			return "never"
		}
		return t.Local().Format("2006-01-02 15:04")
	},
	"age": func(now, t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return fmtAge(now.Sub(t).Round(time.Minute))
	},
	"pct":    func(t *coverTotal) string { return fmt.Sprintf("%.1f%%", t.Percent()) },
	"totals": func(key string, ts []*coverTotal) totalsTable { return totalsTable{key, ts} },
	"ageOf":  fmtAge,
	"either": func(s, def string) string { return map[bool]string{true: def, false: s}[s == ""] },
}).Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8"/>
<meta name="viewport" content="width=device-width, initial-scale=1"/>
<title>vc coverage, {{when .Generated}}</title>
<style>
body { font: 14px/1.4 system-ui, sans-serif; margin: 2em; color: #222; }
h1 { font-size: 1.4em; margin-bottom: 0.2em; }
p.meta { color: #666; margin-top: 0; }
table { border-collapse: collapse; margin: 1em 0 2em; }
th, td { border: 1px solid #ccc; padding: 0.25em 0.6em; text-align: left; }
th { background: #f3f3f3; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
tr.never td { background: #fde2e2; }
tr.stale td { background: #fff4cc; }
span.never { color: #a40000; font-weight: bold; }
span.stale { color: #8a5a00; font-weight: bold; }
span.ok { color: #1d6b2b; }
</style>
</head>
<body>
<h1>Capture coverage</h1>
<p class="meta">Generated {{when .Generated}}; a capture older than {{ageOf .StaleAge}} is stale.
{{with .All}}{{.Devices}} devices, {{.Captures}} device and type pairs: {{.OK}} ok, {{.Stale}} stale, {{.Never}} never; {{.DevicesNever}} devices never captured at all.{{end}}</p>
{{define "totals"}}<table>
<thead><tr><th>{{.Key}}</th><th>devices</th><th>captures</th><th>ok</th><th>stale</th><th>never</th><th>coverage</th><th>devices never captured</th></tr></thead>
<tbody>
{{range .Totals}}<tr><td>{{either .Key "(none)"}}</td><td class="n">{{.Devices}}</td><td class="n">{{.Captures}}</td><td class="n">{{.OK}}</td><td class="n">{{.Stale}}</td><td class="n">{{.Never}}</td><td class="n">{{pct .}}</td><td class="n">{{.DevicesNever}}</td></tr>
{{end}}</tbody>
</table>{{end}}
<h2>By site</h2>
{{template "totals" (totals "site" .Sites)}}
<h2>By platform</h2>
{{template "totals" (totals "platform" .Platforms)}}
<h2>By device and capture type</h2>
<table>
<thead><tr><th>status</th><th>device</th><th>type</th><th>last captured</th><th>age</th><th>run</th><th>site</th><th>platform</th><th>jobs</th></tr></thead>
<tbody>
{{$now := .Generated}}{{range .Rows}}<tr class="{{.Status}}"><td><span class="{{.Status}}">{{.Status}}</span></td><td>{{.Device}}</td><td>{{either .Type "(nothing kept)"}}</td><td>{{when .Last}}</td><td>{{age $now .Last}}</td><td class="n">{{if .Run}}{{.Run}}{{end}}</td><td>{{.Site}}</td><td>{{.Platform}}</td><td>{{range $i, $j := .Jobs}}{{if $i}}, {{end}}{{$j}}{{end}}</td></tr>
{{end}}</tbody>
</table>
</body>
</html>
`))

// totalsTable is what the totals template shows: a key column's name
// and its rows.
type totalsTable struct {
	Key    string
	Totals []*coverTotal
}

// writeCoverageHTML writes the report as a page.
func writeCoverageHTML(w io.Writer, rep *coverReport) error {
	if err := coverageTemplate.Execute(w, rep); err != nil {
		return fmt.Errorf("coverage: html: %w", err)
	}
	return nil
}
