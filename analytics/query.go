package analytics

import (
	"context"
	"time"
)

// Expr is an expression of a [Query], built with [Col], [Lit], [Call] and
// the operator functions, for programs that would rather not write SQL.
type Expr struct {
	x expr
}

// Col is the column name (exact case) of the query's stream.
func Col(name string) Expr { return Expr{&colRef{name: name}} }

// Rowtime is the ROWTIME of the current row.
func Rowtime() Expr { return Expr{&colRef{name: "ROWTIME"}} }

// Lit is a constant.
func Lit(v Value) Expr { return Expr{&literal{v: v}} }

// Call calls a function of the SQL catalogue by name (e.g. "UPPER",
// "REGEX_REPLACE", "COUNT", "AVG").
func Call(name string, args ...Expr) Expr {
	fc := &funcCall{name: name}
	for _, a := range args {
		fc.args = append(fc.args, a.x)
	}
	return Expr{fc}
}

// Count is COUNT(*).
func Count() Expr { return Expr{&funcCall{name: "COUNT", star: true}} }

// Sum is SUM(e).
func Sum(e Expr) Expr { return Call("SUM", e) }

// Avg is AVG(e).
func Avg(e Expr) Expr { return Call("AVG", e) }

// Min is MIN(e).
func Min(e Expr) Expr { return Call("MIN", e) }

// Max is MAX(e).
func Max(e Expr) Expr { return Call("MAX", e) }

func bin(op string, a, b Expr) Expr { return Expr{&binaryExpr{op: op, l: a.x, r: b.x}} }

// Eq is a = b.
func Eq(a, b Expr) Expr { return bin("=", a, b) }

// Ne is a <> b.
func Ne(a, b Expr) Expr { return bin("<>", a, b) }

// Lt is a < b.
func Lt(a, b Expr) Expr { return bin("<", a, b) }

// Le is a <= b.
func Le(a, b Expr) Expr { return bin("<=", a, b) }

// Gt is a > b.
func Gt(a, b Expr) Expr { return bin(">", a, b) }

// Ge is a >= b.
func Ge(a, b Expr) Expr { return bin(">=", a, b) }

// And is a AND b.
func And(a, b Expr) Expr { return bin("AND", a, b) }

// Or is a OR b.
func Or(a, b Expr) Expr { return bin("OR", a, b) }

// Not is NOT a.
func Not(a Expr) Expr { return Expr{&unaryExpr{op: "NOT", x: a.x}} }

// Add is a + b.
func Add(a, b Expr) Expr { return bin("+", a, b) }

// Sub is a - b.
func Sub(a, b Expr) Expr { return bin("-", a, b) }

// Mul is a * b.
func Mul(a, b Expr) Expr { return bin("*", a, b) }

// Div is a / b (division by zero sends the row to error_stream).
func Div(a, b Expr) Expr { return bin("/", a, b) }

// Column is one output column of a [Query].
type Column struct {
	Name string
	Expr Expr
}

// Window is how a [Query] groups rows: [Tumbling], [Sliding] or
// [Stagger]; nil means one output per input row with no aggregates.
type Window interface{ isWindow() }

// Tumbling groups rows by GroupBy within epoch-aligned windows of Size on
// ROWTIME (GROUP BY ..., STEP(ROWTIME BY Size)); each group is emitted
// when its window closes, with ROWTIME = window end.
type Tumbling struct {
	Size time.Duration
}

// Sliding evaluates the aggregates of Select over the rows of the same
// PartitionBy key within Range before each row (inclusive), or the Rows
// previous rows; one output per input row.
type Sliding struct {
	Range       time.Duration
	Rows        int
	PartitionBy []Expr
}

// Stagger opens a window per PartitionBy key at the key's first row and
// emits it Range later (WINDOWED BY STAGGER).
type Stagger struct {
	Range       time.Duration
	PartitionBy []Expr
}

// EventTumbling groups rows by GroupBy within epoch-aligned windows of
// Size on the event-time Column (a TIMESTAMP), emitted when the watermark
// (the largest event time seen minus Delay) reaches their end; later rows
// of a fired window go to error_stream. Use [WindowStart] and [WindowEnd]
// in Select.
type EventTumbling struct {
	Column string
	Size   time.Duration
	Delay  time.Duration
}

// EventHopping is EventTumbling with windows of Size starting every Slide
// (Size a multiple of Slide): a row counts in Size/Slide windows.
type EventHopping struct {
	Column string
	Slide  time.Duration
	Size   time.Duration
	Delay  time.Duration
}

// EventSession groups rows of the same PartitionBy key whose event times
// are less than Gap apart.
type EventSession struct {
	Column      string
	Gap         time.Duration
	Delay       time.Duration
	PartitionBy []Expr
}

func (Tumbling) isWindow()      {}
func (Sliding) isWindow()       {}
func (Stagger) isWindow()       {}
func (EventTumbling) isWindow() {}
func (EventHopping) isWindow()  {}
func (EventSession) isWindow()  {}

