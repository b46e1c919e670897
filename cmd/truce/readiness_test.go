package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Readiness through the CLI on the embedded case: imports of synthetic
// hazard and return files, then the table, the JSON, an earlier record and
// a user's rules file.
func TestReadinessThroughTheCLI(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "truce.db")
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	hz := write("hz.geojson", `{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"area":"AG-01","status":"CHA","date":"2021-02-01","place":"aghdam-district","area_m2":20000,"devices":4},"geometry":null},
{"type":"Feature","properties":{"area":"AG-01","method":"reduced","date":"2021-05-01","place":"aghdam-district","area_m2":15000},"geometry":null}]}`)
	rt := write("rt.csv", "district,round,date,idps,returnees\n#adm2+name+origin,#round+code,#date,#affected+idps,#affected+returnees\naghdam-district,1,2021-03-01,1000,10\n")
	if out := truce(t, 0, "import-hazards", "--db", db, hz); !strings.Contains(out, "2 claims written") {
		t.Errorf("import-hazards: %s", out)
	}
	// DTM returns: the one HXL import, accepted as the readiness view reads them.
	if out := truce(t, 0, "import", "--format", "hxl", "--status", "accepted", "--db", db, rt); !strings.Contains(out, "imported hxl: 1 row, 2 claims (accepted)") {
		t.Errorf("import --format hxl: %s", out)
	}
	truce(t, 3, "import", "--format", "hxl", "--status", "accepted", "--db", db, write("bad.csv", "#adm2+name,#date,#affected+idps\natlantis,2021-01-01,4\n"))

	out := truce(t, 0, "readiness", "--db", db, "--at", "2021-06-01")
	for _, want := range []string{"not ready", "confirmed hazardous area not yet released: 5000 m2 of 20000 m2 remain", "unknown"} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
	var got struct {
		Places []struct {
			Place, Status string
			Facts         map[string]any
		}
	}
	status := func(args ...string) (string, map[string]any) {
		if err := json.Unmarshal([]byte(truce(t, 0, append([]string{"readiness", "--db", db, "--json", "--place", "Aghdam district"}, args...)...)), &got); err != nil {
			t.Fatal(err)
		}
		return got.Places[0].Status, got.Places[0].Facts
	}
	if st, f := status("--at", "2021-06-01"); st != "not_ready" || f["hazard.reduced_m2"] != 15000.0 || f["displaced.best"] != 1000.0 {
		t.Errorf("Aghdam on 2021-06-01: %s %v", st, f)
	}
	if st, _ := status("--at", "2021-06-01", "--known-at", "2000-01-01"); st != "unknown" {
		t.Errorf("as known before any import: %s", st)
	}
	rules := write("rules.json", `{"rules":[{"id":"any-returns","status":"partly_ready","when":{"fact":"returned.best","op":">","value":0},"reason":"{returned.best} back"}]}`)
	if st, _ := status("--at", "2021-06-01", "--rules", rules); st != "partly_ready" {
		t.Errorf("with my rules: %s", st)
	}
	hist := truce(t, 0, "readiness", "--db", db, "--at", "2021-06-01", "--place", "aghdam-district", "--history")
	if !strings.Contains(hist, "2021-02-01  not ready") || !strings.Contains(hist, "2021-05-01  not ready  confirmed hazardous area not yet released: 5000 m2") {
		t.Errorf("history:\n%s", hist)
	}
	truce(t, 2, "readiness", "--db", db, "--history")
	truce(t, 3, "readiness", "--db", db, "--rules", write("bad.json", `{"rules":[{"id":"x","status":"ready","when":{"fact":"nope","op":"exists"},"reason":"r"}]}`))
}
