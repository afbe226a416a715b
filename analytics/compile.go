package analytics

import (
	"strconv"
	"strings"
)

// maxNameLength is the longest in-application stream or table name.
const maxNameLength = 32

// compileCode parses application code and wires its streams, views and
// pumps into e. On error e must be discarded.
func compileCode(src string, e *engine) error {
	stmts, err := parseCode(src)
	if err != nil {
		return err
	}
	if e == nil {
		e = newEngine()
	}
	pumpNames := map[string]bool{}
	anon := 0
	for _, st := range stmts {
		switch st := st.(type) {
		case *createStream:
			if err := e.createStream(st); err != nil {
				return err
			}
		case *createView:
			if _, ok := e.views[st.name]; ok && !st.replace {
				return codeErr(st.pos, "view %q already exists", st.name)
			}
			if _, ok := e.streams[st.name]; ok {
				return codeErr(st.pos, "%q already exists as a stream", st.name)
			}
			e.views[st.name] = st
		case *createPump:
			if pumpNames[st.name] && !st.replace {
				return codeErr(st.pos, "pump %q already exists", st.name)
			}
			if pumpNames[st.name] {
				return codeErr(st.pos, "CREATE OR REPLACE PUMP %q after the pump was created in the same code is not supported", st.name)
			}
			pumpNames[st.name] = true
			if err := e.compileInsert(st.insert, st.name); err != nil {
				return err
			}
		case *insertStmt:
			anon++
			if err := e.compileInsert(st, "INSERT_"+strconv.Itoa(anon)); err != nil {
				return err
			}
		}
	}
	return nil
}

func (e *engine) createStream(st *createStream) error {
	if len(st.name) > maxNameLength {
		return codeErr(st.pos, "stream name %q is longer than %d characters", st.name, maxNameLength)
	}
	if old, ok := e.streams[st.name]; ok {
		if !st.replace || old.system || old.source || old.table || len(old.subs) > 0 {
			return codeErr(st.pos, "stream %q already exists", st.name)
		}
	}
	if _, ok := e.views[st.name]; ok {
		return codeErr(st.pos, "%q already exists as a view", st.name)
	}
	s := &inStream{name: st.name, wmIdx: -1}
	for _, c := range st.cols {
		if c.name == "ROWTIME" {
			return codeErr(c.pos, "ROWTIME is a system column and cannot be declared")
		}
		s.cols = append(s.cols, column{name: c.name, typ: c.typ, notNull: c.notNull})
	}
	if st.watermark != nil {
		s.wm = st.watermark
		s.wmIdx = s.colIndex(st.watermark.col)
		if s.cols[s.wmIdx].typ.kind != KindTimestamp {
			return codeErr(st.watermark.pos, "WATERMARK column %q must be a TIMESTAMP", st.watermark.col)
		}
	}
	if _, ok := e.streams[st.name]; ok {
		for i, o := range e.order {
			if o.name == st.name {
				e.order[i] = s
			}
		}
		e.streams[st.name] = s
		return nil
	}
	e.addStream(s)
	return nil
}

