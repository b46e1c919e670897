package readiness_test

import (
	"context"
	"fmt"
	"runtime"
	"syscall"
	"testing"
	"time"
	"truce/internal/testledger"

	"truce/ledger"
	"truce/readiness"
	"truce/store"
)

// synthetic makes places×perPlace claims: per place five hazardous areas,
// releases, service reports over the six sectors, displacement rounds and
// landmine events, spread over 2021-2023.
func synthetic(places, perPlace int) []*ledger.Claim {
	base := time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC)
	out := make([]*ledger.Claim, 0, places*perPlace)
	statuses := []string{"destroyed", "damaged", "under_repair", "functional"}
	methods := []string{"cancelled", "reduced", "cleared"}
	for p := range places {
		place := fmt.Sprintf("p%05d", p)
		for i := range perPlace {
			d := ledger.DateOfDay(ledger.DayOf(base.AddDate(0, 0, (i*23+p)%1000)))
			c := &ledger.Claim{ID: fmt.Sprintf("%s-%02d", place, i), Valid: ledger.Interval{From: d},
				Attributions: []ledger.Attribution{{Source: "s", Start: 0, End: 1}}, RecordedBy: "bench",
				Status: ledger.Accepted, Credibility: 2, RecordedAt: base.Add(time.Duration(p*perPlace+i) * time.Second)}
			area := fmt.Sprintf("%s-A%d", place, i%5)
			switch k := i % 10; {
			case i < 5:
				st := "confirmed"
				if i%2 == 0 {
					st = "suspected"
				}
				c.Kind, c.Hazard = ledger.KindHazard, &ledger.Hazard{Place: place, Area: area, Status: st, AreaM2: 10000, Devices: i}
			case k < 3:
				c.Kind, c.Release = ledger.KindRelease, &ledger.Release{Place: place, Area: area, Method: methods[i%3], AreaM2: 1500, Devices: 1}
			case k < 6:
				c.Kind, c.Service = ledger.KindService, &ledger.Service{Place: place, Sector: readiness.Sectors[i%6], Status: statuses[(i/6)%4]}
			case k < 9:
				v := float64(1000 + i*10)
				metric, origin := "returned", false
				if k == 6 {
					metric, origin = "displaced", true
					v *= 10
				}
				c.Kind, c.Figure = ledger.KindFigure, &ledger.Figure{Metric: metric, Place: place, Round: fmt.Sprintf("R%d", i/10), Origin: origin, Best: &v}
			default:
				one := 1.0
				c.Kind, c.Event = ledger.KindEvent, &ledger.Event{Type: "Explosions/Remote violence", SubType: readiness.LandmineEvent, Place: place, Fatalities: &ledger.Range{Best: &one}}
			}
			out = append(out, c)
		}
	}
	return out
}

// BenchmarkReadiness: every place of a 10,000-place, 500,000-claim ledger
// at one date, from the book kept in memory.
func BenchmarkReadiness(b *testing.B) {
	m := testledger.Open(b)
	cs := synthetic(10000, 50)
	m.Index.Add(cs...)
	book := readiness.NewBook()
	book.Load(m.Index, cs...)
	cs = nil // a running truce keeps the index and the book, not the decoded claims
	q := readiness.Query{Day: day("2022-06-01"), Rules: readiness.DefaultRules()}
	runtime.GC()
	cpu0 := cpuTime()
	b.ResetTimer()
	for b.Loop() {
		rs := book.Compute(m, m.Index, q)
		if len(rs) != 10000 {
			b.Fatalf("%d places", len(rs))
		}
	}
	b.StopTimer()
	// On a shared machine wall time depends on the neighbours; the CPU time
	// the process spent per answer (all cores) does much less.
	b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N)/1e6, "cpu-ms/op")
	count := map[string]int{}
	for _, r := range book.Compute(m, m.Index, q) {
		count[r.Status]++
	}
	b.Logf("statuses: %v", count)
}

// cpuTime is the user and system time this process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkReadinessStore is the baseline: every place read from SQLite
// (the index selects each place's claims, the store decodes them), on a
// ledger of 1,000 places × 50 claims; compare per place with the book.
func BenchmarkReadinessStore(b *testing.B) {
	ctx := context.Background()
	m := testledger.Open(b)
	const places = 1000
	batch := store.Batch{Sources: []store.SourceText{{Source: ledger.Source{ID: "s", Kind: "dataset", Title: "synthetic"}, Text: "synthetic"}}}
	for p := range places {
		id := fmt.Sprintf("p%05d", p)
		batch.Places = append(batch.Places, ledger.Place{ID: id, Kind: "district", Label: id, Names: []ledger.Name{{Name: id}}})
	}
	batch.Claims = synthetic(places, 50)
	if err := m.Write(ctx, batch); err != nil {
		b.Fatal(err)
	}
	q := readiness.Query{Day: day("2022-06-01"), Rules: readiness.DefaultRules()}
	b.Run("store", func(b *testing.B) {
		for b.Loop() {
			for _, p := range batch.Places {
				q.Place = p.ID
				if _, err := readiness.Place(ctx, m, m.Index, q); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
	q.Place = ""
	book, err := readiness.Of(ctx, m)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("book", func(b *testing.B) {
		for b.Loop() {
			if rs := book.Compute(m, m.Index, q); len(rs) != places {
				b.Fatalf("%d places", len(rs))
			}
		}
	})
}
