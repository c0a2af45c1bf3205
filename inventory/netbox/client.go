package netbox

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"mime"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Defaults of Config.
const (
	// DefaultTimeout bounds one request, its body included: NetBox takes
	// seconds to render a large page of devices, not minutes.
	DefaultTimeout = 30 * time.Second
	// DefaultPageSize is the limit vc asks for. NetBox caps it at its
	// MAX_PAGE_SIZE (1000 unless changed), and follows with next links.
	DefaultPageSize = 250
	// DefaultRetries is how many times a request is repeated after a 429,
	// a 5xx or no answer at all.
	DefaultRetries = 4
	// DefaultMaxRetryAfter caps the wait a Retry-After header asks for, so
	// a proxy's "come back in an hour" does not hang a sync.
	DefaultMaxRetryAfter = 30 * time.Second
	// DefaultBackoff is the first wait between attempts without a
	// Retry-After; each later wait doubles, up to maxBackoff.
	DefaultBackoff = 500 * time.Millisecond
)

const (
	maxBackoff = 10 * time.Second
	// maxPageBytes bounds one page: 1000 devices with their nested objects
	// and custom fields come to a few megabytes.
	maxPageBytes = 64 << 20
	// maxDevices bounds a listing, whatever the next links say.
	maxDevices = 1 << 20
	// devicesPath is the endpoint, under the NetBox address.
	devicesPath = "/api/dcim/devices/"
)

// Config says which NetBox to read and how.
type Config struct {
	// URL is NetBox's address, as in a browser: https://netbox.example.com
	// (a trailing /api is accepted and dropped).
	URL   string
	Token Token
	// CAFile is a PEM file of the CA certificates to trust instead of the
	// system's, for a NetBox with a private CA.
	CAFile string
	// Insecure skips certificate verification; New returns a warning that
	// the caller must show.
	Insecure bool
	// Timeout bounds each request; zero is DefaultTimeout.
	Timeout time.Duration
	// PageSize is the limit of each page; zero is DefaultPageSize.
	PageSize int
	// Retries bounds the repeats of a failing request; zero is
	// DefaultRetries, negative is none.
	Retries int
	// MaxRetryAfter caps a Retry-After wait; zero is DefaultMaxRetryAfter.
	MaxRetryAfter time.Duration
	// Backoff is the first wait between attempts; zero is DefaultBackoff.
	Backoff time.Duration
}

// Client reads devices from one NetBox. It is safe for concurrent use.
type Client struct {
	base     *url.URL // NetBox's address, normalized
	endpoint *url.URL // base + devicesPath
	token    Token
	http     *http.Client
	timeout  time.Duration
	pageSize int
	retries  int
	maxWait  time.Duration
	backoff  time.Duration
}

