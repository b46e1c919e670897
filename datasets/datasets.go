// Package datasets holds the cases truce ships with, as data files
// embedded in the binary, and loads them into a ledger.
package datasets

//go:generate go run ./karabakh-2020/tools/boundaries -shared ../../shared -out karabakh-2020/boundaries.geojson

import (
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"slices"

	"truce/ledger"
	"truce/monitor"
	"truce/store"
)

// Default is the id of the case a new database starts with.
const Default = "karabakh-2020"

//go:embed karabakh-2020/*.json karabakh-2020/*.geojson
var files embed.FS

// IDs lists the shipped cases.
func IDs() []string { return []string{Default} }

// Stats counts what a load wrote; items already in the ledger are skipped.
type Stats struct {
	Places, Actors, Sources, Agreements, Claims int
	Skipped                                     int
}

// Load loads a shipped case by id, in one all-or-nothing write. Loading a
// case that is already in the ledger writes nothing.
func Load(ctx context.Context, m *monitor.Monitor, id string) error {
	_, err := Apply(ctx, m, id)
	return err
}

// Apply is Load that reports what it wrote.
func Apply(ctx context.Context, m *monitor.Monitor, id string) (Stats, error) {
	if !slices.Contains(IDs(), id) {
		return Stats{}, fmt.Errorf("dataset %q: %w (shipped: %v)", id, ledger.ErrNotFound, IDs())
	}
	b, err := Read(files, id)
	if err != nil {
		return Stats{}, err
	}
	b, st, err := missing(ctx, m, b)
	if err != nil {
		return st, err
	}
	if st == (Stats{Skipped: st.Skipped}) {
		return st, nil
	}
	if err := m.Write(ctx, b); err != nil {
		return Stats{}, fmt.Errorf("dataset %s: %w", id, err)
	}
	return st, nil
}

// missing keeps only what the ledger lacks, so that a second load neither
// duplicates claims nor adds needless versions of reference data. Claims
// are immutable: a claim id already recorded is skipped even if the file
// changed; corrections belong in new claims that supersede old ones.
func missing(ctx context.Context, m *monitor.Monitor, b store.Batch) (store.Batch, Stats, error) {
	var out store.Batch
	var st Stats
	out.Places = newOrChanged(m.Places(), b.Places, func(p ledger.Place) string { return p.ID }, &st.Skipped)
	st.Places = len(out.Places)
	out.Actors = newOrChanged(m.Actors(), b.Actors, func(a ledger.Actor) string { return a.ID }, &st.Skipped)
	st.Actors = len(out.Actors)
	for _, s := range b.Sources {
		_, err := m.Store.Source(ctx, s.ID)
		switch {
		case err == nil:
			st.Skipped++
			continue
		case !errors.Is(err, ledger.ErrNotFound):
			return out, st, err
		}
		out.Sources = append(out.Sources, s)
		st.Sources++
	}
	out.Agreements = newOrChanged(m.Agreements(), b.Agreements, func(a ledger.Agreement) string { return a.ID }, &st.Skipped)
	st.Agreements = len(out.Agreements)
	for _, c := range b.Claims {
		if m.Index.Has(c.ID) {
			st.Skipped++
			continue
		}
		out.Claims = append(out.Claims, c)
		st.Claims++
	}
	return out, st, nil
}

