// Package extract reads a report (wire story, statement, monitoring
// report) and drafts the claims it makes: control changes, figures,
// mandates and deadlines, statements and events. Every draft is a
// candidate claim carrying the byte span of its quote in the stored text,
// a confidence and the name of the rule that produced it; a person
// accepts or rejects it later (truce review). Names the gazetteer does not
// know are kept as mentions so the gazetteer can grow.
//
// The rules are written for how wire reports are phrased, not for one
// text: passive and active handovers, lists that share one verb ("A was
// ceded on Tuesday, B on Nov. 25 and C on Nov. 20"), qualified figures
// ("up to", "more than", "nearly", "tens of thousands"), attribution ("X
// said", "says P of O", "according to X"). See rules.md for the list.
package extract

import (
	"slices"
	"sort"
	"strings"

	"truce/gazetteer"
	"truce/ledger"
	"truce/store"
)

// Options describe the report being read.
type Options struct {
	Source     string      // source id written into attributions
	Published  ledger.Date // zero when unknown: relative dates stay unresolved
	RecordedBy string      // default "extract"
}

// Result is what one report yields.
type Result struct {
	Claims   []*ledger.Claim
	Mentions []store.Mention // names that look like places but are not in the gazetteer
}

// Extractor holds what extraction needs from the ledger: the gazetteer,
// the de facto authority "separatists" refers to, and the agreements whose
// provisions a deadline may belong to. It is safe for concurrent use.
type Extractor struct {
	g          *gazetteer.Gazetteer
	defacto    []defacto
	agreements []ledger.Agreement
	maxWords   int
	// prefixes holds every leading word sequence of every folded name,
	// true when it is a whole name: a run of words is extended only while
	// some name still starts with it.
	prefixes map[string]bool
}

// defacto is a de facto authority with the place names its own names
// contain ("Marevo People's Republic" holds "Marevo").
type defacto struct {
	id     string
	places []string
}

// New builds an extractor. actors are searched for the de facto
// authorities that generic words ("separatists", "rebels") may refer to;
// agreements give the provisions a deadline may belong to.
func New(g *gazetteer.Gazetteer, places []ledger.Place, actors []ledger.Actor, agreements []ledger.Agreement) *Extractor {
	x := &Extractor{g: g, agreements: agreements, maxWords: max(g.MaxWords(), 1), prefixes: map[string]bool{}}
	addName := func(n string) {
		k := gazetteer.Fold(n)
		for i := 0; i < len(k); i++ {
			if k[i] == ' ' && !x.prefixes[k[:i]] {
				x.prefixes[k[:i]] = false
			}
		}
		x.prefixes[k] = true
	}
	for _, p := range places {
		addName(p.Label)
		for _, n := range p.Names {
			addName(n.Name)
		}
	}
	for _, a := range actors {
		addName(a.Label)
		for _, n := range a.Names {
			addName(n.Name)
		}
	}
	for _, a := range actors {
		k := strings.NewReplacer("_", " ", "-", " ").Replace(strings.ToLower(a.Kind))
		if !strings.Contains(k, "de facto") && !strings.Contains(k, "separatist") && !strings.Contains(k, "rebel") {
			continue
		}
		df := defacto{id: a.ID}
		var names []string
		for _, n := range append([]ledger.Name{{Name: a.Label}}, a.Names...) {
			names = append(names, " "+gazetteer.Fold(n.Name)+" ")
		}
		for _, p := range places {
			for _, n := range append([]ledger.Name{{Name: p.Label}}, p.Names...) {
				f := gazetteer.Fold(n.Name)
				if len(f) < 4 || slices.Contains(df.places, n.Name) {
					continue
				}
				for _, an := range names {
					if strings.Contains(an, " "+f+" ") {
						df.places = append(df.places, n.Name)
						break
					}
				}
			}
		}
		// and the places inside those: "Tarnak" in "Marevo" names the
		// Marevo authorities' ground too
		for range 2 {
			for _, p := range places {
				if p.Parent == "" || slices.Contains(df.places, p.Label) {
					continue
				}
				for _, q := range places {
					if q.ID == p.Parent && slices.Contains(df.places, q.Label) {
						df.places = append(df.places, p.Label)
						break
					}
				}
			}
		}
		x.defacto = append(x.defacto, df)
	}
	return x
}

