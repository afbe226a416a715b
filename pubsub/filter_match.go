package pubsub

import (
	"strings"
)

// match reports whether m passes the policy.
func (p *filterPolicy) match(m *filterMessage) bool {
	if p.matchAll {
		return true
	}
	if p.body {
		return p.matchBody(m)
	}
	for bi := range p.branches {
		if matchAttrBranch(&p.branches[bi], m.attrs) {
			return true
		}
	}
	return false
}

// Attribute data types: a custom label after a dot ("Number.float") keeps
// its base type; only String.Array is an array.
func isBinaryType(t string) bool { return strings.HasPrefix(t, "Binary") }
func isNumberType(t string) bool { return strings.HasPrefix(t, "Number") }

// hasFilterableAttr reports whether attrs has an attribute the filter sees:
// "exists": false never matches a message without one.
func hasFilterableAttr(attrs map[string]MessageAttributeValue) bool {
	for _, a := range attrs {
		if !isBinaryType(a.DataType) {
			return true
		}
	}
	return false
}

func matchAttrBranch(b *branch, attrs map[string]MessageAttributeValue) bool {
	for fi := range b.fields {
		if !matchAttrField(&b.fields[fi], attrs) {
			return false
		}
	}
	return true
}

func matchAttrField(f *field, attrs map[string]MessageAttributeValue) bool {
	a, ok := attrs[f.name]
	if !ok || isBinaryType(a.DataType) {
		return f.absentOK && hasFilterableAttr(attrs)
	}
	present := false
	switch {
	case a.DataType == "String.Array":
		sc := arrayScanner{s: a.StringValue}
		if !sc.start() {
			// Not a JSON array: AWS reads the scalar it holds, or the text.
			v := scalarValue(a.StringValue)
			if f.match(v) {
				return true
			}
			present = v.present()
			break
		}
		for {
			v, more := sc.next()
			if !more {
				break
			}
			if f.match(v) {
				return true
			}
			present = present || v.present()
		}
	case isNumberType(a.DataType):
		v := numberValue(a.StringValue)
		if f.match(v) {
			return true
		}
		present = true
	default:
		v := fval{kind: kStr, s: a.StringValue}
		if f.match(v) {
			return true
		}
		present = v.present()
	}
	return f.absentOK && !present
}

// scalarValue reads s as one JSON scalar, or as a string if it is not one.
func scalarValue(s string) fval {
	t := strings.TrimSpace(s)
	if t == "" {
		return fval{kind: kStr, s: s}
	}
	switch t[0] {
	case '"':
		if str, end, ok := readString(t, 0); ok && end == len(t) {
			return fval{kind: kStr, s: str}
		}
	case 't', 'f', 'n':
		if k, end, ok := readLiteral(t, 0); ok && end == len(t) {
			return literalValue(k)
		}
	default:
		if isJSONNumber(t) {
			return numberValue(t)
		}
	}
	return fval{kind: kStr, s: s}
}

func literalValue(k jkind) fval {
	switch k {
	case jTrue:
		return fval{kind: kTrue}
	case jFalse:
		return fval{kind: kFalse}
	}
	return fval{kind: kNull}
}

// arrayScanner walks the scalar elements of a JSON array without building
// it. Nested arrays are walked too; objects are skipped (an attribute
// cannot address their members).
type arrayScanner struct {
	s     string
	i     int
	depth int
}

// start checks that the whole text is one well-formed JSON array.
func (sc *arrayScanner) start() bool {
	t := strings.TrimSpace(sc.s)
	if len(t) == 0 || t[0] != '[' {
		return false
	}
	if _, ok := parseJSONShallow(t); !ok {
		return false
	}
	sc.s = t
	sc.i = 1
	sc.depth = 1
	return true
}

// next returns the next scalar element. The array was validated by start,
// so next only needs to tokenize.
func (sc *arrayScanner) next() (fval, bool) {
	s := sc.s
	for sc.depth > 0 {
		sc.i = skipWS(s, sc.i)
		if sc.i >= len(s) {
			return fval{}, false
		}
		switch c := s[sc.i]; {
		case c == ',':
			sc.i++
		case c == '[':
			sc.depth++
			sc.i++
		case c == ']':
			sc.depth--
			sc.i++
		case c == '{':
			sc.i = skipValue(s, sc.i)
		case c == '"':
			str, end, _ := readString(s, sc.i)
			sc.i = end
			return fval{kind: kStr, s: str}, true
		case c == 't' || c == 'f' || c == 'n':
			k, end, _ := readLiteral(s, sc.i)
			sc.i = end
			return literalValue(k), true
		default:
			end, _ := scanNumber(s, sc.i)
			v := numberValue(s[sc.i:end])
			sc.i = end
			return v, true
		}
	}
	return fval{}, false
}

