package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"truce/internal/testledger"

	"truce/internal/shared"
	"truce/ledger"
	"truce/store/storetest"
	"truce/web"
)

// extraPlaces is how many generated grid places the OGC ledger adds, so
// that paging runs over several pages.
const extraPlaces = 30

// ogcServer is a real server over a real SQLite ledger with points, a
// polygon, control and presence, and events (placed by coordinates, by
// their place's point, and one restricted).
func ogcServer(t *testing.T) *httptest.Server {
	t.Helper()
	ctx := context.Background()
	m := testledger.Open(t)
	b := storetest.Fixture()
	for i := range b.Places {
		switch b.Places[i].ID {
		case "kalbajar":
			b.Places[i].Geometry = []byte(`{"type":"Polygon","coordinates":[[[45.6,39.9],[46.6,39.9],[46.6,40.4],[45.6,40.4],[45.6,39.9]]]}`)
			b.Places[i].Attribution = "boundary: test polygon"
		case "hadrut":
			b.Places[i].Point = &ledger.Point{Lon: 46.98, Lat: 39.52}
		}
	}
	for i := range extraPlaces {
		b.Places = append(b.Places, ledger.Place{ID: fmt.Sprintf("grid%02d", i), Kind: "settlement", Label: fmt.Sprintf("Grid %d", i),
			Names: []ledger.Name{{Name: fmt.Sprintf("Grid %d", i), Lang: "en"}}, Point: &ledger.Point{Lon: 10 + float64(i)/10, Lat: 10}})
	}
	att := []ledger.Attribution{{Source: "wire", Start: 0, End: 47}}
	claim := func(id, kind, from string) *ledger.Claim {
		return &ledger.Claim{ID: id, Kind: kind, Valid: ledger.Interval{From: ledger.MustDate(from)}, Attributions: att,
			RecordedBy: "t", Status: ledger.Accepted, Credibility: 2}
	}
	c0 := claim("c0", ledger.KindControl, "1993-07")
	c0.Control = &ledger.Control{Place: "aghdam", Actor: "arm", Mode: "capture"}
	c1 := claim("c1", ledger.KindControl, "2020-11-20")
	c1.Control = &ledger.Control{Place: "aghdam", Actor: "aze", Mode: "handover"}
	c2 := claim("c2", ledger.KindControl, "2020-11-25")
	c2.Control = &ledger.Control{Place: "kalbajar", Actor: "aze", Mode: "handover"}
	c3 := claim("c3", ledger.KindControl, "2020-11-25")
	c3.Control = &ledger.Control{Place: "kalbajar", Actor: "arm", Mode: "capture"}
	c3.AssertedBy = "arm"
	c3.Valid.To = ledger.MustDate("2020-12-31") // explicitly asserted through: a dispute
	p1 := claim("p1", ledger.KindPresence, "2020-11-10")
	p1.Presence = &ledger.Presence{Place: "kalbajar", Actor: "rpk", Role: "peacekeeping"}
	best := 2.0
	e1 := claim("e1", ledger.KindEvent, "2020-11-12")
	e1.Event = &ledger.Event{Type: "Battles", Place: "hadrut", Point: &ledger.Point{Lon: 46.9, Lat: 39.5}, Actors: []string{"aze", "arm"},
		Fatalities: &ledger.Range{Best: &best}}
	e2 := claim("e2", ledger.KindEvent, "2020-12-03")
	e2.Event = &ledger.Event{Type: "Explosions/Remote violence", Place: "aghdam"}
	e3 := claim("e3", ledger.KindEvent, "2020-12-04")
	e3.Event = &ledger.Event{Type: "Battles", Place: "aghdam", Point: &ledger.Point{Lon: 46.8, Lat: 40.0}}
	e3.Restricted = true
	b.Claims = append(b.Claims, c0, c1, c2, c3, p1, e1, e2, e3)
	if err := m.Write(ctx, b); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(web.New(m, slog.New(slog.NewTextHandler(io.Discard, nil))))
	t.Cleanup(srv.Close)
	return srv
}

type fc struct {
	Type           string `json:"type"`
	NumberMatched  int    `json:"numberMatched"`
	NumberReturned int    `json:"numberReturned"`
	Features       []struct {
		ID         json.Number     `json:"id"`
		Geometry   json.RawMessage `json:"geometry"`
		Properties map[string]any  `json:"properties"`
	} `json:"features"`
	Links []struct{ Href, Rel, Type string } `json:"links"`
}

