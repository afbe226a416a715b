package analytics

import (
	"encoding/binary"
	"math"
	"strings"
)

// aggregates are the functions folded over a group (GROUP BY, STAGGER, a
// window table function) or a sliding window (OVER).
var aggregates = map[string]bool{
	"COUNT": true, "SUM": true, "AVG": true, "MIN": true, "MAX": true, "FIRST_VALUE": true, "LAST_VALUE": true,
	"STDDEV_POP": true, "STDDEV_SAMP": true, "STDDEV": true, "VAR_POP": true, "VAR_SAMP": true, "VARIANCE": true,
	"ANY": true, "SOME": true, "EVERY": true, "EXP_AVG": true,
}

// windowOnly are the functions that exist only with OVER.
var windowOnly = map[string]bool{"LAG": true, "NTH_VALUE": true, "ROW_NUMBER": true}

// aggSlot is one aggregate call of a query.
type aggSlot struct {
	name        string
	args        []evalFn
	star        bool
	distinct    bool
	ignoreNulls bool
	n           int64 // LAG offset, NTH_VALUE position
	halfLife    int64 // EXP_AVG, ms
	integer     bool  // AVG/SUM over integers
	window      *windowSpec
}

type aggCollector struct {
	slots []*aggSlot
}

// overCollector gathers OVER window functions of a SELECT.
type overCollector struct {
	slots []*aggSlot
}

// accum folds the argument values of one group or window.
type accum interface {
	add(args []Value, rowtime int64)
	result() Value
}

// remover is an accum that can also take a value back out (sliding
// windows evict without rescanning).
type remover interface {
	remove(args []Value)
}

func (s *aggSlot) newAccum() accum {
	if s.distinct {
		return &distinctAccum{inner: (&aggSlot{name: s.name, integer: s.integer}).newAccum(), seen: map[string]bool{}}
	}
	switch s.name {
	case "COUNT":
		return &countAccum{star: s.star}
	case "SUM":
		return &sumAccum{}
	case "AVG":
		return &sumAccum{avg: true}
	case "MIN":
		return &minMaxAccum{max: false}
	case "MAX":
		return &minMaxAccum{max: true}
	case "FIRST_VALUE":
		return &firstLastAccum{ignoreNulls: s.ignoreNulls}
	case "LAST_VALUE":
		return &firstLastAccum{last: true, ignoreNulls: s.ignoreNulls}
	case "STDDEV_POP", "STDDEV_SAMP", "STDDEV", "VAR_POP", "VAR_SAMP", "VARIANCE":
		return &varAccum{kind: s.name}
	case "ANY", "SOME":
		return &boolAccum{any: true}
	case "EVERY":
		return &boolAccum{}
	case "EXP_AVG":
		return &expAvgAccum{halfLife: float64(s.halfLife)}
	case "LAG":
		return &listAccum{pick: func(vs []Value) Value {
			i := len(vs) - 1 - int(s.n)
			if s.n < 0 || i < 0 {
				return Null
			}
			return vs[i]
		}}
	case "NTH_VALUE":
		return &listAccum{pick: func(vs []Value) Value {
			if s.n < 1 || int(s.n) > len(vs) {
				return Null
			}
			return vs[s.n-1]
		}}
	case "ROW_NUMBER":
		return &countAccum{star: true}
	}
	return &countAccum{star: true}
}

type countAccum struct {
	star bool
	n    int64
}

func (a *countAccum) add(args []Value, _ int64) {
	if a.star || len(args) > 0 && args[0].k != KindNull {
		a.n++
	}
}
func (a *countAccum) remove(args []Value) {
	if a.star || len(args) > 0 && args[0].k != KindNull {
		a.n--
	}
}
func (a *countAccum) result() Value { return Int(a.n) }

type sumAccum struct {
	avg     bool
	n       int64
	i       int64
	f       float64
	doubles int64
}

func (a *sumAccum) add(args []Value, _ int64) {
	v := args[0]
	switch v.k {
	case KindBigint:
		a.i += v.i
	case KindDouble:
		a.f += v.f
		a.doubles++
	case KindVarchar:
		if c, err := coerce(v, tDouble); err == nil {
			a.f += c.f
			a.doubles++
		} else {
			return
		}
	default:
		return
	}
	a.n++
}

func (a *sumAccum) remove(args []Value) {
	v := args[0]
	switch v.k {
	case KindBigint:
		a.i -= v.i
	case KindDouble:
		a.f -= v.f
		a.doubles--
	case KindVarchar:
		if c, err := coerce(v, tDouble); err == nil {
			a.f -= c.f
			a.doubles--
		} else {
			return
		}
	default:
		return
	}
	a.n--
}

func (a *sumAccum) result() Value {
	if a.n == 0 {
		return Null
	}
	if a.doubles == 0 {
		if a.avg {
			return Int(a.i / a.n)
		}
		return Int(a.i)
	}
	s := a.f + float64(a.i)
	if a.avg {
		return Float(s / float64(a.n))
	}
	return Float(s)
}

type minMaxAccum struct {
	max  bool
	have bool
	v    Value
}

