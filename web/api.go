package web

import (
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"truce/gazetteer"
	"truce/ledger"
	"truce/monitor"
	"truce/store"
)

// routes lists every route of the server in one place.
func (s *Server) routes() {
	h := func(pattern string, fn handler) {
		s.patterns = append(s.patterns, pattern)
		s.mux.HandleFunc(pattern, s.wrap(fn))
	}
	h("GET /healthz", s.health)
	h("GET /api/v1/openapi.json", s.openapi)
	h("GET /api/v1/places", s.places)
	h("GET /api/v1/places/{id}", s.place)
	h("GET /api/v1/actors", s.actors)
	h("GET /api/v1/sources", s.sources)
	h("GET /api/v1/sources/{id}", s.source)
	h("GET /api/v1/claims", s.claims)
	h("GET /api/v1/claims/{id}", s.claim)
	h("POST /api/v1/claims", s.need("analyst", s.postClaims))
	h("POST /api/v1/claims/{id}/review", s.need("editor", s.review))
	h("GET /api/v1/state", s.state)
	h("GET /api/v1/state/{place}", s.placeState)
	h("GET /api/v1/changes", s.changes)
	h("GET /api/v1/figures", s.figures)
	h("GET /api/v1/agreements", s.agreements)
	h("GET /api/v1/agreements/{id}", s.agreement)
	h("GET /api/v1/timeline", s.timeline)
	for _, r := range extraRoutes {
		h(r.pattern, r.fn(s))
	}
}

// extraRoutes lets other files of this package add their routes to the table.
var extraRoutes []struct {
	pattern string
	fn      func(*Server) handler
}

func addRoute(pattern string, fn func(*Server) handler) {
	extraRoutes = append(extraRoutes, struct {
		pattern string
		fn      func(*Server) handler
	}{pattern, fn})
}

// params reads query parameters, refusing any it does not know.
type params struct {
	v   url.Values
	err error
}

func query(r *http.Request, allowed ...string) *params {
	p := &params{v: r.URL.Query()}
	for k := range p.v {
		if !slices.Contains(allowed, k) {
			p.err = badRequest("unknown query parameter %q (this route takes: %s)", k, strings.Join(allowed, ", "))
		}
	}
	return p
}

func (p *params) str(k string) string { return p.v.Get(k) }

func (p *params) day(k string, def ledger.Day) ledger.Day {
	v := p.v.Get(k)
	if v == "" || p.err != nil {
		return def
	}
	d, err := ledger.ParseDay(v)
	if err != nil {
		p.err = badRequest("%s: %v", k, err)
	}
	return d
}

// knownAt reads a recorded-time horizon: RFC 3339, or a date meaning the end of it.
func (p *params) knownAt(k string) time.Time {
	if p.err != nil {
		return time.Time{}
	}
	t, err := ledger.ParseKnownAt(p.v.Get(k))
	if err != nil {
		p.err = badRequest("%s: %v", k, err)
	}
	return t
}

