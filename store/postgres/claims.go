package postgres

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"truce/ledger"
)

// Claims are stored as typed columns (claims_columns.sql) and always
// written with COPY in PostgreSQL's binary format, encoded here by hand: a
// million-row import spends its time where COPY of the raw file does,
// not on boxing values for a generic encoder.

// claimCols are the columns a claim is written to, in tuple order. The
// sequence number is given, not left to the identity default: a default
// PostgreSQL counts as volatile makes COPY insert row by row.
var claimCols = []string{"seq", "id", "kind", "place", "valid_from", "valid_to", "valid_text", "recorded_at", "recorded_by",
	"status", "credibility", "asserted_by", "supersedes", "corroborates", "note", "rule", "confidence", "restricted",
	"attributions", "geom", "event_type", "event_sub_type", "event_actors", "event_roles", "event_location",
	"event_geo_precision", "fatalities_low", "fatalities_best", "fatalities_high", "external_id", "event_notes", "detail"}

var copyClaimsSQL = "COPY claims (" + strings.Join(claimCols, ", ") + ") FROM STDIN (FORMAT binary)"

// claimSelect reads back what claimCols wrote, for scanClaim; seq first.
const claimSelect = `c.seq, c.id, c.kind, c.place, c.valid_from, c.valid_to, c.valid_text, c.recorded_at, c.recorded_by,
	c.status, c.credibility, c.asserted_by, c.supersedes, c.corroborates, c.note, c.rule, c.confidence, c.restricted,
	c.attributions, ST_X(c.geom), ST_Y(c.geom), c.event_type, c.event_sub_type, c.event_actors, c.event_roles,
	c.event_location, c.event_geo_precision, c.fatalities_low, c.fatalities_best, c.fatalities_high, c.external_id,
	c.event_notes, c.detail`

// detail holds the payload of every kind but events (which are columns),
// and a recorded time finer than the microsecond timestamptz keeps.
type detail struct {
	RecordedAt *time.Time        `json:"recorded_at,omitempty"`
	Control    *ledger.Control   `json:"control,omitempty"`
	Presence   *ledger.Presence  `json:"presence,omitempty"`
	Figure     *ledger.Figure    `json:"figure,omitempty"`
	Statement  *ledger.Statement `json:"statement,omitempty"`
	Deadline   *ledger.Deadline  `json:"deadline,omitempty"`
	Evidence   *ledger.Evidence  `json:"provision_evidence,omitempty"`
	Hazard     *ledger.Hazard    `json:"hazard,omitempty"`
	Release    *ledger.Release   `json:"land_release,omitempty"`
	Service    *ledger.Service   `json:"service,omitempty"`
}

// PostgreSQL's binary formats count from 2000-01-01.
const (
	pgEpochDays   = 10957           // days from 1970-01-01
	pgEpochMicros = 946684800000000 // microseconds from 1970-01-01
	oidText       = 25
)

// tuples encodes claims as COPY binary data.
type tuples struct {
	b []byte
}

func (t *tuples) header() {
	t.b = append(t.b, "PGCOPY\n\xff\r\n\x00"...)
	t.b = binary.BigEndian.AppendUint32(t.b, 0) // flags
	t.b = binary.BigEndian.AppendUint32(t.b, 0) // header extension
}

func (t *tuples) trailer() { t.b = binary.BigEndian.AppendUint16(t.b, 0xffff) }

func (t *tuples) null() { t.b = binary.BigEndian.AppendUint32(t.b, 0xffffffff) }

func (t *tuples) bytes(v []byte) {
	t.b = binary.BigEndian.AppendUint32(t.b, uint32(len(v)))
	t.b = append(t.b, v...)
}

func (t *tuples) text(s string) {
	t.b = binary.BigEndian.AppendUint32(t.b, uint32(len(s)))
	t.b = append(t.b, s...)
}

// optText writes "" as NULL.
func (t *tuples) optText(s string) {
	if s == "" {
		t.null()
		return
	}
	t.text(s)
}

func (t *tuples) int2(v int) {
	t.b = binary.BigEndian.AppendUint32(t.b, 2)
	t.b = binary.BigEndian.AppendUint16(t.b, uint16(int16(v)))
}

func (t *tuples) float8(v float64) {
	t.b = binary.BigEndian.AppendUint32(t.b, 8)
	t.b = binary.BigEndian.AppendUint64(t.b, math.Float64bits(v))
}

