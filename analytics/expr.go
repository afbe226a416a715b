package analytics

import (
	"math"
	"strings"
)

// env is what a compiled expression reads: the current row's values and
// ROWTIME, the results of aggregates or window functions computed for it,
// and the clock.
type env struct {
	vals    []Value
	rowtime int64
	aggs    []Value
	now     int64 // clock at evaluation, ms (CURRENT_ROW_TIMESTAMP)
	start   int64 // application start, ms (CURRENT_TIMESTAMP)
	out     int64 // ROWTIME of the row being generated, when hasOut
	hasOut  bool
	keys    []Value // the group's GROUP BY (or STAGGER partition) values
}

// evalFn is a compiled expression.
type evalFn func(e *env) (Value, error)

// runtimeError is an evaluation failure. The row is dropped and an
// error_stream row with name and message is written; the application keeps
// running.
type runtimeError struct {
	name string
	msg  string
}

func (e *runtimeError) Error() string { return e.name + ": " + e.msg }

// Error names written to error_stream's ERROR_NAME column.
const (
	errNameConversion     = "Data_Conversion_Error"
	errNameDivision       = "Division_By_Zero"
	errNameOutOfOrder     = "Rowtime_Out_Of_Order"
	errNameLateRow        = "Late_Row"
	errNameNotNull        = "Null_Value_Not_Allowed"
	errNameProcessing     = "Processing_Failed"
	errNameSchemaMismatch = "Schema_Mismatch"
	errNameEvaluation     = "Evaluation_Error"
)

// column is a column of an in-app stream, table or query result.
type column struct {
	name    string
	typ     sqlType
	notNull bool
	hidden  bool // not part of SELECT * (APPROXIMATE_ARRIVAL_TIME)
	mono    bool // a query column derived monotonically from ROWTIME
}

// frame is one source visible to expressions: a stream, table, subquery or
// join side.
type frame struct {
	names      []string // the alias, or the stream name
	cols       []column
	offset     int // index of cols[0] in env.vals
	rowtimeIdx int // index of this side's ROWTIME in env.vals, -1 for env.rowtime
}

type scope struct {
	frames []frame
}

func (s *scope) width() int {
	n := 0
	for _, f := range s.frames {
		n = max(n, f.offset+len(f.cols))
		if f.rowtimeIdx >= n {
			n = f.rowtimeIdx + 1
		}
	}
	return n
}

func (s *scope) hasQualifier(q string) bool {
	for i := range s.frames {
		if s.frames[i].matches(q) {
			return true
		}
	}
	return false
}

func (f *frame) matches(q string) bool {
	for _, n := range f.names {
		if n == q || strings.EqualFold(n, q) && strings.ToUpper(q) == q {
			return true
		}
	}
	return false
}

// resolve finds a column reference: index into env.vals, or -1 for the
// env's ROWTIME.
func (s *scope) resolve(c *colRef) (int, sqlType, error) {
	found := -2
	var typ sqlType
	for i := range s.frames {
		f := &s.frames[i]
		if c.qualifier != "" && !f.matches(c.qualifier) {
			continue
		}
		if c.name == "ROWTIME" {
			hasCol := false
			for _, col := range f.cols {
				if col.name == "ROWTIME" {
					hasCol = true
				}
			}
			if !hasCol {
				if found != -2 && c.qualifier == "" {
					continue // unqualified ROWTIME in a join: the first side's
				}
				found = f.rowtimeIdx
				typ = sqlType{kind: KindTimestamp, name: "TIMESTAMP"}
				continue
			}
		}
		for j, col := range f.cols {
			if col.name == c.name {
				if found != -2 {
					return 0, sqlType{}, codeErr(c.pos, "column %q is ambiguous", c.name)
				}
				found = f.offset + j
				typ = col.typ
			}
		}
	}
	if found == -2 {
		if c.qualifier != "" {
			for i := range s.frames {
				if s.frames[i].matches(c.qualifier) {
					return 0, sqlType{}, codeErr(c.pos, "column %q not found in %q", c.name, c.qualifier)
				}
			}
			return 0, sqlType{}, codeErr(c.pos, "unknown stream or alias %q", c.qualifier)
		}
		return 0, sqlType{}, codeErr(c.pos, "column %q not found in any table", c.name)
	}
	return found, typ, nil
}

