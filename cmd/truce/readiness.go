package main

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"

	"truce/readiness"
)

func init() {
	register(&command{name: "readiness", args: "--at DATE [--place P [--history]] [--known-at D] [--rules FILE] [--detail] [--json]",
		summary: "return readiness per place: hazards, services, returns, and why", run: runReadiness})
}

func runReadiness(ctx context.Context, e *env, args []string) error {
	c := commands["readiness"]
	fs := e.flags(c)
	db := e.dbFlags(fs)
	view := viewFlags(fs)
	place := fs.String("place", "", "one place: id or any of its names (default: every place with evidence, and every district and settlement)")
	rulesFile := fs.String("rules", "", "rules file (JSON) replacing the built-in rules; see README")
	detail := fs.Bool("detail", false, "also list hazardous areas, services and rounds per place")
	history := fs.Bool("history", false, "with --place: each date up to --at on which the status or its reasons changed")
	asJSON := fs.Bool("json", false, "print JSON")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	day, k, err := view.values()
	if err != nil {
		return err
	}
	rules := readiness.DefaultRules()
	if *rulesFile != "" {
		b, err := os.ReadFile(*rulesFile)
		if err != nil {
			return usageErr("--rules: %v", err)
		}
		if rules, err = readiness.ParseRules(b, *rulesFile); err != nil {
			return exitError{3, err}
		}
	}
	m, done, err := e.open(ctx, db)
	if err != nil {
		return err
	}
	defer done()
	q := readiness.Query{Day: day, KnownAt: k, Rules: rules}
	if *history {
		if *place == "" {
			return usageErr("--history needs --place")
		}
		p, err := m.Place(*place)
		if err != nil {
			return err
		}
		q.Place = p.ID
		h, err := readiness.History(ctx, m, m.Index, q)
		if err != nil {
			return err
		}
		if *asJSON {
			return writeJSON(e.stdout, map[string]any{"place": p.ID, "at": day.String(), "history": h})
		}
		fmt.Fprintf(e.stdout, "Return readiness of %s up to %s\n\n", p.Label, day)
		tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "FROM\tSTATUS\tWHY\tCLAIMS")
		for _, c := range h {
			for i, rs := range c.Reasons {
				if i == 0 {
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", c.Date, strings.ReplaceAll(c.Status, "_", " "), rs.Text, claimList(rs.Claims))
				} else {
					fmt.Fprintf(tw, "\t\t%s\t%s\n", rs.Text, claimList(rs.Claims))
				}
			}
		}
		return tw.Flush()
	}
	var rs []readiness.Result
	if *place != "" {
		p, err := m.Place(*place)
		if err != nil {
			return err
		}
		q.Place = p.ID
		r, err := readiness.Place(ctx, m, m.Index, q)
		if err != nil {
			return err
		}
		rs = []readiness.Result{r}
	} else {
		b, err := readiness.Of(ctx, m)
		if err != nil {
			return err
		}
		rs = b.Compute(m, m.Index, q)
	}
	if *asJSON {
		out := map[string]any{"at": day.String(), "places": rs, "summary": countByStatus(rs)}
		if !k.IsZero() {
			out["known_at"] = k
		}
		return writeJSON(e.stdout, out)
	}
	fmt.Fprintf(e.stdout, "Return readiness at %s", day)
	if !k.IsZero() {
		fmt.Fprintf(e.stdout, ", as known at %s", k.Format("2006-01-02"))
	}
	var counts []string
	for st, n := range countByStatus(rs) {
		counts = append(counts, fmt.Sprintf("%s %d", st, n))
	}
	sort.Strings(counts)
	fmt.Fprintf(e.stdout, " (%s: %s)\n\n", plural(len(rs), "place", "places"), strings.Join(counts, ", "))
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "PLACE\tSTATUS\tHAZARD LEFT m2\tRELEASED m2\tDISPLACED\tRETURNED\tWHY\tCLAIMS")
	for _, r := range rs {
		left, rel := "-", "-"
		if v, _, ok := r.Value("hazard.remaining_m2"); ok {
			left = strconv.FormatFloat(v.(float64), 'f', -1, 64)
		}
		if v, _, ok := r.Value("hazard.released_m2"); ok {
			rel = strconv.FormatFloat(v.(float64), 'f', -1, 64)
		}
		for i, rs := range r.Reasons {
			if i == 0 {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.Label, strings.ReplaceAll(r.Status, "_", " "), left, rel,
					countText(r.Displaced), countText(r.Returned), rs.Text, claimList(rs.Claims))
			} else {
				fmt.Fprintf(tw, "\t\t\t\t\t\t%s\t%s\n", rs.Text, claimList(rs.Claims))
			}
		}
		for _, w := range r.Warnings {
			fmt.Fprintf(tw, "\t\t\t\t\t\tWARNING: %s\t%s\n", w.Message, claimList(w.Claims))
		}
	}
	tw.Flush()
	if *detail || *place != "" {
		for _, r := range rs {
			printDetail(e, r)
		}
	}
	return nil
}

