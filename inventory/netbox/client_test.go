package netbox

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"vc/inventory/netbox/netboxtest"
)

func TestPagination(t *testing.T) {
	s := startNetBox(t, netboxtest.Options{Devices: netboxtest.Fleet(23), MaxPageSize: 5})
	c, warns := newClient(t, s, func(c *Config) { c.PageSize = 10 })
	if len(warns) != 1 || !strings.Contains(warns[0], "plain http") {
		t.Errorf("warnings for http: %q", warns)
	}
	snap := fetch(t, c)
	if len(snap.Devices) != 23 {
		t.Fatalf("%d devices, want 23", len(snap.Devices))
	}
	// MAX_PAGE_SIZE caps the limit asked: 5 pages of 5.
	if snap.Requests != 5 {
		t.Errorf("%d requests, want 5", snap.Requests)
	}
	if snap.APIVersion != netboxtest.V4 {
		t.Errorf("API version %q", snap.APIVersion)
	}
	reqs := s.Requests()
	if q := reqs[0].Query; q.Get("limit") != "10" || q.Get("exclude") != "config_context" || q.Get("offset") != "" {
		t.Errorf("first request %v", q)
	}
	if q := reqs[4].Query; q.Get("offset") != "20" {
		t.Errorf("last request %v", q)
	}
	for _, r := range reqs {
		if r.Auth != "Token" {
			t.Errorf("a v1 token went as %q", r.Auth)
		}
	}
	seen := map[int64]bool{}
	for _, d := range snap.Devices {
		if seen[d.ID] {
			t.Errorf("id %d twice", d.ID)
		}
		seen[d.ID] = true
	}
}

func TestShapes(t *testing.T) {
	var want []RemoteDevice
	for _, v := range []string{netboxtest.V35, netboxtest.V37, netboxtest.V4} {
		t.Run(v, func(t *testing.T) {
			s := startNetBox(t, netboxtest.Options{Version: v})
			c, _ := newClient(t, s, nil)
			snap := fetch(t, c)
			if snap.APIVersion != v {
				t.Errorf("API version %q", snap.APIVersion)
			}
			if len(snap.Devices) != 6 {
				t.Fatalf("%d devices", len(snap.Devices))
			}
			d := snap.Devices[0]
			if d.Name != "ams1-leaf1" || d.Role != "leaf" || d.Site != "ams1" || d.Platform != "arista_eos" ||
				d.Manufacturer != "arista" || d.Status != "active" || d.PrimaryIP4 != "10.1.0.1/24" ||
				len(d.Tags) != 2 || d.Tags[0].Slug != "pci" || d.Tags[0].Name != "Pci" {
				t.Errorf("first device %+v", d)
			}
			// Every version decodes to the same devices; custom fields are
			// compared as decoded text below, not bytes.
			for i := range snap.Devices {
				snap.Devices[i].CustomFields = nil
			}
			if want == nil {
				want = snap.Devices
				return
			}
			if fmt.Sprint(snap.Devices) != fmt.Sprint(want) {
				t.Errorf("%s decodes otherwise:\n%v\nwant\n%v", v, snap.Devices, want)
			}
		})
	}
}

func TestRetries(t *testing.T) {
	for _, tc := range []struct {
		name     string
		faults   netboxtest.Faults
		requests int
	}{
		{"429", netboxtest.Faults{RateLimitOnce: true, RetryAfter: "1"}, 2},
		{"503", netboxtest.Faults{ServerErrorOnce: true}, 2},
		{"429 then 503", netboxtest.Faults{RateLimitOnce: true, ServerErrorOnce: true}, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := startNetBox(t, netboxtest.Options{Faults: tc.faults})
			c, _ := newClient(t, s, func(c *Config) { c.MaxRetryAfter = 200 * time.Millisecond })
			start := time.Now()
			snap := fetch(t, c)
			if len(snap.Devices) != 6 || snap.Requests != tc.requests {
				t.Errorf("%d devices in %d requests, want 6 in %d", len(snap.Devices), snap.Requests, tc.requests)
			}
			// Retry-After: 1 is honoured up to the cap of 200ms.
			if took := time.Since(start); tc.faults.RateLimitOnce && (took < 200*time.Millisecond || took > 900*time.Millisecond) {
				t.Errorf("the retry after a 429 took %s; want the capped Retry-After of 200ms", took)
			}
		})
	}
}