// New checks cfg and returns a client, with the warnings the caller must
// show the person: certificates not verified, a token sent in the clear.
// A bad option is ErrInvalidOption.
func New(cfg Config) (*Client, []string, error) {
	if cfg.Token.IsZero() {
		return nil, nil, optionf("no NetBox token; give it in a token file")
	}
	base, err := parseBase(cfg.URL, cfg.Token)
	if err != nil {
		return nil, nil, err
	}
	var warnings []string
	tlsConf := &tls.Config{MinVersion: tls.VersionTLS12}
	switch {
	case cfg.Insecure && cfg.CAFile != "":
		return nil, nil, optionf("a CA file and insecure contradict each other; give one")
	case base.Scheme == "http" && (cfg.Insecure || cfg.CAFile != ""):
		return nil, nil, optionf("%s is http: a CA file or insecure needs an https URL", base.Redacted())
	case base.Scheme == "http":
		warnings = append(warnings, fmt.Sprintf("%s is plain http: the token crosses the network unencrypted; use https", base.Redacted()))
	case cfg.Insecure:
		tlsConf.InsecureSkipVerify = true
		warnings = append(warnings, fmt.Sprintf("the TLS certificate of %s is NOT verified (insecure): anyone on the network path can pose as NetBox, read the token and feed vc devices", base.Host))
	case cfg.CAFile != "":
		pem, err := os.ReadFile(cfg.CAFile)
		if err != nil {
			return nil, nil, &optionError{fmt.Sprintf("CA file: %v", err)}
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, nil, optionf("CA file %s holds no PEM certificate", cfg.CAFile)
		}
		tlsConf.RootCAs = pool
	}
	c := &Client{
		base:     base,
		endpoint: &url.URL{Scheme: base.Scheme, Host: base.Host, Path: base.Path + devicesPath},
		token:    cfg.Token,
		timeout:  orDefault(cfg.Timeout, DefaultTimeout),
		pageSize: orDefault(cfg.PageSize, DefaultPageSize),
		retries:  orDefault(cfg.Retries, DefaultRetries),
		maxWait:  orDefault(cfg.MaxRetryAfter, DefaultMaxRetryAfter),
		backoff:  orDefault(cfg.Backoff, DefaultBackoff),
	}
	if c.retries < 0 {
		c.retries = 0
	}
	if c.pageSize < 0 {
		return nil, nil, optionf("page size %d is negative", cfg.PageSize)
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = tlsConf
	// The request's context bounds the whole exchange, body included.
	tr.TLSHandshakeTimeout = min(c.timeout, 10*time.Second)
	c.http = &http.Client{
		Transport: tr,
		// A redirect within NetBox (a missing slash) is followed; one to
		// another scheme or host would take the token along, so it is
		// handed back to be reported instead.
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) >= 5 || !sameOrigin(req.URL, c.base) {
				return http.ErrUseLastResponse
			}
			return nil
		},
	}
	return c, warnings, nil
}

func orDefault[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}

// parseBase reads NetBox's address. Errors echo it only with the token
// scrubbed, and never when it holds a user or password.
// CheckURL says whether raw is a NetBox address vc takes, with the error
// New would give: a URL holding a user or password is refused without
// being repeated. A sync saved as a job is checked with it before it is
// stored.
func CheckURL(raw string) error {
	_, err := parseBase(raw, Token{})
	return err
}

func parseBase(raw string, tok Token) (*url.URL, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return nil, optionf("no NetBox URL; give its address, such as https://netbox.example.com")
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		if strings.Contains(raw, "@") {
			return nil, optionf("the NetBox URL is not a URL such as https://netbox.example.com")
		}
		return nil, optionf("NetBox URL %s is not a URL such as https://netbox.example.com", quote(tok.scrub(raw)))
	}
	if u.User != nil {
		return nil, optionf("the NetBox URL holds a user or password; NetBox takes the token from the token file instead")
	}
	u.Scheme = strings.ToLower(u.Scheme)
	if u.Scheme != "https" && u.Scheme != "http" {
		return nil, optionf("NetBox URL %s is not http or https", quote(tok.scrub(raw)))
	}
	if u.RawQuery != "" || u.Fragment != "" || u.ForceQuery {
		return nil, optionf("the NetBox URL has a query or fragment; give filters as filters")
	}
	u.Host = normalHost(u)
	u.Path = strings.TrimSuffix(strings.TrimRight(u.Path, "/"), "/api")
	u.RawPath = ""
	return u, nil
}

// normalHost lowercases the host and drops the scheme's default port, so
// that https://NetBox:443 and https://netbox are one NetBox.
func normalHost(u *url.URL) string {
	host, port := strings.ToLower(u.Hostname()), u.Port()
	if (u.Scheme == "https" && port == "443") || (u.Scheme == "http" && port == "80") {
		port = ""
	}
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	if port != "" {
		return host + ":" + port
	}
	return host
}

func sameOrigin(u, base *url.URL) bool {
	return strings.EqualFold(u.Scheme, base.Scheme) && normalHost(u) == base.Host
}

// Source names the NetBox a snapshot came from and the filters it was
// taken with.
type Source struct {
	// URL is NetBox's address, normalized: https://netbox.example.com.
	URL     string
	Filters []Filter
}

// Snapshot is NetBox's device list at one moment.
type Snapshot struct {
	Source Source
	// APIVersion is NetBox's API-Version header (4.2, 3.7), "" if absent.
	APIVersion string
	// Devices are in NetBox's order, each id once.
	Devices []RemoteDevice
	// Requests counts the HTTP requests made, retries included.
	Requests int
}

