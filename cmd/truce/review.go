package main

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"truce/gazetteer"
	"truce/ledger"
	"truce/monitor"
)

func init() {
	register(&command{name: "review", args: "[list] [--source S] [--unknown] | accept ID... | reject ID... --note N | edit ID [--place P --actor A --from D ...] | corroborate ID [--of CLAIM]",
		summary: "review candidate claims: list them (with the accepted claims they contradict or repeat), accept, reject, edit, or corroborate", run: runReview})
}

func runReview(ctx context.Context, e *env, args []string) error {
	sub := "list"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		sub, args = args[0], args[1:]
	}
	c := commands["review"]
	fs := e.flags(c)
	db := e.dbFlags(fs)
	by := fs.String("by", e.getenv("USER"), "reviewer name")
	note := fs.String("note", "", "why (kept with the review)")
	source := fs.String("source", "", "list: only candidates from this source")
	unknown := fs.Bool("unknown", false, "list: names reports used that the gazetteer does not know")
	limit := fs.Int("limit", 0, "list: at most this many candidates (0: all)")
	// edit: the fields to change
	place := fs.String("place", "", "edit: place id or name")
	actor := fs.String("actor", "", "edit: actor id or name (controller, speaker, party)")
	mode := fs.String("mode", "", "edit: control mode: capture, handover, withdrawal, agreement")
	from := fs.String("from", "", "edit: valid from (YYYY, YYYY-MM, YYYY-MM-DD; <D or >D for bounds)")
	to := fs.String("to", "", "edit: valid to")
	metric := fs.String("metric", "", "edit: figure metric")
	qualifier := fs.String("qualifier", "", "edit: figure qualifier: exact, about, more_than, less_than, up_to, nearly, at_least")
	low := fs.String("low", "", "edit: figure low")
	best := fs.String("best", "", "edit: figure best")
	high := fs.String("high", "", "edit: figure high")
	asserted := fs.String("asserted-by", "", "edit: asserting party")
	cred := fs.Int("credibility", 0, "edit: credibility 1-6")
	of := fs.String("of", "", "corroborate: the accepted claim the candidate reports again (default: the one review found)")
	ids, err := parse(fs, args)
	if err != nil {
		return err
	}
	if *by == "" {
		*by = "analyst"
	}
	m, done, err := e.open(ctx, db)
	if err != nil {
		return err
	}
	defer done()
	switch sub {
	case "list":
		if *unknown {
			return listUnknown(ctx, e, m)
		}
		return listCandidates(ctx, e, m, *source, *limit)
	case "accept", "reject":
		if len(ids) == 0 {
			return usageErr("review %s: name at least one claim ID", sub)
		}
		if err := monitor.Decide(ctx, m, ids, sub, *note, *by); err != nil {
			if errors.Is(err, ledger.ErrConflict) {
				return exitError{3, err}
			}
			return err
		}
		fmt.Fprintf(e.stdout, "%s %s\n", plural(len(ids), "claim", "claims"), map[string]string{"accept": "accepted", "reject": "rejected"}[sub])
		return nil
	case "edit":
		if len(ids) != 1 {
			return usageErr("review edit: name exactly one claim ID")
		}
		cs, err := m.Store.Claims(ctx, ids)
		if err != nil {
			return err
		}
		ed := *cs[0]
		if err := applyEdit(m, &ed, editFields{*place, *actor, *mode, *from, *to, *metric, *qualifier, *low, *best, *high, *asserted, *cred}); err != nil {
			return err
		}
		ed.Note = *note
		id, err := monitor.Review(ctx, m, ids[0], "edit", *note, &ed, *by)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "%s edited as %s (accepted; the candidate is rejected and superseded)\n", ids[0], id)
		return nil
	case "corroborate":
		if len(ids) != 1 {
			return usageErr("review corroborate: name exactly one claim ID")
		}
		var target *ledger.Claim
		if *of != "" {
			target = &ledger.Claim{Corroborates: *of}
		}
		id, err := monitor.Review(ctx, m, ids[0], "corroborate", *note, target, *by)
		if err != nil {
			return err
		}
		cs, err := m.Store.Claims(ctx, []string{id})
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "%s recorded as a further source of %s (as %s); it is not counted twice\n", ids[0], cs[0].Corroborates, id)
		return nil
	}
	return usageErr("review %q: want list, accept, reject, edit or corroborate", sub)
}

