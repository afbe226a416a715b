package pubsub

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func strAttr(v string) MessageAttributeValue {
	return MessageAttributeValue{DataType: "String", StringValue: v}
}

func numAttr(v string) MessageAttributeValue {
	return MessageAttributeValue{DataType: "Number", StringValue: v}
}

func arrAttr(v string) MessageAttributeValue {
	return MessageAttributeValue{DataType: "String.Array", StringValue: v}
}

func binAttr() MessageAttributeValue {
	return MessageAttributeValue{DataType: "Binary", BinaryValue: []byte{1, 2}}
}

type attrs = map[string]MessageAttributeValue

func mustCompile(t *testing.T, policy, scope string) *filterPolicy {
	t.Helper()
	p, err := compileFilterPolicy(policy, scope)
	if err != nil {
		t.Fatalf("compileFilterPolicy(%s, %q) = %v, want no error", policy, scope, err)
	}
	return p
}

func TestFilterPolicyValidation(t *testing.T) {
	many := func(n int) string {
		vals := make([]string, n)
		for i := range vals {
			vals[i] = `"v` + strings.Repeat("x", i%3) + string(rune('a'+i%26)) + `"`
		}
		return "[" + strings.Join(vals, ",") + "]"
	}
	tests := []struct {
		name, policy, scope, want string
	}{
		// Recorded against AWS (LocalStack snapshots, 2024).
		{"six keys", `{"a":[1],"b":[1],"c":[1],"d":[1],"e":[1],"f":[1]}`, "", "FilterPolicy: Filter policy can not have more than 5 keys"},
		{"six keys with $or", `{"a":[1],"b":[1],"c":[1],"d":[1],"e":[1],"$or":[{"f":[1]},{"g":[1]}]}`, "", "FilterPolicy: Filter policy can not have more than 5 keys"},
		{"151 values", `{"key":` + many(151) + `}`, "", "FilterPolicy: Filter policy is too complex"},
		{"100 x 51 values", `{"key1":` + many(100) + `,"key2":` + many(51) + `}`, "", "FilterPolicy: Filter policy is too complex"},
		{"or sum 152", `{"source":["a","b","c","d"],"$or":[{"metricName":["a","b","c","d","e","f"]},{"metricType":["a","b","c","d"],"$or":[{"metricId":[1,2,3,4]},{"spaceId":[1,2,3,4]}]}]}`, "MessageAttributes", "FilterPolicy: Filter policy is too complex"},
		{"or nested body 160", `{"$or":[{"metricName":["a","b","c"]},{"namespace":["a","b"]}],"detail":{"scope":["a","b"],"$or":[{"source":["a"]},{"type":["a","b","c"]}]}}`, "MessageBody", "FilterPolicy: Filter policy is too complex"},
		{"nested 216", `{"key_a":{"key_b":{"key_c":["1","2","3","4"]}},"key_d":{"key_e":["1","2","3"]},"key_f":["1","2","3"]}`, "MessageBody", "FilterPolicy: Filter policy is too complex"},
		{"empty array", `{"key":[]}`, "", "FilterPolicy: Empty arrays are not allowed"},
		{"not object or array", `{"key_a":"value_one"}`, "", `FilterPolicy: "key_a" must be an object or an array`},
		{"operator not in array", `{"key":{"suffix":"value"}}`, "MessageBody", `FilterPolicy: "suffix" must be an object or an array`},
		{"unknown key not in array", `{"key":{"not-an-operator":"value"}}`, "MessageBody", `FilterPolicy: "not-an-operator" must be an object or an array`},
		{"nested list", `{"key":[["value"]]}`, "", "FilterPolicy: Match value must be String, number, true, false, or null"},
		{"unknown operator", `{"key":[{"wrong-operator":true}]}`, "", "FilterPolicy: Unrecognized match type wrong-operator"},
		{"wildcard", `{"key":[{"wildcard":"a*"}]}`, "", "FilterPolicy: Unrecognized match type wildcard"},
		{"two operators", `{"key":[{"suffix":"value","prefix":"value2"}]}`, "", "FilterPolicy: Only one key allowed in match expression"},
		{"suffix number", `{"key":[{"suffix":100}]}`, "", "FilterPolicy: suffix match pattern must be a string"},
		{"suffix null", `{"key":[{"suffix":null}]}`, "", "FilterPolicy: suffix match pattern must be a string"},
		{"suffix empty list", `{"key":[{"suffix":[]}]}`, "", "FilterPolicy: suffix match pattern must be a string"},
		{"suffix list", `{"key":[{"suffix":["test","test2"]}]}`, "", "FilterPolicy: suffix match pattern must be a string"},
		{"prefix number", `{"key":[{"prefix":1}]}`, "", "FilterPolicy: prefix match pattern must be a string"},
		{"equals-ignore-case number", `{"key":[{"equals-ignore-case":1}]}`, "", "FilterPolicy: equals-ignore-case match pattern must be a string"},
		{"exists null", `{"key":[{"exists":null}]}`, "", "FilterPolicy: exists match pattern must be either true or false."},
		{"exists string", `{"key":[{"exists":"no"}]}`, "", "FilterPolicy: exists match pattern must be either true or false."},
		{"anything-but wrong operator", `{"key":[{"anything-but":{"wrong-operator":null}}]}`, "", "FilterPolicy: Unsupported anything-but pattern: wrong-operator"},
		{"anything-but suffix", `{"key":[{"anything-but":{"suffix":"test"}}]}`, "", "FilterPolicy: Unsupported anything-but pattern: suffix"},
		{"anything-but exists", `{"key":[{"anything-but":{"exists":false}}]}`, "", "FilterPolicy: Unsupported anything-but pattern: exists"},
		{"anything-but prefix bool", `{"key":[{"anything-but":{"prefix":false}}]}`, "", "FilterPolicy: prefix match pattern must be a string"},
		{"numeric empty", `{"key":[{"numeric":[]}]}`, "", "FilterPolicy: Invalid member in numeric match: ]"},
		{"numeric wrong operator", `{"key":[{"numeric":["operator"]}]}`, "", "FilterPolicy: Unrecognized numeric range operator: operator"},
		{"numeric value first", `{"key":[{"numeric":[1,"<="]}]}`, "", "FilterPolicy: Invalid member in numeric match: 1"},
		{"numeric equals string", `{"key":[{"numeric":["=","000"]}]}`, "", "FilterPolicy: Value of equals must be numeric"},
		{"numeric missing value", `{"key":[{"numeric":[">="]}]}`, "", "FilterPolicy: Value of >= must be numeric"},
		{"numeric wrong range order", `{"key":[{"numeric":["<",100,">",10]}]}`, "", "FilterPolicy: Too many elements in numeric expression"},
		{"numeric two lower bounds", `{"key":[{"numeric":[">=",1,">",2]}]}`, "", "FilterPolicy: Bad numeric range operator: >"},
		{"numeric bottom above top", `{"key":[{"numeric":[">",3,"<",1]}]}`, "", "FilterPolicy: Bottom must be less than top"},
		{"numeric missing top", `{"key":[{"numeric":[">",20,"<="]}]}`, "", "FilterPolicy: Value of <= must be numeric"},
		{"numeric missing range operator", `{"key":[{"numeric":[">",20,30]}]}`, "", "FilterPolicy: Bad value in numeric range: 30"},
		{"numeric bad second operator", `{"key":[{"numeric":[">",20,"test"]}]}`, "", "FilterPolicy: Bad numeric range operator: test"},
		{"numeric bottom string", `{"key":[{"numeric":[">","20","<","30"]}]}`, "", "FilterPolicy: Value of > must be numeric"},
		{"numeric top string", `{"key":[{"numeric":[">",20,"<","30"]}]}`, "", "FilterPolicy: Value of < must be numeric"},
		{"numeric too many terms", `{"key":[{"numeric":[">",20,"<",30,"<",50]}]}`, "", "FilterPolicy: Too many terms in numeric range expression"},
		{"nested in attribute scope", `{"object":{"key":[{"prefix":"auto-"}]}}`, "MessageAttributes", "Filter policy scope MessageAttributes does not support nested filter policy"},
		{"nested in default scope", `{"object":{"key":["a"]}}`, "", "Filter policy scope MessageAttributes does not support nested filter policy"},
		{"invalid json", `{invalidjson}`, "", "FilterPolicy: failed to parse JSON."},
		{"trailing garbage", `{"a":["b"]} x`, "", "FilterPolicy: failed to parse JSON."},
		{"not an object", `["a"]`, "", "FilterPolicy: failed to parse JSON."},
		{"scope", `{"a":["b"]}`, "RandomValue", "FilterPolicyScope: Invalid value [RandomValue]. Please use either MessageBody or MessageAttributes"},
		// From AWS's parser (event-ruler), not recorded against SNS.
		{"cidr not string", `{"ip":[{"cidr":10}]}`, "", "FilterPolicy: prefix match pattern must be a string"},
		{"cidr no slash", `{"ip":[{"cidr":"10.0.0.0"}]}`, "", "FilterPolicy: Malformed CIDR, one '/' required"},
		{"cidr two slashes", `{"ip":[{"cidr":"10.0.0.0/8/8"}]}`, "", "FilterPolicy: Malformed CIDR, one '/' required"},
		{"cidr mask", `{"ip":[{"cidr":"10.0.0.0/x"}]}`, "", "FilterPolicy: Malformed CIDR, mask bits must be an integer"},
		{"cidr ip", `{"ip":[{"cidr":"10.0.0.256/24"}]}`, "", "FilterPolicy: Nonstandard IP address: 10.0.0.256"},
		{"empty match expression", `{"a":[{}]}`, "", "FilterPolicy: Match expression name not found"},
		{"empty nested object", `{"a":{}}`, "MessageBody", "FilterPolicy: Empty objects are not allowed"},
		{"anything-but mixed", `{"a":[{"anything-but":["a",1]}]}`, "", "FilterPolicy: Inside anything but list, either all values are number or string, mixed type is not supported"},
		{"anything-but empty list", `{"a":[{"anything-but":[]}]}`, "", "FilterPolicy: Inside anything but list, either all values are number or string, mixed type is not supported"},
		{"anything-but null in list", `{"a":[{"anything-but":[null]}]}`, "", "FilterPolicy: Inside anything but list, start|null|boolean is not supported."},
		{"anything-but bool", `{"a":[{"anything-but":true}]}`, "", "FilterPolicy: Value of anything-but must be an array or single string/number value."},
		{"anything-but empty prefix", `{"a":[{"anything-but":{"prefix":""}}]}`, "", "FilterPolicy: Null prefix/suffix not allowed"},
		{"anything-but prefix then a key", `{"a":[{"anything-but":{"prefix":"x"},"b":1}]}`, "", "FilterPolicy: Only one key allowed in match expression"},
		{"anything-but prefix two keys", `{"a":[{"anything-but":{"prefix":"x","suffix":"y"}}]}`, "", "FilterPolicy: Only one key allowed in match expression"},
		{"anything-but value then a key", `{"a":[{"anything-but":"x","b":1}]}`, "", "FilterPolicy: Too many elements in numeric expression"},
		{"anything-but equals-ignore-case", `{"a":[{"anything-but":{"equals-ignore-case":"x"}}]}`, "", "FilterPolicy: Unsupported anything-but pattern: equals-ignore-case"},
		{"anything-but number out of range", `{"a":[{"anything-but":[1,6e9]}]}`, "", "FilterPolicy: Value must be between -5.0E9 and 5.0E9, inclusive"},
		{"exists then a key", `{"a":[{"exists":true,"b":1}]}`, "", "FilterPolicy: Only one key allowed in match expression"},
		{"numeric then a key", `{"a":[{"numeric":[">",1],"b":1}]}`, "", "FilterPolicy: Too many elements in numeric expression"},
		{"first error in document order", `{"a":[{"prefix":1}],"b":[{"suffix":2}]}`, "", "FilterPolicy: prefix match pattern must be a string"},
		{"or element not an object is a key", `{"$or":[{"a":["x"]},"b"]}`, "", "FilterPolicy: Unrecognized match type a"},
		{"empty object in or", `{"$or":[{},{"a":["x"]}]}`, "", "FilterPolicy: Empty objects are not allowed"},
		{"numeric not array", `{"a":[{"numeric":5}]}`, "", "FilterPolicy: Value of numeric must be an array."},
		{"numeric equals too many", `{"a":[{"numeric":["=",5,6]}]}`, "", "FilterPolicy: Too many elements in numeric expression"},
		{"numeric out of range", `{"a":[{"numeric":[">",6e9]}]}`, "", "FilterPolicy: Value must be between -5.0E9 and 5.0E9, inclusive"},
		{"numeric equal bounds", `{"a":[{"numeric":[">",1,"<",1]}]}`, "", "FilterPolicy: Bottom must be less than top"},
		{"or with one element is a key", `{"$or":[{"a":["b"]}]}`, "", "FilterPolicy: Unrecognized match type a"},
		{"too long", `{"a":["` + strings.Repeat("x", 256*1024) + `"]}`, "", "FilterPolicy: Filter policy is too long"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := compileFilterPolicy(tt.policy, tt.scope)
			if err == nil {
				t.Fatalf("compileFilterPolicy(%.80s) = nil error, want %q", tt.policy, tt.want)
			}
			if got := err.Error(); got != tt.want {
				t.Fatalf("compileFilterPolicy(%.80s) error = %q, want %q", tt.policy, got, tt.want)
			}
		})
	}
}

