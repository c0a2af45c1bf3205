// Package netboxtest is a stand-in for NetBox's device list, for tests: an
// httptest server, plain or TLS, that answers GET /api/dcim/devices/ with
// the JSON of NetBox 3.5, 3.7 or 4.x as their OpenAPI schemas describe it,
// pages it with limit, offset and absolute next links, honours the usual
// filters, checks the token as NetBox does, and misbehaves on request:
// a 429 with Retry-After, a 5xx, a foreign next link, an HTML page, a
// device renamed between two listings.
//
// It knows nothing of vc's netbox package, so it cannot agree with it by
// accident.
package netboxtest

import (
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"log"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
)

// The API versions the stand-in speaks. They differ where NetBox did:
// 3.5 has device_role, 3.6 and 3.7 send role and device_role both, 4.x has
// role alone, display_url, descriptions in nested objects and the address
// family as {value, label}.
const (
	V35 = "3.5"
	V37 = "3.7"
	V4  = "4.2"
)

// DefaultToken is the v1 token the stand-in accepts unless told another.
const DefaultToken = "0123456789abcdef0123456789abcdef01234567"

// V2Token is a v2 token (NetBox 4.5): nbt_<key>.<secret>, sent as Bearer.
const V2Token = "nbt_4F9DAouzURLb.zjebxBPzICiPbWz0Wtx0fTL7bCKXKGTYhNzkgC2S"

// Device is one device the stand-in lists. Empty strings become NetBox's
// nulls.
type Device struct {
	// ID is NetBox's id; zero takes the next free one.
	ID   int64
	Name string
	// Site, Role, Platform and Manufacturer are slugs; their names and ids
	// are made up from them.
	Site, Role, Platform, Manufacturer string
	// Model is the device type's model; "" is "generic".
	Model string
	// Status is a NetBox status value; "" is active.
	Status string
	// IP4 and IP6 are the primary addresses with their prefix length.
	IP4, IP6 string
	// Tags are tag slugs; a tag's name is its slug with a capital.
	Tags []string
	// CustomFields are the device's values. Every custom field any device
	// has is listed for all, null where a device has none, as NetBox does.
	CustomFields map[string]any
}

// Faults make the stand-in misbehave.
type Faults struct {
	// RateLimitOnce answers the first device request 429 Too Many Requests.
	RateLimitOnce bool
	// RetryAfter is that answer's Retry-After header; "" is "1".
	RetryAfter string
	// ServerErrorOnce answers the first device request (after any 429)
	// 503 Service Unavailable with NetBox's JSON error.
	ServerErrorOnce bool
	// ServerErrorAlways answers every device request 502 Bad Gateway.
	ServerErrorAlways bool
	// Unauthorized answers a bad token 401, as some proxies do, instead
	// of NetBox's own 403.
	Unauthorized bool
	// ForeignNext points next links at another host.
	ForeignNext bool
	// HTML answers every request with an HTML login page, as a proxy or
	// NetBox's web UI would.
	HTML bool
	// Rename renames the device From to To once a listing has reached its
	// last page: a sync that follows sees the new name.
	Rename *Rename
	// ShiftOnce adds a device in front of the others after the first page
	// of the first listing, so that the offsets shift under the client.
	ShiftOnce bool
}

// Rename is a rename between two listings.
type Rename struct{ From, To string }

// ParseFaults reads a comma-separated fault list: 429, 503, 502-always,
// 401, foreign-next, html, shift, rename=FROM:TO, retry-after=N.
func ParseFaults(s string) (Faults, error) {
	var f Faults
	for _, item := range strings.Split(s, ",") {
		item = strings.TrimSpace(item)
		key, val, _ := strings.Cut(item, "=")
		switch key {
		case "":
		case "429":
			f.RateLimitOnce = true
		case "retry-after":
			f.RetryAfter = val
		case "503", "5xx":
			f.ServerErrorOnce = true
		case "502-always":
			f.ServerErrorAlways = true
		case "401":
			f.Unauthorized = true
		case "foreign-next":
			f.ForeignNext = true
		case "html":
			f.HTML = true
		case "shift":
			f.ShiftOnce = true
		case "rename":
			from, to, ok := strings.Cut(val, ":")
			if !ok || from == "" || to == "" {
				return Faults{}, fmt.Errorf("netboxtest: rename=FROM:TO, not %q", item)
			}
			f.Rename = &Rename{From: from, To: to}
		default:
			return Faults{}, fmt.Errorf("netboxtest: unknown fault %q (429, retry-after=N, 503, 502-always, 401, foreign-next, html, shift, rename=FROM:TO)", item)
		}
	}
	return f, nil
}

