package pubsub

import (
	"net/netip"
	"strconv"
	"strings"
)

// Subscription filter policies.
//
// A policy compiles to its disjunctive normal form: a list of branches (one
// per combination of $or alternatives), each an AND of fields, each field an
// OR of conditions on the values found at one attribute name (attribute
// scope) or one dotted body path (body scope). A message is the JSON
// document AWS matches against: String attributes are strings, Number
// attributes numbers, String.Array attributes their parsed JSON array and
// Binary attributes are left out; a body is its JSON object, flattened to
// dotted paths, with arrays read as "any element".
//
// Where AWS's behaviour is not recorded, this follows its parser
// (aws/event-ruler, whose error texts SNS returns) and says so:
//   - "exists": true needs a value that is neither null nor "" (AWS: "a
//     non-null and non-empty value"); "exists": false holds exactly when
//     "exists": true does not, and never on a message without attributes
//     (or with only Binary ones) or with the body {}.
//   - Numbers compare by event-ruler's legacy key (comparableNumber).
//     Range bounds and anything-but numbers must be within ±5e9; an exact
//     number outside it matches only the same literal.
//   - anything-but holds for any present value not listed, whatever its
//     type: ["100"] holds for the Number 100, {"prefix": "a"} for 5.
//   - In a body, values matched for different keys under one array of
//     objects must come from the same element of it (event-ruler's array
//     consistency). A key named twice in one branch (at the top and in an
//     $or) must hold for both namings.
//   - "$or" is an OR only when its value is an array of two or more objects
//     none of which is a match expression; otherwise it is a key.
//   - The 5-key limit counts the top-level members, "$or" included, as
//     LocalStack does (AWS is recorded only for flat policies). A key
//     repeated in one object is kept twice (AND), where AWS may keep the
//     last.

// Limits of a filter policy.
const (
	maxFilterPolicyBytes = 256 * 1024
	maxFilterPolicyKeys  = 5
	maxFilterCombos      = 150
)

// AWS's numbers are comparable within ±5e9, to 6 decimal places (the SNS
// reference, §2.5; AWS documents ±1e9 and 5 places).
const fiveBillion = 5e9

// comparableNumber is the comparison key of f: AWS's rule (event-ruler's
// ComparableNumber, in use until 2024) computes (long)(1e6 * (5e9 + f)) in
// float64, which keeps six decimals, truncated. Numbers outside ±5e9 have no
// key and never compare numerically.
func comparableNumber(f float64) (int64, bool) {
	if !(f >= -fiveBillion && f <= fiveBillion) { // also rejects NaN
		return 0, false
	}
	return int64(1e6 * (fiveBillion + f)), true
}

// Value kinds of the matched document.
const (
	kStr uint8 = iota
	kNum
	kTrue
	kFalse
	kNull
)

// fval is one scalar value of the matched document. s is a string's value
// or a number's literal; key is a number's comparable key when numOK.
type fval struct {
	kind  uint8
	numOK bool
	s     string
	key   int64
	f     float64
}

// present reports whether v counts for "exists": AWS wants "a non-null and
// non-empty value".
func (v fval) present() bool {
	return v.kind != kNull && !(v.kind == kStr && v.s == "")
}

// Condition operators.
const (
	opString         uint8 = iota // exact string
	opNumber                      // exact number
	opLiteral                     // true, false or null
	opPrefix                      // prefix
	opSuffix                      // suffix
	opEqualsFold                  // equals-ignore-case
	opAnythingBut                 // anything-but strings and/or numbers
	opAnythingPrefix              // anything-but {"prefix": ...}
	opNumeric                     // numeric range or equality
	opCIDR                        // cidr
	opExists                      // exists: true
)

// cond is one condition of a field.
type cond struct {
	op     uint8
	lit    uint8 // opLiteral: kTrue, kFalse or kNull
	numOK  bool  // opNumber: key is valid (else compare the literal s)
	hasLo  bool
	hasHi  bool
	loOpen bool
	hiOpen bool
	s      string
	key    int64 // opNumber key; opNumeric lower bound
	hi     int64 // opNumeric upper bound
	strs   []string
	keys   []int64
	prefix netip.Prefix
}

