package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html/template"
	"io/fs"
	"math"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"
	"sync"

	"truce/gazetteer"
	"truce/ledger"
)

// The browser interface: server-rendered page shells (html/template) that
// load small JavaScript modules reading the JSON API. Every asset is
// embedded, so the interface works with no network beyond the server.
//
//go:embed ui
var uiFS embed.FS

var pageTmpl = template.Must(template.ParseFS(uiFS, "ui/templates/*.html"))

func init() {
	addRoute("GET /{$}", func(s *Server) handler { return s.page("map") })
	addRoute("GET /agreements", func(s *Server) handler { return s.agreementsPage })
	addRoute("GET /agreements/{id}", func(s *Server) handler { return s.page("agreement") })
	addRoute("GET /figures", func(s *Server) handler { return s.page("figures") })
	addRoute("GET /sources", func(s *Server) handler { return s.page("sources") })
	addRoute("GET /sources/{id}", func(s *Server) handler { return s.page("source") })
	addRoute("GET /review", func(s *Server) handler { return s.page("review") })
	addRoute("GET /static/{path...}", func(s *Server) handler {
		// Compress while the server starts, not on the first visit.
		go func() {
			assetsOnce.Do(loadAssets)
			for _, a := range assets {
				a.gzipped()
			}
		}()
		return s.static
	})
	addRoute("GET /api/v1/geometry", func(s *Server) handler { return s.geometry })
}

// pageData is what a page shell needs; the rest comes from the API.
type pageData struct {
	Page       string
	Title      string
	ID         string
	Agreements []ledger.Agreement
	Asset      func(string) string
	// Missing says what a page's id does not name; the page is then a 404.
	Missing string
}

var pageTitles = map[string]string{
	"map": "Map", "agreement": "Agreement", "figures": "Figures", "sources": "Sources",
	"source": "Source", "review": "Ingest and review", "agreements": "Agreements",
}

func (s *Server) page(name string) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		d := pageData{Page: name, Title: pageTitles[name], ID: r.PathValue("id"), Agreements: s.m.Agreements(), Asset: assetURL}
		status := http.StatusOK
		switch name {
		case "agreement":
			if _, err := s.m.Agreement(d.ID); err != nil {
				d.Missing = "There is no agreement " + d.ID + "."
			}
		case "source":
			src, err := s.m.Store.Source(r.Context(), d.ID)
			if err != nil || src.Restricted && !s.authed(r) {
				d.Missing = "There is no source " + d.ID + "."
			}
		}
		if d.Missing != "" {
			d.Page, d.Title, status = "missing", "Not found", http.StatusNotFound
		}
		var buf bytes.Buffer
		if err := pageTmpl.ExecuteTemplate(&buf, "page.html", d); err != nil {
			return err
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-cache")
		w.Header().Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'")
		w.WriteHeader(status)
		w.Write(buf.Bytes())
		return nil
	}
}

// agreementsPage opens the only agreement when there is one.
func (s *Server) agreementsPage(w http.ResponseWriter, r *http.Request) error {
	if ags := s.m.Agreements(); len(ags) == 1 {
		u := "/agreements/" + ags[0].ID
		if r.URL.RawQuery != "" {
			u += "?" + r.URL.RawQuery
		}
		http.Redirect(w, r, u, http.StatusFound)
		return nil
	}
	return s.page("agreements")(w, r)
}

// asset is an embedded file, hashed for caching and gzipped once, on
// first use: page shells need only the hashes.
type asset struct {
	body  []byte
	etag  string
	ctype string
	once  sync.Once
	gz    []byte
}

func (a *asset) gzipped() []byte {
	a.once.Do(func() {
		var gz bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
		zw.Write(a.body)
		zw.Close()
		if gz.Len() < len(a.body)*9/10 {
			a.gz = gz.Bytes()
		}
	})
	return a.gz
}

var (
	assetsOnce sync.Once
	assets     map[string]*asset
)

func loadAssets() {
	assets = map[string]*asset{}
	fs.WalkDir(uiFS, "ui", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasPrefix(p, "ui/templates/") || strings.HasSuffix(p, ".sh") {
			return err
		}
		b, _ := uiFS.ReadFile(p)
		sum := sha256.Sum256(b)
		a := &asset{body: b, etag: hex.EncodeToString(sum[:8]), ctype: mime.TypeByExtension(path.Ext(p))}
		if a.ctype == "" {
			a.ctype = "application/octet-stream"
		}
		if path.Ext(p) == ".js" {
			a.ctype = "text/javascript; charset=utf-8"
		}
		assets[strings.TrimPrefix(p, "ui/")] = a
		return nil
	})
}

// assetURL names an asset with its content hash, so it can be cached for good.
func assetURL(name string) string {
	assetsOnce.Do(loadAssets)
	if a, ok := assets[name]; ok {
		return "/static/" + name + "?v=" + a.etag
	}
	return "/static/" + name
}

func (s *Server) static(w http.ResponseWriter, r *http.Request) error {
	assetsOnce.Do(loadAssets)
	a, ok := assets[r.PathValue("path")]
	if !ok {
		return ledger.ErrNotFound
	}
	h := w.Header()
	h.Set("Content-Type", a.ctype)
	h.Set("ETag", `"`+a.etag+`"`)
	h.Set("Vary", "Accept-Encoding")
	if r.URL.Query().Get("v") == a.etag {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		h.Set("Cache-Control", "no-cache")
	}
	if strings.Contains(r.Header.Get("If-None-Match"), a.etag) {
		w.WriteHeader(http.StatusNotModified)
		return nil
	}
	body := a.body
	if strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
		if gz := a.gzipped(); gz != nil {
			h.Set("Content-Encoding", "gzip")
			body = gz
		}
	}
	w.Write(body)
	return nil
}

// geometry gives every place as a GeoJSON feature: its polygon where the
// gazetteer has one, else its point, with every name and the attribution of
// the boundary. The map page needs nothing else about places.
func (s *Server) geometry(w http.ResponseWriter, r *http.Request) error {
	q := query(r, "kind")
	if q.err != nil {
		return q.err
	}
	type feature struct {
		Type       string          `json:"type"`
		ID         string          `json:"id"`
		Geometry   json.RawMessage `json:"geometry"`
		Properties map[string]any  `json:"properties"`
	}
	out := []feature{}
	for _, p := range s.m.Places() {
		if k := q.str("kind"); k != "" && p.Kind != k {
			continue
		}
		// A place with neither has a null geometry: it is still listed.
		g := json.RawMessage(p.Geometry)
		if len(g) == 0 && p.Point != nil {
			// Five decimals is a metre: enough for a point, and small.
			g = fmt.Appendf(nil, `{"type":"Point","coordinates":[%s,%s]}`,
				strconv.FormatFloat(math.Round(p.Point.Lon*1e5)/1e5, 'f', -1, 64), strconv.FormatFloat(math.Round(p.Point.Lat*1e5)/1e5, 'f', -1, 64))
		}
		if len(g) == 0 {
			g = json.RawMessage("null")
		}
		props := map[string]any{"label": p.Label, "kind": p.Kind}
		if a := gazetteer.Aliases(p); len(a) > 0 {
			props["aliases"] = a
		}
		if p.Parent != "" {
			props["parent"] = p.Parent
		}
		if p.Attribution != "" {
			props["attribution"] = p.Attribution
		}
		out = append(out, feature{Type: "Feature", ID: p.ID, Geometry: g, Properties: props})
	}
	w.Header().Set("Cache-Control", "public, max-age=60")
	return writeBody(w, r, "application/geo+json", map[string]any{"type": "FeatureCollection", "features": out})
}