// Options configure Start.
type Options struct {
	// Version is the API version to speak: V35, V37 or V4 (the default).
	Version string
	// TLS serves https with a certificate of its own CA (see CAPEM).
	TLS bool
	// Token is the token the stand-in accepts; "" is DefaultToken. One
	// starting nbt_ is a v2 token.
	Token string
	// PageSize is NetBox's PAGINATE_COUNT, the page without a limit; 0 is 50.
	PageSize int
	// MaxPageSize is NetBox's MAX_PAGE_SIZE, which caps a limit; 0 is 1000,
	// negative is no cap.
	MaxPageSize int
	// Devices are the devices; nil is Sample().
	Devices []Device
	Faults  Faults
}

// Request is one request the stand-in answered.
type Request struct {
	Path  string
	Query url.Values
	// Auth is the Authorization header's scheme: Token, Bearer or "".
	Auth   string
	Status int
}

// Server is a running stand-in.
type Server struct {
	srv *httptest.Server
	o   Options

	mu       sync.Mutex
	devices  []Device
	nextID   int64
	requests []Request
	faults   Faults
	listings int // listings served to their last page
	pages    int // device pages served
}

// Start serves the stand-in on a loopback port until Close.
func Start(o Options) (*Server, error) {
	switch o.Version {
	case "":
		o.Version = V4
	case V35, V37, V4:
	default:
		return nil, fmt.Errorf("netboxtest: version %q is not %s, %s or %s", o.Version, V35, V37, V4)
	}
	if o.Token == "" {
		o.Token = DefaultToken
	}
	if o.PageSize == 0 {
		o.PageSize = 50
	}
	if o.MaxPageSize == 0 {
		o.MaxPageSize = 1000
	}
	if o.Devices == nil {
		o.Devices = Sample()
	}
	s := &Server{o: o, faults: o.Faults, nextID: 1}
	if err := s.SetDevices(o.Devices); err != nil {
		return nil, err
	}
	s.srv = httptest.NewUnstartedServer(http.HandlerFunc(s.serve))
	// A client that refuses the certificate is what some tests are after;
	// the server need not log each handshake it lost.
	s.srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	if o.TLS {
		s.srv.StartTLS()
	} else {
		s.srv.Start()
	}
	return s, nil
}

// Close stops the server.
func (s *Server) Close() { s.srv.Close() }

// URL is the NetBox address to give a client: http(s)://127.0.0.1:PORT.
func (s *Server) URL() string { return s.srv.URL }

// Token is the token the stand-in accepts.
func (s *Server) Token() string { return s.o.Token }

// CAPEM is the PEM of the CA that signed the TLS certificate; nil for
// plain http.
func (s *Server) CAPEM() []byte {
	if !s.o.TLS {
		return nil
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: s.srv.Certificate().Raw})
}

// CertPool trusts the stand-in's certificate, for a client made by hand.
func (s *Server) CertPool() *x509.CertPool {
	pool := x509.NewCertPool()
	if s.o.TLS {
		pool.AddCert(s.srv.Certificate())
	}
	return pool
}

// WriteCAFile writes CAPEM to path.
func (s *Server) WriteCAFile(path string) error {
	if !s.o.TLS {
		return errors.New("netboxtest: a plain http server has no CA")
	}
	return os.WriteFile(path, s.CAPEM(), 0o600)
}

