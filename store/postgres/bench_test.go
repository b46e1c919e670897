package postgres

// Benchmarks of PostgreSQL beside SQLite, in one run on one machine.
//
// Rerun (a durable server, as in production):
//
//	TRUCE_PG_DIR=/tmp/truce-pg-bench TRUCE_PG_DURABLE=1 .ci/postgres.sh run \
//	  sh -c 'go test -run XXX -bench . -benchtime 1x -timeout 60m ./store/postgres/'
//
// Each benchmark runs its backends back to back, TRUCE_BENCH_ROUNDS times
// (default 3), so that they share whatever else loads the machine, and
// reports medians. TRUCE_BENCH_ROWS sizes the bulk load (default 1,000,000).

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"truce/ledger"
	"truce/monitor"
	"truce/store"
	"truce/store/postgres/pgtest"
	"truce/store/sqlite"
)

func benchRounds() int {
	if n, err := strconv.Atoi(os.Getenv("TRUCE_BENCH_ROUNDS")); err == nil && n > 0 {
		return n
	}
	return 3
}

func benchRows() int {
	if n, err := strconv.Atoi(os.Getenv("TRUCE_BENCH_ROWS")); err == nil && n > 0 {
		return n
	}
	return 1_000_000
}

// eventLoad is an ACLED-like load: n event claims over 1,000 places and 20
// actors, each a row of one dataset source, with coordinates.
func eventLoad(n int) (store.Batch, []*ledger.Claim) {
	var refs store.Batch
	for a := range 20 {
		id := fmt.Sprintf("a%02d", a)
		refs.Actors = append(refs.Actors, ledger.Actor{ID: id, Kind: "armed force", Label: "Actor " + id, Names: []ledger.Name{{Name: "Actor " + id}}})
	}
	for p := range 1000 {
		id := fmt.Sprintf("p%04d", p)
		refs.Places = append(refs.Places, ledger.Place{ID: id, Kind: "settlement", Label: "Place " + id, Names: []ledger.Name{{Name: "Place " + id}},
			Point: &ledger.Point{Lon: 44 + float64(p%40)*0.05, Lat: 39 + float64(p/40)*0.05}})
	}
	refs.Sources = []store.SourceText{{Source: ledger.Source{ID: "acled", Kind: "dataset", Title: "ACLED export", Reliability: "B"}}}
	types := [][2]string{{"Battles", "Armed clash"}, {"Explosions/Remote violence", "Shelling/artillery/missile attack"},
		{"Violence against civilians", "Attack"}, {"Protests", "Peaceful protest"}, {"Strategic developments", "Looting/property destruction"},
		{"Riots", "Violent demonstration"}}
	start := ledger.DayOf(time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC))
	rec := time.Date(2024, 3, 1, 9, 30, 0, 0, time.UTC)
	cs := make([]*ledger.Claim, n)
	for i := range n {
		t := types[i%len(types)]
		p := i % 1000
		day := ledger.DateOfDay(start + ledger.Day(i%3650))
		fat := float64(i % 7)
		cs[i] = &ledger.Claim{ID: fmt.Sprintf("ACLED-%07d", i), Kind: ledger.KindEvent,
			Valid:        ledger.Interval{From: day, To: day},
			Attributions: []ledger.Attribution{{Source: "acled", Start: i * 240, End: i*240 + 230}},
			RecordedAt:   rec, RecordedBy: "import", Status: ledger.Accepted, Credibility: 3, Rule: "acled",
			Event: &ledger.Event{Type: t[0], SubType: t[1], Actors: []string{fmt.Sprintf("a%02d", i%20), fmt.Sprintf("a%02d", (i+7)%20)},
				Place: fmt.Sprintf("p%04d", p), Point: &ledger.Point{Lon: 44 + float64(p%40)*0.05 + 0.001*float64(i%10), Lat: 39 + float64(p/40)*0.05},
				GeoPrec: 1 + i%3, Location: fmt.Sprintf("Place p%04d", p), Fatalities: &ledger.Range{Best: &fat},
				ExternalID: fmt.Sprintf("AZE%d", 10000+i),
				Notes:      fmt.Sprintf("On %s, forces of a%02d and a%02d clashed near Place p%04d. %d fatalities reported.", day, i%20, (i+7)%20, p, i%7)}}
	}
	return refs, cs
}