func (p *params) int(k string, def, lo, hi int) int {
	v := p.v.Get(k)
	if v == "" || p.err != nil {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo {
		p.err = badRequest("%s: want an integer >= %d", k, lo)
		return def
	}
	return min(n, hi)
}

// bbox reads minLon,minLat,maxLon,maxLat.
func (p *params) bbox(k string) *[4]float64 {
	v := p.v.Get(k)
	if v == "" || p.err != nil {
		return nil
	}
	parts := strings.Split(v, ",")
	if len(parts) != 4 && len(parts) != 6 {
		p.err = badRequest("%s: want minLon,minLat,maxLon,maxLat", k)
		return nil
	}
	if len(parts) == 6 {
		parts = []string{parts[0], parts[1], parts[3], parts[4]}
	}
	var b [4]float64
	for i, s := range parts {
		f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
		if err != nil {
			p.err = badRequest("%s: %q is not a number", k, s)
			return nil
		}
		b[i] = f
	}
	if b[0] > b[2] || b[1] > b[3] || b[1] < -90 || b[3] > 90 {
		p.err = badRequest("%s: want minLon,minLat,maxLon,maxLat with min <= max", k)
		return nil
	}
	return &b
}

func today() ledger.Day { return ledger.DayOf(time.Now()) }

func (s *Server) health(w http.ResponseWriter, r *http.Request) error {
	return writeJSON(w, r, map[string]any{"status": "ok", "claims": s.index(r).Len(), "places": len(s.m.Places())})
}

// placeOut is a place with its aliases spelled out beside its label.
type placeOut struct {
	ledger.Place
	Aliases []string `json:"aliases"`
}

func (s *Server) places(w http.ResponseWriter, r *http.Request) error {
	q := query(r, "q", "kind")
	if q.err != nil {
		return q.err
	}
	out := []placeOut{}
	for _, p := range s.m.Places() {
		if k := q.str("kind"); k != "" && p.Kind != k {
			continue
		}
		if n := q.str("q"); n != "" && !matchesName(p, n) {
			continue
		}
		p.Geometry = nil // polygons come from OGC API or the place itself
		out = append(out, placeOut{p, gazetteer.Aliases(p)})
	}
	return writeJSON(w, r, map[string]any{"total": len(out), "places": out})
}

func matchesName(p ledger.Place, q string) bool {
	fq := gazetteer.Fold(q)
	if strings.Contains(gazetteer.Fold(p.Label), fq) {
		return true
	}
	for _, n := range p.Names {
		if strings.Contains(gazetteer.Fold(n.Name), fq) {
			return true
		}
	}
	return false
}

func (s *Server) place(w http.ResponseWriter, r *http.Request) error {
	q := query(r, "at", "known_at")
	at, k := q.day("at", today()), q.knownAt("known_at")
	if q.err != nil {
		return q.err
	}
	p, err := s.m.Place(r.PathValue("id"))
	if err != nil {
		return err
	}
	st, _ := s.index(r).PlaceAt(p.ID, at, k)
	hist, err := s.m.History(r.Context(), p.ID, k)
	if err != nil {
		return err
	}
	return writeJSON(w, r, map[string]any{"place": placeOut{p, gazetteer.Aliases(p)}, "at": at.String(), "state": st,
		"history": s.visible(r, hist)})
}

func (s *Server) actors(w http.ResponseWriter, r *http.Request) error {
	if q := query(r); q.err != nil {
		return q.err
	}
	a := s.m.Actors()
	return writeJSON(w, r, map[string]any{"total": len(a), "actors": a})
}

func (s *Server) sources(w http.ResponseWriter, r *http.Request) error {
	if q := query(r); q.err != nil {
		return q.err
	}
	all, err := s.m.Store.Sources(r.Context())
	if err != nil {
		return err
	}
	out := []ledger.Source{}
	for _, src := range all {
		if !src.Restricted || s.authed(r) {
			out = append(out, src)
		}
	}
	return writeJSON(w, r, map[string]any{"total": len(out), "sources": out})
}

// Span is a claimed stretch of a source's text.
type Span struct {
	Start  int    `json:"start"`
	End    int    `json:"end"`
	Claim  string `json:"claim"`
	Kind   string `json:"kind"`
	Status string `json:"status"`
	What   string `json:"what"`
}

func (s *Server) source(w http.ResponseWriter, r *http.Request) error {
	if q := query(r); q.err != nil {
		return q.err
	}
	id := r.PathValue("id")
	src, err := s.m.Store.Source(r.Context(), id)
	if err != nil {
		return err
	}
	if src.Restricted && !s.authed(r) {
		return ledger.ErrNotFound
	}
	text, err := s.m.Store.Text(r.Context(), id)
	if err != nil {
		return err
	}
	page, err := s.m.Claims(r.Context(), ledger.Filter{Source: id}, "")
	if err != nil {
		return err
	}
	spans := []Span{}
	for _, c := range s.visible(r, page.Claims) {
		for _, a := range c.Attributions {
			if a.Source == id && a.End > a.Start {
				spans = append(spans, Span{a.Start, a.End, c.ID, c.Kind, c.Status, monitor.Describe(s.m, c)})
			}
		}
	}
	sort.Slice(spans, func(i, j int) bool { return spans[i].Start < spans[j].Start })
	return writeJSON(w, r, map[string]any{"source": src, "text": text, "spans": spans})
}

// visible drops restricted claims for requests without a token.
func (s *Server) visible(r *http.Request, cs []*ledger.Claim) []*ledger.Claim {
	if s.authed(r) {
		return cs
	}
	out := cs[:0:0]
	for _, c := range cs {
		if !c.Restricted {
			out = append(out, c)
		}
	}
	return out
}

func (s *Server) claims(w http.ResponseWriter, r *http.Request) error {
	q := query(r, "kind", "place", "actor", "source", "key", "metric", "status", "from", "to", "known_at", "recorded_after", "current", "limit", "cursor")
	f := ledger.Filter{RecordedAfter: q.knownAt("recorded_after"), Actor: q.str("actor"), Source: q.str("source"), Key: q.str("key"), Status: q.str("status"),
		From: q.day("from", 0), To: q.day("to", 0), KnownAt: q.knownAt("known_at"), Current: q.str("current") == "true",
		Limit: q.int("limit", 100, 1, 1000)}
	if m := q.str("metric"); m != "" {
		f.Key = m
	}
	if q.err != nil {
		return q.err
	}
	if k := q.str("kind"); k != "" {
		f.Kinds = strings.Split(k, ",")
		for _, kind := range f.Kinds {
			if !slices.Contains(ledger.Kinds, kind) {
				return badRequest("kind %q: want one of %s", kind, strings.Join(ledger.Kinds, ", "))
			}
		}
	}
	switch f.Status {
	case "", ledger.Candidate, ledger.Accepted, ledger.Rejected:
	default:
		return badRequest("status %q: want candidate, accepted or rejected", f.Status)
	}
	if p := q.str("place"); p != "" {
		pl, err := s.m.Place(p)
		if err != nil {
			return err
		}
		f.Place = pl.ID
	}
	page, err := s.m.Claims(r.Context(), f, q.str("cursor"))
	if err != nil {
		return err
	}
	page.Claims = s.visible(r, page.Claims)
	return writeJSON(w, r, page)
}

func (s *Server) claim(w http.ResponseWriter, r *http.Request) error {
	q := query(r, "known_at")
	k := q.knownAt("known_at")
	if q.err != nil {
		return q.err
	}
	cs, err := s.m.ClaimsByID(r.Context(), []string{r.PathValue("id")}, k)
	if err != nil {
		return err
	}
	if len(s.visible(r, cs)) == 0 {
		return ledger.ErrNotFound
	}
	return writeJSON(w, r, map[string]any{"claim": cs[0], "superseded_by": s.index(r).SupersededBy(cs[0].ID),
		"live": s.index(r).LiveAt(cs[0].ID, k)})
}

// postClaims appends claims. Analysts' claims are candidates; editors may
// record them accepted.
func (s *Server) postClaims(w http.ResponseWriter, r *http.Request) error {
	var body struct {
		Claims []*ledger.Claim `json:"claims"`
	}
	if err := decode(r, &body); err != nil {
		return err
	}
	u := r.Context().Value(userKey).(*User)
	for _, c := range body.Claims {
		if c == nil {
			return badRequest("null claim")
		}
		c.ID, c.RecordedAt, c.RecordedBy = "", time.Time{}, u.Name
		if c.Status == "" || roleRank[u.Role] < roleRank["editor"] {
			c.Status = ledger.Candidate
		}
	}
	if err := s.m.Write(r.Context(), store.Batch{Claims: body.Claims}); err != nil {
		return err
	}
	ids := make([]string, len(body.Claims))
	for i, c := range body.Claims {
		ids[i] = c.ID
	}
	return writeJSON(withStatus(w, http.StatusCreated), r, map[string]any{"ids": ids})
}

// ReviewRequest is an editor's decision on a candidate: accept, reject, or
// edit (a new accepted claim superseding it).
type ReviewRequest struct {
	Decision string        `json:"decision"` // accept, reject, edit
	Note     string        `json:"note,omitempty"`
	Claim    *ledger.Claim `json:"claim,omitempty"` // the edited claim, for edit
}

func (s *Server) review(w http.ResponseWriter, r *http.Request) error {
	var req ReviewRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	u := r.Context().Value(userKey).(*User)
	id, err := monitor.Review(r.Context(), s.m, r.PathValue("id"), req.Decision, req.Note, req.Claim, u.Name)
	if err != nil {
		return err
	}
	return writeJSON(w, r, map[string]any{"claim": r.PathValue("id"), "decision": req.Decision, "new_claim": id})
}

func (s *Server) state(w http.ResponseWriter, r *http.Request) error {
	q := query(r, "at", "known_at", "bbox", "limit", "cursor")
	at, k, bbox := q.day("at", today()), q.knownAt("known_at"), q.bbox("bbox")
	limit := q.int("limit", 0, 1, 100000)
	if q.err != nil {
		return q.err
	}
	w.Header().Set("Cache-Control", "public, max-age=60")
	idx, public := s.index(r), !s.authed(r)
	if bbox == nil && limit == 0 && q.str("cursor") == "" {
		// The whole map: encoded and compressed once per date and version.
		b, err := s.caches().maps.get(stateKey{at, k, public, idx.Version()}, func() (*body, error) {
			all := s.fullState(idx, public, at, k)
			js := appendStatePage(nil, at.String(), k, len(all), all, "")
			return (&body{json: js, etag: etagOf(js)}).gzipped(), nil
		})
		if err != nil {
			return err
		}
		serveBody(w, r, "application/json", b)
		return nil
	}
	var sc *scratch
	if bbox != nil {
		sc = scratchPool.Get().(*scratch)
		defer sc.release()
	}
	all, _ := s.statesAt(idx, public, at, k, bbox, sc)
	total := len(all)
	next := ""
	if c := q.str("cursor"); c != "" {
		i := sort.Search(len(all), func(i int) bool { return all[i].Place > c })
		all = all[i:]
	}
	if limit > 0 && len(all) > limit {
		all = all[:limit]
		next = all[len(all)-1].Place
	}
	buf := bufPool.Get().(*[]byte)
	*buf = appendStatePage(*buf, at.String(), k, total, all, next)
	serveFresh(w, r, "application/json", buf)
	return nil
}

func inBox(p ledger.Point, b *[4]float64) bool {
	return p.Lon >= b[0] && p.Lat >= b[1] && p.Lon <= b[2] && p.Lat <= b[3]
}

func (s *Server) placeState(w http.ResponseWriter, r *http.Request) error {
	q := query(r, "at", "known_at")
	at, k := q.day("at", today()), q.knownAt("known_at")
	if q.err != nil {
		return q.err
	}
	p, err := s.m.Place(r.PathValue("place"))
	if err != nil {
		return err
	}
	st, _ := s.index(r).PlaceAt(p.ID, at, k)
	return writeJSON(w, r, st)
}

func (s *Server) changes(w http.ResponseWriter, r *http.Request) error {
	q := query(r, "from", "to", "known_at")
	from, to, k := q.day("from", 0), q.day("to", today()), q.knownAt("known_at")
	if q.err != nil {
		return q.err
	}
	if q.str("from") == "" {
		return badRequest("from is required")
	}
	ch := s.index(r).Changes(from, to, k)
	if ch == nil {
		ch = []ledger.Change{}
	}
	return writeJSON(w, r, map[string]any{"from": from.String(), "to": to.String(), "total": len(ch), "changes": ch})
}

func (s *Server) figures(w http.ResponseWriter, r *http.Request) error {
	q := query(r, "metric", "place", "known_at")
	k := q.knownAt("known_at")
	if q.err != nil {
		return q.err
	}
	place := ""
	if p := q.str("place"); p != "" {
		pl, err := s.m.Place(p)
		if err != nil {
			return err
		}
		place = pl.ID
	}
	metric := q.str("metric")
	var metrics []string
	if metric != "" {
		metrics = []string{metric}
	} else {
		page, err := s.m.Claims(r.Context(), ledger.Filter{Kinds: []string{ledger.KindFigure}, Place: place, Status: ledger.Accepted, Current: true, KnownAt: k}, "")
		if err != nil {
			return err
		}
		for _, c := range page.Claims {
			if !slices.Contains(metrics, c.Figure.Metric) {
				metrics = append(metrics, c.Figure.Metric)
			}
		}
		sort.Strings(metrics)
	}
	series := map[string][]*ledger.Claim{}
	for _, m := range metrics {
		cs, err := s.m.Series(r.Context(), m, place, k)
		if err != nil {
			return err
		}
		series[m] = s.visible(r, cs)
	}
	return writeJSON(w, r, map[string]any{"metrics": metrics, "series": series})
}

func (s *Server) agreements(w http.ResponseWriter, r *http.Request) error {
	if q := query(r); q.err != nil {
		return q.err
	}
	a := s.m.Agreements()
	return writeJSON(w, r, map[string]any{"total": len(a), "agreements": a})
}

func (s *Server) agreement(w http.ResponseWriter, r *http.Request) error {
	q := query(r, "at", "known_at")
	at, k := q.day("at", today()), q.knownAt("known_at")
	if q.err != nil {
		return q.err
	}
	ag, err := s.m.Agreement(r.PathValue("id"))
	if err != nil {
		return err
	}
	sts := s.index(r).ProvisionStatus(ag, at, k)
	var ids []string
	for _, p := range sts {
		ids = append(ids, p.Evidence...)
		for _, d := range p.Deadlines {
			ids = append(ids, d.Claim)
		}
	}
	cs, err := s.m.ClaimsByID(r.Context(), ids, k)
	if err != nil {
		return err
	}
	byID := map[string]*ledger.Claim{}
	for _, c := range s.visible(r, cs) {
		byID[c.ID] = c
	}
	return writeJSON(w, r, map[string]any{"agreement": ag, "at": at.String(), "provisions": sts, "mandates": ag.MandatesAt(at), "claims": byID})
}

// timeline gives the span of the record and the days on which control or
// presence changed, for a time slider.
func (s *Server) timeline(w http.ResponseWriter, r *http.Request) error {
	q := query(r, "known_at")
	k := q.knownAt("known_at")
	if q.err != nil {
		return q.err
	}
	days := s.index(r).ChangeDays(k)
	out := make([]string, len(days))
	for i, d := range days {
		out[i] = d.String()
	}
	return writeJSON(w, r, map[string]any{"changes": out})
}

// index is the ledger's index as this request may see it.
func (s *Server) index(r *http.Request) *ledger.Index {
	if s.authed(r) {
		return s.m.Index
	}
	return s.m.Index.Public()
}
