package analytics

import (
	"strings"
	"testing"
	"time"
)

// harness drives an engine directly: rows are ingested at explicit times.
type harness struct {
	t    *testing.T
	e    *engine
	out  map[string]*[]string
	base time.Time
}

var t0 = time.Date(2026, 1, 2, 11, 0, 0, 0, time.UTC)

// newHarness creates the source stream "SOURCE_SQL_STREAM_001" with the
// given columns ("NAME TYPE, ..."), compiles code, and records every
// stream named in watch.
func newHarness(t *testing.T, srcCols, code string, watch ...string) *harness {
	t.Helper()
	h := &harness{t: t, e: newEngine(), out: map[string]*[]string{}, base: t0}
	h.e.start = t0.UnixMilli()
	h.e.now = t0.UnixMilli()
	h.addSource("SOURCE_SQL_STREAM_001", srcCols)
	if err := compileCode(code, h.e); err != nil {
		t.Fatalf("compile: %v", err)
	}
	for _, w := range watch {
		s, ok := h.e.streams[w]
		if !ok {
			t.Fatalf("no stream %q", w)
		}
		var rows []string
		h.out[w] = &rows
		s.subs = append(s.subs, func(r row) { rows = append(rows, fmtRow(r)) })
	}
	return h
}

func (h *harness) addSource(name, cols string) {
	h.t.Helper()
	stmts, err := parseCode("CREATE STREAM \"" + name + "\" (" + cols + ")")
	if err != nil {
		h.t.Fatalf("source columns: %v", err)
	}
	cs := stmts[0].(*createStream)
	s := &inStream{name: name, source: true, wmIdx: -1, wm: cs.watermark}
	for _, c := range cs.cols {
		s.cols = append(s.cols, column{name: c.name, typ: c.typ, notNull: c.notNull})
	}
	if cs.watermark != nil {
		s.wmIdx = s.colIndex(cs.watermark.col)
	}
	h.e.addStream(s)
}

func fmtRow(r row) string {
	parts := []string{tsMillis(r.rowtime).String()}
	for _, v := range r.vals {
		if v.k == KindNull {
			parts = append(parts, "NULL")
			continue
		}
		parts = append(parts, v.String())
	}
	return strings.Join(parts, " | ")
}

// at parses "11:00:20" (or "11:00:20.5") on the harness day.
func (h *harness) at(hms string) int64 {
	h.t.Helper()
	d, err := time.Parse("15:04:05.999", hms)
	if err != nil {
		h.t.Fatalf("bad time %q", hms)
	}
	return time.Date(h.base.Year(), h.base.Month(), h.base.Day(), d.Hour(), d.Minute(), d.Second(), d.Nanosecond(), time.UTC).UnixMilli()
}

// put ingests a row into stream name at time hms; values are parsed with
// the stream's column types from strings ("NULL" is NULL).
func (h *harness) put(hms, name string, vals ...string) {
	h.t.Helper()
	now := h.at(hms)
	h.e.advance(now)
	s := h.e.streams[name]
	row := row{rowtime: max(now, s.last), vals: make([]Value, len(s.cols))}
	for i, v := range vals {
		if v == "NULL" {
			continue
		}
		cv, err := coerce(String(v), s.cols[i].typ)
		if err != nil {
			h.t.Fatalf("value %q for %s: %v", v, s.cols[i].name, err)
		}
		row.vals[i] = cv
	}
	h.e.insert(s, row)
}

func (h *harness) src(hms string, vals ...string) {
	h.t.Helper()
	h.put(hms, "SOURCE_SQL_STREAM_001", vals...)
}

func (h *harness) tick(hms string) { h.e.advance(h.at(hms)) }

func (h *harness) rows(name string) []string {
	r := *h.out[name]
	*h.out[name] = nil
	return r
}

func (h *harness) expect(name string, want ...string) {
	h.t.Helper()
	got := h.rows(name)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		h.t.Errorf("%s rows:\n got:\n  %s\n want:\n  %s", name, strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}
