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
