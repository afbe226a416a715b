package awsapi

import (
	"errors"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
)

// Query protocol requests: form-encoded parameters in the body or the URL,
// Action naming the operation, Version the API (SQS 2012-11-05, SNS
// 2010-03-31).

const (
	sqsVersion = "2012-11-05"
	snsVersion = "2010-03-31"
	sqsXMLNS   = "http://queue.amazonaws.com/doc/2012-11-05/"
	snsXMLNS   = "http://sns.amazonaws.com/doc/2010-03-31/"
)

// serveQuery serves a query protocol request of SQS or SNS.
func (h *handler) serveQuery(w http.ResponseWriter, r *http.Request, c *call) {
	if err := r.ParseForm(); err != nil {
		ns := sqsXMLNS
		if h.sqs == nil {
			ns = snsXMLNS
		}
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			writeQueryError(w, c, ns, errTooLarge(mbe.Limit))
			return
		}
		writeQueryError(w, c, ns, errMalformedQuery(err.Error()))
		return
	}
	f := form(r.Form)
	action := f.get("Action")
	c.op = action
	sns := h.sns != nil && (h.sqs == nil || f.get("Version") == snsVersion || (f.get("Version") == "" && snsOps[action] && !sqsOps[action]) ||
		strings.Contains(r.Header.Get("Authorization"), "/sns/aws4_request"))
	switch {
	case sns:
		c.service = "sns"
		if action == "" {
			writeQueryError(w, c, snsXMLNS, errMissingAction())
			return
		}
		h.serveSNSQuery(w, r, c, f, action)
	case h.sqs != nil:
		c.service = "sqs"
		if action == "" {
			writeQueryError(w, c, sqsXMLNS, errMissingAction())
			return
		}
		h.serveSQSQuery(w, r, c, f, action)
	default:
		writeQueryError(w, c, snsXMLNS, errInvalidAction("The action "+action+" is not valid for this web service."))
	}
}

// form reads query protocol parameters, with AWS's flattened lists and maps.
type form url.Values

func (f form) get(k string) string {
	if v := f[k]; len(v) > 0 {
		return v[0]
	}
	return ""
}

func (f form) has(k string) bool { _, ok := f[k]; return ok }

// str returns a pointer to the parameter's value, or nil when absent.
func (f form) str(k string) *string {
	if !f.has(k) {
		return nil
	}
	v := f.get(k)
	return &v
}

// integer returns the parameter as an int, nil when absent.
func (f form) integer(k string) (*int, error) {
	if !f.has(k) {
		return nil, nil
	}
	n, err := strconv.Atoi(strings.TrimSpace(f.get(k)))
	if err != nil {
		return nil, errMalformedQuery("Value " + strconv.Quote(f.get(k)) + " for parameter " + k + " is invalid: not an integer.")
	}
	return &n, nil
}

// indexes returns, in order, the distinct N of the parameters named
// prefix.N or prefix.N.<anything>.
func (f form) indexes(prefix string) []int {
	seen := map[int]bool{}
	var out []int
	p := prefix + "."
	for k := range f {
		if !strings.HasPrefix(k, p) {
			continue
		}
		rest := k[len(p):]
		num, _, _ := strings.Cut(rest, ".")
		n, err := strconv.Atoi(num)
		if err != nil || n < 1 || seen[n] {
			continue
		}
		seen[n] = true
		out = append(out, n)
	}
	sort.Ints(out)
	return out
}

// list reads prefix.1, prefix.2, ...; nil when there are none.
func (f form) list(prefix string) []string {
	var out []string
	for _, n := range f.indexes(prefix) {
		out = append(out, f.get(prefix+"."+strconv.Itoa(n)))
	}
	return out
}

// pairs reads prefix.N.<key>/prefix.N.<value> into a map; nil when empty.
func (f form) pairs(prefix, key, value string) map[string]string {
	var out map[string]string
	for _, n := range f.indexes(prefix) {
		p := prefix + "." + strconv.Itoa(n) + "."
		if out == nil {
			out = map[string]string{}
		}
		out[f.get(p+key)] = f.get(p + value)
	}
	return out
}

// sub returns the parameters under prefix (which ends in "."), with the
// prefix cut off.
func (f form) sub(prefix string) form {
	out := form{}
	for k, v := range f {
		if rest, ok := strings.CutPrefix(k, prefix); ok {
			out[rest] = v
		}
	}
	return out
}
