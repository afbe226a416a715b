package pubsub

import (
	"bytes"
	"encoding/json"
	"math"
	"net"
	"strings"
	"testing"

	"pgregory.net/rapid"
)

// FuzzFilterPolicyParse checks that compiling any text never panics and
// either yields a policy or an error, and that a compiled policy can be
// matched against any body and a few attribute sets.
func FuzzFilterPolicyParse(f *testing.F) {
	seeds := []string{
		`{}`, `{"a":["x"]}`, `{"a":[1,2.5e3,-0,true,false,null]}`,
		`{"a":[{"prefix":"x"},{"suffix":"y"},{"equals-ignore-case":"Z"}]}`,
		`{"a":[{"anything-but":["x","y"]},{"anything-but":{"prefix":"p"}},{"anything-but":5}]}`,
		`{"a":[{"numeric":[">",0,"<=",5]}],"b":[{"numeric":["=",3.5]}]}`,
		`{"ip":[{"cidr":"10.0.0.0/8"},{"cidr":"2001:db8::/32"}]}`,
		`{"a":[{"exists":true}],"b":[{"exists":false}]}`,
		`{"$or":[{"a":["1"]},{"b":{"c":["2"]}}]}`,
		`{"x":{"y":{"z":["deep"]}},"x.y":["dotted"]}`,
		`{"a":[[1]]}`, `{"a":[{"numeric":[">",1,"<",0]}]}`, `{"a":"b"}`, `[`, `{"a":[{}]}`,
	}
	for _, s := range seeds {
		f.Add(s, `{"a":"x","b":{"c":"2"},"x":{"y":{"z":"deep"}},"ip":"10.1.2.3"}`, true)
		f.Add(s, `not json`, false)
	}
	f.Fuzz(func(t *testing.T, policy, body string, bodyScope bool) {
		scope := "MessageAttributes"
		if bodyScope {
			scope = "MessageBody"
		}
		p, err := compileFilterPolicy(policy, scope)
		if (p == nil) == (err == nil) {
			t.Fatalf("compileFilterPolicy(%q) = %v, %v: want exactly one of policy and error", policy, p, err)
		}
		if err != nil {
			if err.Error() == "" {
				t.Fatalf("compileFilterPolicy(%q): empty error text", policy)
			}
			return
		}
		p.match(&filterMessage{body: body})
		p.match(&filterMessage{attrs: map[string]MessageAttributeValue{
			"a":  {DataType: "String", StringValue: body},
			"b":  {DataType: "String.Array", StringValue: body},
			"c":  {DataType: "Number", StringValue: body},
			"ip": {DataType: "String", StringValue: "10.1.2.3"},
		}})
	})
}

// ---- A reference evaluator, written from the SNS reference (§0, §2) and
// independent of filter.go: it reads the policy as decoded JSON and
// enumerates every way of choosing values.

func refDecode(t *rapid.T, s string) any {
	d := json.NewDecoder(strings.NewReader(s))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		t.Fatalf("decode %s: %v", s, err)
	}
	return v
}

func refFloat(n json.Number) (float64, bool) {
	f, err := n.Float64()
	return f, err == nil
}

// refKey is AWS's comparable form of a number: six decimals, truncated,
// within ±5e9.
func refKey(n json.Number) (int64, bool) {
	f, ok := refFloat(n)
	if !ok || math.Abs(f) > 5e9 {
		return 0, false
	}
	return int64((f + 5e9) * 1e6), true
}

func refNumEqual(a, b json.Number) bool {
	ka, oka := refKey(a)
	kb, okb := refKey(b)
	if oka && okb {
		return ka == kb
	}
	if !oka && !okb {
		return a.String() == b.String()
	}
	return false
}

func refPresent(v any) bool {
	switch x := v.(type) {
	case nil:
		return false
	case string:
		return x != ""
	}
	return true
}

