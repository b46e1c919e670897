package web

import (
	"context"
	"net/http"
	"strings"

	"truce/ledger"
	"truce/monitor"
)

// IngestRequest is a report handed in through POST /api/v1/ingest.
type IngestRequest struct {
	Text      string `json:"text"`
	Published string `json:"published"` // YYYY-MM-DD (or a coarser date)
	Title     string `json:"title,omitempty"`
	Publisher string `json:"publisher,omitempty"`
	URL       string `json:"url,omitempty"`
}

// Ingester stores a report with the candidate claims drawn from it, in one
// write, and returns the source id and those candidates. The program sets
// it (cmd/truce wires the extractor); web does not import the extractor, so
// a server without one answers 501.
var Ingester func(ctx context.Context, m *monitor.Monitor, req IngestRequest, published ledger.Date, by string) (source string, candidates []*ledger.Claim, err error)

func init() {
	addRoute("POST /api/v1/ingest", func(s *Server) handler { return s.need("analyst", s.ingest) })
}

func (s *Server) ingest(w http.ResponseWriter, r *http.Request) error {
	if Ingester == nil {
		return httpError{http.StatusNotImplemented, "this server has no report extraction built in"}
	}
	var req IngestRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	if strings.TrimSpace(req.Text) == "" {
		return badRequest("text: the report's text is empty")
	}
	if req.Published == "" {
		return badRequest("published: the publication date is required (YYYY-MM-DD): relative dates in the report count from it")
	}
	pub, err := ledger.ParseDate(req.Published)
	if err != nil {
		return badRequest("published: %v", err)
	}
	u := r.Context().Value(userKey).(*User)
	src, cands, err := Ingester(r.Context(), s.m, req, pub, u.Name)
	if err != nil {
		return err
	}
	if cands == nil {
		cands = []*ledger.Claim{}
	}
	w.WriteHeader(http.StatusCreated)
	return writeJSON(w, r, map[string]any{"source": src, "candidates": cands})
}
