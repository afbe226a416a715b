package firehose

import (
	"strconv"
	"strings"
	"time"
)

// tsFormat is a compiled Java DateTimeFormatter pattern, the value of a
// !{timestamp:...} expression. Text is English (Locale.US); week-based
// fields (Y, w) follow ISO-8601 weeks.
type tsFormat struct {
	parts []tsPart
}

type tsPart struct {
	letter byte   // 0 for a literal
	count  int    // how many times the letter repeats
	lit    string // the literal text
}

// patternLetters are the letters DateTimeFormatter defines that sluice
// formats. Other ASCII letters are rejected, as Java rejects unknown ones.
const patternLetters = "GuyDMLdQqYwWEeacFhKkHmsSAnNVzOXxZ"

// compileTimestamp parses a DateTimeFormatter pattern.
func compileTimestamp(p string) (*tsFormat, error) {
	f := &tsFormat{}
	var lit strings.Builder
	flush := func() {
		if lit.Len() > 0 {
			f.parts = append(f.parts, tsPart{lit: lit.String()})
			lit.Reset()
		}
	}
	for i := 0; i < len(p); {
		c := p[i]
		switch {
		case c == '\'':
			j := i + 1
			if j < len(p) && p[j] == '\'' { // '' is a quote
				lit.WriteByte('\'')
				i += 2
				continue
			}
			for {
				if j >= len(p) {
					return nil, errArg("Pattern ends with an incomplete string literal: %s", p)
				}
				if p[j] == '\'' {
					if j+1 < len(p) && p[j+1] == '\'' {
						lit.WriteByte('\'')
						j += 2
						continue
					}
					break
				}
				lit.WriteByte(p[j])
				j++
			}
			i = j + 1
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
			if strings.IndexByte(patternLetters, c) < 0 {
				return nil, errArg("Unknown pattern letter: %c", c)
			}
			n := 1
			for i+n < len(p) && p[i+n] == c {
				n++
			}
			if err := checkCount(c, n); err != nil {
				return nil, err
			}
			flush()
			f.parts = append(f.parts, tsPart{letter: c, count: n})
			i += n
		case c == '[' || c == ']' || c == '{' || c == '}' || c == '#':
			return nil, errArg("Pattern includes reserved character: '%c'", c)
		default:
			lit.WriteByte(c)
			i++
		}
	}
	flush()
	return f, nil
}

// checkCount applies Java's limits on how often a letter may repeat.
func checkCount(c byte, n int) error {
	maxN := 0
	switch c {
	case 'G', 'E', 'M', 'L', 'Q', 'q', 'e', 'c', 'z':
		maxN = 5
		if c == 'z' {
			maxN = 4
		}
		if c == 'c' && n == 2 {
			return errArg("Invalid pattern \"cc\"")
		}
	case 'u', 'y', 'Y', 'n', 'N', 'A', 'S':
		maxN = 19
	case 'd', 'h', 'H', 'k', 'K', 'm', 's', 'w':
		maxN = 2
	case 'D':
		maxN = 3
	case 'W', 'F', 'a':
		maxN = 1
	case 'V':
		if n != 2 {
			return errArg("Pattern letter count must be 2: V")
		}
		return nil
	case 'O':
		if n != 1 && n != 4 {
			return errArg("Pattern letter count must be 1 or 4: O")
		}
		return nil
	case 'X', 'x', 'Z':
		maxN = 5
	}
	if n > maxN {
		return errArg("Too many pattern letters: %c", c)
	}
	return nil
}

