package formats

import (
	"io"
	"slices"
	"strconv"
	"strings"

	"truce/gazetteer"
	"truce/ledger"
)

// hxlTag is a parsed HXL hashtag: "#affected+idps+ind" is name "affected"
// with attributes idps and ind.
type hxlTag struct {
	name  string
	attrs []string
}

func parseTag(s string) (hxlTag, bool) {
	s = strings.ToLower(strings.ReplaceAll(strings.TrimSpace(s), " ", ""))
	if !strings.HasPrefix(s, "#") {
		return hxlTag{}, false
	}
	parts := strings.Split(s[1:], "+")
	t := hxlTag{name: parts[0]}
	for _, a := range parts[1:] {
		if a != "" {
			t.attrs = append(t.attrs, a)
		}
	}
	return t, t.name != ""
}

func (t hxlTag) has(a string) bool { return slices.Contains(t.attrs, a) }

func (t hxlTag) String() string {
	if len(t.attrs) == 0 {
		return "#" + t.name
	}
	return "#" + t.name + "+" + strings.Join(t.attrs, "+")
}

// HXL people counts and the metric truce records them under.
var hxlAffected = map[string]string{
	"idps": "idps", "displaced": "displaced", "returnees": "returned", "refugees": "refugees", "killed": "fatalities",
}

// hxlUnit is the unit of the people counts.
var hxlUnit = map[string]string{"idps": "people", "displaced": "people", "returned": "people", "refugees": "people",
	"fatalities": "people", "population": "people"}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// hxlMetric maps a tag to a figure metric: the base metric, then the
// tag's other attributes ("#affected+idps+ind+stock+conflict" is
// "idps+stock+conflict"), +ind/+num dropped as they only say what is
// counted, +min/+max read as the low and high of the same metric. ok is
// false for a tag that is not a figure.
func hxlMetric(t hxlTag) (metric, bound string, ok bool) {
	var base, baseAttr string
	switch t.name {
	case "affected":
		for _, a := range t.attrs {
			if m, ok := hxlAffected[a]; ok {
				base, baseAttr = m, a
				break
			}
		}
	case "population":
		base = "population"
	case "indicator":
	default:
		return "", "", false
	}
	if t.name == "affected" && base == "" {
		return "", "", false
	}
	var rest []string
	for _, a := range t.attrs {
		switch {
		case a == baseAttr:
			baseAttr = "" // only its first use names the base
		case a == "ind" || a == "num" || a == "value":
		case a == "min" || a == "max":
			bound = a
		default:
			rest = append(rest, a)
		}
	}
	if base == "" { // #indicator: the attributes are the metric
		if len(rest) == 0 {
			return "", "", false
		}
		return strings.Join(rest, "+"), bound, true
	}
	return strings.Join(append([]string{base}, rest...), "+"), bound, true
}

// metricTag is the inverse of hxlMetric for export.
func metricTag(metric, bound string) string {
	parts := strings.Split(metric, "+")
	var tag string
	switch {
	case parts[0] == "population":
		tag = "#population"
	default:
		for a, m := range hxlAffected {
			if m == parts[0] {
				tag = "#affected+" + a
			}
		}
		if tag == "" { // any other metric rides on #indicator
			tag, parts = "#indicator+num", append([]string{""}, parts...)
		}
	}
	for _, a := range parts[1:] {
		tag += "+" + a
	}
	if bound != "" {
		tag += "+" + bound
	}
	return tag
}

type hxlCols struct {
	metrics                   []hxlMetricCol
	start, end, round         int
	countryCode, countryName  int
	adm1                      int           // the #adm1+name column, for regions created from it
	sub                       []hxlPlaceCol // #loc and #admN columns, finest first, names before codes
	countryOrigin, adm1Origin bool
}

type hxlMetricCol struct {
	col           int
	metric, bound string
}

// hxlPlaceCol is a place column below the country: #loc or #adm1..#adm5,
// by name or code; origin when tagged +origin (DTM: where people were
// displaced from, not where they are).
type hxlPlaceCol struct {
	col, level   int
	code, origin bool
}

// hxlLevels ranks the place hashtags from the finest.
var hxlLevels = map[string]int{"loc": 0, "adm5": 1, "adm4": 2, "adm3": 3, "adm2": 4, "adm1": 5}

