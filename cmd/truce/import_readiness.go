package main

import (
	"context"
	"fmt"
	"os"

	"truce/ledger"
	"truce/readiness"
	"truce/store"
)

// runImport reads one file with read and writes it as one batch: all or nothing.
func runReadinessImport(ctx context.Context, e *env, args []string, name string, read func([]byte, readiness.Import) (store.Batch, error)) error {
	c := commands[name]
	fs := e.flags(c)
	db := e.dbFlags(fs)
	published := fs.String("published", "", "publication date of the file (YYYY, YYYY-MM or YYYY-MM-DD)")
	asserted := fs.String("asserted-by", "", "actor id of the party the figures come from")
	status := fs.String("status", ledger.Accepted, "review status of the claims: accepted or candidate")
	by := fs.String("by", "import", "who records the claims")
	files, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(files) != 1 {
		return usageErr("want one FILE")
	}
	if *status != ledger.Accepted && *status != ledger.Candidate {
		return usageErr("--status %q: want accepted or candidate", *status)
	}
	pub, err := ledger.ParseDate(*published)
	if err != nil {
		return usageErr("--published: %v", err)
	}
	data, err := os.ReadFile(files[0])
	if err != nil {
		return err
	}
	m, done, err := e.open(ctx, db)
	if err != nil {
		return err
	}
	defer done()
	b, err := read(data, readiness.Import{Name: files[0], Published: pub, Status: *status, AssertedBy: *asserted, RecordedBy: *by,
		Places: m.Places(), Place: func(ref string) (string, bool) {
			p, err := m.Place(ref)
			return p.ID, err == nil
		}})
	if err != nil {
		return err
	}
	if err := m.Write(ctx, b); err != nil {
		return fmt.Errorf("%s: nothing written: %w", files[0], err)
	}
	fmt.Fprintf(e.stdout, "%s: %s written from source %s\n", files[0], plural(len(b.Claims), "claim", "claims"), b.Sources[0].ID)
	return nil
}
