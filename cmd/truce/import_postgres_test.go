package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"truce/internal/shared"
	"truce/ledger"
	"truce/store"
	"truce/store/postgres"
	"truce/store/postgres/pgtest"
	"truce/store/sqlite"
)

// TestImportPostgres imports a real 9,000-row ACLED file, which streams
// into PostgreSQL in several chunks while it is read, and compares every
// claim with the same import into SQLite. Then a file that fails on its
// 8,000th line, after most of it has streamed, is refused with the line
// named and leaves the ledger as it was.
func TestImportPostgres(t *testing.T) {
	pg := pgtest.Schema(t)
	dir := t.TempDir()
	db := filepath.Join(dir, "t.db")
	acled := shared.Path(t, "data", "acled", "acledR_acled_old_deletion_dummy_global_2022H1.csv")
	want := "imported acled: 9000 rows, 9000 claims (candidate)"
	if out := truce(t, 0, "import", "--empty", "--db", db, acled); !strings.Contains(out, want) {
		t.Fatalf("sqlite: %s", out)
	}
	if out := truce(t, 0, "import", "--empty", "--postgres", pg, acled); !strings.Contains(out, want) {
		t.Fatalf("postgres: %s", out)
	}
	ctx := context.Background()
	lite, err := sqlite.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer lite.Close()
	server, err := postgres.Open(ctx, pg)
	if err != nil {
		t.Fatal(err)
	}
	defer server.Close()
	// Ids and recorded times differ between two imports; all else is equal.
	same := func(st store.Store) []string {
		var out []string
		if err := st.Scan(ctx, 0, func(_ int64, c *ledger.Claim) error {
			c.ID, c.RecordedAt = "", time.Time{}
			j, err := json.Marshal(c)
			out = append(out, string(j))
			return err
		}); err != nil {
			t.Fatal(err)
		}
		return out
	}
	a, b := same(lite), same(server)
	if len(a) != len(b) || len(b) < 9000 {
		t.Fatalf("%d claims in SQLite, %d in PostgreSQL", len(a), len(b))
	}
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("claim %d differs:\nsqlite   %s\npostgres %s", i, a[i], b[i])
		}
	}
	la, _ := lite.Actors(ctx)
	pa, _ := server.Actors(ctx)
	if len(la) != len(pa) || len(pa) < 100 {
		t.Fatalf("actors: %d in SQLite, %d in PostgreSQL", len(la), len(pa))
	}

	raw, err := os.ReadFile(acled)
	if err != nil {
		t.Fatal(err)
	}
	lines := bytes.SplitAfter(raw, []byte("\n"))
	lines[7999] = bytes.Replace(lines[7999], []byte(",2022-02-28,"), []byte(",2022-02-30,"), 1)
	bad := filepath.Join(dir, "bad.csv")
	if err := os.WriteFile(bad, bytes.Join(lines, nil), 0o644); err != nil {
		t.Fatal(err)
	}
	count := func() (n int) {
		q := "SELECT (SELECT count(*) FROM claims) + (SELECT count(*) FROM actors) + (SELECT count(*) FROM sources)"
		if err := server.Pool().QueryRow(ctx, q).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := count()
	// The same file again: refused once its hash is known, mid-stream.
	code, _, errs := runCmd(t, "import", "--postgres", pg, acled)
	if code == 0 || !strings.Contains(errs, "imported before") {
		t.Errorf("second import: exit %d, %s", code, errs)
	}
	_, errs = truceIn(t, "", 3, "import", "--postgres", pg, bad)
	if !strings.Contains(errs, bad+`:8000: column event_date: "2022-02-30"`) {
		t.Errorf("refused file: %s", errs)
	}
	if after := count(); after != before {
		t.Errorf("claims, actors and sources went from %d to %d rows: a refused file wrote something", before, after)
	}
}