func TestRetriesRunOut(t *testing.T) {
	s := startNetBox(t, netboxtest.Options{Faults: netboxtest.Faults{ServerErrorAlways: true}})
	c, _ := newClient(t, s, func(c *Config) { c.Retries = 2 })
	_, err := c.Devices(context.Background(), nil)
	var se *StatusError
	if !errors.As(err, &se) || !errors.Is(err, ErrUnavailable) || se.Status != 502 || se.Attempts != 3 {
		t.Fatalf("got %v", err)
	}
	if !strings.Contains(err.Error(), `"Database is locked"`) || !strings.Contains(err.Error(), "after 3 attempts") {
		t.Errorf("message %q", err)
	}
	if n := len(s.Requests()); n != 3 {
		t.Errorf("%d requests, want 3", n)
	}
}

func TestRefusedToken(t *testing.T) {
	for _, tc := range []struct {
		name   string
		o      netboxtest.Options
		token  string
		target error
		detail string
	}{
		{"bad v1 token", netboxtest.Options{}, "ffffffffffffffffffffffffffffffffffffffff", ErrForbidden, "Invalid v1 token"},
		{"bad v2 token", netboxtest.Options{}, "nbt_AAAAAAAAAAAA.secretsecretsecretsecret", ErrForbidden, "Invalid v2 token"},
		{"401 from a proxy", netboxtest.Options{Faults: netboxtest.Faults{Unauthorized: true}}, "ffffffffffffffffffffffffffffffffffffffff", ErrUnauthorized, "Invalid v1 token"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := startNetBox(t, tc.o)
			tok, err := ParseToken([]byte(tc.token))
			if err != nil {
				t.Fatal(err)
			}
			c, _ := newClient(t, s, func(c *Config) { c.Token = tok })
			_, err = c.Devices(context.Background(), nil)
			if !errors.Is(err, tc.target) {
				t.Fatalf("got %v, want %v", err, tc.target)
			}
			var se *StatusError
			if !errors.As(err, &se) || se.Attempts != 1 {
				t.Errorf("a refused token is retried: %v", err)
			}
			msg := err.Error()
			if !strings.Contains(msg, tc.detail) || !strings.Contains(msg, "/api/dcim/devices/") || !strings.Contains(msg, "token") {
				t.Errorf("message %q says too little", msg)
			}
			noToken(t, tc.token, msg, fmt.Sprintf("%v %+v %#v", err, c, tok))
		})
	}
}

func TestV2TokenGoesAsBearer(t *testing.T) {
	s := startNetBox(t, netboxtest.Options{Token: netboxtest.V2Token})
	c, _ := newClient(t, s, nil)
	fetch(t, c)
	if r := s.Requests()[0]; r.Auth != "Bearer" {
		t.Errorf("a v2 token went as %q", r.Auth)
	}
}

func TestNotNetBox(t *testing.T) {
	bad := func(status int, ctype, body string) string {
		h := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", ctype)
			w.WriteHeader(status)
			fmt.Fprint(w, body)
		}))
		t.Cleanup(h.Close)
		return h.URL
	}
	login := startNetBox(t, netboxtest.Options{Faults: netboxtest.Faults{HTML: true}})
	for _, tc := range []struct {
		name, url, want string
	}{
		{"html", login.URL(), "HTML page"},
		{"bad json", bad(200, "application/json", `{"count": 1, "results": [{"id": 1,`), "not valid JSON"},
		{"other json", bad(200, "application/json", `{"hello": "world"}`), "not a NetBox list"},
		{"not a device", bad(200, "application/json", `{"count": 1, "next": null, "results": ["x"]}`), "result 1 is not a NetBox device"},
		{"text", bad(200, "text/plain", "hello"), `"text/plain", not JSON`},
		{"404", bad(404, "text/html", "<html>nope</html>"), "404 Not Found: (an HTML page)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, _ := newClient(t, login, func(c *Config) { c.URL = tc.url })
			_, err := c.Devices(context.Background(), nil)
			if !errors.Is(err, ErrNotNetBox) {
				t.Fatalf("got %v, want ErrNotNetBox", err)
			}
			if !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "GET /api/dcim/devices/?") {
				t.Errorf("message %q, want %q and the path", err, tc.want)
			}
			noToken(t, login.Token(), err.Error())
		})
	}
}

