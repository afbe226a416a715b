package analytics

// join compiles stream-stream joins (each side keeps the rows of its OVER
// window, by default the rows with the same ROWTIME) and stream-table
// joins (the table's current rows).
func (qc *qctx) join(j *joinItem) (*source, error) {
	left, err := qc.from(j.left)
	if err != nil {
		return nil, err
	}
	right, err := qc.from(j.right)
	if err != nil {
		return nil, err
	}
	if !left.stream {
		return nil, codeErr(j.pos, "the left side of a join must be a stream")
	}
	if left.tvf != nil || right.tvf != nil {
		return nil, codeErr(j.pos, "window table functions cannot be joined")
	}
	lw := left.sc.width()
	rw := right.sc.width()
	sc := &scope{}
	for _, f := range left.sc.frames {
		if f.rowtimeIdx < 0 {
			f.rowtimeIdx = lw
		}
		sc.frames = append(sc.frames, f)
	}
	for _, f := range right.sc.frames {
		f.offset += lw + 1
		if f.rowtimeIdx < 0 {
			f.rowtimeIdx = lw + 1 + rw
		} else {
			f.rowtimeIdx += lw + 1
		}
		sc.frames = append(sc.frames, f)
	}
	// The joined row's own ROWTIME (env.rowtime) is the arriving row's.
	c := &compiler{sc: sc}
	on, _, err := c.compile(j.on)
	if err != nil {
		return nil, err
	}
	e := qc.e
	combine := func(l, r row, lnull, rnull bool) []Value {
		vals := make([]Value, lw+rw+2)
		if !lnull {
			copy(vals, l.vals)
			vals[lw] = tsMillis(l.rowtime)
		}
		if !rnull {
			copy(vals[lw+1:], r.vals)
			vals[lw+1+rw] = tsMillis(r.rowtime)
		}
		return vals
	}
	match := func(vals []Value, at int64, failed row) (bool, bool) {
		en := env{vals: vals, rowtime: at, now: e.now, start: e.start}
		v, err := on(&en)
		if err != nil {
			e.evalErr(err, failed)
			return false, false
		}
		return truthy(v), true
	}
	// A side without a window joins with its current row only.
	rangeOf := func(f fromItem) (*windowSpec, error) {
		sr, ok := f.(*streamRef)
		if !ok || sr.over == nil {
			return nil, nil
		}
		w := sr.over
		if w.ref != "" {
			return nil, codeErr(w.pos, "a join window must be given inline: OVER (RANGE INTERVAL ... PRECEDING)")
		}
		if len(w.partition) > 0 {
			return nil, codeErr(w.pos, "PARTITION BY is not supported in a join window")
		}
		return w, nil
	}
	lwin, err := rangeOf(j.left)
	if err != nil {
		return nil, err
	}
	rwin, err := rangeOf(j.right)
	if err != nil {
		return nil, err
	}
	out := &source{sc: sc, stream: true}
	if lwin == nil && rwin == nil && right.stream {
		return nil, codeErr(j.pos, "a stream-to-stream join needs a window on at least one side, e.g. JOIN s OVER (RANGE INTERVAL '1' MINUTE PRECEDING)")
	}
	if !right.stream && j.keepR {
		return nil, codeErr(j.pos, "RIGHT and FULL OUTER JOIN need a stream on the right, not a table")
	}
	if !right.stream {
		table := qc.e.streams[j.right.(*streamRef).name]
		if sr, ok := j.right.(*streamRef); ok && sr.over != nil {
			return nil, codeErr(sr.over.pos, "a table has no window")
		}
		// An equality between a left and a right expression in the ON
		// conjunction indexes the table by the right one.
		lkey, rkey := equiKey(j.on, c, lw)
		var index map[string][]row
		if lkey != nil {
			index = map[string][]row{}
			for _, t := range table.rows {
				en := env{vals: combine(row{}, t, true, false), now: e.now, start: e.start}
				v, err := rkey(&en)
				if err != nil || v.k == KindNull {
					continue
				}
				k := encodeKey([]Value{v})
				index[k] = append(index[k], t)
			}
		}
		out.connect = func(sink rowSink) {
			left.connect(func(l row) {
				matched := false
				candidates := table.rows
				if index != nil {
					en := env{vals: combine(l, row{}, false, true), rowtime: l.rowtime, now: e.now, start: e.start}
					v, err := lkey(&en)
					if err != nil {
						e.evalErr(err, l)
						return
					}
					candidates = nil
					if v.k != KindNull {
						candidates = index[encodeKey([]Value{v})]
					}
				}
				for _, t := range candidates {
					vals := combine(l, t, false, false)
					ok, valid := match(vals, l.rowtime, l)
					if !valid {
						return
					}
					if ok {
						matched = true
						sink(row{rowtime: l.rowtime, vals: vals})
					}
				}
				if !matched && j.outer {
					sink(row{rowtime: l.rowtime, vals: combine(l, row{}, false, true)})
				}
			})
		}
		return out, nil
	}
	jb := &joinBuffers{}
	out.connect = func(sink rowSink) {
		left.connect(func(l row) {
			jb.right = evictWindow(jb.right, rwin, l.rowtime)
			matched := false
			for _, r := range jb.right {
				vals := combine(l, r, false, false)
				ok, valid := match(vals, l.rowtime, l)
				if !valid {
					return
				}
				if ok {
					matched = true
					sink(row{rowtime: l.rowtime, vals: vals})
				}
			}
			if !matched && j.outer {
				sink(row{rowtime: l.rowtime, vals: combine(l, row{}, false, true)})
			}
			if lwin != nil {
				jb.left = append(evictWindow(jb.left, lwin, l.rowtime), l)
			}
		})
		right.connect(func(r row) {
			jb.left = evictWindow(jb.left, lwin, r.rowtime)
			matched := false
			for _, l := range jb.left {
				vals := combine(l, r, false, false)
				ok, valid := match(vals, r.rowtime, r)
				if !valid {
					return
				}
				if ok {
					matched = true
					sink(row{rowtime: r.rowtime, vals: vals})
				}
			}
			if !matched && j.keepR {
				sink(row{rowtime: r.rowtime, vals: combine(row{}, r, true, false)})
			}
			if rwin != nil {
				jb.right = append(evictWindow(jb.right, rwin, r.rowtime), r)
			}
		})
	}
	return out, nil
}

