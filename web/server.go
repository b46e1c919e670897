// Package web serves truce over HTTP: the JSON API under /api/v1, OGC API -
// Features under /ogc, and the browser interface.
package web

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"truce/ledger"
	"truce/monitor"
)

// Server holds what handlers need; one per process.
type Server struct {
	m   *monitor.Monitor
	log *slog.Logger
	mux *http.ServeMux
	// patterns are the registered routes, for the OpenAPI check.
	patterns []string
	// MaxBody caps request bodies (ingested reports included).
	MaxBody int64
}

// New builds the server and its routes.
func New(m *monitor.Monitor, log *slog.Logger) *Server {
	s := &Server{m: m, log: log, mux: http.NewServeMux(), MaxBody: 20 << 20}
	s.routes()
	return s
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-Content-Type-Options", "nosniff")
	if r.Body != nil {
		r.Body = http.MaxBytesReader(w, r.Body, s.MaxBody)
	}
	s.mux.ServeHTTP(w, r)
}

// Roles, in increasing power.
var roleRank = map[string]int{"analyst": 1, "editor": 2, "admin": 3}

type ctxKey int

const userKey ctxKey = 0

// User is who made a request, from their bearer token.
type User struct {
	Name, Role string
}

// HashToken is how tokens are stored: never in clear.
func HashToken(tok string) string {
	h := sha256.Sum256([]byte(tok))
	return hex.EncodeToString(h[:])
}

// user resolves the bearer token, if any.
func (s *Server) user(r *http.Request) (*User, error) {
	if u, ok := r.Context().Value(userKey).(*User); ok {
		return u, nil
	}
	auth := r.Header.Get("Authorization")
	if auth == "" {
		if c, err := r.Cookie("truce_token"); err == nil {
			auth = "Bearer " + c.Value
		}
	}
	tok, ok := strings.CutPrefix(auth, "Bearer ")
	if !ok || tok == "" {
		return nil, nil
	}
	t, err := s.m.Store.TokenByHash(r.Context(), HashToken(strings.TrimSpace(tok)))
	if errors.Is(err, ledger.ErrNotFound) {
		return nil, httpError{http.StatusUnauthorized, "unknown token"}
	}
	if err != nil {
		return nil, err
	}
	return &User{Name: t.Name, Role: t.Role}, nil
}

// need wraps a write handler: it runs only for a token of role or above.
func (s *Server) need(role string, h handler) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		u, err := s.user(r)
		if err != nil {
			return err
		}
		if u == nil {
			w.Header().Set("WWW-Authenticate", `Bearer realm="truce"`)
			return httpError{http.StatusUnauthorized, "this request writes to the ledger: send a bearer token (truce token create)"}
		}
		if roleRank[u.Role] < roleRank[role] {
			return httpError{http.StatusForbidden, "role " + u.Role + " may not do this; it needs " + role}
		}
		return h(w, r.WithContext(context.WithValue(r.Context(), userKey, u)))
	}
}

// authed reports whether the request carries any valid token; restricted
// detail is shown only then.
func (s *Server) authed(r *http.Request) bool {
	u, err := s.user(r)
	return err == nil && u != nil
}

// Serve runs the server on addr until ctx ends, then shuts down gracefully.
func Serve(ctx context.Context, addr string, h http.Handler, log *slog.Logger, ready func(addr string)) error {
	srv := &http.Server{Addr: addr, Handler: h, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 60 * time.Second,
		WriteTimeout: 120 * time.Second, IdleTimeout: 120 * time.Second}
	ln, err := listen(addr)
	if err != nil {
		return err
	}
	if ready != nil {
		ready(ln.Addr().String())
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return srv.Shutdown(sctx)
}

// Routes lists the patterns a server built by New answers.
func Routes(h http.Handler) []string {
	if s, ok := h.(*Server); ok {
		return append([]string(nil), s.patterns...)
	}
	return nil
}