// Read reads and checks the case in folder dir of fsys: places.json,
// actors.json, sources.json, agreement.json, claims.json and the optional
// boundaries.geojson. Errors name the file and line.
func Read(fsys fs.FS, dir string) (store.Batch, error) {
	var b store.Batch
	r := reader{fsys: fsys, dir: dir}
	places, err := readArray[ledger.Place](r, fPlaces)
	if err != nil {
		return b, err
	}
	actors, err := readArray[ledger.Actor](r, fActors)
	if err != nil {
		return b, err
	}
	sources, err := readArray[ledger.Source](r, fSources)
	if err != nil {
		return b, err
	}
	ag, err := readObject[ledger.Agreement](r, fAgreement)
	if err != nil {
		return b, err
	}
	claims, err := readArray[ledger.Claim](r, fClaims)
	if err != nil {
		return b, err
	}
	shapes, err := readBoundaries(r, fShapes)
	if err != nil {
		return b, err
	}
	c := checker{dir: dir, places: map[string]*ledger.Place{}, actors: map[string]bool{}, sources: map[string]ledger.Source{},
		provisions: map[string]bool{}}
	if err := c.places_(places, shapes); err != nil {
		return b, err
	}
	if err := c.actors_(actors); err != nil {
		return b, err
	}
	if err := c.sources_(sources); err != nil {
		return b, err
	}
	if err := c.agreement(ag); err != nil {
		return b, err
	}
	if err := c.claims(claims); err != nil {
		return b, err
	}
	for _, p := range places {
		b.Places = append(b.Places, *c.places[p.v.ID])
	}
	for _, a := range actors {
		b.Actors = append(b.Actors, a.v)
	}
	for _, s := range sources {
		// The dataset stores no source text (the texts are not ours to
		// copy): spans into them are checked once a text is ingested.
		b.Sources = append(b.Sources, store.SourceText{Source: s.v})
	}
	b.Agreements = []ledger.Agreement{ag.v}
	for i := range claims {
		b.Claims = append(b.Claims, &claims[i].v)
	}
	return b, nil
}

// shape is one feature of boundaries.geojson.
type shape struct {
	line        int
	geometry    json.RawMessage
	attribution string
	centroid    *ledger.Point
}

func readBoundaries(r reader, name string) (map[string]shape, error) {
	data, err := fs.ReadFile(r.fsys, r.path(name))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var fc struct {
		Type     string `json:"type"`
		Features []struct {
			Properties struct {
				Place       string     `json:"place"`
				Attribution string     `json:"attribution"`
				Note        string     `json:"note"`
				Centroid    [2]float64 `json:"centroid"`
			} `json:"properties"`
			Geometry json.RawMessage `json:"geometry"`
		} `json:"features"`
	}
	if err := json.Unmarshal(data, &fc); err != nil {
		return nil, r.syntax(name, data, err)
	}
	out := map[string]shape{}
	for i, f := range fc.Features {
		// The generator writes one feature per line after the header.
		line := i + 2
		p := f.Properties
		if p.Place == "" || p.Attribution == "" {
			return nil, fmt.Errorf("%s:%d: feature %d: %w: properties need place and attribution", r.path(name), line, i, ledger.ErrInvalid)
		}
		var g struct {
			Type string `json:"type"`
		}
		if json.Unmarshal(f.Geometry, &g); g.Type != "Polygon" && g.Type != "MultiPolygon" {
			return nil, fmt.Errorf("%s:%d: feature %s: %w: geometry %q, want Polygon or MultiPolygon", r.path(name), line, p.Place, ledger.ErrInvalid, g.Type)
		}
		attr := p.Attribution
		if p.Note != "" {
			attr += ". Shape " + p.Note
		}
		s := shape{line: line, geometry: f.Geometry, attribution: attr}
		if p.Centroid != [2]float64{} {
			s.centroid = &ledger.Point{Lon: p.Centroid[0], Lat: p.Centroid[1]}
		}
		out[p.Place] = s
	}
	return out, nil
}

// newOrChanged keeps the reference data of want that have has not, or has
// in another version, counting the rest as skipped.
func newOrChanged[T any](have, want []T, id func(T) string, skipped *int) []T {
	byID := make(map[string]T, len(have))
	for _, h := range have {
		byID[id(h)] = h
	}
	var out []T
	for _, w := range want {
		if old, ok := byID[id(w)]; ok && sameJSON(old, w) {
			*skipped++
			continue
		}
		out = append(out, w)
	}
	return out
}

func sameJSON(a, b any) bool {
	x, err1 := json.Marshal(a)
	y, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && string(x) == string(y)
}
