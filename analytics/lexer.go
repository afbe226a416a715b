package analytics

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// tokKind is the kind of a lexical token.
type tokKind uint8

const (
	tEOF    tokKind = iota
	tIdent          // unquoted identifier or keyword, upper-cased in text
	tQIdent         // "quoted identifier", exact text
	tString         // 'string' or U&'string', decoded
	tNumber         // 12, 1.5, 1e3
	tOp             // punctuation and operators
	tBinary         // X'0A0B', decoded bytes in text
)

type token struct {
	kind tokKind
	text string
	pos  Pos
}

func (t token) String() string {
	switch t.kind {
	case tEOF:
		return "end of input"
	case tQIdent:
		return strconv.Quote(t.text)
	case tString:
		return "'" + t.text + "'"
	case tBinary:
		return "binary literal"
	}
	return t.text
}

// lex splits src into tokens. Comments (-- to end of line, /* ... */) and
// white space are skipped.
func lex(src string) ([]token, error) {
	var toks []token
	line, col := 1, 1
	i := 0
	adv := func(n int) {
		for k := 0; k < n && i < len(src); {
			r, w := utf8.DecodeRuneInString(src[i:])
			if r == '\n' {
				line++
				col = 1
			} else {
				col++
			}
			i += w
			k += w
		}
	}
	for i < len(src) {
		c := src[i]
		pos := Pos{line, col}
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f':
			adv(1)
		case c == '-' && i+1 < len(src) && src[i+1] == '-':
			for i < len(src) && src[i] != '\n' {
				adv(1)
			}
		case c == '/' && i+1 < len(src) && src[i+1] == '*':
			end := strings.Index(src[i+2:], "*/")
			if end < 0 {
				return nil, codeErr(pos, "unterminated comment")
			}
			adv(end + 4)
		case c == '\'':
			s, n, err := lexQuoted(src[i:], '\'', pos)
			if err != nil {
				return nil, err
			}
			adv(n)
			toks = append(toks, token{tString, s, pos})
		case c == '"':
			s, n, err := lexQuoted(src[i:], '"', pos)
			if err != nil {
				return nil, err
			}
			if s == "" {
				return nil, codeErr(pos, "empty quoted identifier")
			}
			adv(n)
			toks = append(toks, token{tQIdent, s, pos})
		case (c == 'u' || c == 'U') && strings.HasPrefix(src[i+1:], "&'"):
			s, n, err := lexQuoted(src[i+2:], '\'', pos)
			if err != nil {
				return nil, err
			}
			u, err := unescapeUnicode(s, pos)
			if err != nil {
				return nil, err
			}
			adv(n + 2)
			toks = append(toks, token{tString, u, pos})
		case (c == 'u' || c == 'U') && strings.HasPrefix(src[i+1:], "&\""):
			s, n, err := lexQuoted(src[i+2:], '"', pos)
			if err != nil {
				return nil, err
			}
			u, err := unescapeUnicode(s, pos)
			if err != nil {
				return nil, err
			}
			if u == "" {
				return nil, codeErr(pos, "empty quoted identifier")
			}
			adv(n + 2)
			toks = append(toks, token{tQIdent, u, pos})
		case (c == 'x' || c == 'X') && i+1 < len(src) && src[i+1] == '\'':
			s, n, err := lexQuoted(src[i+1:], '\'', pos)
			if err != nil {
				return nil, err
			}
			b, ok := decodeHex(s)
			if !ok {
				return nil, codeErr(pos, "invalid binary literal X'%s'", s)
			}
			adv(n + 1)
			toks = append(toks, token{tBinary, string(b), pos})
		case c >= '0' && c <= '9' || c == '.' && i+1 < len(src) && src[i+1] >= '0' && src[i+1] <= '9':
			j := i
			for j < len(src) && src[j] >= '0' && src[j] <= '9' {
				j++
			}
			if j < len(src) && src[j] == '.' {
				j++
				for j < len(src) && src[j] >= '0' && src[j] <= '9' {
					j++
				}
			}
			if j < len(src) && (src[j] == 'e' || src[j] == 'E') {
				k := j + 1
				if k < len(src) && (src[k] == '+' || src[k] == '-') {
					k++
				}
				if k < len(src) && src[k] >= '0' && src[k] <= '9' {
					for k < len(src) && src[k] >= '0' && src[k] <= '9' {
						k++
					}
					j = k
				}
			}
			toks = append(toks, token{tNumber, src[i:j], pos})
			adv(j - i)
		case isIdentStart(src[i:]):
			j := i
			for j < len(src) {
				r, w := utf8.DecodeRuneInString(src[j:])
				if !(r == '_' || r == '$' || r == '#' || unicode.IsLetter(r) || unicode.IsDigit(r)) {
					break
				}
				j += w
			}
			toks = append(toks, token{tIdent, strings.ToUpper(src[i:j]), pos})
			adv(j - i)
		default:
			op := ""
			for _, o := range []string{"<>", "<=", ">=", "!=", "||", "(", ")", ",", ".", ";", "*", "+", "-", "/", "%", "=", "<", ">", "[", "]", ":"} {
				if strings.HasPrefix(src[i:], o) {
					op = o
					break
				}
			}
			if op == "" {
				r, _ := utf8.DecodeRuneInString(src[i:])
				return nil, codeErr(pos, "unexpected character %q", r)
			}
			toks = append(toks, token{tOp, op, pos})
			adv(len(op))
		}
	}
	toks = append(toks, token{tEOF, "", Pos{line, col}})
	return toks, nil
}

func isIdentStart(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return r == '_' || unicode.IsLetter(r)
}

// lexQuoted reads a q-quoted literal at the start of s (doubled quotes
// escape a quote) and returns its text and length in bytes.
func lexQuoted(s string, q byte, pos Pos) (string, int, error) {
	var b strings.Builder
	for j := 1; j < len(s); j++ {
		if s[j] == q {
			if j+1 < len(s) && s[j+1] == q {
				b.WriteByte(q)
				j++
				continue
			}
			return b.String(), j + 1, nil
		}
		b.WriteByte(s[j])
	}
	if q == '"' {
		return "", 0, codeErr(pos, "unterminated quoted identifier")
	}
	return "", 0, codeErr(pos, "unterminated string literal")
}

// unescapeUnicode decodes the \XXXX and \+XXXXXX escapes of a U& literal.
func unescapeUnicode(s string, pos Pos) (string, error) {
	if !strings.Contains(s, `\`) {
		return s, nil
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' {
			b.WriteByte(s[i])
			continue
		}
		if i+1 < len(s) && s[i+1] == '\\' {
			b.WriteByte('\\')
			i++
			continue
		}
		n := 4
		if i+1 < len(s) && s[i+1] == '+' {
			n = 6
			i++
		}
		if i+1+n > len(s) {
			return "", codeErr(pos, "invalid unicode escape in %q", s)
		}
		v, err := strconv.ParseUint(s[i+1:i+1+n], 16, 32)
		if err != nil || !utf8.ValidRune(rune(v)) {
			return "", codeErr(pos, "invalid unicode escape in %q", s)
		}
		b.WriteRune(rune(v))
		i += n
	}
	return b.String(), nil
}

func decodeHex(s string) ([]byte, bool) {
	if len(s)%2 != 0 {
		return nil, false
	}
	out := make([]byte, len(s)/2)
	for i := 0; i < len(s); i += 2 {
		v, err := strconv.ParseUint(s[i:i+2], 16, 8)
		if err != nil {
			return nil, false
		}
		out[i/2] = byte(v)
	}
	return out, true
}
