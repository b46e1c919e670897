package web_test

import (
	"context"
	"os"
	"testing"

	"truce/datasets"
	"truce/internal/shared"
	"truce/ledger"
	"truce/monitor"
	"truce/store"
)

// reportSource is the id the browser test gives the AFP report.
const reportSource = "afp-after-lachin"

// loadKarabakh loads the shipped Karabakh case, then does what an ingest
// of the AFP report would: stores its text (read at run time, never
// copied) with candidate claims on the spans the case cites in it (source
// karabakh-2020-s2, whose text is not shipped). It adds one accepted claim
// that disagrees, so the map has a dispute to show.
func loadKarabakh(t *testing.T, m *monitor.Monitor) {
	t.Helper()
	ctx := context.Background()
	if err := datasets.Load(ctx, m, datasets.Default); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(shared.Path(t, "reports", "afp-karabakh-after-lachin.txt"))
	if err != nil {
		t.Fatal(err)
	}
	text := string(raw)
	b, err := datasets.Read(os.DirFS("../datasets"), datasets.Default)
	if err != nil {
		t.Fatal(err)
	}
	var copies []*ledger.Claim
	for _, c := range b.Claims {
		cp := *c
		cp.Attributions = nil
		for _, a := range c.Attributions {
			if a.Source == "karabakh-2020-s2" && a.End <= len(text) {
				a.Source, a.Quote = reportSource, text[a.Start:a.End]
				cp.Attributions = append(cp.Attributions, a)
			}
		}
		if len(cp.Attributions) == 0 {
			continue
		}
		cp.ID, cp.Status, cp.RecordedAt, cp.RecordedBy, cp.Supersedes = "", ledger.Candidate, ledger.Claim{}.RecordedAt, "ingest", ""
		copies = append(copies, &cp)
	}
	if len(copies) < 10 {
		t.Fatalf("only %d claims of the case cite the report", len(copies))
	}
	dispute := &ledger.Claim{Kind: ledger.KindControl, Valid: ledger.Interval{From: ledger.MustDate("2020-11-08"), To: ledger.MustDate("2020-11-12")},
		Attributions: []ledger.Attribution{{Source: reportSource, Start: 0, End: 10}}, AssertedBy: "nk-authorities",
		RecordedBy: "test", Status: ledger.Accepted, Credibility: 5, Note: "test claim: a side that disagrees",
		Control: &ledger.Control{Place: "shusha", Actor: "nk-authorities", Mode: "capture"}}
	// And a figure that disagrees with the report's, by another party.
	thirty := 30000.0
	figure := &ledger.Claim{Kind: ledger.KindFigure, Valid: ledger.Interval{From: ledger.MustDate("2020-12-01"), To: ledger.MustDate("2020-12-01")},
		Attributions: []ledger.Attribution{{Source: reportSource, Start: 0, End: 10}}, AssertedBy: "nk-authorities",
		RecordedBy: "test", Status: ledger.Accepted, Credibility: 5, Note: "test claim: a figure that disagrees",
		Figure: &ledger.Figure{Metric: "returned", Place: "nagorno-karabakh", Best: &thirty, Qualifier: "about", Unit: "people"}}
	err = m.Write(ctx, store.Batch{
		Sources: []store.SourceText{{Source: ledger.Source{ID: reportSource, Kind: "news", Title: "What next for Karabakh after Lachin (AFP)",
			Publisher: "AFP / The Moscow Times", Published: ledger.MustDate("2020-12-01"), Reliability: "B", Lang: "en"}, Text: text}},
		Claims: append(copies, dispute, figure)})
	if err != nil {
		t.Fatal(err)
	}
}
