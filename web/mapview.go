package web

import (
	"net/http"
	"time"

	"truce/ledger"
)

// The map page's slider asks for the whole map at every new date. The full
// state (/api/v1/state) carries each side's claims, asserting parties and
// presence roles: 830 KB of JSON for 10,000 places, most of it unused for
// colouring. /api/v1/map gives only what colouring, the tooltip, the legend
// and the place list need, as parallel arrays; a place's details still come
// from /api/v1/places/{id}.
func init() {
	addRoute("GET /api/v1/map", func(s *Server) handler { return s.mapView })
}

// Flags of a place in a compact map.
const (
	mapDisputed  = 1 << iota // accepted claims disagree: see sides
	mapPresence              // someone is present: see presence
	mapUncertain             // the date falls inside the imprecision of the change
)

// compactMap is the control map at a date as parallel arrays over places,
// in the order of /api/v1/geometry (the gazetteer's), followed by any place
// in force that the gazetteer lacks. Actors and since-dates are numbered in
// their own tables; -1 is none.
type compactMap struct {
	At      string    `json:"at"`
	KnownAt time.Time `json:"known_at"`
	Places  []string  `json:"places"`
	Actors  []string  `json:"actors"`
	Dates   []string  `json:"dates"`
	// Controller and Since index Actors and Dates, one per place.
	Controller []int `json:"controller"`
	Since      []int `json:"since"`
	Flags      []int `json:"flags"`
	// Sides and Presence list, for the few places concerned, the place's
	// index followed by the actors' indices.
	Sides    [][]int `json:"sides"`
	Presence [][]int `json:"presence"`
}

func newCompactMap(places []ledger.Place, states []ledger.PlaceState, at ledger.Day, k time.Time) compactMap {
	m := compactMap{At: at.String(), KnownAt: k, Places: make([]string, 0, len(places)), Actors: []string{}, Dates: []string{},
		Sides: [][]int{}, Presence: [][]int{}}
	pos := make(map[string]int, len(places))
	for _, p := range places {
		pos[p.ID] = len(m.Places)
		m.Places = append(m.Places, p.ID)
	}
	for _, st := range states {
		if _, ok := pos[st.Place]; !ok {
			pos[st.Place] = len(m.Places)
			m.Places = append(m.Places, st.Place)
		}
	}
	n := len(m.Places)
	m.Controller, m.Since, m.Flags = make([]int, n), make([]int, n), make([]int, n)
	for i := range n {
		m.Controller[i], m.Since[i] = -1, -1
	}
	actors, dates := map[string]int{}, map[string]int{}
	num := func(tab map[string]int, list *[]string, v string) int {
		if v == "" {
			return -1
		}
		i, ok := tab[v]
		if !ok {
			i = len(*list)
			tab[v] = i
			*list = append(*list, v)
		}
		return i
	}
	for _, st := range states {
		i := pos[st.Place]
		m.Controller[i] = num(actors, &m.Actors, st.Controller)
		m.Since[i] = num(dates, &m.Dates, st.Since)
		if st.Uncertain {
			m.Flags[i] |= mapUncertain
		}
		if st.Disputed {
			m.Flags[i] |= mapDisputed
			row := []int{i}
			for _, sd := range st.Sides {
				row = append(row, num(actors, &m.Actors, sd.Actor))
			}
			m.Sides = append(m.Sides, row)
		}
		if len(st.Presence) > 0 {
			m.Flags[i] |= mapPresence
			row := []int{i}
			for _, pr := range st.Presence {
				row = append(row, num(actors, &m.Actors, pr.Actor))
			}
			m.Presence = append(m.Presence, row)
		}
	}
	return m
}

func (s *Server) mapView(w http.ResponseWriter, r *http.Request) error {
	q := query(r, "at", "known_at")
	at, k := q.day("at", today()), q.knownAt("known_at")
	if q.err != nil {
		return q.err
	}
	w.Header().Set("Cache-Control", "public, max-age=60")
	idx, public := s.index(r), !s.authed(r)
	// Encoded and compressed once per date, horizon, view and version, as
	// the full map is; the states themselves are shared with it.
	b, err := s.caches().compact.get(stateKey{at, k, public, idx.Version()}, func() (*body, error) {
		b, err := encodeBody(newCompactMap(s.m.Places(), s.fullState(idx, public, at, k), at, k))
		if err != nil {
			return nil, err
		}
		return b.gzipped(), nil
	})
	if err != nil {
		return err
	}
	serveBody(w, r, "application/json", b)
	return nil
}
