package formats

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"truce/gazetteer"
	"truce/ledger"
	"truce/monitor"
)

// ExportOptions choose what an export holds.
type ExportOptions struct {
	// At, when set, exports the state at that day (GeoJSON, GeoPackage)
	// or the claims valid from that day or before (ACLED, HXL); otherwise
	// every current claim.
	At      *ledger.Day
	KnownAt time.Time // as recorded by then; zero for everything
	// Restricted includes restricted claims and claims drawn from
	// restricted sources; by default an export, a file that leaves truce,
	// holds none of them.
	Restricted bool
}

// index is the index an export reads: without restricted claims unless asked.
func (o ExportOptions) index(m *monitor.Monitor) *ledger.Index {
	if o.Restricted {
		return m.Index
	}
	return m.Index.Public()
}

// exportClaims lists current, not rejected claims of the kinds asked, as
// known at opt.KnownAt, in recorded order.
func exportClaims(ctx context.Context, m *monitor.Monitor, opt ExportOptions, kinds ...string) ([]*ledger.Claim, error) {
	f := ledger.Filter{Kinds: kinds, Current: true, KnownAt: opt.KnownAt}
	if opt.At != nil {
		f.From, f.To = ledger.MinDay+1, *opt.At
	}
	page, err := m.Claims(ctx, f, "")
	if err != nil {
		return nil, err
	}
	hidden := map[string]bool{}
	if !opt.Restricted {
		srcs, err := m.Store.Sources(ctx)
		if err != nil {
			return nil, err
		}
		for _, s := range srcs {
			hidden[s.ID] = s.Restricted
		}
	}
	out := page.Claims[:0]
next:
	for _, c := range page.Claims {
		if c.Status == ledger.Rejected || c.Restricted && !opt.Restricted {
			continue
		}
		for _, a := range c.Attributions {
			if hidden[a.Source] {
				continue next
			}
		}
		out = append(out, c)
	}
	return out, nil
}

// exportColumns are ACLED's 31 columns and truce's two: a row's review
// status (candidates stay visibly candidates) and its claim id.
var exportColumns = append(append([]string{}, ACLEDColumns...), "truce_status", "truce_claim")

var disorderOf = map[string]string{
	"Battles": "Political violence", "Explosions/Remote violence": "Political violence",
	"Violence against civilians": "Political violence", "Protests": "Demonstrations",
	"Riots": "Demonstrations", "Strategic developments": "Strategic developments",
}

// WriteACLED writes events, and control changes as ACLED's territorial
// events, as ACLED-format CSV. It returns the number of rows. A control
// claim without a dated start ("held before 2000") is a state, not a
// change: it has no event date and is left out.
func WriteACLED(ctx context.Context, w io.Writer, m *monitor.Monitor, opt ExportOptions) (int, error) {
	claims, err := exportClaims(ctx, m, opt, ledger.KindEvent, ledger.KindControl)
	if err != nil {
		return 0, err
	}
	g := m.Gazetteer()
	cw := csv.NewWriter(w)
	if err := cw.Write(exportColumns); err != nil {
		return 0, err
	}
	col := map[string]int{}
	for i, c := range exportColumns {
		col[c] = i
	}
	row := make([]string, len(exportColumns))
	n := 0
	for _, c := range claims {
		if c.Control != nil && (c.Valid.From.IsZero() || c.Valid.From.Mod != "") {
			continue
		}
		clear(row)
		set := func(k, v string) { row[col[k]] = v }
		var place string
		var pt *ledger.Point
		switch {
		case c.Event != nil:
			e := c.Event
			set("event_id_cnty", e.ExternalID)
			set("event_type", e.Type)
			set("sub_event_type", e.SubType)
			writeActors(g, e, set)
			place, pt = e.Place, e.Point
			set("location", e.Location)
			if e.GeoPrec > 0 {
				set("geo_precision", strconv.Itoa(min(e.GeoPrec, 3)))
			}
			set("notes", e.Notes)
			if e.Fatalities != nil {
				for _, v := range []*float64{e.Fatalities.Best, e.Fatalities.Low, e.Fatalities.High} {
					if v != nil {
						set("fatalities", num(*v))
						break
					}
				}
			}
			for k, v := range noteValues(c.Note) {
				set(k, v)
			}
		case c.Control != nil:
			k := c.Control
			a, _ := g.Actor(k.Actor)
			set("event_id_cnty", c.ID)
			if k.Mode == "capture" {
				set("event_type", "Battles")
				if in := interOfKind(a.Kind); in == "State forces" {
					set("sub_event_type", "Government regains territory")
				} else {
					set("sub_event_type", "Non-state actor overtakes territory")
				}
			} else {
				set("event_type", "Strategic developments")
				set("sub_event_type", "Non-violent transfer of territory")
			}
			set("actor1", label(a.Label, k.Actor))
			set("inter1", interOfKind(a.Kind))
			place = k.Place
			note := c.Note
			if note == "" {
				p, _ := g.Place(k.Place)
				note = fmt.Sprintf("%s takes control of %s (%s)", label(a.Label, k.Actor), label(p.Label, k.Place), k.Mode)
			}
			set("notes", note)
			set("geo_precision", "1")
		}
		if row[col["disorder_type"]] == "" {
			set("disorder_type", disorderOf[row[col["event_type"]]])
		}
		date, prec := acledDate(c.Valid)
		set("event_date", date)
		set("year", date[:4])
		set("time_precision", prec)
		setPlace(g, place, set)
		if pt == nil {
			if p, ok := g.Place(place); ok {
				pt = p.Point
			}
		}
		if pt != nil {
			set("latitude", strconv.FormatFloat(pt.Lat, 'f', -1, 64))
			set("longitude", strconv.FormatFloat(pt.Lon, 'f', -1, 64))
		}
		if row[col["location"]] == "" {
			if p, ok := g.Place(place); ok {
				set("location", p.Label)
			}
		}
		set("timestamp", strconv.FormatInt(c.RecordedAt.Unix(), 10))
		set("truce_status", c.Status)
		set("truce_claim", c.ID)
		if err := cw.Write(row); err != nil {
			return n, err
		}
		n++
	}
	cw.Flush()
	return n, cw.Error()
}