// Source returns what a snapshot taken with filters would name.
func (c *Client) Source(filters []Filter) Source {
	return Source{URL: c.base.String(), Filters: canonical(filters)}
}

// Devices lists NetBox's devices that match filters, following next
// links. Offset pages shift when NetBox changes meanwhile; a listing whose
// pages do not add up to its count is taken again once, and then is
// ErrChanged, since a device missed would look deleted to a prune.
func (c *Client) Devices(ctx context.Context, filters []Filter) (*Snapshot, error) {
	for _, f := range filters {
		if _, err := ParseFilter(f.String()); err != nil {
			return nil, err
		}
	}
	src := c.Source(filters)
	requests := 0
	for listing := 1; ; listing++ {
		snap, consistent, err := c.list(ctx, src, &requests)
		if err != nil {
			return nil, err
		}
		if consistent {
			snap.Requests = requests
			return snap, nil
		}
		if listing == 2 {
			return nil, fmt.Errorf("%w: its pages did not add up to the count it gave, twice in a row; try again when NetBox is quieter", ErrChanged)
		}
	}
}

func (c *Client) list(ctx context.Context, src Source, requests *int) (*Snapshot, bool, error) {
	first := *c.endpoint
	q := url.Values{}
	for _, f := range src.Filters {
		q.Add(f.Key, f.Value)
	}
	q.Set("limit", strconv.Itoa(c.pageSize))
	// Each device's rendered config context can outweigh the rest of it,
	// and vc does not read it.
	q.Set("exclude", "config_context")
	first.RawQuery = q.Encode()
	snap := &Snapshot{Source: src}
	byID := map[int64]int{}
	consistent := true
	var count *int64
	seen := map[string]bool{}
	for u := &first; u != nil; {
		path := c.path(u)
		if seen[u.String()] {
			return nil, false, &PageError{Path: path, Problem: "NetBox's next link leads back to a page already read"}
		}
		seen[u.String()] = true
		page, version, err := c.get(ctx, u, requests)
		if err != nil {
			return nil, false, err
		}
		if snap.APIVersion == "" {
			snap.APIVersion = version
		}
		if page.Count != nil {
			if count != nil && *count != *page.Count {
				consistent = false
			}
			count = page.Count
		}
		for i, raw := range *page.Results {
			d, err := decodeDevice(raw)
			if err != nil {
				return nil, false, &PageError{Path: path, Problem: fmt.Sprintf("result %d is not a NetBox device", i+1), Err: err}
			}
			if j, dup := byID[d.ID]; dup {
				snap.Devices[j] = d
				consistent = false
				continue
			}
			byID[d.ID] = len(snap.Devices)
			snap.Devices = append(snap.Devices, d)
		}
		if len(snap.Devices) > maxDevices {
			return nil, false, &PageError{Path: path, Problem: fmt.Sprintf("more than %d devices; filter the sync", maxDevices)}
		}
		u = nil
		if page.Next != nil && *page.Next != "" {
			if len(*page.Results) == 0 {
				return nil, false, &PageError{Path: path, Problem: "an empty page with a next link"}
			}
			if u, err = c.follow(path, *page.Next); err != nil {
				return nil, false, err
			}
		}
	}
	if count != nil && *count != int64(len(snap.Devices)) {
		consistent = false
	}
	return snap, consistent, nil
}

// path is what errors say of a request: its path and query, never the
// token, even if a server put it in a link.
func (c *Client) path(u *url.URL) string { return c.token.scrub(u.RequestURI()) }