// defactoFor picks the de facto authority a report's "separatists" are:
// the only one, or the one whose region the report names most.
func (x *Extractor) defactoFor(text string) string {
	if len(x.defacto) == 1 {
		return x.defacto[0].id
	}
	best, bestN, tie := "", 0, false
	for _, df := range x.defacto {
		n := 0
		for _, p := range df.places {
			n += strings.Count(text, p)
		}
		switch {
		case n > bestN:
			best, bestN, tie = df.id, n, false
		case n == bestN && n > 0:
			tie = true
		}
	}
	if tie {
		return ""
	}
	return best
}

// ment is a name found in the gazetteer.
type ment struct {
	t0, t1 int
	place  string // place id, if the name denotes exactly one place
	actor  string // actor id, if it denotes exactly one actor
	nkind  string // demonym, metonym, ...
}

// doc is the state of one extraction.
type doc struct {
	x      *Extractor
	text   string
	toks   []tok
	opt    Options
	ments  []ment
	mentAt []int32 // token -> index into ments, -1 when none
	dateAt []int32 // token -> index into dates
	dates  []dateRef
	out    []*ledger.Claim
	dated  map[*ledger.Claim]bool
	unk    []store.Mention
	// discourse: the party that last gained ground, for handovers whose
	// receiving party is not named in the sentence ("Lachin was ceded").
	gainer    string
	figPlace  string
	figSent   int
	sent      int
	lastActor string
	defacto   string
	// where this sentence's claims and unknown names begin in out and unk,
	// so that rules look at the sentence only (long reports stay linear)
	sentOut, sentUnk int
	sa, sb           int // the sentence's tokens: no rule looks outside them
	// areas: names the report calls districts, provinces... ("three
	// districts — Aghdam, Lachin and Kalbajar"), folded, to their noun
	areas map[string]string
}

// Extract drafts the claims of one report.
func (x *Extractor) Extract(text string, opt Options) Result {
	if opt.RecordedBy == "" {
		opt.RecordedBy = "extract"
	}
	d := &doc{x: x, text: text, toks: tokenize(text), opt: opt, dated: map[*ledger.Claim]bool{}, figSent: -10}
	d.defacto = x.defactoFor(text)
	d.mentAt = make([]int32, len(d.toks))
	d.dateAt = make([]int32, len(d.toks))
	for i := range d.mentAt {
		d.mentAt[i], d.dateAt[i] = -1, -1
	}
	classify(d.toks)
	d.findAreas()
	sents := sentences(d.toks)
	for si, s := range sents {
		d.sent = si
		d.sentOut, d.sentUnk = len(d.out), len(d.unk)
		a, b := s[0], s[1]
		d.sa, d.sb = a, b
		if d.boilerplate(a, b) {
			continue
		}
		d.findMentions(a, b)
		for _, r := range findDates(d.toks, a, b, opt.Published, d.future(a, b)) {
			d.dates = append(d.dates, r)
			for i := r.t0; i < r.t1; i++ {
				d.dateAt[i] = int32(len(d.dates) - 1)
			}
		}
		d.sentence(a, b)
	}
	d.mergeControl()
	return Result{Claims: d.out, Mentions: d.unk}
}

// boilerplate skips lines web pages add around a story.
func (d *doc) boilerplate(a, b int) bool {
	t := d.toks
	if b-a < 2 {
		return true
	}
	w0, w1 := t[a].low, t[a+1].low
	switch {
	case w0 == "related" && (w1 == "article" || w1 == "articles" || w1 == "stories"),
		w0 == "read" && (w1 == "more" || w1 == "also"),
		w0 == "see" && w1 == "also",
		w0 == "http" || w0 == "https":
		return true
	}
	return false
}