type editFields struct {
	place, actor, mode, from, to, metric, qualifier, low, best, high, asserted string
	cred                                                                       int
}

// applyEdit copies the analyst's corrections onto a copy of the claim.
func applyEdit(m *monitor.Monitor, c *ledger.Claim, f editFields) error {
	g := m.Gazetteer()
	var placeID, actorID string
	if f.place != "" {
		p, err := m.Place(f.place)
		if err != nil {
			return err
		}
		placeID = p.ID
	}
	if f.actor != "" {
		id, err := findActor(g, f.actor)
		if err != nil {
			return err
		}
		actorID = id
	}
	if f.asserted != "" {
		id, err := findActor(g, f.asserted)
		if err != nil {
			return err
		}
		c.AssertedBy = id
	}
	var err error
	if f.from != "" {
		if c.Valid.From, err = ledger.ParseDate(f.from); err != nil {
			return usageErr("--from: %v", err)
		}
	}
	if f.to != "" {
		if c.Valid.To, err = ledger.ParseDate(f.to); err != nil {
			return usageErr("--to: %v", err)
		}
	}
	if f.cred != 0 {
		c.Credibility = f.cred
	}
	// copy payloads so the stored candidate is never touched
	switch {
	case c.Control != nil:
		p := *c.Control
		p.Place, p.Actor, p.Mode = or(placeID, p.Place), or(actorID, p.Actor), or(f.mode, p.Mode)
		c.Control = &p
	case c.Figure != nil:
		p := *c.Figure
		p.Place, p.Actor, p.Metric, p.Qualifier = or(placeID, p.Place), or(actorID, p.Actor), or(f.metric, p.Metric), or(f.qualifier, p.Qualifier)
		for _, v := range []struct {
			s   string
			dst **float64
		}{{f.low, &p.Low}, {f.best, &p.Best}, {f.high, &p.High}} {
			if v.s == "" {
				continue
			}
			if v.s == "-" {
				*v.dst = nil
				continue
			}
			x, err := strconv.ParseFloat(strings.ReplaceAll(v.s, ",", ""), 64)
			if err != nil {
				return usageErr("figure value %q: want a number (or - to clear)", v.s)
			}
			*v.dst = &x
		}
		c.Figure = &p
	case c.Statement != nil:
		p := *c.Statement
		p.Actor, p.About = or(actorID, p.Actor), or(placeID, p.About)
		c.Statement = &p
	case c.Event != nil:
		p := *c.Event
		p.Place = or(placeID, p.Place)
		if actorID != "" {
			p.Actors = []string{actorID}
		}
		c.Event = &p
	}
	c.Rule, c.Confidence = c.Rule+" (edited)", 0
	return nil
}

func or(v, d string) string {
	if v != "" {
		return v
	}
	return d
}

func findActor(g *gazetteer.Gazetteer, ref string) (string, error) {
	if _, ok := g.Actor(ref); ok {
		return ref, nil
	}
	if id, ok := g.FindActor(ref); ok {
		return id, nil
	}
	return "", fmt.Errorf("actor %q: %w", ref, ledger.ErrNotFound)
}