func TestForeignNextLink(t *testing.T) {
	s := startNetBox(t, netboxtest.Options{Devices: netboxtest.Fleet(5), Faults: netboxtest.Faults{ForeignNext: true}})
	c, _ := newClient(t, s, func(c *Config) { c.PageSize = 2 })
	_, err := c.Devices(context.Background(), nil)
	var le *LinkError
	if !errors.As(err, &le) || !errors.Is(err, ErrForeignLink) {
		t.Fatalf("got %v", err)
	}
	if !strings.Contains(err.Error(), `host "netbox.invalid"`) {
		t.Errorf("message %q", err)
	}
	if n := len(s.Requests()); n != 1 {
		t.Errorf("%d requests: the foreign link was followed", n)
	}
}

func TestNextLinkChecks(t *testing.T) {
	c, _, err := New(Config{URL: "https://NetBox.example.com:443/nb/api/", Token: mustToken(netboxtest.DefaultToken)})
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Source(nil).URL; got != "https://netbox.example.com/nb" {
		t.Errorf("base %s", got)
	}
	for link, ok := range map[string]bool{
		"https://netbox.example.com/nb/api/dcim/devices/?limit=5&offset=5":     true,
		"https://NETBOX.example.com:443/nb/api/dcim/devices/?offset=5":         true,
		"/nb/api/dcim/devices/?offset=5":                                       true,
		"http://netbox.example.com/nb/api/dcim/devices/?offset=5":              false,
		"https://evil.example.com/nb/api/dcim/devices/?offset=5":               false,
		"https://netbox.example.com:8443/nb/api/dcim/devices/?offset=5":        false,
		"https://netbox.example.com/nb/api/users/tokens/?offset=5":             false,
		"https://user:pw@netbox.example.com/nb/api/dcim/devices/?offset=5":     false,
		"https://netbox.example.com/nb/api/dcim/devices/../../users/?offset=5": false,
	} {
		_, err := c.follow("/", link)
		if (err == nil) != ok {
			t.Errorf("%s: %v", link, err)
		}
	}
}

func TestTLS(t *testing.T) {
	s := startNetBox(t, netboxtest.Options{TLS: true})
	ca := filepath.Join(t.TempDir(), "ca.pem")
	if err := s.WriteCAFile(ca); err != nil {
		t.Fatal(err)
	}

	c, warns := newClient(t, s, func(c *Config) { c.CAFile = ca })
	if len(warns) != 0 {
		t.Errorf("warnings %q", warns)
	}
	if snap := fetch(t, c); len(snap.Devices) != 6 {
		t.Errorf("%d devices over TLS", len(snap.Devices))
	}

	c, _ = newClient(t, s, nil)
	_, err := c.Devices(context.Background(), nil)
	var te *TransportError
	if !errors.Is(err, ErrTLS) || !errors.As(err, &te) || te.Attempts != 1 {
		t.Fatalf("an unknown CA: %v", err)
	}
	if !strings.Contains(err.Error(), "--ca-file") {
		t.Errorf("message %q", err)
	}

	c, warns = newClient(t, s, func(c *Config) { c.Insecure = true })
	if len(warns) != 1 || !strings.Contains(warns[0], "NOT verified") {
		t.Errorf("insecure warnings %q", warns)
	}
	if snap := fetch(t, c); len(snap.Devices) != 6 {
		t.Errorf("%d devices insecure", len(snap.Devices))
	}
	noToken(t, s.Token(), warns...)
}

