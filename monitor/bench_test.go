package monitor_test

import (
	"context"
	"fmt"
	"testing"
	"time"
	"truce/internal/testledger"

	"truce/ledger"
	"truce/store"
)

// BenchmarkHistory is one place's full control history (100 claims) read
// from a SQLite ledger of 1,000 places x 100 claims. Target: < 1 ms.
func BenchmarkHistory(b *testing.B) {
	ctx := context.Background()
	m := testledger.Open(b)
	batch := store.Batch{Actors: []ledger.Actor{{ID: "a", Kind: "state", Label: "A", Names: []ledger.Name{{Name: "A"}}},
		{ID: "b", Kind: "state", Label: "B", Names: []ledger.Name{{Name: "B"}}}},
		Sources: []store.SourceText{{Source: ledger.Source{ID: "s", Kind: "dataset", Title: "synthetic"}}}}
	start := ledger.DayOf(time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC))
	for p := range 1000 {
		id := fmt.Sprintf("p%04d", p)
		batch.Places = append(batch.Places, ledger.Place{ID: id, Kind: "settlement", Label: id, Names: []ledger.Name{{Name: id}}})
		for i := range 100 {
			batch.Claims = append(batch.Claims, &ledger.Claim{ID: fmt.Sprintf("%s-%03d", id, i), Kind: ledger.KindControl,
				Valid: ledger.Interval{From: ledger.DateOfDay(start + ledger.Day(i*30))}, Attributions: []ledger.Attribution{{Source: "s"}},
				RecordedBy: "bench", Status: ledger.Accepted, Credibility: 2,
				Control: &ledger.Control{Place: id, Actor: []string{"a", "b"}[i%2], Mode: "capture"}})
		}
	}
	if err := m.Write(ctx, batch); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		h, err := m.History(ctx, "p0500", time.Time{})
		if err != nil || len(h) != 100 {
			b.Fatal(len(h), err)
		}
	}
}