func TestFilterPolicyValid(t *testing.T) {
	valid := []struct{ name, policy, scope string }{
		{"or sum 150", `{"source":["a","b","c"],"$or":[{"metricName":["a","b","c","d","e","f"]},{"metricType":["a","b","c","d"],"$or":[{"metricId":[1,2,3,4]},{"spaceId":[1,2,3,4,5,6,7]}]}]}`, "MessageAttributes"},
		{"150 values", `{"key":[` + strings.Repeat(`"x",`, 149) + `"y"]}`, ""},
		{"doc nested 72", `{"key_a":{"key_b":{"key_c":["1","2","3","4"]}},"key_d":{"key_e":["1","2","3"]}}`, "MessageBody"},
		{"empty policy", `{}`, ""},
		{"five keys with $or", `{"a":[1],"b":[1],"c":[1],"d":[1],"$or":[{"e":[1]},{"f":[1]}]}`, ""},
		{"five keys", `{"a":[1],"b":[1],"c":[1],"d":[1],"e":[1]}`, ""},
		{"anything-but prefix", `{"key":[{"anything-but":{"prefix":"test-"}}]}`, ""},
		{"anything-but list", `{"key":[{"anything-but":["test","test2"]}]}`, ""},
		{"anything-but string", `{"key":[{"anything-but":"test"}]}`, ""},
		{"anything-but with exists false", `{"key":[{"anything-but":"x"},{"exists":false}]}`, ""},
		{"exact number out of range", `{"key":[1e12]}`, ""},
		{"or in attribute scope", `{"$or":[{"a":["1"]},{"b":["2"]}]}`, ""},
		{"or of operators is a key", `{"$or":[{"numeric":[">",0]},{"prefix":"x"}]}`, ""},
		{"ipv6 cidr", `{"ip":[{"cidr":"2001:db8:1234:1a00::/64"}]}`, ""},
	}
	for _, tt := range valid {
		t.Run(tt.name, func(t *testing.T) { mustCompile(t, tt.policy, tt.scope) })
	}
}

