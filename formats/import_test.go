package formats

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"truce/internal/shared"
	"truce/ledger"
)

func eventsBy(cs []*ledger.Claim) map[string]*ledger.Claim {
	out := map[string]*ledger.Claim{}
	for _, c := range cs {
		if c.Event != nil {
			out[c.Event.ExternalID] = c
		}
	}
	return out
}

func TestImportACLEDSmall(t *testing.T) {
	m := newMonitor(t)
	path := data(t, "acled", "acledR_acled_old_dummy_ARG_2022-06.csv")
	res := importFile(t, m, "", path) // format detected from the header
	if res.Format != ACLED || res.Rows != 326 {
		t.Fatalf("format %s, %d rows; want acled, 326", res.Format, res.Rows)
	}
	cs := allClaims(t, m)
	if len(cs) != 326 {
		t.Fatalf("%d claims, want 326", len(cs))
	}
	var deaths float64
	june0, june1 := ledger.MustDate("2022-06").First(), ledger.MustDate("2022-06").Last()
	for _, c := range cs {
		if c.Kind != ledger.KindEvent || c.Status != ledger.Candidate || c.Rule != "import:acled" {
			t.Fatalf("claim %+v: want a candidate event from import:acled", c)
		}
		deaths += *c.Event.Fatalities.Best
		if c.Valid.To.Last() < june0 || c.Valid.From.First() > june1 {
			t.Errorf("%s valid %v: want within June 2022", c.Event.ExternalID, c.Valid)
		}
	}
	if deaths != 2 {
		t.Errorf("fatalities sum %v, want 2", deaths)
	}
	// The first row, field by field.
	e := eventsBy(cs)["ARG10607"]
	if e == nil {
		t.Fatal("ARG10607 missing")
	}
	ev := e.Event
	if ev.Type != "Protests" || ev.SubType != "Peaceful protest" || ev.Location != "Comodoro Rivadavia" ||
		ev.Point == nil || ev.Point.Lat != -45.8644 || ev.Point.Lon != -67.4997 || ev.GeoPrec != 1 ||
		!strings.HasPrefix(ev.Notes, "On 30 June 2022, in Comodoro Rivadavia") || e.Valid.From.String() != "2022-06-30" {
		t.Errorf("ARG10607 = %+v", ev)
	}
	if len(ev.Actors) != 5 || ev.Roles[0] != "actor1" || ev.Roles[1] != "assoc_actor_1" {
		t.Errorf("ARG10607 actors %v roles %v: want actor1 and 4 associated actors", ev.Actors, ev.Roles)
	}
	a, ok := m.Gazetteer().Actor(ev.Actors[0])
	if !ok || a.Label != "Protesters (Argentina)" || a.Kind != "protesters" {
		t.Errorf("actor1 = %+v, want Protesters (Argentina) of kind protesters (inter1 6)", a)
	}
	if !strings.Contains(e.Note, "disorder_type: Demostrations") || !strings.Contains(e.Note, "source: Diario El Chubut; Diario Cronica (Argentina)") {
		t.Errorf("note %q: want ACLED's disorder_type (as spelled) and source kept", e.Note)
	}
	// The attribution is the row's bytes in the file.
	raw, _ := os.ReadFile(path)
	at := e.Attributions[0]
	row := string(raw[at.Start:at.End])
	if !strings.HasPrefix(row, `"ARG10607",2022-06-30`) || !strings.HasSuffix(row, "1657041386\n") {
		t.Errorf("span [%d,%d) = %q: want the row", at.Start, at.End, trunc(row, 60))
	}
	src, err := m.Store.Source(context.Background(), at.Source)
	if err != nil || src.Kind != "dataset" || src.Publisher != "ACLED" || src.TextHash != "" {
		t.Errorf("source %+v, %v: want one dataset source without text", src, err)
	}
	// Importing the same file again is refused rather than doubling claims.
	if _, err := Import(context.Background(), m, "", path, Options{}); err == nil {
		t.Error("second import of the same file: no error")
	}
}

