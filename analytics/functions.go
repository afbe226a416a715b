package analytics

import (
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// call compiles a function call: an aggregate (collected into the query's
// aggregate slots), a window function (OVER), or a scalar function.
func (c *compiler) call(fc *funcCall) (evalFn, sqlType, error) {
	name := fc.name
	if fc.over != nil || windowOnly[name] {
		if fc.over == nil {
			return nil, sqlType{}, codeErr(fc.pos, "%s needs an OVER window", name)
		}
		if !aggregates[name] && !windowOnly[name] {
			return nil, sqlType{}, codeErr(fc.pos, "%s is not an aggregate or window function", name)
		}
		if c.over == nil {
			return nil, sqlType{}, codeErr(fc.pos, "OVER is not allowed here")
		}
		w := fc.over
		if w.ref != "" {
			rw, ok := c.wins[w.ref]
			if !ok {
				return nil, sqlType{}, codeErr(w.pos, "window %q is not defined", w.ref)
			}
			w = rw
		}
		slot, t, err := c.aggSlot(fc)
		if err != nil {
			return nil, sqlType{}, err
		}
		slot.window = w
		i := len(c.over.slots)
		c.over.slots = append(c.over.slots, slot)
		return func(e *env) (Value, error) { return e.aggs[i], nil }, t, nil
	}
	if aggregates[name] {
		if c.aggs == nil {
			return nil, sqlType{}, codeErr(fc.pos, "aggregate %s needs GROUP BY a monotonic expression (e.g. STEP(ROWTIME BY INTERVAL '1' MINUTE)), WINDOWED BY STAGGER, or an OVER window", name)
		}
		slot, t, err := c.aggSlot(fc)
		if err != nil {
			return nil, sqlType{}, err
		}
		i := len(c.aggs.slots)
		c.aggs.slots = append(c.aggs.slots, slot)
		return func(e *env) (Value, error) { return e.aggs[i], nil }, t, nil
	}
	return c.scalar(fc)
}

// aggSlot compiles the arguments of an aggregate in the row context.
func (c *compiler) aggSlot(fc *funcCall) (*aggSlot, sqlType, error) {
	inner := &compiler{sc: c.sc, wins: c.wins}
	s := &aggSlot{name: fc.name, star: fc.star, distinct: fc.distinct, ignoreNulls: fc.ignoreNulls}
	var typ sqlType
	nargs := len(fc.args)
	want := 1
	switch fc.name {
	case "COUNT":
		if fc.star {
			want = 0
		}
		typ = tBigint
	case "ROW_NUMBER":
		want = 0
		typ = tBigint
	case "LAG", "NTH_VALUE", "EXP_AVG":
		want = 2
		if fc.name == "LAG" && nargs == 1 {
			want = 1
			s.n = 1
		}
	}
	if fc.star && fc.name != "COUNT" {
		return nil, sqlType{}, codeErr(fc.pos, "%s(*) is not allowed", fc.name)
	}
	if nargs != want && !(fc.name == "LAG" && nargs == 3) {
		return nil, sqlType{}, codeErr(fc.pos, "%s takes %d argument(s), found %d", fc.name, want, nargs)
	}
	if nargs > 0 {
		f, t, err := inner.compile(fc.args[0])
		if err != nil {
			return nil, sqlType{}, err
		}
		s.args = []evalFn{f}
		if typ.kind == KindNull {
			typ = t
		}
		s.integer = t.kind == KindBigint
	}
	switch fc.name {
	case "AVG", "STDDEV_POP", "STDDEV_SAMP", "STDDEV", "VAR_POP", "VAR_SAMP", "VARIANCE", "EXP_AVG":
		if fc.name != "AVG" || !s.integer {
			typ = tDouble
		}
	case "ANY", "SOME", "EVERY":
		typ = tBoolean
	case "LAG", "NTH_VALUE":
		if nargs >= 2 {
			l, ok := fc.args[1].(*literal)
			if !ok || l.v.k != KindBigint || l.v.i < 0 {
				return nil, sqlType{}, codeErr(fc.args[1].exprPos(), "%s needs a non-negative integer literal offset", fc.name)
			}
			s.n = l.v.i
		}
	}
	if fc.name == "EXP_AVG" {
		l, ok := fc.args[1].(*literal)
		if !ok || l.v.k != KindInterval || l.v.i <= 0 {
			return nil, sqlType{}, codeErr(fc.args[1].exprPos(), "EXP_AVG needs a positive INTERVAL half-life")
		}
		s.halfLife = l.v.i
	}
	return s, typ, nil
}

// scalarFunc is a function of its argument values.
type scalarFunc struct {
	min, max int // argument counts; max -1 = variadic
	typ      sqlType
	fn       func(e *env, args []Value) (Value, error)
	// nullIn: any NULL argument makes the result NULL without calling fn.
	nullIn bool
}

var scalars = buildScalars()

func buildScalars() map[string]scalarFunc {
	num := func(f func(float64) float64) func(*env, []Value) (Value, error) {
		return func(_ *env, a []Value) (Value, error) {
			x, err := toNumber(a[0])
			if err != nil {
				return Null, err
			}
			return Float(f(x.Float64())), nil
		}
	}
	scalars := map[string]scalarFunc{
		"ABS": {1, 1, tDouble, func(_ *env, a []Value) (Value, error) {
			x, err := toNumber(a[0])
			if err != nil {
				return Null, err
			}
			if x.k == KindBigint {
				if x.i < 0 {
					return Int(-x.i), nil
				}
				return x, nil
			}
			return Float(math.Abs(x.f)), nil
		}, true},
		"EXP":   {1, 1, tDouble, num(math.Exp), true},
		"LN":    {1, 1, tDouble, lnFn(math.Log), true},
		"LOG10": {1, 1, tDouble, lnFn(math.Log10), true},
		"SQRT":  {1, 1, tDouble, num(math.Sqrt), true},
		"POWER": {2, 2, tDouble, func(_ *env, a []Value) (Value, error) {
			x, err := toNumber(a[0])
			if err != nil {
				return Null, err
			}
			y, err := toNumber(a[1])
			if err != nil {
				return Null, err
			}
			return Float(math.Pow(x.Float64(), y.Float64())), nil
		}, true},
		"MOD": {2, 2, tBigint, func(_ *env, a []Value) (Value, error) { return arith("%", a[0], a[1]) }, true},
		"COALESCE": {1, -1, tVarchar, func(_ *env, a []Value) (Value, error) {
			for _, v := range a {
				if v.k != KindNull {
					return v, nil
				}
			}
			return Null, nil
		}, false},
		"NULLIF": {2, 2, tVarchar, func(_ *env, a []Value) (Value, error) {
			if c, ok := compareValues(a[0], a[1]); ok && c == 0 && a[1].k != KindNull {
				return Null, nil
			}
			return a[0], nil
		}, false},
		"MONOTONIC": {1, 1, tVarchar, func(_ *env, a []Value) (Value, error) { return a[0], nil }, false},
		"CHAR_LENGTH": {1, 1, tBigint, func(_ *env, a []Value) (Value, error) {
			return Int(int64(utf8.RuneCountInString(textOf(a[0])))), nil
		}, true},
		"LOWER": {1, 1, tVarchar, func(_ *env, a []Value) (Value, error) { return String(strings.ToLower(textOf(a[0]))), nil }, true},
		"UPPER": {1, 1, tVarchar, func(_ *env, a []Value) (Value, error) { return String(strings.ToUpper(textOf(a[0]))), nil }, true},
		"INITCAP": {1, 1, tVarchar, func(_ *env, a []Value) (Value, error) {
			var b strings.Builder
			start := true
			for _, r := range textOf(a[0]) {
				if unicode.IsLetter(r) || unicode.IsDigit(r) {
					if start {
						b.WriteRune(unicode.ToUpper(r))
					} else {
						b.WriteRune(unicode.ToLower(r))
					}
					start = false
				} else {
					b.WriteRune(r)
					start = true
				}
			}
			return String(b.String()), nil
		}, true},
		"POSITION": {2, 3, tBigint, func(_ *env, a []Value) (Value, error) {
			needle, hay := []rune(textOf(a[0])), []rune(textOf(a[1]))
			from := 1
			if len(a) == 3 {
				from = int(a[2].Int64())
			}
			if from < 1 {
				from = 1
			}
			if len(needle) == 0 {
				return Int(int64(min(from, len(hay)+1))), nil
			}
			for i := from - 1; i+len(needle) <= len(hay); i++ {
				if string(hay[i:i+len(needle)]) == string(needle) {
					return Int(int64(i + 1)), nil
				}
			}
			return Int(0), nil
		}, true},
		"SUBSTRING": {2, 3, tVarchar, func(_ *env, a []Value) (Value, error) {
			r := []rune(textOf(a[0]))
			start := a[1].Int64()
			end := int64(len(r)) + 1
			if len(a) == 3 {
				n := a[2].Int64()
				if n < 0 {
					return Null, &runtimeError{errNameEvaluation, "negative substring length"}
				}
				end = start + n
			}
			start = max(start, 1)
			end = min(end, int64(len(r))+1)
			if start >= end {
				return String(""), nil
			}
			return String(string(r[start-1 : end-1])), nil
		}, true},
		"OVERLAY": {3, 4, tVarchar, func(_ *env, a []Value) (Value, error) {
			s, p := []rune(textOf(a[0])), []rune(textOf(a[1]))
			from := a[2].Int64()
			n := int64(len(p))
			if len(a) == 4 {
				n = a[3].Int64()
			}
			from = min(max(from, 1), int64(len(s))+1)
			end := min(max(from-1+n, from-1), int64(len(s)))
			return String(string(s[:from-1]) + string(p) + string(s[end:])), nil
		}, true},
		"TSDIFF": {2, 2, tBigint, func(_ *env, a []Value) (Value, error) {
			if a[0].k != KindTimestamp || a[1].k != KindTimestamp {
				return Null, &runtimeError{errNameConversion, "TSDIFF needs two TIMESTAMPs"}
			}
			return Int(a[0].i - a[1].i), nil
		}, true},
		"TO_TIMESTAMP": {1, 1, tTimestamp, func(_ *env, a []Value) (Value, error) {
			x, err := toNumber(a[0])
			if err != nil {
				return Null, err
			}
			return tsMillis(x.Int64()), nil
		}, true},
		"UNIX_TIMESTAMP": {1, 1, tBigint, func(_ *env, a []Value) (Value, error) {
			if a[0].k != KindTimestamp && a[0].k != KindDate {
				return Null, &runtimeError{errNameConversion, "UNIX_TIMESTAMP needs a TIMESTAMP"}
			}
			return Int(a[0].i), nil
		}, true},
		"CURRENT_ROW_TIMESTAMP": {0, 0, tTimestamp, func(e *env, _ []Value) (Value, error) { return tsMillis(e.now), nil }, false},
		"CURRENT_TIMESTAMP":     {0, 0, tTimestamp, func(e *env, _ []Value) (Value, error) { return tsMillis(e.start), nil }, false},
		"LOCALTIMESTAMP":        {0, 0, tTimestamp, func(e *env, _ []Value) (Value, error) { return tsMillis(e.start), nil }, false},
		"CURRENT_DATE": {0, 0, sqlType{kind: KindDate, name: "DATE"}, func(e *env, _ []Value) (Value, error) {
			return dateMillis(floorDiv(e.start, 86400000) * 86400000), nil
		}, false},
		"CURRENT_TIME": {0, 0, sqlType{kind: KindTime, name: "TIME"}, func(e *env, _ []Value) (Value, error) {
			return timeMillis(e.start - floorDiv(e.start, 86400000)*86400000), nil
		}, false},
		"LOCALTIME": {0, 0, sqlType{kind: KindTime, name: "TIME"}, func(e *env, _ []Value) (Value, error) {
			return timeMillis(e.start - floorDiv(e.start, 86400000)*86400000), nil
		}, false},
		"STEP":              {2, 2, tTimestamp, func(_ *env, a []Value) (Value, error) { return step(a[0], a[1]) }, true},
		"CHAR_TO_TIMESTAMP": {2, 2, tTimestamp, charToTime(KindTimestamp), true},
		"CHAR_TO_DATE":      {2, 2, sqlType{kind: KindDate, name: "DATE"}, charToTime(KindDate), true},
		"CHAR_TO_TIME":      {2, 2, sqlType{kind: KindTime, name: "TIME"}, charToTime(KindTime), true},
		"TIMESTAMP_TO_CHAR": {2, 2, tVarchar, timeToChar, true},
		"DATE_TO_CHAR":      {2, 2, tVarchar, timeToChar, true},
		"TIME_TO_CHAR":      {2, 2, tVarchar, timeToChar, true},
	}
	scalars["CHARACTER_LENGTH"] = scalars["CHAR_LENGTH"]
	return scalars
}

func lnFn(f func(float64) float64) func(*env, []Value) (Value, error) {
	return func(_ *env, a []Value) (Value, error) {
		x, err := toNumber(a[0])
		if err != nil {
			return Null, err
		}
		if x.Float64() <= 0 {
			return Null, &runtimeError{errNameEvaluation, "logarithm of a non-positive number"}
		}
		return Float(f(x.Float64())), nil
	}
}

func toNumber(v Value) (Value, error) {
	switch v.k {
	case KindBigint, KindDouble:
		return v, nil
	case KindBoolean:
		return Int(v.i), nil
	case KindVarchar:
		if i, err := strconv.ParseInt(strings.TrimSpace(v.s), 10, 64); err == nil {
			return Int(i), nil
		}
		if f, err := strconv.ParseFloat(strings.TrimSpace(v.s), 64); err == nil {
			return Float(f), nil
		}
	}
	return Null, &runtimeError{errNameConversion, "cannot convert " + v.k.String() + " '" + v.String() + "' to a number"}
}

// step is STEP(x BY y): x rounded down to a multiple of y (epoch-aligned for
// timestamps).
func step(x, y Value) (Value, error) {
	switch x.k {
	case KindTimestamp, KindDate, KindTime:
		if y.k != KindInterval || y.i <= 0 {
			return Null, &runtimeError{errNameEvaluation, "STEP of a datetime needs a positive INTERVAL"}
		}
		return Value{k: x.k, i: floorDiv(x.i, y.i) * y.i}, nil
	case KindBigint:
		if y.k == KindBigint {
			if y.i <= 0 {
				return Null, &runtimeError{errNameEvaluation, "STEP needs a positive step"}
			}
			return Int(floorDiv(x.i, y.i) * y.i), nil
		}
	}
	xf, err := toNumber(x)
	if err != nil {
		return Null, err
	}
	yf, err := toNumber(y)
	if err != nil {
		return Null, err
	}
	if yf.Float64() <= 0 {
		return Null, &runtimeError{errNameEvaluation, "STEP needs a positive step"}
	}
	return Float(math.Floor(xf.Float64()/yf.Float64()) * yf.Float64()), nil
}

// unitMillis is the length of the fixed-size FLOOR/CEIL units.
var unitMillis = map[string]int64{"MILLISECOND": 1, "SECOND": 1000, "MINUTE": 60000, "HOUR": 3600000, "DAY": 86400000}

// floorTime rounds a timestamp down to a unit (YEAR, MONTH, WEEK by the
// calendar, the rest epoch-aligned).
func floorTime(ms int64, unit string) int64 {
	if u, ok := unitMillis[unit]; ok {
		return floorDiv(ms, u) * u
	}
	t := time.UnixMilli(ms).UTC()
	switch unit {
	case "YEAR":
		return time.Date(t.Year(), 1, 1, 0, 0, 0, 0, time.UTC).UnixMilli()
	case "QUARTER":
		return time.Date(t.Year(), (t.Month()-1)/3*3+1, 1, 0, 0, 0, 0, time.UTC).UnixMilli()
	case "MONTH":
		return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC).UnixMilli()
	case "WEEK": // weeks start on Sunday
		d := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
		return d.AddDate(0, 0, -int(d.Weekday())).UnixMilli()
	}
	return ms
}