var (
	monthsLong  = [...]string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"}
	daysLong    = [...]string{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"}
	quarterLong = [...]string{"1st quarter", "2nd quarter", "3rd quarter", "4th quarter"}
)

// format renders t, which is already in the wanted location.
func (f *tsFormat) format(b []byte, t time.Time) []byte {
	for _, p := range f.parts {
		if p.letter == 0 {
			b = append(b, p.lit...)
			continue
		}
		b = formatField(b, p.letter, p.count, t)
	}
	return b
}

func pad(b []byte, v int64, width int) []byte {
	if v < 0 {
		b = append(b, '-')
		v = -v
	}
	s := strconv.FormatInt(v, 10)
	for i := len(s); i < width; i++ {
		b = append(b, '0')
	}
	return append(b, s...)
}

func text(b []byte, full string, n int) []byte {
	switch {
	case n == 4:
		return append(b, full...)
	case n == 5:
		return append(b, full[0])
	}
	return append(b, full[:3]...)
}

func year(b []byte, y, n int) []byte {
	if n == 2 {
		return pad(b, int64((y%100+100)%100), 2)
	}
	if n < 4 && y >= 0 {
		return pad(b, int64(y), n)
	}
	if y > 9999 && n == 4 {
		b = append(b, '+')
	}
	return pad(b, int64(y), n)
}

func formatField(b []byte, c byte, n int, t time.Time) []byte {
	switch c {
	case 'G':
		if n == 4 {
			return append(b, "Anno Domini"...)
		}
		if n == 5 {
			return append(b, 'A')
		}
		return append(b, "AD"...)
	case 'u', 'y':
		return year(b, t.Year(), n)
	case 'Y':
		y, _ := t.ISOWeek()
		return year(b, y, n)
	case 'w':
		_, w := t.ISOWeek()
		return pad(b, int64(w), n)
	case 'W':
		return pad(b, int64((t.Day()+int(t.AddDate(0, 0, -t.Day()+1).Weekday())-1)/7+1), 1)
	case 'F':
		return pad(b, int64((t.Day()-1)/7+1), 1)
	case 'D':
		return pad(b, int64(t.YearDay()), n)
	case 'M', 'L':
		if n >= 3 {
			return text(b, monthsLong[t.Month()-1], n)
		}
		return pad(b, int64(t.Month()), n)
	case 'd':
		return pad(b, int64(t.Day()), n)
	case 'Q', 'q':
		q := (int(t.Month())-1)/3 + 1
		switch n {
		case 3:
			return append(b, 'Q', byte('0'+q))
		case 4:
			return append(b, quarterLong[q-1]...)
		}
		return pad(b, int64(q), n)
	case 'E':
		return text(b, daysLong[t.Weekday()], max(n, 3))
	case 'e', 'c':
		if n >= 3 {
			return text(b, daysLong[t.Weekday()], n)
		}
		return pad(b, int64(t.Weekday())+1, n) // Locale.US: Sunday is 1
	case 'a':
		if t.Hour() < 12 {
			return append(b, "AM"...)
		}
		return append(b, "PM"...)
	case 'h':
		h := t.Hour() % 12
		if h == 0 {
			h = 12
		}
		return pad(b, int64(h), n)
	case 'K':
		return pad(b, int64(t.Hour()%12), n)
	case 'k':
		h := t.Hour()
		if h == 0 {
			h = 24
		}
		return pad(b, int64(h), n)
	case 'H':
		return pad(b, int64(t.Hour()), n)
	case 'm':
		return pad(b, int64(t.Minute()), n)
	case 's':
		return pad(b, int64(t.Second()), n)
	case 'S':
		frac := pad(nil, int64(t.Nanosecond()), 9)
		for len(frac) < n {
			frac = append(frac, '0')
		}
		return append(b, frac[:n]...)
	case 'A':
		ms := int64(t.Hour())*3600000 + int64(t.Minute())*60000 + int64(t.Second())*1000 + int64(t.Nanosecond()/1e6)
		return pad(b, ms, n)
	case 'n':
		return pad(b, int64(t.Nanosecond()), n)
	case 'N':
		ns := (int64(t.Hour())*3600+int64(t.Minute())*60+int64(t.Second()))*1e9 + int64(t.Nanosecond())
		return pad(b, ns, n)
	case 'V':
		name := t.Location().String()
		if name == "UTC" {
			name = "Z"
		}
		return append(b, name...)
	case 'z':
		name, _ := t.Zone()
		return append(b, name...)
	case 'O':
		_, off := t.Zone()
		b = append(b, "GMT"...)
		if off == 0 {
			return b
		}
		return offset(b, off, n == 4, n == 4, false)
	case 'X', 'x', 'Z':
		_, off := t.Zone()
		if off == 0 && c == 'X' {
			return append(b, 'Z')
		}
		switch {
		case c == 'Z' && n <= 3:
			return offset(b, off, true, false, false)
		case c == 'Z' && n == 4:
			if off == 0 {
				return append(b, "GMT"...)
			}
			return offset(append(b, "GMT"...), off, true, true, false)
		case c == 'Z':
			return offset(b, off, true, true, true)
		case n == 1:
			return offset(b, off, true, false, false)[:len(b)+3+boolInt(off%3600 != 0)*2]
		case n == 2 || n == 4:
			return offset(b, off, true, false, false)
		}
		return offset(b, off, true, true, false)
	}
	return b
}

func boolInt(v bool) int {
	if v {
		return 1
	}
	return 0
}

// offset appends a zone offset: +HH, then MM (with colon if colon), then
// seconds when non-zero and long.
func offset(b []byte, off int, padHour, colon, _ bool) []byte {
	sign := byte('+')
	if off < 0 {
		sign, off = '-', -off
	}
	b = append(b, sign)
	h, m := off/3600, off%3600/60
	if padHour {
		b = pad(b, int64(h), 2)
	} else {
		b = pad(b, int64(h), 1)
	}
	if colon {
		b = append(b, ':')
	}
	return pad(b, int64(m), 2)
}