func (t *tuples) optFloat8(v *float64) {
	if v == nil {
		t.null()
		return
	}
	t.float8(*v)
}

// nonZero is v, or nil (NULL) for 0.
func nonZero(v float64) *float64 {
	if v == 0 {
		return nil
	}
	return &v
}

func (t *tuples) boolean(v bool) {
	t.b = binary.BigEndian.AppendUint32(t.b, 1)
	if v {
		t.b = append(t.b, 1)
	} else {
		t.b = append(t.b, 0)
	}
}

// day writes a date column; the unbounded ends are NULL (open).
func (t *tuples) day(d ledger.Day) {
	if d == ledger.MinDay || d == ledger.MaxDay {
		t.null()
		return
	}
	t.b = binary.BigEndian.AppendUint32(t.b, 4)
	t.b = binary.BigEndian.AppendUint32(t.b, uint32(int32(d)-pgEpochDays))
}

func (t *tuples) timestamptz(v time.Time) {
	t.b = binary.BigEndian.AppendUint32(t.b, 8)
	t.b = binary.BigEndian.AppendUint64(t.b, uint64(v.UnixMicro()-pgEpochMicros))
}

// textArray writes a one-dimensional text[]; empty is NULL.
func (t *tuples) textArray(v []string) {
	if len(v) == 0 {
		t.null()
		return
	}
	n := 20
	for _, s := range v {
		n += 4 + len(s)
	}
	t.b = binary.BigEndian.AppendUint32(t.b, uint32(n))
	t.b = binary.BigEndian.AppendUint32(t.b, 1) // dimensions
	t.b = binary.BigEndian.AppendUint32(t.b, 0) // no NULLs
	t.b = binary.BigEndian.AppendUint32(t.b, oidText)
	t.b = binary.BigEndian.AppendUint32(t.b, uint32(len(v)))
	t.b = binary.BigEndian.AppendUint32(t.b, 1) // lower bound
	for _, s := range v {
		t.text(s)
	}
}

// point writes a PostGIS point as EWKB with SRID 4326, which the
// geometry type's binary input reads.
func (t *tuples) point(p *ledger.Point) {
	if p == nil {
		t.null()
		return
	}
	t.b = binary.BigEndian.AppendUint32(t.b, 25)
	t.b = append(t.b, 1) // little-endian
	t.b = binary.LittleEndian.AppendUint32(t.b, 1|0x20000000)
	t.b = binary.LittleEndian.AppendUint32(t.b, 4326)
	t.b = binary.LittleEndian.AppendUint64(t.b, math.Float64bits(p.Lon))
	t.b = binary.LittleEndian.AppendUint64(t.b, math.Float64bits(p.Lat))
}

// attributions writes the json of encoding/json by hand: it is the one
// json column every claim has.
func (t *tuples) attributions(as []ledger.Attribution) {
	at := len(t.b)
	t.b = append(t.b, 0, 0, 0, 0) // length, set below
	if as == nil {
		t.b = append(t.b, "null"...)
	} else {
		t.b = append(t.b, '[')
		for i, a := range as {
			if i > 0 {
				t.b = append(t.b, ',')
			}
			t.b = append(t.b, `{"source":`...)
			t.b = appendJSONString(t.b, a.Source)
			t.b = append(t.b, `,"start":`...)
			t.b = strconv.AppendInt(t.b, int64(a.Start), 10)
			t.b = append(t.b, `,"end":`...)
			t.b = strconv.AppendInt(t.b, int64(a.End), 10)
			if a.Quote != "" {
				t.b = append(t.b, `,"quote":`...)
				t.b = appendJSONString(t.b, a.Quote)
			}
			if a.Via != "" {
				t.b = append(t.b, `,"via":`...)
				t.b = appendJSONString(t.b, a.Via)
			}
			t.b = append(t.b, '}')
		}
		t.b = append(t.b, ']')
	}
	binary.BigEndian.PutUint32(t.b[at:], uint32(len(t.b)-at-4))
}

