package analytics

import (
	"slices"

	"github.com/google/btree"
)

const btreeDegree = 16

// groupSet holds the groups of one window in first-seen order.
type groupSet struct {
	slots  []*aggSlot
	groups []*group
	idx    map[string]*group
}

type group struct {
	key   string
	keys  []Value
	first row
	accs  []accum
}

func newGroupSet(slots []*aggSlot) *groupSet {
	return &groupSet{slots: slots, idx: map[string]*group{}}
}

// slotArgs evaluates the arguments of every aggregate for one row.
func slotArgs(slots []*aggSlot, en *env) ([][]Value, error) {
	out := make([][]Value, len(slots))
	for i, s := range slots {
		if len(s.args) == 0 {
			continue
		}
		vs := make([]Value, len(s.args))
		for j, a := range s.args {
			v, err := a(en)
			if err != nil {
				return nil, err
			}
			vs[j] = v
		}
		out[i] = vs
	}
	return out, nil
}

// add folds a row into the group with the given key; key and keys may be
// scratch buffers (they are copied when a group is created).
func (g *groupSet) add(key []byte, keys []Value, r row, args [][]Value) {
	grp, ok := g.idx[string(key)]
	if !ok {
		grp = &group{key: string(key), keys: append([]Value(nil), keys...), first: r, accs: make([]accum, len(g.slots))}
		for i, s := range g.slots {
			grp.accs[i] = s.newAccum()
		}
		g.idx[grp.key] = grp
		g.groups = append(g.groups, grp)
	}
	for i, a := range grp.accs {
		a.add(args[i], r.rowtime)
	}
}

func (g *groupSet) reset() {
	g.groups = g.groups[:0]
	clear(g.idx)
}

func (g *group) results() []Value {
	out := make([]Value, len(g.accs))
	for i, a := range g.accs {
		out[i] = a.result()
	}
	return out
}

// emitter evaluates HAVING and the select list on a finished group and
// sends the row on, through ORDER BY when there is one.
type emitter struct {
	e      *engine
	proj   *projection
	having evalFn
	order  *orderBy
	sink   rowSink
}

func (em *emitter) emit(g *group, rowtime int64) {
	en := env{vals: g.first.vals, rowtime: g.first.rowtime, aggs: g.results(), now: em.e.now, start: em.e.start,
		out: rowtime, hasOut: true, keys: g.keys}
	if em.having != nil {
		v, err := em.having(&en)
		if err != nil {
			em.e.evalErr(err, g.first)
			return
		}
		if !truthy(v) {
			return
		}
	}
	vals, err := em.proj.eval(&en)
	if err != nil {
		em.e.evalErr(err, g.first)
		return
	}
	if em.order != nil {
		keys, err := em.order.keys(&en)
		if err != nil {
			em.e.evalErr(err, g.first)
			return
		}
		em.order.push(row{rowtime: rowtime, vals: vals}, keys)
		return
	}
	em.sink(row{rowtime: rowtime, vals: vals})
}

func (em *emitter) batchDone() {
	if em.order != nil {
		em.order.flush()
	}
}

func (em *emitter) attach(qc *qctx, sink rowSink) {
	em.sink = sink
	if em.order != nil {
		em.order.batch = true
		em.order.attach(qc, sink)
	}
}

// tumbleOp is GROUP BY with a monotonic ROWTIME expression: one window at
// a time, closed when a row of a later window arrives or the clock passes
// its end; its rows get ROWTIME = window end.
type tumbleOp struct {
	e     *engine
	keys  []evalFn
	mono  int
	size  int64
	unit  string
	gs    *groupSet
	em    *emitter
	have  bool
	cur   Value
	start int64
	last  int64 // ROWTIME of the last row added
	// scratch buffers reused for every row
	kv     []Value
	args   [][]Value
	keyBuf []byte
}