func label(l, id string) string {
	if l != "" {
		return l
	}
	return id
}

// num writes a count without a decimal point when it is whole.
func num(v float64) string {
	if v == math.Trunc(v) && math.Abs(v) < 1e15 {
		return strconv.FormatInt(int64(v), 10)
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}

// writeActors puts each actor back in its column by role; without roles
// the first actor is actor1, the second actor2, the rest associated.
func writeActors(g *gazetteer.Gazetteer, e *ledger.Event, set func(k, v string)) {
	var a1, a2, as1, as2 []string
	var k1, k2 string
	for i, id := range e.Actors {
		a, _ := g.Actor(id)
		name := label(a.Label, id)
		role := ""
		if i < len(e.Roles) {
			role = e.Roles[i]
		} else {
			role = [...]string{"actor1", "actor2"}[min(i, 1)]
			if i > 1 {
				role = "assoc_actor_1"
			}
		}
		switch role {
		case "actor1", "side_a":
			if len(a1) == 0 {
				a1, k1 = append(a1, name), a.Kind
			} else {
				as1 = append(as1, name)
			}
		case "actor2", "side_b":
			if len(a2) == 0 {
				a2, k2 = append(a2, name), a.Kind
			} else {
				as2 = append(as2, name)
			}
		case "assoc_actor_2":
			as2 = append(as2, name)
		default:
			as1 = append(as1, name)
		}
	}
	set("actor1", strings.Join(a1, ""))
	set("actor2", strings.Join(a2, ""))
	set("assoc_actor_1", strings.Join(as1, "; "))
	set("assoc_actor_2", strings.Join(as2, "; "))
	i1, i2 := "", ""
	if len(a1) > 0 {
		i1 = interOfKind(k1)
	}
	if len(a2) > 0 {
		i2 = interOfKind(k2)
	}
	set("inter1", i1)
	set("inter2", i2)
	set("interaction", interaction(i1, i2))
}

// interaction is ACLED's order-normalised pair, "State forces-Rebel group"
// or "Protesters only".
func interaction(a, b string) string {
	rank := func(s string) int {
		for i, x := range acledInter {
			if x == s {
				return i
			}
		}
		return len(acledInter)
	}
	switch {
	case a == "" && b == "":
		return ""
	case b == "":
		return a + " only"
	case a == "":
		return b + " only"
	}
	if rank(b) < rank(a) {
		a, b = b, a
	}
	return a + "-" + b
}

// setPlace fills country and admin columns from the place's parents.
func setPlace(g *gazetteer.Gazetteer, id string, set func(k, v string)) {
	var admins []string
	for range 8 {
		p, ok := g.Place(id)
		if !ok {
			break
		}
		switch p.Kind {
		case "country":
			set("country", p.Label)
		case "region", "district", "municipality":
			admins = append([]string{p.Label}, admins...)
		}
		id = p.Parent
	}
	for i, a := range admins {
		if i < 3 {
			set("admin"+strconv.Itoa(i+1), a)
		}
	}
}

// acledDate is the event_date and time_precision of a valid time: an
// exact day is precision 1; a week around a day, 2; a month, 3 (dated the
// 15th, as ACLED dates the middle of the period); anything else the middle
// of the interval with the precision of its span.
func acledDate(v ledger.Interval) (string, string) {
	f, t := v.From, v.To
	if t.IsZero() {
		t = f
	}
	switch {
	case f == t && f.Prec == ledger.PrecDay && f.Mod == "":
		return f.String(), "1"
	case f.Prec == ledger.PrecDay && t.Prec == ledger.PrecDay && t.First()-f.First() == 6:
		return (f.First() + 3).String(), "2"
	case f == t && f.Prec == ledger.PrecMonth:
		return fmt.Sprintf("%04d-%02d-15", f.Y, f.M), "3"
	}
	lo, hi := f.First(), t.Last()
	if lo == ledger.MinDay {
		lo = hi
	}
	if hi == ledger.MaxDay {
		hi = lo
	}
	mid := lo + (hi-lo)/2
	if hi-lo <= 7 {
		return mid.String(), "2"
	}
	return mid.String(), "3"
}

// WriteHXL writes figure claims as HXL-tagged CSV: one row per place, valid
// time and round, one column per metric (with +min/+max columns where a
// figure has a range). It returns the number of figures written.
func WriteHXL(ctx context.Context, w io.Writer, m *monitor.Monitor, opt ExportOptions) (int, error) {
	claims, err := exportClaims(ctx, m, opt, ledger.KindFigure)
	if err != nil {
		return 0, err
	}
	g := m.Gazetteer()
	type key struct{ place, from, to, round, status string }
	type row struct {
		key
		cells map[string]string
	}
	var out []row
	rows := map[key]map[string]string{} // the last row of each key
	metrics := map[string]bool{}
	interval := false
	for _, c := range claims {
		f := c.Figure
		if c.Valid.To != c.Valid.From {
			interval = true
		}
		k := key{f.Place, c.Valid.From.String(), c.Valid.To.String(), f.Round, c.Status}
		r := rows[k]
		if r == nil || r[metricTag(f.Metric, "")] != "" || r[metricTag(f.Metric, "min")] != "" {
			// A second figure of one metric for the same key gets its own row.
			r = map[string]string{}
			out = append(out, row{k, r})
			rows[k] = r
		}
		for _, b := range []struct {
			bound string
			v     *float64
		}{{"", f.Best}, {"min", f.Low}, {"max", f.High}} {
			if b.v != nil {
				tag := metricTag(f.Metric, b.bound)
				r[tag] = num(*b.v)
				metrics[tag] = true
			}
		}
	}
	tags := []string{"#country+code", "#country+name", "#adm1+name", "#loc+name"}
	heads := []string{"Country code", "Country", "Admin 1", "Location"}
	if interval {
		tags, heads = append(tags, "#date+start", "#date+end"), append(heads, "From", "To")
	} else {
		tags, heads = append(tags, "#date"), append(heads, "Date")
	}
	tags, heads = append(tags, "#round+code", "#status"), append(heads, "Round", "Status")
	var mtags []string
	for t := range metrics {
		mtags = append(mtags, t)
	}
	sort.Strings(mtags)
	tags, heads = append(tags, mtags...), append(heads, mtags...)
	for i := range heads[len(heads)-len(mtags):] {
		heads[len(heads)-len(mtags)+i] = strings.TrimPrefix(strings.ReplaceAll(mtags[i], "+", " "), "#")
	}
	cw := csv.NewWriter(w)
	cw.Write(heads)
	cw.Write(tags)
	n := 0
	// Rows keep the order of the figures' recording.
	for _, o := range out {
		k, r := o.key, o.cells
		rec := make([]string, len(tags))
		code, cname, adm1, loc := hxlPlaceCols(g, k.place)
		rec[0], rec[1], rec[2], rec[3] = code, cname, adm1, loc
		i := 4
		if interval {
			rec[i], rec[i+1] = k.from, k.to
			i += 2
		} else {
			rec[i] = k.from
			i++
		}
		rec[i], rec[i+1] = k.round, k.status
		i += 2
		for j, t := range mtags {
			rec[i+j] = r[t]
			if r[t] != "" && !strings.HasSuffix(t, "+min") && !strings.HasSuffix(t, "+max") {
				n++
			}
		}
		if err := cw.Write(rec); err != nil {
			return n, err
		}
	}
	cw.Flush()
	return n, cw.Error()
}

// hxlPlaceCols writes a place as country code and name, ADM1 name and
// location name, from its parents.
func hxlPlaceCols(g *gazetteer.Gazetteer, id string) (code, country, adm1, loc string) {
	first := true
	for range 8 {
		p, ok := g.Place(id)
		if !ok {
			if first {
				loc = id
			}
			break
		}
		switch {
		case p.Kind == "country":
			country = p.Label
			for _, n := range p.Names {
				if n.Kind == "code" {
					code = n.Name
				}
			}
		case p.Kind == "region" && adm1 == "":
			adm1 = p.Label
		case first:
			loc = p.Label
		}
		first = false
		id = p.Parent
	}
	return
}

// geoFeature is an RFC 7946 feature.
type geoFeature struct {
	Type       string          `json:"type"`
	ID         string          `json:"id,omitempty"`
	Geometry   json.RawMessage `json:"geometry"`
	Properties map[string]any  `json:"properties"`
}

func pointJSON(p *ledger.Point) json.RawMessage {
	if p == nil {
		return json.RawMessage("null")
	}
	b, _ := json.Marshal(map[string]any{"type": "Point", "coordinates": []float64{p.Lon, p.Lat}})
	return b
}

func placeGeometry(p ledger.Place) json.RawMessage {
	if len(p.Geometry) > 0 {
		return p.Geometry
	}
	return pointJSON(p.Point)
}

// placeFeatures are every place with its state at day (if at is set).
func placeFeatures(m *monitor.Monitor, opt ExportOptions) []geoFeature {
	states := map[string]ledger.PlaceState{}
	if opt.At != nil {
		for _, s := range opt.index(m).State(*opt.At, opt.KnownAt) {
			states[s.Place] = s
		}
	}
	g := m.Gazetteer()
	var out []geoFeature
	for _, p := range m.Places() {
		props := map[string]any{"id": p.ID, "kind": p.Kind, "label": p.Label, "names": p.Names,
			"aliases": strings.Join(gazetteer.Aliases(p), "; ")}
		if p.Parent != "" {
			props["parent"] = p.Parent
		}
		if p.Attribution != "" {
			props["attribution"] = p.Attribution
		}
		if opt.At != nil {
			props["at"] = opt.At.String()
			if s, ok := states[p.ID]; ok {
				props["controller"] = s.Controller
				if a, ok := g.Actor(s.Controller); ok {
					props["controller_label"] = a.Label
				}
				props["since"] = s.Since
				props["disputed"] = s.Disputed
				props["uncertain"] = s.Uncertain
				props["claim"] = s.Claim
				if len(s.Sides) > 0 {
					props["sides"] = s.Sides
				}
				if len(s.Presence) > 0 {
					props["presence"] = s.Presence
				}
			}
		}
		out = append(out, geoFeature{Type: "Feature", ID: p.ID, Geometry: placeGeometry(p), Properties: props})
	}
	return out
}

// claimFeatures are claims with the geometry of their point or place.
func claimFeatures(ctx context.Context, m *monitor.Monitor, opt ExportOptions) ([]geoFeature, error) {
	claims, err := exportClaims(ctx, m, opt)
	if err != nil {
		return nil, err
	}
	g := m.Gazetteer()
	out := make([]geoFeature, 0, len(claims))
	for _, c := range claims {
		geom := json.RawMessage("null")
		if c.Event != nil && c.Event.Point != nil {
			geom = pointJSON(c.Event.Point)
		} else if p, ok := g.Place(c.Place()); ok {
			geom = placeGeometry(p)
		}
		props := map[string]any{"id": c.ID, "kind": c.Kind, "status": c.Status,
			"valid_from": c.Valid.From.String(), "valid_to": c.Valid.To.String(), "place": c.Place(), "claim": c}
		out = append(out, geoFeature{Type: "Feature", ID: c.ID, Geometry: geom, Properties: props})
	}
	return out, nil
}

// WriteGeoJSON writes an RFC 7946 FeatureCollection: with opt.At, every
// place with its state at that day; otherwise every current claim, placed
// by its point or its place's geometry. It returns the number of features.
func WriteGeoJSON(ctx context.Context, w io.Writer, m *monitor.Monitor, opt ExportOptions) (int, error) {
	var feats []geoFeature
	if opt.At != nil {
		feats = placeFeatures(m, opt)
	} else {
		var err error
		if feats, err = claimFeatures(ctx, m, opt); err != nil {
			return 0, err
		}
	}
	if feats == nil {
		feats = []geoFeature{}
	}
	enc := json.NewEncoder(w)
	err := enc.Encode(map[string]any{"type": "FeatureCollection", "features": feats})
	return len(feats), err
}
