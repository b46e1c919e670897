package formats

import (
	"bytes"
	"slices"
	"strconv"
	"strings"
	"time"

	"truce/gazetteer"
	"truce/ledger"
)

// ACLEDColumns is the standard ACLED export header (codebook Table 1).
var ACLEDColumns = []string{"event_id_cnty", "event_date", "year", "time_precision", "disorder_type",
	"event_type", "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2",
	"inter2", "interaction", "civilian_targeting", "iso", "region", "country", "admin1", "admin2",
	"admin3", "location", "latitude", "longitude", "geo_precision", "source", "source_scale", "notes",
	"fatalities", "tags", "timestamp"}

// acledInter is ACLED's actor-type vocabulary, in the order of its old
// numeric codes 1-8; truce keeps it as the kind of actors it creates.
var acledInter = []string{"State forces", "Rebel group", "Political militia", "Identity militia",
	"Rioters", "Protesters", "Civilians", "External/Other forces"}

// interKinds maps every inter1/inter2 spelling (text, lower case, old
// numeric code) to an actor kind, built once: the lookup is per row.
var interKinds = func() map[string]string {
	m := map[string]string{"": "", "0": ""}
	for i, s := range acledInter {
		k := kindOfInter(s)
		m[s], m[strings.ToLower(s)], m[strconv.Itoa(i+1)] = k, k, k
	}
	return m
}()

// interKind maps an inter1/inter2 value (text or old numeric code) to an
// actor kind; ok is false for a value outside the vocabulary.
func interKind(v string) (string, bool) {
	if k, ok := interKinds[v]; ok {
		return k, true
	}
	k, ok := interKinds[strings.ToLower(strings.TrimSpace(v))]
	return k, ok
}

func kindOfInter(s string) string {
	return strings.NewReplacer(" ", "_", "/", "_").Replace(strings.ToLower(s))
}

// interOfKind is the inter value for an actor kind, "" if none fits.
func interOfKind(kind string) string {
	for _, s := range acledInter {
		if kindOfInter(s) == kind {
			return s
		}
	}
	switch kind {
	case "state", "armed_force":
		return "State forces"
	case "de_facto_authority", "armed_group":
		return "Rebel group"
	case "peacekeeping_force":
		return "External/Other forces"
	case "civilians":
		return "Civilians"
	}
	return ""
}

// acledRow is one ACLED row, by column.
type acledRow struct {
	id, date, timePrec, disorder, typ, sub, actor1, assoc1, inter1, actor2, assoc2, inter2 int
	admin1, admin2, admin3, location, lat, lon, geoPrec, source, notes, fatalities         int
	kept                                                                                   []int // noteFields present
}

// noteFields are ACLED columns the event payload has no field for; the
// claim's note keeps them, one "column: value" line each, so an export
// writes them back as they were (the acledR files' "Demostrations" too).
var noteFields = []string{"disorder_type", "civilian_targeting", "source", "source_scale", "tags"}

func acledNote(t *table, c *acledRow, rec []string) string {
	var b strings.Builder
	n := 0
	for i, j := range c.kept {
		if j >= 0 {
			n += len(noteFields[i]) + 3 + len(rec[j])
		}
	}
	b.Grow(n) // one allocation a row
	for i, j := range c.kept {
		if j < 0 {
			continue
		}
		if v := strings.TrimSpace(rec[j]); v != "" {
			if b.Len() > 0 {
				b.WriteByte('\n')
			}
			b.WriteString(noteFields[i])
			b.WriteString(": ")
			b.WriteString(strings.ReplaceAll(v, "\n", " "))
		}
	}
	return b.String()
}

// noteValues reads the lines acledNote writes.
func noteValues(note string) map[string]string {
	out := map[string]string{}
	for _, line := range strings.Split(note, "\n") {
		k, v, ok := strings.Cut(line, ": ")
		if ok && slices.Contains(noteFields, k) {
			out[k] = v
		}
	}
	return out
}