// compiler turns expressions into evalFns for one query.
type compiler struct {
	sc   *scope
	aggs *aggCollector  // where GROUP BY / STAGGER aggregates are allowed
	over *overCollector // where OVER window functions are allowed
	wins map[string]*windowSpec
	// output names a later clause may refer to (ORDER BY alias).
	aliases map[string]evalFn
	// groupExprs are the canonical forms of the GROUP BY (or STAGGER
	// PARTITION BY) expressions: in an aggregate's select list, HAVING and
	// ORDER BY such an expression is the group's key value.
	groupExprs []string
}

var tTimestamp = sqlType{kind: KindTimestamp, name: "TIMESTAMP"}
var tBigint = sqlType{kind: KindBigint, name: "BIGINT"}
var tDouble = sqlType{kind: KindDouble, name: "DOUBLE"}
var tVarchar = sqlType{kind: KindVarchar, name: "VARCHAR"}
var tBoolean = sqlType{kind: KindBoolean, name: "BOOLEAN"}
var tInterval = sqlType{kind: KindInterval, name: "INTERVAL"}

func (c *compiler) compile(x expr) (evalFn, sqlType, error) {
	if len(c.groupExprs) > 0 {
		if _, lit := x.(*literal); !lit {
			cs := canon(x)
			for i, g := range c.groupExprs {
				if g == cs {
					// Compiled for its type and to check it in the row context.
					_, t, err := (&compiler{sc: c.sc, wins: c.wins}).compile(x)
					if err != nil {
						return nil, sqlType{}, err
					}
					return func(e *env) (Value, error) {
						if i < len(e.keys) {
							return e.keys[i], nil
						}
						return Null, nil
					}, t, nil
				}
			}
		}
	}
	switch x := x.(type) {
	case *literal:
		v := x.v
		t := sqlType{kind: v.k, name: v.k.String()}
		return func(*env) (Value, error) { return v, nil }, t, nil
	case *fieldExpr:
		f, _, err := c.compile(x.x)
		if err != nil {
			return nil, sqlType{}, err
		}
		name := x.field
		return func(e *env) (Value, error) {
			v, err := f(e)
			if err != nil || v.k != KindRow {
				return Null, err
			}
			return v.Field(name), nil
		}, tVarchar, nil
	case *colRef:
		if x.qualifier != "" && !c.sc.hasQualifier(x.qualifier) {
			// r.COLUMN1: a field of the row-typed column r.
			return c.compile(&fieldExpr{pos: x.pos, x: &colRef{pos: x.pos, name: x.qualifier}, field: x.name})
		}
		if x.qualifier == "" && c.aliases != nil {
			if f, ok := c.aliases[x.name]; ok {
				return f, tVarchar, nil
			}
		}
		idx, t, err := c.sc.resolve(x)
		if err != nil {
			return nil, sqlType{}, err
		}
		if idx < 0 {
			if x.qualifier == "" {
				// The ROWTIME operator: the time of the row about to be
				// generated (a window's end for an aggregate).
				return func(e *env) (Value, error) {
					if e.hasOut {
						return tsMillis(e.out), nil
					}
					return tsMillis(e.rowtime), nil
				}, t, nil
			}
			return func(e *env) (Value, error) { return tsMillis(e.rowtime), nil }, t, nil
		}
		return func(e *env) (Value, error) { return e.vals[idx], nil }, t, nil
	case *unaryExpr:
		f, t, err := c.compile(x.x)
		if err != nil {
			return nil, sqlType{}, err
		}
		switch x.op {
		case "NOT":
			return func(e *env) (Value, error) {
				v, err := f(e)
				if err != nil || v.k == KindNull {
					return Null, err
				}
				return Bool(!truthy(v)), nil
			}, tBoolean, nil
		case "-":
			return func(e *env) (Value, error) {
				v, err := f(e)
				if err != nil {
					return Null, err
				}
				switch v.k {
				case KindBigint:
					return Int(-v.i), nil
				case KindDouble:
					return Float(-v.f), nil
				case KindInterval:
					return ivMillis(-v.i), nil
				case KindNull:
					return Null, nil
				}
				return Null, &runtimeError{errNameEvaluation, "cannot negate " + v.k.String()}
			}, t, nil
		}
		return f, t, nil
	case *binaryExpr:
		return c.binary(x)
	case *isNullExpr:
		f, _, err := c.compile(x.x)
		if err != nil {
			return nil, sqlType{}, err
		}
		not := x.not
		return func(e *env) (Value, error) {
			v, err := f(e)
			if err != nil {
				return Null, err
			}
			return Bool((v.k == KindNull) != not), nil
		}, tBoolean, nil
	case *inExpr:
		f, _, err := c.compile(x.x)
		if err != nil {
			return nil, sqlType{}, err
		}
		list := make([]evalFn, len(x.list))
		for i, l := range x.list {
			if list[i], _, err = c.compile(l); err != nil {
				return nil, sqlType{}, err
			}
		}
		return func(e *env) (Value, error) {
			v, err := f(e)
			if err != nil || v.k == KindNull {
				return Null, err
			}
			sawNull := false
			for _, lf := range list {
				w, err := lf(e)
				if err != nil {
					return Null, err
				}
				if w.k == KindNull {
					sawNull = true
					continue
				}
				if cmp, ok := compareValues(v, w); ok && cmp == 0 {
					return Bool(true), nil
				}
			}
			if sawNull {
				return Null, nil
			}
			return Bool(false), nil
		}, tBoolean, nil
	case *betweenExpr:
		f, _, err := c.compile(x.x)
		if err != nil {
			return nil, sqlType{}, err
		}
		lo, _, err := c.compile(x.lo)
		if err != nil {
			return nil, sqlType{}, err
		}
		hi, _, err := c.compile(x.hi)
		if err != nil {
			return nil, sqlType{}, err
		}
		return func(e *env) (Value, error) {
			v, err := f(e)
			if err != nil {
				return Null, err
			}
			l, err := lo(e)
			if err != nil {
				return Null, err
			}
			h, err := hi(e)
			if err != nil {
				return Null, err
			}
			if v.k == KindNull || l.k == KindNull || h.k == KindNull {
				return Null, nil
			}
			a, ok1 := compareValues(v, l)
			b, ok2 := compareValues(v, h)
			if !ok1 || !ok2 {
				return Null, &runtimeError{errNameEvaluation, "cannot compare " + v.k.String()}
			}
			return Bool(a >= 0 && b <= 0), nil
		}, tBoolean, nil
	case *caseExpr:
		return c.caseExpr(x)
	case *castExpr:
		f, _, err := c.compile(x.x)
		if err != nil {
			return nil, sqlType{}, err
		}
		typ := x.typ
		return func(e *env) (Value, error) {
			v, err := f(e)
			if err != nil {
				return Null, err
			}
			out, cerr := coerce(v, typ)
			if cerr != nil {
				return Null, &runtimeError{errNameConversion, cerr.Error()}
			}
			return out, nil
		}, typ, nil
	case *funcCall:
		return c.call(x)
	case *cursorExpr, *tableArg, *descriptorExpr:
		return nil, sqlType{}, codeErr(x.exprPos(), "CURSOR, TABLE and DESCRIPTOR are only allowed as table function arguments")
	}
	return nil, sqlType{}, codeErr(x.exprPos(), "unsupported expression")
}

