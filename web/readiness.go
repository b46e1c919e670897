package web

import (
	"net/http"

	"truce/readiness"
)

func init() {
	addRoute("GET /api/v1/readiness", func(s *Server) handler { return s.readiness })
	addRoute("GET /api/v1/readiness/{place}", func(s *Server) handler { return s.placeReadiness })
}

// placeReadiness is one place at a date and its readiness over time up to
// it: each date its status or reasons changed.
func (s *Server) placeReadiness(w http.ResponseWriter, r *http.Request) error {
	q := query(r, "at", "known_at")
	at, k := q.day("at", today()), q.knownAt("known_at")
	if q.err != nil {
		return q.err
	}
	pl, err := s.m.Place(r.PathValue("place"))
	if err != nil {
		return err
	}
	rq := readiness.Query{Day: at, KnownAt: k, Place: pl.ID}
	res, err := readiness.Place(r.Context(), s.m, s.index(r), rq)
	if err != nil {
		return err
	}
	hist, err := readiness.History(r.Context(), s.m, s.index(r), rq)
	if err != nil {
		return err
	}
	body := map[string]any{"at": at.String(), "readiness": res, "history": hist}
	if !k.IsZero() {
		body["known_at"] = k
	}
	return writeJSON(w, r, body)
}

// readiness is return readiness per place at a date, with the facts, the
// reasons and the claims behind each: the map layer and table of the UI.
func (s *Server) readiness(w http.ResponseWriter, r *http.Request) error {
	q := query(r, "at", "place", "known_at", "status")
	at, k := q.day("at", today()), q.knownAt("known_at")
	if q.err != nil {
		return q.err
	}
	want := q.str("status")
	switch want {
	case "", readiness.NotReady, readiness.PartlyReady, readiness.Ready, readiness.Unknown:
	default:
		return badRequest("status %q: want not_ready, partly_ready, ready or unknown", want)
	}
	rq := readiness.Query{Day: at, KnownAt: k}
	var rs []readiness.Result
	if p := q.str("place"); p != "" {
		pl, err := s.m.Place(p)
		if err != nil {
			return err
		}
		rq.Place = pl.ID
		res, err := readiness.Place(r.Context(), s.m, s.index(r), rq)
		if err != nil {
			return err
		}
		rs = []readiness.Result{res}
	} else {
		b, err := readiness.Of(r.Context(), s.m)
		if err != nil {
			return err
		}
		rs = b.Compute(s.m, s.index(r), rq)
	}
	summary := map[string]int{readiness.NotReady: 0, readiness.PartlyReady: 0, readiness.Ready: 0, readiness.Unknown: 0}
	out := make([]readiness.Result, 0, len(rs))
	for _, x := range rs {
		summary[x.Status]++
		if want == "" || x.Status == want {
			out = append(out, x)
		}
	}
	body := map[string]any{"at": at.String(), "total": len(out), "summary": summary, "places": out}
	if !k.IsZero() {
		body["known_at"] = k
	}
	return writeJSON(w, r, body)
}
