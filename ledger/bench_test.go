package ledger_test

import (
	"fmt"
	"testing"
	"time"

	"truce/ledger"
)

// SyntheticControl makes places*per control claims: each place changes hands
// per times between four actors, one change every 30 days from 1990.
func syntheticControl(places, per int) []*ledger.Claim {
	actors := []string{"a", "b", "c", "d"}
	start := ledger.DayOf(time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC))
	rec := time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC)
	out := make([]*ledger.Claim, 0, places*per)
	for p := range places {
		place := fmt.Sprintf("p%05d", p)
		for i := range per {
			out = append(out, &ledger.Claim{
				ID: fmt.Sprintf("%s-%03d", place, i), Kind: ledger.KindControl,
				Valid:        ledger.Interval{From: ledger.DateOfDay(start + ledger.Day(i*30+p%30))},
				Attributions: []ledger.Attribution{{Source: "s"}}, RecordedAt: rec, RecordedBy: "bench",
				Status: ledger.Accepted, Credibility: 2,
				Control: &ledger.Control{Place: place, Actor: actors[(i+p)%4], Mode: "capture"},
			})
		}
	}
	return out
}

func TestSyntheticState(t *testing.T) {
	x := ledger.NewIndex()
	x.Add(syntheticControl(10, 100)...)
	day := ledger.DayOf(time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC)) + 45
	st := x.State(day, time.Time{})
	if len(st) != 10 {
		t.Fatalf("%d places", len(st))
	}
	// p00000 changed at day 0 (actor a) and day 30 (actor b).
	if st[0].Place != "p00000" || st[0].Controller != "b" || st[0].Disputed {
		t.Fatalf("%+v", st[0])
	}
}

// BenchmarkStateMap is the control map at a date over 10,000 places with
// 100 control claims each (1,000,000 claims). Target: < 20 ms.
func BenchmarkStateMap(b *testing.B) {
	x := ledger.NewIndex()
	x.Add(syntheticControl(10000, 100)...)
	day := ledger.DayOf(time.Date(1994, 6, 1, 0, 0, 0, 0, time.UTC))
	b.ResetTimer()
	for b.Loop() {
		if st := x.State(day, time.Time{}); len(st) != 10000 {
			b.Fatal(len(st))
		}
	}
}

// BenchmarkStateMapKnownAt is the same map "as known at" a recorded time.
func BenchmarkStateMapKnownAt(b *testing.B) {
	x := ledger.NewIndex()
	x.Add(syntheticControl(10000, 100)...)
	day := ledger.DayOf(time.Date(1994, 6, 1, 0, 0, 0, 0, time.UTC))
	k := time.Date(2022, 1, 1, 0, 0, 0, 0, time.UTC)
	b.ResetTimer()
	for b.Loop() {
		x.State(day, k)
	}
}

// BenchmarkPlaceAt is one place's state at a date.
func BenchmarkPlaceAt(b *testing.B) {
	x := ledger.NewIndex()
	x.Add(syntheticControl(10000, 100)...)
	day := ledger.DayOf(time.Date(1994, 6, 1, 0, 0, 0, 0, time.UTC))
	b.ResetTimer()
	for b.Loop() {
		if _, ok := x.PlaceAt("p05000", day, time.Time{}); !ok {
			b.Fatal("no state")
		}
	}
}
