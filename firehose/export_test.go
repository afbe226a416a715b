package firehose

import "time"

// ParsePrefixForTest parses a prefix and evaluates it at t with the error
// type and partition keys given, for the fuzz tests.
func ParsePrefixForTest(prefix string, t time.Time, errorType string, keys map[string]string) (string, error) {
	p, err := parsePrefix(prefix)
	if err != nil {
		return "", err
	}
	k := map[string]string{}
	for name, v := range keys {
		k["q:"+name], k["l:"+name] = v, v
	}
	n := 0
	env := prefixEnv{at: t, errorType: errorType, keys: k, random: func() string { n++; return "rnd" + string(rune('a'+n%26)) }}
	return string(p.eval(nil, &env)), nil
}

// FormatTimestampForTest formats t with a DateTimeFormatter pattern.
func FormatTimestampForTest(pattern string, t time.Time) (string, error) {
	f, err := compileTimestamp(pattern)
	if err != nil {
		return "", err
	}
	return string(f.format(nil, t)), nil
}