// nextTime is the end of the unit that starts at floor.
func nextTime(floor int64, unit string) int64 {
	if u, ok := unitMillis[unit]; ok {
		return floor + u
	}
	t := time.UnixMilli(floor).UTC()
	switch unit {
	case "YEAR":
		return t.AddDate(1, 0, 0).UnixMilli()
	case "QUARTER":
		return t.AddDate(0, 3, 0).UnixMilli()
	case "MONTH":
		return t.AddDate(0, 1, 0).UnixMilli()
	case "WEEK":
		return t.AddDate(0, 0, 7).UnixMilli()
	}
	return floor + 1
}

func (c *compiler) scalar(fc *funcCall) (evalFn, sqlType, error) {
	if fc.star || fc.distinct {
		return nil, sqlType{}, codeErr(fc.pos, "%s is not an aggregate function", fc.name)
	}
	args := make([]evalFn, len(fc.args))
	types := make([]sqlType, len(fc.args))
	for i, a := range fc.args {
		f, t, err := c.compile(a)
		if err != nil {
			return nil, sqlType{}, err
		}
		args[i], types[i] = f, t
	}
	name := fc.name
	switch name {
	case "FLOOR", "CEIL", "CEILING":
		if len(args) != 1 {
			return nil, sqlType{}, codeErr(fc.pos, "%s takes 1 argument", name)
		}
		unit, ceil, f := fc.unit, name != "FLOOR", args[0]
		return func(e *env) (Value, error) {
			v, err := f(e)
			if err != nil || v.k == KindNull {
				return Null, err
			}
			switch v.k {
			case KindTimestamp, KindDate:
				if unit == "" {
					return v, nil
				}
				fl := floorTime(v.i, unit)
				if ceil && fl != v.i {
					fl = nextTime(fl, unit)
				}
				return Value{k: v.k, i: fl}, nil
			case KindBigint:
				return v, nil
			}
			x, err := toNumber(v)
			if err != nil {
				return Null, err
			}
			if x.k == KindBigint {
				return x, nil
			}
			if ceil {
				return Float(math.Ceil(x.f)), nil
			}
			return Float(math.Floor(x.f)), nil
		}, types[0], nil
	case "EXTRACT":
		unit, f := fc.unit, args[0]
		return func(e *env) (Value, error) {
			v, err := f(e)
			if err != nil || v.k == KindNull {
				return Null, err
			}
			return extract(unit, v)
		}, tBigint, nil
	case "TRIM":
		mode, f, chars := fc.unit, args[0], args[1]
		return func(e *env) (Value, error) {
			v, err := f(e)
			if err != nil || v.k == KindNull {
				return Null, err
			}
			cs, err := chars(e)
			if err != nil || cs.k == KindNull {
				return Null, err
			}
			s, set := textOf(v), textOf(cs)
			if mode != "TRAILING" {
				s = strings.TrimLeft(s, set)
			}
			if mode != "LEADING" {
				s = strings.TrimRight(s, set)
			}
			return String(s), nil
		}, tVarchar, nil
	case "$LIKE_ESCAPE", "$SIMILAR_ESCAPE":
		return likeFn(args[0], args[1], args[2], name == "$SIMILAR_ESCAPE"), tBoolean, nil
	case "SUBSTRING":
		if fc.unit == "SIMILAR" {
			return nil, sqlType{}, codeErr(fc.pos, "SUBSTRING ... SIMILAR is not supported; use REGEX_REPLACE")
		}
		if len(args) == 2 && types[1].kind == KindVarchar {
			// SUBSTRING(s FROM 'regex'): the first match (the first group if any).
			return regexFn(fc, args, func(re *regexp.Regexp, a []Value) (Value, error) {
				m := re.FindStringSubmatch(textOf(a[0]))
				switch {
				case m == nil:
					return Null, nil
				case len(m) > 1:
					return String(m[1]), nil
				}
				return String(m[0]), nil
			}, 1)
		}
	case "REGEX_REPLACE":
		if len(args) < 3 || len(args) > 5 {
			return nil, sqlType{}, codeErr(fc.pos, "REGEX_REPLACE takes 3 to 5 arguments")
		}
		return regexFn(fc, args, regexReplace, 1)
	case "REGEX_LOG_PARSE", "FAST_REGEX_LOG_PARSE", "SYS_LOG_PARSE", "VARIABLE_COLUMN_LOG_PARSE", "FIXED_COLUMN_LOG_PARSE", "W3C_LOG_PARSE":
		return c.logParse(fc, args)
	}
	sf, ok := scalars[name]
	if !ok {
		return nil, sqlType{}, codeErr(fc.pos, "no function %s", name)
	}
	if len(args) < sf.min || sf.max >= 0 && len(args) > sf.max {
		return nil, sqlType{}, codeErr(fc.pos, "%s takes %s argument(s), found %d", name, argRange(sf.min, sf.max), len(args))
	}
	typ := sf.typ
	if (name == "COALESCE" || name == "NULLIF" || name == "MONOTONIC" || name == "ABS" || name == "MOD") && len(types) > 0 {
		typ = types[0]
	}
	return func(e *env) (Value, error) {
		vs := make([]Value, len(args))
		for i, a := range args {
			v, err := a(e)
			if err != nil {
				return Null, err
			}
			if sf.nullIn && v.k == KindNull {
				return Null, nil
			}
			vs[i] = v
		}
		return sf.fn(e, vs)
	}, typ, nil
}

