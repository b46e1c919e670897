package web_test

import (
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
)

// The page shells and embedded assets, without a browser.
func TestPagesAndAssets(t *testing.T) {
	srv, _ := uiServer(t, loadKarabakh)
	for _, tc := range []struct {
		path, want string
		status     int
	}{
		{"/", `data-page="map"`, 200},
		{"/?at=2020-11-21", `id="at-range"`, 200},
		{"/agreements/karabakh-2020", `data-page="agreement"`, 200},
		{"/figures", `id="charts"`, 200},
		{"/sources", `id="source-list"`, 200},
		{"/sources/" + reportSource, `data-id="` + reportSource + `"`, 200},
		{"/review", `id="ingest-form"`, 200},
		{"/agreements/nope", `There is no agreement nope.`, 404},
		{"/sources/nope", `There is no source nope.`, 404},
		{"/static/vendor/nothing.js", `"status":404`, 404},
		{"/static/templates/page.html", `"status":404`, 404}, // templates are not assets
		{"/static/vendor/refresh.sh", `"status":404`, 404},
	} {
		resp, err := http.Get(srv.URL + tc.path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tc.status || !strings.Contains(string(body), tc.want) {
			t.Errorf("GET %s: %d, want %d and %q in\n%.300s", tc.path, resp.StatusCode, tc.status, tc.want, body)
		}
	}
	// /agreements opens the only agreement, keeping the date.
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Get(srv.URL + "/agreements?at=2020-12-02")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if loc := resp.Header.Get("Location"); resp.StatusCode != 302 || loc != "/agreements/karabakh-2020?at=2020-12-02" {
		t.Errorf("/agreements: %d to %q", resp.StatusCode, loc)
	}
	// Every asset a page names is served, hashed for caching, gzipped.
	resp, _ = http.Get(srv.URL + "/")
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	refs := regexp.MustCompile(`"(/static/[^"?]+)\?v=([0-9a-f]+)"`).FindAllStringSubmatch(string(page), -1)
	if len(refs) < 6 {
		t.Fatalf("the map page names %d hashed assets: %q", len(refs), refs)
	}
	for _, r := range refs {
		req, _ := http.NewRequest("GET", srv.URL+r[1]+"?v="+r[2], nil)
		req.Header.Set("Accept-Encoding", "gzip")
		resp, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Cache-Control"), "immutable") {
			t.Errorf("%s: %d, Cache-Control %q", r[1], resp.StatusCode, resp.Header.Get("Cache-Control"))
		}
		if strings.HasSuffix(r[1], ".js") && resp.Header.Get("Content-Encoding") != "gzip" {
			t.Errorf("%s not gzipped", r[1])
		}
		req.Header.Set("If-None-Match", resp.Header.Get("ETag"))
		resp, _ = http.DefaultTransport.RoundTrip(req)
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotModified {
			t.Errorf("%s with its ETag: %d, want 304", r[1], resp.StatusCode)
		}
	}
}

// The places as GeoJSON: real boundaries with their attribution, points,
// and every name.
func TestGeometry(t *testing.T) {
	srv, _ := uiServer(t, loadKarabakh)
	resp, err := http.Get(srv.URL + "/api/v1/geometry")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); ct != "application/geo+json" {
		t.Errorf("Content-Type %q", ct)
	}
	var fc struct {
		Type     string
		Features []struct {
			ID       string
			Geometry *struct {
				Type        string
				Coordinates json.RawMessage
			}
			Properties struct {
				Label, Kind, Attribution string
				Aliases                  []string
			}
		}
	}
	if err := json.NewDecoder(resp.Body).Decode(&fc); err != nil {
		t.Fatal(err)
	}
	byID := map[string]int{}
	for i, f := range fc.Features {
		byID[f.ID] = i
	}
	ag, ok := byID["aghdam-district"]
	if fc.Type != "FeatureCollection" || !ok {
		t.Fatalf("%s with %d features, no aghdam-district", fc.Type, len(fc.Features))
	}
	f := fc.Features[ag]
	if f.Geometry == nil || !strings.Contains(f.Geometry.Type, "Polygon") || !strings.Contains(f.Properties.Attribution, "geoBoundaries") {
		t.Errorf("aghdam-district: %+v", f)
	}
	if !strings.Contains(strings.Join(f.Properties.Aliases, "|"), "Ağdam rayonu") {
		t.Errorf("aghdam-district aliases %q", f.Properties.Aliases)
	}
	if c := fc.Features[byID["lachin-corridor"]]; c.Geometry == nil {
		t.Errorf("lachin-corridor has no geometry: %+v", c)
	}
	if resp, _ := http.Get(srv.URL + "/api/v1/geometry?colour=red"); resp.StatusCode != 400 {
		t.Errorf("unknown parameter: %d", resp.StatusCode)
	}
}
