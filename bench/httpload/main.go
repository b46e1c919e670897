// Command httpload supports bench/http.sh: it writes the synthetic
// 10,000-place ledger into a SQLite file, and serves the bare net/http
// baseline the truce server is measured against.
//
//	go run ./bench/httpload gen -db /tmp/truce-bench.db
//	go run ./bench/httpload baseline -addr 127.0.0.1:8091
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"math/rand/v2"
	"net/http"
	"os"
	"strconv"
	"sync"
	"time"

	"truce/ledger"
	"truce/monitor"
	"truce/store"
	"truce/store/sqlite"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: httpload gen|baseline [flags]")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "gen":
		err = gen(os.Args[2:])
	case "baseline":
		err = baseline(os.Args[2:])
	default:
		err = fmt.Errorf("unknown command %q", os.Args[1])
	}
	if err != nil {
		log.Fatal(err)
	}
}

// Grid is the synthetic gazetteer's layout: places on a side x side grid
// from (Lon0, Lat0), Step degrees apart. http.sh draws its boxes from it.
const (
	Lon0, Lat0 = 44.0, 38.5
	StepLon    = 0.03
	StepLat    = 0.02
)

func gen(args []string) error {
	fs := flag.NewFlagSet("gen", flag.ExitOnError)
	db := fs.String("db", "/tmp/truce-bench.db", "SQLite file to create (must not exist)")
	places := fs.Int("places", 10000, "places, on a square grid")
	per := fs.Int("claims", 100, "control claims per place")
	seed := fs.Uint64("seed", 1, "random seed")
	fs.Parse(args)
	if _, err := os.Stat(*db); err == nil {
		return fmt.Errorf("%s exists; remove it first", *db)
	}
	ctx := context.Background()
	st, err := sqlite.Open(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	m, err := monitor.Open(ctx, st)
	if err != nil {
		return err
	}
	m.Now = func() time.Time { return time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC) }
	rng := rand.New(rand.NewPCG(*seed, 2))
	actors := []ledger.Actor{
		{ID: "north", Kind: "state", Label: "Northland", Names: []ledger.Name{{Name: "Northland"}}},
		{ID: "south", Kind: "state", Label: "Southland", Names: []ledger.Name{{Name: "Southland"}}},
		{ID: "east", Kind: "armed force", Label: "Eastern Front", Names: []ledger.Name{{Name: "Eastern Front"}}},
		{ID: "west", Kind: "de facto authority", Label: "Western Authority", Names: []ledger.Name{{Name: "Western Authority"}}},
	}
	text := "Synthetic benchmark source: control of every place changes many times between 1995 and 2024."
	b := store.Batch{Actors: actors,
		Sources: []store.SourceText{{Source: ledger.Source{ID: "bench", Kind: "dataset", Title: "Synthetic ledger",
			Published: ledger.MustDate("2024-06-01"), Reliability: "C"}, Text: text}}}
	side := 1
	for side*side < *places {
		side++
	}
	start := ledger.DayOf(time.Date(1995, 1, 1, 0, 0, 0, 0, time.UTC))
	span := ledger.DayOf(time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)) - start
	att := []ledger.Attribution{{Source: "bench", Start: 0, End: 26}}
	for i := range *places {
		id := fmt.Sprintf("p%05d", i)
		b.Places = append(b.Places, ledger.Place{ID: id, Kind: "settlement", Label: "Place " + strconv.Itoa(i),
			Names: []ledger.Name{{Name: "Place " + strconv.Itoa(i), Lang: "en"}, {Name: "Mekan " + strconv.Itoa(i), Lang: "az"}},
			Point: &ledger.Point{Lon: Lon0 + float64(i%side)*StepLon, Lat: Lat0 + float64(i/side)*StepLat}})
		// Claims in recorded order, valid from spread-out days: the index
		// must sort them, as with a real backlog.
		for j := range *per {
			d := start + ledger.Day(rng.IntN(int(span)))
			c := &ledger.Claim{ID: fmt.Sprintf("%s-%03d", id, j), Kind: ledger.KindControl,
				Valid: ledger.Interval{From: ledger.DateOfDay(d)}, Attributions: att, RecordedBy: "bench",
				Status: ledger.Accepted, Credibility: 3,
				Control: &ledger.Control{Place: id, Actor: actors[rng.IntN(len(actors))].ID, Mode: "capture"}}
			b.Claims = append(b.Claims, c)
		}
	}
	t0 := time.Now()
	if err := m.Write(ctx, b); err != nil {
		return err
	}
	fmt.Printf("wrote %d places, %d claims to %s in %s\n", len(b.Places), len(b.Claims), *db, time.Since(t0).Round(time.Millisecond))
	return nil
}

// baseline answers GET /?size=N with a fixed body of N bytes: what net/http
// alone costs for a response of that size.
func baseline(args []string) error {
	fs := flag.NewFlagSet("baseline", flag.ExitOnError)
	addr := fs.String("addr", "127.0.0.1:8091", "address")
	fs.Parse(args)
	var mu sync.Mutex
	bodies := map[int][]byte{}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, _ := strconv.Atoi(r.URL.Query().Get("size"))
		mu.Lock()
		b, ok := bodies[n]
		if !ok {
			b = make([]byte, n)
			for i := range b {
				b[i] = 'x'
			}
			bodies[n] = b
		}
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.Write(b)
	})
	log.Printf("baseline listening on %s", *addr)
	return http.ListenAndServe(*addr, h)
}
