package analytics

import (
	"encoding/hex"
	"strings"
)

// row is one row of an in-app stream: its ROWTIME (ms since the epoch)
// and its column values.
type row struct {
	rowtime int64
	vals    []Value
}

// rowSink receives the rows of a stream or operator, in ROWTIME order.
type rowSink func(r row)

// timedOp is an operator with windows that close when time passes: the
// engine fires it when the clock reaches its deadline.
type timedOp interface {
	deadline() (int64, bool)
	fire(now int64)
}

// inStream is an in-application stream or reference table.
type inStream struct {
	name    string
	cols    []column
	subs    []rowSink
	last    int64
	hasLast bool
	table   bool
	rows    []row // reference table contents
	wm      *watermarkDef
	wmIdx   int
	system  bool // error_stream
	source  bool // fed by an application input
}

func (s *inStream) colIndex(name string) int {
	for i, c := range s.cols {
		if c.name == name {
			return i
		}
	}
	return -1
}

// ErrorStreamName is the in-application stream Kinesis Data Analytics
// writes runtime errors to. An output may name it.
const ErrorStreamName = "error_stream"

var errorStreamCols = []column{
	{name: "ERROR_TIME", typ: tTimestamp},
	{name: "ERROR_LEVEL", typ: sqlType{kind: KindVarchar, name: "VARCHAR", length: 10}},
	{name: "ERROR_NAME", typ: sqlType{kind: KindVarchar, name: "VARCHAR", length: 32}},
	{name: "MESSAGE", typ: sqlType{kind: KindVarchar, name: "VARCHAR", length: 4096}},
	{name: "DATA_ROWTIME", typ: tTimestamp},
	{name: "DATA_ROW", typ: sqlType{kind: KindVarchar, name: "VARCHAR", length: 49152}},
	{name: "PUMP_NAME", typ: sqlType{kind: KindVarchar, name: "VARCHAR", length: 128}},
}

// engine runs the compiled application code. It is not safe for
// concurrent use; the Application's mutex guards it.
type engine struct {
	streams   map[string]*inStream
	order     []*inStream
	views     map[string]*createView
	timed     []timedOp
	errStream *inStream
	now       int64 // ms, never decreasing
	start     int64
	curPump   string
	pumps     []string
	errCount  int64
	seedBase  uint64 // RANDOM_CUT_FOREST randomness (WithRand)
	seed      uint64
	sliders   []*slidingOp
}

func newEngine() *engine {
	e := &engine{streams: map[string]*inStream{}, views: map[string]*createView{}}
	e.errStream = &inStream{name: ErrorStreamName, cols: errorStreamCols, system: true}
	e.streams[ErrorStreamName] = e.errStream
	return e
}

func (e *engine) addStream(s *inStream) {
	e.streams[s.name] = s
	e.order = append(e.order, s)
}

// setNow moves the engine's time to ms if later.
func (e *engine) setNow(ms int64) {
	if ms > e.now {
		e.now = ms
	}
}

// advance fires every window whose end is at or before now, earliest
// first (ties in operator order).
func (e *engine) advance(now int64) {
	e.setNow(now)
	for {
		var best timedOp
		var bestAt int64
		for _, op := range e.timed {
			if at, ok := op.deadline(); ok && at <= e.now && (best == nil || at < bestAt) {
				best, bestAt = op, at
			}
		}
		if best == nil {
			return
		}
		best.fire(e.now)
	}
}

// nextDeadline is the earliest pending window end.
func (e *engine) nextDeadline() (int64, bool) {
	var at int64
	found := false
	for _, op := range e.timed {
		if d, ok := op.deadline(); ok && (!found || d < at) {
			at, found = d, true
		}
	}
	return at, found
}

// insert appends r to stream s: ROWTIME must not go backwards and NOT
// NULL columns must be set, else the row goes to error_stream.
func (e *engine) insert(s *inStream, r row) {
	if s.hasLast && r.rowtime < s.last {
		e.errorRow(errNameOutOfOrder, "ROWTIME "+tsMillis(r.rowtime).String()+" is before the last ROWTIME "+
			tsMillis(s.last).String()+" of stream \""+s.name+"\"", r)
		return
	}
	for i, c := range s.cols {
		if c.notNull && i < len(r.vals) && r.vals[i].k == KindNull {
			e.errorRow(errNameNotNull, "column \""+c.name+"\" of stream \""+s.name+"\" is NOT NULL", r)
			return
		}
	}
	s.last, s.hasLast = r.rowtime, true
	for _, sub := range s.subs {
		sub(r)
	}
}

// errorRow writes a row to error_stream describing a failure on data.
func (e *engine) errorRow(name, msg string, data row) {
	e.errCount++
	var b strings.Builder
	for i, v := range data.vals {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(csvField(v.String()))
	}
	dataRowtime := Null
	if data.rowtime != 0 || len(data.vals) > 0 {
		dataRowtime = tsMillis(data.rowtime)
	}
	e.errorRaw(name, msg, dataRowtime, []byte(b.String()))
}

// errorRaw writes an error_stream row whose DATA_ROW is raw input bytes.
func (e *engine) errorRaw(name, msg string, dataRowtime Value, raw []byte) {
	if len(msg) > 4096 {
		msg = msg[:4096]
	}
	h := hex.EncodeToString(raw)
	if len(h) > 49152 {
		h = h[:49152]
	}
	rt := e.now
	if e.errStream.hasLast && rt < e.errStream.last {
		rt = e.errStream.last
	}
	r := row{rowtime: rt, vals: []Value{tsMillis(e.now), String("ERROR"), String(name), String(msg), dataRowtime, String(h), String(e.curPump)}}
	if e.curPump == "" {
		r.vals[6] = Null
	}
	e.errStream.last, e.errStream.hasLast = rt, true
	for _, sub := range e.errStream.subs {
		sub(r)
	}
}

// csvField quotes a field that holds a comma, quote or newline.
func csvField(s string) string {
	if !strings.ContainsAny(s, ",\"\n\r") {
		return s
	}
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

// evalErr turns an evaluation error into an error_stream row.
func (e *engine) evalErr(err error, r row) {
	if re, ok := err.(*runtimeError); ok {
		e.errorRow(re.name, re.msg, r)
		return
	}
	e.errorRow(errNameEvaluation, err.Error(), r)
}