var futureWords = map[string]bool{"will": true, "next": true, "due": true, "deadline": true, "shall": true, "until": true}

func (d *doc) future(a, b int) bool {
	for i := a; i < b; i++ {
		if futureWords[d.toks[i].low] {
			return true
		}
	}
	return false
}

// genericDefacto are words reports use for a de facto authority.
var genericDefacto = map[string]bool{"de": true, "separatists": true, "separatist": true, "rebels": true, "rebel": true, "insurgents": true}

// findMentions looks names up in the gazetteer, longest first, and
// collects capitalised place-like names it does not know.
func (d *doc) findMentions(a, b int) {
	t := d.toks
	keys := make([]string, 0, d.x.maxWords)
	for i := a; i < b; i++ {
		if t[i].kind != 'w' || !(t[i].cap || t[i].is(lxGeneric)) {
			continue
		}
		keys = keys[:0]
		k := ""
		for j := i; j < b && j-i < d.x.maxWords; j++ {
			if t[j].kind == 'p' || j > i && !t[j-1].hyph && t[j].s-t[j-1].e > 1 {
				break
			}
			f := foldTok(d.text, t[j])
			if j > i {
				k += " " + f
			} else {
				k = f
			}
			whole, ok := d.x.prefixes[k]
			if !ok {
				break
			}
			if whole {
				keys = append(keys, k)
			} else {
				keys = append(keys, "")
			}
		}
		var m ment
		found := false
		for n := len(keys); n >= 1 && !found; n-- {
			if keys[n-1] == "" {
				continue
			}
			if es := d.x.g.LookupKey(keys[n-1]); len(es) > 0 {
				m, found = resolve(es), true
				m.t0, m.t1 = i, i+n
				// "Lachin" in a report that calls it a district is the
				// district, where the gazetteer tells town and district apart
				if noun := d.areas[keys[n-1]]; noun != "" && m.place != "" {
					for _, e := range d.x.g.LookupKey(keys[n-1] + " " + noun) {
						if e.Kind == "place" {
							m.place = e.ID
							break
						}
					}
				}
			}
		}
		if f := foldTok(d.text, t[i]); !found && len(f) > 1 && strings.HasSuffix(f, "s") {
			// plural demonym: "Azerbaijanis", "Armenians"
			for _, e := range d.x.g.LookupKey(f[:len(f)-1]) {
				if e.Kind == "actor" {
					m, found = ment{t0: i, t1: i + 1, actor: e.ID, nkind: "demonym"}, true
					break
				}
			}
		}
		if !found && t[i].is(lxGeneric) && d.defacto != "" {
			m, found = ment{t0: i, t1: i + 1, actor: d.defacto, nkind: "generic"}, true
			// "the de facto authorities"
			if t[i].low == "de" {
				if i+1 < b && t[i+1].low == "facto" {
					m.t1 = i + 2
					if i+2 < b && (t[i+2].low == "authorities" || t[i+2].low == "government" || t[i+2].low == "leadership") {
						m.t1 = i + 3
					}
				} else {
					found = false
				}
			}
		}
		if !found {
			if t[i].cap {
				i = d.unknown(i, a, b)
			}
			continue
		}
		// "Armenian separatists": the demonym names whose separatists they are.
		if m.nkind == "generic" && len(d.ments) > 0 {
			p := &d.ments[len(d.ments)-1]
			if p.t1 == i && p.actor != "" && p.t0 >= a {
				p.t1, p.actor, p.place, p.nkind = m.t1, m.actor, "", "generic"
				for j := p.t0; j < p.t1; j++ {
					d.mentAt[j] = int32(len(d.ments) - 1)
				}
				continue
			}
		}
		d.ments = append(d.ments, m)
		for j := m.t0; j < m.t1; j++ {
			d.mentAt[j] = int32(len(d.ments) - 1)
		}
		i = m.t1 - 1
	}
}

