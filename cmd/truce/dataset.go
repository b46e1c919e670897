package main

import (
	"context"
	"fmt"

	"truce/datasets"
)

func init() {
	register(&command{name: "dataset", args: "load [ID] | list",
		summary: "load a case shipped inside truce (default karabakh-2020); loading again adds nothing", run: runDataset})
}

func runDataset(ctx context.Context, e *env, args []string) error {
	c := commands["dataset"]
	fs := e.flags(c)
	db := e.dbFlags(fs)
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 || len(pos) > 2 || (pos[0] != "load" && pos[0] != "list") || (pos[0] == "list" && len(pos) > 1) {
		fs.Usage()
		return usageErr("want 'dataset load [ID]' or 'dataset list'")
	}
	if pos[0] == "list" {
		for _, id := range datasets.IDs() {
			fmt.Fprintln(e.stdout, id)
		}
		return nil
	}
	id := datasets.Default
	if len(pos) == 2 {
		id = pos[1]
	}
	// The load below is the explicit one: do not let open seed first.
	db.noSeed = true
	m, done, err := e.open(ctx, db)
	if err != nil {
		return err
	}
	defer done()
	st, err := datasets.Apply(ctx, m, id)
	if err != nil {
		return err
	}
	if st == (datasets.Stats{Skipped: st.Skipped}) {
		fmt.Fprintf(e.stdout, "%s: already loaded, nothing to add (%s skipped)\n", id, plural(st.Skipped, "item", "items"))
		return nil
	}
	fmt.Fprintf(e.stdout, "%s: loaded %s, %s, %s, %s and %s (%d already present)\n", id,
		plural(st.Claims, "claim", "claims"), plural(st.Places, "place", "places"), plural(st.Actors, "actor", "actors"),
		plural(st.Sources, "source", "sources"), plural(st.Agreements, "agreement", "agreements"), st.Skipped)
	return nil
}
