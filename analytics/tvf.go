package analytics

import (
	"slices"
	"strings"
)

// windowTVF is a Flink-style window table function over a stream:
// TUMBLE(TABLE s, DESCRIPTOR(ts), size [, offset]), HOP(TABLE s,
// DESCRIPTOR(ts), slide, size [, offset]), CUMULATE(TABLE s,
// DESCRIPTOR(ts), step, maxSize) and SESSION(TABLE s PARTITION BY k,
// DESCRIPTOR(ts), gap). Rows gain window_start, window_end and
// window_time; windows fire when the stream's watermark reaches their end.
type windowTVF struct {
	kind      string
	stream    *inStream
	tsIdx     int // -1: ROWTIME (processing time)
	delay     int64
	size      int64
	slide     int64
	offset    int64
	partition []expr
	width     int // columns of the stream
}

func (t *windowTVF) grouped(s *selectStmt) bool { return s.groupBy != nil }

func intervalArg(x expr, what string) (int64, error) {
	l, ok := x.(*literal)
	if !ok || l.v.k != KindInterval || l.v.i <= 0 {
		return 0, codeErr(x.exprPos(), "%s must be a positive INTERVAL literal", what)
	}
	return l.v.i, nil
}

func (qc *qctx) tableFunc(f *tableFunc) (*source, error) {
	switch f.name {
	case "TUMBLE", "HOP", "CUMULATE", "SESSION":
		return qc.windowTVF(f)
	case "TOP_K_ITEMS_TUMBLING", "COUNT_DISTINCT_ITEMS_TUMBLING":
		return qc.itemsTumbling(f)
	case "RANDOM_CUT_FOREST", "RANDOM_CUT_FOREST_WITH_EXPLANATION":
		return qc.randomCutForest(f)
	case "HOTSPOTS":
		return qc.hotspots(f)
	case "GROUP_RANK":
		return qc.groupRank(f)
	}
	return nil, codeErr(f.pos, "no table function %s", f.name)
}

func (qc *qctx) windowTVF(f *tableFunc) (*source, error) {
	want := map[string][2]int{"TUMBLE": {3, 4}, "HOP": {4, 5}, "CUMULATE": {4, 4}, "SESSION": {3, 3}}[f.name]
	if len(f.args) < want[0] || len(f.args) > want[1] {
		return nil, codeErr(f.pos, "%s takes %s arguments, found %d", f.name, argRange(want[0], want[1]), len(f.args))
	}
	ta, ok := f.args[0].(*tableArg)
	if !ok {
		return nil, codeErr(f.args[0].exprPos(), "the first argument of %s must be TABLE <stream>", f.name)
	}
	s, ok := qc.e.streams[ta.name]
	if !ok || s.table || s.system {
		return nil, codeErr(ta.pos, "stream %q not found", ta.name)
	}
	if len(ta.partition) > 0 && f.name != "SESSION" {
		return nil, codeErr(ta.pos, "PARTITION BY is only allowed in SESSION")
	}
	d, ok := f.args[1].(*descriptorExpr)
	if !ok {
		return nil, codeErr(f.args[1].exprPos(), "the second argument of %s must be DESCRIPTOR(<time column>)", f.name)
	}
	t := &windowTVF{kind: f.name, stream: s, tsIdx: -1, partition: ta.partition, width: len(s.cols)}
	if d.col != "ROWTIME" {
		t.tsIdx = s.colIndex(d.col)
		if t.tsIdx < 0 {
			return nil, codeErr(d.pos, "column %q not found in %q", d.col, s.name)
		}
		if s.wm == nil || s.wm.col != d.col {
			return nil, codeErr(d.pos, "%q is not a time attribute: declare WATERMARK FOR %s AS %s - INTERVAL '...' SECOND on stream %q, or use DESCRIPTOR(ROWTIME)", d.col, d.col, d.col, s.name)
		}
		t.delay = s.wm.delay
	}
	var err error
	switch f.name {
	case "TUMBLE":
		if t.size, err = intervalArg(f.args[2], "the window size"); err != nil {
			return nil, err
		}
		t.slide = t.size
		if len(f.args) == 4 {
			if t.offset, err = intervalArg(f.args[3], "the offset"); err != nil {
				return nil, err
			}
		}
	case "HOP":
		if t.slide, err = intervalArg(f.args[2], "the slide"); err != nil {
			return nil, err
		}
		if t.size, err = intervalArg(f.args[3], "the window size"); err != nil {
			return nil, err
		}
		if t.size%t.slide != 0 {
			return nil, codeErr(f.args[3].exprPos(), "HOP size must be a multiple of the slide")
		}
		if len(f.args) == 5 {
			if t.offset, err = intervalArg(f.args[4], "the offset"); err != nil {
				return nil, err
			}
		}
	case "CUMULATE":
		if t.slide, err = intervalArg(f.args[2], "the step"); err != nil {
			return nil, err
		}
		if t.size, err = intervalArg(f.args[3], "the maximum size"); err != nil {
			return nil, err
		}
		if t.size%t.slide != 0 {
			return nil, codeErr(f.args[3].exprPos(), "CUMULATE max size must be a multiple of the step")
		}
	case "SESSION":
		if t.size, err = intervalArg(f.args[2], "the session gap"); err != nil {
			return nil, err
		}
	}
	cols := append(slices.Clone(s.cols),
		column{name: "window_start", typ: tTimestamp}, column{name: "window_end", typ: tTimestamp},
		column{name: "window_time", typ: tTimestamp})
	// Flink spells them in lower case; unquoted references are upper-cased.
	cols = append(cols,
		column{name: "WINDOW_START", typ: tTimestamp, hidden: true}, column{name: "WINDOW_END", typ: tTimestamp, hidden: true},
		column{name: "WINDOW_TIME", typ: tTimestamp, hidden: true})
	names := []string{s.name}
	if f.alias != "" {
		names = []string{f.alias}
	}
	src := &source{sc: &scope{frames: []frame{{names: names, cols: cols, rowtimeIdx: -1}}}, stream: true, tvf: t}
	src.connect = func(sink rowSink) { qc.subscribe(s, sink) }
	return src, nil
}