func TestImportACLEDGlobalWithPolygons(t *testing.T) {
	m := newMonitor(t)
	importFile(t, m, GeoJSON, data(t, "boundaries", "cgaz_AZE2.geojson"))
	importFile(t, m, GeoJSON, data(t, "boundaries", "cgaz_ARM.geojson"))
	// A place known by name wins over polygons: Yerevan is a marz of the
	// ARM file; Baku is only known as a point here.
	writePlaces(t, m, ledger.Place{ID: "baku-city", Kind: "settlement", Label: "Baku", Names: []ledger.Name{{Name: "Baku"}}})
	res := importFile(t, m, ACLED, data(t, "acled", "acledR_acled_old_deletion_dummy_global_2022H1.csv"))
	if res.Rows != 9000 {
		t.Fatalf("%d rows, want 9000", res.Rows)
	}
	cs := allClaims(t, m)
	var deaths float64
	disorder := map[string]int{}
	arm, aze := 0, 0
	for _, c := range cs {
		deaths += *c.Event.Fatalities.Best
		disorder[noteValues(c.Note)["disorder_type"]]++
		switch {
		case strings.HasPrefix(c.Event.ExternalID, "ARM"):
			arm++
		case strings.HasPrefix(c.Event.ExternalID, "AZE"):
			aze++
		}
	}
	if len(cs) != 9000 || deaths != 4568 || arm != 14 || aze != 14 {
		t.Errorf("%d claims, %v fatalities, %d ARM, %d AZE; want 9000, 4568, 14, 14", len(cs), deaths, arm, aze)
	}
	if disorder["Demostrations"] != 4978 || disorder["Political violence"] != 3379 || disorder["Strategic developments"] != 643 {
		t.Errorf("disorder types %v: want ACLED's own (misspelt) values kept", disorder)
	}
	ev := eventsBy(cs)
	tests := []struct{ id, place string }{
		{"AZE17632", "kalbajar-district"}, // Zivel, admin1 Kelbecer: by polygon
		{"AZE17527", "agdam-district"},    // Karadagly
		// Stepanakert: ACLED's point lies just west of CGAZ's five-vertex box
		// for Khankendi City, so the district holds it.
		{"AZE17562", "khojaly-district"},
		{"AZE17550", "baku-city"}, // by name
		{"ARM5570", "ararat"},     // Marmarashen
		{"ARM5676", "shirak"},     // Gyumri
	}
	for _, tt := range tests {
		if got := ev[tt.id].Event.Place; got != tt.place {
			t.Errorf("%s (%s) placed in %q, want %q", tt.id, ev[tt.id].Event.Location, got, tt.place)
		}
	}
	if !strings.Contains(strings.Join(res.Summary, "\n"), "by coordinates into the smallest known polygon") {
		t.Errorf("summary %q does not say events were placed by polygon", res.Summary)
	}
}

func TestImportUCDP(t *testing.T) {
	t.Run("GED23", func(t *testing.T) {
		m := newMonitor(t)
		res := importFile(t, m, "", data(t, "ucdp", "uncertainUCDP_ucdpged_sample_GED23.csv"))
		if res.Format != UCDP || res.Rows != 1000 {
			t.Fatalf("format %s, %d rows; want ucdp, 1000", res.Format, res.Rows)
		}
		cs := allClaims(t, m)
		types := map[string]int{}
		var best float64
		for _, c := range cs {
			types[c.Event.SubType]++
			best += *c.Event.Fatalities.Best
		}
		if types["State-based conflict"] != 707 || types["Non-state conflict"] != 133 || types["One-sided violence"] != 160 || best != 9561 {
			t.Errorf("types %v, best sum %v; want 707/133/160 and 9561", types, best)
		}
		c := eventsBy(cs)["300380"]
		e := c.Event
		if c.Valid.From.String() != "2013-01-03" || c.Valid.To.String() != "2013-01-03" || e.GeoPrec != 1 || e.Location != "Rami village" ||
			*e.Fatalities.Low != 2 || *e.Fatalities.High != 2 || e.Type != "Battles" || len(e.Actors) != 2 {
			t.Errorf("event 300380 = %+v valid %v", e, c.Valid)
		}
		// An interval: 1989-05-10 .. 1989-05-16.
		if c := eventsBy(cs)["21300"]; c.Valid.From.String() != "1989-05-10" || c.Valid.To.String() != "1989-05-16" || c.Event.GeoPrec != 4 {
			t.Errorf("event 21300 valid %v, where_prec %d", c.Valid, c.Event.GeoPrec)
		}
		if !strings.Contains(strings.Join(res.Summary, "\n"), "13 rows with low/best/high out of order") {
			t.Errorf("summary %q: want the 13 disordered rows reported", res.Summary)
		}
	})
	t.Run("GED191", func(t *testing.T) {
		m := newMonitor(t)
		writePlaces(t, m,
			ledger.Place{ID: "mmr", Kind: "country", Label: "Myanmar", Names: []ledger.Name{{Name: "Myanmar (Burma)"}}},
			ledger.Place{ID: "bgd", Kind: "country", Label: "Bangladesh", Names: []ledger.Name{{Name: "Bangladesh"}}})
		path := data(t, "ucdp", "hdx-scraper-ucdp_ged191_subset.csv")
		res := importFile(t, m, UCDP, path)
		cs := allClaims(t, m)
		by := map[string]int{}
		for _, c := range cs {
			by[c.Event.Place]++
		}
		if res.Rows != 3194 || len(cs) != 3194 || by["mmr"] != 2593 || by["bgd"] != 601 {
			t.Errorf("%d rows, %d claims, places %v; want 3194, Myanmar 2593, Bangladesh 601", res.Rows, len(cs), by)
		}
		// Low, best, high come by name in this layout's order.
		c := eventsBy(cs)["209406"]
		if *c.Event.Fatalities.Low != 0 || *c.Event.Fatalities.Best != 2 || *c.Event.Fatalities.High != 24 {
			t.Errorf("209406 fatalities %+v, want 0/2/24", c.Event.Fatalities)
		}
		// A quoted field over three lines stays inside the row's span.
		raw, _ := os.ReadFile(path)
		a := c.Attributions[0]
		if row := string(raw[a.Start:a.End]); !strings.HasPrefix(row, "209406,2015") || !strings.Contains(row, "Myawaddy TV\nMNDAA spokesperson") {
			t.Errorf("span of 209406 = %q", trunc(row, 80))
		}
	})
}

