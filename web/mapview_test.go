package web_test

import (
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"truce/ledger"
	"truce/store"
	"truce/web"
)

// compactMap mirrors the /api/v1/map answer.
type compactMap struct {
	At         string   `json:"at"`
	Places     []string `json:"places"`
	Actors     []string `json:"actors"`
	Dates      []string `json:"dates"`
	Controller []int    `json:"controller"`
	Since      []int    `json:"since"`
	Flags      []int    `json:"flags"`
	Sides      [][]int  `json:"sides"`
	Presence   [][]int  `json:"presence"`
}

// expand turns a compact map back into one line per place in force, in the
// terms of the full state, so the two can be compared.
func (m compactMap) expand() map[string]string {
	out := map[string]string{}
	name := func(tab []string, i int) string {
		if i < 0 {
			return ""
		}
		return tab[i]
	}
	actors := func(rows [][]int, i int) []string {
		for _, r := range rows {
			if r[0] == i {
				var a []string
				for _, x := range r[1:] {
					a = append(a, m.Actors[x])
				}
				return a
			}
		}
		return nil
	}
	for i, id := range m.Places {
		if m.Controller[i] < 0 && m.Flags[i]&2 == 0 {
			continue
		}
		out[id] = fmt.Sprint(name(m.Actors, m.Controller[i]), "|", name(m.Dates, m.Since[i]), "|", m.Flags[i]&4 != 0, "|",
			m.Flags[i]&1 != 0, actors(m.Sides, i), "|", actors(m.Presence, i))
	}
	return out
}

func fullLines(states []ledger.PlaceState) map[string]string {
	out := map[string]string{}
	for _, s := range states {
		var sides, pres []string
		for _, x := range s.Sides {
			sides = append(sides, x.Actor)
		}
		for _, x := range s.Presence {
			pres = append(pres, x.Actor)
		}
		out[s.Place] = fmt.Sprint(s.Controller, "|", s.Since, "|", s.Uncertain, "|", s.Disputed, sides, "|", pres)
	}
	return out
}

