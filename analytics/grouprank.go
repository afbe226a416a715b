package analytics

import (
	"slices"
	"strings"
)

// groupRank is GROUP_RANK(CURSOR(q), 'rankByColumn', 'rankOutColumn',
// sortOrder, outputOrder, maxIdleMs, outputMax): rows with the same ROWTIME
// form a group, released when a row with a later ROWTIME arrives or no row
// came for maxIdle ms on the clock (0: no idle limit). Each row gets the
// RANK() of its rankBy value (ties share a rank, with gaps) in sortOrder
// ('asc' or 'desc'), added as column rankOut; the group is emitted in
// outputOrder of rank ('asc', 'desc', anything else as received), at most
// outputMax rows (0: all).
func (qc *qctx) groupRank(f *tableFunc) (*source, error) {
	if len(f.args) != 7 {
		return nil, codeErr(f.pos, "GROUP_RANK takes 7 arguments")
	}
	cols, conn, err := qc.cursorArg(f)
	if err != nil {
		return nil, err
	}
	str := func(i int, what string) (string, error) {
		l, ok := f.args[i].(*literal)
		if !ok || l.v.k != KindVarchar {
			return "", codeErr(f.args[i].exprPos(), "%s must be a string literal", what)
		}
		return l.v.s, nil
	}
	rankBy, err := str(1, "rankByColumnName")
	if err != nil {
		return nil, err
	}
	rankOut, err := str(2, "rankOutColumnName")
	if err != nil {
		return nil, err
	}
	sortOrder, err := str(3, "sortOrder")
	if err != nil {
		return nil, err
	}
	outOrder, err := str(4, "outputOrder")
	if err != nil {
		return nil, err
	}
	idle, err := numArg(f, 5, 0, 0, 1<<40, "maxIdle")
	if err != nil {
		return nil, err
	}
	outMax, err := numArg(f, 6, 0, 0, 1<<31, "outputMax")
	if err != nil {
		return nil, err
	}
	by := slices.IndexFunc(cols, func(c column) bool { return c.name == rankBy })
	if by < 0 {
		return nil, codeErr(f.args[1].exprPos(), "column %q not found in the cursor", rankBy)
	}
	desc := strings.EqualFold(sortOrder, "desc")
	outCols := append(append([]column(nil), cols...), column{name: rankOut, typ: sqlType{kind: KindBigint, name: "INTEGER"}})
	op := &rankOp{by: by, desc: desc, outOrder: strings.ToLower(outOrder), idle: int64(idle), max: int(outMax)}
	src := &source{sc: &scope{frames: []frame{{names: []string{aliasOr(f.alias, f.name)}, cols: outCols, rowtimeIdx: -1}}}, stream: true}
	src.connect = func(sink rowSink) {
		op.sink = sink
		if op.idle > 0 {
			qc.addTimed(op)
		}
		conn(op.push)
	}
	return src, nil
}

type rankOp struct {
	by       int
	desc     bool
	outOrder string
	idle     int64
	max      int
	group    []row
	last     int64 // arrival of the group's last row
	sink     rowSink
}

func (op *rankOp) push(r row) {
	if len(op.group) > 0 && r.rowtime != op.group[0].rowtime {
		op.flush()
	}
	op.group = append(op.group, r)
	op.last = r.rowtime
}

func (op *rankOp) flush() {
	g := op.group
	op.group = nil
	if len(g) == 0 {
		return
	}
	order := make([]int, len(g))
	for i := range order {
		order[i] = i
	}
	cmpRows := func(a, b int) int {
		c, _ := compareValues(g[a].vals[op.by], g[b].vals[op.by])
		if op.desc {
			c = -c
		}
		return c
	}
	slices.SortStableFunc(order, cmpRows)
	ranks := make([]int64, len(g))
	for i, idx := range order {
		if i > 0 && cmpRows(order[i-1], idx) == 0 {
			ranks[idx] = ranks[order[i-1]]
		} else {
			ranks[idx] = int64(i + 1)
		}
	}
	emit := make([]int, len(g))
	for i := range emit {
		emit[i] = i
	}
	switch op.outOrder {
	case "asc":
		emit = order
	case "desc":
		emit = slices.Clone(order)
		slices.Reverse(emit)
	}
	for n, idx := range emit {
		if op.max > 0 && n == op.max {
			break
		}
		r := g[idx]
		vals := append(append([]Value(nil), r.vals...), Int(ranks[idx]))
		op.sink(row{rowtime: r.rowtime, vals: vals})
	}
}

func (op *rankOp) deadline() (int64, bool) {
	if len(op.group) == 0 {
		return 0, false
	}
	return op.last + op.idle, true
}

func (op *rankOp) fire(int64) { op.flush() }