func refCond(c, v any) bool {
	switch cv := c.(type) {
	case string:
		s, ok := v.(string)
		return ok && s == cv
	case json.Number:
		n, ok := v.(json.Number)
		return ok && refNumEqual(cv, n)
	case bool:
		b, ok := v.(bool)
		return ok && b == cv
	case nil:
		return v == nil
	case map[string]any:
		for op, arg := range cv {
			return refOperator(op, arg, v)
		}
	}
	return false
}

func refOperator(op string, arg, v any) bool {
	s, isStr := v.(string)
	n, isNum := v.(json.Number)
	switch op {
	case "prefix":
		return isStr && strings.HasPrefix(s, arg.(string))
	case "suffix":
		return isStr && strings.HasSuffix(s, arg.(string))
	case "equals-ignore-case":
		//lint:ignore SA6005 the reference compares differently from filter.go on purpose
		return isStr && strings.ToLower(s) == strings.ToLower(arg.(string))
	case "exists":
		return arg.(bool) && refPresent(v)
	case "cidr":
		_, block, err := net.ParseCIDR(arg.(string))
		if err != nil || !isStr {
			return false
		}
		ip := net.ParseIP(s)
		if ip == nil || strings.Contains(s, ":") != strings.Contains(arg.(string), ":") {
			return false
		}
		return block.Contains(ip)
	case "anything-but":
		var list []any
		switch a := arg.(type) {
		case []any:
			list = a
		case map[string]any:
			return !(isStr && strings.HasPrefix(s, a["prefix"].(string)))
		default:
			list = []any{a}
		}
		for _, e := range list {
			if refCond(e, v) {
				return false
			}
		}
		return true
	case "numeric":
		if !isNum {
			return false
		}
		k, ok := refKey(n)
		if !ok {
			return false
		}
		terms := arg.([]any)
		for i := 0; i+1 < len(terms); i += 2 {
			b, _ := refKey(terms[i+1].(json.Number))
			var holds bool
			switch terms[i].(string) {
			case "=":
				holds = k == b
			case "<":
				holds = k < b
			case "<=":
				holds = k <= b
			case ">":
				holds = k > b
			case ">=":
				holds = k >= b
			}
			if !holds {
				return false
			}
		}
		return true
	}
	return false
}

var refOperators = map[string]bool{"prefix": true, "suffix": true, "equals-ignore-case": true,
	"anything-but": true, "numeric": true, "exists": true, "cidr": true, "wildcard": true}

// refField is a dotted path and its conditions (any of them).
type refField struct {
	path  string
	conds []any
}

// refBranches expands a policy object into OR-of-AND form. A path named
// twice in a branch (a key and a key inside an $or) must hold twice.
func refBranches(obj map[string]any, path string) [][]refField {
	out := [][]refField{{}}
	for k, v := range obj {
		if alts, ok := v.([]any); ok && k == "$or" && len(alts) >= 2 {
			isOr := true
			for _, a := range alts {
				m, ok := a.(map[string]any)
				if !ok {
					isOr = false
					break
				}
				for ak := range m {
					if refOperators[ak] {
						isOr = false
					}
				}
			}
			if isOr {
				var next [][]refField
				for _, b := range out {
					for _, a := range alts {
						for _, ab := range refBranches(a.(map[string]any), path) {
							next = append(next, refMerge(b, ab))
						}
					}
				}
				out = next
				continue
			}
		}
		p := k
		if path != "" {
			p = path + "." + k
		}
		switch x := v.(type) {
		case map[string]any:
			var next [][]refField
			for _, b := range out {
				for _, sb := range refBranches(x, p) {
					next = append(next, refMerge(b, sb))
				}
			}
			out = next
		case []any:
			for i := range out {
				out[i] = append(out[i][:len(out[i]):len(out[i])], refField{path: p, conds: x})
			}
		}
	}
	return out
}

func refMerge(a, b []refField) []refField {
	return append(append([]refField{}, a...), b...)
}

