package web_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"truce/ledger"
	"truce/monitor"
	"truce/store"
	"truce/web"
)

// standIn is a plain stand-in for the extractor, which has its own tests:
// it stores the text as a source and makes its first sentence one
// candidate claim that actor controls place from the publication date.
func standIn(place, actor string) func(context.Context, *monitor.Monitor, web.IngestRequest, ledger.Date, string) (string, []*ledger.Claim, error) {
	return func(ctx context.Context, m *monitor.Monitor, req web.IngestRequest, pub ledger.Date, by string) (string, []*ledger.Claim, error) {
		src := ledger.Source{ID: "wire-" + ledger.HashText(req.Text)[:8], Kind: "news", Title: req.Title, Publisher: req.Publisher, URL: req.URL,
			Published: pub, Reliability: "F"}
		end := strings.IndexAny(req.Text, ".\n")
		if end < 0 {
			end = len(req.Text)
		}
		c := &ledger.Claim{ID: m.NewID(), Kind: ledger.KindControl, Valid: ledger.Interval{From: pub}, RecordedBy: by, Status: ledger.Candidate, Credibility: 6,
			Attributions: []ledger.Attribution{{Source: src.ID, Start: 0, End: end, Quote: req.Text[:end]}},
			Control:      &ledger.Control{Place: place, Actor: actor, Mode: "capture"}, Rule: "stand-in"}
		err := m.Write(ctx, store.Batch{Sources: []store.SourceText{{Source: src, Text: req.Text}}, Claims: []*ledger.Claim{c}})
		return src.ID, []*ledger.Claim{c}, err
	}
}

// The ingest endpoint's contract, with the stand-in extractor.
func TestIngestEndpoint(t *testing.T) {
	srv, m := uiServer(t, loadKarabakh)
	post := func(tok, body string) (int, string) {
		req, _ := http.NewRequest("POST", srv.URL+"/api/v1/ingest", strings.NewReader(body))
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
	report := `{"text":"Azerbaijan took Hadrut. Nothing else.","published":"2020-10-09","title":"Wire","publisher":"AFP"}`
	if code, _ := post("", report); code != 401 {
		t.Errorf("without a token: %d", code)
	}
	web.Ingester = nil
	if code, body := post("tok-editor", report); code != 501 || !strings.Contains(body, "extraction") {
		t.Errorf("without an extractor: %d %s", code, body)
	}
	web.Ingester = standIn("hadrut", "azerbaijan")
	t.Cleanup(func() { web.Ingester = nil })
	for _, tc := range []struct{ body, want string }{
		{`{"text":"x"}`, "published: the publication date is required"},
		{`{"text":"x","published":"2020-13-40"}`, "published:"},
		{`{"text":"  ","published":"2020-10-09"}`, "text: the report's text is empty"},
		{`{"text":"x","published":"2020-10-09","colour":"red"}`, "colour"},
	} {
		if code, body := post("tok-editor", tc.body); code != 400 || !strings.Contains(body, tc.want) {
			t.Errorf("%s: %d %s, want 400 and %q", tc.body, code, body, tc.want)
		}
	}
	code, body := post("tok-editor", report)
	if code != 201 {
		t.Fatalf("ingest: %d %s", code, body)
	}
	var out struct {
		Source     string
		Candidates []ledger.Claim
	}
	if err := json.Unmarshal([]byte(body), &out); err != nil || out.Source == "" || len(out.Candidates) != 1 {
		t.Fatalf("answer %s (%v)", body, err)
	}
	if got := m.Index.StatusAt(out.Candidates[0].ID, time.Time{}); got != ledger.Candidate {
		t.Errorf("the candidate is %q in the ledger", got)
	}
	if out.Candidates[0].RecordedBy != "ed" {
		t.Errorf("recorded by %q, want the token's name", out.Candidates[0].RecordedBy)
	}
}