func TestFilterAttributes(t *testing.T) {
	tests := []struct {
		name   string
		policy string
		attrs  attrs
		want   bool
	}{
		{"exact string", `{"store":["example_corp"]}`, attrs{"store": strAttr("example_corp")}, true},
		{"exact string is case sensitive", `{"store":["example_corp"]}`, attrs{"store": strAttr("Example_Corp")}, false},
		{"exact string or", `{"store":["a","example_corp"]}`, attrs{"store": strAttr("example_corp")}, true},
		{"missing key", `{"store":["example_corp"]}`, attrs{"other": strAttr("example_corp")}, false},
		{"no attributes", `{"store":["example_corp"]}`, nil, false},
		{"exact number", `{"price":[210.75]}`, attrs{"price": numAttr("210.75")}, true},
		{"exact number canonical", `{"price":[301.5]}`, attrs{"price": numAttr("3.015e2")}, true},
		{"exact number int vs float", `{"price":[100]}`, attrs{"price": numAttr("100.0")}, true},
		{"exact number other", `{"price":[100]}`, attrs{"price": numAttr("100.5")}, false},
		{"exact number six decimals", `{"price":[100.123456789]}`, attrs{"price": numAttr("100.1234567")}, true},
		{"exact number seventh decimal ignored", `{"price":[0.0000001]}`, attrs{"price": numAttr("0.0000002")}, true},
		{"exact number sixth decimal counts", `{"price":[0.000001]}`, attrs{"price": numAttr("0.000002")}, false},
		{"exact number out of range literal", `{"id":[123456789012]}`, attrs{"id": numAttr("123456789012")}, true},
		{"exact number out of range other", `{"id":[123456789012]}`, attrs{"id": numAttr("123456789013")}, false},
		{"number policy vs string attribute", `{"price":[100]}`, attrs{"price": strAttr("100")}, false},
		{"string policy vs number attribute", `{"price":["100"]}`, attrs{"price": numAttr("100")}, false},
		{"prefix", `{"event":[{"prefix":"order-"}]}`, attrs{"event": strAttr("order-placed")}, true},
		{"prefix miss", `{"event":[{"prefix":"order-"}]}`, attrs{"event": strAttr("placed-order")}, false},
		{"prefix not on numbers", `{"n":[{"prefix":"1"}]}`, attrs{"n": numAttr("100")}, false},
		{"suffix", `{"sport":[{"suffix":"ball"}]}`, attrs{"sport": strAttr("baseball")}, true},
		{"suffix miss", `{"sport":[{"suffix":"ball"}]}`, attrs{"sport": strAttr("rugby")}, false},
		{"equals-ignore-case", `{"sport":[{"equals-ignore-case":"RUGBY"}]}`, attrs{"sport": strAttr("rugby")}, true},
		{"equals-ignore-case miss", `{"sport":[{"equals-ignore-case":"RUGBY"}]}`, attrs{"sport": strAttr("rugby league")}, false},
		{"anything-but string", `{"store":[{"anything-but":"a"}]}`, attrs{"store": strAttr("b")}, true},
		{"anything-but string equal", `{"store":[{"anything-but":"a"}]}`, attrs{"store": strAttr("a")}, false},
		{"anything-but list", `{"store":[{"anything-but":["a","b"]}]}`, attrs{"store": strAttr("b")}, false},
		{"anything-but missing", `{"store":[{"anything-but":["a","b"]}]}`, attrs{"other": strAttr("c")}, false},
		{"anything-but number", `{"price":[{"anything-but":[100,500]}]}`, attrs{"price": numAttr("500")}, false},
		{"anything-but number other", `{"price":[{"anything-but":[100,500]}]}`, attrs{"price": numAttr("501")}, true},
		{"anything-but number vs string", `{"price":[{"anything-but":100}]}`, attrs{"price": strAttr("100")}, true},
		{"anything-but prefix", `{"event":[{"anything-but":{"prefix":"order-"}}]}`, attrs{"event": strAttr("order-placed")}, false},
		{"anything-but prefix other", `{"event":[{"anything-but":{"prefix":"order-"}}]}`, attrs{"event": strAttr("cancelled")}, true},
		{"anything-but or exists false absent", `{"store":[{"anything-but":"a"},{"exists":false}]}`, attrs{"x": strAttr("y")}, true},
		{"numeric equals", `{"price":[{"numeric":["=",301.5]}]}`, attrs{"price": numAttr("3.015e2")}, true},
		{"numeric less", `{"price":[{"numeric":["<",0]}]}`, attrs{"price": numAttr("-1")}, true},
		{"numeric less zero", `{"price":[{"numeric":["<",0]}]}`, attrs{"price": numAttr("0")}, false},
		{"numeric less equal", `{"price":[{"numeric":["<=",0]}]}`, attrs{"price": numAttr("0")}, true},
		{"numeric greater", `{"price":[{"numeric":[">",0]}]}`, attrs{"price": numAttr("0.000001")}, true},
		{"numeric range in", `{"price":[{"numeric":[">",0,"<=",150]}]}`, attrs{"price": numAttr("150")}, true},
		{"numeric range out", `{"price":[{"numeric":[">",0,"<=",150]}]}`, attrs{"price": numAttr("150.000001")}, false},
		{"numeric range open bottom", `{"price":[{"numeric":[">",0,"<=",150]}]}`, attrs{"price": numAttr("0")}, false},
		{"numeric range closed bottom", `{"price":[{"numeric":[">=",0,"<",150]}]}`, attrs{"price": numAttr("0")}, true},
		{"numeric on string", `{"price":[{"numeric":[">",0]}]}`, attrs{"price": strAttr("5")}, false},
		{"numeric out of range value", `{"price":[{"numeric":[">",0]}]}`, attrs{"price": numAttr("6e9")}, false},
		{"cidr ipv4", `{"ip":[{"cidr":"10.0.0.0/24"}]}`, attrs{"ip": strAttr("10.0.0.255")}, true},
		{"cidr ipv4 out", `{"ip":[{"cidr":"10.0.0.0/24"}]}`, attrs{"ip": strAttr("10.0.1.0")}, false},
		{"cidr invalid ip", `{"ip":[{"cidr":"10.0.0.0/24"}]}`, attrs{"ip": strAttr("10.0.0.256")}, false},
		{"cidr ipv6", `{"ip":[{"cidr":"2001:db8:1234:1a00::/64"}]}`, attrs{"ip": strAttr("2001:0db8:1234:1a00:0000:0000:0000:0001")}, true},
		{"cidr ipv6 out", `{"ip":[{"cidr":"2001:db8:1234:1a00::/64"}]}`, attrs{"ip": strAttr("2001:0db8:123f:1a00::1")}, false},
		{"cidr host bits", `{"ip":[{"cidr":"10.0.0.7/24"}]}`, attrs{"ip": strAttr("10.0.0.1")}, true},
		{"exists true string", `{"store":[{"exists":true}]}`, attrs{"store": strAttr("x")}, true},
		{"exists true number", `{"store":[{"exists":true}]}`, attrs{"store": numAttr("99"), "def": numAttr("99")}, true},
		{"exists true array", `{"store":[{"exists":true}]}`, attrs{"store": arrAttr(`["a"]`)}, true},
		{"exists true empty array", `{"store":[{"exists":true}]}`, attrs{"store": arrAttr(`[]`)}, false},
		{"exists true missing", `{"store":[{"exists":true}]}`, attrs{"attr1": numAttr("111")}, false},
		{"exists false present", `{"store":[{"exists":false}]}`, attrs{"store": numAttr("99"), "def": numAttr("99")}, false},
		{"exists false absent", `{"store":[{"exists":false}]}`, attrs{"def": numAttr("99")}, true},
		{"exists false only binary", `{"store":[{"exists":false}]}`, attrs{"bin": binAttr()}, false},
		{"binary is absent", `{"bin":[{"exists":true}]}`, attrs{"bin": binAttr()}, false},
		{"string array any element", `{"store":["value1"]}`, attrs{"store": arrAttr(`["value1","value2"]`)}, true},
		{"string array no element", `{"store":["value1"]}`, attrs{"store": arrAttr(`["value2","value3"]`)}, false},
		{"string array prefix", `{"c":[{"prefix":"bas"}]}`, attrs{"c": arrAttr(`["soccer","baseball"]`)}, true},
		{"string array numbers", `{"price":[{"numeric":[">",60]}]}`, attrs{"price": arrAttr(`[10, 70]`)}, true},
		{"string array escaped", `{"s":["a\"b"]}`, attrs{"s": arrAttr(`["a\"b"]`)}, true},
		{"string array booleans", `{"s":[true]}`, attrs{"s": arrAttr(`[false, true]`)}, true},
		{"string array not json is a string", `{"s":["[a"]}`, attrs{"s": arrAttr(`[a`)}, true},
		{"string array json string", `{"s":["a"]}`, attrs{"s": arrAttr(`"a"`)}, true},
		{"string array nested", `{"s":["a"]}`, attrs{"s": arrAttr(`[["a"],{"s":"b"}]`)}, true},
		{"string array object ignored", `{"s":["b"]}`, attrs{"s": arrAttr(`[{"s":"b"}]`)}, false},
		{"number attribute not a number", `{"n":[{"exists":true}]}`, attrs{"n": numAttr("abc")}, true},
		{"number attribute not a number no numeric", `{"n":[{"numeric":[">",0]}]}`, attrs{"n": numAttr("abc")}, false},
		{"string array null", `{"s":[null]}`, attrs{"s": arrAttr(`[null]`)}, true},
		{"null never matches absent", `{"s":[null]}`, attrs{"x": strAttr("y")}, false},
		{"and across keys", `{"a":["1"],"b":["2"]}`, attrs{"a": strAttr("1"), "b": strAttr("2")}, true},
		{"and across keys one fails", `{"a":["1"],"b":["2"]}`, attrs{"a": strAttr("1"), "b": strAttr("3")}, false},
		{"extra attributes ignored", `{"a":["1"]}`, attrs{"a": strAttr("1"), "b": strAttr("3")}, true},
		{"or top level first", `{"$or":[{"a":["1"]},{"b":["2"]}]}`, attrs{"a": strAttr("1")}, true},
		{"or top level second", `{"$or":[{"a":["1"]},{"b":["2"]}]}`, attrs{"b": strAttr("2")}, true},
		{"or top level none", `{"$or":[{"a":["1"]},{"b":["2"]}]}`, attrs{"c": strAttr("2")}, false},
		{"or of operators is a key", `{"$or":[{"numeric":[">",0]},{"prefix":"x"}]}`, attrs{"$or": strAttr("xy")}, true},
		{"empty policy", `{}`, nil, true},
		{"custom number type", `{"p":[5]}`, attrs{"p": {DataType: "Number.int", StringValue: "5"}}, true},
		{"custom string type", `{"p":["5"]}`, attrs{"p": {DataType: "String.id", StringValue: "5"}}, true},
		{"escaped policy string", `{"s":["a\\b"]}`, attrs{"s": strAttr(`a\b`)}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := mustCompile(t, tt.policy, "MessageAttributes")
			if got := p.match(&filterMessage{attrs: tt.attrs}); got != tt.want {
				t.Fatalf("policy %s, attributes %v: match = %v, want %v", tt.policy, tt.attrs, got, tt.want)
			}
		})
	}
}