func (c *compiler) caseExpr(x *caseExpr) (evalFn, sqlType, error) {
	var op evalFn
	var err error
	if x.operand != nil {
		if op, _, err = c.compile(x.operand); err != nil {
			return nil, sqlType{}, err
		}
	}
	whens := make([]evalFn, len(x.whens))
	thens := make([]evalFn, len(x.thens))
	var typ sqlType
	for i := range x.whens {
		if whens[i], _, err = c.compile(x.whens[i]); err != nil {
			return nil, sqlType{}, err
		}
		var t sqlType
		if thens[i], t, err = c.compile(x.thens[i]); err != nil {
			return nil, sqlType{}, err
		}
		if typ.kind == KindNull {
			typ = t
		}
	}
	var els evalFn
	if x.els != nil {
		if els, _, err = c.compile(x.els); err != nil {
			return nil, sqlType{}, err
		}
	}
	return func(e *env) (Value, error) {
		var ov Value
		if op != nil {
			v, err := op(e)
			if err != nil {
				return Null, err
			}
			ov = v
		}
		for i, w := range whens {
			v, err := w(e)
			if err != nil {
				return Null, err
			}
			hit := false
			if op != nil {
				cmp, ok := compareValues(ov, v)
				hit = ok && cmp == 0 && ov.k != KindNull && v.k != KindNull
			} else {
				hit = truthy(v)
			}
			if hit {
				return thens[i](e)
			}
		}
		if els != nil {
			return els(e)
		}
		return Null, nil
	}, typ, nil
}