// areaNouns name administrative areas; a report that lists names after
// one ("districts: A, B and C") or before one ("A district") says what
// kind of place those names are.
var areaNouns = map[string]string{"district": "district", "districts": "district", "province": "province",
	"provinces": "province", "region": "region", "regions": "region", "county": "county", "counties": "county",
	"oblast": "oblast", "municipality": "municipality", "municipalities": "municipality"}

func (d *doc) findAreas() {
	t := d.toks
	for i := range t {
		if !t[i].is(lxArea) {
			continue
		}
		noun := areaNouns[t[i].low]
		if i > 0 && t[i-1].cap && t[i-1].kind == 'w' {
			d.addArea(foldTok(d.text, t[i-1]), noun)
		}
		for j, n := i+1, 0; j < len(t) && n < 16; j, n = j+1, n+1 {
			w := t[j]
			switch {
			case w.kind == 'w' && w.cap:
				d.addArea(foldTok(d.text, w), noun)
			case w.low == "—" || w.low == "–" || w.low == ":" || w.low == "," || w.low == "(" || w.low == "-" ||
				w.low == "and" || w.low == "of" || w.low == "the" || w.low == "namely" || w.low == "including":
			default:
				j = len(t)
			}
		}
	}
}

func (d *doc) addArea(key, noun string) {
	if d.areas == nil {
		d.areas = map[string]string{}
	}
	d.areas[key] = noun
}

func foldTok(text string, t tok) string {
	w := text[t.s:t.e]
	for i := 0; i < len(w); i++ {
		if w[i] >= 0x80 {
			return gazetteer.Fold(w)
		}
	}
	return t.low
}

func resolve(es []gazetteer.Entry) ment {
	var m ment
	np, na := 0, 0
	for _, e := range es {
		switch e.Kind {
		case "place":
			if e.ID != m.place {
				np++
				m.place = e.ID
			}
		case "actor":
			if e.ID != m.actor {
				na++
				m.actor = e.ID
				m.nkind = e.NKind
			}
		}
	}
	if np > 1 {
		m.place = "" // ambiguous: leave it for the analyst
	}
	if na > 1 {
		m.actor = ""
	}
	return m
}

// placeCue words come before place names; placeNoun words after them.
var placeCue = map[string]bool{"in": true, "near": true, "at": true, "from": true, "outside": true, "around": true,
	"into": true, "towards": true, "toward": true, "to": true}
var placeNoun = map[string]bool{"village": true, "town": true, "city": true, "district": true, "region": true,
	"province": true, "settlement": true, "valley": true, "river": true, "border": true, "checkpoint": true, "corridor": true}

// ofPlace words take a place after "of": "residents of X", "the outskirts of X".
var ofPlace = map[string]bool{"control": true, "residents": true, "inhabitants": true, "outskirts": true,
	"centre": true, "center": true, "north": true, "south": true, "east": true, "west": true, "mayor": true,
	"people": true, "suburbs": true, "edge": true, "siege": true, "outside": true}

// placeVerb: what follows these is a place ("troops retook Debaltseve").
var placeVerb = map[string]bool{"captured": true, "recaptured": true, "retook": true, "seized": true, "entered": true,
	"took": true, "liberated": true, "occupied": true, "ceded": true, "abandoned": true, "shelled": true,
	"attacked": true, "bombed": true, "stormed": true, "encircled": true, "besieged": true}

var notPlace = map[string]bool{"troops": true, "soldiers": true, "fighters": true, "police": true, "officials": true,
	"authorities": true, "residents": true, "civilians": true, "people": true, "there": true, "some": true, "the": true, "a": true, "an": true, "he": true, "she": true, "it": true, "they": true, "we": true,
	"i": true, "this": true, "that": true, "but": true, "and": true, "in": true, "on": true, "president": true,
	"prime": true, "minister": true, "ministry": true, "group": true, "council": true, "committee": true,
	"union": true, "nations": true, "senate": true, "parliament": true, "agency": true, "office": true, "army": true,
	"forces": true, "government": true, "mr": true, "mrs": true, "ms": true, "dr": true, "gen": true,
	"organization": true, "organisation": true, "commission": true, "mission": true, "court": true, "bank": true,
	"news": true, "press": true, "times": true, "post": true, "reuters": true, "afp": true, "ap": true, "tass": true,
}

