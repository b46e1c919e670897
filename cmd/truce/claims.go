package main

import (
	"context"
	"fmt"
	"strings"
	"text/tabwriter"

	"truce/ledger"
	"truce/monitor"
)

func init() {
	register(&command{name: "claims", args: "[--kind K] [--place P] [--actor A] [--source S] [--status S] [--from D] [--to D] [--known-at D] [--json]",
		summary: "list and filter claims, with their sources and quotes", run: runClaims})
}

func runClaims(ctx context.Context, e *env, args []string) error {
	c := commands["claims"]
	fs := e.flags(c)
	db := e.dbFlags(fs)
	kind := fs.String("kind", "", "claim kind: "+strings.Join(ledger.Kinds, ", ")+" (comma-separated)")
	place := fs.String("place", "", "place id or any of its names")
	actor := fs.String("actor", "", "actor id (as subject or asserting party)")
	source := fs.String("source", "", "source id")
	metric := fs.String("metric", "", "figure metric, provision id, hazard area or event type")
	status := fs.String("status", "", "candidate, accepted or rejected (default any)")
	from := fs.String("from", "", "valid on or after this date")
	to := fs.String("to", "", "valid on or before this date")
	ka := fs.String("known-at", "", "as known at this recorded date")
	current := fs.Bool("current", false, "leave out claims superseded by a correction")
	limit := fs.Int("limit", 0, "at most this many claims (0: all)")
	asJSON := fs.Bool("json", false, "print JSON")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	f := ledger.Filter{Actor: *actor, Source: *source, Key: *metric, Status: *status, Current: *current, Limit: *limit}
	if *kind != "" {
		f.Kinds = strings.Split(*kind, ",")
		for _, k := range f.Kinds {
			if !contains(ledger.Kinds, k) {
				return usageErr("--kind %q: want one of %s", k, strings.Join(ledger.Kinds, ", "))
			}
		}
	}
	switch *status {
	case "", ledger.Candidate, ledger.Accepted, ledger.Rejected:
	default:
		return usageErr("--status %q: want candidate, accepted or rejected", *status)
	}
	var err error
	if *from != "" {
		if f.From, err = dayFlag("from", *from); err != nil {
			return err
		}
	}
	if *to != "" {
		if f.To, err = dayFlag("to", *to); err != nil {
			return err
		}
	}
	if f.KnownAt, err = knownAt(*ka); err != nil {
		return err
	}
	m, done, err := e.open(ctx, db)
	if err != nil {
		return err
	}
	defer done()
	if *place != "" {
		p, err := m.Place(*place)
		if err != nil {
			return err
		}
		f.Place = p.ID
		if !*asJSON {
			fmt.Fprintf(e.stdout, "place: %s (%s)\n", p.Label, p.ID)
		}
	}
	page, err := m.Claims(ctx, f, "")
	if err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(e.stdout, page)
	}
	fmt.Fprintf(e.stdout, "%s matched", plural(page.Total, "claim", "claims"))
	if len(page.Claims) < page.Total {
		fmt.Fprintf(e.stdout, ", %d shown", len(page.Claims))
	}
	fmt.Fprintln(e.stdout)
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tKIND\tVALID\tSTATUS\tWHAT\tSAID BY\tSOURCE")
	for _, c := range page.Claims {
		var srcs []string
		for _, a := range c.Attributions {
			srcs = append(srcs, a.Source)
		}
		valid := c.Valid.From.String()
		if !c.Valid.To.IsZero() && c.Valid.To != c.Valid.From {
			valid += ".." + c.Valid.To.String()
		}
		st := c.Status
		if sup := m.Index.SupersededBy(c.ID); len(sup) > 0 {
			st += " (superseded by " + strings.Join(sup, ", ") + ")"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", c.ID, c.Kind, orDash(valid), st, monitor.Describe(m, c), orDash(m.Label(c.AssertedBy)), strings.Join(srcs, ", "))
	}
	return tw.Flush()
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}
