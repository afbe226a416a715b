package analytics

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
)

// RecordFormatType is the format of input records or output rows.
type RecordFormatType string

// The record formats.
const (
	RecordFormatJSON RecordFormatType = "JSON"
	RecordFormatCSV  RecordFormatType = "CSV"
)

// SourceSchema describes how input records map to the columns of an
// in-application stream or table.
type SourceSchema struct {
	RecordFormat RecordFormat
	// RecordEncoding is "UTF-8" (the only value AWS accepts); empty means
	// UTF-8.
	RecordEncoding string
	RecordColumns  []RecordColumn
}

// RecordFormat is the format of the records and its mapping parameters.
type RecordFormat struct {
	RecordFormatType  RecordFormatType
	MappingParameters *MappingParameters
}

// MappingParameters holds the JSON or CSV specifics.
type MappingParameters struct {
	JSONMappingParameters *JSONMappingParameters
	CSVMappingParameters  *CSVMappingParameters
}

// JSONMappingParameters gives the path of the row in each record ("$" for
// the whole record).
type JSONMappingParameters struct {
	RecordRowPath string
}

// CSVMappingParameters gives the row and column delimiters ("\n" and ","
// typically).
type CSVMappingParameters struct {
	RecordRowDelimiter    string
	RecordColumnDelimiter string
}

// RecordColumn is one column: its name, SQL type ("VARCHAR(16)",
// "DOUBLE", ...) and, for JSON, the JSONPath it is read from.
type RecordColumn struct {
	Name    string
	SqlType string
	Mapping string
}

// mapper turns raw records into typed rows.
type mapper struct {
	format   RecordFormatType
	rowPath  []pathSeg
	rowFlat  bool
	rowDelim string
	colDelim string
	cols     []column
	paths    [][]pathSeg
	flatCol  int // column whose path flattens an array, or -1
	flatAt   int // index in that path of the [0:] segment
}

type pathSeg struct {
	field string
	index int  // >= 0 for [n]
	flat  bool // [0:]
}

// parsePath parses the JSONPath subset: $, .name, ['name'], [n], [0:].
func parsePath(p string) ([]pathSeg, bool) {
	if !strings.HasPrefix(p, "$") {
		return nil, false
	}
	var out []pathSeg
	s := p[1:]
	for len(s) > 0 {
		switch {
		case s[0] == '.':
			j := 1
			for j < len(s) && s[j] != '.' && s[j] != '[' {
				j++
			}
			if j == 1 {
				return nil, false
			}
			out = append(out, pathSeg{field: s[1:j], index: -1})
			s = s[j:]
		case s[0] == '[':
			end := strings.IndexByte(s, ']')
			if end < 0 {
				return nil, false
			}
			in := s[1:end]
			switch {
			case in == "0:" || in == "*":
				out = append(out, pathSeg{flat: true, index: -1})
			case len(in) >= 2 && (in[0] == '\'' || in[0] == '"') && in[len(in)-1] == in[0]:
				out = append(out, pathSeg{field: in[1 : len(in)-1], index: -1})
			default:
				n, err := strconv.Atoi(in)
				if err != nil || n < 0 {
					return nil, false
				}
				out = append(out, pathSeg{index: n})
			}
			s = s[end+1:]
		default:
			return nil, false
		}
	}
	return out, true
}