func TestImportHXL(t *testing.T) {
	t.Run("IDMC", func(t *testing.T) {
		m := newMonitor(t)
		res := importFile(t, m, "", data(t, "hxl", "idmc_displacement_data_hxl.csv"))
		if res.Format != HXL || res.Rows != 1965 {
			t.Fatalf("format %s, %d rows; want hxl, 1965", res.Format, res.Rows)
		}
		cs := allClaims(t, m)
		var aze2020 *ledger.Claim
		armYears := map[int]bool{}
		for _, c := range cs {
			f := c.Figure
			if f.Place == "azerbaijan" && f.Metric == "idps+stock+conflict" && c.Valid.From.Y == 2020 {
				aze2020 = c
			}
			if f.Place == "armenia" {
				armYears[c.Valid.From.Y] = true
			}
		}
		if aze2020 == nil || *aze2020.Figure.Best != 735000 || aze2020.Valid.From != ledger.MustDate("2020") || aze2020.Valid.From.Prec != ledger.PrecYear {
			t.Fatalf("Azerbaijan 2020 conflict IDP stock = %+v; want 735000 for the year 2020", aze2020)
		}
		// Armenia's rows run 2009-2021; 2017 and 2018 have no figures, 2019 no row.
		if len(armYears) != 10 || !armYears[2009] || !armYears[2021] || armYears[2017] {
			t.Errorf("Armenia years %v: want 2009-2016, 2020, 2021", armYears)
		}
		p, ok := m.Gazetteer().Place("azerbaijan")
		if !ok || p.Kind != "country" || len(p.Names) != 2 || p.Names[1].Name != "AZE" {
			t.Errorf("created place %+v: want country Azerbaijan with code AZE", p)
		}
		if id, _ := m.Gazetteer().FindPlace("AZE"); id != "azerbaijan" {
			t.Errorf("AZE finds %q", id)
		}
		if !strings.Contains(strings.Join(res.Summary, "\n"), "created 204 countries") {
			t.Errorf("summary %q: want the created countries said", res.Summary)
		}
	})
	t.Run("UCDP on HDX", func(t *testing.T) {
		m := newMonitor(t)
		res := importFile(t, m, HXL, data(t, "hxl", "hdx-scraper-ucdp_conflict_data_BGD.csv"))
		cs := allClaims(t, m)
		regions, country := map[string]bool{}, 0
		for _, c := range cs {
			if c.Figure.Metric != "fatalities" {
				t.Fatalf("metric %q, want fatalities", c.Figure.Metric)
			}
			if c.Figure.Place == "bangladesh" {
				country++
			} else {
				regions[c.Figure.Place] = true
			}
		}
		if res.Rows != 601 || len(cs) != 601 || country != 20 || len(regions) != 8 {
			t.Errorf("%d rows, %d figures, %d at country level, regions %v; want 601, 601, 20, 8 divisions", res.Rows, len(cs), country, regions)
		}
		// "Barisal Division" and "Barisāl Division" are one place.
		if !regions["barisal-division"] || regions["barisal-division-2"] {
			t.Errorf("regions %v: want one Barisal Division", regions)
		}
		first := eventsOrFigure(cs, "2013-12-13")
		if first == nil || first.Valid.To.String() != "2013-12-14" || *first.Figure.Best != 1 {
			t.Errorf("first row figure %+v: want 1 killed, 2013-12-13..14", first)
		}
	})
}