func fetch(t *testing.T, url string) (*http.Response, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

func TestOGCResources(t *testing.T) {
	srv := ogcServer(t)
	for _, tc := range []struct {
		path   string
		status int
		ctype  string
		want   []string // substrings of the body
	}{
		{"/ogc", 200, "application/json", []string{`"rel":"service-desc"`, `"type":"application/vnd.oai.openapi+json;version=3.0"`, `"rel":"conformance"`, `"rel":"data"`, srv.URL + "/ogc/collections"}},
		{"/ogc/", 200, "application/json", []string{`"rel":"self"`}},
		{"/ogc/api", 200, "application/vnd.oai.openapi+json;version=3.0", []string{`"openapi":"3.0.3"`, `"/collections/{collectionId}/items"`, `"maximum":10000`}},
		{"/ogc/conformance", 200, "application/json", []string{"/conf/core", "/conf/oas30", "/conf/geojson"}},
		{"/ogc/collections", 200, "application/json", []string{`"id":"places"`, `"id":"control"`, `"id":"events"`, `"rel":"items","type":"application/geo+json"`, `"bbox":[[10,`}},
		{"/ogc/collections/control", 200, "application/json", []string{`"id":"control"`, `"interval":[["1993-07-01T00:00:00Z",null]]`}},
		{"/ogc/collections/control-2020-11-19", 200, "application/json", []string{`"id":"control-2020-11-19"`, `"interval":[["2020-11-19T00:00:00Z","2020-11-19T00:00:00Z"]]`, "/ogc/collections/control-2020-11-19/items"}},
		{"/ogc/collections/control-2020-11-19/items", 200, "application/geo+json", []string{`"controller":"arm"`, `"date":"2020-11-19"`}},
		{"/ogc/collections/control-2020-11-19/items?datetime=2020-11-21", 200, "application/geo+json", []string{`"controller":"aze"`}},
		{"/ogc/collections/control-2020-11-19/items/aghdam", 200, "application/geo+json", []string{`"controller":"arm"`}},
		{"/ogc/collections/control-2020-13-01", 404, "application/problem+json", []string{"want YYYY-MM-DD"}},
		{"/ogc/collections/rivers", 404, "application/problem+json", []string{`collection \"rivers\"`}},
		{"/ogc/collections/places/items?colour=red", 400, "application/problem+json", []string{`unknown query parameter \"colour\"`}},
		{"/ogc/collections/places/items?limit=0", 400, "application/problem+json", []string{"limit"}},
		{"/ogc/collections/places/items?bbox=1,2,3", 400, "application/problem+json", []string{"bbox"}},
		{"/ogc/collections/events/items?datetime=2020-13-01", 400, "application/problem+json", []string{"datetime"}},
		{"/ogc/collections/events/items?datetime=2020-12-01/2020-11-01", 400, "application/problem+json", []string{"start is after the end"}},
		{"/ogc/collections/control/items?datetime=2020-11-01/..", 400, "application/problem+json", []string{"give an instant"}},
		{"/ogc/collections/places/items/atlantis", 404, "application/problem+json", []string{"atlantis"}},
		{"/ogc/collections/places/items/aghdam", 200, "application/geo+json", []string{`"type":"Feature"`, `"names":"Aghdam; Ağdam; Akna"`, `"name_hy":"Akna"`, `"rel":"collection"`}},
		{"/ogc/collections/places/items/kalbajar", 200, "application/geo+json", []string{`"type":"Polygon"`, `"attribution":"boundary: test polygon"`}},
		{"/ogc/collections/control/items/aghdam?datetime=2020-11-19", 200, "application/geo+json", []string{`"controller":"arm"`}},
		{"/ogc/collections/control/items/aghdam?datetime=2020-11-21T10:00:00Z", 200, "application/geo+json", []string{`"controller":"aze"`, `"since":"2020-11-20"`}},
		{"/ogc/collections/control/items/hadrut?datetime=2020-11-21", 404, "application/problem+json", []string{"no control"}},
		{"/ogc/collections/events/items/e1", 200, "application/geo+json", []string{`"located":"coordinates"`, `"fatalities":2`, `"actors":"aze; arm"`}},
		{"/ogc/collections/places/items?bbox-crs=http://www.opengis.net/def/crs/EPSG/0/3857", 400, "application/problem+json", []string{"only http://www.opengis.net/def/crs/OGC/1.3/CRS84"}},
		{"/ogc/collections/places/items?limit=1&crs=http://www.opengis.net/def/crs/OGC/1.3/CRS84", 200, "application/geo+json", []string{`"numberReturned":1`}},
		{"/ogc/collections/places/items/aghdam?limit=3", 400, "application/problem+json", []string{`unknown query parameter \"limit\"`}},
		{"/ogc/collections/events/items/e3", 404, "application/problem+json", []string{"e3"}}, // restricted
	} {
		resp, body := fetch(t, srv.URL+tc.path)
		if resp.StatusCode != tc.status || resp.Header.Get("Content-Type") != tc.ctype {
			t.Errorf("GET %s: %d %s, want %d %s\n%s", tc.path, resp.StatusCode, resp.Header.Get("Content-Type"), tc.status, tc.ctype, body)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(body, w) {
				t.Errorf("GET %s: body lacks %s\n%s", tc.path, w, body)
			}
		}
	}
}

// TestOGCAPIDocument checks the OpenAPI 3.0 document against the routes:
// every /ogc route is documented and every documented path answers.
func TestOGCAPIDocument(t *testing.T) {
	srv := ogcServer(t)
	_, body := fetch(t, srv.URL+"/ogc/api")
	var doc struct {
		Servers []struct{ URL string }    `json:"servers"`
		Paths   map[string]map[string]any `json:"paths"`
	}
	if err := json.Unmarshal([]byte(body), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Servers) != 1 || doc.Servers[0].URL != srv.URL+"/ogc" {
		t.Fatalf("servers: %+v", doc.Servers)
	}
	name := strings.NewReplacer("{id}", "{collectionId}", "{fid}", "{featureId}", "{$}", "")
	for _, p := range web.Routes(srv.Config.Handler) {
		path, ok := strings.CutPrefix(p, "GET /ogc")
		if !ok {
			continue
		}
		if path = name.Replace(path); path == "" {
			path = "/"
		}
		if doc.Paths[path]["get"] == nil {
			t.Errorf("route %s is not in /ogc/api", p)
		}
	}
	samples := map[string][]string{
		"{collectionId}": {"places", "control", "events"},
	}
	features := map[string]string{"places": "aghdam", "control": "aghdam?datetime=2020-11-26", "events": "e1"}
	for path := range doc.Paths {
		for _, c := range samples["{collectionId}"] {
			u := strings.Replace(path, "{collectionId}", c, 1)
			u = strings.Replace(u, "{featureId}", features[c], 1)
			if resp, body := fetch(t, srv.URL+"/ogc"+u); resp.StatusCode != 200 {
				t.Errorf("documented %s answers %d: %s", u, resp.StatusCode, body)
			}
			if !strings.Contains(path, "{") {
				break
			}
		}
	}
}

func items(t *testing.T, url string) fc {
	t.Helper()
	resp, body := fetch(t, url)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/geo+json" {
		t.Fatalf("GET %s: %d %s\n%s", url, resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
	var v fc
	dec := json.NewDecoder(strings.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	if v.Type != "FeatureCollection" || v.NumberReturned != len(v.Features) {
		t.Fatalf("GET %s: type %q, numberReturned %d for %d features", url, v.Type, v.NumberReturned, len(v.Features))
	}
	return v
}

func (v fc) link(rel string) string {
	for _, l := range v.Links {
		if l.Rel == rel {
			if l.Type != "application/geo+json" {
				return "wrong type " + l.Type
			}
			return l.Href
		}
	}
	return ""
}

func (v fc) props(key string) []string {
	var out []string
	for _, f := range v.Features {
		out = append(out, fmt.Sprint(f.Properties[key]))
	}
	return out
}

func TestOGCItems(t *testing.T) {
	srv := ogcServer(t)
	base := srv.URL + "/ogc/collections/"
	places := 4 + extraPlaces

	// Paging: default limit 10, next links until the end, prev back.
	v := items(t, base+"places/items")
	if v.NumberMatched != places || v.NumberReturned != 10 || v.link("self") == "" || v.link("prev") != "" {
		t.Fatalf("first page: matched %d returned %d, links %+v", v.NumberMatched, v.NumberReturned, v.Links)
	}
	seen := map[string]bool{}
	pages := 0
	for url := base + "places/items?limit=7"; url != ""; url = v.link("next") {
		v = items(t, url)
		pages++
		for _, f := range v.Features {
			id := f.ID.String()
			if _, err := f.ID.Int64(); err != nil || seen[id] {
				t.Fatalf("feature id %q not an integer or repeated", id)
			}
			seen[id] = true
		}
		if pages > 1 && v.link("prev") == "" {
			t.Fatalf("page %d has no prev link", pages)
		}
	}
	if len(seen) != places || pages != (places+6)/7 {
		t.Fatalf("paged %d features in %d pages, want %d", len(seen), pages, places)
	}
	// A limit above the maximum is cut, not refused.
	if v := items(t, base+"places/items?limit=20000"); v.NumberReturned != places || v.link("next") != "" {
		t.Fatalf("limit=20000: %d returned", v.NumberReturned)
	}
	// bbox: the points and the polygon meeting the box.
	v = items(t, base+"places/items?bbox=45,39,47.5,40.5")
	if got := strings.Join(v.props("place"), ","); got != "aghdam,hadrut,kalbajar" {
		t.Fatalf("bbox places: %s", got)
	}
	v = items(t, base+"places/items?bbox=46.0,40.2,46.1,40.3") // inside the polygon's box only
	if got := strings.Join(v.props("place"), ","); got != "kalbajar" {
		t.Fatalf("bbox inside polygon: %s", got)
	}

	// Control at a date: the datetime instant picks the map.
	v = items(t, base+"control/items?datetime=2020-11-19")
	if got := strings.Join(v.props("controller"), ","); got != "arm," || v.NumberMatched != 2 {
		t.Fatalf("control 2020-11-19: %s (%d matched; kalbajar has only presence)", got, v.NumberMatched)
	}
	v = items(t, base+"control/items?datetime=2020-11-26")
	if got := fmt.Sprint(v.props("place"), v.props("controller"), v.props("disputed"), v.props("sides"), v.props("presence")); got != "[aghdam kalbajar] [aze aze] [false true] [ arm; aze] [ rpk]" &&
		got != "[aghdam kalbajar] [aze arm] [false true] [ arm; aze] [ rpk]" && got != "[aghdam kalbajar] [aze aze] [false true] [ aze; arm] [ rpk]" &&
		got != "[aghdam kalbajar] [aze arm] [false true] [ aze; arm] [ rpk]" {
		t.Fatalf("control 2020-11-26: %s", got)
	}
	v = items(t, base+"control/items?datetime=2020-11-26&bbox=46.5,39.9,47,40.1")
	if got := strings.Join(v.props("place"), ","); got != "aghdam,kalbajar" {
		t.Fatalf("control bbox: %s", got)
	}
	// A box over every place pages like no box, though most places in it
	// have no state (the features pair states with places by walking both).
	for _, q := range []string{"datetime=2020-11-19", "datetime=2020-11-26", "datetime=2020-11-26&limit=1", "datetime=2020-11-26&limit=1&offset=1"} {
		all, boxed := items(t, base+"control/items?"+q), items(t, base+"control/items?bbox=-180,-90,180,90&"+q)
		if a, b := fmt.Sprint(all.NumberMatched, all.props("place"), all.props("label"), all.props("controller")),
			fmt.Sprint(boxed.NumberMatched, boxed.props("place"), boxed.props("label"), boxed.props("controller")); a != b || len(all.Features) == 0 {
			t.Fatalf("control %s: with a box %s, without %s", q, b, a)
		}
	}
	v = items(t, base+"control/items?datetime=2020-11-26&bbox=10,9,11,11")
	if v.NumberMatched != 0 || len(v.Features) != 0 {
		t.Fatalf("control in an empty box: %d", v.NumberMatched)
	}

	// Events: restricted ones hidden, placed by coordinates or their place.
	v = items(t, base+"events/items")
	if got := strings.Join(v.props("claim"), ","); got != "e1,e2" {
		t.Fatalf("events: %s", got)
	}
	if got := strings.Join(v.props("located"), ","); got != "coordinates,place" || !strings.Contains(string(v.Features[1].Geometry), "[46.927,39.991]") {
		t.Fatalf("events located %s, geometry %s", got, v.Features[1].Geometry)
	}
	for q, want := range map[string]string{
		"datetime=2020-12-01/..":                    "e2",
		"datetime=../2020-12-01":                    "e1",
		"datetime=2020-11-12T08:00:00Z":             "e1",
		"datetime=/2020-12-31":                      "e1,e2",
		"bbox=46.85,39.4,47,39.6":                   "e1",
		"bbox=46.85,39.4,47,40&datetime=2020-12-03": "e2",
	} {
		if got := strings.Join(items(t, base+"events/items?"+q).props("claim"), ","); got != want {
			t.Errorf("events?%s: %s, want %s", q, got, want)
		}
	}
	// An event's integer id fetches it.
	id := v.Features[0].ID.String()
	if resp, body := fetch(t, base+"events/items/"+id); resp.StatusCode != 200 || !strings.Contains(body, `"claim":"e1"`) {
		t.Fatalf("events/items/%s: %d %s", id, resp.StatusCode, body)
	}
	// Proxies: the base URL follows X-Forwarded-*.
	req, _ := http.NewRequest("GET", srv.URL+"/ogc", nil)
	req.Header.Set("X-Forwarded-Proto", "https")
	req.Header.Set("X-Forwarded-Host", "maps.example.org")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), `"https://maps.example.org/ogc/collections"`) {
		t.Fatalf("forwarded base: %s", body)
	}
}

// TestOGCWithGDAL has GDAL's OAPIF driver read the server, as QGIS users do.
func TestOGCWithGDAL(t *testing.T) {
	if _, err := exec.LookPath("ogrinfo"); err != nil {
		shared.Require(t, "GDAL ogrinfo")
	}
	srv := ogcServer(t)
	root := "OAPIF:" + srv.URL + "/ogc"
	run := func(name string, args ...string) string {
		t.Helper()
		cmd := exec.Command(name, args...)
		cmd.Env = append(os.Environ(), "NO_PROXY=127.0.0.1,localhost", "no_proxy=127.0.0.1,localhost", "CPL_DEBUG=OFF")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	out := run("ogrinfo", "-ro", "-so", root)
	t.Logf("ogrinfo -so:\n%s", out)
	for _, c := range []string{"places", "control", "events"} {
		if !strings.Contains(out, ": "+c) {
			t.Errorf("ogrinfo does not list %s:\n%s", c, out)
		}
	}
	out = run("ogrinfo", "-ro", "-al", root+"/collections/places")
	for _, w := range []string{fmt.Sprintf("Feature Count: %d", 4+extraPlaces), "names (String) = Aghdam; Ağdam; Akna", "POLYGON ((45.6 39.9", "POINT (46.927 39.991)"} {
		if !strings.Contains(out, w) {
			t.Errorf("ogrinfo places lacks %q:\n%.3000s", w, out)
		}
	}
	// ogr2ogr pages through with a small page size and keeps every feature.
	dst := filepath.Join(t.TempDir(), "places.geojson")
	run("ogr2ogr", "-f", "GeoJSON", dst, root, "places", "-oo", "PAGE_SIZE=7")
	var got struct {
		Features []struct {
			Properties map[string]any `json:"properties"`
		} `json:"features"`
	}
	raw, err := os.ReadFile(dst)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &got); err != nil {
		t.Fatal(err)
	}
	if len(got.Features) != 4+extraPlaces {
		t.Fatalf("ogr2ogr copied %d features, want %d", len(got.Features), 4+extraPlaces)
	}
	// GDAL 3.6 has no DATETIME open option: it reads today's map.
	out = run("ogrinfo", "-ro", "-al", root+"/collections/control")
	if !strings.Contains(out, "controller (String) = aze") || !strings.Contains(out, "Feature Count: 2") {
		t.Errorf("ogrinfo control:\n%.3000s", out)
	}
	gpkg := filepath.Join(t.TempDir(), "control.gpkg")
	run("ogr2ogr", "-f", "GPKG", gpkg, root, "control")
	if out := run("ogrinfo", "-ro", "-so", gpkg, "control"); !strings.Contains(out, "Feature Count: 2") {
		t.Errorf("control copied to GeoPackage:\n%s", out)
	}
	// A dated collection is how a client without datetime reads another day.
	out = run("ogrinfo", "-ro", "-al", "OAPIF:"+srv.URL+"/ogc/collections/control-2020-11-19")
	if !strings.Contains(out, "controller (String) = arm") || strings.Contains(out, "controller (String) = aze") {
		t.Errorf("ogrinfo control-2020-11-19:\n%.3000s", out)
	}
	out = run("ogrinfo", "-ro", "-al", "-spat", "46.85", "39.4", "47", "39.6", root+"/collections/events")
	if !strings.Contains(out, "claim (String) = e1") || strings.Contains(out, "claim (String) = e2") {
		t.Errorf("ogrinfo events with a spatial filter:\n%.3000s", out)
	}
}