func readACLED(in *input) error {
	t, err := newTable(in.name, in.data)
	if err != nil {
		return err
	}
	// Only what makes an event is required; older exports lack some of
	// the other columns, which then read as empty.
	if _, err := t.need("ACLED", "event_id_cnty", "event_date", "event_type", "actor1", "latitude", "longitude"); err != nil {
		return err
	}
	empty := len(t.header) // index of the always-empty cell after the row
	var idx []int
	for _, name := range []string{"event_id_cnty", "event_date", "time_precision", "disorder_type", "event_type",
		"sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2",
		"admin1", "admin2", "admin3", "location", "latitude", "longitude", "geo_precision", "source", "notes", "fatalities"} {
		i := t.col(name)
		if i < 0 {
			i = empty
		}
		idx = append(idx, i)
	}
	row := make([]string, empty+1)
	if in.seen == nil {
		// Sized once for the file's rows: a million-row file otherwise
		// grows the map through twenty rehashes.
		lines := bytes.Count(in.data, []byte{'\n'})
		in.seen = make(map[string]int, lines)
		if in.opt.Emit == nil {
			in.res.Batch.Claims = slices.Grow(in.res.Batch.Claims, lines)
		}
	}
	c := acledRow{idx[0], idx[1], idx[2], idx[3], idx[4], idx[5], idx[6], idx[7], idx[8], idx[9], idx[10], idx[11],
		idx[12], idx[13], idx[14], idx[15], idx[16], idx[17], idx[18], idx[19], idx[20], idx[21], nil}
	for _, f := range noteFields {
		c.kept = append(c.kept, t.col(f))
	}
	err = in.eachRow(t, func(rec []string) error {
		copy(row, rec)
		cl, err := acledClaim(in, t, &c, row)
		if err != nil {
			return err
		}
		return in.addEvent(cl, t, c.id)
	})
	if err != nil {
		return err
	}
	if in.res.Rows == 0 {
		return &Error{File: in.name, Line: 2, Msg: "no data rows after the header"}
	}
	return nil
}

// acledAlloc is everything one row's claim points to, allocated at once:
// a million-row import makes a million of them.
type acledAlloc struct {
	cl            ledger.Claim
	ev            ledger.Event
	att           [1]ledger.Attribution
	pt            ledger.Point
	fat           ledger.Range
	best          float64
	actors, roles [4]string
}

