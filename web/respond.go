package web

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"truce/ledger"
)

// Problem is an RFC 9457 problem detail.
type Problem struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail,omitempty"`
}

// httpError is an error with the status it maps to.
type httpError struct {
	status int
	msg    string
}

func (e httpError) Error() string { return e.msg }

func badRequest(format string, a ...any) error {
	return httpError{http.StatusBadRequest, fmt.Sprintf(format, a...)}
}

// handler is an HTTP handler that returns its error, rendered in one place.
type handler func(w http.ResponseWriter, r *http.Request) error

func (s *Server) wrap(h handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			s.fail(w, r, err)
		}
	}
}

// fail maps a domain error to its status; internal errors are logged, not shown.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	status, detail := http.StatusInternalServerError, "internal error; see the server log"
	var he httpError
	switch {
	case errors.As(err, &he):
		status, detail = he.status, he.msg
	case errors.Is(err, ledger.ErrNotFound):
		status, detail = http.StatusNotFound, err.Error()
	case errors.Is(err, ledger.ErrInvalid):
		status, detail = http.StatusUnprocessableEntity, err.Error()
	case errors.Is(err, ledger.ErrConflict):
		status, detail = http.StatusConflict, err.Error()
	default:
		s.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	writeProblem(w, status, detail)
}

func writeProblem(w http.ResponseWriter, status int, detail string) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(Problem{Type: "about:blank", Title: http.StatusText(status), Status: status, Detail: detail})
}

// writeJSON sends v as JSON with a strong ETag, gzip when the client takes
// it, and 304 when the client's copy is current.
func writeJSON(w http.ResponseWriter, r *http.Request, v any) error {
	return writeBody(w, r, "application/json", v)
}

func writeBody(w http.ResponseWriter, r *http.Request, ctype string, v any) error {
	b, err := encodeBody(v)
	if err != nil {
		return err
	}
	serveBody(w, r, ctype, b)
	return nil
}

// body is an encoded response: JSON, its ETag, and (when cached) its gzip.
type body struct {
	json []byte
	etag string
	gz   []byte
}

func encodeBody(v any) (*body, error) {
	var buf bytes.Buffer
	if err := json.NewEncoder(&buf).Encode(v); err != nil {
		return nil, err
	}
	return &body{json: buf.Bytes(), etag: etagOf(buf.Bytes())}, nil
}

// gzipped compresses once, for bodies kept in a cache.
func (b *body) gzipped() *body {
	if len(b.json) > 1400 {
		var buf bytes.Buffer
		gz, _ := gzip.NewWriterLevel(&buf, gzip.BestSpeed)
		gz.Write(b.json)
		gz.Close()
		b.gz = buf.Bytes()
	}
	return b
}

func serveBody(w http.ResponseWriter, r *http.Request, ctype string, b *body) {
	h := w.Header()
	h.Set("Content-Type", ctype)
	h.Set("ETag", b.etag)
	h.Set("Vary", "Accept-Encoding")
	if h.Get("Cache-Control") == "" {
		h.Set("Cache-Control", "no-cache")
	}
	if match := r.Header.Get("If-None-Match"); match != "" && strings.Contains(match, b.etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	if len(b.json) > 1400 && strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
		h.Set("Content-Encoding", "gzip")
		if b.gz != nil {
			w.Write(b.gz)
			return
		}
		gz, _ := gzip.NewWriterLevel(w, gzip.BestSpeed)
		if _, err := gz.Write(b.json); err != nil {
			return // the client went away
		}
		gz.Close()
		return
	}
	w.Write(b.json)
}

// decode reads a JSON body, refusing unknown fields and trailing data.
func decode(r *http.Request, v any) error {
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return httpError{http.StatusRequestEntityTooLarge, fmt.Sprintf("request body over %d bytes", mbe.Limit)}
		}
		return badRequest("request body: %v", err)
	}
	if dec.More() {
		return badRequest("request body: more than one JSON value")
	}
	return nil
}

// withStatus makes the next body go out with status instead of 200, after
// the headers writeJSON sets (a WriteHeader before them would drop them).
func withStatus(w http.ResponseWriter, status int) http.ResponseWriter {
	return &statusWriter{ResponseWriter: w, status: status}
}

type statusWriter struct {
	http.ResponseWriter
	status int
	wrote  bool
}

func (s *statusWriter) WriteHeader(code int) {
	if !s.wrote {
		s.wrote = true
		if code == http.StatusOK {
			code = s.status
		}
		s.ResponseWriter.WriteHeader(code)
	}
}

func (s *statusWriter) Write(b []byte) (int, error) {
	s.WriteHeader(http.StatusOK)
	return s.ResponseWriter.Write(b)
}
