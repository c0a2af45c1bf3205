package views

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"
)

// builtinFS holds the built-in views, one YAML file each, and the
// interface names they write.
//
//go:embed builtin/*.yaml interface_names.yaml
var builtinFS embed.FS

// SourceBuiltin is the Source of a built-in view.
const SourceBuiltin = "built-in"

// Catalog is the views there are: the built-in ones, and those of the
// user's folder, which override a built-in view of the same name.
type Catalog struct {
	views map[string]*View
	// Broken are view files that could not be read, by view name (the
	// file's name less .yaml): a broken file hides its view rather than
	// letting the built-in one answer in its place.
	Broken map[string]*FileError
	// Overridden names the built-in views a user file replaced.
	Overridden []string
}

// Load reads the built-in views and the user's *.yaml files in dir (none
// when dir is "" or does not exist). A file that cannot be parsed does
// not stop the others: it is listed in Broken. The error is for a folder
// that cannot be read.
func Load(dir string) (*Catalog, error) {
	c := &Catalog{views: map[string]*View{}, Broken: map[string]*FileError{}}
	builtin, err := fs.Glob(builtinFS, "builtin/*.yaml")
	if err != nil {
		return nil, err
	}
	for _, p := range builtin {
		name := strings.TrimSuffix(filepath.Base(p), ".yaml")
		b, err := builtinFS.ReadFile(p)
		if err != nil {
			return nil, err
		}
		v, err := Parse(name, p, b)
		if err != nil {
			// A built-in view that does not parse is vc's bug; the tests
			// hold every one.
			return nil, fmt.Errorf("built-in view: %w", err)
		}
		v.Source = SourceBuiltin
		c.views[name] = v
	}
	if dir == "" {
		return c, nil
	}
	files, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".yaml")
		b, err := os.ReadFile(f)
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				continue
			}
			// Unreadable (its mode, a folder by that name): broken like
			// a bad file, not the end of every view.
			c.Broken[name] = &FileError{File: f, Err: err}
			continue
		}
		v, err := Parse(name, f, b)
		if err != nil {
			var fe *FileError
			if !errors.As(err, &fe) {
				fe = &FileError{File: f, Err: err}
			}
			c.Broken[name] = fe
			continue
		}
		v.Source = f
		if old, ok := c.views[name]; ok && old.Source == SourceBuiltin {
			c.Overridden = append(c.Overridden, name)
		}
		c.views[name] = v
	}
	sort.Strings(c.Overridden)
	return c, nil
}

// Get returns a view by name: its file's error when the file is broken,
// an *UnknownViewError when there is none.
func (c *Catalog) Get(name string) (*View, error) {
	if fe, ok := c.Broken[name]; ok {
		return nil, fe
	}
	if v, ok := c.views[name]; ok {
		return v, nil
	}
	return nil, &UnknownViewError{Name: name, Views: c.Names()}
}