// compileInsert wires INSERT INTO target SELECT ... as a pump.
func (e *engine) compileInsert(ins *insertStmt, pump string) error {
	target, ok := e.streams[ins.target]
	if !ok {
		if _, isView := e.views[ins.target]; isView {
			return codeErr(ins.pos, "cannot INSERT INTO view %q", ins.target)
		}
		return codeErr(ins.pos, "stream %q not found (in-application names are case-sensitive when quoted)", ins.target)
	}
	if target.system || target.table || target.source {
		return codeErr(ins.pos, "cannot INSERT INTO %q", ins.target)
	}
	var idx []int
	if len(ins.cols) > 0 {
		for _, c := range ins.cols {
			i := target.colIndex(c)
			if i < 0 {
				return codeErr(ins.pos, "column %q not found in stream %q", c, target.name)
			}
			idx = append(idx, i)
		}
	} else {
		for i := range target.cols {
			idx = append(idx, i)
		}
	}
	qc := &qctx{e: e, pump: pump}
	cols, connect, err := qc.query(ins.query)
	if err != nil {
		return err
	}
	// A column named ROWTIME overrides the rows' timestamp (a row whose new
	// ROWTIME goes backwards goes to error_stream).
	rtCol := -1
	for i, c := range cols {
		if c.name == "ROWTIME" {
			rtCol = i
		}
	}
	if rtCol >= 0 {
		cols = append(cols[:rtCol:rtCol], cols[rtCol+1:]...)
	}
	if len(cols) != len(idx) {
		return codeErr(ins.query.queryPos(), "the query returns %d columns but %d are inserted into %q", len(cols), len(idx), target.name)
	}
	e.pumps = append(e.pumps, pump)
	width := len(target.cols)
	connect(func(r row) {
		if rtCol >= 0 {
			v := r.vals[rtCol]
			if v.k != KindTimestamp {
				e.errorRow(errNameConversion, "ROWTIME must be a non-NULL TIMESTAMP", r)
				return
			}
			vals := make([]Value, 0, len(r.vals)-1)
			vals = append(append(vals, r.vals[:rtCol]...), r.vals[rtCol+1:]...)
			r = row{rowtime: v.i, vals: vals}
		}
		out := make([]Value, width)
		for i, v := range r.vals {
			c := target.cols[idx[i]]
			cv, err := coerce(v, c.typ)
			if err != nil {
				e.errorRow(errNameConversion, "column \""+c.name+"\": "+err.Error(), r)
				return
			}
			out[idx[i]] = cv
		}
		e.insert(target, row{rowtime: r.rowtime, vals: out})
	})
	return nil
}

// qctx compiles the queries of one pump.
type qctx struct {
	e     *engine
	pump  string
	depth int
}

// subscribe adds sink to stream s, running it as this pump.
func (qc *qctx) subscribe(s *inStream, sink rowSink) {
	e, pump := qc.e, qc.pump
	s.subs = append(s.subs, func(r row) {
		old := e.curPump
		e.curPump = pump
		sink(r)
		e.curPump = old
	})
}

// addTimed registers op, fired as this pump.
func (qc *qctx) addTimed(op timedOp) {
	qc.e.timed = append(qc.e.timed, &pumpTimed{op: op, e: qc.e, pump: qc.pump})
}

type pumpTimed struct {
	op   timedOp
	e    *engine
	pump string
}

func (p *pumpTimed) deadline() (int64, bool) { return p.op.deadline() }
func (p *pumpTimed) fire(now int64) {
	old := p.e.curPump
	p.e.curPump = p.pump
	p.op.fire(now)
	p.e.curPump = old
}

// connector attaches a sink to a query's output.
type connector func(sink rowSink)

func (qc *qctx) query(q query) ([]column, connector, error) {
	qc.depth++
	defer func() { qc.depth-- }()
	if qc.depth > 32 {
		return nil, nil, codeErr(q.queryPos(), "views or subqueries nested too deep")
	}
	switch q := q.(type) {
	case *selectStmt:
		return qc.selectQuery(q)
	case *unionAll:
		var cols []column
		var conns []connector
		for i, p := range q.parts {
			c, conn, err := qc.selectQuery(p)
			if err != nil {
				return nil, nil, err
			}
			if i == 0 {
				cols = c
			} else if len(c) != len(cols) {
				return nil, nil, codeErr(p.pos, "UNION ALL parts return %d and %d columns", len(cols), len(c))
			}
			conns = append(conns, conn)
		}
		return cols, func(sink rowSink) {
			for _, c := range conns {
				c(sink)
			}
		}, nil
	}
	return nil, nil, codeErr(q.queryPos(), "unsupported query")
}

// source is a compiled FROM clause.
type source struct {
	sc      *scope
	connect connector
	stream  bool // rows arrive over time (not a table)
	tvf     *windowTVF
}

