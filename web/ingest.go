package web

import (
	"net/http"
	"time"

	"truce/extract"
	"truce/ledger"
	"truce/monitor"
)

func init() {
	addRoute("POST /api/v1/ingest", func(s *Server) handler { return s.need("analyst", s.ingest) })
	addRoute("GET /api/v1/review", func(s *Server) handler { return s.reviewQueue })
	addRoute("GET /api/v1/mentions", func(s *Server) handler { return s.mentions })
}

// IngestRequest is a report posted for reading.
type IngestRequest struct {
	Text        string `json:"text"`
	Published   string `json:"published,omitempty"` // YYYY-MM-DD or YYYY-MM; empty: relative dates stay unresolved
	Title       string `json:"title,omitempty"`
	Publisher   string `json:"publisher,omitempty"`
	URL         string `json:"url,omitempty"`
	Kind        string `json:"kind,omitempty"`
	Reliability string `json:"reliability,omitempty"`
	Lang        string `json:"lang,omitempty"`
}

// ingest stores a report and queues the claims it makes as candidates.
func (s *Server) ingest(w http.ResponseWriter, r *http.Request) error {
	var req IngestRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	u := r.Context().Value(userKey).(*User)
	meta := extract.Meta{Name: "request", Title: req.Title, Publisher: req.Publisher, URL: req.URL, Kind: req.Kind,
		Reliability: req.Reliability, Lang: req.Lang, RecordedBy: u.Name}
	if req.Published != "" {
		d, err := ledger.ParseDate(req.Published)
		if err != nil {
			return badRequest("published: %v", err)
		}
		meta.Published = d
	}
	rep, err := extract.Ingest(r.Context(), s.m, []byte(req.Text), meta)
	if err != nil {
		return err
	}
	cands := rep.Claims
	if rep.Existing {
		page, err := s.m.Claims(r.Context(), ledger.Filter{Source: rep.Source.ID, Status: ledger.Candidate}, "")
		if err != nil {
			return err
		}
		cands = page.Claims
	}
	if cands == nil {
		cands = []*ledger.Claim{}
	}
	if !rep.Existing {
		w = withStatus(w, http.StatusCreated)
	}
	return writeJSON(w, r, map[string]any{"source": rep.Source.ID, "existing": rep.Existing, "candidates": cands,
		"unknown_names": rep.Mentions})
}

// Candidate is a claim awaiting review, with the accepted claims it
// disagrees with and the one it repeats, if any.
type Candidate struct {
	*ledger.Claim
	Contradicts  []string `json:"contradicts,omitempty"`
	Corroborates string   `json:"corroborates,omitempty"`
	What         string   `json:"what"`
}

// reviewQueue lists candidates, oldest first, each beside what it contradicts.
func (s *Server) reviewQueue(w http.ResponseWriter, r *http.Request) error {
	q := query(r, "source", "limit", "cursor")
	limit := q.int("limit", 100, 1, 1000)
	if q.err != nil {
		return q.err
	}
	page, err := s.m.Claims(r.Context(), ledger.Filter{Source: q.str("source"), Status: ledger.Candidate, Limit: limit}, q.str("cursor"))
	if err != nil {
		return err
	}
	out := []Candidate{}
	for _, c := range s.visible(r, page.Claims) {
		out = append(out, Candidate{Claim: c, Contradicts: s.m.Contradicting(c), Corroborates: s.m.Corroborating(c), What: monitor.Describe(s.m, c)})
	}
	return writeJSON(w, r, map[string]any{"total": page.Total, "candidates": out, "next": page.Next})
}

// mentions lists names reports used that the gazetteer does not know.
func (s *Server) mentions(w http.ResponseWriter, r *http.Request) error {
	if q := query(r); q.err != nil {
		return q.err
	}
	ms, err := s.m.Store.Mentions(r.Context())
	if err != nil {
		return err
	}
	count := map[string]int{}
	var names []string
	for _, m := range ms {
		if count[m.Name] == 0 {
			names = append(names, m.Name)
		}
		count[m.Name]++
	}
	type row struct {
		Name  string `json:"name"`
		Count int    `json:"count"`
	}
	rows := []row{}
	for _, n := range names {
		rows = append(rows, row{n, count[n]})
	}
	return writeJSON(w, r, map[string]any{"total": len(rows), "names": rows, "as_of": time.Now().UTC()})
}