// Names lists the views, sorted.
func (c *Catalog) Names() []string {
	names := make([]string, 0, len(c.views))
	for n := range c.views {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// List returns the views, sorted by name.
func (c *Catalog) List() []*View {
	out := make([]*View, 0, len(c.views))
	for _, n := range c.Names() {
		out = append(out, c.views[n])
	}
	return out
}

// parser reads one view file, remembering it for messages.
type parser struct {
	file string
}

func (p *parser) errf(n *yaml.Node, path, format string, args ...any) error {
	line := 0
	if n != nil {
		line = n.Line
	}
	return &FileError{File: p.file, Line: line, Path: path, Err: fmt.Errorf(format, args...)}
}

// Parse reads a view file's text. Errors are *FileError, with the line.
func Parse(name, file string, data []byte) (*View, error) {
	p := &parser{file: file}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		var te *yaml.TypeError
		line := 0
		if errors.As(err, &te) {
			err = errors.New(strings.Join(te.Errors, "; "))
		}
		// yaml.v3 says "yaml: line N: ..."; keep the line apart.
		msg := err.Error()
		if _, err := fmt.Sscanf(msg, "yaml: line %d:", &line); err == nil {
			msg = strings.TrimSpace(msg[strings.Index(msg, ":")+1:])
			msg = strings.TrimSpace(msg[strings.Index(msg, ":")+1:])
		}
		return nil, &FileError{File: file, Line: line, Err: errors.New(msg)}
	}
	if len(doc.Content) == 0 {
		return nil, &FileError{File: file, Err: errors.New("empty view file")}
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, p.errf(root, "", "a view is a mapping with help, fields and platforms")
	}
	v := &View{Name: name, Platforms: map[string]*Platform{}}
	var platforms, require *yaml.Node
	err := p.each(root, "", func(key string, k, val *yaml.Node) error {
		switch key {
		case "help":
			return p.str(val, key, &v.Help)
		case "rows":
			var rows string
			if err := p.str(val, key, &rows); err != nil {
				return err
			}
			switch rows {
			case "device":
				v.PerDevice = true
			case "records":
			default:
				return p.errf(val, key, "%q: rows are device (one per device) or records (one per record)", rows)
			}
		case "fields":
			return p.fields(v, val)
		case "require":
			require = val
		case "platforms":
			platforms = val
		default:
			return p.errf(k, key, "unknown key; a view has help, rows, fields, require and platforms")
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(v.Fields) == 0 {
		return nil, p.errf(root, "fields", "a view needs fields")
	}
	if require != nil {
		list, err := p.strings(require, "require")
		if err != nil {
			return nil, err
		}
		for i, f := range list {
			if _, ok := v.Field(f); !ok {
				return nil, p.errf(require.Content[i], "require", "%q is not a field of view %s (fields are %s)", f, name, fieldNames(v))
			}
		}
		v.Require = list
	}
	if platforms == nil || platforms.Kind != yaml.MappingNode || len(platforms.Content) == 0 {
		return nil, p.errf(root, "platforms", "a view needs platforms: a mapping of platform names to their commands")
	}
	alias := map[string]*yaml.Node{}
	err = p.each(platforms, "platforms", func(key string, k, val *yaml.Node) error {
		pl, same, err := p.platform(v, key, val)
		if err != nil {
			return err
		}
		if same != "" {
			alias[key] = val
			pl = &Platform{Name: same}
		}
		v.Platforms[key] = pl
		return nil
	})
	if err != nil {
		return nil, err
	}
	for name, n := range alias {
		target := v.Platforms[name].Name
		t, ok := v.Platforms[target]
		if !ok || alias[target] != nil {
			return nil, p.errf(n, "platforms."+name+".same_as", "%q is not a platform of this view with commands of its own", target)
		}
		c := *t
		c.Name = name
		v.Platforms[name] = &c
	}
	return v, nil
}

func fieldNames(v *View) string {
	names := make([]string, len(v.Fields))
	for i, f := range v.Fields {
		names[i] = f.Name
	}
	return strings.Join(names, ", ")
}

var fieldName = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

func (p *parser) fields(v *View, n *yaml.Node) error {
	if n.Kind != yaml.SequenceNode {
		return p.errf(n, "fields", "fields are a list of {name, type, help}")
	}
	seen := map[string]bool{}
	for i, item := range n.Content {
		path := fmt.Sprintf("fields[%d]", i)
		var f Field
		err := p.each(item, path, func(key string, k, val *yaml.Node) error {
			switch key {
			case "name":
				return p.str(val, path+".name", &f.Name)
			case "type":
				var t string
				if err := p.str(val, path+".type", &t); err != nil {
					return err
				}
				f.Type = Type(t)
				if !types[f.Type] {
					return p.errf(val, path+".type", "unknown type %q; types are %s", t, typeNames)
				}
			case "help":
				return p.str(val, path+".help", &f.Help)
			case "from":
				m, err := p.mapping(val, path+".from")
				if err != nil {
					return err
				}
				if f.Default == nil {
					f.Default = m
				} else {
					f.Default.From = m.From
				}
			case "default":
				if f.Default == nil {
					f.Default = &Mapping{}
				}
				return p.str(val, path+".default", &f.Default.Value)
			default:
				return p.errf(k, path+"."+key, "unknown key; a field has name, type, help, from and default")
			}
			return nil
		})
		if err != nil {
			return err
		}
		switch {
		case !fieldName.MatchString(f.Name):
			return p.errf(item, path+".name", "%q: a field name is lower-case letters, digits and _", f.Name)
		case f.Name == "device":
			return p.errf(item, path+".name", "device is every view's first column already")
		case seen[f.Name]:
			return p.errf(item, path+".name", "field %q twice", f.Name)
		}
		if f.Type == "" {
			f.Type = TypeString
		}
		seen[f.Name] = true
		v.Fields = append(v.Fields, f)
	}
	return nil
}

// platform reads one platform's entry; same is set for same_as.
func (p *parser) platform(v *View, name string, n *yaml.Node) (pl *Platform, same string, err error) {
	path := "platforms." + name
	pl = &Platform{Name: name, Missing: map[string]string{}}
	err = p.each(n, path, func(key string, k, val *yaml.Node) error {
		switch key {
		case "same_as":
			return p.str(val, path+".same_as", &same)
		case "missing":
			return p.each(val, path+".missing", func(f string, fk, why *yaml.Node) error {
				if _, ok := v.Field(f); !ok {
					return p.errf(fk, path+".missing."+f, "no such field in view %s (fields are %s)", v.Name, fieldNames(v))
				}
				var reason string
				if err := p.str(why, path+".missing."+f, &reason); err != nil {
					return err
				}
				pl.Missing[f] = reason
				return nil
			})
		case "commands":
			if val.Kind != yaml.SequenceNode || len(val.Content) == 0 {
				return p.errf(val, path+".commands", "commands are a list of {command, fields}")
			}
			for i, c := range val.Content {
				s, err := p.source(v, fmt.Sprintf("%s.commands[%d]", path, i), c)
				if err != nil {
					return err
				}
				pl.Commands = append(pl.Commands, s)
			}
		default:
			return p.errf(k, path+"."+key, "unknown key; a platform has commands, missing or same_as")
		}
		return nil
	})
	if err != nil {
		return nil, "", err
	}
	if same != "" {
		if len(pl.Commands) > 0 {
			return nil, "", p.errf(n, path, "same_as and commands together: choose one")
		}
		return pl, same, nil
	}
	if len(pl.Commands) == 0 {
		return nil, "", p.errf(n, path, "a platform needs commands (or same_as PLATFORM)")
	}
	return pl, "", nil
}

func (p *parser) source(v *View, path string, n *yaml.Node) (*Source, error) {
	s := &Source{Fields: map[string]*Mapping{}}
	err := p.each(n, path, func(key string, k, val *yaml.Node) error {
		switch key {
		case "command":
			return p.str(val, path+".command", &s.Command)
		case "where":
			s.Where = map[string]*regexp.Regexp{}
			return p.each(val, path+".where", func(f string, _, re *yaml.Node) error {
				var src string
				if err := p.str(re, path+".where."+f, &src); err != nil {
					return err
				}
				rx, err := regexp.Compile(src)
				if err != nil {
					return p.errf(re, path+".where."+f, "%v", err)
				}
				s.Where[strings.ToLower(f)] = rx
				return nil
			})
		case "fields":
			return p.each(val, path+".fields", func(f string, fk, m *yaml.Node) error {
				fp := path + ".fields." + f
				if _, ok := v.Field(f); !ok {
					return p.errf(fk, fp, "no such field in view %s (fields are %s)", v.Name, fieldNames(v))
				}
				mp, err := p.mapping(m, fp)
				if err != nil {
					return err
				}
				s.Fields[f] = mp
				return nil
			})
		default:
			return p.errf(k, path+"."+key, "unknown key; a command has command, where and fields")
		}
	})
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(s.Command) == "" {
		return nil, p.errf(n, path+".command", "a command to send is needed")
	}
	return s, nil
}

var units = map[string]bool{"seconds": true, "minutes": true, "hours": true, "ms": true}

// mapping reads how a field is filled: a template field, a list of them
// (the first with a value wins), or a mapping with transforms.
func (p *parser) mapping(n *yaml.Node, path string) (*Mapping, error) {
	m := &Mapping{}
	switch n.Kind {
	case yaml.ScalarNode, yaml.SequenceNode:
		from, err := p.strings(n, path)
		if err != nil {
			return nil, err
		}
		m.From = lower(from)
		return m, p.checkFrom(n, path, m.From)
	case yaml.MappingNode:
	default:
		return nil, p.errf(n, path, "a template field, a list of them, or {from, ...}")
	}
	err := p.each(n, path, func(key string, k, val *yaml.Node) error {
		kp := path + "." + key
		switch key {
		case "from":
			from, err := p.strings(val, kp)
			if err != nil {
				return err
			}
			m.From = lower(from)
			return p.checkFrom(val, kp, m.From)
		case "value":
			return p.str(val, kp, &m.Value)
		case "regex":
			var src string
			if err := p.str(val, kp, &src); err != nil {
				return err
			}
			rx, err := regexp.Compile(src)
			if err != nil {
				return p.errf(val, kp, "%v", err)
			}
			m.Regexp = rx
		case "map":
			m.Map = map[string]string{}
			return p.each(val, kp, func(from string, _, to *yaml.Node) error {
				var s string
				if err := p.str(to, kp+"."+from, &s); err != nil {
					return err
				}
				m.Map[strings.ToLower(from)] = s
				return nil
			})
		case "unit":
			if err := p.str(val, kp, &m.Unit); err != nil {
				return err
			}
			if !units[m.Unit] {
				return p.errf(val, kp, "unknown unit %q; units are seconds, minutes, hours, ms", m.Unit)
			}
		case "mask":
			if err := p.str(val, kp, &m.Mask); err != nil {
				return err
			}
			m.Mask = strings.ToLower(m.Mask)
		case "admin":
			if err := p.str(val, kp, &m.Admin); err != nil {
				return err
			}
			m.Admin = strings.ToLower(m.Admin)
		case "admin_down":
			list, err := p.strings(val, kp)
			if err != nil {
				return err
			}
			m.AdminDown = list
		case "since", "at":
			list, err := p.strings(val, kp)
			if err != nil {
				return err
			}
			if key == "since" {
				m.Since = lower(list)
			} else {
				m.At = lower(list)
			}
		case "text":
			if err := val.Decode(&m.Text); err != nil {
				return p.errf(val, kp, "text is true or false")
			}
		default:
			return p.errf(k, kp, "unknown key; a mapping has from, value, regex, map, unit, mask, admin, admin_down, since, at and text")
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if (m.Since == nil) != (m.At == nil) {
		return nil, p.errf(n, path, "since and at go together: the seconds from one timestamp to the other")
	}
	if len(m.From) == 0 && m.Value == "" && m.Since == nil {
		return nil, p.errf(n, path, "say where the value comes from (from), or give it (value)")
	}
	return m, nil
}

var deviceFacts = map[string]bool{"$device": true, "$platform": true, "$vendor": true, "$site": true, "$role": true}

func (p *parser) checkFrom(n *yaml.Node, path string, from []string) error {
	for _, f := range from {
		if strings.HasPrefix(f, "$") && !deviceFacts[f] {
			return p.errf(n, path, "%q: the device's facts are $device, $platform, $vendor, $site and $role", f)
		}
		if f == "" {
			return p.errf(n, path, "an empty field name")
		}
	}
	return nil
}

func lower(ss []string) []string {
	for i, s := range ss {
		ss[i] = strings.ToLower(strings.TrimSpace(s))
	}
	return ss
}

// each calls fn for every key of a mapping node, in file order.
func (p *parser) each(n *yaml.Node, path string, fn func(key string, k, v *yaml.Node) error) error {
	if n.Kind != yaml.MappingNode {
		return p.errf(n, path, "expected a mapping (key: value lines)")
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if seen[k.Value] {
			return p.errf(k, joinPath(path, k.Value), "given twice")
		}
		seen[k.Value] = true
		if err := fn(k.Value, k, v); err != nil {
			return err
		}
	}
	return nil
}

func joinPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func (p *parser) str(n *yaml.Node, path string, out *string) error {
	if n.Kind != yaml.ScalarNode {
		return p.errf(n, path, "expected a single value")
	}
	*out = n.Value
	return nil
}

// strings reads a value or a list of values.
func (p *parser) strings(n *yaml.Node, path string) ([]string, error) {
	switch n.Kind {
	case yaml.ScalarNode:
		return []string{n.Value}, nil
	case yaml.SequenceNode:
		out := make([]string, len(n.Content))
		for i, c := range n.Content {
			if c.Kind != yaml.ScalarNode {
				return nil, p.errf(c, fmt.Sprintf("%s[%d]", path, i), "expected a single value")
			}
			out[i] = c.Value
		}
		return out, nil
	}
	return nil, p.errf(n, path, "expected a value or a list of values")
}

// interfaceNames are the long forms of interface names, per platform.
type interfaceNames struct {
	// short maps a platform's lower-cased short forms to long ones.
	short map[string]map[string]string
	// long lists each platform's long forms, for prefixes (Gig1/0/1).
	longs map[string][]string
}

var loadInterfaceNames = sync.OnceValues(func() (*interfaceNames, error) {
	b, err := builtinFS.ReadFile("interface_names.yaml")
	if err != nil {
		return nil, err
	}
	var raw map[string]map[string]string
	if err := yaml.Unmarshal(b, &raw); err != nil {
		return nil, fmt.Errorf("interface names: %w", err)
	}
	in := &interfaceNames{short: map[string]map[string]string{}, longs: map[string][]string{}}
	for plat, m := range raw {
		in.short[plat] = map[string]string{}
		for s, l := range m {
			in.short[plat][strings.ToLower(s)] = l
			in.longs[plat] = append(in.longs[plat], l)
		}
		sort.Strings(in.longs[plat])
	}
	return in, nil
})

// long writes an interface name in its platform's long form.
func (in *interfaceNames) long(platform, name string) string {
	i := 0
	for i < len(name) && (name[i] >= 'a' && name[i] <= 'z' || name[i] >= 'A' && name[i] <= 'Z' || name[i] == '-') {
		i++
	}
	// Only a name that goes on with a number (Gi1/0/1, Vlan10) is
	// abbreviated: ge-0/0/0 and irb.100 are not.
	if i == 0 || i == len(name) || name[i] < '0' || name[i] > '9' || in == nil {
		return name
	}
	letters, rest := strings.ToLower(name[:i]), name[i:]
	if l, ok := in.short[platform][letters]; ok {
		return l + rest
	}
	for _, l := range in.longs[platform] {
		if len(letters) >= 2 && strings.HasPrefix(strings.ToLower(l), letters) {
			return l + rest
		}
	}
	return name
}

// SourceText is the text of the file a view was read from.
func SourceText(v *View) (string, error) {
	if v.Source == SourceBuiltin {
		b, err := builtinFS.ReadFile("builtin/" + v.Name + ".yaml")
		return string(b), err
	}
	b, err := os.ReadFile(v.Source)
	if err != nil {
		return "", fmt.Errorf("view %s: %w", v.Name, err)
	}
	return string(b), nil
}
