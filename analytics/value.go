package analytics

import (
	"encoding/hex"
	"math"
	"strconv"
	"time"
)

// Kind is the SQL type family of a [Value].
type Kind uint8

// The kinds of SQL values. Every integer type (TINYINT, SMALLINT, INTEGER,
// BIGINT) is a KindBigint; DOUBLE, REAL, FLOAT and DECIMAL are KindDouble;
// CHAR and VARCHAR are KindVarchar; BINARY and VARBINARY are KindBinary.
const (
	KindNull Kind = iota
	KindBoolean
	KindBigint
	KindDouble
	KindVarchar
	KindTimestamp
	KindDate
	KindTime
	KindInterval
	KindBinary
	// KindRow is the row type the log-parsing functions return; its
	// fields are read with value.FIELD.
	KindRow
)

var kindNames = [...]string{"NULL", "BOOLEAN", "BIGINT", "DOUBLE", "VARCHAR", "TIMESTAMP", "DATE", "TIME", "INTERVAL", "VARBINARY", "ROW"}

// String returns the SQL name of the kind.
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "UNKNOWN"
}

// Value is one SQL value: a kind and its payload. Timestamps, dates, times
// and intervals are milliseconds (since the Unix epoch, since midnight, or
// a duration), as Kinesis Data Analytics keeps them at millisecond
// precision. The zero Value is NULL.
type Value struct {
	k Kind
	i int64
	f float64
	s string
	r *rowValue // KindRow
}

// rowValue is the payload of a row-typed value.
type rowValue struct {
	names []string
	vals  []Value
}

// Null is the SQL NULL.
var Null = Value{}

// Int returns a BIGINT value.
func Int(v int64) Value { return Value{k: KindBigint, i: v} }

// Float returns a DOUBLE value.
func Float(v float64) Value { return Value{k: KindDouble, f: v} }

// String returns a VARCHAR value.
func String(v string) Value { return Value{k: KindVarchar, s: v} }

// Bool returns a BOOLEAN value.
func Bool(v bool) Value {
	if v {
		return Value{k: KindBoolean, i: 1}
	}
	return Value{k: KindBoolean}
}

// Timestamp returns a TIMESTAMP value, truncated to the millisecond.
func Timestamp(t time.Time) Value { return Value{k: KindTimestamp, i: t.UnixMilli()} }

// Interval returns a day-time INTERVAL value, truncated to the millisecond.
func Interval(d time.Duration) Value { return Value{k: KindInterval, i: d.Milliseconds()} }

// Binary returns a VARBINARY value.
func Binary(b []byte) Value { return Value{k: KindBinary, s: string(b)} }

func tsMillis(ms int64) Value   { return Value{k: KindTimestamp, i: ms} }
func dateMillis(ms int64) Value { return Value{k: KindDate, i: ms} }
func timeMillis(ms int64) Value { return Value{k: KindTime, i: ms} }
func ivMillis(ms int64) Value   { return Value{k: KindInterval, i: ms} }

// Kind returns the value's kind (KindNull for NULL).
func (v Value) Kind() Kind { return v.k }

// IsNull reports whether v is NULL.
func (v Value) IsNull() bool { return v.k == KindNull }

// Int64 returns an integer value, a DOUBLE truncated, or the milliseconds of
// a timestamp, date, time or interval; 0 for other kinds.
func (v Value) Int64() int64 {
	switch v.k {
	case KindDouble:
		return int64(v.f)
	case KindBigint, KindBoolean, KindTimestamp, KindDate, KindTime, KindInterval:
		return v.i
	}
	return 0
}

// Float64 returns a numeric value as a float64; 0 for other kinds.
func (v Value) Float64() float64 {
	switch v.k {
	case KindDouble:
		return v.f
	case KindBigint, KindBoolean:
		return float64(v.i)
	}
	return 0
}

// Bool reports whether v is BOOLEAN TRUE.
func (v Value) Bool() bool { return v.k == KindBoolean && v.i != 0 }

// Time returns a TIMESTAMP or DATE as a UTC time.Time; the zero time for
// other kinds.
func (v Value) Time() time.Time {
	if v.k == KindTimestamp || v.k == KindDate {
		return time.UnixMilli(v.i).UTC()
	}
	return time.Time{}
}

// Duration returns an INTERVAL or TIME (since midnight) as a duration.
func (v Value) Duration() time.Duration {
	if v.k == KindInterval || v.k == KindTime {
		return time.Duration(v.i) * time.Millisecond
	}
	return 0
}

// Bytes returns a VARBINARY value's bytes, or a VARCHAR's.
func (v Value) Bytes() []byte {
	if v.k == KindBinary || v.k == KindVarchar {
		return []byte(v.s)
	}
	return nil
}

// Any returns the value as a Go value: nil, bool, int64, float64, string,
// time.Time (TIMESTAMP, DATE), time.Duration (TIME, INTERVAL) or []byte.
func (v Value) Any() any {
	switch v.k {
	case KindBoolean:
		return v.i != 0
	case KindBigint:
		return v.i
	case KindDouble:
		return v.f
	case KindVarchar:
		return v.s
	case KindTimestamp, KindDate:
		return v.Time()
	case KindTime, KindInterval:
		return v.Duration()
	case KindBinary:
		return []byte(v.s)
	}
	return nil
}

