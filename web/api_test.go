package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
	"truce/internal/testledger"

	"truce/ledger"
	"truce/monitor"
	"truce/store"
	"truce/store/storetest"
	"truce/web"
)

// testServer is a real server over a real SQLite ledger holding the
// storetest fixture and a few claims.
func testServer(t *testing.T) (*httptest.Server, *monitor.Monitor) {
	t.Helper()
	ctx := context.Background()
	m := testledger.Open(t)
	b := storetest.Fixture()
	att := []ledger.Attribution{{Source: "wire", Start: 0, End: 47, Quote: "Armenia handed Aghdam to Azerbaijan on Nov. 20."}}
	b.Claims = []*ledger.Claim{
		{ID: "c0", Kind: ledger.KindControl, Valid: ledger.Interval{From: ledger.MustDate("1993-07")}, Attributions: att, RecordedBy: "t", Status: ledger.Accepted, Credibility: 2,
			Control: &ledger.Control{Place: "aghdam", Actor: "arm", Mode: "capture"}},
		{ID: "c1", Kind: ledger.KindControl, Valid: ledger.Interval{From: ledger.MustDate("2020-11-20")}, Attributions: att, RecordedBy: "t", Status: ledger.Accepted, Credibility: 2,
			Control: &ledger.Control{Place: "aghdam", Actor: "aze", Mode: "handover"}, AssertedBy: "rus"},
		{ID: "cand", Kind: ledger.KindControl, Valid: ledger.Interval{From: ledger.MustDate("2020-11-25")}, Attributions: att, RecordedBy: "t", Status: ledger.Candidate, Credibility: 3,
			Control: &ledger.Control{Place: "kalbajar", Actor: "aze", Mode: "handover"}},
		{ID: "secret", Kind: ledger.KindPresence, Valid: ledger.Interval{From: ledger.MustDate("2020-11-10")}, Attributions: att, RecordedBy: "t", Status: ledger.Accepted, Credibility: 2,
			Presence: &ledger.Presence{Place: "corridor", Actor: "rpk", Role: "peacekeeping"}, Restricted: true},
	}
	if err := m.Write(ctx, b); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(web.New(m, slog.New(slog.NewTextHandler(io.Discard, nil))))
	t.Cleanup(srv.Close)
	return srv, m
}

func get(t *testing.T, url string, hdr ...string) (*http.Response, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var v map[string]any
	body, _ := io.ReadAll(resp.Body)
	json.Unmarshal(body, &v)
	return resp, v
}

func TestReads(t *testing.T) {
	srv, _ := testServer(t)
	for _, tc := range []struct {
		path   string
		status int
		want   string // a substring of the JSON body
	}{
		{"/healthz", 200, `"status":"ok"`},
		{"/api/v1/places?q=agdam", 200, `"total":1`},
		{"/api/v1/places/Akna?at=2020-11-21", 200, `"controller":"aze"`},
		{"/api/v1/places/atlantis", 404, `"status":404`},
		{"/api/v1/state?at=2020-11-19", 200, `"controller":"arm"`},
		{"/api/v1/state?at=2020-11-21", 200, `"controller":"aze"`},
		{"/api/v1/state?at=2020-11-21&bbox=46,39,47,40", 200, `"total":1`},
		{"/api/v1/state?at=2020-13-01", 400, `at: date`},
		{"/api/v1/state?at=2020-11-21&colour=red", 400, `unknown query parameter \"colour\"`},
		{"/api/v1/state/aghdam?at=2020-11-21", 200, `"since":"2020-11-20"`},
		{"/api/v1/changes?from=2020-11-01&to=2020-12-01", 200, `"after":"aze"`},
		{"/api/v1/changes", 400, `from is required`},
		{"/api/v1/claims?status=candidate", 200, `"total":1`},
		{"/api/v1/claims?recorded_after=2000-01-01", 200, `"total":4`},
		{"/api/v1/claims?recorded_after=2999-01-01", 200, `"total":0`},
		{"/api/v1/claims?kind=rumour", 400, `kind \"rumour\"`},
		{"/api/v1/claims/c1", 200, `"asserted_by":"rus"`},
		{"/api/v1/claims/nope", 404, `nope`},
		{"/api/v1/sources/wire", 200, `"claim":"c1"`},
		{"/api/v1/agreements/deal?at=2020-12-02", 200, `"status":"met_on_time"`},
		{"/api/v1/agreements/deal?at=2020-12-02", 200, `"expiry":"2025-11-10"`},
		{"/api/v1/timeline", 200, `"2020-11-20"`},
		{"/api/v1/figures", 200, `"metrics"`},
	} {
		resp, _ := get(t, srv.URL+tc.path)
		req, _ := http.NewRequest("GET", srv.URL+tc.path, nil)
		r2, _ := http.DefaultClient.Do(req)
		body, _ := io.ReadAll(r2.Body)
		r2.Body.Close()
		if resp.StatusCode != tc.status || !strings.Contains(string(body), tc.want) {
			t.Errorf("GET %s: %d %s\nwant %d and %s", tc.path, resp.StatusCode, body, tc.status, tc.want)
		}
		if tc.status >= 400 && r2.Header.Get("Content-Type") != "application/problem+json" {
			t.Errorf("GET %s: error as %s, want problem+json", tc.path, r2.Header.Get("Content-Type"))
		}
	}
}

