package main

import (
	"context"
	"fmt"
)

func init() {
	register(&command{
		name:    "migrate",
		args:    "[--db FILE | --postgres URL [--index-points]]",
		summary: "create or upgrade the database schema, and print its version",
		run:     runMigrate,
	})
}

func runMigrate(ctx context.Context, e *env, args []string) error {
	c := commands["migrate"]
	fs := e.flags(c)
	o := e.dbFlags(fs)
	points := fs.Bool("index-points", false, "PostgreSQL: add a spatial (GiST) index on event points, built without blocking; each imported row then costs more")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	// Opening a store applies its migrations (under a lock on PostgreSQL,
	// so several instances may start at once); nothing is seeded.
	st, err := openStore(ctx, o)
	if err != nil {
		return err
	}
	defer st.Close()
	where := o.path
	if o.postgres != "" {
		where = "PostgreSQL"
	}
	if v, ok := st.(interface {
		Version(context.Context) (int, error)
	}); ok {
		n, err := v.Version(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "%s: schema version %d\n", where, n)
	} else {
		fmt.Fprintf(e.stdout, "%s: schema up to date\n", where)
	}
	if *points {
		ip, ok := st.(interface{ IndexPoints(context.Context) error })
		if !ok {
			return usageErr("--index-points: PostgreSQL only (give --postgres or $TRUCE_POSTGRES)")
		}
		if err := ip.IndexPoints(ctx); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "%s: event points indexed (claims_geom)\n", where)
	}
	return nil
}
