package formats

import (
	"strconv"
	"strings"

	"truce/ledger"
)

// UCDP GED's type_of_violence in ACLED's vocabulary: state-based and
// non-state conflict are fighting between armed sides; one-sided violence
// is violence against civilians. The UCDP category is kept as sub-type.
var ucdpViolence = map[string][2]string{
	"1": {"Battles", "State-based conflict"},
	"2": {"Battles", "Non-state conflict"},
	"3": {"Violence against civilians", "One-sided violence"},
}

// readUCDP reads UCDP GED CSV. Columns are found by name, so the current
// 49-column layout and older ones (GED 19.1, 42 columns, low/best/high in
// another order, no relid) read the same.
func readUCDP(in *input) error {
	t, err := newTable(in.name, in.data)
	if err != nil {
		return err
	}
	idx, err := t.need("UCDP GED", "id", "type_of_violence", "side_a", "side_b", "where_prec", "where_coordinates",
		"adm_1", "adm_2", "latitude", "longitude", "country", "date_start", "date_end", "low", "best", "high")
	if err != nil {
		return err
	}
	cID, cType, cA, cB, cPrec, cWhere, cAdm1, cAdm2, cLat, cLon, cCountry, cStart, cEnd, cLow, cBest, cHigh :=
		idx[0], idx[1], idx[2], idx[3], idx[4], idx[5], idx[6], idx[7], idx[8], idx[9], idx[10], idx[11], idx[12], idx[13], idx[14], idx[15]
	cConflict := t.col("conflict_name")
	disordered := 0
	err = in.eachRow(t, func(rec []string) error {
		vt, ok := ucdpViolence[strings.TrimSpace(rec[cType])]
		if !ok {
			return t.errf(cType, "%q: want 1, 2 or 3", rec[cType])
		}
		from, err := ucdpDate(rec[cStart])
		if err != nil {
			return t.errf(cStart, "%q: want a date YYYY-MM-DD (optionally with a time)", rec[cStart])
		}
		to, err := ucdpDate(rec[cEnd])
		if err != nil {
			return t.errf(cEnd, "%q: want a date YYYY-MM-DD (optionally with a time)", rec[cEnd])
		}
		valid := ledger.Interval{From: from, To: to}
		if err := valid.Validate(); err != nil {
			return t.errf(cEnd, "%q is before date_start %q", rec[cEnd], rec[cStart])
		}
		ev := &ledger.Event{Type: vt[0], SubType: vt[1], ExternalID: strings.TrimSpace(rec[cID]),
			Location: strings.TrimSpace(rec[cWhere])}
		if ev.ExternalID == "" {
			return t.errf(cID, "empty: want the event's id")
		}
		if cConflict >= 0 {
			ev.Notes = rec[cConflict]
		}
		if pt, ok, err := parsePoint(t, cLat, cLon, rec); err != nil {
			return err
		} else if ok {
			ev.Point = &pt
		}
		if p := strings.TrimSpace(rec[cPrec]); p != "" {
			n, err := strconv.Atoi(p)
			if err != nil || n < 1 || n > 7 {
				return t.errf(cPrec, "%q: want 1-7", p)
			}
			ev.GeoPrec = n
		}
		var r ledger.Range
		for _, f := range []struct {
			col int
			v   **float64
		}{{cLow, &r.Low}, {cBest, &r.Best}, {cHigh, &r.High}} {
			s := strings.TrimSpace(rec[f.col])
			if s == "" {
				continue
			}
			v, err := strconv.ParseFloat(s, 64)
			if err != nil || v < 0 {
				return t.errf(f.col, "%q: want a number of deaths >= 0", s)
			}
			*f.v = &v
		}
		if outOfOrder(r) {
			// Published GED rows do this (GED23 sample: 13 of 1000): keep
			// the figures as published and say so.
			disordered++
		}
		ev.Fatalities = &r
		for _, s := range []struct {
			col  int
			role string
		}{{cA, "side_a"}, {cB, "side_b"}} {
			name := strings.TrimSpace(rec[s.col])
			if id := in.r.actor(name, ucdpKind(name)); id != "" {
				ev.Actors = append(ev.Actors, id)
				ev.Roles = append(ev.Roles, s.role)
			}
		}
		ev.Place = in.r.eventPlace(ev.Location, ev.Point, rec[cAdm2], rec[cAdm1], rec[cCountry])
		cl := in.claim(ledger.KindEvent, valid, t.start, t.end)
		cl.Event = ev
		return in.addEvent(cl, t, cID)
	})
	if err != nil {
		return err
	}
	if in.res.Rows == 0 {
		return &Error{File: in.name, Line: 2, Msg: "no data rows after the header"}
	}
	if disordered > 0 {
		in.res.notef("%s with low/best/high out of order (low > best or best > high), kept as published", plural(disordered, "row", "rows"))
	}
	return nil
}

func outOfOrder(r ledger.Range) bool {
	le := func(a, b *float64) bool { return a == nil || b == nil || *a <= *b }
	return !le(r.Low, r.Best) || !le(r.Best, r.High) || !le(r.Low, r.High)
}

func ucdpKind(name string) string {
	switch {
	case strings.HasPrefix(name, "Government of"):
		return "state"
	case name == "Civilians":
		return "civilians"
	}
	return "armed_group"
}

// ucdpDate reads "2013-01-03" or UCDP's "2013-01-03 00:00:00.000".
func ucdpDate(s string) (ledger.Date, error) {
	s = strings.TrimSpace(s)
	if len(s) > 10 && (s[10] == ' ' || s[10] == 'T') {
		s = s[:10]
	}
	day, err := ledger.ParseDay(s)
	if err != nil {
		return ledger.Date{}, err
	}
	return ledger.DateOfDay(day), nil
}
