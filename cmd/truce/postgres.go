package main

import (
	"context"

	"truce/store"
	"truce/store/postgres"
)

// PostgreSQL is compiled in: --postgres URL (or TRUCE_POSTGRES) selects it.
func init() {
	openPostgres = func(ctx context.Context, url string) (store.Store, error) {
		return postgres.Open(ctx, url)
	}
}