func acledClaim(in *input, t *table, c *acledRow, rec []string) (*ledger.Claim, error) {
	a := new(acledAlloc)
	day, err := parseEventDate(rec[c.date])
	if err != nil {
		return nil, t.errf(c.date, "%q: want a date YYYY-MM-DD", rec[c.date])
	}
	var valid ledger.Interval
	switch p := strings.TrimSpace(rec[c.timePrec]); p {
	case "1", "":
		d := ledger.DateOfDay(day)
		valid = ledger.Interval{From: d, To: d}
	case "2":
		// A week or similar: ACLED codes the middle of the period.
		valid = ledger.Interval{From: ledger.DateOfDay(day - 3), To: ledger.DateOfDay(day + 3)}
	case "3":
		d := ledger.DateOfDay(day)
		d.D, d.Prec = 0, ledger.PrecMonth
		valid = ledger.Interval{From: d, To: d}
	default:
		return nil, t.errf(c.timePrec, "%q: want 1, 2 or 3", p)
	}
	typ := strings.TrimSpace(rec[c.typ])
	if typ == "" {
		return nil, t.errf(c.typ, "empty: want an ACLED event type")
	}
	ev := &a.ev
	*ev = ledger.Event{Type: typ, SubType: strings.TrimSpace(rec[c.sub]),
		Location: rec[c.location], Notes: rec[c.notes], ExternalID: strings.TrimSpace(rec[c.id]),
		Actors: a.actors[:0], Roles: a.roles[:0]}
	if ev.ExternalID == "" {
		return nil, t.errf(c.id, "empty: want the event's id")
	}
	if pt, ok, err := parsePoint(t, c.lat, c.lon, rec); err != nil {
		return nil, err
	} else if ok {
		a.pt = pt
		ev.Point = &a.pt
	}
	if p := strings.TrimSpace(rec[c.geoPrec]); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 3 {
			return nil, t.errf(c.geoPrec, "%q: want 1, 2 or 3", p)
		}
		ev.GeoPrec = n
	}
	if f := strings.TrimSpace(rec[c.fatalities]); f != "" {
		n, err := strconv.Atoi(f)
		if err != nil || n < 0 {
			return nil, t.errf(c.fatalities, "%q: want a whole number >= 0", f)
		}
		a.best = float64(n)
		a.fat.Best = &a.best
		ev.Fatalities = &a.fat
	}
	k1, ok := interKind(rec[c.inter1])
	if !ok {
		return nil, t.errf(c.inter1, "%q: want an ACLED actor type (State forces ... External/Other forces, or 1-8)", rec[c.inter1])
	}
	k2, ok := interKind(rec[c.inter2])
	if !ok {
		return nil, t.errf(c.inter2, "%q: want an ACLED actor type (State forces ... External/Other forces, or 1-8)", rec[c.inter2])
	}
	add := func(name, kind, role string) {
		if id := in.r.actor(name, kind); id != "" {
			ev.Actors = append(ev.Actors, id)
			ev.Roles = append(ev.Roles, role)
		}
	}
	add(rec[c.actor1], k1, "actor1")
	for _, a := range splitList(rec[c.assoc1]) {
		add(a, "", "assoc_actor_1")
	}
	add(rec[c.actor2], k2, "actor2")
	for _, a := range splitList(rec[c.assoc2]) {
		add(a, "", "assoc_actor_2")
	}
	if len(ev.Actors) == 0 {
		ev.Actors, ev.Roles = nil, nil
	}
	if len(ev.Roles) <= 2 && (len(ev.Roles) == 0 || ev.Roles[0] == "actor1") && (len(ev.Roles) < 2 || ev.Roles[1] == "actor2") {
		ev.Roles = nil // the roles an export assumes without them: kept only when they say more
	}
	ev.Place = in.r.eventPlace(rec[c.location], ev.Point, rec[c.admin3], rec[c.admin2], rec[c.admin1])
	cl := &a.cl
	in.fill(cl, ledger.KindEvent, valid, t.start, t.end, a.att[:])
	cl.Event = ev
	cl.Note = acledNote(t, c, rec)
	return cl, nil
}

// splitList splits ACLED's semicolon-separated multi-value cells.
func splitList(s string) []string {
	if strings.TrimSpace(s) == "" {
		return nil
	}
	var out []string
	for _, p := range strings.Split(s, ";") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// parseEventDate reads ISO dates and the day-first forms of older exports.
func parseEventDate(s string) (ledger.Day, error) {
	s = strings.TrimSpace(s)
	if len(s) == 10 && s[4] == '-' {
		return ledger.ParseDay(s)
	}
	for _, layout := range []string{"02 January 2006", "2 January 2006", "02-January-2006", "02/01/2006", "02-01-2006"} {
		if tm, err := time.Parse(layout, s); err == nil {
			return ledger.DayOf(tm), nil
		}
	}
	return ledger.ParseDay(s)
}

// parsePoint reads a latitude/longitude pair; both empty is no point.
func parsePoint(t *table, latCol, lonCol int, rec []string) (ledger.Point, bool, error) {
	ls, os := strings.TrimSpace(rec[latCol]), strings.TrimSpace(rec[lonCol])
	if ls == "" && os == "" {
		return ledger.Point{}, false, nil
	}
	lat, err := strconv.ParseFloat(ls, 64)
	if err != nil || lat < -90 || lat > 90 {
		return ledger.Point{}, false, t.errf(latCol, "%q: want a latitude in decimal degrees, -90..90", ls)
	}
	lon, err := strconv.ParseFloat(os, 64)
	if err != nil || lon < -180 || lon > 180 {
		return ledger.Point{}, false, t.errf(lonCol, "%q: want a longitude in decimal degrees, -180..180", os)
	}
	if err := gazetteer.CheckLonLat(lon, lat); err != nil {
		return ledger.Point{}, false, t.errf(lonCol, "%v", err)
	}
	return ledger.Point{Lon: lon, Lat: lat}, true, nil
}