// windowsOf returns the [start, end) windows an event time falls in.
func (t *windowTVF) windowsOf(ts int64) [][2]int64 {
	switch t.kind {
	case "TUMBLE":
		st := floorDiv(ts-t.offset, t.size)*t.size + t.offset
		return [][2]int64{{st, st + t.size}}
	case "HOP":
		var out [][2]int64
		last := floorDiv(ts-t.offset, t.slide)*t.slide + t.offset
		for st := last - t.size + t.slide; st <= last; st += t.slide {
			out = append(out, [2]int64{st, st + t.size})
		}
		return out
	case "CUMULATE":
		st := floorDiv(ts, t.size) * t.size
		var out [][2]int64
		for end := st + t.slide; end <= st+t.size; end += t.slide {
			if end > ts {
				out = append(out, [2]int64{st, end})
			}
		}
		return out
	}
	return nil
}

// etWindow is one pending event-time window.
type etWindow struct {
	start, end int64
	part       string // SESSION partition
	rows       []row  // stream rows, in arrival order
}

// etOp runs a window table function query.
type etOp struct {
	e       *engine
	t       *windowTVF
	filter  func(*env, row) bool
	keys    []evalFn
	part    []evalFn
	slots   []*aggSlot
	proj    *projection
	em      *emitter
	grouped bool
	wins    map[[2]int64]*etWindow
	// sessions by partition key, each sorted by start.
	sessions map[string][]*etWindow
	wm       int64
	hasWM    bool
	lastOut  int64
	sink     rowSink
}

