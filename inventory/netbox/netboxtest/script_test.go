package netboxtest

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

func TestScripts(t *testing.T) {
	cmds := ScriptCommands()
	// get URL fetches with the script's token and CA, and prints the
	// status, and for a page its count, next link and first device.
	cmds["get"] = func(ts *testscript.TestScript, neg bool, args []string) {
		tok, err := os.ReadFile(ts.Getenv("NETBOX_TOKEN_FILE"))
		ts.Check(err)
		pool := x509.NewCertPool()
		if ca := ts.Getenv("NETBOX_CA"); ca != "" {
			pem, err := os.ReadFile(ca)
			ts.Check(err)
			pool.AppendCertsFromPEM(pem)
		}
		c := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
		req, err := http.NewRequest(http.MethodGet, args[0], nil)
		ts.Check(err)
		req.Header.Set("Authorization", "Token "+string(tok[:len(tok)-1]))
		resp, err := c.Do(req)
		ts.Check(err)
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			fmt.Fprintf(ts.Stdout(), "%d\n", resp.StatusCode)
			if !neg && resp.StatusCode != http.StatusTooManyRequests {
				ts.Fatalf("status %d", resp.StatusCode)
			}
			return
		}
		var page struct {
			Count   int
			Next    string
			Results []struct{ Name string }
		}
		ts.Check(json.NewDecoder(resp.Body).Decode(&page))
		fmt.Fprintf(ts.Stdout(), "200 count=%d next=%s first=%s\n", page.Count, page.Next, page.Results[0].Name)
		if neg {
			ts.Fatalf("unexpected success")
		}
	}
	testscript.Run(t, testscript.Params{Dir: "testdata/script", Cmds: cmds})
}