// String returns the value as Kinesis Data Analytics writes it in CSV
// output: timestamps as "2006-01-02 15:04:05.000", booleans as TRUE/FALSE,
// binary as hex, NULL as the empty string.
func (v Value) String() string {
	switch v.k {
	case KindNull:
		return ""
	case KindBoolean:
		if v.i != 0 {
			return "TRUE"
		}
		return "FALSE"
	case KindBigint:
		return strconv.FormatInt(v.i, 10)
	case KindDouble:
		return formatDouble(v.f)
	case KindVarchar:
		return v.s
	case KindTimestamp:
		return time.UnixMilli(v.i).UTC().Format("2006-01-02 15:04:05.000")
	case KindDate:
		return time.UnixMilli(v.i).UTC().Format("2006-01-02")
	case KindTime:
		return time.UnixMilli(v.i).UTC().Format("15:04:05")
	case KindInterval:
		return formatInterval(v.i)
	case KindBinary:
		return hex.EncodeToString([]byte(v.s))
	case KindRow:
		parts := make([]byte, 0, 32)
		parts = append(parts, '(')
		for i, f := range v.r.vals {
			if i > 0 {
				parts = append(parts, ',')
			}
			parts = append(parts, f.String()...)
		}
		return string(append(parts, ')'))
	}
	return ""
}

// Field returns the named field of a row value (NULL if absent).
func (v Value) Field(name string) Value {
	if v.k != KindRow {
		return Null
	}
	for i, n := range v.r.names {
		if n == name {
			return v.r.vals[i]
		}
	}
	return Null
}

// formatDouble writes a double as Java does for the common cases: a
// decimal point always present ("3.0"), exponent form outside [1e-3, 1e7).
func formatDouble(f float64) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	}
	a := math.Abs(f)
	if a != 0 && (a < 1e-3 || a >= 1e7) {
		s := strconv.FormatFloat(f, 'E', -1, 64)
		// Java: 1.0E7, 1.5E-4
		mant, exp, _ := cut(s, "E")
		if !containsByte(mant, '.') {
			mant += ".0"
		}
		if exp[0] == '+' {
			exp = exp[1:]
		}
		for len(exp) > 1 && exp[0] == '0' {
			exp = exp[1:]
		}
		if len(exp) > 1 && exp[0] == '-' && exp[1] == '0' {
			exp = "-" + trimLeftZeros(exp[1:])
		}
		return mant + "E" + exp
	}
	s := strconv.FormatFloat(f, 'f', -1, 64)
	if !containsByte(s, '.') {
		s += ".0"
	}
	return s
}

func trimLeftZeros(s string) string {
	for len(s) > 1 && s[0] == '0' {
		s = s[1:]
	}
	return s
}

func cut(s, sep string) (string, string, bool) {
	for i := 0; i+len(sep) <= len(s); i++ {
		if s[i:i+len(sep)] == sep {
			return s[:i], s[i+len(sep):], true
		}
	}
	return s, "", false
}

func containsByte(s string, b byte) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == b {
			return true
		}
	}
	return false
}

// formatInterval writes an interval as SQL day-time text: "+1 02:03:04.005".
func formatInterval(ms int64) string {
	sign := "+"
	if ms < 0 {
		sign = "-"
		ms = -ms
	}
	d := ms / 86400000
	ms %= 86400000
	h, m, s, r := ms/3600000, ms/60000%60, ms/1000%60, ms%1000
	return sign + strconv.FormatInt(d, 10) + " " + pad2(h) + ":" + pad2(m) + ":" + pad2(s) + "." + pad3(r)
}

func pad2(v int64) string {
	if v < 10 {
		return "0" + strconv.FormatInt(v, 10)
	}
	return strconv.FormatInt(v, 10)
}

func pad3(v int64) string {
	switch {
	case v < 10:
		return "00" + strconv.FormatInt(v, 10)
	case v < 100:
		return "0" + strconv.FormatInt(v, 10)
	}
	return strconv.FormatInt(v, 10)
}

// sqlType is a declared SQL type.
type sqlType struct {
	kind   Kind
	name   string // BIGINT, INTEGER, VARCHAR, DECIMAL, ...
	length int    // CHAR/VARCHAR/BINARY length; 0 = unbounded
	prec   int
	scale  int
}

func (t sqlType) String() string {
	switch {
	case t.length > 0:
		return t.name + "(" + strconv.Itoa(t.length) + ")"
	case t.prec > 0:
		return t.name + "(" + strconv.Itoa(t.prec) + "," + strconv.Itoa(t.scale) + ")"
	}
	return t.name
}

// typeNames maps SQL type names to their kinds.
var typeNames = map[string]Kind{
	"BIGINT": KindBigint, "INTEGER": KindBigint, "INT": KindBigint, "SMALLINT": KindBigint, "TINYINT": KindBigint,
	"DOUBLE": KindDouble, "REAL": KindDouble, "FLOAT": KindDouble, "DECIMAL": KindDouble, "DEC": KindDouble, "NUMERIC": KindDouble,
	"VARCHAR": KindVarchar, "CHAR": KindVarchar, "CHARACTER": KindVarchar,
	"BOOLEAN": KindBoolean, "TIMESTAMP": KindTimestamp, "DATE": KindDate, "TIME": KindTime,
	"VARBINARY": KindBinary, "BINARY": KindBinary, "INTERVAL": KindInterval,
}

// intRange returns the bounds of an integer SQL type.
func intRange(name string) (int64, int64) {
	switch name {
	case "TINYINT":
		return math.MinInt8, math.MaxInt8
	case "SMALLINT":
		return math.MinInt16, math.MaxInt16
	case "INTEGER", "INT":
		return math.MinInt32, math.MaxInt32
	}
	return math.MinInt64, math.MaxInt64
}