// refLeaf is a document value and the array elements it sits in, as
// "array#index" strings keyed by array.
type refLeaf struct {
	path string
	v    any
	arr  map[string]int
}

func refFlatten(v any, path string, arr map[string]int, out map[string][]refLeaf, ids *int) {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			p := k
			if path != "" {
				p = path + "." + k
			}
			refFlatten(e, p, arr, out, ids)
		}
	case []any:
		*ids++
		id := string(rune('A' + *ids))
		for i, e := range x {
			a := map[string]int{}
			for k, v := range arr {
				a[k] = v
			}
			a[id] = i
			refFlatten(e, path, a, out, ids)
		}
	default:
		out[path] = append(out[path], refLeaf{path: path, v: v, arr: arr})
	}
}

// refMatch evaluates a policy against a document by trying every choice
// of one value per field. In a body (arrays true), the values chosen must
// sit in the same element of every array holding two of them (unless
// they are values of one path, named twice); attributes are flat, so their
// fields are independent.
func refMatch(policy map[string]any, doc map[string]any, arrays bool) bool {
	if len(policy) == 0 {
		return true
	}
	if len(doc) == 0 {
		return false
	}
	leaves := map[string][]refLeaf{}
	ids := 0
	refFlatten(doc, "", map[string]int{}, leaves, &ids)
	for _, b := range refBranches(policy, "") {
		var choices [][]*refLeaf
		ok := true
		for _, fld := range b {
			p, conds := fld.path, fld.conds
			var matched []*refLeaf
			present := false
			absentOK := false
			for _, c := range conds {
				if m, isMap := c.(map[string]any); isMap && m["exists"] == false {
					absentOK = true
				}
			}
			for i := range leaves[p] {
				l := &leaves[p][i]
				present = present || refPresent(l.v)
				for _, c := range conds {
					if refCond(c, l.v) {
						matched = append(matched, l)
						break
					}
				}
			}
			if len(matched) == 0 {
				if absentOK && !present {
					continue
				}
				ok = false
				break
			}
			choices = append(choices, matched)
		}
		if ok && (!arrays || refConsistent(choices, nil)) {
			return true
		}
	}
	return false
}

func refConsistent(choices [][]*refLeaf, chosen []*refLeaf) bool {
	if len(choices) == 0 {
		return true
	}
	for _, l := range choices[0] {
		good := true
		for _, c := range chosen {
			if c.path == l.path {
				continue // a path named twice: any element for each
			}
			for id, i := range l.arr {
				if j, ok := c.arr[id]; ok && i != j {
					good = false
				}
			}
		}
		if good && refConsistent(choices[1:], append(chosen, l)) {
			return true
		}
	}
	return false
}

// refAttributesDoc is the document AWS matches attributes against.
func refAttributesDoc(t *rapid.T, attrs map[string]MessageAttributeValue) map[string]any {
	doc := map[string]any{}
	for k, a := range attrs {
		switch {
		case a.DataType == "String":
			doc[k] = a.StringValue
		case a.DataType == "Number":
			doc[k] = json.Number(a.StringValue)
		case a.DataType == "String.Array":
			doc[k] = refDecode(t, a.StringValue)
		}
	}
	return doc
}

// ---- Generators.

var (
	genKeys    = []string{"a", "b", "c"}
	genStrings = []string{"x", "y", "xy", "Xy", "", "10.0.0.1", "10.0.1.1", "2001:db8::1", "1", "100"}
	genNumbers = []string{"0", "1", "1.0", "1.5", "100", "-3", "1e10", "0.0000001", "0.000002", "3.015e2", "301.5"}
)

func genScalar(t *rapid.T, label string) any {
	switch rapid.IntRange(0, 5).Draw(t, label+"-kind") {
	case 0, 1:
		return rapid.SampledFrom(genStrings).Draw(t, label+"-s")
	case 2, 3:
		return json.Number(rapid.SampledFrom(genNumbers).Draw(t, label+"-n"))
	case 4:
		return rapid.Bool().Draw(t, label+"-b")
	}
	return nil
}