func argRange(lo, hi int) string {
	switch {
	case hi < 0:
		return strconv.Itoa(lo) + " or more"
	case lo == hi:
		return strconv.Itoa(lo)
	}
	return strconv.Itoa(lo) + " to " + strconv.Itoa(hi)
}

func extract(unit string, v Value) (Value, error) {
	if v.k == KindInterval {
		ms := v.i
		switch unit {
		case "DAY":
			return Int(ms / 86400000), nil
		case "HOUR":
			return Int(ms / 3600000 % 24), nil
		case "MINUTE":
			return Int(ms / 60000 % 60), nil
		case "SECOND":
			return Int(ms / 1000 % 60), nil
		case "MILLISECOND":
			return Int(ms % 1000), nil
		}
		return Null, &runtimeError{errNameEvaluation, "cannot extract " + unit + " from an INTERVAL"}
	}
	if v.k == KindTime {
		v = tsMillis(v.i)
	}
	if v.k != KindTimestamp && v.k != KindDate {
		return Null, &runtimeError{errNameConversion, "EXTRACT needs a datetime"}
	}
	t := time.UnixMilli(v.i).UTC()
	switch unit {
	case "YEAR":
		return Int(int64(t.Year())), nil
	case "QUARTER":
		return Int(int64(t.Month()-1)/3 + 1), nil
	case "MONTH":
		return Int(int64(t.Month())), nil
	case "WEEK":
		_, w := t.ISOWeek()
		return Int(int64(w)), nil
	case "DAY":
		return Int(int64(t.Day())), nil
	case "DOW":
		return Int(int64(t.Weekday()) + 1), nil
	case "DOY":
		return Int(int64(t.YearDay())), nil
	case "HOUR":
		return Int(int64(t.Hour())), nil
	case "MINUTE":
		return Int(int64(t.Minute())), nil
	case "SECOND":
		return Int(int64(t.Second())), nil
	case "MILLISECOND":
		return Int(int64(t.Nanosecond() / 1e6)), nil
	case "EPOCH":
		return Int(floorDiv(v.i, 1000)), nil
	}
	return Null, &runtimeError{errNameEvaluation, "unknown unit " + unit}
}