// truthy reports whether v is BOOLEAN TRUE (NULL and FALSE are not).
func truthy(v Value) bool { return v.k == KindBoolean && v.i != 0 }

func (c *compiler) binary(x *binaryExpr) (evalFn, sqlType, error) {
	l, lt, err := c.compile(x.l)
	if err != nil {
		return nil, sqlType{}, err
	}
	r, rt, err := c.compile(x.r)
	if err != nil {
		return nil, sqlType{}, err
	}
	switch x.op {
	case "AND":
		return func(e *env) (Value, error) {
			a, err := l(e)
			if err != nil {
				return Null, err
			}
			if a.k == KindBoolean && a.i == 0 {
				return a, nil
			}
			b, err := r(e)
			if err != nil {
				return Null, err
			}
			if b.k == KindBoolean && b.i == 0 {
				return b, nil
			}
			if a.k == KindNull || b.k == KindNull {
				return Null, nil
			}
			return Bool(true), nil
		}, tBoolean, nil
	case "OR":
		return func(e *env) (Value, error) {
			a, err := l(e)
			if err != nil {
				return Null, err
			}
			if truthy(a) {
				return a, nil
			}
			b, err := r(e)
			if err != nil {
				return Null, err
			}
			if truthy(b) {
				return b, nil
			}
			if a.k == KindNull || b.k == KindNull {
				return Null, nil
			}
			return Bool(false), nil
		}, tBoolean, nil
	case "=", "<>", "<", "<=", ">", ">=", "IS":
		op := x.op
		return func(e *env) (Value, error) {
			a, err := l(e)
			if err != nil {
				return Null, err
			}
			b, err := r(e)
			if err != nil {
				return Null, err
			}
			if op == "IS" {
				return Bool(a.k == KindBoolean && b.k == KindBoolean && a.i == b.i), nil
			}
			if a.k == KindNull || b.k == KindNull {
				return Null, nil
			}
			cmp, ok := compareValues(a, b)
			if !ok {
				return Null, &runtimeError{errNameConversion, "cannot compare " + a.k.String() + " with " + b.k.String()}
			}
			switch op {
			case "=":
				return Bool(cmp == 0), nil
			case "<>":
				return Bool(cmp != 0), nil
			case "<":
				return Bool(cmp < 0), nil
			case "<=":
				return Bool(cmp <= 0), nil
			case ">":
				return Bool(cmp > 0), nil
			}
			return Bool(cmp >= 0), nil
		}, tBoolean, nil
	case "LIKE", "SIMILAR":
		similar := x.op == "SIMILAR"
		return likeFn(l, r, nil, similar), tBoolean, nil
	case "||":
		return func(e *env) (Value, error) {
			a, err := l(e)
			if err != nil {
				return Null, err
			}
			b, err := r(e)
			if err != nil {
				return Null, err
			}
			if a.k == KindNull || b.k == KindNull {
				return Null, nil
			}
			return String(textOf(a) + textOf(b)), nil
		}, tVarchar, nil
	}
	op := x.op
	typ := arithType(op, lt, rt)
	return func(e *env) (Value, error) {
		a, err := l(e)
		if err != nil {
			return Null, err
		}
		b, err := r(e)
		if err != nil {
			return Null, err
		}
		return arith(op, a, b)
	}, typ, nil
}