func (qc *qctx) tumblingQuery(s *selectStmt, src *source, c *compiler, proj *projection, filter func(*env, row) bool,
	having evalFn, order *orderBy) ([]column, connector, error) {
	gc := &compiler{sc: src.sc, wins: s.windows}
	op := &tumbleOp{e: qc.e, mono: -1, gs: newGroupSet(c.aggs.slots)}
	for i, g := range s.groupBy {
		f, _, err := gc.compile(g)
		if err != nil {
			return nil, nil, err
		}
		op.keys = append(op.keys, f)
		if op.mono < 0 && (refsRowtime(g) || isMonotonicCall(g)) {
			if size, unit, ok := monotonicSize(g); ok {
				op.mono, op.size, op.unit = i, size, unit
			}
		}
	}
	if op.mono < 0 {
		return nil, nil, codeErr(s.pos, "GROUP BY on a stream needs a monotonic expression such as STEP(ROWTIME BY INTERVAL '1' MINUTE) or FLOOR(ROWTIME TO MINUTE); without one no group would ever close")
	}
	op.em = &emitter{e: qc.e, proj: proj, having: having, order: order}
	return proj.cols, func(sink rowSink) {
		op.em.attach(qc, sink)
		qc.addTimed(op)
		src.connect(func(r row) {
			en := env{vals: r.vals, rowtime: r.rowtime, now: qc.e.now, start: qc.e.start}
			if !filter(&en, r) {
				return
			}
			op.push(&en, r)
		})
	}, nil
}

func (op *tumbleOp) push(en *env, r row) {
	if op.kv == nil {
		op.kv = make([]Value, len(op.keys))
		op.args = make([][]Value, len(op.gs.slots))
		for i, s := range op.gs.slots {
			op.args[i] = make([]Value, len(s.args))
		}
	}
	kv := op.kv
	for i, k := range op.keys {
		v, err := k(en)
		if err != nil {
			op.e.evalErr(err, r)
			return
		}
		kv[i] = v
	}
	args := op.args
	for i, s := range op.gs.slots {
		for j, a := range s.args {
			v, err := a(en)
			if err != nil {
				op.e.evalErr(err, r)
				return
			}
			args[i][j] = v
		}
	}
	m := kv[op.mono]
	if op.have {
		c, ok := compareValues(m, op.cur)
		if ok && c < 0 {
			op.e.errorRow(errNameOutOfOrder, "row belongs to a window that has already closed", r)
			return
		}
		if !ok || c != 0 {
			op.flush(r.rowtime)
		}
	}
	if !op.have {
		op.have, op.cur, op.start = true, m, m.i
	}
	op.last = r.rowtime
	op.keyBuf = appendKey(op.keyBuf[:0], kv)
	op.gs.add(op.keyBuf, kv, r, args)
}

// flush emits the current window; at is the ROWTIME used when the window
// has no computable end.
func (op *tumbleOp) flush(at int64) {
	if !op.have {
		return
	}
	rt := at
	if op.cur.k == KindTimestamp || op.cur.k == KindDate {
		if end, ok := bucketEnd(op.start, op.size, op.unit); ok {
			rt = end
		}
	}
	if rt < op.last {
		rt = op.last
	}
	for _, g := range op.gs.groups {
		op.em.emit(g, rt)
	}
	op.em.batchDone()
	op.gs.reset()
	op.have = false
}

func (op *tumbleOp) deadline() (int64, bool) {
	if !op.have || op.cur.k != KindTimestamp && op.cur.k != KindDate {
		return 0, false
	}
	return bucketEnd(op.start, op.size, op.unit)
}

func (op *tumbleOp) fire(now int64) { op.flush(now) }

// staggerOp is WINDOWED BY STAGGER: a window per partition key that opens
// at the key's first row and closes RANGE later.
type staggerOp struct {
	e     *engine
	keys  []evalFn
	rng   int64
	slots []*aggSlot
	open  map[string]*staggerWin
	byEnd *btree.BTreeG[*staggerWin]
	seq   uint64
	em    *emitter
}

type staggerWin struct {
	close int64
	seq   uint64
	grp   *group
}

