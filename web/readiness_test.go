package web_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"truce/ledger"
	"truce/store"
)

func TestReadinessAPI(t *testing.T) {
	srv, m := testServer(t)
	att := []ledger.Attribution{{Source: "wire", Start: 0, End: 7}}
	c := func(id string, restricted bool, h *ledger.Hazard, s *ledger.Service) *ledger.Claim {
		cl := &ledger.Claim{ID: id, Valid: ledger.Interval{From: ledger.MustDate("2020-12-01")}, Attributions: att, RecordedBy: "t",
			Status: ledger.Accepted, Credibility: 2, Restricted: restricted, Hazard: h, Service: s}
		cl.Kind = ledger.KindHazard
		if s != nil {
			cl.Kind = ledger.KindService
		}
		return cl
	}
	err := m.Write(context.Background(), store.Batch{Claims: []*ledger.Claim{
		c("hz1", false, &ledger.Hazard{Place: "aghdam", Area: "AG-1", Status: "confirmed", AreaM2: 250000}, nil),
		c("hz2", true, &ledger.Hazard{Place: "kalbajar", Area: "KB-1", Status: "confirmed", AreaM2: 1000}, nil),
		c("sv1", false, nil, &ledger.Service{Place: "kalbajar", Sector: "water", Status: "functional"}),
	}})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		path   string
		status int
		want   []string
		not    string
	}{
		{"/api/v1/readiness?at=2021-01-01&place=Akna", 200, []string{`"status":"not_ready"`, `"rule":"confirmed-hazard"`, `"claims":["hz1"]`,
			`"hazard.confirmed_remaining_m2":250000`, `250000 m2 of 250000 m2 remain`}, ""},
		{"/api/v1/readiness?at=2020-11-01&place=aghdam", 200, []string{`"status":"unknown"`, `"rule":"no-evidence"`}, ""},
		{"/api/v1/readiness?at=2021-01-01&status=not_ready", 200, []string{`"total":1`, `"place":"aghdam"`}, "kalbajar"},
		// The restricted declaration stays out without a token: Kalbajar has only its water.
		{"/api/v1/readiness?at=2021-01-01&place=kalbajar", 200, []string{`"status":"unknown"`, `"service.water":"functional"`}, "hz2"},
		{"/api/v1/readiness?at=2021-01-01&known_at=2000-01-01&place=aghdam", 200, []string{`"status":"unknown"`}, "hz1"},
		{"/api/v1/readiness?at=yesterday", 400, []string{"at: date"}, ""},
		{"/api/v1/readiness?status=fine", 400, []string{`status \"fine\"`}, ""},
		{"/api/v1/readiness?place=atlantis", 404, []string{"atlantis"}, ""},
	} {
		resp, err := http.Get(srv.URL + tc.path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tc.status {
			t.Errorf("GET %s: %d %s", tc.path, resp.StatusCode, body)
		}
		for _, w := range tc.want {
			if !strings.Contains(string(body), w) {
				t.Errorf("GET %s: want %s in %s", tc.path, w, body)
			}
		}
		if tc.not != "" && strings.Contains(string(body), tc.not) {
			t.Errorf("GET %s: %s should not be there: %s", tc.path, tc.not, body)
		}
		if tc.status == 200 && !json.Valid(body) {
			t.Errorf("GET %s: invalid JSON", tc.path)
		}
	}
}

func TestPlaceReadinessAPI(t *testing.T) {
	srv, m := testServer(t)
	mk := func(id, from string, h *ledger.Hazard, rl *ledger.Release) *ledger.Claim {
		c := &ledger.Claim{ID: id, Valid: ledger.Interval{From: ledger.MustDate(from)}, Attributions: []ledger.Attribution{{Source: "wire", Start: 0, End: 7}},
			RecordedBy: "t", Status: ledger.Accepted, Credibility: 2, Kind: ledger.KindHazard, Hazard: h, Release: rl}
		if rl != nil {
			c.Kind = ledger.KindRelease
		}
		return c
	}
	if err := m.Write(context.Background(), store.Batch{Claims: []*ledger.Claim{
		mk("h", "2020-12-01", &ledger.Hazard{Place: "aghdam", Area: "AG-2", Status: "suspected", AreaM2: 900}, nil),
		mk("r", "2021-02-01", nil, &ledger.Release{Place: "aghdam", Area: "AG-2", Method: "cancelled", AreaM2: 900}),
	}}); err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(srv.URL + "/api/v1/readiness/Akna?at=2021-03-01")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var got struct {
		Readiness struct{ Status string }
		History   []struct{ Date, Status string }
	}
	if err := json.NewDecoder(resp.Body).Decode(&got); err != nil || resp.StatusCode != 200 {
		t.Fatalf("%d %v", resp.StatusCode, err)
	}
	// Cancelled with no services known: partly ready, not ready.
	if got.Readiness.Status != "partly_ready" || len(got.History) != 2 || got.History[0].Date != "2020-12-01" || got.History[0].Status != "not_ready" ||
		got.History[1].Date != "2021-02-01" || got.History[1].Status != "partly_ready" {
		t.Errorf("got %+v", got)
	}
}

func TestReadinessMapLayer(t *testing.T) {
	srv, m := testServer(t)
	if err := m.Write(context.Background(), store.Batch{Claims: []*ledger.Claim{{ID: "hz", Kind: ledger.KindHazard,
		Valid: ledger.Interval{From: ledger.MustDate("2020-12-01")}, Attributions: []ledger.Attribution{{Source: "wire", Start: 0, End: 7}},
		RecordedBy: "t", Status: ledger.Accepted, Credibility: 2,
		Hazard: &ledger.Hazard{Place: "aghdam", Area: "AG-3", Status: "suspected", AreaM2: 10}}}}); err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(srv.URL + "/api/v1/readiness?at=2021-01-01&format=geojson")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var fc struct {
		Type     string
		Features []struct {
			ID         string
			Geometry   map[string]any
			Properties map[string]any
		}
	}
	if err := json.NewDecoder(resp.Body).Decode(&fc); err != nil {
		t.Fatal(err)
	}
	if resp.Header.Get("Content-Type") != "application/geo+json" || fc.Type != "FeatureCollection" {
		t.Fatalf("%s %s", resp.Header.Get("Content-Type"), fc.Type)
	}
	found := false
	for _, f := range fc.Features {
		if f.ID == "aghdam" {
			found = true
			if f.Properties["status"] != "not_ready" || f.Properties["hazard.suspected_remaining_m2"] != 10.0 || f.Geometry["type"] != "Point" {
				t.Errorf("aghdam feature: %+v", f)
			}
		}
	}
	if !found || len(fc.Features) < 2 {
		t.Errorf("features: %+v", fc.Features)
	}
	if r, _ := http.Get(srv.URL + "/api/v1/readiness?format=kml"); r.StatusCode != 400 {
		t.Errorf("format=kml: %d", r.StatusCode)
	}
}
