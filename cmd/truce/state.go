package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"truce/ledger"
	"truce/monitor"
)

func init() {
	register(&command{name: "state", args: "--at DATE [--known-at DATE] [--json]",
		summary: "the control map, presence and latest figures at a date", run: runState})
	register(&command{name: "changes", args: "--from DATE --to DATE [--known-at DATE] [--json]",
		summary: "places whose control changed between two dates", run: runChanges})
}

// knownAt reads a --known-at value: a date means the end of that day.
func knownAt(s string) (time.Time, error) {
	t, err := ledger.ParseKnownAt(s)
	if err != nil {
		return t, usageErr("--known-at: %v", err)
	}
	return t, nil
}

// viewOpts are the two times every derived view is asked at: a date of the
// world (--at) and a recorded-time horizon (--known-at).
type viewOpts struct{ at, knownAt *string }

func viewFlags(fs *flag.FlagSet) viewOpts {
	return viewOpts{
		at:      fs.String("at", "", "date of the world, YYYY-MM-DD (default today)"),
		knownAt: fs.String("known-at", "", "as known at this recorded date, YYYY-MM-DD or RFC 3339 (default: everything recorded)"),
	}
}

// values reads the flags: --at defaults to today, --known-at to now.
func (o viewOpts) values() (ledger.Day, time.Time, error) {
	day, err := dayFlag("at", *o.at)
	if err != nil {
		return 0, time.Time{}, err
	}
	k, err := knownAt(*o.knownAt)
	return day, k, err
}

func dayFlag(name, s string) (ledger.Day, error) {
	if s == "" {
		return ledger.DayOf(time.Now()), nil
	}
	d, err := ledger.ParseDay(s)
	if err != nil {
		return 0, usageErr("--%s: %v", name, err)
	}
	return d, nil
}

func runState(ctx context.Context, e *env, args []string) error {
	c := commands["state"]
	fs := e.flags(c)
	db := e.dbFlags(fs)
	view := viewFlags(fs)
	asJSON := fs.Bool("json", false, "print JSON")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	day, k, err := view.values()
	if err != nil {
		return err
	}
	m, done, err := e.open(ctx, db)
	if err != nil {
		return err
	}
	defer done()
	st := m.Index.State(day, k)
	figs, err := latestFigures(ctx, m, day, k)
	if err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(e.stdout, map[string]any{"at": day.String(), "known_at": k, "places": st, "figures": figs})
	}
	fmt.Fprintf(e.stdout, "State at %s", day)
	if !k.IsZero() {
		fmt.Fprintf(e.stdout, ", as known at %s", k.Format("2006-01-02"))
	}
	fmt.Fprintf(e.stdout, " (%s)\n\n", plural(len(st), "place", "places"))
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "PLACE\tCONTROLLED BY\tSINCE\tPRESENT\tNOTE")
	for _, s := range st {
		var pres []string
		for _, p := range s.Presence {
			pres = append(pres, m.Label(p.Actor))
		}
		note := ""
		switch {
		case s.Disputed:
			var sides []string
			for _, sd := range s.Sides {
				sides = append(sides, fmt.Sprintf("%s (per %s)", m.Label(sd.Actor), labels(m, sd.AssertedBy)))
			}
			note = "DISPUTED: " + strings.Join(sides, " vs ")
		case s.Uncertain:
			note = "change date imprecise"
		}
		ctl := m.Label(s.Controller)
		if s.Controller == "" {
			ctl = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", m.Label(s.Place), ctl, orDash(s.Since), orDash(strings.Join(pres, ", ")), note)
	}
	tw.Flush()
	if len(figs) > 0 {
		fmt.Fprintln(e.stdout, "\nFigures (latest reported on or before the date)")
		tw = tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "METRIC\tSCOPE\tVALUE\tAS OF\tSAID BY")
		for _, f := range figs {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", f.Figure.Metric, orDash(m.Label(f.Figure.Place)), monitor.FigureText(f.Figure), f.Valid.From, orDash(m.Label(f.AssertedBy)))
		}
		tw.Flush()
	}
	return nil
}

// latestFigures gives, per metric and scope, the figure valid latest on or
// before day.
func latestFigures(ctx context.Context, m *monitor.Monitor, day ledger.Day, k time.Time) ([]*ledger.Claim, error) {
	page, err := m.Claims(ctx, ledger.Filter{Kinds: []string{ledger.KindFigure}, Status: ledger.Accepted, Current: true, KnownAt: k, To: day}, "")
	if err != nil {
		return nil, err
	}
	latest := map[string]*ledger.Claim{}
	var order []string
	for _, c := range page.Claims {
		key := c.Figure.Metric + "\x00" + c.Figure.Place + "\x00" + c.Figure.Actor
		if old, ok := latest[key]; !ok {
			order = append(order, key)
			latest[key] = c
		} else if c.Valid.From.First() >= old.Valid.From.First() {
			latest[key] = c
		}
	}
	out := make([]*ledger.Claim, 0, len(order))
	for _, k := range order {
		out = append(out, latest[k])
	}
	return out, nil
}

func labels(m *monitor.Monitor, ids []string) string {
	var out []string
	for _, id := range ids {
		out = append(out, m.Label(id))
	}
	if len(out) == 0 {
		return "unattributed"
	}
	return strings.Join(out, ", ")
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func runChanges(ctx context.Context, e *env, args []string) error {
	c := commands["changes"]
	fs := e.flags(c)
	db := e.dbFlags(fs)
	from := fs.String("from", "", "start date, YYYY-MM-DD")
	to := fs.String("to", "", "end date, YYYY-MM-DD (default today)")
	ka := fs.String("known-at", "", "as known at this recorded date")
	asJSON := fs.Bool("json", false, "print JSON")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if *from == "" {
		return usageErr("--from is required")
	}
	d0, err := dayFlag("from", *from)
	if err != nil {
		return err
	}
	d1, err := dayFlag("to", *to)
	if err != nil {
		return err
	}
	k, err := knownAt(*ka)
	if err != nil {
		return err
	}
	m, done, err := e.open(ctx, db)
	if err != nil {
		return err
	}
	defer done()
	ch := m.Index.Changes(d0, d1, k)
	if *asJSON {
		return writeJSON(e.stdout, ch)
	}
	fmt.Fprintf(e.stdout, "Control changes between %s and %s: %d\n", d0, d1, len(ch))
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "SINCE\tPLACE\tBEFORE\tAFTER")
	for _, x := range ch {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", x.Since, m.Label(x.Place), orDash(m.Label(x.Before)), m.Label(x.After))
	}
	return tw.Flush()
}
