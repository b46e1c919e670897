package main

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"truce/store/postgres"
	"truce/store/postgres/pgtest"
)

// TestMigratePostgres runs `truce migrate` against PostgreSQL named by the
// environment, as a deployment would, twice: the second finds it current.
func TestMigratePostgres(t *testing.T) {
	url := pgtest.Schema(t)
	for range 2 {
		var out, errb bytes.Buffer
		e := &env{stdin: strings.NewReader(""), stdout: &out, stderr: &errb,
			getenv: func(k string) string {
				if k == "TRUCE_POSTGRES" {
					return url
				}
				return ""
			}}
		if code := run(context.Background(), e, []string{"migrate"}); code != 0 {
			t.Fatalf("code %d: %s", code, errb.String())
		}
		if want := fmt.Sprintf("PostgreSQL: schema version %d", postgres.SchemaVersion); !strings.Contains(out.String(), want) {
			t.Fatalf("got %q, want %q", out.String(), want)
		}
	}
}

// TestMigrateIndexPoints adds the optional spatial index on event points,
// twice (the second finds it), and refuses the flag on SQLite.
func TestMigrateIndexPoints(t *testing.T) {
	url := pgtest.Schema(t)
	for range 2 {
		if out := truce(t, 0, "migrate", "--postgres", url, "--index-points"); !strings.Contains(out, "event points indexed (claims_geom)") {
			t.Fatalf("migrate --index-points: %s", out)
		}
	}
	st, err := postgres.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var def string
	if err := st.Pool().QueryRow(context.Background(), `SELECT i.indexdef FROM pg_indexes i JOIN pg_index x ON x.indexrelid = (i.schemaname || '.' || i.indexname)::regclass
		WHERE i.indexname = 'claims_geom' AND i.schemaname = current_schema() AND x.indisvalid`).Scan(&def); err != nil || !strings.Contains(def, "gist (geom)") {
		t.Fatalf("claims_geom: %q %v", def, err)
	}
	if _, errs := truceIn(t, "", 2, "migrate", "--db", t.TempDir()+"/t.db", "--index-points"); !strings.Contains(errs, "PostgreSQL only") {
		t.Errorf("on SQLite: %s", errs)
	}
}