// WindowEnd is the end of the current event-time window.
func WindowEnd() Expr { return Expr{&funcCall{name: "$WINDOW_END"}} }

// WindowStart is the start of the current window of a Tumbling query (the
// STEP expression it groups by) or of an event-time query.
func WindowStart() Expr { return Expr{&funcCall{name: "$WINDOW_START"}} }

// Query is a continuous query over one in-application stream.
type Query struct {
	From    string
	Where   Expr
	Select  []Column
	GroupBy []Expr
	Window  Window
	Having  Expr
}

// eventSpec is the event-time column and delay of a Go query: the query
// reads a hidden copy of its stream that declares the watermark.
type eventSpec struct {
	col    string
	delay  int64
	hidden string
}

// toSelect builds the SQL syntax tree of q; name names the query.
func (q Query) toSelect(name string) (*selectStmt, *eventSpec, error) {
	if q.From == "" || len(q.Select) == 0 {
		return nil, nil, errorf(ErrInvalidArgumentException, "a Query needs From and Select")
	}
	s := &selectStmt{stream: true, from: &streamRef{name: q.From}, where: q.Where.x, having: q.Having.x}
	var win *windowSpec
	var step, start, end expr
	var ev *eventSpec
	event := func(col string, delay time.Duration, fn string, args ...expr) error {
		if col == "" || delay < 0 {
			return errorf(ErrInvalidArgumentException, "an event-time window needs a Column and a non-negative Delay")
		}
		for _, a := range args {
			if l, ok := a.(*literal); ok && l.v.i <= 0 {
				return errorf(ErrInvalidArgumentException, "event-time window sizes must be positive")
			}
		}
		ev = &eventSpec{col: col, delay: delay.Milliseconds(), hidden: "$" + name}
		ta := &tableArg{name: ev.hidden}
		if fn == "SESSION" {
			if w, ok := q.Window.(EventSession); ok {
				for _, p := range w.PartitionBy {
					ta.partition = append(ta.partition, p.x)
				}
			}
		}
		s.from = &tableFunc{name: fn, args: append([]expr{ta, &descriptorExpr{col: col}}, args...)}
		start, end = &colRef{name: "window_start"}, &colRef{name: "window_end"}
		s.groupBy = []expr{start, end}
		for _, g := range q.GroupBy {
			s.groupBy = append(s.groupBy, g.x)
		}
		return nil
	}
	iv := func(d time.Duration) expr { return &literal{v: Interval(d)} }
	switch w := q.Window.(type) {
	case EventTumbling:
		if err := event(w.Column, w.Delay, "TUMBLE", iv(w.Size)); err != nil {
			return nil, nil, err
		}
	case EventHopping:
		if err := event(w.Column, w.Delay, "HOP", iv(w.Slide), iv(w.Size)); err != nil {
			return nil, nil, err
		}
	case EventSession:
		if err := event(w.Column, w.Delay, "SESSION", iv(w.Gap)); err != nil {
			return nil, nil, err
		}
	case Tumbling:
		if w.Size <= 0 {
			return nil, nil, errorf(ErrInvalidArgumentException, "Tumbling.Size must be positive")
		}
		step = &funcCall{name: "STEP", args: []expr{&colRef{qualifier: q.From, name: "ROWTIME"}, &literal{v: Interval(w.Size)}}}
		for _, g := range q.GroupBy {
			s.groupBy = append(s.groupBy, g.x)
		}
		s.groupBy = append(s.groupBy, step)
	case Sliding:
		win = &windowSpec{}
		switch {
		case w.Rows > 0 && w.Range == 0:
			win.rows, win.n = true, int64(w.Rows)
		case w.Range > 0 && w.Rows == 0:
			win.n = w.Range.Milliseconds()
		default:
			return nil, nil, errorf(ErrInvalidArgumentException, "Sliding needs exactly one of Range and Rows")
		}
		for _, p := range w.PartitionBy {
			win.partition = append(win.partition, p.x)
		}
	case Stagger:
		if w.Range <= 0 || len(w.PartitionBy) == 0 {
			return nil, nil, errorf(ErrInvalidArgumentException, "Stagger needs a positive Range and PartitionBy")
		}
		s.stagger = &staggerSpec{rng: w.Range.Milliseconds()}
		for _, p := range w.PartitionBy {
			s.stagger.partition = append(s.stagger.partition, p.x)
		}
	case nil:
		if len(q.GroupBy) > 0 {
			return nil, nil, errorf(ErrInvalidArgumentException, "GroupBy needs a Tumbling or event-time window")
		}
	}
	if start == nil {
		start = step
	}
	for _, c := range q.Select {
		if c.Expr.x == nil || c.Name == "" {
			return nil, nil, errorf(ErrInvalidArgumentException, "every Column needs a Name and an Expr")
		}
		x := rewriteQueryExpr(c.Expr.x, win, start, end)
		s.items = append(s.items, selectItem{e: x, alias: c.Name})
	}
	return s, ev, nil
}

