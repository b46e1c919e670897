package monitor

import (
	"time"

	"truce/ledger"
)

// Contradicting lists the accepted claims a candidate disagrees with: for a
// control claim, the control in force at its date that names another actor
// (every other side where the place is already disputed). Review shows them
// beside the candidate.
func (m *Monitor) Contradicting(c *ledger.Claim) []string {
	if c.Control == nil || c.Valid.From.IsZero() {
		return nil
	}
	day := c.Valid.From.Last()
	if day == ledger.MaxDay {
		return nil
	}
	ps, ok := m.Index.PlaceAt(c.Control.Place, day, time.Time{})
	if !ok || ps.Controller == "" {
		return nil
	}
	var ids []string
	if ps.Disputed {
		for _, s := range ps.Sides {
			if s.Actor != c.Control.Actor {
				ids = append(ids, s.Claims...)
			}
		}
	} else if ps.Controller != c.Control.Actor {
		ids = []string{ps.Claim}
	}
	return ids
}

// Corroborating names an accepted control claim that already says the same
// actor took the place on the same day: a second report of one fact, which
// review proposes to merge rather than count twice.
func (m *Monitor) Corroborating(c *ledger.Claim) string {
	if c.Control == nil || c.Valid.From.Prec != ledger.PrecDay {
		return ""
	}
	ps, ok := m.Index.PlaceAt(c.Control.Place, c.Valid.From.First(), time.Time{})
	if ok && ps.Controller == c.Control.Actor && ps.SinceDay == c.Valid.From.First() && ps.Claim != c.ID {
		return ps.Claim
	}
	return ""
}
