package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"

	"truce/formats"
	"truce/ledger"
	"truce/monitor"
)

func init() {
	register(&command{name: "export", args: "--format acled|geojson|hxl|gpkg [--at DATE] [-o FILE]",
		summary: "export events (ACLED CSV), places or claims (GeoJSON, GeoPackage), figures (HXL CSV)", run: runExport})
}

func runExport(ctx context.Context, e *env, args []string) error {
	c := commands["export"]
	fs := e.flags(c)
	db := e.dbFlags(fs)
	format := fs.String("format", "", "acled, geojson, hxl or gpkg")
	at := fs.String("at", "", "YYYY-MM-DD: the state at this date (geojson, gpkg: places with who controls them); acled, hxl: claims valid by then")
	ka := fs.String("known-at", "", "YYYY-MM-DD: as recorded by the end of this date")
	out := fs.String("o", "", "output file (default stdout; required for gpkg)")
	restricted := fs.Bool("include-restricted", false, "include restricted claims and claims from restricted sources (left out by default)")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	opt := formats.ExportOptions{Restricted: *restricted}
	if *at != "" {
		d, err := ledger.ParseDay(*at)
		if err != nil {
			return usageErr("--at: %v", err)
		}
		opt.At = &d
	}
	k, err := knownAt(*ka)
	if err != nil {
		return err
	}
	opt.KnownAt = k
	var write func(context.Context, io.Writer, *monitor.Monitor, formats.ExportOptions) (int, error)
	what := "rows"
	switch *format {
	case "acled":
		write = formats.WriteACLED
	case "geojson":
		write, what = formats.WriteGeoJSON, "features"
	case "hxl":
		write, what = formats.WriteHXL, "figures"
	case "gpkg":
		if *out == "" {
			return usageErr("--format gpkg needs -o FILE.gpkg")
		}
		what = "features"
	default:
		return usageErr("--format %q: want acled, geojson, hxl or gpkg", *format)
	}
	m, done, err := e.open(ctx, db)
	if err != nil {
		return err
	}
	defer done()
	var n int
	if *format == "gpkg" {
		n, err = formats.WriteGeoPackage(ctx, *out, m, opt)
	} else {
		w := e.stdout
		var f *os.File
		if *out != "" {
			if f, err = os.Create(*out); err != nil {
				return err
			}
			w = f
		}
		bar := e.progress("export "+*format+" (bytes)", 0)
		bw := bufio.NewWriterSize(bar.Writer(w), 1<<16)
		n, err = write(ctx, bw, m, opt)
		if ferr := bw.Flush(); err == nil {
			err = ferr
		}
		bar.Done()
		if f != nil {
			if cerr := f.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				os.Remove(*out)
			}
		}
	}
	if err != nil {
		return err
	}
	if *out != "" {
		fmt.Fprintf(e.stderr, "wrote %d %s to %s\n", n, what, *out)
	}
	return nil
}
