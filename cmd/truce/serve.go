package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"time"

	"truce/web"
)

func init() {
	register(&command{name: "serve", args: "[--addr HOST:PORT] [--db FILE | --postgres URL]",
		summary: "serve the web interface, the JSON API and OGC API - Features", run: runServe})
}

func runServe(ctx context.Context, e *env, args []string) error {
	c := commands["serve"]
	fs := e.flags(c)
	db := e.dbFlags(fs)
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on; loopback unless told otherwise")
	refresh := fs.Duration("refresh", 5*time.Second, "how often to read what other writers appended (PostgreSQL)")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(e.stderr, nil))
	m, done, err := e.open(ctx, db)
	if err != nil {
		return err
	}
	defer done()
	if db.postgres != "" && *refresh > 0 {
		go func() {
			t := time.NewTicker(*refresh)
			defer t.Stop()
			for {
				select {
				case <-ctx.Done():
					return
				case <-t.C:
					if err := m.Refresh(ctx); err != nil {
						log.Warn("refresh", "err", err)
					}
				}
			}
		}()
	}
	srv := web.New(m, log)
	return web.Serve(ctx, *addr, srv, log, func(a string) {
		host, port, _ := net.SplitHostPort(a)
		if host == "" || host == "::" || host == "0.0.0.0" {
			host = "localhost"
		}
		fmt.Fprintf(e.stdout, "truce serving %s (%d claims, %d places) at http://%s/\n", dbName(db), m.Index.Len(), len(m.Places()), net.JoinHostPort(host, port))
	})
}

func dbName(o *dbOpts) string {
	if o.postgres != "" {
		return "PostgreSQL"
	}
	return o.path
}