func TestFilterBody(t *testing.T) {
	tests := []struct {
		name, policy, body string
		want               bool
	}{
		{"flat", `{"a":["x"]}`, `{"a":"x"}`, true},
		{"nested", `{"object":{"key":[{"prefix":"auto-"}]}}`, `{"object":{"key":"auto-test"}}`, true},
		{"nested miss", `{"object":{"key":[{"prefix":"auto-"}]}}`, `{"object":{"key":"test-auto"}}`, false},
		{"not json", `{"a":["x"]}`, `Regular string message`, false},
		{"json string", `{"a":["x"]}`, `"Regular string message"`, false},
		{"json array", `{"a":["x"]}`, `[{"a":"x"}]`, false},
		{"dotted policy nested body", `{"object.nested":["string.value"]}`, `{"object":{"nested":"string.value"}}`, true},
		{"dotted policy dotted body", `{"object.nested":["string.value"]}`, `{"object.nested":"string.value"}`, true},
		{"dotted miss", `{"object.nested":["string.value"]}`, `{"object":{"nested":"test-auto"}}`, false},
		{"deep dotted mixed 1", `{"object.nested.test":["v"]}`, `{"object.nested":{"test":"v"}}`, true},
		{"deep dotted mixed 2", `{"object.nested.test":["v"]}`, `{"object":{"nested.test":"v"}}`, true},
		{"nested policy dotted body", `{"object":{"nested":["v"]}}`, `{"object.nested":"v"}`, true},
		{"null literal", `{"a":[null]}`, `{"a":null}`, true},
		{"null literal absent", `{"a":[null]}`, `{"b":null}`, false},
		{"true literal", `{"a":[true]}`, `{"a":true}`, true},
		{"true vs string", `{"a":[true]}`, `{"a":"true"}`, false},
		{"array element", `{"a":["x"]}`, `{"a":["y","x"]}`, true},
		{"empty array elsewhere", `{"a":["x"]}`, `{"a":"x","resources":[]}`, true},
		{"exists true empty array", `{"a":[{"exists":true}]}`, `{"a":[],"b":1}`, false},
		{"exists true null", `{"a":[{"exists":true}]}`, `{"a":null}`, false},
		{"exists true intermediate", `{"a":[{"exists":true}]}`, `{"a":{"b":1}}`, false},
		{"exists false intermediate", `{"a":[{"exists":false}]}`, `{"a":{"b":1}}`, true},
		{"exists false empty body", `{"a":[{"exists":false}]}`, `{}`, false},
		{"array of objects same element", `{"r":{"name":["a"],"v":[1]}}`, `{"r":[{"name":"a","v":2},{"name":"b","v":1}]}`, false},
		{"array of objects one element", `{"r":{"name":["a"],"v":[1]}}`, `{"r":[{"name":"b","v":2},{"name":"a","v":1}]}`, true},
		{"nested arrays", `{"r":{"o":{"k":[{"prefix":"auto-"}]}}}`, `{"r":[{"o":[[{"k":"auto-1"}]]}]}`, true},
		{"numeric body", `{"price":[{"numeric":[">",100]}]}`, `{"price":100.5}`, true},
		{"numeric body string", `{"price":[{"numeric":[">",100]}]}`, `{"price":"100.5"}`, false},
		{"nested or", `{"detail":{"$or":[{"a":["1"]},{"b":["2"]}]}}`, `{"detail":{"b":"2"}}`, true},
		{"nested or miss", `{"detail":{"$or":[{"a":["1"]},{"b":["2"]}]}}`, `{"b":"2"}`, false},
		{"anything-but on array", `{"c":[{"anything-but":["rugby","tennis"]}]}`, `{"c":["rugby","baseball"]}`, true},
		{"anything-but on array all listed", `{"c":[{"anything-but":["rugby","tennis"]}]}`, `{"c":["rugby"]}`, false},
		{"anything-but null value", `{"c":[{"anything-but":"x"}]}`, `{"c":null}`, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := mustCompile(t, tt.policy, "MessageBody")
			if got := p.match(&filterMessage{body: tt.body}); got != tt.want {
				t.Fatalf("policy %s, body %s: match = %v, want %v", tt.policy, tt.body, got, tt.want)
			}
		})
	}
}

