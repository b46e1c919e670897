package formats

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"truce/monitor"
	"truce/store/postgres"
	"truce/store/postgres/pgtest"
)

// BenchmarkImportACLEDPostgres imports the generated ACLED CSV (1,000,000
// rows unless TRUCE_BENCH_ROWS says otherwise) as `truce import` does
// (Append: on PostgreSQL the claims stream into COPY while the file is read),
// into
// a new SQLite ledger and into a new PostgreSQL one, and loads the same file
// with PostgreSQL's own COPY into a bare table of 31 text columns, back to
// back in each of three rounds, each PostgreSQL load from a quiet machine
// (quiet); it reports medians. Needs
// TRUCE_TEST_POSTGRES (.ci/postgres.sh). Run it with -benchtime=1x.
func BenchmarkImportACLEDPostgres(b *testing.B) {
	n := benchRows()
	csvPath := filepath.Join(b.TempDir(), "acled.csv")
	if err := GenerateACLED(csvPath, n); err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	imp := func(m *monitor.Monitor) time.Duration {
		start := time.Now()
		if _, err := Append(ctx, m, ACLED, csvPath, Options{}); err != nil {
			b.Fatal(err)
		}
		return time.Since(start)
	}
	var lite, pg, bare, ratio []float64
	for round := range 3 * b.N {
		restore := BulkGC() // as truce import does on SQLite (on PostgreSQL claims are not kept)
		d := imp(newMonitor(b))
		restore()
		lite = append(lite, d.Seconds())

		st, err := postgres.Open(ctx, pgtest.Schema(b))
		if err != nil {
			b.Fatal(err)
		}
		m, err := monitor.Open(ctx, st)
		if err != nil {
			b.Fatal(err)
		}
		quiet(b, st)
		d = imp(m)
		pg = append(pg, d.Seconds())

		cols := make([]string, len(ACLEDColumns))
		for i, c := range ACLEDColumns {
			cols[i] = `"` + c + `" text`
		}
		if err := st.Exec(ctx, "CREATE TABLE acled_bare ("+strings.Join(cols, ", ")+")"); err != nil {
			b.Fatal(err)
		}
		f, err := os.Open(csvPath)
		if err != nil {
			b.Fatal(err)
		}
		conn, err := st.Pool().Acquire(ctx)
		if err != nil {
			b.Fatal(err)
		}
		quiet(b, st)
		start := time.Now()
		tag, err := conn.Conn().PgConn().CopyFrom(ctx, f, "COPY acled_bare FROM STDIN WITH (FORMAT csv, HEADER true)")
		if err != nil || tag.RowsAffected() != int64(n) {
			b.Fatal(tag, err)
		}
		c := time.Since(start)
		conn.Release()
		f.Close()
		st.Close()
		bare = append(bare, c.Seconds())
		ratio = append(ratio, d.Seconds()/c.Seconds())
		b.Logf("round %d: sqlite import %.1fs; postgres import %.1fs; postgres COPY of the file %.1fs; ratio %.2f",
			round+1, lite[len(lite)-1], d.Seconds(), c.Seconds(), ratio[len(ratio)-1])
	}
	med := func(v []float64) float64 { w := slices.Clone(v); slices.Sort(w); return w[len(w)/2] }
	b.ReportMetric(med(lite), "s-sqlite")
	b.ReportMetric(med(pg), "s-postgres")
	b.ReportMetric(med(bare), "s-COPY-file")
	b.ReportMetric(med(ratio), "postgres/COPY")
}

// quiet starts a timed PostgreSQL load from a quiet machine, so that
// neither load inherits the writing back of what ran before it (the SQLite
// import's file, the other load's dirty pages) or its garbage.
func quiet(b *testing.B, st *postgres.Store) {
	runtime.GC()
	syscall.Sync()
	if err := st.Exec(context.Background(), "CHECKPOINT"); err != nil {
		b.Fatal(err)
	}
}
