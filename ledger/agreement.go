package ledger

import (
	"time"
)

// Provision statuses.
const (
	StatusPending    = "pending"
	StatusDue        = "due"
	StatusMetOnTime  = "met_on_time"
	StatusMetLate    = "met_late"
	StatusOverdue    = "overdue"
	StatusDisputed   = "disputed"
	StatusInProgress = "in_progress"
	StatusInForce    = "in_force"
	StatusBreached   = "breached"
)

// DeadlineAt is one deadline of a provision and how the outcome stands
// against it.
type DeadlineAt struct {
	Due       string `json:"due"`
	Claim     string `json:"claim"`
	InForce   bool   `json:"in_force"`            // the deadline that applies at the date
	Amends    string `json:"amends,omitempty"`    // the earlier deadline it replaced
	LateDays  int    `json:"late_days,omitempty"` // met this many days after it
	Effective string `json:"effective,omitempty"` // when the amendment took effect
}

// ProvisionState is a provision's implementation status at a date, with
// the claims that decide it.
type ProvisionState struct {
	Provision string       `json:"provision"`
	Number    string       `json:"number"`
	Summary   string       `json:"summary"`
	Category  string       `json:"category"`
	Status    string       `json:"status"`
	MetOn     string       `json:"met_on,omitempty"`
	LateDays  int          `json:"late_days,omitempty"`
	Deadlines []DeadlineAt `json:"deadlines,omitempty"`
	Evidence  []string     `json:"evidence,omitempty"`
	Why       string       `json:"why"`
	Mandate   *MandateAt   `json:"mandate,omitempty"`
}

// MandateAt is a mandate's term computed at a date.
type MandateAt struct {
	Mandate
	Term Term   `json:"term"`
	Err  string `json:"error,omitempty"`
}

// ProvisionStatus computes every provision of ag at day, as known at knownAt.
func (x *Index) ProvisionStatus(ag Agreement, day Day, knownAt time.Time) []ProvisionState {
	out := make([]ProvisionState, 0, len(ag.Provisions))
	for _, p := range ag.Provisions {
		out = append(out, x.provisionStatus(ag, p, day, knownAt))
	}
	return out
}