// follow checks a next link: it must stay on the configured scheme, host
// and endpoint, or the token would be sent wherever NetBox (or whatever
// answered) pointed.
func (c *Client) follow(from, link string) (*url.URL, error) {
	shown := quote(c.token.scrub(link))
	u, err := c.endpoint.Parse(link)
	if err != nil {
		return nil, &PageError{Path: from, Problem: fmt.Sprintf("NetBox's next link %s is not a URL", shown)}
	}
	switch {
	case u.User != nil:
		return nil, &LinkError{Path: from, Link: quote(c.token.scrub(u.Redacted())), Why: "holds a user or password"}
	case !strings.EqualFold(u.Scheme, c.base.Scheme):
		return nil, &LinkError{Path: from, Link: shown, Why: fmt.Sprintf("is %s, not %s like the configured URL", strings.ToLower(u.Scheme), c.base.Scheme)}
	case normalHost(u) != c.base.Host:
		return nil, &LinkError{Path: from, Link: shown, Why: fmt.Sprintf("points at host %s, not %s", quote(c.token.scrub(normalHost(u))), c.base.Host)}
	case u.Path != c.endpoint.Path:
		return nil, &LinkError{Path: from, Link: shown, Why: fmt.Sprintf("points at %s, not %s", quote(c.token.scrub(u.Path)), c.endpoint.Path)}
	}
	u.Scheme, u.Host = c.base.Scheme, c.base.Host
	return u, nil
}

// get fetches one page, retrying what may pass: 429 and 5xx answers
// (honouring Retry-After, capped) and requests that got no answer.
func (c *Client) get(ctx context.Context, u *url.URL, requests *int) (*apiPage, string, error) {
	path := c.path(u)
	for attempt := 1; ; attempt++ {
		*requests++
		page, version, wait, err := c.try(ctx, u, path, attempt)
		if err == nil {
			return page, version, nil
		}
		if wait < 0 || attempt > c.retries {
			return nil, "", err
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, "", fmt.Errorf("GET %s: %w", path, ctx.Err())
		case <-t.C:
		}
	}
}

// try makes one request. wait is how long to wait before trying again, or
// negative if trying again cannot help.
func (c *Client) try(ctx context.Context, u *url.URL, path string, attempt int) (page *apiPage, version string, wait time.Duration, err error) {
	rctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(rctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, "", -1, &PageError{Path: path, Problem: "cannot make the request", Err: err}
	}
	req.Header.Set("Authorization", c.token.header())
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "vc")
	resp, err := c.http.Do(req)
	if err != nil {
		terr := c.transportError(ctx, rctx, path, attempt, err)
		var te *TransportError
		if !errors.As(terr, &te) || te.TLS {
			// The caller's context ended, or a certificate is not
			// trusted: no retry changes either.
			return nil, "", -1, terr
		}
		return nil, "", c.backoffWait(attempt), terr
	}
	defer resp.Body.Close()
	body, rerr := io.ReadAll(io.LimitReader(resp.Body, maxPageBytes+1))
	if rerr != nil {
		return nil, "", c.backoffWait(attempt), c.transportError(ctx, rctx, path, attempt, rerr)
	}
	ctype := mediaType(resp.Header.Get("Content-Type"))
	switch {
	case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500:
		return nil, "", c.retryAfter(resp.Header.Get("Retry-After"), attempt),
			&StatusError{Path: path, Status: resp.StatusCode, Detail: c.detail(body, ctype), Attempts: attempt}
	case resp.StatusCode >= 300 && resp.StatusCode < 400:
		return nil, "", -1, &StatusError{Path: path, Status: resp.StatusCode, Attempts: attempt,
			Location: quote(c.token.scrub(resp.Header.Get("Location")))}
	case resp.StatusCode != http.StatusOK:
		return nil, "", -1, &StatusError{Path: path, Status: resp.StatusCode, Detail: c.detail(body, ctype), Attempts: attempt}
	}
	if len(body) > maxPageBytes {
		return nil, "", -1, &PageError{Path: path, Problem: fmt.Sprintf("a page larger than %d MiB; lower the page size", maxPageBytes>>20)}
	}
	if !isJSON(ctype) {
		problem := fmt.Sprintf("the answer is %s, not JSON", quote(c.token.scrub(ctype)))
		if ctype == "text/html" {
			problem = "the answer is an HTML page, not NetBox's API; is the URL NetBox's address (a login page or a proxy's page answers here otherwise)?"
		}
		return nil, "", -1, &PageError{Path: path, Problem: problem}
	}
	page = &apiPage{}
	if err := json.Unmarshal(body, page); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			err = fmt.Errorf("%s at byte %d", se.Error(), se.Offset)
		}
		return nil, "", -1, &PageError{Path: path, Problem: "the answer is not valid JSON", Err: err}
	}
	if page.Results == nil {
		return nil, "", -1, &PageError{Path: path, Problem: "the answer is JSON but not a NetBox list (no results); is the URL NetBox's address?"}
	}
	return page, resp.Header.Get("API-Version"), 0, nil
}

