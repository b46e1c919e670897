package formats

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// table reads a CSV file row by row and knows, for every row, its line and
// its byte range in the file (the span a claim cites).
type table struct {
	file   string
	data   []byte
	base   int64 // bytes skipped before the CSV (a BOM)
	r      *csv.Reader
	header []string
	cols   map[string]int
	off    int64 // end of the last record read, in data
	rec    []string
	line   int   // line of the last record
	start  int64 // byte range of the last record
	end    int64
}

func newTable(file string, data []byte) (*table, error) {
	t := &table{file: file, data: data}
	if bytes.HasPrefix(data, []byte("\xef\xbb\xbf")) {
		t.base = 3
	}
	t.r = csv.NewReader(bytes.NewReader(data[t.base:]))
	t.r.ReuseRecord = true
	h, err := t.read()
	if err == io.EOF {
		return nil, &Error{File: file, Line: 1, Msg: "empty file: want a header row"}
	}
	if err != nil {
		return nil, err
	}
	t.header = make([]string, len(h))
	t.cols = make(map[string]int, len(h))
	for i, c := range h {
		c = strings.TrimSpace(c)
		t.header[i] = c
		if _, dup := t.cols[strings.ToLower(c)]; !dup {
			t.cols[strings.ToLower(c)] = i
		}
	}
	return t, nil
}

func invalidUTF8At(b []byte) int {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n == 1 {
			return i
		}
		i += n
	}
	return -1
}

// read reads the next record and checks it: the same number of fields as
// the header, valid UTF-8, no quote left open at the end of the file.
func (t *table) read() ([]string, error) {
	rec, err := t.r.Read()
	if err == io.EOF {
		return nil, err
	}
	t.start = t.base + t.off
	t.off = t.r.InputOffset()
	t.end = t.base + t.off
	if err != nil {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			line := pe.StartLine
			if errors.Is(pe.Err, csv.ErrFieldCount) {
				return nil, &Error{File: t.file, Line: line,
					Msg: fmt.Sprintf("row has %d fields, want %d as in the header (a short row or a truncated file?)", len(rec), len(t.header))}
			}
			if errors.Is(pe.Err, csv.ErrQuote) && pe.Line >= bytes.Count(bytes.TrimRight(t.data, "\r\n"), []byte{'\n'})+1 {
				return nil, &Error{File: t.file, Line: line,
					Msg: "a quoted field is not closed before the end of the file: the file is truncated"}
			}
			return nil, &Error{File: t.file, Line: pe.Line,
				Msg: fmt.Sprintf("malformed CSV at character %d: %v (a quote inside a field must be doubled)", pe.Column, pe.Err)}
		}
		return nil, fmt.Errorf("%s: %w", t.file, err)
	}
	t.rec = rec
	t.line, _ = t.r.FieldPos(0)
	// Each record is checked as it is read, not the file up front: an
	// import then starts writing at once.
	if raw := t.data[t.start:t.end]; !utf8.Valid(raw) {
		bad := t.start + int64(invalidUTF8At(raw))
		col := ""
		for i, f := range rec {
			if !utf8.ValidString(f) {
				col = t.colName(i)
				break
			}
		}
		return nil, &Error{File: t.file, Line: t.line, Column: col,
			Msg: fmt.Sprintf("invalid UTF-8 at byte %d: want UTF-8 text (convert the file, e.g. from Windows-1252)", bad)}
	}
	if t.end == int64(len(t.data)) && bytes.Count(t.data[t.start:t.end], []byte{'"'})%2 == 1 {
		return nil, &Error{File: t.file, Line: t.line,
			Msg: "a quoted field is not closed before the end of the file: the file is truncated"}
	}
	return rec, nil
}

// next reads the next data row; it returns io.EOF at the end.
func (t *table) next() ([]string, error) { return t.read() }

func (t *table) colName(i int) string {
	if i < len(t.header) {
		return t.header[i]
	}
	return fmt.Sprintf("%d", i+1)
}

// need finds columns by name (case-insensitive), refusing the file if any
// is missing.
func (t *table) need(what string, names ...string) ([]int, error) {
	idx := make([]int, len(names))
	var missing []string
	for i, n := range names {
		j, ok := t.cols[n]
		if !ok {
			missing = append(missing, n)
		}
		idx[i] = j
	}
	if len(missing) > 0 {
		return nil, &Error{File: t.file, Line: 1,
			Msg: fmt.Sprintf("missing %s column(s) %s: want the %s header", what, strings.Join(missing, ", "), what)}
	}
	return idx, nil
}

// col gives a column's index, or -1.
func (t *table) col(name string) int {
	if i, ok := t.cols[name]; ok {
		return i
	}
	return -1
}

// errf is a refusal of the current row at column i.
func (t *table) errf(i int, format string, a ...any) error {
	col := ""
	if i >= 0 {
		col = t.colName(i)
	}
	return &Error{File: t.file, Line: t.line, Column: col, Msg: fmt.Sprintf(format, a...)}
}

// progress reports bytes parsed every so many rows.
func (t *table) progress(fn func(int64, int64), row int) {
	if fn != nil && row%4096 == 0 {
		fn(t.end, int64(len(t.data)))
	}
}
