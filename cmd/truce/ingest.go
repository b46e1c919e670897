package main

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strings"

	"truce/extract"
	"truce/ledger"
	"truce/monitor"
	"truce/store"
)

func init() {
	register(&command{name: "ingest", args: "FILE... [--published DATE] [--publisher NAME] [--title T] [--url U]",
		summary: "read reports (text, HTML, or - for standard input) and queue the claims they make for review", run: runIngest})
}

func runIngest(ctx context.Context, e *env, args []string) error {
	c := commands["ingest"]
	fs := e.flags(c)
	db := e.dbFlags(fs)
	published := fs.String("published", "", "publication date, YYYY-MM-DD (or YYYY-MM); without it relative dates (\"on Tuesday\") stay unresolved")
	publisher := fs.String("publisher", "", "publisher, e.g. AFP")
	title := fs.String("title", "", "title (default: the page title or the first line)")
	url := fs.String("url", "", "where the report was published")
	kind := fs.String("kind", "news", "source kind: news, statement, field_report, agreement")
	reliability := fs.String("reliability", "F", "source reliability A-F (F: cannot be judged)")
	lang := fs.String("lang", "", "language (BCP 47)")
	by := fs.String("by", e.getenv("USER"), "who records the report")
	files, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return usageErr("ingest: name at least one FILE (or - for standard input)")
	}
	meta := extract.Meta{Title: *title, Publisher: *publisher, URL: *url, Kind: *kind, Reliability: *reliability, Lang: *lang, RecordedBy: *by}
	if *published != "" {
		if meta.Published, err = ledger.ParseDate(*published); err != nil {
			return usageErr("--published: %v", err)
		}
	}
	if meta.RecordedBy == "" {
		meta.RecordedBy = "extract"
	}
	m, done, err := e.open(ctx, db)
	if err != nil {
		return err
	}
	defer done()
	bar := e.progress("ingest", len(files))
	var failed []error
	total := 0
	for _, f := range files {
		rep, err := ingestFile(ctx, e, m, f, meta)
		bar.Clear() // clear the bar before a line is printed under it
		if err != nil {
			failed = append(failed, err)
			fmt.Fprintf(e.stderr, "truce ingest: %v\n", err)
		} else {
			total += len(rep.Claims)
			printReport(e, m, f, rep, len(files) == 1)
		}
		bar.Add(1)
	}
	bar.Done()
	if len(files) > 1 {
		fmt.Fprintf(e.stdout, "%s read, %s refused, %s queued for review (truce review)\n",
			plural(len(files)-len(failed), "report", "reports"), plural(len(failed), "report", "reports"), plural(total, "candidate", "candidates"))
	}
	if len(failed) > 0 {
		err := fmt.Errorf("%s of %d refused; the others were stored", plural(len(failed), "report", "reports"), len(files))
		if store.IsInvalid(failed[0]) {
			return exitError{3, err}
		}
		return err
	}
	return nil
}

func ingestFile(ctx context.Context, e *env, m *monitor.Monitor, name string, meta extract.Meta) (extract.Report, error) {
	meta.Name = name
	var raw []byte
	var err error
	if name == "-" {
		meta.Name = "standard input"
		raw, err = extract.ReadAll(meta.Name, e.stdin)
	} else {
		f, oerr := os.Open(name)
		if oerr != nil {
			return extract.Report{}, oerr
		}
		raw, err = extract.ReadAll(name, f)
		f.Close()
	}
	if err != nil {
		return extract.Report{}, err
	}
	return extract.Ingest(ctx, m, raw, meta)
}

func printReport(e *env, m *monitor.Monitor, name string, rep extract.Report, detail bool) {
	if rep.Existing {
		fmt.Fprintf(e.stdout, "%s: already stored as %s: nothing new\n", name, rep.Source.ID)
		return
	}
	kinds := map[string]int{}
	for _, c := range rep.Claims {
		kinds[c.Kind]++
	}
	var parts []string
	for k, n := range kinds {
		parts = append(parts, fmt.Sprintf("%d %s", n, k))
	}
	sort.Strings(parts)
	fmt.Fprintf(e.stdout, "%s: source %s, %s", name, rep.Source.ID, plural(len(rep.Claims), "candidate", "candidates"))
	if len(parts) > 0 {
		fmt.Fprintf(e.stdout, " (%s)", strings.Join(parts, ", "))
	}
	if n := len(rep.Mentions); n > 0 {
		fmt.Fprintf(e.stdout, ", %s not in the gazetteer", plural(n, "unknown name", "unknown names"))
	}
	fmt.Fprintln(e.stdout)
	if !detail {
		return
	}
	for _, c := range rep.Claims {
		fmt.Fprintf(e.stdout, "  %s  %-9s %-10s %s\n", c.ID, c.Kind, orDash(c.Valid.From.String()), monitor.Describe(m, c))
		fmt.Fprintf(e.stdout, "      %q  [%s %.2f]\n", oneLine(c.Attributions[0].Quote, 110), c.Rule, c.Confidence)
	}
}

func oneLine(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > n {
		r := []rune(s)
		if len(r) > n {
			s = string(r[:n]) + "…"
		}
	}
	return s
}