var load struct {
	once sync.Once
	refs store.Batch
	cs   []*ledger.Claim
}

func theLoad() (store.Batch, []*ledger.Claim) {
	load.once.Do(func() { load.refs, load.cs = eventLoad(benchRows()) })
	return load.refs, load.cs
}

// BenchmarkBulkWrite is one Write of the whole event load (an importer's
// one batch per file) into each backend, beside PostgreSQL's own COPY of the
// same rows from CSV into a bare table (no keys, indexes or triggers).
func BenchmarkBulkWrite(b *testing.B) {
	ctx := context.Background()
	refs, cs := theLoad()
	path := filepath.Join(b.TempDir(), "claims.copy")
	writeRows(b, path, cs)
	var lite, pg, bare, ratio []float64
	b.ResetTimer()
	for range b.N * benchRounds() {
		d := timeWrite(b, func() store.Store {
			st, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "bulk.db"))
			if err != nil {
				b.Fatal(err)
			}
			return st
		}, refs, cs)
		lite = append(lite, d.Seconds())
		d = timeWrite(b, func() store.Store {
			st, err := Open(ctx, pgtest.Schema(b))
			if err != nil {
				b.Fatal(err)
			}
			return st
		}, refs, cs)
		pg = append(pg, d.Seconds())
		d = timeCopy(b, path, len(cs))
		bare = append(bare, d.Seconds())
		ratio = append(ratio, pg[len(pg)-1]/d.Seconds())
		b.Logf("round %d: sqlite %.1fs, postgres %.1fs, COPY bare %.1fs, ratio %.2f", len(pg), lite[len(lite)-1], pg[len(pg)-1], d.Seconds(), ratio[len(ratio)-1])
	}
	b.ReportMetric(median(lite), "s-sqlite")
	b.ReportMetric(median(pg), "s-postgres")
	b.ReportMetric(median(bare), "s-COPY-bare")
	b.ReportMetric(median(ratio), "postgres/COPY")
	b.ReportMetric(float64(len(cs))/median(pg), "rows/s-postgres")
}

func median(v []float64) float64 {
	w := append([]float64(nil), v...)
	slices.Sort(w)
	return w[len(w)/2]
}

// timeWrite opens a fresh store, writes the reference data, and times the
// one Write of the claims.
func timeWrite(b *testing.B, open func() store.Store, refs store.Batch, cs []*ledger.Claim) time.Duration {
	ctx := context.Background()
	b.StopTimer()
	st := open()
	defer st.Close()
	if err := st.Write(ctx, refs); err != nil {
		b.Fatal(err)
	}
	runtime.GC()
	b.StartTimer()
	t0 := time.Now()
	if err := st.Write(ctx, store.Batch{Claims: cs}); err != nil {
		b.Fatal(err)
	}
	return time.Since(t0)
}