type joinBuffers struct {
	left, right []row
}

// evictWindow drops rows outside w as of now: RANGE keeps ROWTIME >=
// now - range, ROWS n keeps the last n rows, no window keeps none.
func evictWindow(rows []row, w *windowSpec, now int64) []row {
	switch {
	case w == nil:
		return rows[:0]
	case w.unbounded:
		return rows
	case w.rows:
		if n := int(w.n); len(rows) > n {
			return append(rows[:0], rows[len(rows)-n:]...)
		}
		return rows
	}
	i := 0
	for i < len(rows) && rows[i].rowtime < now-w.n {
		i++
	}
	if i == 0 {
		return rows
	}
	return append(rows[:0], rows[i:]...)
}

// equiKey finds a conjunct "left = right" of on whose sides read only the
// left (indexes < lw+1) and only the right columns of the joined row, and
// compiles both sides.
func equiKey(on expr, c *compiler, lw int) (evalFn, evalFn) {
	side := func(x expr) int { // 1 left, 2 right, 3 both, 0 none
		s := 0
		walkExpr(x, func(n expr) {
			cr, ok := n.(*colRef)
			if !ok {
				return
			}
			idx, _, err := c.sc.resolve(cr)
			switch {
			case err != nil:
				s = 3
			case idx < 0:
				s = 3 // the joined row's own ROWTIME
			case idx <= lw:
				s |= 1
			default:
				s |= 2
			}
		})
		return s
	}
	var conj []expr
	var split func(x expr)
	split = func(x expr) {
		if b, ok := x.(*binaryExpr); ok && b.op == "AND" {
			split(b.l)
			split(b.r)
			return
		}
		conj = append(conj, x)
	}
	split(on)
	for _, x := range conj {
		b, ok := x.(*binaryExpr)
		if !ok || b.op != "=" {
			continue
		}
		l, r := b.l, b.r
		if side(l) == 2 && side(r) == 1 {
			l, r = r, l
		}
		if side(l) != 1 || side(r) != 2 {
			continue
		}
		lf, lt, err1 := c.compile(l)
		rf, rt, err2 := c.compile(r)
		if err1 != nil || err2 != nil {
			continue
		}
		// The index compares encoded values: only sides of one kind (or
		// both numeric) compare as = does.
		num := func(k Kind) bool { return k == KindBigint || k == KindDouble }
		if lt.kind != rt.kind && !(num(lt.kind) && num(rt.kind)) || lt.kind == KindNull || lt.kind == KindRow {
			continue
		}
		return lf, rf
	}
	return nil, nil
}