// newMapper validates a SourceSchema. Errors are InvalidArgumentException.
func newMapper(s SourceSchema) (*mapper, error) {
	if len(s.RecordColumns) == 0 || len(s.RecordColumns) > 1000 {
		return nil, errorf(ErrInvalidArgumentException, "RecordColumns must have 1 to 1000 columns, found %d", len(s.RecordColumns))
	}
	if s.RecordEncoding != "" && s.RecordEncoding != "UTF-8" {
		return nil, errorf(ErrInvalidArgumentException, "RecordEncoding must be UTF-8")
	}
	m := &mapper{format: s.RecordFormat.RecordFormatType, flatCol: -1}
	seen := map[string]bool{}
	for _, rc := range s.RecordColumns {
		if rc.Name == "" || len(rc.Name) > 128 {
			return nil, errorf(ErrInvalidArgumentException, "column name %q must be 1 to 128 characters", rc.Name)
		}
		if seen[rc.Name] {
			return nil, errorf(ErrInvalidArgumentException, "duplicate column %q", rc.Name)
		}
		seen[rc.Name] = true
		t, err := parseTypeText(rc.SqlType)
		if err != nil {
			return nil, errorf(ErrInvalidArgumentException, "column %q: invalid SqlType %q", rc.Name, rc.SqlType)
		}
		m.cols = append(m.cols, column{name: rc.Name, typ: t})
	}
	switch m.format {
	case RecordFormatJSON:
		rp := "$"
		if mp := s.RecordFormat.MappingParameters; mp != nil && mp.JSONMappingParameters != nil {
			rp = mp.JSONMappingParameters.RecordRowPath
		}
		segs, ok := parsePath(rp)
		if !ok {
			return nil, errorf(ErrInvalidArgumentException, "invalid RecordRowPath %q", rp)
		}
		for i, sg := range segs {
			if sg.flat {
				if i != len(segs)-1 {
					return nil, errorf(ErrInvalidArgumentException, "RecordRowPath %q may only end with [0:]", rp)
				}
				m.rowFlat = true
				segs = segs[:i]
			}
		}
		m.rowPath = segs
		for i, rc := range s.RecordColumns {
			if rc.Mapping == "" {
				return nil, errorf(ErrInvalidArgumentException, "column %q needs a Mapping for JSON records", rc.Name)
			}
			p, ok := parsePath(rc.Mapping)
			if !ok {
				return nil, errorf(ErrInvalidArgumentException, "column %q: invalid JSONPath %q", rc.Name, rc.Mapping)
			}
			for j, sg := range p {
				if sg.flat && j < len(p)-1 {
					if m.flatCol >= 0 && !samePrefix(m.paths[m.flatCol][:m.flatAt+1], p[:j+1]) {
						return nil, errorf(ErrInvalidArgumentException, "only one array may be flattened per schema")
					}
					if m.flatCol < 0 {
						m.flatCol, m.flatAt = i, j
					}
					for _, rest := range p[j+1:] {
						if rest.flat {
							return nil, errorf(ErrInvalidArgumentException, "column %q: only one level of [0:] is supported", rc.Name)
						}
					}
					break
				}
			}
			m.paths = append(m.paths, p)
		}
	case RecordFormatCSV:
		m.rowDelim, m.colDelim = "\n", ","
		if mp := s.RecordFormat.MappingParameters; mp != nil && mp.CSVMappingParameters != nil {
			m.rowDelim = mp.CSVMappingParameters.RecordRowDelimiter
			m.colDelim = mp.CSVMappingParameters.RecordColumnDelimiter
		}
		if m.rowDelim == "" || m.colDelim == "" {
			return nil, errorf(ErrInvalidArgumentException, "CSV mapping needs a RecordRowDelimiter and a RecordColumnDelimiter")
		}
	default:
		return nil, errorf(ErrInvalidArgumentException, "RecordFormatType must be JSON or CSV, found %q", m.format)
	}
	return m, nil
}

func samePrefix(a, b []pathSeg) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// parseTypeText parses a SqlType such as "VARCHAR(8)" or "DECIMAL(10,2)".
func parseTypeText(s string) (sqlType, error) {
	toks, err := lex(s)
	if err != nil {
		return sqlType{}, err
	}
	p := &parser{toks: toks}
	t, err := p.sqlType()
	if err != nil {
		return sqlType{}, err
	}
	if p.peek().kind != tEOF {
		return sqlType{}, p.errExpected("end of type")
	}
	return t, nil
}

// mappedRow is one row read from a record, or the error that dropped it.
type mappedRow struct {
	vals []Value
	err  string
}