// match reports whether v satisfies c.
func (c *cond) match(v fval) bool {
	switch c.op {
	case opString:
		return v.kind == kStr && v.s == c.s
	case opNumber:
		if v.kind != kNum {
			return false
		}
		if c.numOK {
			return v.numOK && v.key == c.key
		}
		return v.s == c.s
	case opLiteral:
		return v.kind == c.lit
	case opPrefix:
		return v.kind == kStr && strings.HasPrefix(v.s, c.s)
	case opSuffix:
		return v.kind == kStr && strings.HasSuffix(v.s, c.s)
	case opEqualsFold:
		return v.kind == kStr && strings.EqualFold(v.s, c.s)
	case opAnythingBut:
		switch {
		case v.kind == kStr:
			for _, s := range c.strs {
				if s == v.s {
					return false
				}
			}
		case v.kind == kNum && v.numOK:
			for _, k := range c.keys {
				if k == v.key {
					return false
				}
			}
		}
		return true
	case opAnythingPrefix:
		return !(v.kind == kStr && strings.HasPrefix(v.s, c.s))
	case opNumeric:
		if v.kind != kNum || !v.numOK {
			return false
		}
		if c.hasLo && (v.key < c.key || c.loOpen && v.key == c.key) {
			return false
		}
		if c.hasHi && (v.key > c.hi || c.hiOpen && v.key == c.hi) {
			return false
		}
		return true
	case opCIDR:
		if v.kind != kStr {
			return false
		}
		a, err := netip.ParseAddr(v.s)
		return err == nil && c.prefix.Contains(a)
	case opExists:
		return v.present()
	}
	return false
}

// field is the OR of conds over the values at one name or path.
// absentOK is set by {"exists": false}: the field also holds when the name
// has no present value.
type field struct {
	name     string
	absentOK bool
	conds    []cond
}

func (f *field) match(v fval) bool {
	for i := range f.conds {
		if f.conds[i].match(v) {
			return true
		}
	}
	return false
}

// branch is an AND of fields.
type branch struct {
	fields []field
}

// filterPolicy is a compiled subscription filter policy. It is immutable
// once compiled, so publishes may match it concurrently.
type filterPolicy struct {
	body     bool
	matchAll bool // the policy {}
	branches []branch
}

// filterMessage is what a policy is matched against: a message's
// attributes and body. The body is parsed on the first MessageBody-scoped
// match and kept: a publish that matches one filterMessage against all its
// subscriptions (per distinct body) parses the body once. A filterMessage
// is used by one goroutine at a time.
type filterMessage struct {
	attrs map[string]MessageAttributeValue
	body  string

	bodyParsed bool
	doc        *bodyDoc // nil when the body is not a JSON object
}

// filterError is a rejected policy; its text is AWS's reason.
type filterError struct{ reason string }

func (e *filterError) Error() string { return e.reason }

func errFilter(reason string) error { return &filterError{reason: reason} }