func TestConfigRefused(t *testing.T) {
	tok := mustToken(netboxtest.DefaultToken)
	empty := filepath.Join(t.TempDir(), "empty.pem")
	if err := os.WriteFile(empty, []byte("not a certificate"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		cfg  Config
		want string
	}{
		{"no token", Config{URL: "https://nb"}, "no NetBox token"},
		{"no url", Config{Token: tok}, "no NetBox URL"},
		{"ftp", Config{URL: "ftp://nb", Token: tok}, "not http or https"},
		{"user in url", Config{URL: "https://" + tok.reveal() + "@nb", Token: tok}, "holds a user or password"},
		{"token in query", Config{URL: "https://nb/?token=" + tok.reveal(), Token: tok}, "query or fragment"},
		{"token in a bad url", Config{URL: "https://nb/%zz" + tok.reveal(), Token: tok}, "is not a URL"},
		{"ca and insecure", Config{URL: "https://nb", Token: tok, CAFile: "x", Insecure: true}, "contradict"},
		{"ca over http", Config{URL: "http://nb", Token: tok, CAFile: "x"}, "needs an https URL"},
		{"missing ca", Config{URL: "https://nb", Token: tok, CAFile: filepath.Join(t.TempDir(), "none.pem")}, "no such file"},
		{"empty ca", Config{URL: "https://nb", Token: tok, CAFile: empty}, "holds no PEM certificate"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := New(tc.cfg)
			if !errors.Is(err, ErrInvalidOption) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want ErrInvalidOption saying %q", err, tc.want)
			}
			noToken(t, tok.reveal(), err.Error())
		})
	}
}

func TestFilters(t *testing.T) {
	s := startNetBox(t, netboxtest.Options{Version: netboxtest.V37})
	c, _ := newClient(t, s, nil)
	got := func(filters ...string) string {
		var out []string
		for _, d := range fetch(t, c, filters...).Devices {
			out = append(out, d.Name)
		}
		return strings.Join(out, ",")
	}
	for want, filters := range map[string][]string{
		"ams1-leaf1,ams1-leaf2":            {"site=ams1", "role=leaf"},
		"ams1-leaf1,ams1-spine1":           {"site=ams1", "name=ams1-leaf1", "name=ams1-spine1"},
		"lon1-core1":                       {"status=planned"},
		"ams1-leaf1":                       {"tag=pci", "tag=prod"},
		"ams1-leaf1,ams1-leaf2,lon1-oob1":  {"device_role=leaf", "device_role=oob"},
		"ams1-leaf1,ams1-spine1,lon1-pdu1": {"id=1", "id=3", "id=6"},
	} {
		if g := got(filters...); g != want {
			t.Errorf("%v: %s, want %s", filters, g, want)
		}
	}
	got("tag=pci", "name=ams1-leaf1", "tag=prod")
	reqs := s.Requests()
	if q := reqs[len(reqs)-1].Query; fmt.Sprint(q["tag"], q["name"]) != "[pci prod] [ams1-leaf1]" {
		t.Errorf("query %v: repeated keys are not all sent", q)
	}

	_, err := c.Devices(context.Background(), []Filter{{"site", "ams9"}})
	if !errors.Is(err, ErrBadRequest) || !strings.Contains(err.Error(), "site: Select a valid choice. ams9") {
		t.Errorf("an unknown site: %v", err)
	}
	if _, err := c.Devices(context.Background(), []Filter{{"limit", "5"}}); !errors.Is(err, ErrInvalidOption) {
		t.Errorf("a reserved filter: %v", err)
	}
}

func TestParseFilter(t *testing.T) {
	for in, want := range map[string]string{
		"site=ams1":       "",
		"name__ic=leaf":   "",
		"cf_owner=a=b":    "",
		"site":            "not KEY=VALUE",
		"=ams1":           "has no key",
		"site name=ams1":  "not a NetBox filter name",
		"site=":           "has no value",
		"offset=5":        "not allowed",
		"q=a\x1b[31m":     `the control character '\x1b'`,
		"tag=pci\nsite=x": "control character",
	} {
		f, err := ParseFilter(in)
		switch {
		case want == "" && err != nil:
			t.Errorf("%q: %v", in, err)
		case want == "" && f.String() != in:
			t.Errorf("%q reads as %q", in, f)
		case want != "" && (!errors.Is(err, ErrInvalidOption) || !strings.Contains(err.Error(), want)):
			t.Errorf("%q: %v, want %q", in, err, want)
		}
	}
}