func genInRange(t *rapid.T, label string) json.Number {
	return json.Number(rapid.SampledFrom([]string{"0", "1", "1.5", "100", "-3", "0.000002", "301.5"}).Draw(t, label))
}

func genCond(t *rapid.T) any {
	str := func(l string) string { return rapid.SampledFrom(genStrings).Draw(t, l) }
	switch rapid.IntRange(0, 11).Draw(t, "cond") {
	case 0:
		return str("exact")
	case 1:
		return json.Number(rapid.SampledFrom(genNumbers).Draw(t, "exact-n"))
	case 2:
		return genScalar(t, "lit")
	case 3:
		return map[string]any{"prefix": str("prefix")}
	case 4:
		return map[string]any{"suffix": str("suffix")}
	case 5:
		return map[string]any{"equals-ignore-case": str("eic")}
	case 6:
		switch rapid.IntRange(0, 4).Draw(t, "ab") {
		case 0:
			return map[string]any{"anything-but": str("ab-s")}
		case 1:
			return map[string]any{"anything-but": []any{str("ab-s1"), str("ab-s2")}}
		case 2:
			return map[string]any{"anything-but": genInRange(t, "ab-n")}
		case 3:
			return map[string]any{"anything-but": []any{genInRange(t, "ab-n1"), genInRange(t, "ab-n2")}}
		}
		return map[string]any{"anything-but": map[string]any{"prefix": rapid.SampledFrom([]string{"x", "1", "10."}).Draw(t, "ab-p")}}
	case 7:
		op := rapid.SampledFrom([]string{"=", "<", "<=", ">", ">="}).Draw(t, "num-op")
		return map[string]any{"numeric": []any{op, genInRange(t, "num-v")}}
	case 8:
		lo := rapid.IntRange(-5, 50).Draw(t, "lo")
		hi := rapid.IntRange(lo+1, 200).Draw(t, "hi")
		return map[string]any{"numeric": []any{
			rapid.SampledFrom([]string{">", ">="}).Draw(t, "lo-op"), json.Number(itoa(lo)),
			rapid.SampledFrom([]string{"<", "<="}).Draw(t, "hi-op"), json.Number(itoa(hi)),
		}}
	case 9:
		return map[string]any{"cidr": rapid.SampledFrom([]string{"10.0.0.0/24", "10.0.0.0/8", "2001:db8::/32"}).Draw(t, "cidr")}
	}
	return map[string]any{"exists": rapid.Bool().Draw(t, "exists")}
}

func itoa(i int) string {
	b, _ := json.Marshal(i)
	return string(b)
}

func genConds(t *rapid.T) []any {
	n := rapid.IntRange(1, 3).Draw(t, "nconds")
	out := make([]any, n)
	for i := range out {
		out[i] = genCond(t)
	}
	return out
}

func genPolicy(t *rapid.T, body bool, depth int) map[string]any {
	p := map[string]any{}
	n := rapid.IntRange(1, 3).Draw(t, "nkeys")
	for range n {
		k := rapid.SampledFrom(genKeys).Draw(t, "key")
		if body && rapid.IntRange(0, 5).Draw(t, "dotted") == 0 {
			k = "b.c" // the same path as {"b":{"c":...}}
		}
		switch {
		case depth < 2 && rapid.IntRange(0, 5).Draw(t, "or") == 0:
			p["$or"] = []any{genPolicy(t, body, depth+1), genPolicy(t, body, depth+1)}
		case body && depth < 2 && rapid.IntRange(0, 3).Draw(t, "nest") == 0:
			p[k] = genPolicy(t, body, depth+1)
		default:
			p[k] = genConds(t)
		}
	}
	return p
}