// SetDevices replaces the devices. Names need not be unique (NetBox's are
// unique per site), ids must be.
func (s *Server) SetDevices(ds []Device) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.devices = nil
	for _, d := range ds {
		if _, err := s.addLocked(d); err != nil {
			return err
		}
	}
	return nil
}

// Add adds a device and returns its id.
func (s *Server) Add(d Device) (int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addLocked(d)
}

func (s *Server) addLocked(d Device) (int64, error) {
	if d.ID == 0 {
		d.ID = s.nextID
	}
	for _, o := range s.devices {
		if o.ID == d.ID {
			return 0, fmt.Errorf("netboxtest: two devices with id %d", d.ID)
		}
	}
	s.nextID = max(s.nextID, d.ID+1)
	d = d.clone()
	s.devices = append(s.devices, d)
	s.sortLocked()
	return d.ID, nil
}

// sortLocked orders devices as NetBox does: by name, then id.
func (s *Server) sortLocked() {
	slices.SortStableFunc(s.devices, func(a, b Device) int {
		if c := strings.Compare(a.Name, b.Name); c != 0 {
			return c
		}
		return int(a.ID - b.ID)
	})
}

// Devices returns a copy of the devices, in NetBox's order.
func (s *Server) Devices() []Device {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Device, len(s.devices))
	for i, d := range s.devices {
		out[i] = d.clone()
	}
	return out
}

// clone copies what a caller could change under the server.
func (d Device) clone() Device {
	d.Tags = slices.Clone(d.Tags)
	d.CustomFields = maps.Clone(d.CustomFields)
	return d
}

// Rename renames the device called from (the first, if several are).
func (s *Server) Rename(from, to string) error {
	return s.Update(from, func(d *Device) { d.Name = to })
}

// Update changes the device called name (the first, if several are).
func (s *Server) Update(name string, change func(*Device)) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range s.devices {
		if s.devices[i].Name == name {
			id := s.devices[i].ID
			change(&s.devices[i])
			s.devices[i].ID = id
			s.sortLocked()
			return nil
		}
	}
	return fmt.Errorf("netboxtest: no device %q", name)
}

// Remove deletes the device called name (the first, if several are).
func (s *Server) Remove(name string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, d := range s.devices {
		if d.Name == name {
			s.devices = slices.Delete(s.devices, i, i+1)
			return nil
		}
	}
	return fmt.Errorf("netboxtest: no device %q", name)
}

// SetFaults replaces the faults; the once-only ones fire once more.
func (s *Server) SetFaults(f Faults) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = f
}

// Requests returns the requests answered so far.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.requests)
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rec := &recorder{ResponseWriter: w}
	s.route(rec, r)
	scheme, _, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	s.requests = append(s.requests, Request{Path: r.URL.Path, Query: r.URL.Query(), Auth: scheme, Status: rec.status})
}

type recorder struct {
	http.ResponseWriter
	status int
}

