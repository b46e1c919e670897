package monitor

import (
	"context"
	"fmt"
	"time"

	"truce/ledger"
	"truce/store"
)

// Review records a decision on a candidate: "accept", "reject", "edit",
// which appends the edited claim (accepted, superseding the candidate) and
// rejects the original, or "corroborate", which records the candidate as a
// further source of the accepted claim saying the same thing. Nothing is changed in place. It returns the id of
// the edited claim, if any.
func Review(ctx context.Context, m *Monitor, id, decision, note string, edited *ledger.Claim, by string) (string, error) {
	if !m.Index.Has(id) {
		return "", fmt.Errorf("claim %s: %w", id, ledger.ErrNotFound)
	}
	if st := m.Index.StatusAt(id, time.Time{}); st != ledger.Candidate {
		return "", fmt.Errorf("claim %s is %s, not a candidate: %w (correct an accepted claim with a new claim that supersedes it)", id, st, ledger.ErrConflict)
	}
	b := store.Batch{}
	switch decision {
	case "accept", "reject":
		return "", Decide(ctx, m, []string{id}, decision, note, by)
	case "edit":
		if edited == nil {
			return "", fmt.Errorf("edit of %s: %w: the edited claim is missing", id, ledger.ErrInvalid)
		}
		orig, err := m.Store.Claims(ctx, []string{id})
		if err != nil {
			return "", err
		}
		c := *edited
		c.ID, c.RecordedAt, c.RecordedBy, c.Status, c.Supersedes = "", orig[0].RecordedAt, by, ledger.Accepted, id
		c.RecordedAt = m.Now()
		if len(c.Attributions) == 0 {
			c.Attributions = orig[0].Attributions // the edit keeps the span it was drawn from
		}
		if c.Credibility == 0 {
			c.Credibility = orig[0].Credibility
		}
		if c.Note == "" {
			c.Note = note
		}
		c.ID = m.NewID()
		b.Claims = []*ledger.Claim{&c}
		b.Reviews = []ledger.Review{{Claim: id, Status: ledger.Rejected, By: by, Note: "edited as " + c.ID}}
		if err := m.Write(ctx, b); err != nil {
			return "", err
		}
		return c.ID, nil
	case "corroborate":
		// A second report of an accepted fact: its sources go to that claim
		// and it is not counted again. The candidate is kept, rejected.
		orig, err := m.Store.Claims(ctx, []string{id})
		if err != nil {
			return "", err
		}
		target := m.Corroborating(orig[0])
		if edited != nil && edited.Corroborates != "" {
			target = edited.Corroborates
		}
		if target == "" {
			return "", fmt.Errorf("corroborate %s: %w: no accepted claim says the same; name one", id, ledger.ErrInvalid)
		}
		if !m.Index.LiveAt(target, time.Time{}) {
			return "", fmt.Errorf("corroborate %s: %w: %s is not an accepted, current claim", id, ledger.ErrInvalid, target)
		}
		c := *orig[0]
		c.ID, c.RecordedAt, c.RecordedBy, c.Status, c.Supersedes, c.Corroborates = m.NewID(), m.Now(), by, ledger.Accepted, "", target
		if c.Note == "" {
			c.Note = note
		}
		b.Claims = []*ledger.Claim{&c}
		b.Reviews = []ledger.Review{{Claim: id, Status: ledger.Rejected, By: by, Note: "corroborates " + target + " (as " + c.ID + ")"}}
		if err := m.Write(ctx, b); err != nil {
			return "", err
		}
		return c.ID, nil
	default:
		return "", fmt.Errorf("decision %q: %w: want accept, reject, edit or corroborate", decision, ledger.ErrInvalid)
	}
}

// Decide accepts or rejects several candidates in one all-or-nothing write.
func Decide(ctx context.Context, m *Monitor, ids []string, decision, note, by string) error {
	status := map[string]string{"accept": ledger.Accepted, "reject": ledger.Rejected}[decision]
	if status == "" {
		return fmt.Errorf("decision %q: %w: want accept or reject", decision, ledger.ErrInvalid)
	}
	var b store.Batch
	for _, id := range ids {
		if !m.Index.Has(id) {
			return fmt.Errorf("claim %s: %w", id, ledger.ErrNotFound)
		}
		if st := m.Index.StatusAt(id, time.Time{}); st != ledger.Candidate {
			return fmt.Errorf("claim %s is %s, not a candidate: %w (correct an accepted claim with a new claim that supersedes it)", id, st, ledger.ErrConflict)
		}
		b.Reviews = append(b.Reviews, ledger.Review{Claim: id, Status: status, By: by, Note: note})
	}
	return m.Write(ctx, b)
}