func genArrayValue(t *rapid.T) string {
	n := rapid.IntRange(0, 3).Draw(t, "arr-n")
	els := make([]any, n)
	for i := range els {
		els[i] = genScalar(t, "arr")
	}
	b, _ := json.Marshal(els)
	return string(b)
}

func genAttributes(t *rapid.T) map[string]MessageAttributeValue {
	attrs := map[string]MessageAttributeValue{}
	for _, k := range append(genKeys, "d") {
		switch rapid.IntRange(0, 5).Draw(t, "attr-"+k) {
		case 1:
			attrs[k] = MessageAttributeValue{DataType: "String", StringValue: rapid.SampledFrom(genStrings).Draw(t, "s")}
		case 2:
			attrs[k] = MessageAttributeValue{DataType: "Number", StringValue: rapid.SampledFrom(genNumbers).Draw(t, "n")}
		case 3:
			attrs[k] = MessageAttributeValue{DataType: "String.Array", StringValue: genArrayValue(t)}
		case 4:
			attrs[k] = MessageAttributeValue{DataType: "Binary", BinaryValue: []byte{1}}
		}
	}
	return attrs
}

func genBodyValue(t *rapid.T, depth int) any {
	switch k := rapid.IntRange(0, 5).Draw(t, "bv"); {
	case k <= 2 || depth >= 2:
		return genScalar(t, "bs")
	case k == 3:
		n := rapid.IntRange(0, 3).Draw(t, "ba")
		a := make([]any, n)
		for i := range a {
			a[i] = genBodyValue(t, depth+1)
		}
		return a
	}
	return genBodyObject(t, depth+1)
}

func genBodyObject(t *rapid.T, depth int) map[string]any {
	o := map[string]any{}
	n := rapid.IntRange(0, 3).Draw(t, "bo")
	for range n {
		k := rapid.SampledFrom(genKeys).Draw(t, "bk")
		if rapid.IntRange(0, 5).Draw(t, "bdotted") == 0 {
			k = "b.c"
		}
		o[k] = genBodyValue(t, depth)
	}
	return o
}

func marshal(t *rapid.T, v any) string {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(buf.String())
}

// propAttributes: a random attribute policy and message get the
// reference evaluator's answer.
func propAttributes(t *rapid.T) {
	policy := marshal(t, genPolicy(t, false, 0))
	p, err := compileFilterPolicy(policy, "MessageAttributes")
	if err != nil {
		return // the generators rarely exceed the limits; nothing to compare
	}
	attrs := genAttributes(t)
	want := refMatch(refDecode(t, policy).(map[string]any), refAttributesDoc(t, attrs), false)
	if got := p.match(&filterMessage{attrs: attrs}); got != want {
		t.Fatalf("policy %s, attributes %v: match = %v, reference says %v", policy, attrs, got, want)
	}
}

// propBody: a random body policy and body get the reference evaluator's
// answer.
func propBody(t *rapid.T) {
	policy := marshal(t, genPolicy(t, true, 0))
	p, err := compileFilterPolicy(policy, "MessageBody")
	if err != nil {
		return // the generators rarely exceed the limits; nothing to compare
	}
	body := marshal(t, genBodyObject(t, 0))
	want := refMatch(refDecode(t, policy).(map[string]any), refDecode(t, body).(map[string]any), true)
	if got := p.match(&filterMessage{body: body}); got != want {
		t.Fatalf("policy %s, body %s: match = %v, reference says %v", policy, body, got, want)
	}
}

func TestFilterMatchesReferenceAttributes(t *testing.T) { rapid.Check(t, propAttributes) }

func TestFilterMatchesReferenceBody(t *testing.T) { rapid.Check(t, propBody) }

// FuzzFilterAttributesReference and FuzzFilterBodyReference run the
// properties under the Go fuzzer.
func FuzzFilterAttributesReference(f *testing.F) { f.Fuzz(rapid.MakeFuzz(propAttributes)) }

func FuzzFilterBodyReference(f *testing.F) { f.Fuzz(rapid.MakeFuzz(propBody)) }
