package formats

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"truce/internal/shared"
)

// GenerateACLED writes an ACLED-format CSV of n rows: real column layout,
// a few hundred actors and locations, one- to two-sentence notes. It is the
// input of the import benchmark and is never committed.
func GenerateACLED(path string, n int) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	r := rand.New(rand.NewPCG(1, 2))
	types := [][3]string{
		{"Political violence", "Battles", "Armed clash"},
		{"Political violence", "Explosions/Remote violence", "Shelling/artillery/missile attack"},
		{"Political violence", "Violence against civilians", "Attack"},
		{"Demonstrations", "Protests", "Peaceful protest"},
		{"Demonstrations", "Riots", "Violent demonstration"},
		{"Strategic developments", "Strategic developments", "Non-violent transfer of territory"},
	}
	for i, c := range ACLEDColumns {
		if i > 0 {
			w.WriteByte(',')
		}
		w.WriteString(c)
	}
	w.WriteByte('\n')
	day0 := time.Date(2020, 9, 27, 0, 0, 0, 0, time.UTC)
	for i := range n {
		t := types[r.IntN(len(types))]
		a1, a2 := r.IntN(300), r.IntN(300)
		loc := r.IntN(2000)
		lat, lon := 38.5+r.Float64()*3, 44.5+r.Float64()*5
		date := day0.AddDate(0, 0, r.IntN(900)).Format("2006-01-02")
		fmt.Fprintf(w, "SYN%d,%s,%s,%d,%s,%s,%s,Armed Group %d,,%s,Armed Group %d,,%s,,,31,Caucasus and Central Asia,Azerbaijan,Region %d,District %d,,Village %d,%.4f,%.4f,%d,Synthetic Wire,National,\"On %s, in Village %d (District %d), armed group %d and armed group %d clashed; a synthetic row for the import benchmark.\",%d,,1657041386\n",
			i, date, date[:4], 1+r.IntN(3), t[0], t[1], t[2], a1, acledInter[a1%8], a2, acledInter[a2%8],
			loc%40, loc%200, loc, lat, lon, 1+r.IntN(3), date, loc, loc%200, a1, a2, r.IntN(5))
	}
	if err := w.Flush(); err != nil {
		return err
	}
	return f.Close()
}

// cpuTime is the user and system time this process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func benchRows() int {
	if s := os.Getenv("TRUCE_BENCH_ROWS"); s != "" {
		if n, err := strconv.Atoi(s); err == nil {
			return n
		}
	}
	return 1_000_000
}

// BenchmarkImportACLED imports a generated ACLED CSV (1,000,000 rows unless
// TRUCE_BENCH_ROWS says otherwise) into a new SQLite ledger, and, in the
// same run, loads the same file with the sqlite3 shell's .import into a
// bare table as the baseline. Run it with -benchtime=1x.
func BenchmarkImportACLED(b *testing.B) {
	n := benchRows()
	dir := b.TempDir()
	csvPath := filepath.Join(dir, "acled.csv")
	if err := GenerateACLED(csvPath, n); err != nil {
		b.Fatal(err)
	}
	st, _ := os.Stat(csvPath)
	b.Logf("generated %d rows, %.0f MB", n, float64(st.Size())/1e6)

	var baseline, baselineCPU time.Duration
	if sq, err := exec.LookPath("sqlite3"); err == nil {
		start := time.Now()
		cmd := exec.Command(sq, filepath.Join(dir, "bare.db"), ".mode csv", ".import "+csvPath+" acled")
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("sqlite3 .import: %v\n%s", err, out)
		}
		baseline = time.Since(start)
		baselineCPU = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	} else {
		shared.Require(b, "the sqlite3 shell (apt-get install sqlite3)")
	}

	ctx := context.Background()
	b.ResetTimer()
	for i := range b.N {
		b.StopTimer()
		m := newMonitor(b)
		b.StartTimer()
		restore := BulkGC() // as truce import does
		start, cpu0 := time.Now(), cpuTime()
		res, err := Read(ctx, m, ACLED, csvPath, Options{})
		if err != nil {
			b.Fatal(err)
		}
		read := time.Since(start)
		if err := m.Append(ctx, res.Batch); err != nil { // what truce import does
			b.Fatal(err)
		}
		stored, storedCPU := time.Since(start), cpuTime()-cpu0
		restore()
		if err := m.Refresh(ctx); err != nil {
			b.Fatal(err)
		}
		total := time.Since(start)
		if i == 0 {
			b.ReportMetric(float64(n)/stored.Seconds(), "rows/s")
			b.ReportMetric(stored.Seconds()/baseline.Seconds(), "x_sqlite3")
			b.Logf("rows %d: read+check %.2fs, written (committed) %.2fs = %.0f rows/s; index refresh +%.2fs; sqlite3 .import %.2fs; ratio %.2fx",
				n, read.Seconds(), stored.Seconds(), float64(n)/stored.Seconds(), (total - stored).Seconds(), baseline.Seconds(), stored.Seconds()/baseline.Seconds())
			// CPU time is less at the mercy of other processes on a shared machine.
			b.Logf("CPU time: truce import %.2fs (%.0f rows per CPU-second), sqlite3 .import %.2fs; ratio %.2fx",
				storedCPU.Seconds(), float64(n)/storedCPU.Seconds(), baselineCPU.Seconds(), storedCPU.Seconds()/baselineCPU.Seconds())
		}
	}
}

// BenchmarkReadACLED is the reading half of the import alone: parse,
// check and build claims, without writing.
func BenchmarkReadACLED(b *testing.B) {
	path := filepath.Join(b.TempDir(), "acled.csv")
	if err := GenerateACLED(path, 100_000); err != nil {
		b.Fatal(err)
	}
	m := newMonitor(b)
	b.ResetTimer()
	for range b.N {
		if _, err := Read(context.Background(), m, ACLED, path, Options{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)*100_000/b.Elapsed().Seconds(), "rows/s")
}