// timeCopy times COPY of the rows as Write stores them (the binary COPY
// data Write sends) into a bare table of the same columns.
func timeCopy(b *testing.B, path string, n int) time.Duration {
	ctx := context.Background()
	b.StopTimer()
	st, err := Open(ctx, pgtest.Schema(b))
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	if err := st.Exec(ctx, "CREATE TABLE bare AS SELECT "+strings.Join(claimCols, ", ")+" FROM claims WITH NO DATA"); err != nil {
		b.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	conn, err := st.pool.Acquire(ctx)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Release()
	b.StartTimer()
	t0 := time.Now()
	tag, err := conn.Conn().PgConn().CopyFrom(ctx, f, "COPY bare FROM STDIN (FORMAT binary)")
	if err != nil || tag.RowsAffected() != int64(n) {
		b.Fatal(tag, err)
	}
	return time.Since(t0)
}

// writeRows writes the claims as the binary COPY data Write sends.
func writeRows(b *testing.B, path string, cs []*ledger.Claim) {
	var t tuples
	t.header()
	for i, c := range cs {
		if err := t.claim(int64(i+1), c); err != nil {
			b.Fatal(err)
		}
	}
	t.trailer()
	if err := os.WriteFile(path, t.b, 0o644); err != nil {
		b.Fatal(err)
	}
}

func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// controlLoad is 10,000 places with 100 control claims each, changing hands
// every 30 days between four actors.
func controlLoad() (store.Batch, []*ledger.Claim) {
	var refs store.Batch
	actors := []string{"a", "b", "c", "d"}
	for _, a := range actors {
		refs.Actors = append(refs.Actors, ledger.Actor{ID: a, Kind: "state", Label: a, Names: []ledger.Name{{Name: "Actor " + a}}})
	}
	refs.Sources = []store.SourceText{{Source: ledger.Source{ID: "s", Kind: "dataset", Title: "synthetic"}}}
	start := ledger.DayOf(time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC))
	rec := time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC)
	cs := make([]*ledger.Claim, 0, 1_000_000)
	for p := range 10000 {
		place := fmt.Sprintf("p%05d", p)
		refs.Places = append(refs.Places, ledger.Place{ID: place, Kind: "settlement", Label: place, Names: []ledger.Name{{Name: "Place " + place}},
			Point: &ledger.Point{Lon: 40 + float64(p%100)*0.1, Lat: 35 + float64(p/100)*0.1}})
		for i := range 100 {
			cs = append(cs, &ledger.Claim{
				ID: fmt.Sprintf("%s-%03d", place, i), Kind: ledger.KindControl,
				Valid:        ledger.Interval{From: ledger.DateOfDay(start + ledger.Day(i*30+p%30))},
				Attributions: []ledger.Attribution{{Source: "s"}}, RecordedAt: rec, RecordedBy: "bench",
				Status: ledger.Accepted, Credibility: 2,
				Control: &ledger.Control{Place: place, Actor: actors[(i+p)%4], Mode: "capture"},
			})
		}
	}
	return refs, cs
}

// BenchmarkControlMap loads a monitor from each backend holding 10,000
// places x 100 control claims, and draws the control map at a date.
func BenchmarkControlMap(b *testing.B) {
	ctx := context.Background()
	refs, cs := controlLoad()
	day := ledger.DayOf(time.Date(1994, 6, 1, 0, 0, 0, 0, time.UTC))
	lite, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "map.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer lite.Close()
	pg, err := Open(ctx, pgtest.Schema(b))
	if err != nil {
		b.Fatal(err)
	}
	defer pg.Close()
	stores := []struct {
		name string
		st   store.Store
	}{{"sqlite", lite}, {"postgres", pg}}
	for _, s := range stores {
		t0 := time.Now()
		if err := s.st.Write(ctx, refs); err != nil {
			b.Fatal(err)
		}
		if err := s.st.Write(ctx, store.Batch{Claims: cs}); err != nil {
			b.Fatal(err)
		}
		b.Logf("%s: 1,000,000 control claims written in %.1fs", s.name, time.Since(t0).Seconds())
	}
	loads := map[string][]float64{}
	maps := map[string][]float64{}
	b.ResetTimer()
	for range b.N * benchRounds() {
		for _, s := range stores {
			runtime.GC()
			t0 := time.Now()
			m, err := monitor.Open(ctx, s.st)
			if err != nil {
				b.Fatal(err)
			}
			loaded := time.Since(t0)
			runtime.GC() // the load's garbage is not the map's cost
			const n = 20
			t1 := time.Now()
			for range n {
				if st := m.Index.State(day, time.Time{}); len(st) != 10000 {
					b.Fatal(len(st))
				}
			}
			mapped := time.Since(t1) / n
			loads[s.name] = append(loads[s.name], loaded.Seconds())
			maps[s.name] = append(maps[s.name], float64(mapped.Microseconds())/1000)
			b.Logf("%s: load %.2fs, map %.1fms", s.name, loaded.Seconds(), float64(mapped.Microseconds())/1000)
		}
	}
	for _, s := range stores {
		b.ReportMetric(median(loads[s.name]), "s-load-"+s.name)
		b.ReportMetric(median(maps[s.name]), "ms-map-"+s.name)
	}
}
