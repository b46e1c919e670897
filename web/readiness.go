package web

import (
	"encoding/json"
	"net/http"

	"truce/ledger"
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
	q := query(r, "at", "place", "known_at", "status", "format")
	at, k := q.day("at", today()), q.knownAt("known_at")
	if q.err != nil {
		return q.err
	}
	format := q.str("format")
	if format != "" && format != "json" && format != "geojson" {
		return badRequest("format %q: want json or geojson", format)
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
	if format == "geojson" {
		return writeBody(w, r, "application/geo+json", s.readinessFeatures(at, out))
	}
	body := map[string]any{"at": at.String(), "total": len(out), "summary": summary, "places": out}
	if !k.IsZero() {
		body["known_at"] = k
	}
	return writeJSON(w, r, body)
}

// readinessFeatures is the map layer: each place's polygon (or point) with
// its status, the reasons' texts and the main facts as properties.
func (s *Server) readinessFeatures(at ledger.Day, rs []readiness.Result) map[string]any {
	g := s.m.Gazetteer()
	features := make([]map[string]any, 0, len(rs))
	for _, x := range rs {
		var geom any
		if p, ok := g.Place(x.Facts.Place); ok && len(p.Geometry) > 0 {
			geom = json.RawMessage(p.Geometry)
		} else if x.Point != nil {
			geom = map[string]any{"type": "Point", "coordinates": []float64{x.Point.Lon, x.Point.Lat}}
		}
		var why []string
		for _, rs := range x.Reasons {
			why = append(why, rs.Text)
		}
		props := map[string]any{"place": x.Facts.Place, "label": x.Label, "status": x.Status, "reasons": why, "warnings": len(x.Warnings)}
		for name, v := range x.Values() {
			props[name] = v
		}
		features = append(features, map[string]any{"type": "Feature", "id": x.Facts.Place, "geometry": geom, "properties": props})
	}
	return map[string]any{"type": "FeatureCollection", "at": at.String(), "features": features}
}