func (a *minMaxAccum) add(args []Value, _ int64) {
	v := args[0]
	if v.k == KindNull {
		return
	}
	if !a.have {
		a.v, a.have = v, true
		return
	}
	c, ok := compareValues(v, a.v)
	if ok && (a.max && c > 0 || !a.max && c < 0) {
		a.v = v
	}
}
func (a *minMaxAccum) result() Value { return a.v }

type firstLastAccum struct {
	last, ignoreNulls bool
	have              bool
	v                 Value
}

func (a *firstLastAccum) add(args []Value, _ int64) {
	v := args[0]
	if a.ignoreNulls && v.k == KindNull {
		return
	}
	if a.last || !a.have {
		a.v, a.have = v, true
	}
}
func (a *firstLastAccum) result() Value { return a.v }

type varAccum struct {
	kind     string
	n        float64
	mean, m2 float64 // Welford
}

func (a *varAccum) add(args []Value, _ int64) {
	v := args[0]
	if v.k != KindBigint && v.k != KindDouble {
		return
	}
	x := v.Float64()
	a.n++
	d := x - a.mean
	a.mean += d / a.n
	a.m2 += d * (x - a.mean)
}

func (a *varAccum) remove(args []Value) {
	v := args[0]
	if v.k != KindBigint && v.k != KindDouble {
		return
	}
	if a.n <= 1 {
		a.n, a.mean, a.m2 = 0, 0, 0
		return
	}
	x := v.Float64()
	a.n--
	d := x - a.mean
	a.mean -= d / a.n
	a.m2 -= d * (x - a.mean)
}

func (a *varAccum) result() Value {
	samp := a.kind == "STDDEV_SAMP" || a.kind == "STDDEV" || a.kind == "VAR_SAMP" || a.kind == "VARIANCE"
	d := a.n
	if samp {
		d--
	}
	if d <= 0 {
		return Null
	}
	v := max(a.m2/d, 0)
	if strings.HasPrefix(a.kind, "STDDEV") {
		return Float(math.Sqrt(v))
	}
	return Float(v)
}

type boolAccum struct {
	any       bool
	have, acc bool
}

func (a *boolAccum) add(args []Value, _ int64) {
	v := args[0]
	if v.k == KindNull {
		return
	}
	b := truthy(v)
	if !a.have {
		a.have, a.acc = true, b
		return
	}
	if a.any {
		a.acc = a.acc || b
	} else {
		a.acc = a.acc && b
	}
}

func (a *boolAccum) result() Value {
	if !a.have {
		return Null
	}
	return Bool(a.acc)
}

// expAvgAccum is EXP_AVG: an average whose weights halve every halfLife of
// ROWTIME.
type expAvgAccum struct {
	halfLife float64
	have     bool
	last     int64
	s, w     float64
}

func (a *expAvgAccum) add(args []Value, rowtime int64) {
	v := args[0]
	if v.k != KindBigint && v.k != KindDouble {
		return
	}
	if a.have && a.halfLife > 0 {
		d := math.Exp2(-float64(rowtime-a.last) / a.halfLife)
		a.s *= d
		a.w *= d
	}
	a.have, a.last = true, rowtime
	a.s += v.Float64()
	a.w++
}

func (a *expAvgAccum) result() Value {
	if a.w == 0 {
		return Null
	}
	return Float(a.s / a.w)
}

type listAccum struct {
	vs   []Value
	pick func([]Value) Value
}

func (a *listAccum) add(args []Value, _ int64) {
	if len(args) == 0 {
		a.vs = append(a.vs, Null)
		return
	}
	a.vs = append(a.vs, args[0])
}
func (a *listAccum) result() Value { return a.pick(a.vs) }

type distinctAccum struct {
	inner accum
	seen  map[string]bool
}

func (a *distinctAccum) add(args []Value, rowtime int64) {
	if len(args) == 0 || args[0].k == KindNull {
		return
	}
	k := encodeKey(args[:1])
	if a.seen[k] {
		return
	}
	a.seen[k] = true
	a.inner.add(args, rowtime)
}
func (a *distinctAccum) result() Value { return a.inner.result() }

// encodeKey encodes values into a string usable as a map key: equal
// values (by kind and payload) give equal keys.
func encodeKey(vs []Value) string { return string(appendKey(nil, vs)) }

// appendKey appends the key encoding of vs to b.
func appendKey(b []byte, vs []Value) []byte {
	for _, v := range vs {
		k := v.k
		if k == KindDouble && v.f == math.Trunc(v.f) && math.Abs(v.f) < 1<<62 {
			// 2.0 and 2 group together.
			v = Int(int64(v.f))
			k = KindBigint
		}
		b = append(b, byte(k))
		switch k {
		case KindVarchar, KindBinary:
			n := len(v.s)
			b = append(b, byte(n>>24), byte(n>>16), byte(n>>8), byte(n))
			b = append(b, v.s...)
		case KindRow:
			t := v.String()
			n := len(t)
			b = append(b, byte(n>>24), byte(n>>16), byte(n>>8), byte(n))
			b = append(b, t...)
		case KindDouble:
			b = binary.BigEndian.AppendUint64(b, math.Float64bits(v.f))
		case KindNull:
		default:
			b = binary.BigEndian.AppendUint64(b, uint64(v.i))
		}
	}
	return b
}
