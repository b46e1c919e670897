package web

import (
	"bytes"
	"testing"
	"time"

	"truce/ledger"
)

// The hand-written encoders must write what encoding/json writes.

var oddStrings = []string{"", "p1", `a"b\c`, "<b>&amp;</b>", "tab\there\nnl", "Ḥalab ﺣﻠﺐ", "bad \xff utf8", "line\u2028sep", "\x00\x1f"}

func TestAppendStatePageGolden(t *testing.T) {
	var places []ledger.PlaceState
	for i, s := range oddStrings {
		ps := ledger.PlaceState{Place: s, Controller: oddStrings[(i+1)%len(oddStrings)], Since: "2020-10",
			SinceDay: 7, Mode: "x", Claim: oddStrings[(i+2)%len(oddStrings)], Uncertain: i%2 == 0, Disputed: i%3 == 0}
		if i%3 == 0 {
			ps.Sides = []ledger.Side{{Actor: s, Since: "<2000", Claims: []string{"c1", "c<2"}, AssertedBy: []string{"un"}}, {Actor: "b", Claims: nil}}
		}
		if i%4 == 1 {
			ps.Presence = []ledger.Presence{{Place: s, Actor: "unmo", Role: "monitoring"}}
			ps.PresenceBy = []string{"c9"}
		}
		places = append(places, ps)
	}
	places = append(places, ledger.PlaceState{Place: "only"})
	for _, k := range []time.Time{{}, time.Date(2021, 3, 4, 5, 6, 7, 8, time.UTC), time.Date(2021, 3, 4, 5, 6, 7, 0, time.FixedZone("x", 3600))} {
		for _, ps := range [][]ledger.PlaceState{nil, {}, places[:1], places} {
			for _, next := range []string{"", "p<9>"} {
				want, err := encodeBody(map[string]any{"at": "2020-01-02", "known_at": k, "total": len(ps) + 3, "places": ps, "next": next})
				if err != nil {
					t.Fatal(err)
				}
				got := appendStatePage([]byte("junk")[:0], "2020-01-02", k, len(ps)+3, ps, next)
				if ps == nil {
					// encoding/json writes a nil slice as null; the handlers never pass one
					// (StatesOf and State always allocate), the map answers [].
					want.json = bytes.Replace(want.json, []byte(`"places":null`), []byte(`"places":[]`), 1)
				}
				if !bytes.Equal(got, want.json) {
					t.Errorf("known_at %v, %d places, next %q:\n got %s\nwant %s", k, len(ps), next, got, want.json)
				}
			}
		}
	}
}

func TestAppendFeatureCollectionGolden(t *testing.T) {
	geoms := []string{`{"type": "Point", "coordinates": [44.5, 39]}`, `{"type":"Polygon","coordinates":[[[1,2],[3,4],[1,2]]],"note":"<x>"}`}
	var feats []feature
	for i, s := range oddStrings {
		f := feature{Type: "Feature", ID: int64(i) * 123456789012, Geometry: compactGeometry([]byte(geoms[i%2]))}
		switch i % 3 {
		case 0:
			f.Properties = controlProps{Place: s, Label: oddStrings[(i+1)%len(oddStrings)], Date: "2020-01-01", Controller: s,
				ControllerLabel: s, Since: "2019", Claim: s, Uncertain: i%2 == 0, Disputed: i%4 == 0, Sides: s, Presence: s}
		case 1:
			f.Properties = map[string]any{"claim": s, "fatalities": nil, "n": 3.5}
			f.Geometry = nullGeometry
		case 2:
			f.Properties = map[string]any{}
			f.Links = []link{{Href: "http://x/?a=1&b=<2>", Rel: "self"}, {Href: s, Rel: "alternate", Type: "text/html", Title: s}}
		}
		feats = append(feats, f)
	}
	links := []link{{Href: "http://h/ogc/collections/control/items?bbox=1,2,3,4&limit=100", Rel: "self", Type: geoJSONType, Title: "this page"},
		{Href: "http://h/ogc", Rel: "collection", Type: "application/json", Title: "Control <map>"}}
	for _, fs := range [][]feature{{}, feats[:1], feats} {
		for _, ls := range [][]link{links[:1], links} {
			want, err := encodeBody(map[string]any{"type": "FeatureCollection", "numberMatched": 1234, "numberReturned": len(fs), "features": fs, "links": ls})
			if err != nil {
				t.Fatal(err)
			}
			if got := appendFeatureCollection(nil, fs, ls, 1234); !bytes.Equal(got, want.json) {
				t.Errorf("%d features, %d links:\n got %s\nwant %s", len(fs), len(ls), got, want.json)
			}
		}
	}
}