// unknown notes a run of capitalised words that looks like a place ("the
// village of X", "in X", "X district") but is not in the gazetteer. It
// returns the last token it consumed.
func (d *doc) unknown(i, a, b int) int {
	t := d.toks
	j := i
	for j < b && j-i < 3 && t[j].kind == 'w' && t[j].cap && d.mentAt[j] < 0 {
		if notPlace[t[j].low] || months[t[j].low] > 0 || weekdays[t[j].low] != 0 || t[j].low == "sunday" {
			break
		}
		j++
		if j < b && t[j-1].e != t[j].s-1 && !t[j-1].hyph {
			break
		}
	}
	if j == i {
		return i
	}
	cue := false
	if i > a {
		p := t[i-1].low
		cue = placeCue[p] || placeVerb[p] ||
			p == "of" && i-2 >= a && (placeNoun[t[i-2].low] || t[i-2].is(lxNominal) || ofPlace[t[i-2].low]) ||
			p == "over" && i-2 >= a && (t[i-2].is(lxControl) || t[i-2].low == "control")
	}
	if j < b && placeNoun[t[j].low] && !t[j].cap {
		cue = true
	}
	// "Debaltseve was captured", "Kherson was handed over"
	if j+1 < b && (t[j].low == "was" || t[j].low == "were") && t[j+1].is(lxControl) {
		cue = true
	}
	if cue {
		d.unk = append(d.unk, store.Mention{Source: d.opt.Source, Name: d.text[t[i].s:t[j-1].e],
			Start: t[i].s, End: t[j-1].e, Kind: "place"})
	}
	return j - 1
}

// orgWords end or head the names of organisations.
var orgWords = map[string]bool{"union": true, "committee": true, "council": true, "ministry": true,
	"organization": true, "organisation": true, "group": true, "mission": true, "agency": true, "office": true,
	"commission": true, "court": true, "fund": true, "programme": true, "program": true, "bank": true,
	"front": true, "army": true, "party": true, "movement": true, "forces": true, "nations": true,
	"cross": true, "crescent": true, "watch": true, "international": true, "institute": true, "service": true}

// unknownActor notes an organisation's name the gazetteer lacks, in
// tokens [i,j) ("the International Committee of the Red Cross said"), so
// the list of actors can grow as the list of places does.
func (d *doc) unknownActor(i, j int) {
	t := d.toks
	for i < j && (t[i].low == "the" || !t[i].cap) {
		i++
	}
	for j > i && !t[j-1].cap {
		j--
	}
	if j-i < 1 || j-i > 8 {
		return
	}
	org := false
	for k := i; k < j; k++ {
		if d.mentAt[k] >= 0 || t[k].kind == 'p' || !t[k].cap && t[k].low != "of" && t[k].low != "for" && t[k].low != "the" && t[k].low != "and" {
			return
		}
		org = org || orgWords[t[k].low]
	}
	if !org {
		return
	}
	d.unk = append(d.unk, store.Mention{Source: d.opt.Source, Name: d.text[t[i].s:t[j-1].e], Start: t[i].s, End: t[j-1].e, Kind: "actor"})
}

// sentence runs every rule on tokens [a,b).
func (d *doc) sentence(a, b int) {
	before := len(d.out)
	asserts := d.attribution(a, b)
	d.control(a, b)
	d.figures(a, b)
	d.single(a, b)
	d.mandate(a, b)
	d.deadlines(a, b)
	d.events(a, b)
	d.violence(a, b)
	d.statements(a, b, asserts, before)
	for _, c := range d.out[before:] {
		if c.AssertedBy != "" {
			continue
		}
		for _, as := range asserts {
			if as.covers(c.Attributions[0].Start) {
				if c.Statement != nil && c.Statement.Actor == as.actor {
					break
				}
				c.AssertedBy = as.actor
				break
			}
		}
	}
	for i := a; i < b; i++ {
		if m := d.mentAt[i]; m >= 0 && d.ments[m].actor != "" {
			d.lastActor = d.ments[m].actor
		}
	}
}