func (r *recorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

const loginPage = `<!DOCTYPE html>
<html lang="en"><head><title>Login | NetBox</title></head>
<body><form method="post" action="/login/"><input name="username"><input name="password" type="password"></form></body></html>
`

func (s *Server) route(w http.ResponseWriter, r *http.Request) {
	f := &s.faults
	switch {
	case f.HTML:
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusOK)
		fmt.Fprint(w, loginPage)
		return
	case r.URL.Path == "/api/dcim/devices":
		// Django's APPEND_SLASH.
		u := *r.URL
		u.Path += "/"
		http.Redirect(w, r, u.String(), http.StatusMovedPermanently)
		return
	case r.URL.Path != "/api/dcim/devices/":
		if strings.HasPrefix(r.URL.Path, "/api/") {
			s.json(w, http.StatusNotFound, map[string]any{"detail": "Not found."})
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprint(w, "<!DOCTYPE html><html><head><title>Page Not Found | NetBox</title></head><body>404</body></html>\n")
		return
	case r.Method != http.MethodGet:
		s.json(w, http.StatusForbidden, map[string]any{"detail": "This token does not have write access."})
		return
	case f.RateLimitOnce:
		f.RateLimitOnce = false
		after := f.RetryAfter
		if after == "" {
			after = "1"
		}
		w.Header().Set("Retry-After", after)
		s.json(w, http.StatusTooManyRequests, map[string]any{"detail": "Request was throttled."})
		return
	case f.ServerErrorOnce || f.ServerErrorAlways:
		status := http.StatusBadGateway
		if f.ServerErrorOnce {
			f.ServerErrorOnce = false
			status = http.StatusServiceUnavailable
		}
		// NetBox's handler for unhandled exceptions answers in this shape.
		s.json(w, status, map[string]any{
			"error": "Database is locked", "exception": "OperationalError",
			"netbox_version": s.o.Version + ".0", "python_version": "3.12.3",
		})
		return
	}
	if status, detail := s.authenticate(r); status != 0 {
		s.json(w, status, map[string]any{"detail": detail})
		return
	}
	s.list(w, r)
}

// authenticate checks the token as NetBox's TokenAuthentication does: the
// keyword Token or Bearer, the version told by the nbt_ prefix. NetBox
// answers a refused token 403, for DRF sends 401 only with a
// WWW-Authenticate challenge, which NetBox's scheme does not define.
func (s *Server) authenticate(r *http.Request) (int, string) {
	refused := http.StatusForbidden
	if s.faults.Unauthorized {
		refused = http.StatusUnauthorized
	}
	fields := strings.Fields(r.Header.Get("Authorization"))
	if len(fields) == 0 || !(strings.EqualFold(fields[0], "Token") || strings.EqualFold(fields[0], "Bearer")) {
		return refused, "Authentication credentials were not provided."
	}
	if len(fields) != 2 {
		return refused, `Invalid authorization header: Must be in the form "Bearer <key>.<token>" or "Token <token>"`
	}
	tok, version := fields[1], 1
	if strings.HasPrefix(tok, "nbt_") {
		version = 2
		if !strings.Contains(tok, ".") {
			return refused, "Invalid authorization header: Could not parse key from v2 token. Did you mean to use 'Token' instead of 'Bearer'?"
		}
	}
	if tok != s.o.Token {
		return refused, fmt.Sprintf("Invalid v%d token", version)
	}
	return 0, ""
}

func (s *Server) json(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("API-Version", s.o.Version)
	w.Header().Set("Vary", "Accept, Cookie, Origin")
	w.Header().Set("Allow", "GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// filter is how one query parameter selects devices.
type filter struct {
	get func(Device) []string
	// slug filters refuse a value no object has, as NetBox's
	// ModelMultipleChoiceFilter does; nil accepts anything.
	known func() []string
	// all requires every value (tags), not any.
	all bool
}

func (s *Server) filters() map[string]filter {
	one := func(get func(Device) string) func(Device) []string {
		return func(d Device) []string { return []string{get(d)} }
	}
	slugs := func(get func(Device) string) func() []string {
		return func() []string {
			var out []string
			for _, d := range s.devices {
				if v := get(d); v != "" && !slices.Contains(out, v) {
					out = append(out, v)
				}
			}
			return out
		}
	}
	site := func(d Device) string { return d.Site }
	role := func(d Device) string { return d.Role }
	platform := func(d Device) string { return d.Platform }
	maker := func(d Device) string { return d.Manufacturer }
	fs := map[string]filter{
		"id":           {get: one(func(d Device) string { return strconv.FormatInt(d.ID, 10) })},
		"name":         {get: one(func(d Device) string { return d.Name })},
		"site":         {get: one(site), known: slugs(site)},
		"site_id":      {get: one(func(d Device) string { return strconv.FormatInt(refID(d.Site), 10) })},
		"role":         {get: one(role), known: slugs(role)},
		"role_id":      {get: one(func(d Device) string { return strconv.FormatInt(refID(d.Role), 10) })},
		"platform":     {get: one(platform), known: slugs(platform)},
		"manufacturer": {get: one(maker), known: slugs(maker)},
		"status": {get: one(func(d Device) string { return status(d) }), known: func() []string {
			return []string{"offline", "active", "planned", "staged", "failed", "inventory", "decommissioning"}
		}},
		"tag": {get: func(d Device) []string { return d.Tags }, all: true, known: func() []string {
			var out []string
			for _, d := range s.devices {
				out = append(out, d.Tags...)
			}
			return out
		}},
	}
	if s.o.Version != V4 {
		fs["device_role"] = fs["role"]
	}
	return fs
}

func (s *Server) list(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	fs := s.filters()
	keys := slices.Sorted(maps.Keys(q))
	errs := map[string][]string{}
	for _, k := range keys {
		f, ok := fs[k]
		if !ok || f.known == nil {
			continue
		}
		known := f.known()
		for _, v := range q[k] {
			if !slices.Contains(known, v) {
				errs[k] = append(errs[k], fmt.Sprintf("Select a valid choice. %s is not one of the available choices.", v))
			}
		}
	}
	if len(errs) > 0 {
		s.json(w, http.StatusBadRequest, errs)
		return
	}
	var match []Device
	for _, d := range s.devices {
		ok := true
		for _, k := range keys {
			f, known := fs[k]
			if !known {
				continue // NetBox ignores a parameter it has no filter for
			}
			have := f.get(d)
			hit := f.all
			for _, v := range q[k] {
				if f.all {
					hit = hit && slices.Contains(have, v)
				} else {
					hit = hit || slices.Contains(have, v)
				}
			}
			ok = ok && hit
		}
		if ok {
			match = append(match, d)
		}
	}

	limit := s.o.PageSize
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			s.json(w, http.StatusBadRequest, map[string]any{"detail": "Invalid limit"})
			return
		}
		limit = n
	}
	if s.o.MaxPageSize > 0 && (limit == 0 || limit > s.o.MaxPageSize) {
		limit = s.o.MaxPageSize
	}
	offset := 0
	if v := q.Get("offset"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			s.json(w, http.StatusBadRequest, map[string]any{"detail": "Invalid offset"})
			return
		}
		offset = n
	}
	end := len(match)
	if limit > 0 {
		end = min(offset+limit, len(match))
	}
	page := []Device{}
	if offset < len(match) {
		page = match[offset:end]
	}

	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	host := r.Host
	if s.faults.ForeignNext {
		host = "netbox.invalid"
	}
	link := func(off int) any {
		u := url.URL{Scheme: scheme, Host: host, Path: r.URL.Path}
		lq := r.URL.Query()
		lq.Set("limit", strconv.Itoa(limit))
		if off > 0 {
			lq.Set("offset", strconv.Itoa(off))
		} else {
			lq.Del("offset")
		}
		u.RawQuery = lq.Encode()
		return u.String()
	}
	var next, prev any
	if limit > 0 && end < len(match) {
		next = link(end)
	}
	if offset > 0 {
		prev = link(max(offset-limit, 0))
	}
	base := scheme + "://" + r.Host
	results := make([]any, 0, len(page))
	withContext := !slices.Contains(q["exclude"], "config_context")
	for _, d := range page {
		results = append(results, s.render(base, d, withContext))
	}
	s.json(w, http.StatusOK, map[string]any{"count": len(match), "next": next, "previous": prev, "results": results})

	s.pages++
	if next == nil {
		s.listings++
		if rn := s.faults.Rename; rn != nil {
			s.faults.Rename = nil
			for i := range s.devices {
				if s.devices[i].Name == rn.From {
					s.devices[i].Name = rn.To
					s.sortLocked()
					break
				}
			}
		}
	} else if s.faults.ShiftOnce {
		s.faults.ShiftOnce = false
		d := s.devices[0]
		// The name sorts first, so every later offset moves by one.
		d.ID, d.Name = 0, "aaa-shifted"
		d.IP4, d.IP6 = "10.255.255.254/32", ""
		_, _ = s.addLocked(d)
	}
}

