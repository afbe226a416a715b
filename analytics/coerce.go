package analytics

import (
	"math"
	"strconv"
	"strings"
	"time"
)

// parseTimestampText parses '1992-02-14 18:35:44.0', '1992-02-14T18:35:44Z'
// or a date alone, as UTC milliseconds.
func parseTimestampText(s string) (int64, bool) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{"2006-01-02 15:04:05.999999999", "2006-01-02T15:04:05.999999999Z07:00",
		"2006-01-02T15:04:05.999999999", "2006-01-02 15:04", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, s, time.UTC); err == nil {
			return t.UnixMilli(), true
		}
	}
	return 0, false
}

func parseDateText(s string) (int64, bool) {
	t, err := time.ParseInLocation("2006-01-02", strings.TrimSpace(s), time.UTC)
	if err != nil {
		return 0, false
	}
	return t.UnixMilli(), true
}

func parseTimeText(s string) (int64, bool) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{"15:04:05.999999999", "15:04"} {
		if t, err := time.ParseInLocation(layout, s, time.UTC); err == nil {
			return int64(t.Hour())*3600000 + int64(t.Minute())*60000 + int64(t.Second())*1000 + int64(t.Nanosecond()/1e6), true
		}
	}
	return 0, false
}

// coerceError describes a failed conversion; it becomes an error_stream row.
type coerceError struct{ msg string }

func (e *coerceError) Error() string { return e.msg }

// coerce converts v to type t with the rules of CAST and of input mapping:
// numbers parse from strings (error if not), booleans are 1/0 as numbers and
// TRUE iff "true" from strings, over-long strings are truncated silently.
func coerce(v Value, t sqlType) (Value, error) {
	if v.k == KindNull {
		return Null, nil
	}
	switch t.kind {
	case KindBigint:
		var n int64
		switch v.k {
		case KindBigint, KindBoolean:
			n = v.i
		case KindDouble:
			if math.IsNaN(v.f) || math.IsInf(v.f, 0) || v.f >= 9.3e18 || v.f <= -9.3e18 {
				return Null, &coerceError{"cannot convert " + formatDouble(v.f) + " to " + t.name}
			}
			n = int64(v.f)
		case KindVarchar:
			s := strings.TrimSpace(v.s)
			x, err := strconv.ParseInt(s, 10, 64)
			if err != nil {
				f, ferr := strconv.ParseFloat(s, 64)
				if ferr != nil || math.IsInf(f, 0) || math.IsNaN(f) || math.Abs(f) >= 9.3e18 {
					return Null, &coerceError{"cannot convert '" + v.s + "' to " + t.name}
				}
				x = int64(f)
			}
			n = x
		case KindInterval:
			n = v.i
		default:
			return Null, &coerceError{"cannot convert " + v.k.String() + " to " + t.name}
		}
		lo, hi := intRange(t.name)
		if n < lo || n > hi {
			return Null, &coerceError{"value " + strconv.FormatInt(n, 10) + " out of range for " + t.name}
		}
		return Int(n), nil
	case KindDouble:
		var f float64
		switch v.k {
		case KindBigint, KindBoolean:
			f = float64(v.i)
		case KindDouble:
			f = v.f
		case KindVarchar:
			x, err := strconv.ParseFloat(strings.TrimSpace(v.s), 64)
			if err != nil {
				return Null, &coerceError{"cannot convert '" + v.s + "' to " + t.name}
			}
			f = x
		default:
			return Null, &coerceError{"cannot convert " + v.k.String() + " to " + t.name}
		}
		if t.name == "REAL" || t.name == "FLOAT" {
			f = float64(float32(f))
		}
		if t.name == "DECIMAL" && t.prec > 0 {
			p := math.Pow(10, float64(t.scale))
			f = math.Round(f*p) / p
			if math.Abs(f) >= math.Pow(10, float64(t.prec-t.scale)) {
				return Null, &coerceError{"value " + formatDouble(f) + " out of range for " + t.String()}
			}
		}
		return Float(f), nil
	case KindVarchar:
		s := v.String()
		if v.k == KindBinary {
			s = v.s
		}
		if t.length > 0 && len([]rune(s)) > t.length {
			s = string([]rune(s)[:t.length])
		}
		if t.name == "CHAR" && t.length > 0 {
			if n := len([]rune(s)); n < t.length {
				s += strings.Repeat(" ", t.length-n)
			}
		}
		return String(s), nil
	case KindBoolean:
		switch v.k {
		case KindBoolean:
			return v, nil
		case KindBigint:
			return Bool(v.i != 0), nil
		case KindDouble:
			return Bool(v.f != 0), nil
		case KindVarchar:
			return Bool(strings.EqualFold(strings.TrimSpace(v.s), "true")), nil
		}
	case KindTimestamp:
		switch v.k {
		case KindTimestamp:
			return v, nil
		case KindDate:
			return tsMillis(v.i), nil
		case KindBigint:
			return tsMillis(v.i), nil
		case KindVarchar:
			if ms, ok := parseTimestampText(v.s); ok {
				return tsMillis(ms), nil
			}
			return Null, &coerceError{"cannot convert '" + v.s + "' to TIMESTAMP"}
		}
	case KindDate:
		switch v.k {
		case KindDate:
			return v, nil
		case KindTimestamp:
			return dateMillis(floorDiv(v.i, 86400000) * 86400000), nil
		case KindVarchar:
			if ms, ok := parseDateText(v.s); ok {
				return dateMillis(ms), nil
			}
			if ms, ok := parseTimestampText(v.s); ok {
				return dateMillis(floorDiv(ms, 86400000) * 86400000), nil
			}
			return Null, &coerceError{"cannot convert '" + v.s + "' to DATE"}
		}
	case KindTime:
		switch v.k {
		case KindTime:
			return v, nil
		case KindTimestamp:
			return timeMillis(v.i - floorDiv(v.i, 86400000)*86400000), nil
		case KindVarchar:
			if ms, ok := parseTimeText(v.s); ok {
				return timeMillis(ms), nil
			}
			return Null, &coerceError{"cannot convert '" + v.s + "' to TIME"}
		}
	case KindInterval:
		switch v.k {
		case KindInterval:
			return v, nil
		case KindBigint:
			return ivMillis(v.i), nil
		}
	case KindBinary:
		switch v.k {
		case KindBinary, KindVarchar:
			s := v.s
			if t.length > 0 && len(s) > t.length {
				s = s[:t.length]
			}
			return Value{k: KindBinary, s: s}, nil
		}
	}
	return Null, &coerceError{"cannot convert " + v.k.String() + " to " + t.String()}
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}