func (qc *qctx) windowTVFQuery(s *selectStmt, src *source, c *compiler, proj *projection, filter func(*env, row) bool,
	having evalFn, order *orderBy) ([]column, connector, error) {
	t := src.tvf
	op := &etOp{e: qc.e, t: t, filter: filter, proj: proj, grouped: s.groupBy != nil,
		wins: map[[2]int64]*etWindow{}, sessions: map[string][]*etWindow{}}
	if c.aggs != nil {
		op.slots = c.aggs.slots
	}
	if c.over != nil && len(c.over.slots) > 0 {
		return nil, nil, codeErr(s.pos, "OVER windows cannot be used with a window table function")
	}
	if s.stagger != nil {
		return nil, nil, codeErr(s.stagger.pos, "WINDOWED BY STAGGER cannot be used with a window table function")
	}
	gc := &compiler{sc: src.sc}
	for _, g := range s.groupBy {
		f, _, err := gc.compile(g)
		if err != nil {
			return nil, nil, err
		}
		op.keys = append(op.keys, f)
	}
	if op.grouped {
		hasWin := false
		for _, g := range s.groupBy {
			if cr, ok := g.(*colRef); ok && (strings.EqualFold(cr.name, "window_start") || strings.EqualFold(cr.name, "window_end")) {
				hasWin = true
			}
		}
		if !hasWin {
			return nil, nil, codeErr(s.pos, "GROUP BY over a window table function must include window_start or window_end")
		}
	}
	pc := &compiler{sc: &scope{frames: []frame{{cols: t.stream.cols, rowtimeIdx: -1}}}}
	for _, p := range t.partition {
		f, _, err := pc.compile(p)
		if err != nil {
			return nil, nil, err
		}
		op.part = append(op.part, f)
	}
	op.em = &emitter{e: qc.e, proj: proj, having: having, order: order}
	return proj.cols, func(sink rowSink) {
		op.sink = sink
		op.em.attach(qc, sink)
		if t.tsIdx < 0 {
			qc.addTimed(op)
		}
		src.connect(op.push)
	}, nil
}

func (op *etOp) push(r row) {
	t := op.t
	ts := r.rowtime
	if t.tsIdx >= 0 {
		v := r.vals[t.tsIdx]
		if v.k != KindTimestamp {
			op.e.errorRow(errNameConversion, "event time column is NULL", r)
			return
		}
		ts = v.i
	}
	fired := func(end int64) bool { return op.hasWM && end-1 <= op.wm }
	if t.kind == "SESSION" {
		kv := make([]Value, len(op.part))
		en := env{vals: r.vals, rowtime: r.rowtime, now: op.e.now, start: op.e.start}
		for i, p := range op.part {
			v, err := p(&en)
			if err != nil {
				op.e.evalErr(err, r)
				return
			}
			kv[i] = v
		}
		if fired(ts + t.size) {
			op.late(r, ts)
			return
		}
		key := encodeKey(kv)
		op.addSession(key, ts, r)
	} else {
		added := false
		for _, w := range t.windowsOf(ts) {
			if fired(w[1]) {
				continue
			}
			ew, ok := op.wins[w]
			if !ok {
				ew = &etWindow{start: w[0], end: w[1]}
				op.wins[w] = ew
			}
			ew.rows = append(ew.rows, r)
			added = true
		}
		if !added {
			op.late(r, ts)
			return
		}
	}
	wm := ts - t.delay
	if t.tsIdx < 0 {
		wm = ts - 1 // rows with the same ROWTIME may still come
	}
	if !op.hasWM || wm > op.wm {
		op.wm, op.hasWM = wm, true
	}
	op.fireUpTo(r.rowtime)
}

func (op *etOp) late(r row, ts int64) {
	op.e.errorRow(errNameLateRow, "event time "+tsMillis(ts).String()+" is behind the watermark "+tsMillis(op.wm).String()+
		"; its window has already fired", r)
}

func (op *etOp) addSession(key string, ts int64, r row) {
	gap := op.t.size
	ss := op.sessions[key]
	nw := &etWindow{start: ts, end: ts + gap, part: key, rows: []row{r}}
	var keep []*etWindow
	for _, s := range ss {
		if s.start < nw.end && ts < s.end || s.start <= nw.end && nw.start <= s.end {
			nw.start = min(nw.start, s.start)
			nw.end = max(nw.end, s.end)
			nw.rows = append(s.rows, nw.rows...)
			continue
		}
		keep = append(keep, s)
	}
	keep = append(keep, nw)
	slices.SortFunc(keep, func(a, b *etWindow) int { return cmp3(a.start, b.start) })
	op.sessions[key] = keep
}