func TestParseToken(t *testing.T) {
	for in, want := range map[string]string{
		"0123456789abcdef\n":          "",
		"  0123456789abcdef  \r\n":    "",
		netboxtest.V2Token + "\n":     "",
		"":                            "empty",
		" \n":                         "empty",
		"abc\ndef":                    "more than one line",
		"abc def":                     "cannot be sent in a header",
		"nbt_nokeypart":               "is not nbt_<key>.<token>",
		"nbt_.secret":                 "is not nbt_<key>.<token>",
		"caf\u00e9caf\u00e9caf\u00e9": "cannot be sent in a header",
	} {
		tok, err := ParseToken([]byte(in))
		switch {
		case want == "" && err != nil:
			t.Errorf("%q: %v", in, err)
		case want == "" && tok.reveal() != strings.TrimSpace(in):
			t.Errorf("%q reads as %q", in, tok.reveal())
		case want != "" && (!errors.Is(err, ErrInvalidOption) || !strings.Contains(err.Error(), want)):
			t.Errorf("%q: %v, want %q", in, err, want)
		}
		if err != nil && strings.TrimSpace(in) != "" {
			noToken(t, strings.TrimSpace(in), err.Error())
		}
	}
	tok, _ := ParseToken([]byte("s3cr3ttoken"))
	type opts struct {
		token Token
	}
	c, _, err := New(Config{URL: "https://nb", Token: tok})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{fmt.Sprint(tok), fmt.Sprintf("%v %+v %#v %s %q %x", tok, tok, tok, tok, tok, tok),
		fmt.Sprintf("%+v %#v", Config{Token: tok}, Config{Token: tok}), fmt.Sprintf("%+v %#v", opts{token: tok}, opts{token: tok}),
		fmt.Sprintf("%+v %#v", c, *c)} {
		noToken(t, "s3cr3ttoken", s)
	}

	path := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(path, []byte("line one\nline two\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = ReadTokenFile(path)
	if !errors.Is(err, ErrInvalidOption) || !strings.Contains(err.Error(), path) {
		t.Errorf("a two-line token file: %v", err)
	}
	noToken(t, "line one", err.Error())
}

// TestTokenNeverShows runs every failure with a server that echoes the
// Authorization header back in its errors and links, and looks for the
// token in all that vc says.
func TestTokenNeverShows(t *testing.T) {
	const token = "nbt_KEYKEYKEYKEY.s3cr3ts3cr3ts3cr3ts3cr3t"
	var status int
	var body, ctype, next string
	h := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		auth := r.Header.Get("Authorization")
		w.Header().Set("Content-Type", ctype)
		w.Header().Set("Location", "https://elsewhere.example/?t="+auth)
		w.WriteHeader(status)
		b := strings.ReplaceAll(body, "AUTH", auth)
		b = strings.ReplaceAll(b, "NEXT", strings.ReplaceAll(next, "AUTH", strings.TrimPrefix(auth, "Bearer ")))
		b = strings.ReplaceAll(b, "HOST", r.Host)
		fmt.Fprint(w, b)
	}))
	defer h.Close()
	tok, err := ParseToken([]byte(token))
	if err != nil {
		t.Fatal(err)
	}
	c, warns, err := New(Config{URL: h.URL, Token: tok, Retries: 1, Backoff: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	texts := append([]string{}, warns...)
	for _, tc := range []struct {
		status            int
		ctype, body, next string
	}{
		{403, "application/json", `{"detail": "Invalid token AUTH"}`, ""},
		{401, "application/json", `{"detail": "AUTH"}`, ""},
		{400, "application/json", `{"site": ["AUTH is not a site"]}`, ""},
		{500, "application/json", `{"error": "boom AUTH"}`, ""},
		{503, "text/plain", "AUTH", ""},
		{200, "text/AUTH", "x", ""},
		{302, "text/html", "", ""},
		{200, "application/json", `{"count": 2, "next": "NEXT", "results": [{"id": 1, "name": "a"}]}`, "http://HOST/api/dcim/devices/?t=AUTH&offset=1"},
		{200, "application/json", `{"count": 2, "next": "NEXT", "results": [{"id": 1, "name": "a"}]}`, "http://elsewhere/api/dcim/devices/?t=AUTH&offset=1"},
		{200, "application/json", `{"count": 2, "next": "NEXT", "results": [{"id": 1, "name": "a"}]}`, "http://HOST/AUTH/"},
		{200, "application/json", `{"count": 2, "next": "NEXT", "results": [{"id": 1, "name": "a"}]}`, "http://x:AUTH@HOST/api/dcim/devices/"},
		{200, "application/json", `{"count": 1, "results": [{"id": "AUTH"}]}`, ""},
	} {
		status, ctype, body, next = tc.status, tc.ctype, tc.body, tc.next
		_, err := c.Devices(context.Background(), nil)
		if err == nil {
			t.Errorf("%d %s: no error", tc.status, tc.body)
			continue
		}
		texts = append(texts, err.Error(), fmt.Sprintf("%+v", err))
	}
	noToken(t, token, texts...)
	noToken(t, strings.TrimPrefix(token, "nbt_"), texts...)
}

func TestShiftedPagesAreReadAgain(t *testing.T) {
	s := startNetBox(t, netboxtest.Options{Devices: netboxtest.Fleet(6), Faults: netboxtest.Faults{ShiftOnce: true}})
	c, _ := newClient(t, s, func(c *Config) { c.PageSize = 2 })
	snap := fetch(t, c)
	if len(snap.Devices) != 7 {
		t.Errorf("%d devices, want the 7 of the second listing", len(snap.Devices))
	}
	// The first listing sees 6 devices on its first page and 7 after; it
	// is given up and read again.
	if snap.Requests != 4+4 {
		t.Errorf("%d requests, want two listings of 4 pages", snap.Requests)
	}
}

func TestContextEndsTheWait(t *testing.T) {
	s := startNetBox(t, netboxtest.Options{Faults: netboxtest.Faults{RateLimitOnce: true, RetryAfter: "30"}})
	c, _ := newClient(t, s, func(c *Config) { c.MaxRetryAfter = time.Minute })
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := c.Devices(ctx, nil)
	if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 5*time.Second {
		t.Errorf("got %v after %s", err, time.Since(start))
	}
}

func TestRequestTimeout(t *testing.T) {
	release := make(chan struct{})
	h := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer h.Close()
	defer close(release)
	c, _, err := New(Config{URL: h.URL, Token: mustToken(netboxtest.DefaultToken), Timeout: 50 * time.Millisecond, Retries: 1, Backoff: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Devices(context.Background(), nil)
	var te *TransportError
	if !errors.Is(err, ErrUnavailable) || !errors.As(err, &te) || te.Attempts != 2 || !strings.Contains(err.Error(), "no answer within 50ms") {
		t.Errorf("got %v", err)
	}
}

func TestRedirects(t *testing.T) {
	s := startNetBox(t, netboxtest.Options{})
	// Within NetBox, a redirect is followed.
	c, _ := newClient(t, s, nil)
	c.endpoint.Path = strings.TrimSuffix(c.endpoint.Path, "/")
	if snap := fetch(t, c); len(snap.Devices) != 6 {
		t.Errorf("%d devices after a redirect", len(snap.Devices))
	}
	// To another host, it is reported.
	away := httptest.NewServer(http.RedirectHandler("https://netbox.example.com/api/dcim/devices/", http.StatusFound))
	defer away.Close()
	c, _ = newClient(t, s, func(c *Config) { c.URL = away.URL })
	_, err := c.Devices(context.Background(), nil)
	if !errors.Is(err, ErrNotNetBox) || !strings.Contains(err.Error(), `redirects to "https://netbox.example.com/api/dcim/devices/"`) {
		t.Errorf("got %v", err)
	}
}

func mustToken(s string) Token {
	t, err := ParseToken([]byte(s))
	if err != nil {
		panic(err)
	}
	return t
}
