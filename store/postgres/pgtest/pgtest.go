// Package pgtest gives tests a fresh, empty PostgreSQL schema on the server
// named by TRUCE_TEST_POSTGRES (.ci/postgres.sh starts one). Without it the
// test is skipped, or fails under CI=true.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"truce/internal/shared"
)

// URL is the test server's URL.
func URL(t testing.TB) string {
	t.Helper()
	u := os.Getenv("TRUCE_TEST_POSTGRES")
	if u == "" {
		shared.Require(t, "PostgreSQL (TRUCE_TEST_POSTGRES)")
	}
	return u
}

// Schema creates a schema of its own for one test, dropped when the test
// ends, and returns a URL whose search_path selects it (PostGIS stays in
// public). A schema costs milliseconds where a database costs a second.
func Schema(t testing.TB) string {
	t.Helper()
	base := URL(t)
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatalf("connect to TRUCE_TEST_POSTGRES: %v", err)
	}
	defer conn.Close(ctx)
	// Test binaries run in parallel: only one creates the extension.
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock(7472756365)"); err != nil {
		t.Fatal(err)
	}
	_, err = conn.Exec(ctx, "CREATE EXTENSION IF NOT EXISTS postgis SCHEMA public")
	conn.Exec(ctx, "SELECT pg_advisory_unlock(7472756365)")
	if err != nil {
		t.Fatalf("postgis: %v", err)
	}
	b := make([]byte, 6)
	rand.Read(b)
	name := "truce_test_" + hex.EncodeToString(b)
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		c, err := pgx.Connect(ctx, base)
		if err != nil {
			t.Errorf("drop %s: %v", name, err)
			return
		}
		defer c.Close(ctx)
		if _, err := c.Exec(ctx, "DROP SCHEMA "+name+" CASCADE"); err != nil {
			t.Errorf("drop %s: %v", name, err)
		}
	})
	sep := "?"
	if strings.Contains(base, "?") {
		sep = "&"
	}
	return base + sep + "search_path=" + url.QueryEscape(name+",public")
}
