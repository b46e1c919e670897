package web

import (
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"hash/maphash"
	"net/http"
	"strconv"
	"sync"

	"truce/ledger"
)

// The two pages read most under load (a bbox of place states, and the OGC
// control items) are written by hand here rather than through reflection:
// the bytes are the same as encoding/json's Encoder would write (HTML-safe
// escaping, map keys sorted, a final newline), which json_golden_test.go
// checks against encodeBody. Anything unusual falls back to json.Marshal.

// bufPool recycles response buffers of dynamic (uncached) answers.
var bufPool = sync.Pool{New: func() any { b := make([]byte, 0, 16<<10); return &b }}

// serveFresh sends a freshly encoded body, with its ETag, and recycles the
// buffer.
func serveFresh(w http.ResponseWriter, r *http.Request, ctype string, buf *[]byte) {
	serveBody(w, r, ctype, &body{json: *buf, etag: etagOf(*buf)})
	if cap(*buf) <= 1<<20 { // do not keep the odd huge page around
		*buf = (*buf)[:0]
		bufPool.Put(buf)
	}
}

// etagOf is a strong ETag: 128 bits of two keyed hashes of the body.
// maphash runs at memory speed where SHA-256 cost several microseconds a
// page; the keys are drawn per process, so a restarted server answers 200
// rather than 304 to copies from before, which is still correct.
func etagOf(b []byte) string {
	var sum [16]byte
	binary.LittleEndian.PutUint64(sum[:8], maphash.Bytes(etagSeeds[0], b))
	binary.LittleEndian.PutUint64(sum[8:], maphash.Bytes(etagSeeds[1], b))
	var out [34]byte
	out[0], out[33] = '"', '"'
	hex.Encode(out[1:33], sum[:])
	return string(out[:])
}

var etagSeeds = [2]maphash.Seed{maphash.MakeSeed(), maphash.MakeSeed()}

// appendString appends s as a JSON string the way encoding/json does.
func appendString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x80 || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			return appendMarshal(b, s) // escapes, UTF-8 checks: leave them to encoding/json
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

func appendMarshal(b []byte, v any) []byte {
	m, err := json.Marshal(v)
	if err != nil {
		// Only values that encoding/json cannot encode at all get here
		// (none of the types written by hand hold one).
		panic("web: encoding " + err.Error())
	}
	return append(b, m...)
}

func appendKey(b []byte, comma bool, key string) []byte {
	if comma {
		b = append(b, ',')
	}
	b = append(b, '"')
	b = append(b, key...)
	return append(b, '"', ':')
}

func appendBool(b []byte, v bool) []byte {
	if v {
		return append(b, "true"...)
	}
	return append(b, "false"...)
}

// appendPlaceState writes a ledger.PlaceState as its json tags say.
func appendPlaceState(b []byte, ps *ledger.PlaceState) []byte {
	b = append(b, `{"place":`...)
	b = appendString(b, ps.Place)
	if ps.Controller != "" {
		b = appendString(appendKey(b, true, "controller"), ps.Controller)
	}
	if ps.Since != "" {
		b = appendString(appendKey(b, true, "since"), ps.Since)
	}
	if ps.Claim != "" {
		b = appendString(appendKey(b, true, "claim"), ps.Claim)
	}
	if ps.Uncertain {
		b = append(b, `,"uncertain":true`...)
	}
	if ps.Disputed {
		b = append(b, `,"disputed":true`...)
	}
	if len(ps.Sides) > 0 {
		b = appendMarshal(appendKey(b, true, "sides"), ps.Sides)
	}
	if len(ps.Presence) > 0 {
		b = appendMarshal(appendKey(b, true, "presence"), ps.Presence)
	}
	if len(ps.PresenceBy) > 0 {
		b = appendMarshal(appendKey(b, true, "presence_claims"), ps.PresenceBy)
	}
	return append(b, '}')
}