// likeFn compiles LIKE (with % and _) or SIMILAR TO (a regular expression
// with % and _); constant patterns are compiled once.
func likeFn(l, r, esc evalFn, similar bool) evalFn {
	cache := map[string]*regexp.Regexp{}
	return func(e *env) (Value, error) {
		a, err := l(e)
		if err != nil {
			return Null, err
		}
		p, err := r(e)
		if err != nil {
			return Null, err
		}
		escape := ""
		if esc != nil {
			ev, err := esc(e)
			if err != nil {
				return Null, err
			}
			escape = textOf(ev)
		}
		if a.k == KindNull || p.k == KindNull {
			return Null, nil
		}
		key := escape + "\x00" + textOf(p)
		re, ok := cache[key]
		if !ok {
			re, err = likeRegexp(textOf(p), escape, similar)
			if err != nil {
				return Null, err
			}
			if len(cache) < 64 {
				cache[key] = re
			}
		}
		return Bool(re.MatchString(textOf(a))), nil
	}
}

func likeRegexp(p, escape string, similar bool) (*regexp.Regexp, error) {
	var b strings.Builder
	b.WriteString("(?s)^(?:")
	rs := []rune(p)
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		if escape != "" && string(r) == escape && i+1 < len(rs) {
			i++
			b.WriteString(regexp.QuoteMeta(string(rs[i])))
			continue
		}
		switch {
		case r == '%':
			b.WriteString(".*")
		case r == '_':
			b.WriteString(".")
		case similar && strings.ContainsRune("|*+?()[]{}", r):
			b.WriteRune(r)
		default:
			b.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	b.WriteString(")$")
	re, err := regexp.Compile(b.String())
	if err != nil {
		return nil, &runtimeError{errNameEvaluation, "invalid pattern '" + p + "'"}
	}
	return re, nil
}

// regexFn compiles a function whose argument reIdx is a Java regular
// expression (RE2 syntax in sluice); a constant pattern is compiled at
// compile time and a bad one is a CodeValidationException.
func regexFn(fc *funcCall, args []evalFn, f func(*regexp.Regexp, []Value) (Value, error), reIdx int) (evalFn, sqlType, error) {
	var fixed *regexp.Regexp
	if l, ok := fc.args[reIdx].(*literal); ok && l.v.k == KindVarchar {
		re, err := regexp.Compile(l.v.s)
		if err != nil {
			return nil, sqlType{}, codeErr(l.pos, "invalid regular expression '%s': %v", l.v.s, err)
		}
		fixed = re
	}
	return func(e *env) (Value, error) {
		vs := make([]Value, len(args))
		for i, a := range args {
			v, err := a(e)
			if err != nil {
				return Null, err
			}
			if v.k == KindNull {
				return Null, nil
			}
			vs[i] = v
		}
		re := fixed
		if re == nil {
			var err error
			if re, err = regexp.Compile(textOf(vs[reIdx])); err != nil {
				return Null, &runtimeError{errNameEvaluation, "invalid regular expression '" + textOf(vs[reIdx]) + "'"}
			}
		}
		return f(re, vs)
	}, tVarchar, nil
}

// regexReplace is REGEX_REPLACE(s, regex, replacement [, start [, occurrence]]):
// occurrence 0 replaces all matches, n the n-th; $1 in the replacement is a
// group.
func regexReplace(re *regexp.Regexp, a []Value) (Value, error) {
	s := textOf(a[0])
	repl := textOf(a[2])
	start, occ := int64(1), int64(0)
	if len(a) > 3 {
		start = a[3].Int64()
	}
	if len(a) > 4 {
		occ = a[4].Int64()
	}
	rs := []rune(s)
	if start < 1 || start > int64(len(rs))+1 || occ < 0 {
		return Null, &runtimeError{errNameEvaluation, "REGEX_REPLACE start or occurrence out of range"}
	}
	head, tail := string(rs[:start-1]), string(rs[start-1:])
	if occ == 0 {
		return String(head + re.ReplaceAllString(tail, repl)), nil
	}
	n := int64(0)
	out := re.ReplaceAllStringFunc(tail, func(m string) string {
		n++
		if n != occ {
			return m
		}
		sub := re.FindStringSubmatchIndex(m)
		if sub == nil {
			// The match depended on its context (\b, ^ with (?m)); expand
			// no groups.
			return repl
		}
		return string(re.ExpandString(nil, repl, m, sub))
	})
	return String(head + out), nil
}

// javaLayout turns a java.text.SimpleDateFormat pattern into a Go layout.
func javaLayout(p string) string {
	var b strings.Builder
	for i := 0; i < len(p); {
		c := p[i]
		j := i
		for j < len(p) && p[j] == c {
			j++
		}
		n := j - i
		switch c {
		case 'y':
			if n == 2 {
				b.WriteString("06")
			} else {
				b.WriteString("2006")
			}
		case 'M':
			switch {
			case n >= 4:
				b.WriteString("January")
			case n == 3:
				b.WriteString("Jan")
			case n == 2:
				b.WriteString("01")
			default:
				b.WriteString("1")
			}
		case 'd':
			if n >= 2 {
				b.WriteString("02")
			} else {
				b.WriteString("2")
			}
		case 'H':
			b.WriteString("15")
		case 'h':
			if n >= 2 {
				b.WriteString("03")
			} else {
				b.WriteString("3")
			}
		case 'm':
			if n >= 2 {
				b.WriteString("04")
			} else {
				b.WriteString("4")
			}
		case 's':
			if n >= 2 {
				b.WriteString("05")
			} else {
				b.WriteString("5")
			}
		case 'S':
			b.WriteString(strings.Repeat("0", n))
		case 'a':
			b.WriteString("PM")
		case 'E':
			if n >= 4 {
				b.WriteString("Monday")
			} else {
				b.WriteString("Mon")
			}
		case 'z', 'Z', 'X':
			b.WriteString("-0700")
		case '\'':
			k := strings.IndexByte(p[i+1:], '\'')
			if k < 0 {
				b.WriteString(p[i+1:])
				return b.String()
			}
			b.WriteString(p[i+1 : i+1+k])
			j = i + 2 + k
		default:
			b.WriteString(p[i:j])
		}
		i = j
	}
	return b.String()
}

func charToTime(k Kind) func(*env, []Value) (Value, error) {
	return func(_ *env, a []Value) (Value, error) {
		layout := javaLayout(textOf(a[0]))
		s := textOf(a[1])
		t, err := time.ParseInLocation(layout, s, time.UTC)
		if err != nil {
			// Java's fraction digits "SSS" parse as Go's ".000" after a dot.
			return Null, &runtimeError{errNameConversion, "cannot parse '" + s + "' with format '" + textOf(a[0]) + "'"}
		}
		ms := t.UnixMilli()
		switch k {
		case KindDate:
			return dateMillis(floorDiv(ms, 86400000) * 86400000), nil
		case KindTime:
			return timeMillis(ms - floorDiv(ms, 86400000)*86400000), nil
		}
		return tsMillis(ms), nil
	}
}

func timeToChar(_ *env, a []Value) (Value, error) {
	v := a[1]
	switch v.k {
	case KindTimestamp, KindDate, KindTime:
	default:
		return Null, &runtimeError{errNameConversion, "expected a datetime"}
	}
	return String(time.UnixMilli(v.i).UTC().Format(javaLayout(textOf(a[0])))), nil
}