// TestFilterTrickyCases holds the cases of the SNS reference, §2.6.
func TestFilterTrickyCases(t *testing.T) {
	check := func(t *testing.T, p *filterPolicy, m *filterMessage, want bool) {
		t.Helper()
		if got := p.match(m); got != want {
			t.Errorf("match(attrs %v, body %q) = %v, want %v", m.attrs, m.body, got, want)
		}
	}
	t.Run("1 exists false needs an attribute", func(t *testing.T) {
		p := mustCompile(t, `{"store":[{"exists":false}]}`, "")
		check(t, p, &filterMessage{attrs: attrs{"event": strAttr("x")}}, true)
		check(t, p, &filterMessage{}, false)
	})
	t.Run("2 null or anything-but without attributes", func(t *testing.T) {
		p := mustCompile(t, `{"a":[null,{"anything-but":"whatever"}]}`, "")
		check(t, p, &filterMessage{}, false)
	})
	t.Run("3 anything-but on a string array", func(t *testing.T) {
		p := mustCompile(t, `{"c":[{"anything-but":["rugby","tennis"]}]}`, "")
		check(t, p, &filterMessage{attrs: attrs{"c": arrAttr(`["rugby","baseball"]`)}}, true)
		check(t, p, &filterMessage{attrs: attrs{"c": arrAttr(`["rugby"]`)}}, false)
		check(t, p, &filterMessage{attrs: attrs{"x": strAttr("y")}}, false)
	})
	t.Run("4 anything-but numbers on an array", func(t *testing.T) {
		p := mustCompile(t, `{"price":[{"anything-but":[100,500]}]}`, "")
		check(t, p, &filterMessage{attrs: attrs{"price": arrAttr(`[100,50]`)}}, true)
	})
	t.Run("5 number versus string", func(t *testing.T) {
		p := mustCompile(t, `{"price":[100]}`, "")
		check(t, p, &filterMessage{attrs: attrs{"price": strAttr("100")}}, false)
		check(t, p, &filterMessage{attrs: attrs{"price": arrAttr(`[100,50]`)}}, true)
		check(t, p, &filterMessage{attrs: attrs{"price": arrAttr(`100`)}}, true)
	})
	t.Run("6 anything-but string versus number", func(t *testing.T) {
		p := mustCompile(t, `{"x":[{"anything-but":["100"]}]}`, "")
		check(t, p, &filterMessage{attrs: attrs{"x": numAttr("100")}}, true)
	})
	t.Run("7 numeric range", func(t *testing.T) {
		p := mustCompile(t, `{"p":[{"numeric":[">",0,"<=",100]}]}`, "")
		check(t, p, &filterMessage{attrs: attrs{"p": numAttr("99")}}, true)
		check(t, p, &filterMessage{attrs: attrs{"p": numAttr("111")}}, false)
		check(t, p, &filterMessage{attrs: attrs{"p": strAttr("99")}}, false)
	})
	t.Run("8 nested body with exists false", func(t *testing.T) {
		p := mustCompile(t, `{"object":{"key":[{"prefix":"auto-"},"hardcodedvalue"],"nested_key":[{"exists":false}]},"test":[{"exists":false}]}`, "MessageBody")
		check(t, p, &filterMessage{body: `{"object":{"key":"auto-test"}}`}, true)
		check(t, p, &filterMessage{body: `{"object":{"key":"hardcodedvalue"}}`}, true)
		check(t, p, &filterMessage{body: `{"object":{"key":"test-auto"}}`}, false)
		check(t, p, &filterMessage{body: `{"object":{"key":"auto-test"},"test":"x"}`}, false)
		check(t, p, &filterMessage{body: `{"object":{"key":"auto-test","nested_key":"just-exists"}}`}, false)
		check(t, p, &filterMessage{body: `{"object":{"test":"auto-test"}}`}, false)
		check(t, p, &filterMessage{body: `{"test":"auto-test"}`}, false)
		check(t, p, &filterMessage{body: `Regular string message`}, false)
	})
	t.Run("9 body array matches every listed value", func(t *testing.T) {
		p1 := mustCompile(t, `{"headers":{"route-to":["queue1"]}}`, "MessageBody")
		p2 := mustCompile(t, `{"headers":{"route-to":["queue2"]}}`, "MessageBody")
		m := &filterMessage{body: `{"headers":{"route-to":["queue1","queue2"]}}`}
		check(t, p1, m, true)
		check(t, p2, m, true)
		check(t, p1, &filterMessage{body: `{"headers":{"route-to":["queue3"]}}`}, false)
	})
	t.Run("10 nested or with cidr", func(t *testing.T) {
		p := mustCompile(t, `{"detail":{"$or":[{"sourceIPAddress":[{"cidr":"10.0.0.0/24"}]},{"sourceIPAddressV6":[{"cidr":"2001:db8:1234:1a00::/64"}]}]}}`, "MessageBody")
		check(t, p, &filterMessage{body: `{"detail":{"sourceIPAddress":"10.0.0.255"}}`}, true)
		check(t, p, &filterMessage{body: `{"detail":{"sourceIPAddressV6":"2001:0db8:1234:1a00:0000:0000:0000:0000"}}`}, true)
		check(t, p, &filterMessage{body: `{"detail":{"sourceIPAddress":"10.0.0.256"}}`}, false)
		check(t, p, &filterMessage{body: `{"detail":{"sourceIPAddressV6":"2001:0db8:123f:1a00:0000:0000:0000:0000"}}`}, false)
	})
	t.Run("11 or with one element or operators is a key", func(t *testing.T) {
		if _, err := compileFilterPolicy(`{"$or":[{"a":["b"]}]}`, ""); err == nil {
			t.Errorf("one-element $or compiled, want it read as a key holding a match expression")
		}
		p := mustCompile(t, `{"$or":[{"numeric":[">",0]},{"prefix":"x"}]}`, "")
		check(t, p, &filterMessage{attrs: attrs{"$or": numAttr("5")}}, true)
		check(t, p, &filterMessage{attrs: attrs{"a": numAttr("5")}}, false)
	})
	t.Run("12 exists on an intermediate node", func(t *testing.T) {
		check(t, mustCompile(t, `{"a":[{"exists":true}]}`, "MessageBody"), &filterMessage{body: `{"a":{"b":1}}`}, false)
		check(t, mustCompile(t, `{"a":[{"exists":false}]}`, "MessageBody"), &filterMessage{body: `{"a":{"b":1}}`}, true)
	})
	t.Run("13 empty body arrays", func(t *testing.T) {
		check(t, mustCompile(t, `{"source":["x"]}`, "MessageBody"), &filterMessage{body: `{"source":"x","resources":[]}`}, true)
		check(t, mustCompile(t, `{"resources":[{"exists":true}]}`, "MessageBody"), &filterMessage{body: `{"source":"x","resources":[]}`}, false)
	})
	t.Run("14 binary attribute is absent", func(t *testing.T) {
		check(t, mustCompile(t, `{"b":[{"exists":true}]}`, ""), &filterMessage{attrs: attrs{"b": binAttr()}}, false)
		check(t, mustCompile(t, `{"b":[{"exists":false}]}`, ""), &filterMessage{attrs: attrs{"b": binAttr(), "s": strAttr("x")}}, true)
	})
	t.Run("15 quotes and backslashes are escaped in the policy", func(t *testing.T) {
		p := mustCompile(t, `{"s":["say \"hi\" \\o/"]}`, "")
		check(t, p, &filterMessage{attrs: attrs{"s": strAttr(`say "hi" \o/`)}}, true)
	})
}