// compileFilterPolicy parses and validates a policy for a scope
// ("MessageAttributes", also when "", or "MessageBody").
//
// Its error's text is AWS's reason, the part of AWS's message after the
// operation's prefix ("Invalid parameter: Attributes Reason: " on Subscribe,
// "Invalid parameter: " on SetSubscriptionAttributes). It usually starts
// with "FilterPolicy: ", as in "FilterPolicy: Filter policy can not have
// more than 5 keys"; the nested-policy error for the MessageAttributes
// scope does not: "Filter policy scope MessageAttributes does not support
// nested filter policy". AWS appends a parser location to some reasons
// ("\n at [Source: ...; line: 1, column: 10]"); this one never does.
//
// Errors are reported in this order: size, JSON syntax, more than 5
// top-level keys, then the first structural or match-expression error in
// document order, then complexity (more than 150 combinations).
func compileFilterPolicy(policy, scope string) (*filterPolicy, error) {
	body := false
	switch scope {
	case "", "MessageAttributes":
	case "MessageBody":
		body = true
	default:
		return nil, errFilter("FilterPolicyScope: Invalid value [" + scope + "]. Please use either MessageBody or MessageAttributes")
	}
	if len(policy) > maxFilterPolicyBytes {
		// [infer] AWS documents the 256 KB limit, not its message.
		return nil, errFilter("FilterPolicy: Filter policy is too long")
	}
	root, ok := parseJSON(policy)
	if !ok || root.kind != jObj {
		return nil, errFilter("FilterPolicy: failed to parse JSON.")
	}
	p := &filterPolicy{body: body}
	if len(root.keys) == 0 {
		p.matchAll = true
		return p, nil
	}
	if len(root.keys) > maxFilterPolicyKeys {
		return nil, errFilter("FilterPolicy: Filter policy can not have more than 5 keys")
	}
	c := compiler{body: body}
	n, combos, err := c.object(root, "", 1)
	if err != nil {
		return nil, err
	}
	if combos > maxFilterCombos {
		return nil, errFilter("FilterPolicy: Filter policy is too complex")
	}
	p.branches = n.expand()
	return p, nil
}

// pnode is a policy object before expansion: an AND of fields and of $or
// groups, each group an OR of pnodes.
type pnode struct {
	fields []field
	ors    [][]*pnode
}

// expand returns n in disjunctive normal form. Complexity ≤ 150 bounds the
// number of branches: every branch counts at least once.
func (n *pnode) expand() []branch {
	out := []branch{{fields: n.fields}}
	for _, group := range n.ors {
		var next []branch
		for _, b := range out {
			for _, alt := range group {
				for _, ab := range alt.expand() {
					fs := make([]field, 0, len(b.fields)+len(ab.fields))
					fs = append(fs, b.fields...)
					fs = append(fs, ab.fields...)
					next = append(next, branch{fields: fs})
				}
			}
		}
		out = next
	}
	return out
}

type compiler struct {
	body bool
}

// saturating arithmetic for the combination count: only "> 150" matters.
func satMul(a, b int) int {
	if a > maxFilterCombos || b > maxFilterCombos {
		return maxFilterCombos + 1
	}
	if p := a * b; p <= maxFilterCombos {
		return p
	}
	return maxFilterCombos + 1
}

func satAdd(a, b int) int {
	if s := a + b; s <= maxFilterCombos {
		return s
	}
	return maxFilterCombos + 1
}

// operatorNames are the match-expression keys; an "$or" array holding an
// object keyed by one of them is an ordinary key, as in event-ruler.
var operatorNames = [...]string{"prefix", "suffix", "equals-ignore-case", "anything-but", "numeric", "exists", "cidr", "wildcard"}

func isOperatorName(k string) bool {
	for _, o := range operatorNames {
		if k == o {
			return true
		}
	}
	return false
}

// isOrGroup reports whether the value of a "$or" key is an $or: an array of
// at least two objects that are not match expressions.
func isOrGroup(v *jval) bool {
	if v.kind != jArr || len(v.vals) < 2 {
		return false
	}
	for _, e := range v.vals {
		if e.kind != jObj {
			return false
		}
		for _, k := range e.keys {
			if isOperatorName(k) {
				return false
			}
		}
	}
	return true
}