// placeTag reports whether a place hashtag's attributes say a name or a
// code of a place (not e.g. #loc+type): only name, code, origin and dest.
func placeTag(t hxlTag) bool {
	for _, a := range t.attrs {
		if a != "name" && a != "code" && a != "origin" && a != "dest" {
			return false
		}
	}
	return true
}

// readHXL reads HXL-tagged CSV as figure claims, one per non-empty figure
// cell, scoped to the most precise place the row names.
func readHXL(in *input) error {
	t, err := newTable(in.name, in.data)
	if err != nil {
		return err
	}
	tags, err := hxlTags(t)
	if err != nil {
		return err
	}
	c := hxlCols{start: -1, end: -1, countryCode: -1, countryName: -1, adm1: -1, round: -1}
	seen := map[[2]int]bool{} // (level, code) of the place columns taken
	// Dates: an explicit start/end pair wins, then a plain #date, then
	// #date+year, then #date+reported.
	var plain, year, reported = -1, -1, -1
	for i, tg := range tags {
		if tg.name == "" {
			continue
		}
		first := func(p *int) {
			if *p < 0 {
				*p = i
			}
		}
		switch tg.name {
		case "date":
			switch {
			case tg.has("start") && !tg.has("year"):
				first(&c.start)
			case tg.has("end") && !tg.has("year"):
				first(&c.end)
			case tg.has("reported"):
				first(&reported)
			case tg.has("year") && !tg.has("start") && !tg.has("end"):
				first(&year)
			case len(tg.attrs) == 0:
				first(&plain)
			}
		case "country":
			if !placeTag(tg) {
				break
			}
			if tg.has("code") {
				first(&c.countryCode)
			} else {
				first(&c.countryName)
			}
			if i == c.countryCode || i == c.countryName {
				c.countryOrigin = c.countryOrigin || tg.has("origin")
			}
		case "loc", "adm1", "adm2", "adm3", "adm4", "adm5":
			lv, code := hxlLevels[tg.name], tg.has("code")
			if !placeTag(tg) || seen[[2]int{lv, btoi(code)}] {
				break
			}
			seen[[2]int{lv, btoi(code)}] = true
			c.sub = append(c.sub, hxlPlaceCol{col: i, level: lv, code: code, origin: tg.has("origin")})
			if tg.name == "adm1" && !code {
				c.adm1, c.adm1Origin = i, tg.has("origin")
			}
		case "round":
			first(&c.round)
		default:
			if m, b, ok := hxlMetric(tg); ok {
				c.metrics = append(c.metrics, hxlMetricCol{i, m, b})
			}
		}
	}
	if c.start < 0 {
		for _, p := range []int{plain, year, reported} {
			if p >= 0 {
				c.start = p
				break
			}
		}
		c.end = -1
	}
	if len(c.metrics) == 0 {
		return &Error{File: in.name, Line: t.line, Msg: "no figure column: want a #affected+idps/+displaced/+returnees/+refugees/+killed or #population hashtag"}
	}
	if c.start < 0 {
		return &Error{File: in.name, Line: t.line, Msg: "no date column: want #date, #date+year, #date+start or #date+reported"}
	}
	if c.countryCode < 0 && c.countryName < 0 && len(c.sub) == 0 {
		return &Error{File: in.name, Line: t.line, Msg: "no place column: want #country+code, #country+name, #adm1+name, #adm2+name or #loc+name (or +code)"}
	}
	// Finest level first; at one level a name before a code.
	slices.SortStableFunc(c.sub, func(a, b hxlPlaceCol) int {
		if a.level != b.level {
			return a.level - b.level
		}
		return btoi(a.code) - btoi(b.code)
	})
	hp := &hxlPlaces{r: in.r, ids: map[string]string{}}
	if err := in.eachRow(t, func(rec []string) error { return hxlRow(in, t, &c, hp, rec) }); err != nil {
		return err
	}
	if len(in.res.Batch.Claims) == 0 {
		return &Error{File: in.name, Line: t.line, Msg: "no figures: every figure cell is empty"}
	}
	if hp.countries+hp.regions > 0 {
		in.res.notef("created %s and %s the gazetteer did not know, from the file's #country and #adm1 columns",
			plural(hp.countries, "country", "countries"), plural(hp.regions, "region", "regions"))
	}
	if hp.unknownLoc > 0 {
		in.res.notef("%s named a #loc or #adm2-5 place the gazetteer does not know: scoped to the broader place the row names", plural(hp.unknownLoc, "row", "rows"))
	}
	return nil
}