// TestFilterBodyParsedOnce checks that a message's body is parsed by the
// first body-scoped match and reused by the next.
func TestFilterBodyParsedOnce(t *testing.T) {
	p := mustCompile(t, `{"a":["x"]}`, "MessageBody")
	m := &filterMessage{body: `{"a":"x"}`}
	if !p.match(m) {
		t.Fatal("first match = false, want true")
	}
	d := m.doc
	m.body = `{"a":"y"}` // not read again
	if !p.match(m) || m.doc != d {
		t.Fatal("second match parsed the body again")
	}
}

// goldenCase is one file of testdata/filterpolicy: a policy from the AWS
// documentation and messages with the outcome AWS documents.
type goldenCase struct {
	Source   string          `json:"source"`
	Scope    string          `json:"scope"`
	Policy   json.RawMessage `json:"policy"`
	Messages []struct {
		Name       string                       `json:"name"`
		Attributes map[string]map[string]string `json:"attributes"`
		Body       json.RawMessage              `json:"body"`
		Match      bool                         `json:"match"`
	} `json:"messages"`
}

func TestFilterGolden(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "filterpolicy", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no golden files in testdata/filterpolicy")
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".json"), func(t *testing.T) {
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			var gc goldenCase
			if err := json.Unmarshal(data, &gc); err != nil {
				t.Fatalf("%s: %v", file, err)
			}
			p := mustCompile(t, string(gc.Policy), gc.Scope)
			for _, msg := range gc.Messages {
				m := &filterMessage{}
				if len(msg.Attributes) > 0 {
					m.attrs = attrs{}
					for k, a := range msg.Attributes {
						m.attrs[k] = MessageAttributeValue{DataType: a["Type"], StringValue: a["Value"]}
					}
				}
				if len(msg.Body) > 0 {
					var s string
					if json.Unmarshal(msg.Body, &s) == nil {
						m.body = s // a body given as a JSON string is that text
					} else {
						m.body = string(msg.Body)
					}
				}
				if got := p.match(m); got != msg.Match {
					t.Errorf("%s: message %q: match = %v, want %v", gc.Source, msg.Name, got, msg.Match)
				}
			}
		})
	}
}