// newClaim starts a candidate with one attribution [s,e).
func (d *doc) newClaim(kind string, s, e int, rule string, conf float64) *ledger.Claim {
	s, e = trimSpan(d.text, s, e)
	c := &ledger.Claim{Kind: kind, Status: ledger.Candidate, Credibility: 3, RecordedBy: d.opt.RecordedBy,
		Rule: rule, Confidence: conf,
		Attributions: []ledger.Attribution{{Source: d.opt.Source, Start: s, End: e, Quote: d.text[s:e]}}}
	d.out = append(d.out, c)
	return c
}

func trimSpan(text string, s, e int) (int, int) {
	for e > s && (text[e-1] == ' ' || text[e-1] == '\n' || text[e-1] == ',') {
		e--
	}
	return s, e
}

func addNote(c *ledger.Claim, note string) {
	if note == "" || strings.Contains(c.Note, note) {
		return
	}
	if c.Note != "" {
		c.Note += "; "
	}
	c.Note += note
}

// setDate gives a claim its valid-from date from r, or, with no date in
// the sentence, "on or before the publication date".
func (d *doc) setDate(c *ledger.Claim, r *dateRef) {
	if r != nil {
		d.dated[c] = true
		c.Valid.From = r.Date
		addNote(c, r.note(d.text))
		if r.Date.IsZero() {
			c.Confidence -= 0.1
		}
		return
	}
	pub := d.opt.Published
	if pub.IsZero() {
		addNote(c, "no date in the sentence and no publication date")
		return
	}
	// "<" is strictly before; the day after publication bounds it on or before.
	bound := ledger.DateOfDay(pub.Last() + 1)
	bound.Mod = "before"
	c.Valid.From = bound
	addNote(c, "no date in the sentence: on or before the publication date "+pub.String())
}

func (d *doc) mentionAt(i int) (ment, bool) {
	if i < d.sa || i >= d.sb || d.mentAt[i] < 0 {
		return ment{}, false
	}
	return d.ments[d.mentAt[i]], true
}

func (d *doc) dateRefAt(i int) *dateRef {
	if i < d.sa || i >= d.sb || d.dateAt[i] < 0 {
		return nil
	}
	return &d.dates[d.dateAt[i]]
}

// seq matches lower-case words at i; it returns the index after them.
func (d *doc) seq(i, b int, words ...string) (int, bool) {
	for _, w := range words {
		if i >= b || d.toks[i].low != w {
			return i, false
		}
		i++
	}
	return i, true
}

// mergeControl folds control claims that say the same (place, actor) into
// one, keeping the dated one first and the others as more attributions.
func (d *doc) mergeControl() {
	type key struct{ place, actor string }
	first := map[key]*ledger.Claim{}
	var out []*ledger.Claim
	for _, c := range d.out {
		if c.Control == nil {
			out = append(out, c)
			continue
		}
		k := key{c.Control.Place, c.Control.Actor}
		p := first[k]
		switch {
		case p == nil:
			first[k] = c
			out = append(out, c)
		case !d.dated[p] && d.dated[c]:
			c.Attributions = append(c.Attributions, p.Attributions...)
			c.Confidence = max(c.Confidence, p.Confidence)
			*p = *c
			d.dated[p] = true
		case d.dated[p] && d.dated[c] && p.Valid.From != c.Valid.From:
			out = append(out, c) // two dates: two claims, the reviewer decides
		default:
			p.Attributions = append(p.Attributions, c.Attributions...)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Attributions[0].Start < out[j].Attributions[0].Start })
	d.out = out
}