// appendStatePage writes the answer of GET /api/v1/state: the same as
// encoding map[string]any{"at", "known_at", "total", "places", "next"}.
func appendStatePage(b []byte, at string, known any, total int, places []ledger.PlaceState, next string) []byte {
	b = appendString(append(b, `{"at":`...), at)
	b = appendMarshal(appendKey(b, true, "known_at"), known)
	b = appendString(appendKey(b, true, "next"), next)
	b = append(appendKey(b, true, "places"), '[')
	for i := range places {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendPlaceState(b, &places[i])
	}
	b = append(b, ']')
	b = strconv.AppendInt(appendKey(b, true, "total"), int64(total), 10)
	return append(b, '}', '\n')
}

// appendFeatureCollection writes an OGC items page: the same as encoding
// map[string]any{"type", "numberMatched", "numberReturned", "features",
// "links"}. Geometries are kept compact and escaped (see placeGeo.geom and
// compactGeometry), so they are copied as they are.
func appendFeatureCollection(b []byte, feats []feature, links []link, matched int) []byte {
	b = append(b, `{"features":[`...)
	for i := range feats {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendFeature(b, &feats[i])
	}
	b = append(b, ']')
	b = appendLinks(appendKey(b, true, "links"), links)
	b = strconv.AppendInt(appendKey(b, true, "numberMatched"), int64(matched), 10)
	b = strconv.AppendInt(appendKey(b, true, "numberReturned"), int64(len(feats)), 10)
	return append(b, `,"type":"FeatureCollection"}`+"\n"...)
}

func appendFeature(b []byte, f *feature) []byte {
	b = appendString(append(b, `{"type":`...), f.Type)
	b = strconv.AppendInt(appendKey(b, true, "id"), f.ID, 10)
	b = appendKey(b, true, "geometry")
	if f.Geometry == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, f.Geometry...)
	}
	b = appendKey(b, true, "properties")
	if p, ok := f.Properties.(controlProps); ok {
		b = appendControlProps(b, &p)
	} else {
		b = appendMarshal(b, f.Properties)
	}
	if len(f.Links) > 0 {
		b = appendLinks(appendKey(b, true, "links"), f.Links)
	}
	return append(b, '}')
}

func appendLinks(b []byte, links []link) []byte {
	if links == nil {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for i := range links {
		l := &links[i]
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(append(b, `{"href":`...), l.Href)
		b = appendString(appendKey(b, true, "rel"), l.Rel)
		if l.Type != "" {
			b = appendString(appendKey(b, true, "type"), l.Type)
		}
		if l.Title != "" {
			b = appendString(appendKey(b, true, "title"), l.Title)
		}
		b = append(b, '}')
	}
	return append(b, ']')
}

func appendControlProps(b []byte, p *controlProps) []byte {
	b = appendString(append(b, `{"place":`...), p.Place)
	b = appendString(appendKey(b, true, "label"), p.Label)
	b = appendString(appendKey(b, true, "date"), p.Date)
	b = appendString(appendKey(b, true, "controller"), p.Controller)
	b = appendString(appendKey(b, true, "controller_label"), p.ControllerLabel)
	b = appendString(appendKey(b, true, "since"), p.Since)
	b = appendString(appendKey(b, true, "claim"), p.Claim)
	b = appendBool(appendKey(b, true, "uncertain"), p.Uncertain)
	b = appendBool(appendKey(b, true, "disputed"), p.Disputed)
	b = appendString(appendKey(b, true, "sides"), p.Sides)
	b = appendString(appendKey(b, true, "presence"), p.Presence)
	return append(b, '}')
}

// compactGeometry is a GeoJSON geometry as encoding/json would write a
// json.RawMessage holding it: compact, HTML-safe.
func compactGeometry(raw []byte) json.RawMessage {
	m, err := json.Marshal(json.RawMessage(raw))
	if err != nil {
		return raw
	}
	return m
}