func (x *Index) provisionStatus(ag Agreement, p Provision, day Day, knownAt time.Time) ProvisionState {
	ps := ProvisionState{Provision: p.ID, Number: p.Number, Summary: p.Summary, Category: p.Category}
	for _, ma := range ag.MandatesAt(day) {
		if ma.Provision == p.ID {
			ps.Mandate = &ma
		}
	}
	k := known(knownAt)
	x.mu.RLock()
	// Deadlines: every live deadline claim recorded by k; the one in force
	// at day is the latest whose valid-from is on or before day.
	type dl struct {
		n   int32
		due Date
	}
	var dls []dl
	var evid []int32
	for _, n := range x.byKey[x.lookup(p.ID)] {
		if !x.live(n, k) {
			continue
		}
		switch x.kinds[x.recs[n].kind] {
		case KindDeadline:
			dls = append(dls, dl{n, x.due[n]})
		case KindEvidence:
			if x.recs[n].from0 <= day {
				evid = append(evid, n)
			}
		}
	}
	inForce := -1
	for i, d := range dls {
		if x.recs[d.n].from0 <= day && (inForce < 0 || x.recs[d.n].from0 >= x.recs[dls[inForce].n].from0) {
			inForce = i
		}
	}
	// Evidence from the expected outcome.
	var metDay Day
	met, disputed, progress := false, false, false
	var outcomes = map[string]bool{}
	for _, n := range evid {
		o := x.outcome[n]
		outcomes[o] = true
		ps.Evidence = append(ps.Evidence, x.id(n))
		if o == "met" && (!met || x.recs[n].from0 < metDay) {
			met, metDay = true, x.recs[n].from0
		}
	}
	x.mu.RUnlock()
	switch p.Expected.Kind {
	case KindControl:
		st, ok := x.PlaceAt(p.Expected.Place, day, knownAt)
		if ok && st.Disputed {
			disputed = true
			ps.Evidence = append(ps.Evidence, sideClaims(st)...)
		} else if ok && st.Controller == p.Expected.Actor && st.SinceDay != MinDay {
			met, metDay = true, st.SinceDay
			ps.Evidence = append(ps.Evidence, st.Claim)
		}
	case KindPresence:
		st, ok := x.PlaceAt(p.Expected.Place, day, knownAt)
		if ok {
			for i, pr := range st.Presence {
				if pr.Actor == p.Expected.Actor && (p.Expected.Role == "" || pr.Role == p.Expected.Role) {
					progress = true
					ps.Evidence = append(ps.Evidence, st.PresenceBy[i])
				}
			}
		}
	case KindFigure:
		ids, _, _ := x.Select(Filter{Kinds: []string{KindFigure}, Key: p.Expected.Metric, Place: p.Expected.Place,
			Status: Accepted, KnownAt: knownAt, Current: true, To: day})
		if len(ids) > 0 {
			progress = true
			ps.Evidence = append(ps.Evidence, x.latestValid(ids))
		}
	}
	if outcomes["met"] && outcomes["not_met"] || outcomes["in_force"] && outcomes["breached"] {
		disputed = true
	}
	for i, d := range dls {
		da := DeadlineAt{Due: d.due.String(), Claim: x.id(d.n), InForce: i == inForce}
		if i > 0 {
			da.Amends = dls[i-1].due.String()
			da.Effective = dayOrOpen(x.recs[d.n].from0)
		}
		if met && metDay > d.due.Last() {
			da.LateDays = int(metDay - d.due.Last())
		}
		ps.Deadlines = append(ps.Deadlines, da)
	}
	var due Date
	if inForce >= 0 {
		due = dls[inForce].due
	}
	switch {
	case disputed:
		ps.Status, ps.Why = StatusDisputed, "accepted claims disagree on the outcome"
	case outcomes["breached"]:
		ps.Status, ps.Why = StatusBreached, "a breach is recorded"
	case met:
		ps.MetOn = metDay.String()
		switch {
		case due.IsZero():
			ps.Status, ps.Why = StatusMetOnTime, "met; no deadline set"
		case metDay <= due.Last():
			ps.Status, ps.Why = StatusMetOnTime, "met on or before the deadline in force ("+due.String()+")"
		default:
			ps.Status, ps.LateDays = StatusMetLate, int(metDay-due.Last())
			ps.Why = "met after the deadline in force (" + due.String() + ")"
		}
	case outcomes["in_force"]:
		ps.Status, ps.Why = StatusInForce, "recorded as in force"
	case progress || outcomes["in_progress"]:
		ps.Status, ps.Why = StatusInProgress, "evidence of implementation under way, not complete"
		if !due.IsZero() && day > due.Last() {
			ps.Status, ps.Why = StatusOverdue, "under way but past the deadline in force ("+due.String()+")"
		}
	case !due.IsZero() && day > due.Last():
		ps.Status, ps.Why = StatusOverdue, "no evidence of implementation and the deadline in force ("+due.String()+") has passed"
	case !due.IsZero() && day >= due.First():
		ps.Status, ps.Why = StatusDue, "due today ("+due.String()+")"
	default:
		ps.Status, ps.Why = StatusPending, "no evidence of implementation yet"
	}
	return ps
}

func sideClaims(st PlaceState) []string {
	var out []string
	for _, s := range st.Sides {
		out = append(out, s.Claims...)
	}
	return out
}

// latestValid picks, of claims, the one whose valid time starts last.
func (x *Index) latestValid(ids []string) string {
	x.mu.RLock()
	defer x.mu.RUnlock()
	best, bestDay := "", MinDay
	for _, id := range ids {
		if n, ok := x.num(id); ok && x.recs[n].from0 >= bestDay {
			best, bestDay = id, x.recs[n].from0
		}
	}
	return best
}

// MandatesAt computes the term of each of the agreement's mandates at day.
func (ag Agreement) MandatesAt(day Day) []MandateAt {
	out := make([]MandateAt, 0, len(ag.Mandates))
	for _, m := range ag.Mandates {
		ma := MandateAt{Mandate: m}
		t, err := m.TermAt(day)
		if err != nil {
			ma.Err = err.Error()
		}
		ma.Term = t
		out = append(out, ma)
	}
	return out
}
