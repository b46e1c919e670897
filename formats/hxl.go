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
	metrics                                    []hxlMetricCol
	start, end, countryCode, countryName, adm1 int
	loc, round                                 int
}

type hxlMetricCol struct {
	col           int
	metric, bound string
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
	c := hxlCols{start: -1, end: -1, countryCode: -1, countryName: -1, adm1: -1, loc: -1, round: -1}
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
			if tg.has("code") {
				first(&c.countryCode)
			} else if tg.has("name") || len(tg.attrs) == 0 {
				first(&c.countryName)
			}
		case "adm1":
			if tg.has("name") || len(tg.attrs) == 0 {
				first(&c.adm1)
			}
		case "loc":
			if tg.has("name") || len(tg.attrs) == 0 {
				first(&c.loc)
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
	if c.countryCode < 0 && c.countryName < 0 && c.adm1 < 0 && c.loc < 0 {
		return &Error{File: in.name, Line: t.line, Msg: "no place column: want #country+code, #country+name, #adm1+name or #loc+name"}
	}
	hp := &hxlPlaces{r: in.r, ids: map[string]string{}}
	for {
		rec, err := t.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		in.res.Rows++
		t.progress(in.opt.Progress, in.res.Rows)
		if err := hxlRow(in, t, &c, hp, rec); err != nil {
			return err
		}
	}
	if len(in.res.Batch.Claims) == 0 {
		return &Error{File: in.name, Line: t.line, Msg: "no figures: every figure cell is empty"}
	}
	if hp.countries+hp.regions > 0 {
		in.res.notef("created %s and %s the gazetteer did not know, from the file's #country and #adm1 columns",
			plural(hp.countries, "country", "countries"), plural(hp.regions, "region", "regions"))
	}
	if hp.unknownLoc > 0 {
		in.res.notef("%s named a #loc+name the gazetteer does not know: scoped to their #adm1 or #country", plural(hp.unknownLoc, "row", "rows"))
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
	place, err := hp.place(t, c, rec)
	if err != nil {
		return err
	}
	round := ""
	if c.round >= 0 {
		round = strings.TrimSpace(rec[c.round])
	}
	for _, m := range order {
		v := got[m]
		if v.low != nil && v.high != nil && *v.low > *v.high {
			return t.errf(c.metrics[0].col, "%s: min %v above max %v", m, *v.low, *v.high)
		}
		cl := in.claim(ledger.KindFigure, valid, t.start, t.end)
		cl.Figure = &ledger.Figure{Metric: m, Place: place, Low: v.low, Best: v.best, High: v.high, Round: round}
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

func (h *hxlPlaces) place(t *table, c *hxlCols, rec []string) (string, error) {
	get := func(i int) string {
		if i < 0 {
			return ""
		}
		return strings.TrimSpace(rec[i])
	}
	loc, adm1, code, cname := get(c.loc), get(c.adm1), get(c.countryCode), get(c.countryName)
	if loc != "" {
		if id := h.r.placeByName(loc); id != "" {
			return id, nil
		}
		h.unknownLoc++
	}
	country := ""
	if code != "" || cname != "" {
		country = h.country(code, cname)
	}
	if adm1 != "" {
		if id := h.r.placeByName(adm1); id != "" {
			return id, nil
		}
		key := "adm1\x00" + country + "\x00" + gazetteer.Fold(adm1)
		if id, ok := h.ids[key]; ok {
			return id, nil
		}
		id := h.r.freeID(slug(adm1), h.taken)
		h.r.b.Places = append(h.r.b.Places, ledger.Place{ID: id, Kind: "region", Label: adm1,
			Names: []ledger.Name{{Name: adm1}}, Parent: country})
		h.ids[key] = id
		h.regions++
		return id, nil
	}
	if country != "" {
		return country, nil
	}
	col := c.loc
	if col < 0 {
		col = c.adm1
	}
	if col < 0 {
		col = c.countryName
	}
	if col < 0 {
		col = c.countryCode
	}
	if loc != "" {
		return "", t.errf(c.loc, "%q is not a known place and the row names no #adm1 or #country to scope it to", loc)
	}
	return "", t.errf(col, "empty: want the place the figure is about (#loc+name, #adm1+name or #country)")
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
