package templates
import ("os";"testing")
func TestZZOne(t *testing.T) {
	lib, _ := NewLibrary(Options{})
	raw, _ := os.ReadFile(os.Getenv("RAW"))
	res, _, err := lib.Parse(os.Getenv("PLAT"), os.Getenv("CMD"), string(raw))
	if err != nil { t.Fatal(err) }
	for _, r := range res.Records { t.Log(r) }
}