func (qc *qctx) from(f fromItem) (*source, error) {
	switch f := f.(type) {
	case *streamRef:
		if v, ok := qc.e.views[f.name]; ok {
			return qc.subquerySource(&subquery{pos: f.pos, q: v.query, alias: aliasOr(f.alias, f.name)})
		}
		s, ok := qc.e.streams[f.name]
		if !ok {
			if up := strings.ToUpper(f.name); up != f.name {
				if _, ok := qc.e.streams[up]; ok {
					return nil, codeErr(f.pos, "stream %q not found; did you mean %q?", f.name, up)
				}
			}
			for name := range qc.e.streams {
				if strings.EqualFold(name, f.name) {
					return nil, codeErr(f.pos, "stream %q not found; names are case-sensitive: use \"%s\"", f.name, name)
				}
			}
			return nil, codeErr(f.pos, "stream or table %q not found", f.name)
		}
		if s.system {
			return nil, codeErr(f.pos, "the error stream cannot be read by application code; add an output for %q", ErrorStreamName)
		}
		names := []string{f.name}
		if f.alias != "" {
			names = []string{f.alias}
		}
		sc := &scope{frames: []frame{{names: names, cols: s.cols, rowtimeIdx: -1}}}
		src := &source{sc: sc, stream: !s.table}
		if s.table {
			src.connect = func(rowSink) {}
		} else {
			src.connect = func(sink rowSink) { qc.subscribe(s, sink) }
		}
		return src, nil
	case *subquery:
		return qc.subquerySource(f)
	case *joinItem:
		return qc.join(f)
	case *tableFunc:
		return qc.tableFunc(f)
	}
	return nil, codeErr(f.fromPos(), "unsupported FROM item")
}

func aliasOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func (qc *qctx) subquerySource(f *subquery) (*source, error) {
	cols, conn, err := qc.query(f.q)
	if err != nil {
		return nil, err
	}
	var names []string
	if f.alias != "" {
		names = []string{f.alias}
	}
	return &source{sc: &scope{frames: []frame{{names: names, cols: cols, rowtimeIdx: -1}}}, connect: conn, stream: true}, nil
}

// refsRowtime reports whether x reads ROWTIME.
func refsRowtime(x expr) bool {
	found := false
	walkExpr(x, func(n expr) {
		if c, ok := n.(*colRef); ok && (c.name == "ROWTIME" || c.mono) {
			found = true
		}
	})
	return found
}

func walkExpr(x expr, f func(expr)) {
	if x == nil {
		return
	}
	f(x)
	switch x := x.(type) {
	case *unaryExpr:
		walkExpr(x.x, f)
	case *binaryExpr:
		walkExpr(x.l, f)
		walkExpr(x.r, f)
	case *isNullExpr:
		walkExpr(x.x, f)
	case *inExpr:
		walkExpr(x.x, f)
		for _, l := range x.list {
			walkExpr(l, f)
		}
	case *betweenExpr:
		walkExpr(x.x, f)
		walkExpr(x.lo, f)
		walkExpr(x.hi, f)
	case *caseExpr:
		walkExpr(x.operand, f)
		for i := range x.whens {
			walkExpr(x.whens[i], f)
			walkExpr(x.thens[i], f)
		}
		walkExpr(x.els, f)
	case *castExpr:
		walkExpr(x.x, f)
	case *funcCall:
		for _, a := range x.args {
			walkExpr(a, f)
		}
	}
}

// monotonicSize recognises a monotonic ROWTIME grouping expression and
// returns its bucket: a fixed size in ms, or a calendar unit. ok is false
// for expressions that are not monotonic; size 0 with ok means monotonic
// with no known bucket end (MONOTONIC(x), bare ROWTIME).
func monotonicSize(x expr) (size int64, unit string, ok bool) {
	switch x := x.(type) {
	case *colRef:
		return 0, "", x.name == "ROWTIME" || x.mono
	case *castExpr:
		return monotonicSize(x.x)
	case *funcCall:
		switch x.name {
		case "MONOTONIC":
			return 0, "", true
		case "STEP":
			if len(x.args) == 2 && refsRowtime(x.args[0]) {
				if _, _, ok := monotonicSize(x.args[0]); ok {
					if l, isLit := x.args[1].(*literal); isLit && l.v.k == KindInterval && l.v.i > 0 {
						return l.v.i, "", true
					}
				}
			}
		case "FLOOR":
			if len(x.args) == 1 && x.unit != "" {
				if _, _, ok := monotonicSize(x.args[0]); ok {
					if u, fixed := unitMillis[x.unit]; fixed {
						return u, "", true
					}
					return 0, x.unit, true
				}
			}
		}
	}
	return 0, "", false
}

