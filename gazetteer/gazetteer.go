// Package gazetteer finds places and actors by any of their names: official
// names, exonyms, transliterations, aliases and metonyms, case- and
// diacritic-insensitively. No name is privileged.
package gazetteer

import (
	"sort"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"truce/ledger"
)

// Fold reduces a name to its lookup key: lower case, no diacritics, Turkic
// and Azerbaijani letters to their Latin base (ə→e, ı→i), punctuation and
// runs of space collapsed.
func Fold(s string) string {
	var b strings.Builder
	space := false
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case r == 'ə' || r == 'Ə':
			r = 'e'
		case r == 'ı' || r == 'İ':
			r = 'i'
		case r == '’' || r == '\'' || r == 'ʼ' || r == '`':
			continue
		}
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(unicode.ToLower(r))
		} else {
			space = true
		}
	}
	return b.String()
}

// Entry is one name pointing at a place or an actor.
type Entry struct {
	Name  string // as written in the gazetteer
	Kind  string // place, actor
	ID    string
	NKind string // the name's kind: official, exonym, metonym, demonym, ...
}

// Gazetteer indexes names of places and actors.
type Gazetteer struct {
	names  map[string][]Entry
	places map[string]ledger.Place
	actors map[string]ledger.Actor
	maxLen int // longest name, in words
}

// New builds a gazetteer from places and actors.
func New(places []ledger.Place, actors []ledger.Actor) *Gazetteer {
	g := &Gazetteer{names: map[string][]Entry{}, places: map[string]ledger.Place{}, actors: map[string]ledger.Actor{}}
	for _, p := range places {
		g.places[p.ID] = p
		g.add(p.Label, Entry{Kind: "place", ID: p.ID})
		for _, n := range p.Names {
			g.add(n.Name, Entry{Kind: "place", ID: p.ID, NKind: n.Kind})
		}
	}
	for _, a := range actors {
		g.actors[a.ID] = a
		g.add(a.Label, Entry{Kind: "actor", ID: a.ID})
		for _, n := range a.Names {
			g.add(n.Name, Entry{Kind: "actor", ID: a.ID, NKind: n.Kind})
		}
	}
	return g
}

func (g *Gazetteer) add(name string, e Entry) {
	k := Fold(name)
	if k == "" {
		return
	}
	e.Name = name
	for _, x := range g.names[k] {
		if x.Kind == e.Kind && x.ID == e.ID {
			return
		}
	}
	g.names[k] = append(g.names[k], e)
	if n := strings.Count(k, " ") + 1; n > g.maxLen {
		g.maxLen = n
	}
}

// Lookup returns every place or actor a name may denote.
func (g *Gazetteer) Lookup(name string) []Entry { return g.names[Fold(name)] }

// LookupKey is Lookup for a key already folded with Fold: for callers
// that fold each word once and try many word sequences (extraction).
func (g *Gazetteer) LookupKey(key string) []Entry { return g.names[key] }

// Place returns the place with id.
func (g *Gazetteer) Place(id string) (ledger.Place, bool) { p, ok := g.places[id]; return p, ok }

// Actor returns the actor with id.
func (g *Gazetteer) Actor(id string) (ledger.Actor, bool) { a, ok := g.actors[id]; return a, ok }

// MaxWords is the length of the longest name, in words.
func (g *Gazetteer) MaxWords() int { return g.maxLen }

// FindPlace resolves a name to one place id, preferring an exact place
// match; ok is false if unknown or ambiguous.
func (g *Gazetteer) FindPlace(name string) (string, bool) { return g.find(name, "place") }

// FindActor resolves a name to one actor id.
func (g *Gazetteer) FindActor(name string) (string, bool) { return g.find(name, "actor") }

func (g *Gazetteer) find(name, kind string) (string, bool) {
	var ids []string
	for _, e := range g.Lookup(name) {
		if e.Kind == kind && !contains(ids, e.ID) {
			ids = append(ids, e.ID)
		}
	}
	if len(ids) != 1 {
		return "", false
	}
	return ids[0], true
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// Aliases lists a place's names other than its label, sorted, for display
// beside the label: no name is hidden.
func Aliases(p ledger.Place) []string {
	var out []string
	seen := map[string]bool{Fold(p.Label): true}
	for _, n := range p.Names {
		if k := Fold(n.Name); !seen[k] {
			seen[k] = true
			out = append(out, n.Name)
		}
	}
	sort.Strings(out)
	return out
}
