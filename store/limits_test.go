package store

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// TestSetAttrRefusesWhatCannotBeStored: control characters, bytes that are
// not UTF-8 and values past the limits are refused in every field, by an
// error that names the record, the field and where the fault is, and the
// record is left as it was.
func TestSetAttrRefusesWhatCannotBeStored(t *testing.T) {
	many := func(n int, f string) string {
		parts := make([]string, n)
		for i := range parts {
			parts[i] = fmt.Sprintf(f, i)
		}
		return strings.Join(parts, ";")
	}
	for _, c := range []struct {
		kind       Kind
		key, value string
		want       string
	}{
		{KindDevice, "fields.owner", "noc\x00", `device r1 fields.owner: character 4 is the control character '\x00'`},
		{KindDevice, "fields.owner", "a\x1b[2Jb", `device r1 fields.owner: character 2 is the control character '\x1b'`},
		{KindDevice, "fields.owner", strings.Repeat("x", 10<<20), `device r1 fields.owner: 10485760 bytes, more than the 4096 allowed`},
		{KindDevice, "fields.owner", "caf\xe9", `device r1 fields.owner: character 4 (byte 4) is not UTF-8`},
		{KindDevice, "fields.ow\x1bner", "x", `device r1 "fields.ow\x1bner": custom field name: "ow\x1bner" must start with a letter or digit and hold only letters, digits and . _ : / + @ - (character 3 is '\x1b')`},
		{KindDevice, "tags", "a;b\tc", `device r1 tags: tag "b\tc": "b\tc" must start with a letter or digit`},
		{KindDevice, "tags", many(MaxTags+1, "t%d"), `device r1 tags: more than the 100 tags a device may have`},
		{KindDevice, "site", "us\na", `device r1 site: "us\na" must start with a letter or digit and hold only letters, digits and . _ : / + @ - (character 3 is '\n')`},
		{KindSite, "description", "first\tDC", `site r1 description: character 6 is the control character '\t'`},
		{KindVendor, "description", "x\r\n", `vendor r1 description: character 2 is the control character '\r'`},
		{KindRole, "description", strings.Repeat("é", 2049), `role r1 description: 4098 bytes, more than the 4096 allowed`},
		{KindPlatform, "paging", "terminal length 0\n", `platform r1 paging: character 18 is the control character '\n'`},
		{KindPlatform, "prompt", "[a-z]+\x07#", `platform r1 prompt: character 7 is the control character '\a'`},
		{KindPlatform, "prompt", "[unclosed", `platform r1 prompt: not a regular expression: missing closing ]: "[unclosed"`},
	} {
		e, err := Named(c.kind, "r1")
		if err != nil {
			t.Fatal(err)
		}
		before, _ := Named(c.kind, "r1")
		err = SetAttr(e, c.key, c.value)
		var ae *AttrError
		if !errors.As(err, &ae) || !errors.Is(err, ErrInvalid) {
			t.Errorf("%s %.20q: %v, want an invalid *AttrError", c.kind, c.key, err)
			continue
		}
		if got := err.Error(); !strings.HasPrefix(got, c.want) {
			t.Errorf("%s %.20q:\n got %.200s\nwant %s", c.kind, c.key, got, c.want)
		}
		if !reflect.DeepEqual(e, before) {
			t.Errorf("%s %.20q: the record changed: %+v", c.kind, c.key, e)
		}
	}
	// The hundred and first custom field is refused; changing one of a
	// hundred is not.
	d := NewDevice("r1")
	for i := range MaxFields {
		if err := SetAttr(d, fmt.Sprintf("fields.f%d", i), "x"); err != nil {
			t.Fatal(err)
		}
	}
	if err := SetAttr(d, "fields.f0", "y"); err != nil {
		t.Error(err)
	}
	if err := SetAttr(d, "fields.one-more", "x"); err == nil || !strings.Contains(err.Error(), "at most 100 custom fields") {
		t.Errorf("101st field: %v", err)
	}
}

// TestPutRefusesWhatCannotBeStored: records built without SetAttr meet the
// same rules when written, and a refused write changes nothing.
func TestPutRefusesWhatCannotBeStored(t *testing.T) {
	s, _ := testStore(t)
	manyFields := map[string]string{}
	for i := range MaxFields + 1 {
		manyFields[fmt.Sprintf("f%03d", i)] = "x"
	}
	for _, c := range []struct {
		e    Entity
		want string
	}{
		{&Device{Name: "d1", Address: "10.0.0.1", Port: 22, Status: "active", Fields: map[string]string{"a": "ok", "b": "bad\x1b"}}, `device d1 fields.b: character 4 is the control character '\x1b'`},
		{&Device{Name: "d1", Address: "10.0.0.1", Port: 22, Status: "active", Fields: manyFields}, `device d1 fields: a device may have at most 100 custom fields`},
		{&Device{Name: "d1", Address: "10.0.0.1", Port: 22, Status: "active", Cred: "x\x00"}, `device d1 cred: "x\x00" must start`},
		{&Device{Name: "d1", Address: "10.0.0.1", Port: 22, Status: "active", Tags: make([]string, MaxTags+1)}, `device d1 tags: 101 tags, more than the 100 a device may have`},
		{&Site{Name: "s1", Description: "a\nb"}, `site s1 description: character 2 is the control character '\n'`},
		{&Platform{Name: "p1", Prompt: "[x"}, `platform p1 prompt: not a regular expression`},
		{&Vendor{Name: "v1", Description: strings.Repeat("x", MaxTextLen+1)}, `vendor v1 description: 4097 bytes, more than the 4096 allowed`},
	} {
		err := s.Update(t.Context(), func(tx *Tx) error { return Put(tx, c.e) })
		if err == nil || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("put %s %s: %v, want %s", c.e.Kind(), c.e.Key(), err, c.want)
		}
		err = s.View(t.Context(), func(tx *Tx) error {
			if tx.Has(c.e.Kind(), c.e.Key()) {
				t.Errorf("%s %s was written", c.e.Kind(), c.e.Key())
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := validateCred(&Credential{Name: "c", User: "admin", Kind: CredKey, KeyFile: "/home/x/.ssh/id\x1b", Sealed: []byte("s")}); err == nil {
		t.Error("a key file path with ESC was accepted")
	}
}