func TestComparableNumber(t *testing.T) {
	tests := []struct {
		a, b float64
		same bool
	}{
		{100.123456789, 100.1234567, true},
		{301.5, 3.015e2, true},
		{0.000001, 0.000002, false},
		{-1, 1, false},
		{5e9, 5e9, true},
	}
	for _, tt := range tests {
		ka, oka := comparableNumber(tt.a)
		kb, okb := comparableNumber(tt.b)
		if !oka || !okb {
			t.Fatalf("comparableNumber(%v or %v) out of range", tt.a, tt.b)
		}
		if (ka == kb) != tt.same {
			t.Errorf("keys of %v and %v: %d, %d; want equal = %v", tt.a, tt.b, ka, kb, tt.same)
		}
	}
	if _, ok := comparableNumber(5.0000001e9); ok {
		t.Error("comparableNumber(5.0000001e9) in range, want out")
	}
}

// TestFilterPathNamedTwice holds the cases rapid found: a key named at the
// top and again inside an $or must hold for both namings, each on any
// element of an array, in either scope.
func TestFilterPathNamedTwice(t *testing.T) {
	const policy = `{"a":["x","y"],"$or":[{"a":["z"]},{"b":["w"]}]}`
	ap := mustCompile(t, policy, "MessageAttributes")
	bp := mustCompile(t, policy, "MessageBody")
	tests := []struct {
		name  string
		attrs attrs
		body  string
		want  bool
	}{
		{"both namings on one array", attrs{"a": arrAttr(`["y","z"]`)}, `{"a":["y","z"]}`, true},
		{"second naming fails", attrs{"a": arrAttr(`["y"]`)}, `{"a":["y"]}`, false},
		{"other alternative", attrs{"a": strAttr("x"), "b": strAttr("w")}, `{"a":"x","b":"w"}`, true},
		{"no alternative holds", attrs{"a": strAttr("x")}, `{"a":"x"}`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ap.match(&filterMessage{attrs: tt.attrs}); got != tt.want {
				t.Errorf("attributes %v: match = %v, want %v", tt.attrs, got, tt.want)
			}
			if got := bp.match(&filterMessage{body: tt.body}); got != tt.want {
				t.Errorf("body %s: match = %v, want %v", tt.body, got, tt.want)
			}
		})
	}
	// A key and an exists: false on it in an $or branch both apply.
	p := mustCompile(t, `{"$or":[{"a":["x"],"$or":[{"a":[{"exists":false}]},{"b":["q"]}]},{"c":["x"]}]}`, "MessageBody")
	if p.match(&filterMessage{body: `{"a":"x"}`}) {
		t.Errorf(`{"a":"x"}: match = true, want false (a exists)`)
	}
}