func printDetail(e *env, r readiness.Result) {
	if len(r.Areas)+len(r.Services)+len(r.Rounds) == 0 {
		return
	}
	fmt.Fprintf(e.stdout, "\n%s\n", r.Label)
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	if len(r.Areas) > 0 {
		fmt.Fprintln(tw, "  HAZARD AREA\tSTATUS\tDECLARED m2\tCANCELLED\tREDUCED\tCLEARED\tREMAINING\tDEVICES FOUND/DESTROYED\tCLAIMS")
		for _, a := range r.Areas {
			fmt.Fprintf(tw, "  %s\t%s\t%.0f\t%.0f\t%.0f\t%.0f\t%.0f\t%d/%d\t%s\n", a.ID, orDash(a.Status), a.DeclaredM2, a.CancelledM2, a.ReducedM2,
				a.ClearedM2, a.RemainingM2, a.Devices, a.Destroyed, claimList(a.Claims))
		}
	}
	if len(r.Services) > 0 {
		fmt.Fprintln(tw, "  SECTOR\tSTATUS\tSINCE\tCLAIM")
		for _, s := range r.Services {
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", s.Sector, strings.ReplaceAll(s.Status, "_", " "), s.Since, s.Claim)
		}
	}
	if len(r.Rounds) > 0 {
		fmt.Fprintln(tw, "  ROUND\tDATE\tDISPLACED FROM\tRETURNED\tIDPS HOSTED")
		for _, x := range r.Rounds {
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\n", orDash(x.Round), x.Date, countText(x.Displaced), countText(x.Returned), countText(x.Hosted))
		}
	}
	tw.Flush()
}

// countText shows a count as reported: best with its range and qualifier.
func countText(c *readiness.Count) string {
	if c == nil {
		return "-"
	}
	s := ""
	if c.Best != nil {
		s = strconv.FormatFloat(*c.Best, 'f', -1, 64)
	}
	if c.Low != nil || c.High != nil {
		lo, hi := "?", "?"
		if c.Low != nil {
			lo = strconv.FormatFloat(*c.Low, 'f', -1, 64)
		}
		if c.High != nil {
			hi = strconv.FormatFloat(*c.High, 'f', -1, 64)
		}
		s = strings.TrimSpace(s + " (" + lo + "-" + hi + ")")
	}
	if c.Qualifier != "" && c.Qualifier != "exact" {
		s = strings.ReplaceAll(c.Qualifier, "_", " ") + " " + s
	}
	return s
}

func claimList(ids []string) string {
	const max = 4
	if len(ids) > max {
		return strings.Join(ids[:max], ",") + fmt.Sprintf(",+%d", len(ids)-max)
	}
	return orDash(strings.Join(ids, ","))
}

func countByStatus(rs []readiness.Result) map[string]int {
	out := map[string]int{}
	for _, r := range rs {
		out[r.Status]++
	}
	return out
}
