package main

import (
	"context"
	"fmt"
	"os"
	"strings"

	"truce/formats"
	"truce/ledger"
	"truce/store"
)

func init() {
	register(&command{name: "import", args: "[--format acled|ucdp|geojson|hxl] FILE...",
		summary: "import ACLED or UCDP GED events, GeoJSON places or HXL figures; each file all or nothing", run: runImport})
}

func runImport(ctx context.Context, e *env, args []string) error {
	c := commands["import"]
	fs := e.flags(c)
	db := e.dbFlags(fs)
	format := fs.String("format", "", "file format: "+strings.Join(formats.Formats, ", ")+" (guessed from the header when omitted)")
	status := fs.String("status", ledger.Candidate, "status of the imported claims: candidate (reviewed later) or accepted")
	kind := fs.String("kind", "", "GeoJSON: kind of the places created when features do not say (country, region, district, settlement, area)")
	attribution := fs.String("attribution", "", "GeoJSON: credit line of the boundaries (licence, producer)")
	asserted := fs.String("asserted-by", "", "actor id of the party the claims come from (e.g. iom for a DTM file)")
	published := fs.String("published", "", "publication date of the files (YYYY, YYYY-MM or YYYY-MM-DD)")
	dry := fs.Bool("dry-run", false, "read and check the files, write nothing")
	files, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return usageErr("import: name at least one file")
	}
	pub, err := ledger.ParseDate(*published)
	if err != nil {
		return usageErr("--published: %v", err)
	}
	if *format != "" && !contains(formats.Formats, *format) {
		return usageErr("--format %q: want one of %s", *format, strings.Join(formats.Formats, ", "))
	}
	m, done, err := e.open(ctx, db)
	if err != nil {
		return err
	}
	defer done()
	if _, streams := m.Store.(store.Streamer); !streams {
		defer formats.BulkGC()() // the whole batch is held until written
	}
	var failed []error
	for i, f := range files {
		st, err := os.Stat(f)
		if err != nil {
			failed = append(failed, err)
			fmt.Fprintf(e.stderr, "%v\n", err)
			continue
		}
		// Reading shows bytes read; on PostgreSQL the claims are written
		// meanwhile. Writing then shows what is left: the checks, the
		// commit, and on SQLite the whole write.
		bar := e.progress("reading "+f+" (bytes)", int(st.Size()))
		var w *progress
		last := int64(0)
		opt := formats.Options{Status: *status, PlaceKind: *kind, Attribution: *attribution, AssertedBy: *asserted, Published: pub,
			Progress: func(n, total int64) {
				bar.Add(int(n - last))
				last = n
				if n == total && w == nil && !*dry {
					bar.Done()
					w = e.progress("writing "+f+" (claims, places, actors)", 0)
				}
			}}
		var res *formats.Result
		if *dry {
			res, err = formats.Read(ctx, m, *format, f, opt)
		} else {
			res, err = formats.Append(ctx, m, *format, f, opt)
			if err == nil && i < len(files)-1 {
				// A later file may revise this one's events: it needs them
				// indexed. After the last file the command exits: no refresh.
				err = m.Refresh(ctx)
			}
		}
		if w != nil {
			if err == nil {
				w.Add(res.Claims + len(res.Batch.Places) + len(res.Batch.Actors))
			}
			w.Done()
		} else {
			bar.Done()
		}
		if err != nil {
			// The whole file is refused; the others go on.
			failed = append(failed, err)
			if len(files) > 1 {
				fmt.Fprintf(e.stderr, "refused: %v\n", err)
			}
			continue
		}
		b := res.Batch
		verb := "imported"
		if *dry {
			verb = "checked (not written)"
		}
		claims := plural(res.Claims, "claim", "claims")
		if res.Claims > 0 {
			claims += " (" + *status + ")"
		}
		fmt.Fprintf(e.stdout, "%s: %s %s: %s, %s, %s, %s\n", f, verb, res.Format, plural(res.Rows, "row", "rows"),
			claims, plural(len(b.Places), "place", "places"), plural(len(b.Actors), "actor", "actors"))
		for _, s := range res.Summary {
			fmt.Fprintf(e.stdout, "  %s\n", s)
		}
	}
	switch {
	case len(failed) == 1 && len(files) == 1:
		return failed[0]
	case len(failed) > 0:
		code := 3 // refused input
		for _, err := range failed {
			if !store.IsInvalid(err) {
				code = 1
			}
		}
		return exitError{code, fmt.Errorf("%d of %d files refused, nothing of them written (see above)", len(failed), len(files))}
	}
	return nil
}