// bucketEnd is the end of the bucket that starts at start.
func bucketEnd(start, size int64, unit string) (int64, bool) {
	switch {
	case size > 0:
		return start + size, true
	case unit != "":
		return nextTime(start, unit), true
	}
	return 0, false
}

// outputName is the column name of a select item.
func outputName(it selectItem, i int) string {
	if it.alias != "" {
		return it.alias
	}
	switch x := it.e.(type) {
	case *colRef:
		return x.name
	case *fieldExpr:
		return x.field
	}
	return "EXPR$" + strconv.Itoa(i)
}

// projection is a compiled select list.
type projection struct {
	fns   []evalFn
	cols  []column
	exprs []expr // nil for star columns
}

func (qc *qctx) project(s *selectStmt, c *compiler) (*projection, error) {
	p := &projection{}
	for _, it := range s.items {
		if it.star {
			found := false
			for _, f := range c.sc.frames {
				if it.qualifier != "" && !f.matches(it.qualifier) {
					continue
				}
				found = true
				for j, col := range f.cols {
					if col.hidden {
						continue
					}
					idx := f.offset + j
					p.fns = append(p.fns, func(e *env) (Value, error) { return e.vals[idx], nil })
					p.cols = append(p.cols, col)
					p.exprs = append(p.exprs, nil)
				}
			}
			if !found {
				return nil, codeErr(it.pos, "unknown stream or alias %q", it.qualifier)
			}
			continue
		}
		f, t, err := c.compile(it.e)
		if err != nil {
			return nil, err
		}
		name := outputName(it, len(p.cols))
		_, _, isMono := monotonicSize(it.e)
		p.fns = append(p.fns, f)
		p.cols = append(p.cols, column{name: name, typ: t, mono: isMono && (refsRowtime(it.e) || isMonotonicCall(it.e))})
		p.exprs = append(p.exprs, it.e)
	}
	// Duplicate output names are allowed, as in KDA; a later reference by
	// name finds the first.
	return p, nil
}

// eval computes the projection for one env; the error is an evaluation
// failure for error_stream.
func (p *projection) eval(en *env) ([]Value, error) {
	out := make([]Value, len(p.fns))
	for i, f := range p.fns {
		v, err := f(en)
		if err != nil {
			return nil, err
		}
		out[i] = v
	}
	return out, nil
}