// appendJSONString quotes s as JSON: as it is when nothing in it needs
// escaping (ids, most quotes), else by encoding/json.
func appendJSONString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == '"' || c == '\\' || c >= 0x80 {
			q, _ := json.Marshal(s)
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// plainDate is a date the date columns hold exactly: none, or a day.
func plainDate(d ledger.Date) bool {
	return d.IsZero() || d.Prec == ledger.PrecDay && d.Mod == ""
}

// claim appends one claim as a tuple of claimCols.
func (t *tuples) claim(seq int64, c *ledger.Claim) error {
	t.b = binary.BigEndian.AppendUint16(t.b, uint16(len(claimCols)))
	t.b = binary.BigEndian.AppendUint32(t.b, 8)
	t.b = binary.BigEndian.AppendUint64(t.b, uint64(seq))
	t.text(c.ID)
	t.text(c.Kind)
	t.optText(c.Place())
	if c.Valid.From.IsZero() {
		t.null()
	} else {
		t.day(c.Valid.From.First())
	}
	if c.Valid.To.IsZero() {
		t.null()
	} else {
		t.day(c.Valid.To.Last())
	}
	if plainDate(c.Valid.From) && plainDate(c.Valid.To) {
		t.null()
	} else {
		t.text(c.Valid.From.String() + "/" + c.Valid.To.String())
	}
	var d detail
	rec := c.RecordedAt.UTC()
	if rec.Nanosecond()%1000 != 0 {
		d.RecordedAt = &rec
	}
	t.timestamptz(rec)
	t.text(c.RecordedBy)
	t.text(c.Status)
	t.int2(c.Credibility)
	t.optText(c.AssertedBy)
	t.optText(c.Supersedes)
	t.optText(c.Corroborates)
	t.optText(c.Note)
	t.optText(c.Rule)
	t.optFloat8(nonZero(c.Confidence))
	t.boolean(c.Restricted)
	t.attributions(c.Attributions)
	if e := c.Event; e != nil {
		t.point(e.Point)
		t.text(e.Type)
		t.optText(e.SubType)
		t.textArray(e.Actors)
		t.textArray(e.Roles)
		t.optText(e.Location)
		if e.GeoPrec != 0 {
			t.int2(e.GeoPrec)
		} else {
			t.null()
		}
		var f ledger.Range
		if e.Fatalities != nil {
			f = *e.Fatalities
		}
		t.optFloat8(f.Low)
		t.optFloat8(f.Best)
		t.optFloat8(f.High)
		t.optText(e.ExternalID)
		t.optText(e.Notes)
	} else {
		for range 12 {
			t.null()
		}
	}
	d.Control, d.Presence, d.Figure, d.Statement, d.Deadline = c.Control, c.Presence, c.Figure, c.Statement, c.Deadline
	d.Evidence, d.Hazard, d.Release, d.Service = c.Evidence, c.Hazard, c.Release, c.Service
	if d == (detail{}) {
		t.null()
		return nil
	}
	doc, err := json.Marshal(d)
	if err != nil {
		return fmt.Errorf("claim %s: %w", c.ID, err)
	}
	t.bytes(doc)
	return nil
}

// copyClaims writes claims with one COPY inside tx, taking them from next
// until it returns nil. Tuples are encoded a chunk at a time, so a
// million-claim batch is never held twice in memory. next is always
// called to the end, even after COPY failed, so that a reader feeding it
// can finish.
func copyClaims(ctx context.Context, tx pgx.Tx, next func() ([]*ledger.Claim, error)) (int64, error) {
	// Writers hold the append lock, so the numbers after the last are free.
	var seq int64
	if err := tx.QueryRow(ctx, "SELECT coalesce(max(seq), 0) FROM claims").Scan(&seq); err != nil {
		return 0, fmt.Errorf("claims: %w", err)
	}
	pr, pw := io.Pipe()
	encoded := make(chan struct{})
	go func() {
		defer close(encoded)
		var t tuples
		t.header()
		var failed error
		fail := func(err error) {
			if failed == nil {
				failed = err
				pw.CloseWithError(err)
			}
		}
		for {
			cs, err := next()
			if err != nil {
				fail(err)
				break
			}
			if cs == nil {
				break
			}
			if failed != nil {
				continue // drain
			}
			for _, c := range cs {
				seq++
				if err := t.claim(seq, c); err != nil {
					fail(err)
					break
				}
			}
			if failed == nil && len(t.b) >= 1<<20 {
				if _, err := pw.Write(t.b); err != nil {
					fail(err) // COPY failed: its error is returned below
				}
				t.b = t.b[:0]
			}
		}
		if failed == nil {
			t.trailer()
			_, err := pw.Write(t.b)
			pw.CloseWithError(err)
		}
	}()
	tag, err := tx.Conn().PgConn().CopyFrom(ctx, pr, copyClaimsSQL)
	pr.CloseWithError(io.ErrClosedPipe) // COPY ended first: the encoder only drains
	<-encoded
	if err != nil {
		return 0, claimErr("", err)
	}
	// The identity default keeps up, for rows inserted by hand.
	if tag.RowsAffected() > 0 {
		if _, err := tx.Exec(ctx, "SELECT setval(pg_get_serial_sequence('claims', 'seq'), $1)", seq); err != nil {
			return 0, fmt.Errorf("claims: %w", err)
		}
	}
	return tag.RowsAffected(), nil
}

// scanClaim reads one row of claimSelect.
func scanClaim(row pgx.Row) (int64, *ledger.Claim, error) {
	var (
		seq                                               int64
		c                                                 = new(ledger.Claim)
		place, validText, asserted, sup, corr, note, rule *string
		from, to                                          *time.Time
		conf, lon, lat, fLow, fBest, fHigh                *float64
		evType, evSub, evLoc, extID, evNotes              *string
		actors, roles                                     []string
		geoPrec                                           *int16
		cred                                              int16
		att, det                                          []byte
	)
	if err := row.Scan(&seq, &c.ID, &c.Kind, &place, &from, &to, &validText, &c.RecordedAt, &c.RecordedBy,
		&c.Status, &cred, &asserted, &sup, &corr, &note, &rule, &conf, &c.Restricted,
		&att, &lon, &lat, &evType, &evSub, &actors, &roles, &evLoc, &geoPrec, &fLow, &fBest, &fHigh, &extID,
		&evNotes, &det); err != nil {
		return 0, nil, err
	}
	c.RecordedAt = c.RecordedAt.UTC()
	c.Credibility = int(cred)
	c.AssertedBy, c.Supersedes, c.Corroborates, c.Note, c.Rule = str(asserted), str(sup), str(corr), str(note), str(rule)
	if conf != nil {
		c.Confidence = *conf
	}
	if validText != nil {
		f, t, _ := strings.Cut(*validText, "/")
		var err error
		if c.Valid.From, err = ledger.ParseDate(f); err == nil {
			c.Valid.To, err = ledger.ParseDate(t)
		}
		if err != nil {
			return 0, nil, fmt.Errorf("claim %s: valid time %q: %w", c.ID, *validText, err)
		}
	} else {
		if from != nil {
			c.Valid.From = ledger.DateOfDay(ledger.DayOf(*from))
		}
		if to != nil {
			c.Valid.To = ledger.DateOfDay(ledger.DayOf(*to))
		}
	}
	if err := json.Unmarshal(att, &c.Attributions); err != nil {
		return 0, nil, fmt.Errorf("claim %s: attributions: %w", c.ID, err)
	}
	if evType != nil {
		e := &ledger.Event{Type: *evType, SubType: str(evSub), Actors: actors, Roles: roles, Place: str(place),
			Location: str(evLoc), ExternalID: str(extID), Notes: str(evNotes)}
		if lon != nil && lat != nil {
			e.Point = &ledger.Point{Lon: *lon, Lat: *lat}
		}
		if geoPrec != nil {
			e.GeoPrec = int(*geoPrec)
		}
		if fLow != nil || fBest != nil || fHigh != nil {
			e.Fatalities = &ledger.Range{Low: fLow, Best: fBest, High: fHigh}
		}
		c.Event = e
	}
	if len(det) > 0 {
		var d detail
		if err := json.Unmarshal(det, &d); err != nil {
			return 0, nil, fmt.Errorf("claim %s: detail: %w", c.ID, err)
		}
		if d.RecordedAt != nil {
			c.RecordedAt = d.RecordedAt.UTC()
		}
		c.Control, c.Presence, c.Figure, c.Statement, c.Deadline = d.Control, d.Presence, d.Figure, d.Statement, d.Deadline
		c.Evidence, c.Hazard, c.Release, c.Service = d.Evidence, d.Hazard, d.Release, d.Service
	}
	return seq, c, nil
}

func str(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// chunks hands out a batch's claims for copyClaims.
func chunks(cs []*ledger.Claim) func() ([]*ledger.Claim, error) {
	return func() ([]*ledger.Claim, error) {
		if len(cs) == 0 {
			return nil, nil
		}
		n := min(len(cs), 4096)
		part := cs[:n]
		cs = cs[n:]
		return part, nil
	}
}