// object compiles a policy object whose keys sit under path at depth
// (1 at the top). It returns the node and its combinations: the product
// over its keys of len(values)·depth for a value array, the nested
// object's count for an object, and the sum over alternatives for $or.
func (c *compiler) object(obj *jval, path string, depth int) (*pnode, int, error) {
	n := &pnode{}
	combos := 1
	for i, k := range obj.keys {
		v := obj.vals[i]
		if k == "$or" && isOrGroup(v) {
			group := make([]*pnode, 0, len(v.vals))
			sum := 0
			for _, alt := range v.vals {
				if len(alt.keys) == 0 {
					return nil, 0, errFilter("FilterPolicy: Empty objects are not allowed")
				}
				an, ac, err := c.object(alt, path, depth)
				if err != nil {
					return nil, 0, err
				}
				group = append(group, an)
				sum = satAdd(sum, ac)
			}
			n.ors = append(n.ors, group)
			combos = satMul(combos, sum)
			continue
		}
		name := k
		if path != "" {
			name = path + "." + k
		}
		switch v.kind {
		case jObj:
			if !c.body {
				return nil, 0, errFilter("Filter policy scope MessageAttributes does not support nested filter policy")
			}
			if len(v.keys) == 0 {
				return nil, 0, errFilter("FilterPolicy: Empty objects are not allowed")
			}
			sub, sc, err := c.object(v, name, depth+1)
			if err != nil {
				return nil, 0, err
			}
			n.fields = append(n.fields, sub.fields...)
			n.ors = append(n.ors, sub.ors...)
			combos = satMul(combos, sc)
		case jArr:
			if len(v.vals) == 0 {
				return nil, 0, errFilter("FilterPolicy: Empty arrays are not allowed")
			}
			f, err := compileField(name, v)
			if err != nil {
				return nil, 0, err
			}
			n.fields = append(n.fields, f)
			combos = satMul(combos, satMul(len(v.vals), depth))
		default:
			return nil, 0, errFilter("FilterPolicy: \"" + k + "\" must be an object or an array")
		}
	}
	return n, combos, nil
}

// tokenText is how AWS's parser quotes a token in an error: a number or
// string as written, a literal by name, an array or object by its opening
// bracket.
func tokenText(v *jval) string {
	switch v.kind {
	case jNum, jStr:
		return v.s
	case jTrue:
		return "true"
	case jFalse:
		return "false"
	case jNull:
		return "null"
	case jArr:
		return "["
	}
	return "{"
}

func compileField(name string, arr *jval) (field, error) {
	f := field{name: name}
	for _, e := range arr.vals {
		switch e.kind {
		case jStr:
			f.conds = append(f.conds, cond{op: opString, s: e.s})
		case jNum:
			nv := numberValue(e.s)
			f.conds = append(f.conds, cond{op: opNumber, s: e.s, key: nv.key, numOK: nv.numOK})
		case jTrue:
			f.conds = append(f.conds, cond{op: opLiteral, lit: kTrue})
		case jFalse:
			f.conds = append(f.conds, cond{op: opLiteral, lit: kFalse})
		case jNull:
			f.conds = append(f.conds, cond{op: opLiteral, lit: kNull})
		case jArr:
			return field{}, errFilter("FilterPolicy: Match value must be String, number, true, false, or null")
		case jObj:
			cd, absent, err := compileMatchExpression(e)
			if err != nil {
				return field{}, err
			}
			if absent {
				f.absentOK = true
				continue
			}
			f.conds = append(f.conds, cd)
		}
	}
	return f, nil
}

const errOneKey = "FilterPolicy: Only one key allowed in match expression"
const errTooManyNumeric = "FilterPolicy: Too many elements in numeric expression"
const errNumberRange = "FilterPolicy: Value must be between -5.0E9 and 5.0E9, inclusive"