// fireUpTo emits every window whose end-1 is at or before the watermark,
// ordered by end, start and key.
func (op *etOp) fireUpTo(rowtime int64) {
	if !op.hasWM {
		return
	}
	var due []*etWindow
	for k, w := range op.wins {
		if w.end-1 <= op.wm {
			due = append(due, w)
			delete(op.wins, k)
		}
	}
	for k, ss := range op.sessions {
		var keep []*etWindow
		for _, s := range ss {
			if s.end-1 <= op.wm {
				due = append(due, s)
			} else {
				keep = append(keep, s)
			}
		}
		if len(keep) == 0 {
			delete(op.sessions, k)
		} else {
			op.sessions[k] = keep
		}
	}
	if len(due) == 0 {
		return
	}
	slices.SortFunc(due, func(a, b *etWindow) int {
		if c := cmp3(a.end, b.end); c != 0 {
			return c
		}
		if c := cmp3(a.start, b.start); c != 0 {
			return c
		}
		return strings.Compare(a.part, b.part)
	})
	rt := max(rowtime, op.lastOut)
	op.lastOut = rt
	for _, w := range due {
		op.emitWindow(w, rt)
	}
}

func (op *etOp) emitWindow(w *etWindow, rt int64) {
	extra := []Value{tsMillis(w.start), tsMillis(w.end), tsMillis(w.end - 1)}
	gs := newGroupSet(op.slots)
	for _, r := range w.rows {
		vals := make([]Value, 0, len(r.vals)+6)
		vals = append(append(append(vals, r.vals...), extra...), extra...)
		ar := row{rowtime: r.rowtime, vals: vals}
		en := env{vals: vals, rowtime: r.rowtime, now: op.e.now, start: op.e.start}
		if !op.filter(&en, ar) {
			continue
		}
		if !op.grouped {
			out, err := op.proj.eval(&en)
			if err != nil {
				op.e.evalErr(err, ar)
				continue
			}
			op.sink(row{rowtime: rt, vals: out})
			continue
		}
		kv := make([]Value, len(op.keys))
		bad := false
		for i, k := range op.keys {
			v, err := k(&en)
			if err != nil {
				op.e.evalErr(err, ar)
				bad = true
				break
			}
			kv[i] = v
		}
		if bad {
			continue
		}
		args, err := slotArgs(op.slots, &en)
		if err != nil {
			op.e.evalErr(err, ar)
			continue
		}
		gs.add(appendKey(nil, kv), kv, ar, args)
	}
	if !op.grouped {
		return
	}
	// Arrival order must not matter: emit groups by key.
	groups := slices.Clone(gs.groups)
	slices.SortFunc(groups, func(a, b *group) int { return strings.Compare(a.key, b.key) })
	for _, g := range groups {
		op.em.emit(g, rt)
	}
	op.em.batchDone()
}

// deadline: with DESCRIPTOR(ROWTIME) windows also close when the clock
// passes their end.
func (op *etOp) deadline() (int64, bool) {
	var at int64
	found := false
	for _, w := range op.wins {
		if !found || w.end < at {
			at, found = w.end, true
		}
	}
	for _, ss := range op.sessions {
		for _, s := range ss {
			if !found || s.end < at {
				at, found = s.end, true
			}
		}
	}
	return at, found
}

func (op *etOp) fire(now int64) {
	if !op.hasWM || now-1 > op.wm {
		op.wm, op.hasWM = now-1, true
	}
	op.fireUpTo(now)
}

