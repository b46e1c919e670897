package ledger

import (
	"fmt"
	"time"
)

// Term is one period of a mandate with the last day to give notice that
// ends it.
type Term struct {
	N      int `json:"n"`
	Start  Day `json:"start"`
	Expiry Day `json:"expiry"`
	Notice Day `json:"notice_by"`
}

// TermAt computes the term of the mandate in force at day: the first term
// runs TermYears from Start; each renewal adds RenewYears unless notice was
// given. Renewal is automatic, so without notice claims the term at any
// later day is computed by rolling forward.
func (m Mandate) TermAt(day Day) (Term, error) {
	if m.Start.Prec != PrecDay {
		return Term{}, fmt.Errorf("mandate %s: start %q must be an exact day to compute expiry", m.ID, m.Start)
	}
	if m.TermYears <= 0 {
		return Term{}, fmt.Errorf("mandate %s: term of %d years", m.ID, m.TermYears)
	}
	start := time.Date(m.Start.Y, time.Month(m.Start.M), m.Start.D, 0, 0, 0, 0, time.UTC)
	t := Term{N: 1, Start: DayOf(start)}
	expiry := start.AddDate(m.TermYears, 0, 0)
	for {
		t.Expiry = DayOf(expiry)
		t.Notice = DayOf(expiry.AddDate(0, -m.NoticeMonths, 0))
		if day < t.Expiry || m.RenewYears <= 0 {
			return t, nil
		}
		t.N++
		t.Start = t.Expiry
		expiry = expiry.AddDate(m.RenewYears, 0, 0)
	}
}
