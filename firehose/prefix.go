package firehose

import (
	"strings"
	"time"
)

// Error output types: the values of !{firehose:error-output-type}.
const (
	ErrorOutputProcessingFailed       = "processing-failed"
	ErrorOutputDecompressionFailed    = "decompression-failed"
	ErrorOutputFormatConversionFailed = "format-conversion-failed"
	ErrorOutputHTTPEndpointFailed     = "http-endpoint-failed"
	ErrorOutputOpenSearchFailed       = "AmazonOpenSearchService-failed"
	ErrorOutputElasticsearchFailed    = "elasticsearch-failed"
	ErrorOutputSplunkFailed           = "splunk-failed"
	ErrorOutputSnowflakeFailed        = "snowflake-failed"
	ErrorOutputIcebergFailed          = "iceberg-failed"
	// ErrorOutputActivePartitionExceeded is where records of partitions
	// beyond the active-partition quota go.
	ErrorOutputActivePartitionExceeded = "activePartitionExceeded"
)

type segKind uint8

const (
	segLiteral segKind = iota
	segTimestamp
	segRandom
	segErrorType
	segQuery
	segLambda
)

type segment struct {
	kind segKind
	lit  string // literal text, or the partition key name
	ts   *tsFormat
}

// prefixExpr is a parsed Prefix or ErrorOutputPrefix.
type prefixExpr struct {
	segs          []segment
	hasExpr       bool
	hasTimestamp  bool
	usesErrorType bool
	usesQuery     bool
	usesLambda    bool
	queryKeys     []string
	lambdaKeys    []string
}

// defaultTimestamp is the expression Firehose appends to a Prefix with
// no timestamp expression: !{timestamp:yyyy/MM/dd/HH/}.
var defaultTimestamp = func() *tsFormat {
	f, err := compileTimestamp("yyyy/MM/dd/HH/")
	if err != nil {
		panic(err)
	}
	return f
}()

// parsePrefix parses the !{namespace:value} expressions of a prefix.
func parsePrefix(s string) (*prefixExpr, error) {
	p := &prefixExpr{}
	for {
		i := strings.Index(s, "!{")
		if i < 0 {
			break
		}
		if i > 0 {
			p.segs = append(p.segs, segment{kind: segLiteral, lit: s[:i]})
		}
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			return nil, errArg("The sequence '!{' can only be used in expressions of the form !{namespace:value}: %s", s)
		}
		expr := s[i+2 : i+j]
		s = s[i+j+1:]
		ns, val, ok := strings.Cut(expr, ":")
		if !ok || val == "" || strings.Contains(val, "!{") {
			return nil, errArg("Invalid expression !{%s}: expressions take the form !{namespace:value}.", expr)
		}
		p.hasExpr = true
		switch ns {
		case "timestamp":
			f, err := compileTimestamp(val)
			if err != nil {
				return nil, errArg("Invalid timestamp expression !{%s}: %s", expr, err.(*Error).Message)
			}
			p.hasTimestamp = true
			p.segs = append(p.segs, segment{kind: segTimestamp, ts: f})
		case "firehose":
			switch val {
			case "random-string":
				p.segs = append(p.segs, segment{kind: segRandom})
			case "error-output-type":
				p.usesErrorType = true
				p.segs = append(p.segs, segment{kind: segErrorType})
			default:
				return nil, errArg("Invalid firehose namespace value %s: it must be random-string or error-output-type.", val)
			}
		case "partitionKeyFromQuery":
			p.usesQuery = true
			p.queryKeys = append(p.queryKeys, val)
			p.segs = append(p.segs, segment{kind: segQuery, lit: val})
		case "partitionKeyFromLambda":
			p.usesLambda = true
			p.lambdaKeys = append(p.lambdaKeys, val)
			p.segs = append(p.segs, segment{kind: segLambda, lit: val})
		default:
			return nil, errArg("Unknown namespace %s in expression !{%s}.", ns, expr)
		}
	}
	if s != "" {
		p.segs = append(p.segs, segment{kind: segLiteral, lit: s})
	}
	return p, nil
}

// appendDefaultTimestamp appends !{timestamp:yyyy/MM/dd/HH/} when p has no
// timestamp expression.
func (p *prefixExpr) appendDefaultTimestamp() {
	if !p.hasTimestamp {
		p.segs = append(p.segs, segment{kind: segTimestamp, ts: defaultTimestamp})
		p.hasTimestamp = true
	}
}

// compilePrefixes applies AWS's rules to a Prefix and ErrorOutputPrefix.
// The returned error prefix is never nil.
func compilePrefixes(prefix, errPrefix string, partitioned bool) (*prefixExpr, *prefixExpr, error) {
	p, err := parsePrefix(prefix)
	if err != nil {
		return nil, nil, err
	}
	if p.usesErrorType {
		return nil, nil, errArg("The Prefix cannot contain !{firehose:error-output-type}; use it in the ErrorOutputPrefix.")
	}
	userExpr := p.hasExpr
	if !partitioned {
		p.appendDefaultTimestamp()
	}
	var ep *prefixExpr
	if errPrefix == "" {
		if userExpr {
			return nil, nil, errArg("ErrorOutputPrefix cannot be null or empty when Prefix contains expressions.")
		}
		// <prefix><error-output-type>/yyyy/MM/dd/HH/, AWS's documented example.
		ep = &prefixExpr{hasExpr: true, hasTimestamp: true, usesErrorType: true}
		if prefix != "" {
			ep.segs = append(ep.segs, segment{kind: segLiteral, lit: prefix})
		}
		ep.segs = append(ep.segs, segment{kind: segErrorType}, segment{kind: segLiteral, lit: "/"},
			segment{kind: segTimestamp, ts: defaultTimestamp})
		return p, ep, nil
	}
	ep, err = parsePrefix(errPrefix)
	if err != nil {
		return nil, nil, err
	}
	if ep.usesQuery || ep.usesLambda {
		return nil, nil, errArg("The ErrorOutputPrefix cannot contain partitionKeyFromQuery or partitionKeyFromLambda expressions.")
	}
	if ep.hasExpr && !ep.usesErrorType {
		return nil, nil, errArg("The ErrorOutputPrefix must contain !{firehose:error-output-type} when it contains expressions.")
	}
	return p, ep, nil
}

// prefixEnv is what an evaluation reads.
type prefixEnv struct {
	at        time.Time // the oldest record's arrival, in the stream's zone
	errorType string
	keys      map[string]string // partition keys, by name (query and lambda share the map)
	random    func() string
}

// eval renders the prefix.
func (p *prefixExpr) eval(b []byte, env *prefixEnv) []byte {
	for i := range p.segs {
		s := &p.segs[i]
		switch s.kind {
		case segLiteral:
			b = append(b, s.lit...)
		case segTimestamp:
			b = s.ts.format(b, env.at)
		case segRandom:
			b = append(b, env.random()...)
		case segErrorType:
			b = append(b, env.errorType...)
		case segQuery:
			b = append(b, env.keys["q:"+s.lit]...)
		case segLambda:
			b = append(b, env.keys["l:"+s.lit]...)
		}
	}
	return b
}