// refID makes up an id for a site, role, platform or manufacturer slug,
// the same each time.
func refID(slug string) int64 {
	var h int64 = 7
	for _, r := range slug {
		h = (h*31 + int64(r)) % 100000
	}
	return h + 1
}

func titled(slug string) string {
	if slug == "" {
		return ""
	}
	r := []rune(slug)
	r[0] = unicode.ToUpper(r[0])
	return string(r)
}

func status(d Device) string {
	if d.Status == "" {
		return "active"
	}
	return d.Status
}

var statusLabels = map[string]string{
	"offline": "Offline", "active": "Active", "planned": "Planned", "staged": "Staged",
	"failed": "Failed", "inventory": "Inventory", "decommissioning": "Decommissioning",
}

// render writes a device as NetBox's DeviceSerializer (or, with its config
// context, DeviceWithConfigContextSerializer) would, in s's version.
func (s *Server) render(base string, d Device, withContext bool) map[string]any {
	v4 := s.o.Version == V4
	nested := func(kind, slug, name string) any {
		if slug == "" {
			return nil
		}
		id := refID(slug)
		m := map[string]any{
			"id": id, "url": fmt.Sprintf("%s/api/dcim/%s/%d/", base, kind, id),
			"display": name, "name": name, "slug": slug,
		}
		if v4 {
			m["description"] = ""
		}
		return m
	}
	ip := func(addr string, family int, id int64) any {
		if addr == "" {
			return nil
		}
		m := map[string]any{
			"id": id, "url": fmt.Sprintf("%s/api/ipam/ip-addresses/%d/", base, id),
			"display": addr, "address": addr,
		}
		if v4 {
			m["family"] = map[string]any{"value": family, "label": fmt.Sprintf("IPv%d", family)}
			m["description"] = ""
		} else {
			m["family"] = family
		}
		return m
	}
	model := d.Model
	if model == "" {
		model = "generic"
	}
	maker := d.Manufacturer
	if maker == "" {
		maker = "generic"
	}
	manufacturer := nested("manufacturers", maker, titled(maker)).(map[string]any)
	devType := map[string]any{
		"id": refID("dt-" + model), "url": fmt.Sprintf("%s/api/dcim/device-types/%d/", base, refID("dt-"+model)),
		"display": model, "manufacturer": manufacturer, "model": model, "slug": strings.ToLower(model),
	}
	if v4 {
		devType["description"] = ""
	}
	var tags []any
	for _, t := range d.Tags {
		id := refID("tag-" + t)
		tags = append(tags, map[string]any{
			"id": id, "url": fmt.Sprintf("%s/api/extras/tags/%d/", base, id),
			"display": titled(t), "name": titled(t), "slug": t, "color": "9e9e9e",
		})
	}
	if tags == nil {
		tags = []any{}
	}
	cf := map[string]any{}
	for _, o := range s.devices {
		for k := range o.CustomFields {
			cf[k] = nil
		}
	}
	for k, v := range d.CustomFields {
		cf[k] = v
	}
	ip4, ip6 := ip(d.IP4, 4, 1000+d.ID), ip(d.IP6, 6, 2000+d.ID)
	primary := ip6 // NetBox prefers IPv6 for primary_ip unless PREFER_IPV4
	if d.IP6 == "" {
		primary = ip4
	}
	var name any
	if d.Name != "" {
		name = d.Name
	}
	display := d.Name
	if display == "" {
		display = fmt.Sprintf("%s (%d)", model, d.ID)
	}
	role := nested("device-roles", d.Role, titled(d.Role))
	stamp := time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC).Format("2006-01-02T15:04:05.000000Z07:00")
	m := map[string]any{
		"id": d.ID, "url": fmt.Sprintf("%s/api/dcim/devices/%d/", base, d.ID),
		"display": display, "name": name, "device_type": devType,
		"tenant": nil, "platform": nested("platforms", d.Platform, titled(d.Platform)),
		"serial": "", "asset_tag": nil,
		"site":     nested("sites", d.Site, strings.ToUpper(d.Site)),
		"location": nil, "rack": nil, "position": nil, "face": nil,
		"latitude": nil, "longitude": nil, "parent_device": nil,
		"status":     map[string]any{"value": status(d), "label": statusLabels[status(d)]},
		"airflow":    nil,
		"primary_ip": primary, "primary_ip4": ip4, "primary_ip6": ip6, "oob_ip": nil,
		"cluster": nil, "virtual_chassis": nil, "vc_position": nil, "vc_priority": nil,
		"description": "", "comments": "", "config_template": nil, "local_context_data": nil,
		"tags": tags, "custom_fields": cf, "created": stamp, "last_updated": stamp,
		"console_port_count": 0, "console_server_port_count": 0, "power_port_count": 0,
		"power_outlet_count": 0, "interface_count": 0, "front_port_count": 0, "rear_port_count": 0,
		"device_bay_count": 0, "module_bay_count": 0, "inventory_item_count": 0,
	}
	switch s.o.Version {
	case V35:
		m["device_role"] = role
	case V37:
		m["role"] = role
		m["device_role"] = role
	default:
		m["role"] = role
		m["display_url"] = fmt.Sprintf("%s/dcim/devices/%d/", base, d.ID)
	}
	if withContext {
		m["config_context"] = map[string]any{"ntp_servers": []string{"192.0.2.123"}}
	}
	return m
}

