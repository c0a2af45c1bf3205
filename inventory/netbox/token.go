package netbox

import (
	"bytes"
	"fmt"
	"os"
	"strings"
)

// v2Prefix starts every NetBox v2 token (NetBox 4.5 and later); NetBox
// tells the versions apart by it, and a v2 token goes in a Bearer header.
const v2Prefix = "nbt_"

// Token is a NetBox API token. It prints as a placeholder under every fmt
// verb, and as a pointer inside a struct printed with %+v (fmt cannot call
// String on an unexported field, but does not follow nested pointers), so
// that a Config, a Client or the caller's own options printed by mistake
// show no secret.
type Token struct{ p *tokenSecret }

type tokenSecret struct{ v string }

// reveal is the secret, for the Authorization header and scrub alone.
func (t Token) reveal() string {
	if t.p == nil {
		return ""
	}
	return t.p.v
}

// String hides the token.
func (Token) String() string { return "[netbox token]" }

// GoString hides the token from %#v as well.
func (Token) GoString() string { return "netbox.Token{[hidden]}" }

// IsZero reports whether no token was given.
func (t Token) IsZero() bool { return t.reveal() == "" }

// V2 reports whether the token is a v2 token (nbt_<key>.<secret>).
func (t Token) V2() bool { return strings.HasPrefix(t.reveal(), v2Prefix) }

// header is the Authorization header's value: "Token <token>" for the v1
// tokens of NetBox 3.x and 4.x, "Bearer nbt_<key>.<secret>" for v2 tokens.
func (t Token) header() string {
	if t.V2() {
		return "Bearer " + t.reveal()
	}
	return "Token " + t.reveal()
}

// ParseToken reads a token as a token file holds it: surrounding blank
// space and one final newline are dropped; anything else that is not a
// printable ASCII character is refused, since it would not survive an HTTP
// header. No error quotes the token.
func ParseToken(data []byte) (Token, error) {
	s := string(bytes.TrimSpace(data))
	if s == "" {
		return Token{}, optionf("the token is empty")
	}
	for i, r := range s {
		if r <= ' ' || r > '~' {
			if r == '\n' || r == '\r' {
				return Token{}, optionf("the token spans more than one line; a token file holds the token alone")
			}
			return Token{}, optionf("the token holds a character that cannot be sent in a header (at character %d)", i+1)
		}
	}
	t := Token{p: &tokenSecret{v: s}}
	if t.V2() {
		key, plain, ok := strings.Cut(strings.TrimPrefix(s, v2Prefix), ".")
		if !ok || key == "" || plain == "" {
			return Token{}, optionf("the token starts with %s, as v2 tokens do, but is not %s<key>.<token>; copy the whole token NetBox showed when it was made", v2Prefix, v2Prefix)
		}
	}
	return t, nil
}

// ReadTokenFile reads a token from a file (see ParseToken). Errors name the
// file, never its content.
func ReadTokenFile(path string) (Token, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Token{}, fmt.Errorf("token file: %w", err)
	}
	t, err := ParseToken(data)
	if err != nil {
		return Token{}, fmt.Errorf("token file %s: %w", path, err)
	}
	return t, nil
}

// scrubMin is the shortest token scrub looks for: a token of a character
// or two would turn every message to mush, and NetBox's are 40 long.
const scrubMin = 6

// scrub replaces the token, and the secret part of a v2 token, wherever it
// appears in s: text that came from the server goes into errors, and a
// server could echo what it was sent.
func (t Token) scrub(s string) string {
	secret := t.reveal()
	if len(secret) < scrubMin {
		return s
	}
	s = strings.ReplaceAll(s, secret, "[token]")
	if t.V2() {
		if _, plain, ok := strings.Cut(secret, "."); ok && len(plain) >= 8 {
			s = strings.ReplaceAll(s, plain, "[token]")
		}
	}
	return s
}