// compileMatchExpression compiles an object in a value array. absent is
// true for {"exists": false}, which is a property of the field, not a
// condition on a value.
func compileMatchExpression(obj *jval) (cd cond, absent bool, err error) {
	if len(obj.keys) == 0 {
		return cond{}, false, errFilter("FilterPolicy: Match expression name not found")
	}
	op, v := obj.keys[0], obj.vals[0]
	more := len(obj.keys) > 1
	switch op {
	case "prefix", "suffix", "equals-ignore-case":
		if v.kind != jStr {
			return cond{}, false, errFilter("FilterPolicy: " + op + " match pattern must be a string")
		}
		if more {
			return cond{}, false, errFilter(errOneKey)
		}
		switch op {
		case "prefix":
			return cond{op: opPrefix, s: v.s}, false, nil
		case "suffix":
			return cond{op: opSuffix, s: v.s}, false, nil
		}
		return cond{op: opEqualsFold, s: v.s}, false, nil
	case "exists":
		if v.kind != jTrue && v.kind != jFalse {
			return cond{}, false, errFilter("FilterPolicy: exists match pattern must be either true or false.")
		}
		if more {
			return cond{}, false, errFilter(errOneKey)
		}
		if v.kind == jFalse {
			return cond{}, true, nil
		}
		return cond{op: opExists}, false, nil
	case "cidr":
		if v.kind != jStr {
			return cond{}, false, errFilter("FilterPolicy: prefix match pattern must be a string")
		}
		pfx, err := parseCIDR(v.s)
		if err != nil {
			return cond{}, false, err
		}
		if more {
			return cond{}, false, errFilter(errOneKey)
		}
		return cond{op: opCIDR, prefix: pfx}, false, nil
	case "numeric":
		if v.kind != jArr {
			return cond{}, false, errFilter("FilterPolicy: Value of numeric must be an array.")
		}
		cd, err := compileNumeric(v.vals)
		if err != nil {
			return cond{}, false, err
		}
		if more {
			return cond{}, false, errFilter(errTooManyNumeric)
		}
		return cd, false, nil
	case "anything-but":
		cd, err := compileAnythingBut(v)
		if err != nil {
			return cond{}, false, err
		}
		if more && v.kind == jObj {
			return cond{}, false, errFilter(errOneKey)
		}
		if more { // AWS's parser says so after an anything-but value
			return cond{}, false, errFilter(errTooManyNumeric)
		}
		return cd, false, nil
	}
	return cond{}, false, errFilter("FilterPolicy: Unrecognized match type " + op)
}

func compileAnythingBut(v *jval) (cond, error) {
	switch v.kind {
	case jObj:
		if len(v.keys) == 0 {
			return cond{}, errFilter("FilterPolicy: Anything-But expression name not found")
		}
		inner, iv := v.keys[0], v.vals[0]
		if inner != "prefix" {
			return cond{}, errFilter("FilterPolicy: Unsupported anything-but pattern: " + inner)
		}
		if iv.kind != jStr {
			return cond{}, errFilter("FilterPolicy: prefix match pattern must be a string")
		}
		if iv.s == "" {
			return cond{}, errFilter("FilterPolicy: Null prefix/suffix not allowed")
		}
		if len(v.keys) > 1 {
			return cond{}, errFilter(errOneKey)
		}
		return cond{op: opAnythingPrefix, s: iv.s}, nil
	case jStr:
		return cond{op: opAnythingBut, strs: []string{v.s}}, nil
	case jNum:
		nv := numberValue(v.s)
		if !nv.numOK {
			return cond{}, errFilter(errNumberRange)
		}
		return cond{op: opAnythingBut, keys: []int64{nv.key}}, nil
	case jArr:
		cd := cond{op: opAnythingBut}
		for _, e := range v.vals {
			switch e.kind {
			case jStr:
				cd.strs = append(cd.strs, e.s)
			case jNum:
				nv := numberValue(e.s)
				if !nv.numOK {
					return cond{}, errFilter(errNumberRange)
				}
				cd.keys = append(cd.keys, nv.key)
			default:
				return cond{}, errFilter("FilterPolicy: Inside anything but list, start|null|boolean is not supported.")
			}
		}
		if (len(cd.strs) > 0) == (len(cd.keys) > 0) {
			return cond{}, errFilter("FilterPolicy: Inside anything but list, either all values are number or string, mixed type is not supported")
		}
		return cd, nil
	}
	return cond{}, errFilter("FilterPolicy: Value of anything-but must be an array or single string/number value.")
}

