package inventory

import (
	"slices"
	"strconv"
	"strings"

	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/parser"

	"vc/records"
	"vc/store"
)

// valueField is a device field whose values Explain and Resolve can
// list.
type valueField struct {
	// name is the field; one says what one value of it is (a tag).
	name, one, plural string
	values            func(d *store.Device) []string
}

func single(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}

// valueFields are the fields people compare with values they remember;
// name comes last in suggestions, as the one least likely meant when a
// word is not a device.
var valueFields = []valueField{
	{"site", "site", "sites", func(d *store.Device) []string { return single(d.Site) }},
	{"role", "role", "roles", func(d *store.Device) []string { return single(d.Role) }},
	{"vendor", "vendor", "vendors", func(d *store.Device) []string { return single(d.Vendor) }},
	{"platform", "platform", "platforms", func(d *store.Device) []string { return single(d.Platform) }},
	{"status", "status", "statuses", func(d *store.Device) []string { return single(d.Status) }},
	{"tags", "tag", "tags", func(d *store.Device) []string { return d.Tags }},
	{"name", "name", "names", func(d *store.Device) []string { return single(d.Name) }},
}

func fieldNamed(name string) (valueField, bool) {
	for _, f := range valueFields {
		if f.name == name {
			return f, true
		}
	}
	return valueField{}, false
}

// distinctValues lists the values of f among devices, in natural order.
func (f valueField) distinctValues(devices []*store.Device) []string {
	seen := map[string]bool{}
	var out []string
	for _, d := range devices {
		for _, v := range f.values(d) {
			if !seen[v] {
				seen[v] = true
				out = append(out, v)
			}
		}
	}
	slices.SortFunc(out, records.NaturalCompare)
	return out
}

// explainMost is how many values a hint lists before it says how many
// more there are: a thousand device names help nobody.
const explainMost = 20

// Explain says why a selection may have matched nothing: for each
// comparison of a field with a value no device has (site == "USA",
// role in ["leaf", "spin"], "pci" in tags), one line naming the value,
// the values most like it, and the values there are:
//
//	no site "USA" (did you mean usa?); sites: apac, emea, usa
//
// The fields are name, site, role, platform, vendor, status and tags. It
// returns "" when every value compared with is some device's, or src is
// not an expression. The console calls it when a selection is empty;
// nothing is printed here.
func Explain(src string, devices []*store.Device) string {
	tree, err := parser.Parse(src)
	if err != nil {
		return ""
	}
	var c comparisons
	ast.Walk(&tree.Node, &c)
	var lines []string
	said := map[[2]string]bool{}
	for _, cmp := range c.found {
		f, _ := fieldNamed(cmp[0])
		if said[cmp] {
			continue
		}
		said[cmp] = true
		values := f.distinctValues(devices)
		if slices.Contains(values, cmp[1]) {
			continue
		}
		var b strings.Builder
		b.WriteString("no ")
		b.WriteString(f.one)
		b.WriteString(" ")
		b.WriteString(store.Quote(cmp[1]))
		if len(values) == 0 {
			b.WriteString("; no device has a " + f.one)
			lines = append(lines, b.String())
			continue
		}
		b.WriteString(records.DidYouMean(records.Suggest(cmp[1], values)))
		b.WriteString("; ")
		b.WriteString(f.plural)
		b.WriteString(": ")
		b.WriteString(strings.Join(values[:min(len(values), explainMost)], ", "))
		if len(values) > explainMost {
			b.WriteString(", … (" + strconv.Itoa(len(values)-explainMost) + " more)")
		}
		lines = append(lines, b.String())
	}
	return strings.Join(lines, "\n")
}

// comparisons collects the (field, value) pairs an expression tests for
// equality: field == "v", "v" == field, field in ["v", ...], "v" in tags.
type comparisons struct {
	found [][2]string
}

func (c *comparisons) Visit(node *ast.Node) {
	b, ok := (*node).(*ast.BinaryNode)
	if !ok {
		return
	}
	switch b.Operator {
	case "==":
		if f, ok := scalarField(b.Left); ok {
			c.add(f, b.Right)
		} else if f, ok := scalarField(b.Right); ok {
			c.add(f, b.Left)
		}
	case "in":
		if f, ok := scalarField(b.Left); ok {
			if a, ok := b.Right.(*ast.ArrayNode); ok {
				for _, n := range a.Nodes {
					c.add(f, n)
				}
			}
		}
		if id, ok := b.Right.(*ast.IdentifierNode); ok && id.Value == "tags" {
			c.add("tags", b.Left)
		}
	}
}

func (c *comparisons) add(field string, n ast.Node) {
	if s, ok := n.(*ast.StringNode); ok {
		c.found = append(c.found, [2]string{field, s.Value})
	}
}

// scalarField is the name of a field with one value (not tags) that n
// reads.
func scalarField(n ast.Node) (string, bool) {
	id, ok := n.(*ast.IdentifierNode)
	if !ok || id.Value == "tags" {
		return "", false
	}
	if _, ok := fieldNamed(id.Value); !ok {
		return "", false
	}
	return id.Value, true
}
