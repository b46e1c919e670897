package main

import (
	"context"
	"fmt"
	"strings"
	"text/tabwriter"

	"truce/gazetteer"
	"truce/ledger"
)

func init() {
	register(&command{name: "places", args: "[NAME] [--json]",
		summary: "the gazetteer: places with every name they are known by", run: runPlaces})
}

func runPlaces(ctx context.Context, e *env, args []string) error {
	c := commands["places"]
	fs := e.flags(c)
	db := e.dbFlags(fs)
	asJSON := fs.Bool("json", false, "print JSON")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	m, done, err := e.open(ctx, db)
	if err != nil {
		return err
	}
	defer done()
	places := m.Places()
	if len(pos) > 0 {
		p, err := m.Place(strings.Join(pos, " "))
		if err != nil {
			return err
		}
		places = []ledger.Place{p}
	}
	if *asJSON {
		return writeJSON(e.stdout, places)
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tKIND\tLABEL\tALSO KNOWN AS\tPOINT")
	for _, p := range places {
		pt := "-"
		if p.Point != nil {
			pt = fmt.Sprintf("%.4f, %.4f", p.Point.Lat, p.Point.Lon)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", p.ID, p.Kind, p.Label, orDash(strings.Join(gazetteer.Aliases(p), ", ")), pt)
	}
	return tw.Flush()
}