// parseJSONShallow validates that s is one JSON value without allocating
// for strings and numbers; it returns the end index.
func parseJSONShallow(s string) (int, bool) {
	end := skipValue(s, 0)
	if end < 0 {
		return 0, false
	}
	return end, skipWS(s, end) == len(s)
}

// skipValue returns the index after the JSON value at s[i:], or -1.
func skipValue(s string, i int) int {
	return skipValueDepth(s, i, 0)
}

func skipValueDepth(s string, i, depth int) int {
	if depth > maxJSONDepth {
		return -1
	}
	i = skipWS(s, i)
	if i >= len(s) {
		return -1
	}
	switch c := s[i]; {
	case c == '{' || c == '[':
		closer := byte('}')
		if c == '[' {
			closer = ']'
		}
		i = skipWS(s, i+1)
		if i < len(s) && s[i] == closer {
			return i + 1
		}
		for {
			if c == '{' {
				i = skipWS(s, i)
				if i >= len(s) || s[i] != '"' {
					return -1
				}
				_, end, _, ok := scanString(s, i)
				if !ok {
					return -1
				}
				i = skipWS(s, end)
				if i >= len(s) || s[i] != ':' {
					return -1
				}
				i++
			}
			i = skipValueDepth(s, i, depth+1)
			if i < 0 {
				return -1
			}
			i = skipWS(s, i)
			if i >= len(s) {
				return -1
			}
			if s[i] == ',' {
				i++
				continue
			}
			if s[i] == closer {
				return i + 1
			}
			return -1
		}
	case c == '"':
		_, end, escaped, ok := scanString(s, i)
		if !ok {
			return -1
		}
		if escaped {
			if _, _, ok := readString(s, i); !ok {
				return -1
			}
		}
		return end
	case c == 't' || c == 'f' || c == 'n':
		_, end, ok := readLiteral(s, i)
		if !ok {
			return -1
		}
		return end
	default:
		end, ok := scanNumber(s, i)
		if !ok {
			return -1
		}
		return end
	}
}

// bodyDoc is a parsed message body: its scalar values grouped by dotted
// path, each with the array elements it sits in.
type bodyDoc struct {
	empty  bool // the body is {}
	paths  map[string]int
	groups [][]leaf
}

// values returns the values at a dotted path.
func (d *bodyDoc) values(path string) []leaf {
	if g, ok := d.paths[path]; ok {
		return d.groups[g]
	}
	return nil
}

// leaf is a value of the body and the elements of the arrays holding it:
// two values are from the same element of an array when their positions
// for that array agree.
type leaf struct {
	v   fval
	arr []arrayPos
}

type arrayPos struct{ id, idx int }

// consistent reports whether a and b can be matched together: they sit in
// the same element of every array that holds both.
func consistent(a, b *leaf) bool {
	for _, pa := range a.arr {
		for _, pb := range b.arr {
			if pa.id == pb.id && pa.idx != pb.idx {
				return false
			}
		}
	}
	return true
}

// parsedBody parses the body once per message. A body that is not one
// JSON object has no document: no policy matches it.
func (m *filterMessage) parsedBody() *bodyDoc {
	if m.bodyParsed {
		return m.doc
	}
	m.bodyParsed = true
	s := m.body
	i := skipWS(s, 0)
	if i >= len(s) || s[i] != '{' {
		return nil
	}
	fl := flattener{s: s, i: i, d: &bodyDoc{paths: make(map[string]int)}}
	if !fl.value(nil, 0) || skipWS(s, fl.i) != len(s) {
		return nil
	}
	m.doc = fl.d
	return m.doc
}

// flattener parses a body and records its scalar values by dotted path in
// one pass. Array positions live in one append-only arena: a value's
// positions are a slice of it that is never written again.
type flattener struct {
	s     string
	i     int
	d     *bodyDoc
	ids   int
	path  []byte
	arena []arrayPos
}

func (fl *flattener) add(v fval, arr []arrayPos) {
	l := leaf{v: v, arr: arr}
	if g, ok := fl.d.paths[string(fl.path)]; ok {
		fl.d.groups[g] = append(fl.d.groups[g], l)
		return
	}
	fl.d.paths[string(fl.path)] = len(fl.d.groups)
	fl.d.groups = append(fl.d.groups, []leaf{l})
}

