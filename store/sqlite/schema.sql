-- truce ledger, SQLite. Append-only: triggers refuse UPDATE and DELETE.
CREATE TABLE places (
	id TEXT NOT NULL, version INTEGER NOT NULL, recorded_at INTEGER NOT NULL, doc TEXT NOT NULL,
	PRIMARY KEY (id, version)
);
CREATE TABLE actors (
	id TEXT NOT NULL, version INTEGER NOT NULL, recorded_at INTEGER NOT NULL, doc TEXT NOT NULL,
	PRIMARY KEY (id, version)
);
CREATE TABLE agreements (
	id TEXT NOT NULL, version INTEGER NOT NULL, recorded_at INTEGER NOT NULL, doc TEXT NOT NULL,
	PRIMARY KEY (id, version)
);
CREATE TABLE texts (hash TEXT PRIMARY KEY, body TEXT NOT NULL);
CREATE TABLE sources (
	id TEXT PRIMARY KEY, text_hash TEXT, recorded_at INTEGER NOT NULL, doc TEXT NOT NULL
);
CREATE INDEX sources_hash ON sources(text_hash);
CREATE TABLE claims (
	seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, kind TEXT NOT NULL, doc TEXT NOT NULL
);
CREATE TABLE reviews (
	seq INTEGER PRIMARY KEY, claim TEXT NOT NULL, status TEXT NOT NULL, by TEXT NOT NULL,
	at INTEGER NOT NULL, note TEXT NOT NULL DEFAULT ''
);
CREATE TABLE mentions (
	source TEXT NOT NULL, name TEXT NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL, kind TEXT NOT NULL,
	PRIMARY KEY (source, start, "end")
);
CREATE TABLE tokens (
	hash TEXT PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL, created_at INTEGER NOT NULL
);
CREATE TRIGGER claims_no_update BEFORE UPDATE ON claims BEGIN SELECT RAISE(ABORT, 'claims are append-only'); END;
CREATE TRIGGER claims_no_delete BEFORE DELETE ON claims BEGIN SELECT RAISE(ABORT, 'claims are append-only'); END;
CREATE TRIGGER reviews_no_update BEFORE UPDATE ON reviews BEGIN SELECT RAISE(ABORT, 'reviews are append-only'); END;
CREATE TRIGGER reviews_no_delete BEFORE DELETE ON reviews BEGIN SELECT RAISE(ABORT, 'reviews are append-only'); END;
CREATE TRIGGER texts_no_update BEFORE UPDATE ON texts BEGIN SELECT RAISE(ABORT, 'texts are immutable'); END;
CREATE TRIGGER texts_no_delete BEFORE DELETE ON texts BEGIN SELECT RAISE(ABORT, 'texts are immutable'); END;
CREATE TRIGGER sources_no_update BEFORE UPDATE ON sources BEGIN SELECT RAISE(ABORT, 'sources are immutable'); END;
CREATE TRIGGER sources_no_delete BEFORE DELETE ON sources BEGIN SELECT RAISE(ABORT, 'sources are immutable'); END;
CREATE TRIGGER places_no_update BEFORE UPDATE ON places BEGIN SELECT RAISE(ABORT, 'places are versioned, not updated'); END;
CREATE TRIGGER actors_no_update BEFORE UPDATE ON actors BEGIN SELECT RAISE(ABORT, 'actors are versioned, not updated'); END;
