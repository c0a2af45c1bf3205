package netboxtest

import (
	"encoding/json"
	"net/http"
	"testing"
)

// TestShapes holds the stand-in to the fields NetBox's serializers give
// each version.
func TestShapes(t *testing.T) {
	for _, tc := range []struct {
		version          string
		role, deviceRole bool
		displayURL       bool
		familyObject     bool
	}{
		{V35, false, true, false, false},
		{V37, true, true, false, false},
		{V4, true, false, true, true},
	} {
		s, err := Start(Options{Version: tc.version})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		req, _ := http.NewRequest(http.MethodGet, s.URL()+"/api/dcim/devices/?limit=1", nil)
		req.Header.Set("Authorization", "Token "+s.Token())
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var page struct {
			Count   int
			Next    *string
			Results []map[string]json.RawMessage
		}
		if err := json.NewDecoder(resp.Body).Decode(&page); err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.Header.Get("API-Version") != tc.version || page.Count != 6 || page.Next == nil || len(page.Results) != 1 {
			t.Fatalf("%s: page %+v", tc.version, page)
		}
		d := page.Results[0]
		has := func(k string) bool { _, ok := d[k]; return ok }
		if has("role") != tc.role || has("device_role") != tc.deviceRole || has("display_url") != tc.displayURL {
			t.Errorf("%s: role %v device_role %v display_url %v", tc.version, has("role"), has("device_role"), has("display_url"))
		}
		var ip struct{ Family json.RawMessage }
		if err := json.Unmarshal(d["primary_ip4"], &ip); err != nil {
			t.Fatal(err)
		}
		if (ip.Family[0] == '{') != tc.familyObject {
			t.Errorf("%s: family %s", tc.version, ip.Family)
		}
		if !has("config_context") {
			t.Errorf("%s: config_context missing without exclude", tc.version)
		}
	}
}

func TestTokenChecks(t *testing.T) {
	s, err := Start(Options{Token: V2Token})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for auth, want := range map[string]int{
		"Bearer " + V2Token:        200,
		"Token " + V2Token:         200, // NetBox tells versions by the prefix
		"Bearer nbt_nokey":         403,
		"Token 0123":               403,
		"":                         403,
		"Basic dXNlcjpwYXNz":       403,
		"Bearer " + V2Token + " x": 403,
	} {
		req, _ := http.NewRequest(http.MethodGet, s.URL()+"/api/dcim/devices/", nil)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("%q: %d, want %d", auth, resp.StatusCode, want)
		}
	}
}
