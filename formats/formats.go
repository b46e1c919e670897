// Package formats reads and writes the exchange formats of the field:
// ACLED and UCDP GED event CSVs, GeoJSON (RFC 7946) places, HXL-tagged CSV
// figures and GeoPackage. An import turns one file into one store.Batch,
// written all or nothing; a bad row names the file, line and column and
// what was expected.
package formats

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"

	"truce/gazetteer"
	"truce/ledger"
	"truce/monitor"
	"truce/store"
)

// Import formats.
const (
	ACLED   = "acled"
	UCDP    = "ucdp"
	GeoJSON = "geojson"
	HXL     = "hxl"
)

// Formats lists what Import reads.
var Formats = []string{ACLED, UCDP, GeoJSON, HXL}

// Options tune an import.
type Options struct {
	// Status of the claims written: candidate (the default: a person
	// reviews them) or accepted.
	Status      string
	RecordedBy  string // default "import"
	Credibility int    // 1-6; default 6, "cannot be judged"
	// AssertedBy is the actor id of the party the file's claims come from
	// (e.g. "iom" for a DTM file); optional. Published is the file's
	// publication date, kept on its source.
	AssertedBy string
	Published  ledger.Date
	// PlaceKind is the kind of places a GeoJSON import creates when the
	// features do not say (default "area"); Attribution their credit line.
	PlaceKind, Attribution string
	// Progress, if set, is called now and then with the bytes parsed and
	// the file's size.
	Progress func(done, total int64)
	// Emit, if set, is handed each run of claims as soon as they are
	// final (a few thousand at a time), so that a store can write them
	// while the rest is read (monitor.AppendStream); they are then not
	// kept in the Result's batch. Its error stops the read.
	Emit func([]*ledger.Claim) error
}

func (o *Options) defaults() {
	if o.Status == "" {
		o.Status = ledger.Candidate
	}
	if o.RecordedBy == "" {
		o.RecordedBy = "import"
	}
	if o.Credibility == 0 {
		o.Credibility = 6
	}
}

// Result is one file read into one batch, with what the import did
// besides writing claims, so that nothing happens silently.
type Result struct {
	File    string
	Format  string
	Rows    int // data rows (or features) read
	Claims  int // claims made: in Batch, or handed to Options.Emit and not kept
	Batch   store.Batch
	Summary []string
}

func (r *Result) notef(format string, a ...any) {
	r.Summary = append(r.Summary, fmt.Sprintf(format, a...))
}