// itemsTumbling is TOP_K_ITEMS_TUMBLING(CURSOR(q), 'col', k, seconds) and
// COUNT_DISTINCT_ITEMS_TUMBLING(CURSOR(q), 'col', seconds): per tumbling
// ROWTIME window, the k most frequent values of a column (ITEM,
// ITEM_COUNT; ties by value) or the number of distinct values
// (NUMBER_OF_DISTINCT_ITEMS, exact).
func (qc *qctx) itemsTumbling(f *tableFunc) (*source, error) {
	topK := f.name == "TOP_K_ITEMS_TUMBLING"
	want := 3
	if topK {
		want = 4
	}
	if len(f.args) != want {
		return nil, codeErr(f.pos, "%s takes %d arguments, found %d", f.name, want, len(f.args))
	}
	cur, ok := f.args[0].(*cursorExpr)
	if !ok {
		return nil, codeErr(f.args[0].exprPos(), "the first argument of %s must be CURSOR(SELECT STREAM ...)", f.name)
	}
	cols, conn, err := qc.query(cur.q)
	if err != nil {
		return nil, err
	}
	cl, ok := f.args[1].(*literal)
	if !ok || cl.v.k != KindVarchar {
		return nil, codeErr(f.args[1].exprPos(), "the column name must be a string literal")
	}
	colIdx := -1
	for i, c := range cols {
		if c.name == cl.v.s {
			colIdx = i
		}
	}
	if colIdx < 0 {
		return nil, codeErr(cl.pos, "column %q not found in the cursor", cl.v.s)
	}
	intLit := func(x expr, what string, lo, hi int64) (int64, error) {
		l, ok := x.(*literal)
		if !ok || l.v.k != KindBigint || l.v.i < lo || l.v.i > hi {
			return 0, codeErr(x.exprPos(), "%s must be an integer from %d to %d", what, lo, hi)
		}
		return l.v.i, nil
	}
	k := int64(0)
	if topK {
		if k, err = intLit(f.args[2], "k", 1, 100000); err != nil {
			return nil, err
		}
	}
	secs, err := intLit(f.args[want-1], "the window size in seconds", 1, 3600)
	if err != nil {
		return nil, err
	}
	var outCols []column
	if topK {
		outCols = []column{{name: "ITEM", typ: cols[colIdx].typ}, {name: "ITEM_COUNT", typ: tBigint}}
	} else {
		outCols = []column{{name: "NUMBER_OF_DISTINCT_ITEMS", typ: tBigint}}
	}
	op := &itemsOp{topK: topK, k: int(k), size: secs * 1000, col: colIdx, counts: map[string]*itemCount{}}
	src := &source{sc: &scope{frames: []frame{{names: []string{aliasOr(f.alias, f.name)}, cols: outCols, rowtimeIdx: -1}}}, stream: true}
	src.connect = func(sink rowSink) {
		op.sink = sink
		qc.addTimed(op)
		conn(op.push)
	}
	return src, nil
}

type itemCount struct {
	v Value
	n int64
}

type itemsOp struct {
	topK   bool
	k      int
	size   int64
	col    int
	have   bool
	start  int64
	counts map[string]*itemCount
	sink   rowSink
}

func (op *itemsOp) push(r row) {
	ws := floorDiv(r.rowtime, op.size) * op.size
	if op.have && ws != op.start {
		op.fire(ws)
	}
	if !op.have {
		op.have, op.start = true, ws
	}
	v := r.vals[op.col]
	if v.k == KindNull {
		return
	}
	key := encodeKey([]Value{v})
	c, ok := op.counts[key]
	if !ok {
		c = &itemCount{v: v}
		op.counts[key] = c
	}
	c.n++
}

func (op *itemsOp) deadline() (int64, bool) {
	if !op.have {
		return 0, false
	}
	return op.start + op.size, true
}

func (op *itemsOp) fire(int64) {
	if !op.have {
		return
	}
	end := op.start + op.size
	op.have = false
	if !op.topK {
		op.sink(row{rowtime: end, vals: []Value{Int(int64(len(op.counts)))}})
		clear(op.counts)
		return
	}
	items := make([]*itemCount, 0, len(op.counts))
	for _, c := range op.counts {
		items = append(items, c)
	}
	clear(op.counts)
	slices.SortFunc(items, func(a, b *itemCount) int {
		if a.n != b.n {
			return cmp3(b.n, a.n)
		}
		c, _ := compareValues(a.v, b.v)
		return c
	})
	for i, it := range items {
		if i == op.k {
			break
		}
		op.sink(row{rowtime: end, vals: []Value{it.v, Int(it.n)}})
	}
}