func (qc *qctx) staggerQuery(s *selectStmt, src *source, c *compiler, proj *projection, filter func(*env, row) bool,
	having evalFn, order *orderBy) ([]column, connector, error) {
	gc := &compiler{sc: src.sc, wins: s.windows}
	op := &staggerOp{e: qc.e, rng: s.stagger.rng, slots: c.aggs.slots, open: map[string]*staggerWin{},
		byEnd: btree.NewG(btreeDegree, func(a, b *staggerWin) bool {
			return a.close < b.close || a.close == b.close && a.seq < b.seq
		})}
	for _, p := range s.stagger.partition {
		f, _, err := gc.compile(p)
		if err != nil {
			return nil, nil, err
		}
		op.keys = append(op.keys, f)
	}
	op.em = &emitter{e: qc.e, proj: proj, having: having, order: order}
	return proj.cols, func(sink rowSink) {
		op.em.attach(qc, sink)
		qc.addTimed(op)
		src.connect(func(r row) {
			en := env{vals: r.vals, rowtime: r.rowtime, now: qc.e.now, start: qc.e.start}
			if !filter(&en, r) {
				return
			}
			op.push(&en, r)
		})
	}, nil
}

func (op *staggerOp) push(en *env, r row) {
	kv := make([]Value, len(op.keys))
	for i, k := range op.keys {
		v, err := k(en)
		if err != nil {
			op.e.evalErr(err, r)
			return
		}
		kv[i] = v
	}
	args, err := slotArgs(op.slots, en)
	if err != nil {
		op.e.evalErr(err, r)
		return
	}
	op.fire(r.rowtime)
	key := encodeKey(kv)
	w, ok := op.open[key]
	if !ok {
		op.seq++
		w = &staggerWin{close: r.rowtime + op.rng, seq: op.seq, grp: &group{key: key, keys: kv, first: r, accs: make([]accum, len(op.slots))}}
		for i, s := range op.slots {
			w.grp.accs[i] = s.newAccum()
		}
		op.open[key] = w
		op.byEnd.ReplaceOrInsert(w)
	}
	for i, a := range w.grp.accs {
		a.add(args[i], r.rowtime)
	}
}

func (op *staggerOp) deadline() (int64, bool) {
	w, ok := op.byEnd.Min()
	if !ok {
		return 0, false
	}
	return w.close, true
}

func (op *staggerOp) fire(now int64) {
	any := false
	for {
		w, ok := op.byEnd.Min()
		if !ok || w.close > now {
			break
		}
		op.byEnd.DeleteMin()
		delete(op.open, w.grp.key)
		op.em.emit(w.grp, w.close)
		any = true
	}
	if any {
		op.em.batchDone()
	}
}

// slidingOp evaluates OVER window functions: one output row per input row,
// over the rows of the row's partition within RANGE (inclusive lower
// bound) or the last ROWS n.
type slidingOp struct {
	e      *engine
	specs  []*slideSpec
	nslot  int
	pushes int
}

// sweepEvery is how many rows pass between sweeps of RANGE partitions
// whose rows have all left the window.
const sweepEvery = 4096

// sweep drops RANGE partitions with no row left in their window as of now.
func (op *slidingOp) sweep(now int64) {
	for _, sp := range op.specs {
		if sp.w.rows || sp.w.unbounded {
			continue
		}
		for k, pb := range sp.parts {
			if len(pb.rows) == pb.head || pb.rows[len(pb.rows)-1].rowtime < now-sp.w.n {
				delete(sp.parts, k)
			}
		}
	}
}

type slideSpec struct {
	w     *windowSpec
	keys  []evalFn
	slots []int // indexes into the query's over slots
	defs  []*aggSlot
	parts map[string]*partBuf
}

type partBuf struct {
	rows []bufRow
	head int
	inc  []accum // incremental accums (nil where rescanned)
}

type bufRow struct {
	rowtime int64
	args    [][]Value // per slot of the spec
}