// hxlTags finds the hashtag row: the first row (the header itself or one
// after it) whose non-empty cells all start with '#'.
func hxlTags(t *table) ([]hxlTag, error) {
	row := t.header
	for n := 0; ; n++ {
		if isTagRow(row) {
			tags := make([]hxlTag, len(row))
			for i, c := range row {
				if tg, ok := parseTag(c); ok {
					tags[i] = tg
				}
			}
			return tags, nil
		}
		if n == 10 {
			return nil, &Error{File: t.file, Line: 1, Msg: "no HXL hashtag row in the first rows: want a row whose cells are hashtags like #country+code"}
		}
		rec, err := t.next()
		if err == io.EOF {
			return nil, &Error{File: t.file, Line: 1, Msg: "no HXL hashtag row: want a row whose cells are hashtags like #country+code"}
		}
		if err != nil {
			return nil, err
		}
		row = rec
	}
}

func isTagRow(row []string) bool {
	n := 0
	for _, c := range row {
		c = strings.TrimSpace(c)
		if c == "" {
			continue
		}
		if !strings.HasPrefix(c, "#") {
			return false
		}
		n++
	}
	return n > 0
}

func hxlRow(in *input, t *table, c *hxlCols, hp *hxlPlaces, rec []string) error {
	type vals struct{ low, best, high *float64 }
	var order []string
	got := map[string]*vals{}
	for _, m := range c.metrics {
		s := strings.TrimSpace(rec[m.col])
		if s == "" {
			continue
		}
		v, err := strconv.ParseFloat(strings.ReplaceAll(s, ",", ""), 64)
		if err != nil || v < 0 {
			return t.errf(m.col, "%q: want a number >= 0", s)
		}
		g := got[m.metric]
		if g == nil {
			g = &vals{}
			got[m.metric] = g
			order = append(order, m.metric)
		}
		switch m.bound {
		case "min":
			g.low = &v
		case "max":
			g.high = &v
		default:
			g.best = &v
		}
	}
	if len(order) == 0 {
		return nil
	}
	from, err := hxlDate(rec[c.start])
	if err != nil {
		return t.errf(c.start, "%q: want a date YYYY, YYYY-MM or YYYY-MM-DD", rec[c.start])
	}
	if from.IsZero() {
		return t.errf(c.start, "empty: a figure needs the date it is valid at")
	}
	to := from
	if c.end >= 0 && strings.TrimSpace(rec[c.end]) != "" {
		if to, err = hxlDate(rec[c.end]); err != nil {
			return t.errf(c.end, "%q: want a date YYYY, YYYY-MM or YYYY-MM-DD", rec[c.end])
		}
	}
	valid := ledger.Interval{From: from, To: to}
	if err := valid.Validate(); err != nil {
		return t.errf(c.end, "%v", err)
	}
	place, origin, err := hp.place(t, c, rec)
	if err != nil {
		return err
	}
	// The span and quote are the row itself, without its line end.
	quote := strings.TrimRight(string(t.data[t.start:t.end]), "\r\n")
	round := ""
	if c.round >= 0 {
		round = strings.TrimSpace(rec[c.round])
	}
	for _, m := range order {
		v := got[m]
		if v.low != nil && v.high != nil && *v.low > *v.high {
			return t.errf(c.metrics[0].col, "%s: min %v above max %v", m, *v.low, *v.high)
		}
		cl := in.claim(ledger.KindFigure, valid, t.start, t.start+int64(len(quote)))
		cl.Attributions[0].Quote = quote
		base, _, _ := strings.Cut(m, "+")
		cl.Figure = &ledger.Figure{Metric: m, Place: place, Low: v.low, Best: v.best, High: v.high, Round: round,
			Unit: hxlUnit[base], Origin: origin && (base == "idps" || base == "displaced")}
		in.res.Batch.Claims = append(in.res.Batch.Claims, cl)
	}
	return nil
}

