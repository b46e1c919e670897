package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"time"

	"truce/store"
	"truce/web"
)

func init() {
	register(&command{name: "token", args: "create --role analyst|editor|admin [--name NAME]",
		summary: "make an API token for writes (stored hashed; shown once)", run: runToken})
}

func runToken(ctx context.Context, e *env, args []string) error {
	c := commands["token"]
	fs := e.flags(c)
	db := e.dbFlags(fs)
	role := fs.String("role", "analyst", "analyst (proposes), editor (accepts), admin (imports)")
	name := fs.String("name", "", "who the token is for")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 || pos[0] != "create" {
		return usageErr("want 'token create --role ROLE'")
	}
	switch *role {
	case "analyst", "editor", "admin":
	default:
		return usageErr("--role %q: want analyst, editor or admin", *role)
	}
	if *name == "" {
		*name = *role
	}
	m, done, err := e.open(ctx, db)
	if err != nil {
		return err
	}
	defer done()
	raw := make([]byte, 24)
	if _, err := rand.Read(raw); err != nil {
		return err
	}
	tok := "truce_" + base64.RawURLEncoding.EncodeToString(raw)
	if err := m.Store.PutToken(ctx, store.Token{Hash: web.HashToken(tok), Name: *name, Role: *role, CreatedAt: time.Now().UTC()}); err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, tok)
	fmt.Fprintf(e.stderr, "token for %s (%s) created; it is shown only this once\n", *name, *role)
	return nil
}
