package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"truce/datasets"
	"truce/monitor"
	"truce/store"
	"truce/store/sqlite"
)

// dbOpts are the database flags every command that touches the ledger takes.
type dbOpts struct {
	path     string
	postgres string
	noSeed   bool
}

func (e *env) dbFlags(fs *flag.FlagSet) *dbOpts {
	o := &dbOpts{}
	def := e.getenv("TRUCE_DB")
	if def == "" {
		def = "truce.db"
	}
	fs.StringVar(&o.path, "db", def, "SQLite database file (env TRUCE_DB); created if missing")
	fs.StringVar(&o.postgres, "postgres", e.getenv("TRUCE_POSTGRES"), "PostgreSQL URL (env TRUCE_POSTGRES); overrides --db")
	fs.BoolVar(&o.noSeed, "empty", false, "do not load the embedded Karabakh 2020 case into a new database")
	return o
}

// openPostgres is set by the PostgreSQL store's wiring.
var openPostgres func(ctx context.Context, url string) (store.Store, error)

func openStore(ctx context.Context, o *dbOpts) (store.Store, error) {
	if o.postgres != "" {
		if openPostgres == nil {
			return nil, fmt.Errorf("this build has no PostgreSQL support")
		}
		return openPostgres(ctx, o.postgres)
	}
	if dir := filepath.Dir(o.path); dir != "." {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, err
		}
	}
	return sqlite.Open(ctx, o.path)
}

// open opens the ledger; a new, empty one gets the embedded default case.
func (e *env) open(ctx context.Context, o *dbOpts) (*monitor.Monitor, func(), error) {
	st, err := openStore(ctx, o)
	if err != nil {
		return nil, nil, err
	}
	m, err := monitor.Open(ctx, st)
	if err != nil {
		st.Close()
		return nil, nil, err
	}
	if !o.noSeed && m.Index.Len() == 0 && len(m.Places()) == 0 {
		if err := datasets.Load(ctx, m, datasets.Default); err != nil {
			st.Close()
			return nil, nil, fmt.Errorf("load the embedded %s case: %w", datasets.Default, err)
		}
	}
	return m, func() { st.Close() }, nil
}