func getJSON(t *testing.T, url string, v any, hdr ...string) *http.Response {
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
	if resp.StatusCode != 200 {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("GET %s: %d %s", url, resp.StatusCode, b)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	return resp
}

// TestCompactMap checks that /api/v1/map says, for every place and date,
// what /api/v1/state says about colouring, in the order of the geometry.
func TestCompactMap(t *testing.T) {
	srv, _ := uiServer(t, synthetic(600))
	var geo struct {
		Features []struct {
			ID string `json:"id"`
		} `json:"features"`
	}
	getJSON(t, srv.URL+"/api/v1/geometry", &geo)
	var order []string
	for _, f := range geo.Features {
		order = append(order, f.ID)
	}
	disputes, presence := 0, 0
	for _, at := range []string{"2019-12-31", "2020-01-01", "2020-04-15", "2020-06-01", "2020-10-30", "2021-03-01"} {
		var full struct {
			Places []ledger.PlaceState `json:"places"`
		}
		var m compactMap
		getJSON(t, srv.URL+"/api/v1/state?at="+at, &full)
		getJSON(t, srv.URL+"/api/v1/map?at="+at, &m)
		if m.At != at || !slices.Equal(m.Places, order) {
			t.Fatalf("%s: at %q and places %v..., want the geometry's order", at, m.At, m.Places[:3])
		}
		for _, col := range [][]int{m.Controller, m.Since, m.Flags} {
			if len(col) != len(m.Places) {
				t.Fatalf("%s: a column of %d for %d places", at, len(col), len(m.Places))
			}
		}
		got, want := m.expand(), fullLines(full.Places)
		if len(got) != len(want) {
			t.Errorf("%s: %d places in force, the full state has %d", at, len(got), len(want))
		}
		for id, w := range want {
			if got[id] != w {
				t.Errorf("%s %s: compact %q, full %q", at, id, got[id], w)
			}
		}
		disputes += len(m.Sides)
		presence += len(m.Presence)
	}
	if disputes == 0 || presence == 0 {
		t.Fatalf("the dates chosen show %d disputes and %d presences: the test compares nothing", disputes, presence)
	}
}

// TestCompactMapCaching checks ETag, 304, gzip, that a new claim changes
// the answer, and that restricted claims show only with a token.
func TestCompactMapCaching(t *testing.T) {
	srv, m := testServer(t)
	ctx := context.Background()
	if err := m.Store.PutToken(ctx, store.Token{Hash: web.HashToken("tok-e"), Name: "ed", Role: "editor", CreatedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	u := srv.URL + "/api/v1/map?at=2020-11-21"
	var v compactMap
	resp := getJSON(t, u, &v)
	etag := resp.Header.Get("ETag")
	if etag == "" || !strings.Contains(resp.Header.Get("Cache-Control"), "max-age") {
		t.Fatalf("headers %v", resp.Header)
	}
	if got := v.expand()["aghdam"]; got != "aze|2020-11-20|false|false []|[]" {
		t.Errorf("aghdam on 2020-11-21: %q", got)
	}
	if _, ok := v.expand()["corridor"]; ok || slices.Contains(v.Actors, "rpk") {
		t.Errorf("a restricted presence shows without a token: %+v", v)
	}
	var authed compactMap
	r2 := getJSON(t, u, &authed, "Authorization", "Bearer tok-e")
	if got := authed.expand()["corridor"]; !strings.HasSuffix(got, "[rpk]") {
		t.Errorf("with a token, corridor is %q, want rpk present", got)
	}
	if r2.Header.Get("ETag") == etag {
		t.Error("the public and the full map share an ETag")
	}
	req, _ := http.NewRequest("GET", u, nil)
	req.Header.Set("If-None-Match", etag)
	r3, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	r3.Body.Close()
	if r3.StatusCode != http.StatusNotModified {
		t.Errorf("If-None-Match: %d", r3.StatusCode)
	}
	// Compressed when asked (the transport asks on its own but then
	// hides it; ask explicitly to see the encoding).
	req, _ = http.NewRequest("GET", u, nil)
	req.Header.Set("Accept-Encoding", "gzip")
	r4, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer r4.Body.Close()
	if r4.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(r4.Body)
		if err != nil {
			t.Fatal(err)
		}
		var z compactMap
		if err := json.NewDecoder(zr).Decode(&z); err != nil || z.At != "2020-11-21" {
			t.Errorf("gzipped answer: %v %+v", err, z)
		}
	}
	// A new accepted claim changes the map and its ETag.
	att := []ledger.Attribution{{Source: "wire", Start: 0, End: 10}}
	if err := m.Write(ctx, store.Batch{Claims: []*ledger.Claim{{Kind: ledger.KindControl, Valid: ledger.Interval{From: ledger.MustDate("2020-11-21")},
		Attributions: att, RecordedBy: "t", Status: ledger.Accepted, Credibility: 2, Control: &ledger.Control{Place: "aghdam", Actor: "arm", Mode: "capture"}}}}); err != nil {
		t.Fatal(err)
	}
	var after compactMap
	if r := getJSON(t, u, &after); r.Header.Get("ETag") == etag {
		t.Error("the ETag did not change with a new claim")
	}
	if got := after.expand()["aghdam"]; got == "aze|2020-11-20|false|false []|[]" {
		t.Errorf("aghdam after a new claim: %q, unchanged", got)
	}
	if resp, _ := get(t, srv.URL+"/api/v1/map?at=yesterday"); resp.StatusCode != 400 {
		t.Errorf("a bad date answers %d", resp.StatusCode)
	}
	if resp, _ := get(t, srv.URL+"/api/v1/map?colour=red"); resp.StatusCode != 400 {
		t.Errorf("an unknown parameter answers %d", resp.StatusCode)
	}
}