// rewriteQueryExpr puts the sliding window on aggregates and resolves
// WindowStart and WindowEnd.
func rewriteQueryExpr(x expr, win *windowSpec, start, end expr) expr {
	switch x := x.(type) {
	case *funcCall:
		if x.name == "$WINDOW_START" && start != nil {
			return start
		}
		if x.name == "$WINDOW_END" && end != nil {
			return end
		}
		c := *x
		c.args = make([]expr, len(x.args))
		for i, a := range x.args {
			c.args[i] = rewriteQueryExpr(a, win, start, end)
		}
		if win != nil && (aggregates[c.name] || windowOnly[c.name]) && c.over == nil {
			c.over = win
		}
		return &c
	case *binaryExpr:
		c := *x
		c.l, c.r = rewriteQueryExpr(x.l, win, start, end), rewriteQueryExpr(x.r, win, start, end)
		return &c
	case *unaryExpr:
		c := *x
		c.x = rewriteQueryExpr(x.x, win, start, end)
		return &c
	}
	return x
}

// goQuery is a Query registered on an application: its output stream.
type goQuery struct {
	name  string
	sel   *selectStmt
	event *eventSpec
	from  string
}

// addGoQuery compiles a Go query into e: an in-application stream name fed
// by a pump.
func (e *engine) addGoQuery(gq goQuery) error {
	if _, ok := e.streams[gq.name]; ok {
		return errorf(ErrInvalidArgumentException, "in-application stream %q already exists", gq.name)
	}
	qc := &qctx{e: e, pump: gq.name}
	if ev := gq.event; ev != nil {
		// A hidden copy of the stream that declares the watermark.
		src, ok := e.streams[gq.from]
		if !ok || src.table || src.system {
			return codeErr(Pos{}, "stream %q not found", gq.from)
		}
		idx := src.colIndex(ev.col)
		if idx < 0 || src.cols[idx].typ.kind != KindTimestamp {
			return codeErr(Pos{}, "event-time column %q must be a TIMESTAMP column of %q", ev.col, gq.from)
		}
		h := &inStream{name: ev.hidden, cols: src.cols, wm: &watermarkDef{col: ev.col, delay: ev.delay}, wmIdx: idx}
		e.addStream(h)
		qc.subscribe(src, func(r row) { e.insert(h, r) })
	}
	cols, conn, err := qc.query(gq.sel)
	if err != nil {
		return err
	}
	s := &inStream{name: gq.name, cols: cols, wmIdx: -1}
	e.addStream(s)
	conn(func(r row) { e.insert(s, r) })
	return nil
}

// AddQuery registers a Go query whose rows go to a new in-application
// stream name, and returns a Reader of it. The query runs whenever the
// application runs (it is compiled into a running application at once,
// and again at each start). Errors in the query are
// ErrCodeValidationException.
func (a *Application) AddQuery(ctx context.Context, name string, q Query) (*Reader, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if !validName(name) {
		return nil, errorf(ErrInvalidArgumentException, "a query name must be 1 to %d characters", maxNameLength)
	}
	sel, ev, err := q.toSelect(name)
	if err != nil {
		return nil, err
	}
	gq := goQuery{name: name, sel: sel, event: ev, from: q.From}
	a.mu.Lock()
	defer a.mu.Unlock()
	probe, err := a.buildEngine(a.code, a.refData)
	if err != nil {
		return nil, err
	}
	if err := probe.addGoQuery(gq); err != nil {
		return nil, err
	}
	a.queries = append(a.queries, gq)
	if a.eng != nil {
		if err := a.eng.addGoQuery(gq); err != nil {
			return nil, err
		}
	}
	r := &Reader{a: a, stream: name, notify: make(chan struct{})}
	if a.eng != nil {
		a.attachReaderLocked(r, a.eng.streams[name])
	}
	a.readers = append(a.readers, r)
	return r, nil
}

// Open creates an application named name on one input, with no SQL code,
// and starts it reading from NOW: the entry point of the Go API. Register
// queries with [Application.AddQuery] and write with
// [Application.PutRecords].
func (s *Service) Open(ctx context.Context, name string, in Input) (*Application, error) {
	if _, err := s.CreateApplication(ctx, CreateApplicationInput{ApplicationName: name, Inputs: []Input{in}}); err != nil {
		return nil, err
	}
	d, err := s.DescribeApplication(ctx, DescribeApplicationInput{ApplicationName: name})
	if err != nil {
		return nil, err
	}
	if err := s.StartApplication(ctx, StartApplicationInput{ApplicationName: name, InputConfigurations: []InputConfiguration{{
		Id: d.ApplicationDetail.InputDescriptions[0].InputId, InputStartingPositionConfiguration: InputStartingPositionConfiguration{
			InputStartingPosition: StartingPositionNow}}}}); err != nil {
		return nil, err
	}
	return s.Application(name)
}
