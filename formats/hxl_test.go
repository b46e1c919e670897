package formats

import (
	"os"
	"path/filepath"
	"testing"

	"truce/ledger"
)

func TestHXLMetrics(t *testing.T) {
	tests := []struct{ tag, metric, bound string }{
		{"#affected+idps", "idps", ""},
		{"#affected+idps+ind+stock+conflict", "idps+stock+conflict", ""},
		{"#affected +displaced", "displaced", ""},
		{"#affected+returnees+ind", "returned", ""},
		{"#affected+refugees", "refugees", ""},
		{"#affected+killed", "fatalities", ""},
		{"#affected+killed+min", "fatalities", "min"},
		{"#population+total", "population+total", ""},
		{"#indicator+num+peacekeepers", "peacekeepers", ""},
		{"#affected+infected", "", ""}, // not a figure truce reads
		{"#country+code", "", ""},
	}
	for _, tt := range tests {
		tg, _ := parseTag(tt.tag)
		m, b, ok := hxlMetric(tg)
		if m != tt.metric || b != tt.bound || ok != (tt.metric != "") {
			t.Errorf("%s: metric %q bound %q ok %v; want %q %q", tt.tag, m, b, ok, tt.metric, tt.bound)
		}
		if ok { // export writes a tag that reads back as the same metric
			back, _ := parseTag(metricTag(m, b))
			if m2, b2, _ := hxlMetric(back); m2 != m || b2 != b {
				t.Errorf("%s: metric %q exported as %s reads back as %q %q", tt.tag, m, metricTag(m, b), m2, b2)
			}
		}
	}
}

// TestHXLDatesAndRounds: date precision kept, #date+reported when nothing
// else, #round+code, ranges from +min/+max, new regions under new countries.
func TestHXLDatesAndRounds(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dtm.csv")
	os.WriteFile(path, []byte("Country,ISO3,Province,Round,Reported,Returnees,IDPs min,IDPs max\n"+
		"#country+name,#country+code,#adm1+name,#round+code,#date+reported,#affected+returnees,#affected+idps+min,#affected+idps+max\n"+
		"Azerbaijan,AZE,Fuzuli,R1,2021-03,\"1,200\",40000,45000\n"+
		"Azerbaijan,AZE,Füzuli,R2,2021-09-30,2500,,\n"), 0o644)
	m := newMonitor(t)
	res := importFile(t, m, "", path)
	cs := allClaims(t, m)
	if len(cs) != 3 || len(res.Batch.Places) != 2 {
		t.Fatalf("%d figures, %d places; want 3 figures, a country and one region", len(cs), len(res.Batch.Places))
	}
	r1, idps, r2 := cs[0].Figure, cs[1].Figure, cs[2].Figure
	if r1.Metric != "returned" || *r1.Best != 1200 || r1.Round != "R1" || cs[0].Valid.From != ledger.MustDate("2021-03") {
		t.Errorf("first figure %+v valid %v", r1, cs[0].Valid)
	}
	if idps.Metric != "idps" || idps.Best != nil || *idps.Low != 40000 || *idps.High != 45000 {
		t.Errorf("range figure %+v", idps)
	}
	region, _ := m.Gazetteer().Place(r1.Place)
	if r2.Place != r1.Place || region.Kind != "region" || region.Parent != "azerbaijan" {
		t.Errorf("places %q and %q (%+v): want one region Fuzuli under Azerbaijan", r1.Place, r2.Place, region)
	}
}