// compileNumeric follows AWS's reading of a numeric expression: an
// operator and a value, and for > or >= optionally < or <= and a value.
func compileNumeric(e []*jval) (cond, error) {
	if len(e) == 0 {
		return cond{}, errFilter("FilterPolicy: Invalid member in numeric match: ]")
	}
	if e[0].kind != jStr {
		return cond{}, errFilter("FilterPolicy: Invalid member in numeric match: " + tokenText(e[0]))
	}
	op := e[0].s
	valueOf := func(i int, name string) (fval, error) {
		if i >= len(e) || e[i].kind != jNum {
			return fval{}, errFilter("FilterPolicy: Value of " + name + " must be numeric")
		}
		return numberValue(e[i].s), nil
	}
	switch op {
	case "=":
		v, err := valueOf(1, "equals")
		if err != nil {
			return cond{}, err
		}
		if len(e) > 2 {
			return cond{}, errFilter(errTooManyNumeric)
		}
		if !v.numOK {
			return cond{}, errFilter(errNumberRange)
		}
		return cond{op: opNumeric, hasLo: true, hasHi: true, key: v.key, hi: v.key}, nil
	case "<", "<=":
		v, err := valueOf(1, op)
		if err != nil {
			return cond{}, err
		}
		if len(e) > 2 {
			return cond{}, errFilter(errTooManyNumeric)
		}
		if !v.numOK {
			return cond{}, errFilter(errNumberRange)
		}
		return cond{op: opNumeric, hasHi: true, hi: v.key, hiOpen: op == "<"}, nil
	case ">", ">=":
		lo, err := valueOf(1, op)
		if err != nil {
			return cond{}, err
		}
		cd := cond{op: opNumeric, hasLo: true, loOpen: op == ">"}
		if len(e) == 2 {
			if !lo.numOK {
				return cond{}, errFilter(errNumberRange)
			}
			cd.key = lo.key
			return cd, nil
		}
		if e[2].kind != jStr {
			return cond{}, errFilter("FilterPolicy: Bad value in numeric range: " + tokenText(e[2]))
		}
		op2 := e[2].s
		if op2 != "<" && op2 != "<=" {
			return cond{}, errFilter("FilterPolicy: Bad numeric range operator: " + op2)
		}
		hi, err := valueOf(3, op2)
		if err != nil {
			return cond{}, err
		}
		if len(e) > 4 {
			return cond{}, errFilter("FilterPolicy: Too many terms in numeric range expression")
		}
		if !lo.numOK || !hi.numOK {
			return cond{}, errFilter(errNumberRange)
		}
		if lo.f >= hi.f {
			return cond{}, errFilter("FilterPolicy: Bottom must be less than top")
		}
		cd.key, cd.hasHi, cd.hi, cd.hiOpen = lo.key, true, hi.key, op2 == "<"
		return cd, nil
	}
	return cond{}, errFilter("FilterPolicy: Unrecognized numeric range operator: " + op)
}

// parseCIDR validates an IPv4 or IPv6 CIDR block with AWS's messages.
func parseCIDR(s string) (netip.Prefix, error) {
	if strings.Count(s, "/") != 1 {
		return netip.Prefix{}, errFilter("FilterPolicy: Malformed CIDR, one '/' required")
	}
	ip, mask, _ := strings.Cut(s, "/")
	bits, err := strconv.Atoi(mask)
	if err != nil {
		return netip.Prefix{}, errFilter("FilterPolicy: Malformed CIDR, mask bits must be an integer")
	}
	addr, err := netip.ParseAddr(ip)
	if err != nil || addr.Zone() != "" {
		return netip.Prefix{}, errFilter("FilterPolicy: Nonstandard IP address: " + ip)
	}
	if bits < 0 || bits > addr.BitLen() {
		// [infer] AWS's text for an out-of-range mask is not recorded.
		return netip.Prefix{}, errFilter("FilterPolicy: Malformed CIDR, mask bits must be between 0 and " + strconv.Itoa(addr.BitLen()))
	}
	return netip.PrefixFrom(addr, bits).Masked(), nil
}