func eventsOrFigure(cs []*ledger.Claim, from string) *ledger.Claim {
	for _, c := range cs {
		if c.Valid.From.String() == from {
			return c
		}
	}
	return nil
}

func TestImportGeoJSON(t *testing.T) {
	m := newMonitor(t)
	res := importFile(t, m, "", data(t, "boundaries", "cgaz_AZE2.geojson"))
	if res.Format != GeoJSON || res.Rows != 79 || len(res.Batch.Places) != 78 {
		t.Fatalf("format %s, %d features, %d places; want geojson, 79, 78 (Lankaran District twice)", res.Format, res.Rows, len(res.Batch.Places))
	}
	l, ok := m.Gazetteer().Place("lankaran-district")
	if !ok || !strings.Contains(string(l.Geometry), `"MultiPolygon"`) {
		t.Errorf("Lankaran District: want its two features merged into a MultiPolygon")
	}
	lachin, _ := m.Place("Lachin District")
	if lachin.Point == nil || lachin.Point.Lon < 46 || lachin.Point.Lon > 47 || lachin.Kind != "area" {
		t.Errorf("Lachin District = %+v: want a representative point inside it", lachin)
	}
	// ADM1 over ADM2: a point goes to the smallest polygon holding it.
	res, err := Import(context.Background(), m, GeoJSON, data(t, "boundaries", "cgaz_AZE.geojson"), Options{PlaceKind: "region"})
	if err != nil || res.Rows != 2 {
		t.Fatalf("cgaz_AZE: %v, %d features; want 2", err, res.Rows)
	}
	if p, _ := m.Place("Nakhchivan Autonomous Republic"); p.Kind != "region" {
		t.Errorf("Nakhchivan = %+v, want a region (--kind)", p)
	}
	r := newResolver(m.Gazetteer(), m.Places(), nil)
	if got := r.locate(&ledger.Point{Lon: 46.55, Lat: 39.64}); got != "lachin-district" {
		t.Errorf("Lachin town located in %q, want lachin-district rather than Contiguous Azerbaijan", got)
	}
	if got := r.locate(&ledger.Point{Lon: 49.87, Lat: 40.41}); got == "contiguous-azerbaijan" || got == "" {
		t.Errorf("Baku located in %q, want its ADM2 unit", got)
	}
	// A known place gains the geometry as a new version, keeping its names.
	m2 := newMonitor(t)
	writePlaces(t, m2, ledger.Place{ID: "ararat", Kind: "region", Label: "Ararat", Names: []ledger.Name{{Name: "Ararat"}, {Name: "Արարատ", Lang: "hy"}}})
	res = importFile(t, m2, GeoJSON, data(t, "boundaries", "geoBoundaries-ARM-ADM1_simplified.geojson"))
	p, _ := m2.Gazetteer().Place("ararat")
	if len(p.Names) != 2 || len(p.Geometry) == 0 || len(m2.Places()) != 11 {
		t.Errorf("Ararat = %+v (%d places): want the known place with its names and the new geometry", p, len(m2.Places()))
	}
	syunik, _ := m2.Gazetteer().Place("syunik")
	if syunik.Kind != "region" || syunik.Names[1].Name != "AM-SU" {
		t.Errorf("Syunik = %+v: want a region (shapeType ADM1) with its ISO code", syunik)
	}
}

