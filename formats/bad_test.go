package formats

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"truce/ledger"
)

// goodACLED is a small valid ACLED file whose second row's notes span two
// lines, so that file lines and row numbers differ.
func goodACLED() []string {
	h := strings.Join(ACLEDColumns, ",")
	row := func(id, date, lat, notes string) string {
		return id + "," + date + ",2022,1,Political violence,Battles,Armed clash,Military Forces of Armenia (2018-),,State forces," +
			"Military Forces of Azerbaijan (2003-),,State forces,State forces-State forces,,31,Caucasus and Central Asia,Azerbaijan," +
			"Kelbecer,,,Zivel," + lat + ",45.9436,1,Defence Ministry of Azerbaijan,National,\"" + notes + "\",0,,1657041386"
	}
	return []string{h,
		row("AZE1", "2022-06-19", "39.9791", "Fighting near Zivel."),      // line 2
		row("AZE2", "2022-06-20", "39.9791", "Shelling;\nno casualties."), // lines 3-4
		row("AZE3", "2022-06-21", "39.9791", "Shots fired."),              // line 5
	}
}

func TestBadFilesAreRefusedWhole(t *testing.T) {
	good := goodACLED()
	join := func(rows ...string) string { return strings.Join(rows, "\n") + "\n" }
	ucdpHead := "id,year,type_of_violence,side_a,side_b,where_prec,where_coordinates,adm_1,adm_2,latitude,longitude,country,date_prec,date_start,date_end,low,best,high"
	ucdpRow := func(id, start, end string) string {
		return id + ",2020,1,Government of Azerbaijan,Government of Armenia,1,Talysh village,Tartar,,40.34,46.57,Azerbaijan,1," + start + "," + end + ",1,2,3"
	}
	tests := []struct {
		name, format, file, content string
		want                        string // expected start of the error after the file name
	}{
		{"missing column", ACLED, "cols.csv", join(strings.Replace(good[0], "event_date,", "", 1), good[1]),
			":1: missing ACLED column(s) event_date"},
		{"older export without optional columns", ACLED, "old.csv", join(strings.Replace(good[0], "time_precision,", "", 1), strings.Replace(good[1], ",2022,1,", ",2022,", 1), "AZE9,2022-06-19,2022"),
			":3: row has 3 fields, want 30"},
		{"bad date", ACLED, "date.csv", join(good[0], good[1], good[2], strings.Replace(good[3], "2022-06-21", "2022-13-45", 1)),
			`:5: column event_date: "2022-13-45": want a date`},
		{"bad latitude", ACLED, "lat.csv", join(good[0], good[1], strings.Replace(good[2], "39.9791", "95.2", 1), good[3]),
			`:3: column latitude: "95.2": want a latitude`},
		{"latitude not a number", ACLED, "latnan.csv", join(good[0], strings.Replace(good[1], "39.9791", "39,97", 1)),
			`:2: row has 32 fields, want 31`},
		{"invalid UTF-8", ACLED, "latin1.csv", join(good[0], good[1], good[2], strings.Replace(good[3], "Shots", "Tir\xe9s", 1)),
			":5: column notes: invalid UTF-8"},
		{"truncated in a quoted field", ACLED, "cut.csv", join(good[0], good[1], good[2]) + good[3][:len(good[3])-20],
			":5: a quoted field is not closed before the end of the file: the file is truncated"},
		{"short row", ACLED, "short.csv", join(good[0], good[1], good[2], good[3][:strings.LastIndex(good[3], ",0,,")]),
			":5: row has 28 fields, want 31"},
		{"bad time precision", ACLED, "prec.csv", join(good[0], strings.Replace(good[1], ",2022,1,", ",2022,7,", 1)),
			`:2: column time_precision: "7": want 1, 2 or 3`},
		{"UCDP end before start", UCDP, "ged.csv", join(ucdpHead, ucdpRow("1", "2020-09-27", "2020-09-28"), ucdpRow("2", "2020-10-05", "2020-10-01")),
			`:3: column date_end: "2020-10-01" is before date_start`},
		{"UCDP bad longitude", UCDP, "gedlon.csv", join(ucdpHead, strings.Replace(ucdpRow("1", "2020-09-27", "2020-09-28"), "46.57", "246.57", 1)),
			`:2: column longitude: "246.57": want a longitude`},
		{"HXL not a number", HXL, "idps.csv", join("Country,Year,IDPs", "#country+name,#date+year,#affected+idps", "Azerbaijan,2020,735000", "Armenia,2021,about 800"),
			`:4: column IDPs: "about 800": want a number`},
		{"HXL bad year", HXL, "year.csv", join("Country,Year,IDPs", "#country+name,#date+year,#affected+idps", "Armenia,20X1,800"),
			`:3: column Year: "20X1": want a date`},
		{"HXL without hashtags", HXL, "plain.csv", join("Country,Year,IDPs", "Armenia,2021,800"),
			":1: no HXL hashtag row"},
		// DTM-style files (formerly truce import-returns).
		{"HXL no hashtags, no header", HXL, "ab.csv", "a,b\n1,2\n", ":1: no HXL hashtag row"},
		{"HXL no count column", HXL, "nocount.csv", "#adm1+name,#date\nNorth,2021-01-01\n", ":1: no figure column"},
		{"HXL bad count", HXL, "many.csv", "#adm1+name,#date,#affected+returnees\nNorth,2021-01-01,many\n",
			`:2: column #affected+returnees: "many": want a number >= 0`},
		{"HXL negative count", HXL, "neg.csv", "#adm1+name,#date,#affected+returnees\nNorth,2021-01-01,-3\n",
			`:2: column #affected+returnees: "-3": want a number >= 0`},
		{"HXL day-first date", HXL, "dmy.csv", "#adm1+name,#date,#affected+idps\nNorth,15/01/2021,3\n",
			`:2: column #date: "15/01/2021": want a date`},
		{"HXL open quote", HXL, "quote.csv", "#adm1+name,#date,#affected+idps\nNorth,2021-01-01,\"3\n",
			`:2: a quoted field is not closed`},
		{"HXL unknown place, no scope", HXL, "atlantis.csv", "#adm2+name+origin,#date,#affected+idps\nAtlantis,2021-01-01,4\n",
			`:2: column #adm2+name+origin: "Atlantis" is not a known place and the row names no #adm1+name or #country`},
		{"GeoJSON bad coordinates", GeoJSON, "bad.geojson", `{"type": "FeatureCollection", "features": [
  {"type": "Feature", "properties": {"name": "Good"}, "geometry": {"type": "Point", "coordinates": [46.7, 39.8]}},
  {"type": "Feature", "properties": {"name": "Bad"},
   "geometry": {"type": "Polygon", "coordinates": [[[46, 39], [246, 39], [46, 40], [46, 39]]]}}
]}`, `:3: column feature 2 (Bad): polygon 1 ring 1 position 2: longitude 246`},
		{"GeoJSON not closed", GeoJSON, "open.geojson", "{\"type\": \"FeatureCollection\", \"features\": [\n {\"type\": \"Feature\",",
			":1: not a GeoJSON object"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := newMonitor(t)
			path := filepath.Join(t.TempDir(), tt.file)
			if err := os.WriteFile(path, []byte(tt.content), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := Import(context.Background(), m, tt.format, path, Options{})
			if err == nil {
				t.Fatalf("import of %s: no error", tt.file)
			}
			var fe *Error
			if !errors.As(err, &fe) || !errors.Is(err, ledger.ErrInvalid) {
				t.Errorf("error %v (%T): want a *formats.Error wrapping ErrInvalid", err, err)
			}
			if !strings.HasPrefix(err.Error(), path+tt.want) {
				t.Errorf("error\n  %v\nwant prefix\n  %s%s", err, path, tt.want)
			}
			// Nothing of the file was written: no claims, actors, places or sources.
			srcs, _ := m.Store.Sources(context.Background())
			if n := len(allClaims(t, m)); n != 0 || len(m.Actors()) != 0 || len(m.Places()) != 0 || len(srcs) != 0 {
				t.Errorf("after a refused file: %d claims, %d actors, %d places, %d sources; want none", n, len(m.Actors()), len(m.Places()), len(srcs))
			}
		})
	}
	// The good file itself imports, with the right lines for its rows.
	m := newMonitor(t)
	path := filepath.Join(t.TempDir(), "good.csv")
	os.WriteFile(path, []byte(join(good...)), 0o644)
	if res := importFile(t, m, "", path); res.Rows != 3 || len(allClaims(t, m)) != 3 {
		t.Errorf("good file: %d rows", res.Rows)
	}
}