// listCandidates prints each candidate with its quote and, for a control
// change, the accepted claims it contradicts.
func listCandidates(ctx context.Context, e *env, m *monitor.Monitor, source string, limit int) error {
	page, err := m.Claims(ctx, ledger.Filter{Status: ledger.Candidate, Source: source, Limit: limit}, "")
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%s to review", plural(page.Total, "candidate", "candidates"))
	if len(page.Claims) < page.Total {
		fmt.Fprintf(e.stdout, ", %d shown", len(page.Claims))
	}
	fmt.Fprintln(e.stdout)
	for _, c := range page.Claims {
		fmt.Fprintf(e.stdout, "\n%s  %s  %s\n", c.ID, c.Kind, monitor.Describe(m, c))
		valid := orDash(c.Valid.From.String())
		if !c.Valid.To.IsZero() {
			valid += ".." + c.Valid.To.String()
		}
		fmt.Fprintf(e.stdout, "  valid %s", valid)
		if c.AssertedBy != "" {
			fmt.Fprintf(e.stdout, "  said by %s", m.Label(c.AssertedBy))
		}
		fmt.Fprintf(e.stdout, "  rule %s  confidence %.2f\n", c.Rule, c.Confidence)
		for _, a := range c.Attributions {
			fmt.Fprintf(e.stdout, "  %s [%d,%d) %q\n", a.Source, a.Start, a.End, oneLine(a.Quote, 160))
		}
		if c.Note != "" {
			fmt.Fprintf(e.stdout, "  note: %s\n", c.Note)
		}
		for _, line := range contradictions(ctx, m, c) {
			fmt.Fprintf(e.stdout, "  CONTRADICTS %s\n", line)
		}
		if id := m.Corroborating(c); id != "" {
			fmt.Fprintf(e.stdout, "  AGREES with accepted claim %s (another report of the same change)\n", id)
		}
	}
	return nil
}

// contradictions describes the accepted claims a candidate disagrees with.
func contradictions(ctx context.Context, m *monitor.Monitor, c *ledger.Claim) []string {
	ids := m.Contradicting(c)
	if len(ids) == 0 {
		return nil
	}
	cs, err := m.ClaimsByID(ctx, ids, time.Time{})
	if err != nil {
		return []string{err.Error()}
	}
	var out []string
	for _, o := range cs {
		q := ""
		if len(o.Attributions) > 0 {
			q = fmt.Sprintf(" %s %q", o.Attributions[0].Source, oneLine(o.Attributions[0].Quote, 100))
		}
		out = append(out, fmt.Sprintf("%s (accepted): %s from %s%s", o.ID, monitor.Describe(m, o), orDash(o.Valid.From.String()), q))
	}
	return out
}

// listUnknown prints the names reports used that the gazetteer lacks,
// most frequent first, so the gazetteer can grow.
func listUnknown(ctx context.Context, e *env, m *monitor.Monitor) error {
	ms, err := m.Store.Mentions(ctx)
	if err != nil {
		return err
	}
	type group struct {
		name, kind string
		n          int
		sources    map[string]bool
	}
	groups := map[string]*group{}
	var keys []string
	for _, mn := range ms {
		if len(m.Gazetteer().Lookup(mn.Name)) > 0 {
			continue // added to the gazetteer since
		}
		k := mn.Kind + "\x00" + gazetteer.Fold(mn.Name)
		g := groups[k]
		if g == nil {
			g = &group{name: mn.Name, kind: mn.Kind, sources: map[string]bool{}}
			groups[k] = g
			keys = append(keys, k)
		}
		g.n++
		g.sources[mn.Source] = true
	}
	sort.Slice(keys, func(i, j int) bool {
		a, b := groups[keys[i]], groups[keys[j]]
		return a.n > b.n || a.n == b.n && keys[i] < keys[j]
	})
	fmt.Fprintf(e.stdout, "%s not in the gazetteer\n", plural(len(keys), "name", "names"))
	for _, k := range keys {
		g := groups[k]
		var srcs []string
		for s := range g.sources {
			srcs = append(srcs, s)
		}
		sort.Strings(srcs)
		fmt.Fprintf(e.stdout, "  %-5s  %-32s %s in %s\n", g.kind, g.name, plural(g.n, "mention", "mentions"), strings.Join(srcs, ", "))
	}
	return nil
}