// Error is a refused input: where it is and what was expected. It wraps
// ledger.ErrInvalid.
type Error struct {
	File   string
	Line   int    // 1-based; 0 if not known
	Column string // column name, field or feature; may be empty
	Msg    string
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		b.WriteString(":" + strconv.Itoa(e.Line))
	}
	b.WriteString(": ")
	if e.Column != "" {
		b.WriteString("column " + e.Column + ": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

func (e *Error) Unwrap() error { return ledger.ErrInvalid }

// Read reads a file of the given format (detected from its start when
// empty) into a batch against the monitor's gazetteer, without writing.
func Read(ctx context.Context, m *monitor.Monitor, format, path string, opt Options) (*Result, error) {
	data, digest, err := readHashing(path)
	if err != nil {
		return nil, err
	}
	return readBytes(ctx, m, format, path, data, digest, opt)
}

// readHashing reads a file and hashes it as it comes in, so that the
// hash, which names the file's source, is ready soon after the last byte.
func readHashing(path string) ([]byte, <-chan [sha256.Size]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, nil, err
	}
	data := make([]byte, 0, st.Size()+1)
	read := make(chan []byte, 16)
	digest := make(chan [sha256.Size]byte, 1)
	go func() {
		h := sha256.New()
		for b := range read {
			h.Write(b)
		}
		var sum [sha256.Size]byte
		digest <- [sha256.Size]byte(h.Sum(sum[:0]))
	}()
	defer close(read)
	for {
		if len(data) == cap(data) {
			data = append(data, 0)[:len(data)] // the file grew since Stat
		}
		n, err := f.Read(data[len(data):min(cap(data), len(data)+4<<20)])
		read <- data[len(data) : len(data)+n]
		data = data[:len(data)+n]
		if err == io.EOF {
			return data, digest, nil
		}
		if err != nil {
			return nil, nil, err
		}
	}
}

// ReadBytes is Read over a file's bytes; name is used in messages.
func ReadBytes(ctx context.Context, m *monitor.Monitor, format, name string, data []byte, opt Options) (*Result, error) {
	digest := make(chan [sha256.Size]byte, 1)
	go func() { digest <- sha256.Sum256(data) }()
	return readBytes(ctx, m, format, name, data, digest, opt)
}

// readBytes reads data, whose hash comes on digest.
func readBytes(ctx context.Context, m *monitor.Monitor, format, name string, data []byte, digest <-chan [sha256.Size]byte, opt Options) (*Result, error) {
	opt.defaults()
	if opt.Status != ledger.Candidate && opt.Status != ledger.Accepted {
		return nil, fmt.Errorf("status %q: %w: want candidate or accepted", opt.Status, ledger.ErrInvalid)
	}
	if format == "" {
		f, err := Detect(data)
		if err != nil {
			return nil, &Error{File: name, Line: 1, Msg: err.Error()}
		}
		format = f
	}
	res := &Result{File: name, Format: format}
	in := &input{ctx: ctx, m: m, name: name, data: data, opt: opt, res: res, rule: "import:" + format, places: format == GeoJSON}
	// The file's hash names its source; it is taken on another core while
	// the first rows are read (identify).
	in.digest = digest
	in.r = newResolver(m.Gazetteer(), m.Places(), &res.Batch)
	var err error
	switch format {
	case ACLED:
		err = readACLED(in)
	case UCDP:
		err = readUCDP(in)
	case HXL:
		err = readHXL(in)
	case GeoJSON:
		err = readGeoJSON(in)
	default:
		return nil, fmt.Errorf("format %q: %w: want one of %s", format, ledger.ErrInvalid, strings.Join(Formats, ", "))
	}
	if in.digest != nil {
		if ierr := in.identify(<-in.digest); ierr != nil {
			return nil, ierr // a file imported before says so first
		}
	}
	if err != nil {
		return nil, err
	}
	if opt.Progress != nil {
		opt.Progress(int64(len(data)), int64(len(data))) // read to the end
	}
	res.Claims = in.emitted + len(res.Batch.Claims)
	in.noteRevisions()
	if n := in.r.newActors; n > 0 {
		res.notef("created %s named in the file", plural(n, "actor", "actors"))
	}
	if n := in.r.placed; n > 0 {
		res.notef("placed %s by coordinates into the smallest known polygon", plural(n, "event", "events"))
	}
	if n := in.r.unplaced; n > 0 {
		res.notef("%s matched no known place by name or polygon (kept with their coordinates)", plural(n, "row", "rows"))
	}
	return res, nil
}

// Import reads a file and writes it as one batch, all of it or nothing,
// and brings the monitor's claim index up to date.
func Import(ctx context.Context, m *monitor.Monitor, format, path string, opt Options) (*Result, error) {
	res, err := Append(ctx, m, format, path, opt)
	if err != nil {
		return nil, err
	}
	return res, m.Refresh(ctx)
}

// Append is Import that leaves the claim index to catch up at the next
// Refresh (monitor.Append): a one-shot command need not read a million
// claims back. On a store that streams, the claims are written while the
// file is read.
func Append(ctx context.Context, m *monitor.Monitor, format, path string, opt Options) (*Result, error) {
	var res *Result
	var readErr error
	err := m.AppendStream(ctx, func(emit func([]*ledger.Claim) error) (store.Batch, error) {
		opt.Emit = emit
		res, readErr = Read(ctx, m, format, path, opt)
		if readErr != nil {
			return store.Batch{}, readErr
		}
		return res.Batch, nil
	})
	if readErr != nil {
		return nil, readErr // names the file already
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return res, nil
}

// Detect guesses a file's format from its first bytes: a JSON object is
// GeoJSON; a CSV header with event_id_cnty is ACLED, one with
// where_prec/date_start is UCDP GED, a row of hashtags makes it HXL.
func Detect(data []byte) (string, error) {
	head := data[:min(len(data), 64<<10)]
	head = bytes.TrimPrefix(head, []byte("\xef\xbb\xbf"))
	if t := bytes.TrimSpace(head); len(t) > 0 && t[0] == '{' {
		return GeoJSON, nil
	}
	line, rest, _ := bytes.Cut(head, []byte("\n"))
	h := strings.ToLower(string(line))
	switch {
	case strings.Contains(h, "event_id_cnty"):
		return ACLED, nil
	case strings.Contains(h, "where_prec") && strings.Contains(h, "date_start") && !hashtagLine(rest):
		return UCDP, nil
	case hashtagLine(rest) || hashtagLine(line):
		return HXL, nil
	}
	return "", fmt.Errorf("cannot tell the format from the header %q: give --format (%s)", trunc(string(line), 80), strings.Join(Formats, ", "))
}

func hashtagLine(b []byte) bool {
	line, _, _ := bytes.Cut(b, []byte("\n"))
	cells := strings.Split(strings.TrimSpace(string(line)), ",")
	for i, c := range cells {
		cells[i] = strings.Trim(strings.TrimSpace(c), `"`)
	}
	return isTagRow(cells)
}

func trunc(s string, n int) string {
	if len(s) > n {
		return s[:n] + "..."
	}
	return s
}

func plural(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}

// input is the state of one file's import.
type input struct {
	ctx  context.Context
	m    *monitor.Monitor
	name string
	data []byte
	opt  Options
	res  *Result
	src  store.SourceText
	r    *resolver
	rule string

	emitted            int                      // claims handed to opt.Emit
	digest             <-chan [sha256.Size]byte // the file's hash, until identify takes it
	places             bool                     // a GeoJSON file: places carry their attribution, no source
	seen               map[string]int           // event id -> line, in this file
	prior              map[string]*ledger.Claim // event id -> claim of an earlier import
	revised, unchanged int
}

// eachRow calls fn with every data row of t, counting the rows and
// reporting progress.
func (in *input) eachRow(t *table, fn func(rec []string) error) error {
	for {
		rec, err := t.next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		in.res.Rows++
		t.progress(in.opt.Progress, in.res.Rows)
		if err := fn(rec); err != nil {
			return err
		}
	}
}

// addEvent adds an event row's claim to the batch, as a revision of an
// earlier import's when it is one (revise), and hands it on (emit).
func (in *input) addEvent(cl *ledger.Claim, t *table, idCol int) error {
	if skip, err := in.revise(cl, t, idCol); err != nil || skip {
		return err
	}
	in.res.Batch.Claims = append(in.res.Batch.Claims, cl)
	return in.emit()
}

// emit hands the claims read since the last call to opt.Emit, once there
// are enough of them to be worth a trip, and lets go of them.
func (in *input) emit() error {
	cs := in.res.Batch.Claims
	if in.opt.Emit == nil || len(cs) < emitEvery {
		return nil
	}
	if in.digest != nil {
		select {
		case h := <-in.digest:
			if err := in.identify(h); err != nil {
				return err
			}
		default:
			return nil // still hashing: read on
		}
	}
	in.emitted += len(cs)
	in.res.Batch.Claims = make([]*ledger.Claim, 0, emitEvery)
	return in.opt.Emit(cs)
}

// emitEvery is how many claims go to Options.Emit at a time.
const emitEvery = 4096

// identify names the file's source by its hash: it refuses a file
// imported before, and gives the claims read so far their source.
func (in *input) identify(h [sha256.Size]byte) error {
	in.digest = nil
	in.src = datasetSource(in.name, h, in.res.Format)
	in.src.Published = in.opt.Published
	if in.places {
		return nil // places are versioned reference data: importing again adds versions
	}
	if _, err := in.m.Store.Source(in.ctx, in.src.ID); err == nil {
		return fmt.Errorf("%s: %w: this file (source %s) was imported before", in.name, ledger.ErrConflict, in.src.ID)
	} else if !errors.Is(err, ledger.ErrNotFound) {
		return err
	}
	in.res.Batch.Sources = []store.SourceText{in.src}
	for _, c := range in.res.Batch.Claims {
		for i := range c.Attributions {
			if c.Attributions[i].Source == "" {
				c.Attributions[i].Source = in.src.ID
			}
		}
	}
	return nil
}

func (in *input) claim(kind string, valid ledger.Interval, start, end int64) *ledger.Claim {
	c := new(ledger.Claim)
	in.fill(c, kind, valid, start, end, make([]ledger.Attribution, 1))
	return c
}

// fill sets what every imported claim has; att has room for the one
// attribution (callers that import millions of rows allocate it with the
// claim).
func (in *input) fill(c *ledger.Claim, kind string, valid ledger.Interval, start, end int64, att []ledger.Attribution) {
	att[0] = ledger.Attribution{Source: in.src.ID, Start: int(start), End: int(end)}
	*c = ledger.Claim{Kind: kind, Valid: valid, Attributions: att[:1], AssertedBy: in.opt.AssertedBy, RecordedBy: in.opt.RecordedBy,
		Status: in.opt.Status, Credibility: in.opt.Credibility, Rule: in.rule}
}

// datasetSource is the one source a file's claims cite: its id derives
// from the file's bytes, so the same file is recognised when imported
// again; its text is not stored, and spans are byte ranges of the file.
func datasetSource(name string, h [sha256.Size]byte, format string) store.SourceText {
	publisher := map[string]string{ACLED: "ACLED", UCDP: "UCDP"}[format]
	return store.SourceText{Source: ledger.Source{
		ID:        "dataset-" + hex.EncodeToString(h[:8]),
		Kind:      "dataset",
		Title:     filepath.Base(name),
		Publisher: publisher,
	}}
}

// resolver finds places and actors in the gazetteer and creates the actors
// and places a file names that are unknown, inside the same batch.
type resolver struct {
	g         *gazetteer.Gazetteer
	places    []ledger.Place
	b         *store.Batch
	loc       *gazetteer.Locator
	locErr    error
	actorIDs  map[string]string // name as written, and folded -> id
	placeIDs  map[string]string // name as written, and folded -> id, "" when unknown
	taken     map[string]bool   // ids created in this batch
	newActors int
	placed    int
	unplaced  int
}

func newResolver(g *gazetteer.Gazetteer, places []ledger.Place, b *store.Batch) *resolver {
	return &resolver{g: g, places: places, b: b, actorIDs: map[string]string{}, placeIDs: map[string]string{}, taken: map[string]bool{}}
}

// slug makes an id from a name: folded, words joined by '-'.
func slug(name string) string { return strings.ReplaceAll(gazetteer.Fold(name), " ", "-") }

// freeID gives base, or base-2, base-3... if base is taken by another
// place or actor.
func (r *resolver) freeID(base string, taken func(string) bool) string {
	if base == "" {
		base = "unnamed"
	}
	id := base
	for i := 2; taken(id) || r.taken[id]; i++ {
		id = base + "-" + strconv.Itoa(i)
	}
	r.taken[id] = true
	return id
}

// actor resolves a name to an actor id, creating an actor of kind when
// the gazetteer does not know the name.
func (r *resolver) actor(name, kind string) string {
	if id, ok := r.actorIDs[name]; ok { // the same spelling again: no folding
		return id
	}
	raw := name
	name = strings.TrimSpace(name)
	if name == "" {
		return ""
	}
	k := "\x00" + gazetteer.Fold(name)
	if id, ok := r.actorIDs[k]; ok {
		r.actorIDs[raw] = id
		return id
	}
	id, ok := r.g.FindActor(name)
	if !ok {
		if kind == "" {
			kind = "unknown"
		}
		id = r.freeID(slug(name), func(s string) bool { _, ok := r.g.Actor(s); return ok })
		r.b.Actors = append(r.b.Actors, ledger.Actor{ID: id, Kind: kind, Label: name, Names: []ledger.Name{{Name: name}}})
		r.newActors++
	}
	r.actorIDs[k], r.actorIDs[raw] = id, id
	return id
}

// placeByName is the one place a name denotes, if the gazetteer knows it.
func (r *resolver) placeByName(name string) string {
	if id, ok := r.placeIDs[name]; ok {
		return id
	}
	id, _ := r.g.FindPlace(strings.TrimSpace(name))
	r.placeIDs[name] = id
	return id
}

// locate places a point into the smallest known polygon.
func (r *resolver) locate(pt *ledger.Point) string {
	if pt == nil {
		return ""
	}
	if r.loc == nil && r.locErr == nil {
		r.loc, r.locErr = gazetteer.NewLocator(r.places)
	}
	if r.loc == nil {
		return ""
	}
	id, _ := r.loc.Locate(*pt)
	return id
}

// eventPlace is the place of an event: its location's name if known, else
// the smallest polygon containing its point, else the first known of the
// broader names (admin units).
func (r *resolver) eventPlace(location string, pt *ledger.Point, broader ...string) string {
	if id := r.placeByName(location); id != "" {
		return id
	}
	if id := r.locate(pt); id != "" {
		r.placed++
		return id
	}
	for _, n := range broader {
		if id := r.placeByName(n); id != "" {
			return id
		}
	}
	r.unplaced++
	return ""
}

// revise handles a dataset's living rows. ACLED and UCDP revise events
// after publication under the same id: a row whose id an earlier import of
// the same format recorded becomes a correction that supersedes that
// claim, and a row identical to it is skipped. An id twice in one file is
// refused. skip reports a row to leave out.
func (in *input) revise(c *ledger.Claim, t *table, col int) (skip bool, err error) {
	id := c.Event.ExternalID
	if in.seen == nil {
		in.seen = map[string]int{}
	}
	if first, dup := in.seen[id]; dup {
		return false, t.errf(col, "event id %q appears again (first on line %d): want each event once per file", id, first)
	}
	in.seen[strings.Clone(id)] = t.line // not a piece of the row, which it would keep alive
	if in.prior == nil {
		in.prior = map[string]*ledger.Claim{}
		ids, _, _ := in.m.Index.Select(ledger.Filter{Kinds: []string{ledger.KindEvent}, Current: true})
		if len(ids) > 0 {
			old, err := in.m.Store.Claims(in.ctx, ids)
			if err != nil {
				return false, fmt.Errorf("earlier events: %w", err)
			}
			for _, o := range old {
				if o.Rule == in.rule && o.Event != nil && o.Event.ExternalID != "" {
					in.prior[o.Event.ExternalID] = o // later records win
				}
			}
		}
	}
	old, ok := in.prior[id]
	if !ok {
		return false, nil
	}
	if sameEvent(old, c) {
		in.unchanged++
		return true, nil
	}
	c.Supersedes = old.ID
	in.revised++
	return false, nil
}

func sameEvent(a, b *ledger.Claim) bool {
	type content struct {
		Valid ledger.Interval
		Event *ledger.Event
		Note  string
	}
	ja, _ := json.Marshal(content{a.Valid, a.Event, a.Note})
	jb, _ := json.Marshal(content{b.Valid, b.Event, b.Note})
	return bytes.Equal(ja, jb)
}

func (in *input) noteRevisions() {
	if in.revised > 0 {
		in.res.notef("%s revise events an earlier import recorded under the same id: each supersedes the old claim once accepted", plural(in.revised, "row", "rows"))
	}
	if in.unchanged > 0 {
		in.res.notef("%s unchanged from an earlier import: left out", plural(in.unchanged, "row", "rows"))
	}
}

// BulkGC paces the garbage collector for an import and returns the function
// that restores the pace. On a store that does not stream (SQLite) a file's
// claims stay in memory until written (a million for a million-row ACLED
// file), and at Go's default pace the collector marks that growing heap
// again and again: with 2 cores it takes the core the SQLite writer and the
// JSON encoder share. GOGC=200 cut the
// CPU time of a million-row import by about a tenth for about a sixth more
// memory (BENCHMARKS.md). A GOGC set in the environment wins.
func BulkGC() (restore func()) {
	if os.Getenv("GOGC") != "" {
		return func() {}
	}
	old := debug.SetGCPercent(200)
	return func() { debug.SetGCPercent(old) }
}
