package formats

import (
	"context"
	"database/sql"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"strings"
	"time"

	"truce/ledger"
	"truce/monitor"

	_ "modernc.org/sqlite"
)

// WriteGeoPackage writes an OGC GeoPackage (1.3) at path: with opt.At a
// layer "places" holding every place with its state at that day; without,
// a layer "claims" of every current claim and a layer "places". path must
// not exist. It returns the number of features written.
func WriteGeoPackage(ctx context.Context, path string, m *monitor.Monitor, opt ExportOptions) (n int, err error) {
	if _, err := os.Stat(path); err == nil {
		return 0, fmt.Errorf("%s exists: a GeoPackage export writes a new file", path)
	}
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=journal_mode(DELETE)")
	if err != nil {
		return 0, err
	}
	defer func() {
		if cerr := db.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			os.Remove(path)
		}
	}()
	db.SetMaxOpenConns(1)
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	for _, q := range gpkgSchema {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return 0, fmt.Errorf("geopackage schema: %w", err)
		}
	}
	places := placeFeatures(m, opt)
	k, err := gpkgLayer(ctx, tx, "places", "Places of the gazetteer"+stateNote(opt), places,
		[]gpkgCol{{"place_id", "id"}, {"kind", "kind"}, {"label", "label"}, {"aliases", "aliases"}, {"parent", "parent"},
			{"attribution", "attribution"}, {"at", "at"}, {"controller", "controller"}, {"controller_label", "controller_label"},
			{"since", "since"}, {"disputed", "disputed"}, {"uncertain", "uncertain"}, {"claim", "claim"}})
	if err != nil {
		return 0, err
	}
	n += k
	if opt.At == nil {
		claims, err := claimFeatures(ctx, m, opt)
		if err != nil {
			return n, err
		}
		for i := range claims {
			c := claims[i].Properties["claim"].(*ledger.Claim)
			j, _ := json.Marshal(c)
			claims[i].Properties["claim"] = string(j)
			claims[i].Properties["actors"] = strings.Join(c.Actors(), "; ")
		}
		k, err := gpkgLayer(ctx, tx, "claims", "Claims of the ledger, with their place's geometry", claims,
			[]gpkgCol{{"claim_id", "id"}, {"kind", "kind"}, {"status", "status"}, {"valid_from", "valid_from"},
				{"valid_to", "valid_to"}, {"place", "place"}, {"actors", "actors"}, {"claim", "claim"}})
		if err != nil {
			return n, err
		}
		n += k
	}
	if _, err := tx.ExecContext(ctx, "PRAGMA application_id = 1196444487"); err != nil { // 'GPKG'
		return n, err
	}
	if _, err := tx.ExecContext(ctx, "PRAGMA user_version = 10300"); err != nil {
		return n, err
	}
	return n, tx.Commit()
}

func stateNote(opt ExportOptions) string {
	if opt.At == nil {
		return ""
	}
	return ", with the state at " + opt.At.String()
}

var gpkgSchema = []string{
	`CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT NOT NULL, srs_id INTEGER PRIMARY KEY, organization TEXT NOT NULL,
		organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL, description TEXT)`,
	`INSERT INTO gpkg_spatial_ref_sys VALUES
		('Undefined cartesian SRS', -1, 'NONE', -1, 'undefined', 'undefined cartesian coordinate reference system'),
		('Undefined geographic SRS', 0, 'NONE', 0, 'undefined', 'undefined geographic coordinate reference system'),
		('WGS 84 geodetic', 4326, 'EPSG', 4326, 'GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AXIS["Latitude",NORTH],AXIS["Longitude",EAST],AUTHORITY["EPSG","4326"]]', 'longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid')`,
	`CREATE TABLE gpkg_contents (table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL, identifier TEXT UNIQUE,
		description TEXT DEFAULT '', last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
		min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER,
		CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id))`,
	`CREATE TABLE gpkg_geometry_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL, geometry_type_name TEXT NOT NULL,
		srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL,
		CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
		CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
		CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id))`,
}

type gpkgCol struct{ name, prop string }