// transportError says why a request got no answer. The parent context
// ending is the caller's doing and passes through as such.
func (c *Client) transportError(ctx, rctx context.Context, path string, attempt int, err error) error {
	if ctx.Err() != nil {
		return fmt.Errorf("GET %s: %w", path, ctx.Err())
	}
	// url.Error repeats the URL; the path is said once, by the caller.
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	if rctx.Err() != nil {
		err = fmt.Errorf("no answer within %s: %w", c.timeout, err)
	}
	var (
		unknown   x509.UnknownAuthorityError
		hostname  x509.HostnameError
		invalid   x509.CertificateInvalidError
		verifying *tls.CertificateVerificationError
	)
	if errors.As(err, &unknown) || errors.As(err, &hostname) || errors.As(err, &invalid) || errors.As(err, &verifying) {
		return &TransportError{Path: path, Attempts: attempt, TLS: true, Err: err}
	}
	var rh tls.RecordHeaderError
	if errors.As(err, &rh) {
		return &TransportError{Path: path, Attempts: attempt, Err: fmt.Errorf("%w (is it plain http?)", err)}
	}
	return &TransportError{Path: path, Attempts: attempt, Err: err}
}

// retryAfter is the wait a 429 or 5xx asks for, capped; without a
// Retry-After, the backoff.
func (c *Client) retryAfter(h string, attempt int) time.Duration {
	h = strings.TrimSpace(h)
	if h == "" {
		return c.backoffWait(attempt)
	}
	var d time.Duration
	if secs, err := strconv.Atoi(h); err == nil {
		d = time.Duration(max(secs, 0)) * time.Second
	} else if t, err := http.ParseTime(h); err == nil {
		d = max(time.Until(t), 0)
	} else {
		return c.backoffWait(attempt)
	}
	return min(d, c.maxWait)
}

// backoffWait doubles with each attempt, with jitter so that many vc
// processes do not come back at the same instant.
func (c *Client) backoffWait(attempt int) time.Duration {
	d := c.backoff << min(attempt-1, 20)
	d = min(d, maxBackoff)
	return d/2 + rand.N(d/2+1)
}

// detail is what NetBox said about a failure, short and quoted: DRF's
// {"detail": ...}, NetBox's {"error": ...}, or a validation message.
func (c *Client) detail(body []byte, ctype string) string {
	switch {
	case ctype == "text/html":
		return "(an HTML page)"
	case isJSON(ctype):
		var obj map[string]json.RawMessage
		if json.Unmarshal(body, &obj) != nil {
			break
		}
		for _, key := range []string{"detail", "error"} {
			var s string
			if json.Unmarshal(obj[key], &s) == nil && s != "" {
				return quote(c.token.scrub(s))
			}
		}
		// A validation error: {"site": ["Select a valid choice..."]}.
		var parts []string
		for k, v := range obj {
			var msgs []string
			if json.Unmarshal(v, &msgs) == nil && len(msgs) > 0 {
				parts = append(parts, k+": "+strings.Join(msgs, " "))
			}
		}
		if len(parts) > 0 {
			slices.Sort(parts)
			return quote(c.token.scrub(strings.Join(parts, "; ")))
		}
	}
	text := strings.TrimSpace(string(body))
	if line, _, _ := strings.Cut(text, "\n"); line != "" {
		return quote(c.token.scrub(line))
	}
	return ""
}

func mediaType(h string) string {
	mt, _, err := mime.ParseMediaType(h)
	if err != nil {
		return strings.ToLower(strings.TrimSpace(h))
	}
	return mt
}

func isJSON(mt string) bool {
	return mt == "application/json" || strings.HasSuffix(mt, "+json")
}