// value reads the JSON value at fl.i, under fl.path and the array
// positions arr.
func (fl *flattener) value(arr []arrayPos, depth int) bool {
	if depth > maxJSONDepth {
		return false
	}
	s := fl.s
	fl.i = skipWS(s, fl.i)
	if fl.i >= len(s) {
		return false
	}
	switch c := s[fl.i]; {
	case c == '{':
		fl.i = skipWS(s, fl.i+1)
		if fl.i < len(s) && s[fl.i] == '}' {
			fl.i++
			if depth == 0 {
				fl.d.empty = true
			}
			return true
		}
		base := len(fl.path)
		for {
			fl.i = skipWS(s, fl.i)
			if fl.i >= len(s) || s[fl.i] != '"' {
				return false
			}
			key, end, ok := readString(s, fl.i)
			if !ok {
				return false
			}
			fl.path = fl.path[:base]
			if base > 0 {
				fl.path = append(fl.path, '.')
			}
			fl.path = append(fl.path, key...)
			fl.i = skipWS(s, end)
			if fl.i >= len(s) || s[fl.i] != ':' {
				return false
			}
			fl.i++
			if !fl.value(arr, depth+1) {
				return false
			}
			fl.i = skipWS(s, fl.i)
			if fl.i >= len(s) {
				return false
			}
			switch s[fl.i] {
			case ',':
				fl.i++
				continue
			case '}':
				fl.i++
				fl.path = fl.path[:base]
				return true
			}
			return false
		}
	case c == '[':
		fl.i = skipWS(s, fl.i+1)
		if fl.i < len(s) && s[fl.i] == ']' {
			fl.i++
			return true
		}
		fl.ids++
		id := fl.ids
		for idx := 0; ; idx++ {
			start := len(fl.arena)
			fl.arena = append(fl.arena, arr...)
			fl.arena = append(fl.arena, arrayPos{id: id, idx: idx})
			if !fl.value(fl.arena[start:len(fl.arena):len(fl.arena)], depth+1) {
				return false
			}
			fl.i = skipWS(s, fl.i)
			if fl.i >= len(s) {
				return false
			}
			switch s[fl.i] {
			case ',':
				fl.i++
				continue
			case ']':
				fl.i++
				return true
			}
			return false
		}
	case c == '"':
		str, end, ok := readString(s, fl.i)
		if !ok {
			return false
		}
		fl.i = end
		fl.add(fval{kind: kStr, s: str}, arr)
	case c == 't' || c == 'f' || c == 'n':
		k, end, ok := readLiteral(s, fl.i)
		if !ok {
			return false
		}
		fl.i = end
		fl.add(literalValue(k), arr)
	default:
		end, ok := scanNumber(s, fl.i)
		if !ok {
			return false
		}
		fl.add(numberValue(s[fl.i:end]), arr)
		fl.i = end
	}
	return true
}

func (p *filterPolicy) matchBody(m *filterMessage) bool {
	d := m.parsedBody()
	if d == nil || d.empty {
		return false
	}
	for bi := range p.branches {
		if matchBodyBranch(&p.branches[bi], d) {
			return true
		}
	}
	return false
}

// matchBodyBranch finds, for every field, a matching value such that the
// chosen values are pairwise consistent (fields under one array of objects
// match within one element); a field held by absence needs no value. A
// path named twice in the branch is "any element" for each naming.
//
// The search backtracks over the fields' values without allocating for
// branches of up to 16 fields.
func matchBodyBranch(b *branch, d *bodyDoc) bool {
	var (
		needBuf [16]*field
		lsBuf   [16][]leaf
		posBuf  [16]int
	)
	need, ls := needBuf[:0], lsBuf[:0]
	for fi := range b.fields {
		f := &b.fields[fi]
		vals := d.values(f.name)
		matched, present := false, false
		for li := range vals {
			present = present || vals[li].v.present()
			if !matched && f.match(vals[li].v) {
				matched = true
			}
		}
		if !matched {
			if f.absentOK && !present {
				continue
			}
			return false
		}
		need = append(need, f)
		ls = append(ls, vals)
	}
	pos := posBuf[:0]
	if len(need) > len(posBuf) {
		pos = make([]int, 0, len(need))
	}
	pos = pos[:len(need)]
	i := 0
	for i >= 0 {
		if i == len(need) {
			return true
		}
		found := false
		for ; pos[i] < len(ls[i]); pos[i]++ {
			l := &ls[i][pos[i]]
			if !need[i].match(l.v) {
				continue
			}
			ok := true
			for j := 0; j < i && ok; j++ {
				ok = need[j].name == need[i].name || consistent(l, &ls[j][pos[j]])
			}
			if ok {
				found = true
				break
			}
		}
		if found {
			i++
			if i < len(need) {
				pos[i] = 0
			}
			continue
		}
		i--
		if i >= 0 {
			pos[i]++
		}
	}
	return false
}