func TestRestrictedNeverLeaks(t *testing.T) {
	srv, _ := testServer(t)
	for _, p := range []string{"/api/v1/claims", "/api/v1/claims/secret", "/api/v1/places/corridor", "/api/v1/sources/wire"} {
		req, _ := http.NewRequest("GET", srv.URL+p, nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if strings.Contains(string(body), `"secret"`) {
			t.Errorf("%s shows a restricted claim without a token: %s", p, body)
		}
	}
}

func TestETagAndGzip(t *testing.T) {
	srv, _ := testServer(t)
	resp, _ := get(t, srv.URL+"/api/v1/state?at=2020-11-21")
	etag := resp.Header.Get("ETag")
	if etag == "" {
		t.Fatal("no ETag on the map")
	}
	resp, _ = get(t, srv.URL+"/api/v1/state?at=2020-11-21", "If-None-Match", etag)
	if resp.StatusCode != http.StatusNotModified {
		t.Fatalf("If-None-Match: %d", resp.StatusCode)
	}
	resp, _ = get(t, srv.URL+"/api/v1/state?at=2020-11-19", "If-None-Match", etag)
	if resp.StatusCode != 200 {
		t.Fatalf("another date answered %d", resp.StatusCode)
	}
}

func TestWritesNeedToken(t *testing.T) {
	srv, m := testServer(t)
	ctx := context.Background()
	for role, tok := range map[string]string{"analyst": "tok-a", "editor": "tok-e"} {
		if err := m.Store.PutToken(ctx, store.Token{Hash: web.HashToken(tok), Name: role, Role: role, CreatedAt: time.Now()}); err != nil {
			t.Fatal(err)
		}
	}
	post := func(path, tok, body string) (int, string) {
		req, _ := http.NewRequest("POST", srv.URL+path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if tok != "" {
			req.Header.Set("Authorization", "Bearer "+tok)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	accept := `{"decision":"accept"}`
	if code, _ := post("/api/v1/claims/cand/review", "", accept); code != 401 {
		t.Errorf("review without token: %d", code)
	}
	if code, _ := post("/api/v1/claims/cand/review", "wrong", accept); code != 401 {
		t.Errorf("review with unknown token: %d", code)
	}
	if code, _ := post("/api/v1/claims/cand/review", "tok-a", accept); code != 403 {
		t.Errorf("analyst accepting: %d", code)
	}
	if code, body := post("/api/v1/claims/cand/review", "tok-e", `{"decision":"accept","colour":1}`); code != 400 || !strings.Contains(body, "colour") {
		t.Errorf("unknown JSON field: %d %s", code, body)
	}
	if code, body := post("/api/v1/claims/cand/review", "tok-e", accept); code != 200 {
		t.Fatalf("editor accepting: %d %s", code, body)
	}
	if st, ok := m.Index.PlaceAt("kalbajar", 20000, time.Time{}); !ok || st.Controller != "aze" {
		t.Fatalf("accepted candidate not on the map: %+v", st)
	}
	// An analyst's claim is a candidate, whatever it says.
	claim := `{"claims":[{"kind":"control","valid":{"from":"2020-12-01"},"status":"accepted","credibility":3,
		"attributions":[{"source":"wire","start":0,"end":10}],"control":{"place":"hadrut","actor":"aze","mode":"capture"}}]}`
	code, body := post("/api/v1/claims", "tok-a", claim)
	if code != 201 {
		t.Fatalf("analyst proposing: %d %s", code, body)
	}
	var out struct{ IDs []string }
	json.Unmarshal([]byte(body), &out)
	if got := m.Index.StatusAt(out.IDs[0], time.Time{}); got != ledger.Candidate {
		t.Fatalf("analyst's claim recorded as %s", got)
	}
	bad := strings.Replace(claim, "hadrut", "atlantis", 1)
	if code, body := post("/api/v1/claims", "tok-e", bad); code != 422 || !strings.Contains(body, "atlantis") {
		t.Fatalf("unknown place: %d %s", code, body)
	}
}

// TestOpenAPI checks the document against the real routes: every route is
// documented and every documented operation answers.
func TestOpenAPI(t *testing.T) {
	srv, _ := testServer(t)
	resp, err := http.Get(srv.URL + "/api/v1/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		OpenAPI string                                `json:"openapi"`
		Paths   map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&doc); err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if doc.OpenAPI != "3.1.0" {
		t.Fatalf("openapi %q", doc.OpenAPI)
	}
	documented := map[string]bool{}
	for path, ops := range doc.Paths {
		for method := range ops {
			documented[strings.ToUpper(method)+" "+path] = true
		}
	}
	for _, p := range web.Routes(srv.Config.Handler) {
		if strings.HasPrefix(p, "GET /ogc") || strings.HasPrefix(p, "GET /static") || strings.HasPrefix(p, "GET /{") || p == "GET /" || !strings.Contains(p, " /api/") && p != "GET /healthz" {
			continue // OGC API has its own document; the UI is not the API
		}
		if !documented[p] {
			t.Errorf("route %s is not in openapi.json", p)
		}
	}
	sample := regexp.MustCompile(`\{[^}]+\}`)
	for op := range documented {
		method, path, _ := strings.Cut(op, " ")
		url := srv.URL + sample.ReplaceAllString(path, "aghdam")
		if strings.Contains(path, "/claims/{id}") {
			url = srv.URL + strings.Replace(path, "{id}", "cand", 1)
		}
		if strings.Contains(path, "/sources/{id}") || strings.Contains(path, "/agreements/{id}") {
			url = srv.URL + strings.Replace(path, "{id}", map[bool]string{true: "wire", false: "deal"}[strings.Contains(path, "sources")], 1)
		}
		if path == "/api/v1/changes" {
			url += "?from=2020-11-01"
		}
		req, _ := http.NewRequest(method, url, strings.NewReader("{}"))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode == 404 || resp.StatusCode == 405 || resp.StatusCode >= 500 {
			t.Errorf("%s %s documented but answers %d", method, url, resp.StatusCode)
		}
	}
}

// TestPagesConcurrent asks for different bbox pages from many goroutines:
// the pooled buffers behind them must never mix two answers.
func TestPagesConcurrent(t *testing.T) {
	srv, _ := testServer(t)
	paths := []string{
		"/api/v1/state?at=2020-11-19&bbox=46,39,47,40",
		"/api/v1/state?at=2020-11-21&bbox=-180,-90,180,90&limit=1",
		"/api/v1/state?at=2020-11-26&bbox=10,9,11,11",
		"/ogc/collections/control/items?datetime=2020-11-26&bbox=46.5,39.9,47,40.1",
		"/ogc/collections/control/items?datetime=2020-11-19&bbox=-180,-90,180,90&limit=1&offset=1",
	}
	read := func(p string) (string, error) {
		resp, err := http.Get(srv.URL + p)
		if err != nil {
			return "", err
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		return resp.Header.Get("ETag") + " " + string(b), err
	}
	want := map[string]string{}
	for _, p := range paths {
		b, err := read(p)
		if err != nil {
			t.Fatal(err)
		}
		want[p] = b
	}
	var wg sync.WaitGroup
	errs := make(chan string, 8)
	for g := range 8 {
		wg.Go(func() {
			for i := range 40 {
				p := paths[(g+i)%len(paths)]
				if got, err := read(p); err != nil || got != want[p] {
					select {
					case errs <- fmt.Sprintf("GET %s: %v\n got %s\nwant %s", p, err, got, want[p]):
					default:
					}
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}