// gpkgLayer writes features as a feature table with a GEOMETRY column.
func gpkgLayer(ctx context.Context, tx *sql.Tx, table, desc string, feats []geoFeature, cols []gpkgCol) (int, error) {
	var defs []string
	for _, c := range cols {
		defs = append(defs, c.name+" TEXT")
	}
	if _, err := tx.ExecContext(ctx, fmt.Sprintf(`CREATE TABLE %s (fid INTEGER PRIMARY KEY AUTOINCREMENT, geom GEOMETRY, %s)`,
		table, strings.Join(defs, ", "))); err != nil {
		return 0, err
	}
	ph := strings.Repeat(", ?", len(cols))
	var names []string
	for _, c := range cols {
		names = append(names, c.name)
	}
	st, err := tx.PrepareContext(ctx, fmt.Sprintf("INSERT INTO %s (geom, %s) VALUES (?%s)", table, strings.Join(names, ", "), ph))
	if err != nil {
		return 0, err
	}
	defer st.Close()
	env := envelope{math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)}
	for _, f := range feats {
		blob, e, err := gpkgGeometry(f.Geometry)
		if err != nil {
			return 0, fmt.Errorf("%s %s: %w", table, f.ID, err)
		}
		env.extend(e)
		args := []any{blob}
		for _, c := range cols {
			v := f.Properties[c.prop]
			switch x := v.(type) {
			case nil:
				args = append(args, nil)
			case string:
				if x == "" {
					args = append(args, nil)
				} else {
					args = append(args, x)
				}
			default:
				args = append(args, fmt.Sprint(x))
			}
		}
		if _, err := st.ExecContext(ctx, args...); err != nil {
			return 0, fmt.Errorf("%s %s: %w", table, f.ID, err)
		}
	}
	var bounds []any
	if env.minX <= env.maxX {
		bounds = []any{env.minX, env.minY, env.maxX, env.maxY}
	} else {
		bounds = []any{nil, nil, nil, nil}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO gpkg_contents (table_name, data_type, identifier, description, last_change, min_x, min_y, max_x, max_y, srs_id)
		VALUES (?, 'features', ?, ?, ?, ?, ?, ?, ?, 4326)`, append([]any{table, table, desc, time.Now().UTC().Format("2006-01-02T15:04:05.000Z")}, bounds...)...); err != nil {
		return 0, err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO gpkg_geometry_columns VALUES (?, 'geom', 'GEOMETRY', 4326, 0, 0)`, table); err != nil {
		return 0, err
	}
	return len(feats), nil
}

type envelope struct{ minX, minY, maxX, maxY float64 }

func (e *envelope) add(x, y float64) {
	e.minX, e.maxX = math.Min(e.minX, x), math.Max(e.maxX, x)
	e.minY, e.maxY = math.Min(e.minY, y), math.Max(e.maxY, y)
}

func (e *envelope) extend(o envelope) {
	if o.minX <= o.maxX {
		e.add(o.minX, o.minY)
		e.add(o.maxX, o.maxY)
	}
}

// gpkgGeometry encodes a GeoJSON Point, Polygon or MultiPolygon as a
// GeoPackage geometry blob: the "GP" header with SRS 4326 and an XY
// envelope, then little-endian WKB. A null geometry is NULL.
func gpkgGeometry(g json.RawMessage) ([]byte, envelope, error) {
	env := envelope{math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)}
	if len(g) == 0 || string(g) == "null" {
		return nil, env, nil
	}
	var x struct {
		Type        string          `json:"type"`
		Coordinates json.RawMessage `json:"coordinates"`
	}
	if err := json.Unmarshal(g, &x); err != nil {
		return nil, env, err
	}
	var wkb []byte
	u32 := func(v uint32) { wkb = binary.LittleEndian.AppendUint32(wkb, v) }
	pos := func(p []float64) error {
		if len(p) < 2 {
			return fmt.Errorf("position %v: want [lon, lat]", p)
		}
		wkb = binary.LittleEndian.AppendUint64(wkb, math.Float64bits(p[0]))
		wkb = binary.LittleEndian.AppendUint64(wkb, math.Float64bits(p[1]))
		env.add(p[0], p[1])
		return nil
	}
	polygon := func(p [][][]float64) error {
		wkb = append(wkb, 1)
		u32(3)
		u32(uint32(len(p)))
		for _, ring := range p {
			u32(uint32(len(ring)))
			for _, q := range ring {
				if err := pos(q); err != nil {
					return err
				}
			}
		}
		return nil
	}
	switch x.Type {
	case "Point":
		var p []float64
		if err := json.Unmarshal(x.Coordinates, &p); err != nil {
			return nil, env, err
		}
		wkb = append(wkb, 1)
		u32(1)
		if err := pos(p); err != nil {
			return nil, env, err
		}
	case "Polygon":
		var p [][][]float64
		if err := json.Unmarshal(x.Coordinates, &p); err != nil {
			return nil, env, err
		}
		if err := polygon(p); err != nil {
			return nil, env, err
		}
	case "MultiPolygon":
		var mp [][][][]float64
		if err := json.Unmarshal(x.Coordinates, &mp); err != nil {
			return nil, env, err
		}
		wkb = append(wkb, 1)
		u32(6)
		u32(uint32(len(mp)))
		for _, p := range mp {
			if err := polygon(p); err != nil {
				return nil, env, err
			}
		}
	default:
		return nil, env, fmt.Errorf("geometry type %q: want Point, Polygon or MultiPolygon", x.Type)
	}
	// Header: magic, version 0, flags (little endian, XY envelope), SRS id.
	h := []byte{'G', 'P', 0, 0x01 | 1<<1}
	h = binary.LittleEndian.AppendUint32(h, 4326)
	for _, v := range []float64{env.minX, env.maxX, env.minY, env.maxY} {
		h = binary.LittleEndian.AppendUint64(h, math.Float64bits(v))
	}
	return append(h, wkb...), env, nil
}