func (qc *qctx) selectQuery(s *selectStmt) ([]column, connector, error) {
	src, err := qc.from(s.from)
	if err != nil {
		return nil, nil, err
	}
	if !src.stream {
		return nil, nil, codeErr(s.pos, "a pump must read a stream; %q is a table (join it with a stream instead)", tableName(s.from))
	}
	if _, isTableFunc := s.from.(*tableFunc); !s.stream && !isTableFunc {
		// KDA's own HOTSPOTS example selects from the table function
		// without STREAM; a plain stream needs it.
		return nil, nil, codeErr(s.pos, "a query on a stream must be SELECT STREAM")
	}
	e := qc.e
	markMono(s, src.sc)
	var where evalFn
	if s.where != nil {
		wc := &compiler{sc: src.sc, wins: s.windows}
		if where, _, err = wc.compile(s.where); err != nil {
			return nil, nil, err
		}
	}
	hasAgg := s.groupBy != nil || s.stagger != nil
	if !hasAgg && s.having != nil {
		return nil, nil, codeErr(s.pos, "HAVING needs GROUP BY or WINDOWED BY STAGGER")
	}
	c := &compiler{sc: src.sc, wins: s.windows}
	if hasAgg || src.tvf != nil && src.tvf.grouped(s) {
		c.aggs = &aggCollector{}
		keys := s.groupBy
		if s.stagger != nil {
			keys = s.stagger.partition
		}
		for _, k := range keys {
			c.groupExprs = append(c.groupExprs, canon(k))
		}
	} else {
		c.over = &overCollector{}
	}
	proj, err := qc.project(s, c)
	if err != nil {
		return nil, nil, err
	}
	var having evalFn
	if s.having != nil {
		if having, _, err = c.compile(s.having); err != nil {
			return nil, nil, err
		}
	}
	// ORDER BY may name output columns.
	var order *orderBy
	if len(s.orderBy) > 0 {
		oc := *c
		oc.aliases = map[string]evalFn{}
		for i, col := range proj.cols {
			fn := proj.fns[i]
			if _, dup := oc.aliases[col.name]; !dup {
				oc.aliases[col.name] = fn
			}
		}
		if order, err = qc.orderBy(s, &oc); err != nil {
			return nil, nil, err
		}
	}
	filter := func(en *env, r row) bool {
		if where == nil {
			return true
		}
		v, err := where(en)
		if err != nil {
			e.evalErr(err, r)
			return false
		}
		return truthy(v)
	}
	var distinct *distinctOp
	if s.distinct {
		mono := -1
		for i, ex := range proj.exprs {
			if ex == nil {
				continue
			}
			if _, _, ok := monotonicSize(ex); ok && refsRowtime(ex) || isMonotonicCall(ex) {
				mono = i
				break
			}
		}
		if mono < 0 {
			return nil, nil, codeErr(s.pos, "SELECT STREAM DISTINCT needs a monotonic expression in the select list, such as FLOOR(ROWTIME TO MINUTE)")
		}
		distinct = &distinctOp{mono: mono, seen: map[string]bool{}}
	}
	switch {
	case src.tvf != nil:
		return qc.windowTVFQuery(s, src, c, proj, filter, having, order)
	case s.stagger != nil:
		return qc.staggerQuery(s, src, c, proj, filter, having, order)
	case s.groupBy != nil:
		return qc.tumblingQuery(s, src, c, proj, filter, having, order)
	case len(c.over.slots) > 0:
		return qc.slidingQuery(s, src, c, proj, filter, distinct, order)
	}
	// A plain filter/projection pump.
	return proj.cols, func(sink rowSink) {
		out := sink
		if distinct != nil {
			out = distinct.wrap(out)
		}
		if order != nil {
			order.attach(qc, out)
		}
		src.connect(func(r row) {
			en := env{vals: r.vals, rowtime: r.rowtime, now: e.now, start: e.start}
			if !filter(&en, r) {
				return
			}
			vals, err := proj.eval(&en)
			if err != nil {
				e.evalErr(err, r)
				return
			}
			if order != nil {
				keys, err := order.keys(&en)
				if err != nil {
					e.evalErr(err, r)
					return
				}
				order.push(row{rowtime: r.rowtime, vals: vals}, keys)
				return
			}
			out(row{rowtime: r.rowtime, vals: vals})
		})
	}, nil
}

func isMonotonicCall(x expr) bool {
	f, ok := x.(*funcCall)
	return ok && f.name == "MONOTONIC"
}

func tableName(f fromItem) string {
	if s, ok := f.(*streamRef); ok {
		return s.name
	}
	return ""
}

// distinctOp drops rows equal to an earlier row with the same value of the
// monotonic column.
type distinctOp struct {
	mono int
	cur  Value
	have bool
	seen map[string]bool
}

func (d *distinctOp) wrap(sink rowSink) rowSink {
	return func(r row) {
		m := r.vals[d.mono]
		if !d.have || encodeKey([]Value{m}) != encodeKey([]Value{d.cur}) {
			d.cur, d.have = m, true
			clear(d.seen)
		}
		k := encodeKey(r.vals)
		if d.seen[k] {
			return
		}
		d.seen[k] = true
		sink(r)
	}
}

// markMono flags the column references of s that resolve to monotonic
// columns of a subquery or view, so STEP and FLOOR over them group a
// stream.
func markMono(s *selectStmt, sc *scope) {
	mark := func(x expr) {
		walkExpr(x, func(n expr) {
			c, ok := n.(*colRef)
			if !ok || c.name == "ROWTIME" {
				return
			}
			for _, f := range sc.frames {
				if c.qualifier != "" && !f.matches(c.qualifier) {
					continue
				}
				for _, col := range f.cols {
					if col.name == c.name && col.mono {
						c.mono = true
					}
				}
			}
		})
	}
	for _, it := range s.items {
		mark(it.e)
	}
	for _, g := range s.groupBy {
		mark(g)
	}
	for _, o := range s.orderBy {
		mark(o.e)
	}
	if s.stagger != nil {
		for _, p := range s.stagger.partition {
			mark(p)
		}
	}
}