// ACLED revises rows after publication under the same event id: a newer
// export of the same events supersedes what changed and leaves out the rest.
func TestImportRevisedACLED(t *testing.T) {
	m := newMonitor(t)
	path := data(t, "acled", "acledR_acled_old_dummy_ARG_2022-06.csv")
	importFile(t, m, ACLED, path)
	raw, _ := os.ReadFile(path)
	// ARG10626 gains a fatality; every other row is as before.
	i := bytes.Index(raw, []byte(`"ARG10626"`))
	j := i + bytes.Index(raw[i:], []byte("\n"))
	row := raw[i:j]
	k := bytes.LastIndex(row, []byte(`,0,"",`))
	revised := append(append(append([]byte{}, raw[:i]...), row[:k]...), []byte(`,1,"",`)...)
	revised = append(append(revised, row[k+len(`,0,"",`):]...), raw[j:]...)
	newer := filepath.Join(t.TempDir(), "newer.csv")
	os.WriteFile(newer, revised, 0o644)
	res := importFile(t, m, ACLED, newer)
	if len(res.Batch.Claims) != 1 {
		t.Fatalf("%d claims from the newer export, want the 1 revised row; summary %q", len(res.Batch.Claims), res.Summary)
	}
	c := res.Batch.Claims[0]
	old := eventsBy(allClaims(t, m)[:326])["ARG10626"]
	if c.Event.ExternalID != "ARG10626" || *c.Event.Fatalities.Best != 1 || c.Supersedes != old.ID {
		t.Errorf("revision %+v supersedes %q; want ARG10626 with 1 fatality superseding %s", c.Event, c.Supersedes, old.ID)
	}
	if s := strings.Join(res.Summary, "\n"); !strings.Contains(s, "1 row revise") || !strings.Contains(s, "325 rows unchanged") {
		t.Errorf("summary %q", s)
	}
	// One id twice in a file is refused, naming both lines.
	dup := filepath.Join(t.TempDir(), "dup.csv")
	first := bytes.Index(raw, []byte("\n")) + 1
	second := first + bytes.Index(raw[first:], []byte("\n")) + 1
	os.WriteFile(dup, append(append([]byte{}, raw[:second]...), raw[first:second]...), 0o644)
	_, err := Import(context.Background(), newMonitor(t), ACLED, dup, Options{})
	if err == nil || !strings.Contains(err.Error(), dup+`:3: column event_id_cnty: event id "ARG10607" appears again (first on line 2)`) {
		t.Errorf("duplicate id: %v", err)
	}
}

func TestDetect(t *testing.T) {
	for file, want := range map[string]string{
		"acled/acledR_acled_old_dummy_ARG_2022-06.csv":            ACLED,
		"acled/acledR_acled_old_deletion_dummy_global_2022H1.csv": ACLED,
		"ucdp/uncertainUCDP_ucdpged_sample_GED23.csv":             UCDP,
		"ucdp/hdx-scraper-ucdp_ged191_subset.csv":                 UCDP,
		"hxl/idmc_displacement_data_hxl.csv":                      HXL,
		"hxl/hdx-scraper-ucdp_conflict_data_BGD.csv":              HXL, // UCDP columns, but HXL-tagged
		"boundaries/cgaz_AZE2.geojson":                            GeoJSON,
		"boundaries/cgaz_AZE.geojson":                             GeoJSON,
		"boundaries/cgaz_ARM.geojson":                             GeoJSON,
		"boundaries/geoBoundaries-ARM-ADM1_simplified.geojson":    GeoJSON,
	} {
		b, err := os.ReadFile(data(t, strings.Split(file, "/")...))
		if err != nil {
			t.Fatal(err)
		}
		if got, err := Detect(b); got != want {
			t.Errorf("%s: detected %q (%v), want %s", file, got, err, want)
		}
	}
	if _, err := Detect([]byte("name,value\nx,1\n")); err == nil {
		t.Error("a plain CSV: no error")
	}
}

// TestReadEmits reads a real 9,000-row ACLED file as an import on
// PostgreSQL does: claims go to Emit in runs, carry the file's source, and
// are not kept in the batch, which holds only what came after the last run.
func TestReadEmits(t *testing.T) {
	m := newMonitor(t)
	var runs, emitted int
	res, err := Read(context.Background(), m, "", shared.Path(t, "data", "acled", "acledR_acled_old_deletion_dummy_global_2022H1.csv"),
		Options{Emit: func(cs []*ledger.Claim) error {
			runs++
			emitted += len(cs)
			for _, c := range cs {
				if c.Attributions[0].Source == "" || c.Event == nil {
					t.Fatalf("emitted claim without its source or event: %+v", c)
				}
			}
			return nil
		}})
	if err != nil {
		t.Fatal(err)
	}
	if runs < 2 || res.Claims != 9000 || emitted+len(res.Batch.Claims) != 9000 || len(res.Batch.Claims) >= 4096 {
		t.Fatalf("%d runs, %d claims emitted, %d kept, %d in all", runs, emitted, len(res.Batch.Claims), res.Claims)
	}
}