// incremental reports whether a slot's accumulator can remove values.
func incremental(s *aggSlot) bool {
	if s.distinct {
		return false
	}
	switch s.name {
	case "COUNT", "SUM", "AVG", "STDDEV_POP", "STDDEV_SAMP", "STDDEV", "VAR_POP", "VAR_SAMP", "VARIANCE", "ROW_NUMBER":
		return true
	}
	return false
}

func (qc *qctx) slidingQuery(s *selectStmt, src *source, c *compiler, proj *projection, filter func(*env, row) bool,
	distinct *distinctOp, order *orderBy) ([]column, connector, error) {
	op := &slidingOp{e: qc.e, nslot: len(c.over.slots)}
	qc.e.sliders = append(qc.e.sliders, op)
	bySpec := map[*windowSpec]*slideSpec{}
	gc := &compiler{sc: src.sc, wins: s.windows}
	for i, slot := range c.over.slots {
		sp, ok := bySpec[slot.window]
		if !ok {
			sp = &slideSpec{w: slot.window, parts: map[string]*partBuf{}}
			for _, p := range slot.window.partition {
				f, _, err := gc.compile(p)
				if err != nil {
					return nil, nil, err
				}
				sp.keys = append(sp.keys, f)
			}
			bySpec[slot.window] = sp
			op.specs = append(op.specs, sp)
		}
		sp.slots = append(sp.slots, i)
		sp.defs = append(sp.defs, slot)
	}
	e := qc.e
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
			aggs, err := op.push(&en, r)
			if err != nil {
				e.evalErr(err, r)
				return
			}
			en.aggs = aggs
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

func (op *slidingOp) push(en *env, r row) ([]Value, error) {
	type pending struct {
		sp   *slideSpec
		key  string
		args [][]Value
	}
	// Evaluate everything first so a failing row changes no window.
	ps := make([]pending, len(op.specs))
	for i, sp := range op.specs {
		kv := make([]Value, len(sp.keys))
		for j, k := range sp.keys {
			v, err := k(en)
			if err != nil {
				return nil, err
			}
			kv[j] = v
		}
		args, err := slotArgs(sp.defs, en)
		if err != nil {
			return nil, err
		}
		ps[i] = pending{sp: sp, key: encodeKey(kv), args: args}
	}
	op.pushes++
	if op.pushes%sweepEvery == 0 {
		op.sweep(r.rowtime)
	}
	out := make([]Value, op.nslot)
	for _, p := range ps {
		sp := p.sp
		pb, ok := sp.parts[p.key]
		if !ok {
			pb = &partBuf{inc: make([]accum, len(sp.defs))}
			for i, d := range sp.defs {
				if incremental(d) {
					pb.inc[i] = d.newAccum()
				}
			}
			sp.parts[p.key] = pb
		}
		// Evict: RANGE keeps rows with ROWTIME >= current - range
		// (inclusive), ROWS n keeps the n previous rows.
		for pb.head < len(pb.rows) {
			old := pb.rows[pb.head]
			keep := true
			switch {
			case sp.w.unbounded:
			case sp.w.rows:
				keep = len(pb.rows)-pb.head < int(sp.w.n)+1
			default:
				keep = old.rowtime >= r.rowtime-sp.w.n
			}
			if keep {
				break
			}
			for i, a := range pb.inc {
				if a != nil {
					a.(remover).remove(old.args[i])
				}
			}
			pb.rows[pb.head] = bufRow{}
			pb.head++
		}
		if pb.head > 64 && pb.head*2 > len(pb.rows) {
			pb.rows = append(pb.rows[:0], pb.rows[pb.head:]...)
			pb.head = 0
		}
		pb.rows = append(pb.rows, bufRow{rowtime: r.rowtime, args: p.args})
		for i, a := range pb.inc {
			if a != nil {
				a.add(p.args[i], r.rowtime)
			}
		}
		for i, d := range sp.defs {
			if a := pb.inc[i]; a != nil {
				out[sp.slots[i]] = a.result()
				continue
			}
			a := d.newAccum()
			for _, br := range pb.rows[pb.head:] {
				a.add(br.args[i], br.rowtime)
			}
			out[sp.slots[i]] = a.result()
		}
	}
	return out, nil
}

// orderBy is ORDER BY on a stream: rows with the same value of the leading
// monotonic expression are sorted by the other keys and released together
// when that value changes or the clock passes its bucket, all with the
// ROWTIME of the latest of them.
type orderBy struct {
	e     *engine
	fns   []evalFn
	desc  []bool
	size  int64
	unit  string
	batch bool
	buf   []orderedRow
	lead  Value
	have  bool
	sink  rowSink
}

type orderedRow struct {
	r    row
	keys []Value
	seq  int
}

func (qc *qctx) orderBy(s *selectStmt, c *compiler) (*orderBy, error) {
	ob := &orderBy{e: qc.e}
	for i, it := range s.orderBy {
		x := it.e
		if i == 0 {
			lead := x
			if cr, ok := x.(*colRef); ok && cr.qualifier == "" {
				for _, si := range s.items {
					if si.alias == cr.name || si.alias == "" && !si.star && outputNameIs(si.e, cr.name) {
						lead = si.e
					}
				}
			}
			size, unit, ok := monotonicSize(lead)
			if !ok || !(refsRowtime(lead) || isMonotonicCall(lead)) {
				return nil, codeErr(x.exprPos(), "ORDER BY on a stream must start with a monotonic expression such as FLOOR(ROWTIME TO SECOND)")
			}
			ob.size, ob.unit = size, unit
		}
		f, _, err := c.compile(x)
		if err != nil {
			return nil, err
		}
		ob.fns = append(ob.fns, f)
		ob.desc = append(ob.desc, it.desc)
	}
	return ob, nil
}

func outputNameIs(x expr, name string) bool {
	c, ok := x.(*colRef)
	return ok && c.name == name
}

func (o *orderBy) keys(en *env) ([]Value, error) {
	out := make([]Value, len(o.fns))
	for i, f := range o.fns {
		v, err := f(en)
		if err != nil {
			return nil, err
		}
		out[i] = v
	}
	return out, nil
}

// attach sets the sink; a streaming (non-batch) ORDER BY also registers a
// timer for its bucket end.
func (o *orderBy) attach(qc *qctx, sink rowSink) rowSink {
	o.sink = sink
	if !o.batch {
		qc.addTimed(o)
	}
	return sink
}

func (o *orderBy) push(r row, keys []Value) {
	if !o.batch && o.have && encodeKey(keys[:1]) != encodeKey([]Value{o.lead}) {
		o.flush()
	}
	if !o.have {
		o.lead, o.have = keys[0], true
	}
	o.buf = append(o.buf, orderedRow{r: r, keys: keys, seq: len(o.buf)})
}

func (o *orderBy) flush() {
	if len(o.buf) == 0 {
		o.have = false
		return
	}
	slices.SortStableFunc(o.buf, func(a, b orderedRow) int {
		for i := range a.keys {
			c, _ := compareValues(a.keys[i], b.keys[i])
			if o.desc[i] {
				c = -c
			}
			if c != 0 {
				return c
			}
		}
		return a.seq - b.seq
	})
	var rt int64
	for _, x := range o.buf {
		rt = max(rt, x.r.rowtime)
	}
	buf := o.buf
	o.buf, o.have = nil, false
	for _, x := range buf {
		x.r.rowtime = rt
		o.sink(x.r)
	}
}

func (o *orderBy) deadline() (int64, bool) {
	if o.batch || !o.have || len(o.buf) == 0 {
		return 0, false
	}
	if o.lead.k != KindTimestamp && o.lead.k != KindDate {
		return 0, false
	}
	if end, ok := bucketEnd(o.lead.i, o.size, o.unit); ok {
		return end, true
	}
	return o.lead.i + 1, true
}

func (o *orderBy) fire(int64) { o.flush() }