// mapRecord reads the rows of one record.
func (m *mapper) mapRecord(data []byte) []mappedRow {
	if m.format == RecordFormatCSV {
		return m.mapCSV(data)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var out []mappedRow
	// One payload may hold several JSON documents.
	for {
		var doc any
		if err := dec.Decode(&doc); err != nil {
			if err.Error() == "EOF" {
				if out == nil {
					return []mappedRow{{err: "the record is not JSON"}}
				}
				return out
			}
			return append(out, mappedRow{err: "the record is not valid JSON: " + err.Error()})
		}
		node, ok := walkPath(doc, m.rowPath)
		if !ok {
			out = append(out, mappedRow{vals: make([]Value, len(m.cols))})
			continue
		}
		if m.rowFlat {
			arr, _ := node.([]any)
			for _, el := range arr {
				out = append(out, m.mapJSONRow(el)...)
			}
			continue
		}
		out = append(out, m.mapJSONRow(node)...)
	}
}

func (m *mapper) mapJSONRow(root any) []mappedRow {
	if m.flatCol < 0 {
		return []mappedRow{m.jsonRow(root, nil, -1)}
	}
	prefix := m.paths[m.flatCol][:m.flatAt]
	node, _ := walkPath(root, prefix)
	arr, _ := node.([]any)
	if len(arr) == 0 {
		return []mappedRow{{vals: make([]Value, len(m.cols))}}
	}
	out := make([]mappedRow, 0, len(arr))
	for _, el := range arr {
		out = append(out, m.jsonRow(root, el, len(prefix)))
	}
	return out
}

// jsonRow maps one row; el is the current element of the flattened array,
// whose path prefix has n segments.
func (m *mapper) jsonRow(root, el any, n int) mappedRow {
	vals := make([]Value, len(m.cols))
	for i, p := range m.paths {
		var node any
		var ok bool
		if n >= 0 && len(p) > n && p[n].flat && samePrefix(p[:n], m.paths[m.flatCol][:n]) && len(p) > n+1 {
			node, ok = walkPath(el, p[n+1:])
		} else {
			node, ok = walkPath(root, p)
		}
		if !ok || node == nil {
			continue
		}
		v, err := jsonToSQL(node, m.cols[i].typ)
		if err != nil {
			return mappedRow{err: "column \"" + m.cols[i].name + "\": " + err.Error()}
		}
		vals[i] = v
	}
	return mappedRow{vals: vals}
}

// walkPath follows a path; a trailing [0:] returns the array itself.
func walkPath(node any, p []pathSeg) (any, bool) {
	for _, sg := range p {
		switch {
		case sg.flat:
			if _, ok := node.([]any); !ok {
				return nil, false
			}
		case sg.index >= 0:
			arr, ok := node.([]any)
			if !ok || sg.index >= len(arr) {
				return nil, false
			}
			node = arr[sg.index]
		default:
			obj, ok := node.(map[string]any)
			if !ok {
				return nil, false
			}
			if node, ok = obj[sg.field]; !ok {
				return nil, false
			}
		}
	}
	return node, true
}

// jsonToSQL converts a decoded JSON value with the documented coercions.
func jsonToSQL(node any, t sqlType) (Value, error) {
	switch x := node.(type) {
	case bool:
		switch t.kind {
		case KindBigint, KindDouble:
			if x {
				return coerce(Int(1), t)
			}
			return coerce(Int(0), t)
		case KindBoolean:
			return Bool(x), nil
		case KindVarchar:
			return coerce(String(strconv.FormatBool(x)), t)
		}
		return Null, &coerceError{"cannot convert a JSON boolean to " + t.String()}
	case json.Number:
		switch t.kind {
		case KindVarchar:
			return coerce(String(x.String()), t)
		case KindBoolean:
			f, err := x.Float64()
			if err != nil {
				return Null, &coerceError{"cannot convert " + x.String() + " to BOOLEAN"}
			}
			return Bool(f != 0), nil
		case KindBigint:
			if i, err := x.Int64(); err == nil {
				return coerce(Int(i), t)
			}
		case KindTimestamp:
			if i, err := x.Int64(); err == nil {
				return tsMillis(i), nil
			}
		}
		return coerce(String(x.String()), t)
	case string:
		if t.kind == KindBinary {
			return coerce(String(x), t)
		}
		return coerce(String(x), t)
	case []any, map[string]any:
		if t.kind != KindVarchar {
			return Null, &coerceError{"cannot convert a JSON object or array to " + t.String()}
		}
		b, _ := json.Marshal(x)
		return coerce(String(string(b)), t)
	}
	return Null, &coerceError{"unsupported JSON value"}
}

func (m *mapper) mapCSV(data []byte) []mappedRow {
	var out []mappedRow
	for _, line := range strings.Split(string(data), m.rowDelim) {
		if line == "" {
			continue
		}
		fields := strings.Split(line, m.colDelim)
		vals := make([]Value, len(m.cols))
		var bad string
		for i := range m.cols {
			if i >= len(fields) {
				break
			}
			f := fields[i]
			if f == "" && m.cols[i].typ.kind != KindVarchar {
				continue
			}
			v, err := coerce(String(f), m.cols[i].typ)
			if err != nil {
				bad = "column \"" + m.cols[i].name + "\": " + err.Error()
				break
			}
			vals[i] = v
		}
		if bad != "" {
			out = append(out, mappedRow{err: bad})
			continue
		}
		out = append(out, mappedRow{vals: vals})
	}
	if out == nil {
		return []mappedRow{{err: "the record has no rows"}}
	}
	return out
}
