package monitor

import (
	"context"
	"fmt"

	"truce/ledger"
	"truce/store"
)

// Review records a decision on a candidate: "accept", "reject", or "edit",
// which appends the edited claim (accepted, superseding the candidate) and
// rejects the original. Nothing is changed in place. It returns the id of
// the edited claim, if any.
func Review(ctx context.Context, m *Monitor, id, decision, note string, edited *ledger.Claim, by string) (string, error) {
	if !m.Index.Has(id) {
		return "", fmt.Errorf("claim %s: %w", id, ledger.ErrNotFound)
	}
	b := store.Batch{}
	switch decision {
	case "accept":
		b.Reviews = []ledger.Review{{Claim: id, Status: ledger.Accepted, By: by, Note: note}}
	case "reject":
		b.Reviews = []ledger.Review{{Claim: id, Status: ledger.Rejected, By: by, Note: note}}
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
	default:
		return "", fmt.Errorf("decision %q: %w: want accept, reject or edit", decision, ledger.ErrInvalid)
	}
	return "", m.Write(ctx, b)
}