// Sample is a small fleet with what a sync must handle: platforms named
// after Netmiko (arista_eos) and NetBox-style (ios, junos, which need a
// mapping), an IPv6-only device, one without a primary IP, one without a
// platform, custom fields of every kind (a null, a number, a boolean, an
// object, a multi-line text vc cannot store), tags.
func Sample() []Device {
	rack := map[string]any{"id": 7, "url": "http://netbox/api/dcim/racks/7/", "display": "R07", "name": "R07"}
	return []Device{
		{ID: 1, Name: "ams1-leaf1", Site: "ams1", Role: "leaf", Platform: "arista_eos", Manufacturer: "arista",
			Model: "DCS-7050SX3", IP4: "10.1.0.1/24", Tags: []string{"pci", "prod"},
			CustomFields: map[string]any{"rack_unit": 12, "owner": "noc", "monitored": true, "rack_ref": rack}},
		{ID: 2, Name: "ams1-leaf2", Site: "ams1", Role: "leaf", Platform: "arista_eos", Manufacturer: "arista",
			Model: "DCS-7050SX3", IP6: "2001:db8:1::2/64", Tags: []string{"prod"},
			CustomFields: map[string]any{"rack_unit": 14, "owner": "noc", "notes": "racked by\nnight shift"}},
		{ID: 3, Name: "ams1-spine1", Site: "ams1", Role: "spine", Platform: "ios", Manufacturer: "cisco",
			Model: "C9500-48Y4C", IP4: "10.1.0.10/24", IP6: "2001:db8:1::10/64",
			CustomFields: map[string]any{"owner": "core", "monitored": false}},
		{ID: 4, Name: "lon1-core1", Site: "lon1", Role: "core", Platform: "junos", Manufacturer: "juniper",
			Model: "MX204", Status: "planned", IP4: "10.2.0.1/31"},
		{ID: 5, Name: "lon1-oob1", Site: "lon1", Role: "oob", Platform: "arista_eos", Manufacturer: "arista",
			Model: "DCS-7010T"},
		{ID: 6, Name: "lon1-pdu1", Site: "lon1", Role: "pdu", Manufacturer: "apc", Model: "AP8868",
			IP4: "10.2.0.50/24"},
	}
}

// Fleet is n plain devices, dev0001 and on, across three sites and two
// roles, on arista_eos and cisco_ios: for paging.
func Fleet(n int) []Device {
	sites := []string{"ams1", "lon1", "nyc1"}
	out := make([]Device, 0, n)
	for i := 1; i <= n; i++ {
		d := Device{ID: int64(i), Name: fmt.Sprintf("dev%04d", i), Site: sites[i%len(sites)], Role: "leaf",
			Platform: "arista_eos", Manufacturer: "arista",
			IP4: fmt.Sprintf("10.%d.%d.%d/16", 100+i/65536, (i/256)%256, i%256)}
		if i%2 == 0 {
			d.Role, d.Platform, d.Manufacturer = "spine", "cisco_ios", "cisco"
		}
		out = append(out, d)
	}
	return out
}