// hxlDate reads a date, keeping only the date of a timestamp.
func hxlDate(s string) (ledger.Date, error) {
	s = strings.TrimSpace(s)
	if len(s) > 10 && (s[10] == ' ' || s[10] == 'T') {
		s = s[:10]
	}
	return ledger.ParseDate(s)
}

// hxlPlaces scopes rows to places, creating the countries and regions
// (ADM1) the gazetteer does not know.
type hxlPlaces struct {
	r                              *resolver
	ids                            map[string]string // "country\x00key" or "adm1\x00country\x00key" -> id
	countries, regions, unknownLoc int
}

// place scopes a row to the finest place it names that the gazetteer
// knows (by id or name), creating its #adm1 region and #country when
// unknown. origin reports that the column it came from is tagged +origin.
func (h *hxlPlaces) place(t *table, c *hxlCols, rec []string) (id string, origin bool, err error) {
	get := func(i int) string {
		if i < 0 {
			return ""
		}
		return strings.TrimSpace(rec[i])
	}
	// The country first, created if unknown, whatever the row's finer place.
	code, cname := get(c.countryCode), get(c.countryName)
	country := ""
	if code != "" || cname != "" {
		country = h.country(code, cname)
	}
	unknown := -1 // first column naming a place nobody knows
	for _, pc := range c.sub {
		v := get(pc.col)
		if v == "" {
			continue
		}
		if id := h.lookup(v); id != "" {
			if unknown >= 0 {
				h.unknownLoc++
			}
			return id, pc.origin, nil
		}
		if pc.level == hxlLevels["adm1"] && pc.col == c.adm1 {
			break // a region to create, under its country
		}
		if unknown < 0 {
			unknown = pc.col
		}
	}
	if unknown >= 0 {
		h.unknownLoc++
	}
	if adm1 := get(c.adm1); adm1 != "" {
		key := "adm1\x00" + country + "\x00" + gazetteer.Fold(adm1)
		if id, ok := h.ids[key]; ok {
			return id, c.adm1Origin, nil
		}
		id := h.r.freeID(slug(adm1), h.taken)
		h.r.b.Places = append(h.r.b.Places, ledger.Place{ID: id, Kind: "region", Label: adm1,
			Names: []ledger.Name{{Name: adm1}}, Parent: country})
		h.ids[key] = id
		h.regions++
		return id, c.adm1Origin, nil
	}
	if country != "" {
		return country, c.countryOrigin, nil
	}
	if unknown >= 0 {
		return "", false, t.errf(unknown, "%q is not a known place and the row names no #adm1+name or #country to scope it to", get(unknown))
	}
	col := c.countryName
	if len(c.sub) > 0 {
		col = c.sub[0].col
	} else if col < 0 {
		col = c.countryCode
	}
	return "", false, t.errf(col, "empty: want the place the figure is about (#loc, #adm1-5 or #country)")
}

// lookup finds a place by id, then by any of its names.
func (h *hxlPlaces) lookup(v string) string {
	if _, ok := h.r.g.Place(v); ok {
		return v
	}
	return h.r.placeByName(v)
}

func (h *hxlPlaces) taken(id string) bool { _, ok := h.r.g.Place(id); return ok }

// country finds a country by code or name, or creates it.
func (h *hxlPlaces) country(code, name string) string {
	key := "country\x00" + strings.ToUpper(code) + "\x00" + gazetteer.Fold(name)
	if id, ok := h.ids[key]; ok {
		return id
	}
	id := ""
	if code != "" {
		id = h.r.placeByName(code)
	}
	if id == "" && name != "" {
		id = h.r.placeByName(name)
	}
	if id == "" {
		label, base := name, slug(name)
		if label == "" {
			label, base = code, strings.ToLower(code)
		}
		if _, ok := h.r.g.Place(base); ok {
			id = base // the gazetteer has this id under other names
		} else {
			id = h.r.freeID(base, h.taken)
			p := ledger.Place{ID: id, Kind: "country", Label: label, Names: []ledger.Name{{Name: label}}}
			if code != "" && name != "" {
				p.Names = append(p.Names, ledger.Name{Name: strings.ToUpper(code), Kind: "code"})
			}
			h.r.b.Places = append(h.r.b.Places, p)
			h.countries++
		}
	}
	h.ids[key] = id
	return id
}
