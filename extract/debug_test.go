package extract

import (
	"encoding/json"
	"fmt"
	"os"
	"testing"

	"truce/ledger"
)

// TestDebugDump prints what a report yields, for working on the rules:
// DUMP=report.txt PUB=2020-12-01 go test -run DebugDump -v ./extract
func TestDebugDump(t *testing.T) {
	f := os.Getenv("DUMP")
	if f == "" {
		t.Skip()
	}
	raw, _ := os.ReadFile(f)
	txt, _, err := Text(f, raw)
	if err != nil {
		t.Fatal(err)
	}
	b := []byte(txt)
	pub, _ := ledger.ParseDate(os.Getenv("PUB"))
	r := testExtractor(t).Extract(string(b), Options{Source: "s", Published: pub})
	for _, c := range r.Claims {
		c.Attributions[0].Quote = ""
		j, _ := json.Marshal(c)
		fmt.Printf("%s\n   %q\n", j, string(b)[c.Attributions[0].Start:c.Attributions[0].End])
	}
	for _, m := range r.Mentions {
		fmt.Printf("mention %+v\n", m)
	}
}
