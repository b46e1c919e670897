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
	register(&command{name: "agreement", args: "status [ID] --at DATE [--known-at DATE] [--json] | list",
		summary: "the implementation status of each provision of an agreement", run: runAgreement})
}

func runAgreement(ctx context.Context, e *env, args []string) error {
	c := commands["agreement"]
	fs := e.flags(c)
	db := e.dbFlags(fs)
	view := viewFlags(fs)
	asJSON := fs.Bool("json", false, "print JSON")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 || (pos[0] != "status" && pos[0] != "list") {
		fs.Usage()
		return usageErr("want 'agreement status [ID]' or 'agreement list'")
	}
	m, done, err := e.open(ctx, db)
	if err != nil {
		return err
	}
	defer done()
	if pos[0] == "list" {
		for _, a := range m.Agreements() {
			fmt.Fprintf(e.stdout, "%s\t%s (signed %s, %d provisions)\n", a.ID, a.Title, a.Signed, len(a.Provisions))
		}
		return nil
	}
	ags := m.Agreements()
	var ag ledger.Agreement
	switch {
	case len(pos) > 1:
		if ag, err = m.Agreement(pos[1]); err != nil {
			return err
		}
	case len(ags) == 1:
		ag = ags[0]
	default:
		return usageErr("%d agreements: name one (truce agreement list)", len(ags))
	}
	day, k, err := view.values()
	if err != nil {
		return err
	}
	sts := m.Index.ProvisionStatus(ag, day, k)
	if *asJSON {
		return writeJSON(e.stdout, map[string]any{"agreement": ag.ID, "at": day.String(), "provisions": sts})
	}
	fmt.Fprintf(e.stdout, "%s\nsigned %s, in force %s; status at %s\n\n", ag.Title, ag.Signed, ag.InForce, day)
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "#\tPROVISION\tSTATUS\tDEADLINES\tEVIDENCE")
	for _, p := range sts {
		status := strings.ReplaceAll(p.Status, "_", " ")
		if p.Status == ledger.StatusMetLate {
			status += fmt.Sprintf(" (%d days)", p.LateDays)
		}
		if p.MetOn != "" {
			status += " on " + p.MetOn
		}
		var dls []string
		for _, d := range p.Deadlines {
			s := d.Due
			if d.Amends != "" {
				s += " (amended from " + d.Amends + ")"
			}
			if d.LateDays > 0 {
				s += fmt.Sprintf(" [late by %d days against it]", d.LateDays)
			}
			if d.InForce {
				s += " *"
			}
			dls = append(dls, s)
		}
		ev := ""
		if len(p.Evidence) > 0 {
			cs, err := m.ClaimsByID(ctx, p.Evidence, k)
			if err != nil {
				return err
			}
			var parts []string
			for _, c := range cs {
				parts = append(parts, monitor.Describe(m, c))
			}
			ev = strings.Join(parts, "; ")
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", p.Number, clip(p.Summary, 60), status, orDash(strings.Join(dls, "; ")), orDash(ev))
		if p.Mandate != nil {
			md := p.Mandate
			fmt.Fprintf(tw, "\t  mandate of %s\tterm %d\tfrom %s, expires %s\tnotice to end by %s (renews %d years unless notice %d months before)\n",
				m.Label(md.Actor), md.Term.N, md.Term.Start, md.Term.Expiry, md.Term.Notice, md.RenewYears, md.NoticeMonths)
		}
	}
	tw.Flush()
	fmt.Fprintln(e.stdout, "\n* the deadline in force at the date")
	return nil
}

// clip shortens text for a table column, on a word boundary; --json has it whole.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := strings.LastIndexByte(s[:n], ' ')
	if cut < n/2 {
		cut = n
	}
	return s[:cut] + "…"
}