func textOf(v Value) string {
	if v.k == KindVarchar || v.k == KindBinary {
		return v.s
	}
	return v.String()
}

func arithType(op string, a, b sqlType) sqlType {
	switch {
	case a.kind == KindTimestamp && b.kind == KindTimestamp && op == "-":
		return tInterval
	case a.kind == KindTimestamp || b.kind == KindTimestamp:
		return tTimestamp
	case a.kind == KindInterval && b.kind == KindInterval:
		return tInterval
	case a.kind == KindDouble || b.kind == KindDouble:
		return tDouble
	}
	return tBigint
}

// arith evaluates + - * / % with SQL's NULL rules, integer arithmetic on
// integers, and datetime arithmetic on timestamps and intervals.
func arith(op string, a, b Value) (Value, error) {
	if a.k == KindNull || b.k == KindNull {
		return Null, nil
	}
	if a.k == KindVarchar {
		if n, err := coerce(a, tDouble); err == nil {
			a = n
			if a.f == math.Trunc(a.f) && math.Abs(a.f) < 1<<53 && !strings.ContainsAny(textOf(b), ".") && b.k == KindBigint {
				a = Int(int64(a.f))
			}
		} else {
			return Null, &runtimeError{errNameConversion, "cannot convert '" + a.s + "' to a number"}
		}
	}
	if b.k == KindVarchar {
		if n, err := coerce(b, tDouble); err == nil {
			b = n
		} else {
			return Null, &runtimeError{errNameConversion, "cannot convert '" + b.s + "' to a number"}
		}
	}
	switch {
	case (a.k == KindTimestamp || a.k == KindDate || a.k == KindTime) && b.k == KindInterval:
		switch op {
		case "+":
			return Value{k: a.k, i: a.i + b.i}, nil
		case "-":
			return Value{k: a.k, i: a.i - b.i}, nil
		}
	case a.k == KindInterval && (b.k == KindTimestamp || b.k == KindDate) && op == "+":
		return Value{k: b.k, i: a.i + b.i}, nil
	case a.k == b.k && (a.k == KindTimestamp || a.k == KindDate || a.k == KindTime) && op == "-":
		return ivMillis(a.i - b.i), nil
	case a.k == KindInterval && b.k == KindInterval && (op == "+" || op == "-"):
		if op == "+" {
			return ivMillis(a.i + b.i), nil
		}
		return ivMillis(a.i - b.i), nil
	case a.k == KindInterval && (b.k == KindBigint || b.k == KindDouble) && (op == "*" || op == "/"):
		if op == "*" {
			return ivMillis(int64(math.Round(float64(a.i) * b.Float64()))), nil
		}
		if b.Float64() == 0 {
			return Null, &runtimeError{errNameDivision, "division by zero"}
		}
		return ivMillis(int64(math.Round(float64(a.i) / b.Float64()))), nil
	case a.k == KindBigint && b.k == KindBigint:
		x, y := a.i, b.i
		switch op {
		case "+":
			return Int(x + y), nil
		case "-":
			return Int(x - y), nil
		case "*":
			return Int(x * y), nil
		case "/":
			if y == 0 {
				return Null, &runtimeError{errNameDivision, "division by zero"}
			}
			if x == math.MinInt64 && y == -1 {
				return Int(x), nil
			}
			return Int(x / y), nil
		case "%":
			if y == 0 {
				return Null, &runtimeError{errNameDivision, "division by zero"}
			}
			if y == -1 {
				return Int(0), nil
			}
			return Int(x % y), nil
		}
	case (a.k == KindBigint || a.k == KindDouble) && (b.k == KindBigint || b.k == KindDouble):
		x, y := a.Float64(), b.Float64()
		switch op {
		case "+":
			return Float(x + y), nil
		case "-":
			return Float(x - y), nil
		case "*":
			return Float(x * y), nil
		case "/":
			if y == 0 {
				return Null, &runtimeError{errNameDivision, "division by zero"}
			}
			return Float(x / y), nil
		case "%":
			if y == 0 {
				return Null, &runtimeError{errNameDivision, "division by zero"}
			}
			return Float(math.Mod(x, y)), nil
		}
	}
	return Null, &runtimeError{errNameConversion, "cannot apply " + op + " to " + a.k.String() + " and " + b.k.String()}
}