// TestFilterAttributesDoNotAllocate holds the publish path to its budget:
// matching attributes allocates nothing.
func TestFilterAttributesDoNotAllocate(t *testing.T) {
	m := &filterMessage{attrs: attrs{
		"store":    strAttr("example_corp"),
		"event":    strAttr("order_placed"),
		"price":    numAttr("210.75"),
		"tags":     arrAttr(`["a", 1, true, null]`),
		"ip":       strAttr("10.0.0.7"),
		"customer": strAttr("Rugby"),
	}}
	policies := []string{
		`{"store":["example_corp"],"event":[{"anything-but":["order_cancelled"]}],"price":[{"numeric":[">=",100,"<",1000]}]}`,
		`{"store":[{"prefix":"example"}],"event":[{"suffix":"placed"}],"customer":[{"equals-ignore-case":"RUGBY"}]}`,
		`{"store":[{"exists":true}],"coupon":[{"exists":false}],"price":[210.75]}`,
		`{"tags":["b",1],"ip":[{"cidr":"10.0.0.0/24"}]}`,
		`{"$or":[{"store":["x"]},{"event":[{"anything-but":{"prefix":"order_c"}}]}]}`,
	}
	for _, policy := range policies {
		p := mustCompile(t, policy, "")
		if !p.match(m) {
			t.Fatalf("policy %s: match = false, want true", policy)
		}
		if n := testing.AllocsPerRun(100, func() { p.match(m) }); n != 0 {
			t.Errorf("policy %s: %v allocations per match, want 0", policy, n)
		}
	}
}

// TestFilterConcurrentMatch matches one policy from many goroutines, as
// concurrent publishes do (run with -race).
func TestFilterConcurrentMatch(t *testing.T) {
	p := mustCompile(t, `{"a":[{"prefix":"x"}],"b":{"c":[{"numeric":[">",1]}]}}`, "MessageBody")
	done := make(chan bool)
	for i := range 8 {
		go func() {
			ok := true
			for j := range 200 {
				want := (i+j)%2 == 0
				body := `{"a":"xy","b":{"c":2}}`
				if !want {
					body = `{"a":"yx","b":{"c":2}}`
				}
				ok = ok && p.match(&filterMessage{body: body}) == want
			}
			done <- ok
		}()
	}
	for range 8 {
		if !<-done {
			t.Error("a concurrent match gave a wrong answer")
		}
	}
}
