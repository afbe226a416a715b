package pubsub

import (
	"encoding/json"
	"strconv"
	"strings"
)

// A small JSON reader for filter policies and message bodies. Policies need
// their members in document order (AWS reports the first error it meets,
// reading left to right) and numbers as written (error texts quote them),
// which encoding/json's maps and float64s lose. Bodies reuse it.

type jkind uint8

const (
	jNull jkind = iota
	jTrue
	jFalse
	jNum
	jStr
	jArr
	jObj
)

// jval is a parsed JSON value. s is a string's value or a number's literal
// text; keys and vals are an object's members in order; vals alone are an
// array's elements.
type jval struct {
	kind jkind
	s    string
	keys []string
	vals []*jval
}

// maxJSONDepth bounds nesting so a hostile policy or body cannot exhaust
// the stack.
const maxJSONDepth = 512

// parseJSON parses exactly one JSON value (with surrounding white space).
func parseJSON(s string) (*jval, bool) {
	p := jparser{s: s}
	v, ok := p.value(0)
	if !ok {
		return nil, false
	}
	p.i = skipWS(s, p.i)
	if p.i != len(s) {
		return nil, false
	}
	return v, true
}

type jparser struct {
	s string
	i int
}

func (p *jparser) value(depth int) (*jval, bool) {
	if depth > maxJSONDepth {
		return nil, false
	}
	s := p.s
	p.i = skipWS(s, p.i)
	if p.i >= len(s) {
		return nil, false
	}
	switch c := s[p.i]; {
	case c == '{':
		p.i++
		v := &jval{kind: jObj}
		p.i = skipWS(s, p.i)
		if p.i < len(s) && s[p.i] == '}' {
			p.i++
			return v, true
		}
		for {
			p.i = skipWS(s, p.i)
			if p.i >= len(s) || s[p.i] != '"' {
				return nil, false
			}
			key, end, ok := readString(s, p.i)
			if !ok {
				return nil, false
			}
			p.i = skipWS(s, end)
			if p.i >= len(s) || s[p.i] != ':' {
				return nil, false
			}
			p.i++
			m, ok := p.value(depth + 1)
			if !ok {
				return nil, false
			}
			v.keys = append(v.keys, key)
			v.vals = append(v.vals, m)
			p.i = skipWS(s, p.i)
			if p.i >= len(s) {
				return nil, false
			}
			if s[p.i] == ',' {
				p.i++
				continue
			}
			if s[p.i] == '}' {
				p.i++
				return v, true
			}
			return nil, false
		}
	case c == '[':
		p.i++
		v := &jval{kind: jArr}
		p.i = skipWS(s, p.i)
		if p.i < len(s) && s[p.i] == ']' {
			p.i++
			return v, true
		}
		for {
			e, ok := p.value(depth + 1)
			if !ok {
				return nil, false
			}
			v.vals = append(v.vals, e)
			p.i = skipWS(s, p.i)
			if p.i >= len(s) {
				return nil, false
			}
			if s[p.i] == ',' {
				p.i++
				continue
			}
			if s[p.i] == ']' {
				p.i++
				return v, true
			}
			return nil, false
		}
	case c == '"':
		str, end, ok := readString(s, p.i)
		if !ok {
			return nil, false
		}
		p.i = end
		return &jval{kind: jStr, s: str}, true
	case c == 't' || c == 'f' || c == 'n':
		k, end, ok := readLiteral(s, p.i)
		if !ok {
			return nil, false
		}
		p.i = end
		return &jval{kind: k}, true
	default:
		end, ok := scanNumber(s, p.i)
		if !ok {
			return nil, false
		}
		v := &jval{kind: jNum, s: s[p.i:end]}
		p.i = end
		return v, true
	}
}

func skipWS(s string, i int) int {
	for i < len(s) {
		switch s[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

// readLiteral reads true, false or null at s[i:].
func readLiteral(s string, i int) (jkind, int, bool) {
	switch {
	case strings.HasPrefix(s[i:], "true"):
		return jTrue, i + 4, true
	case strings.HasPrefix(s[i:], "false"):
		return jFalse, i + 5, true
	case strings.HasPrefix(s[i:], "null"):
		return jNull, i + 4, true
	}
	return 0, i, false
}

// scanString finds the end of the string literal opening at s[i] (a '"').
// It returns the raw contents between the quotes, the index after the
// closing quote and whether the contents hold an escape.
func scanString(s string, i int) (raw string, end int, escaped, ok bool) {
	j := i + 1
	for j < len(s) {
		switch c := s[j]; {
		case c == '"':
			return s[i+1 : j], j + 1, escaped, true
		case c == '\\':
			escaped = true
			j += 2
		case c < 0x20:
			return "", 0, false, false
		default:
			j++
		}
	}
	return "", 0, false, false
}

// readString reads the string literal at s[i] and returns its value. A
// string without escapes is a substring of s, not a copy.
func readString(s string, i int) (string, int, bool) {
	raw, end, escaped, ok := scanString(s, i)
	if !ok {
		return "", 0, false
	}
	if !escaped {
		return raw, end, true
	}
	var out string
	if err := json.Unmarshal([]byte(s[i:end]), &out); err != nil {
		return "", 0, false
	}
	return out, end, true
}

// scanNumber returns the end of the JSON number at s[i:].
func scanNumber(s string, i int) (int, bool) {
	j := i
	if j < len(s) && s[j] == '-' {
		j++
	}
	switch {
	case j < len(s) && s[j] == '0':
		j++
	case j < len(s) && s[j] >= '1' && s[j] <= '9':
		for j < len(s) && s[j] >= '0' && s[j] <= '9' {
			j++
		}
	default:
		return 0, false
	}
	if j < len(s) && s[j] == '.' {
		j++
		k := j
		for j < len(s) && s[j] >= '0' && s[j] <= '9' {
			j++
		}
		if j == k {
			return 0, false
		}
	}
	if j < len(s) && (s[j] == 'e' || s[j] == 'E') {
		j++
		if j < len(s) && (s[j] == '+' || s[j] == '-') {
			j++
		}
		k := j
		for j < len(s) && s[j] >= '0' && s[j] <= '9' {
			j++
		}
		if j == k {
			return 0, false
		}
	}
	return j, true
}

// isJSONNumber reports whether s is exactly one JSON number.
func isJSONNumber(s string) bool {
	end, ok := scanNumber(s, 0)
	return ok && end == len(s)
}

// numberValue is a message or policy number: its literal and, when it is
// within AWS's comparable range, its comparable key.
func numberValue(lit string) fval {
	v := fval{kind: kNum, s: lit}
	if !isJSONNumber(lit) {
		return v
	}
	if f, err := strconv.ParseFloat(lit, 64); err == nil {
		v.key, v.numOK = comparableNumber(f)
		v.f = f
	}
	return v
}