// compareValues orders two non-NULL values; ok is false when they cannot
// be compared. Numbers compare across integer and double.
func compareValues(a, b Value) (int, bool) {
	if a.k == KindNull || b.k == KindNull {
		if a.k == b.k {
			return 0, true
		}
		if a.k == KindNull {
			return -1, true
		}
		return 1, true
	}
	if a.k == b.k {
		switch a.k {
		case KindBigint, KindBoolean, KindTimestamp, KindDate, KindTime, KindInterval:
			return cmp3(a.i, b.i), true
		case KindDouble:
			return cmpF(a.f, b.f), true
		case KindVarchar, KindBinary:
			return strings.Compare(a.s, b.s), true
		}
	}
	num := func(k Kind) bool { return k == KindBigint || k == KindDouble }
	if num(a.k) && num(b.k) {
		return cmpF(a.Float64(), b.Float64()), true
	}
	if a.k == KindVarchar && b.k != KindVarchar {
		if c, err := coerce(a, sqlType{kind: b.k, name: b.k.String()}); err == nil {
			return compareValues(c, b)
		}
		return 0, false
	}
	if b.k == KindVarchar && a.k != KindVarchar {
		if c, err := coerce(b, sqlType{kind: a.k, name: a.k.String()}); err == nil {
			return compareValues(a, c)
		}
		return 0, false
	}
	if (a.k == KindTimestamp && b.k == KindDate) || (a.k == KindDate && b.k == KindTimestamp) {
		return cmp3(a.i, b.i), true
	}
	return 0, false
}

func cmp3(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func cmpF(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	case a == b:
		return 0
	case math.IsNaN(a) && !math.IsNaN(b):
		return -1
	case !math.IsNaN(a) && math.IsNaN(b):
		return 1
	}
	return 0
}

// canon writes an expression without positions, so equal expressions
// compare equal.
func canon(x expr) string {
	var b strings.Builder
	var w func(x expr)
	w = func(x expr) {
		switch x := x.(type) {
		case nil:
			b.WriteString("_")
		case *literal:
			b.WriteString("L" + x.v.k.String() + ":" + x.v.String())
		case *colRef:
			b.WriteString("C" + x.qualifier + "." + x.name)
		case *unaryExpr:
			b.WriteString("U" + x.op + "(")
			w(x.x)
			b.WriteString(")")
		case *binaryExpr:
			b.WriteString("B" + x.op + "(")
			w(x.l)
			b.WriteString(",")
			w(x.r)
			b.WriteString(")")
		case *castExpr:
			b.WriteString("CAST(")
			w(x.x)
			b.WriteString(" AS " + x.typ.String() + ")")
		case *funcCall:
			b.WriteString("F" + x.name + ":" + x.unit + "(")
			if x.star {
				b.WriteString("*")
			}
			for _, a := range x.args {
				w(a)
				b.WriteString(",")
			}
			b.WriteString(")")
			if x.over != nil {
				b.WriteString("OVER")
			}
		case *fieldExpr:
			w(x.x)
			b.WriteString("." + x.field)
		default:
			b.WriteString("?")
		}
	}
	w(x)
	return b.String()
}
